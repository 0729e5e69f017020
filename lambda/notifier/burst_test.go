package notifier

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/chat/deliver"
	"github.com/foghornhq/foghorn/lambda/clock"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/envelope"
	"github.com/foghornhq/foghorn/lambda/internal/chatfake"
)

// burstEvents returns n task failures spread over services, happening within a minute from
// t0, in arrival order: service i's task j exits with code 1.
func burstEvents(t testing.TB, services, perService int, t0 time.Time) []json.RawMessage {
	t.Helper()
	tmpl := read(t, exit1)
	var base map[string]any
	if err := json.Unmarshal(tmpl, &base); err != nil {
		t.Fatal(err)
	}
	total := services * perService
	out := make([]json.RawMessage, 0, total)
	for k := 0; k < total; k++ {
		svc, task := k%services, k/services
		at := t0.Add(time.Duration(k) * time.Minute / time.Duration(total))
		ev := clone(t, base)
		name := fmt.Sprintf("svc-%02d", svc)
		taskID := fmt.Sprintf("%08x%024x", svc, task)
		ev["id"] = fmt.Sprintf("burst-%02d-%03d", svc, task)
		ev["time"] = at.Format(time.RFC3339Nano)
		d := ev["detail"].(map[string]any)
		d["group"] = "service:" + name
		d["taskArn"] = "arn:aws:ecs:us-east-1:111122223333:task/example-cluster/" + taskID
		d["taskDefinitionArn"] = "arn:aws:ecs:us-east-1:111122223333:task-definition/" + name + ":7"
		d["startedBy"] = "ecs-svc/" + fmt.Sprint(1000+svc)
		d["stoppedAt"] = at.Format(time.RFC3339Nano)
		b, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

func clone(t testing.TB, v map[string]any) map[string]any {
	b, _ := json.Marshal(v)
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// burstResult is what a burst did, counted by the test.
type burstResult struct {
	posts       int            // requests Slack accepted
	perService  map[string]int // accepted messages per service
	answered429 int            // 429s the fake gave
	invocations int
	accounted   map[string]string // event id → how it was accounted for
	chatTime    time.Duration     // fake time the deliveries took, waits included
}

// runBurst pushes events through the pipeline as Lambda would: SQS batches of batchSize,
// two invocations at a time sharing one state store, into a Slack webhook that allows one
// message per second (burst 3) and answers 429 with Retry-After beyond that. Records an
// invocation reports as failed go back on the queue, as SQS would redeliver them.
func runBurst(t testing.TB, events []json.RawMessage, batchSize int) burstResult {
	start := processed
	clk := clock.NewFake(start)
	chat := chatfake.New(chatfake.Options{Clock: clk, Rates: map[string]chatfake.Rate{chatfake.TargetSlackWebhook: {PerSecond: 1, Burst: 3}}})
	defer chat.Close()
	hook := chat.SlackWebhookURL("alerts")

	doc := &config.Document{Version: 1, Destinations: []config.Destination{{Name: "alerts", Target: "slack", SecretParam: "/test/webhook"}}}
	client := &deliver.Client{
		Clock: clk,
		Sleep: func(_ context.Context, d time.Duration) error { clk.Advance(d); return nil },
	}
	n := slackNotifier(t, hook, client, doc, WithClock(clk)) // stories and ledger in memory, shared by both workers

	// The queue holds SQS messages by id; ids are the events' positions.
	type msg struct {
		id   string
		body json.RawMessage
	}
	var mu sync.Mutex
	queue := make([]msg, len(events))
	for i, e := range events {
		queue[i] = msg{id: fmt.Sprint(i), body: e}
	}
	res := burstResult{perService: map[string]int{}, accounted: map[string]string{}}
	next := func() []msg {
		mu.Lock()
		defer mu.Unlock()
		k := min(batchSize, len(queue))
		b := queue[:k:k]
		queue = queue[k:]
		if k > 0 {
			res.invocations++
		}
		return b
	}
	var wg sync.WaitGroup
	for worker := 0; worker < 2; worker++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				b := next()
				if len(b) == 0 {
					return
				}
				bodies := make([]json.RawMessage, len(b))
				for i, m := range b {
					bodies[i] = m.body
				}
				payload, err := envelope.SQSBatch(bodies)
				if err != nil {
					t.Error(err)
					return
				}
				recs, _ := envelope.Split(payload)
				ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
				plan := n.Plan(ctx, recs)
				out := n.Deliver(ctx, plan)
				cancel()
				failed := map[string]bool{}
				for _, id := range out.Failed {
					failed[id] = true
				}
				mu.Lock()
				for _, f := range plan.Folded {
					res.accounted[f.Alert.EventID] = "folded into " + f.Story
				}
				for _, s := range plan.Suppressed {
					res.accounted[s.Alert.EventID] = "suppressed by " + s.Rule
				}
				for _, o := range out.Outcomes {
					if o.Err != nil {
						continue
					}
					res.perService[o.Message.Alert.Identity.Service]++
					for _, id := range o.Message.Items {
						k := msgIndex(id)
						res.accounted[eventID(b[k].body)] = "posted"
					}
				}
				// Failed records go back on the queue.
				for i, id := range out.Failed {
					_ = i
					queue = append(queue, b[msgIndex(id)])
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for _, r := range chat.Requests() {
		switch r.Response.Status {
		case 200:
			res.posts++
		case 429:
			res.answered429++
		}
	}
	res.chatTime = clk.Now().Sub(start)
	return res
}

// msgIndex maps SQSBatch's "msg-N" ids back to the batch position.
func msgIndex(id string) int {
	var n int
	fmt.Sscanf(strings.TrimPrefix(id, "msg-"), "%d", &n)
	return n - 1
}

func eventID(body json.RawMessage) string {
	var ev struct{ ID string }
	json.Unmarshal(body, &ev)
	return ev.ID
}

// TestBurst: 1,000 task failures of 20 services within a minute. Each service is told in a
// handful of messages, every 429 is waited out, and every event is accounted for: posted,
// folded into a story, or suppressed by a named rule. The burst is told the same whether it
// arrives on time or late: after a backlog, a throttled queue, or a DLQ redrive.
func TestBurst(t *testing.T) {
	var onTime burstResult
	for _, age := range ages {
		t.Run(age.name, func(t *testing.T) {
			events := burstEvents(t, 20, 50, processed.Add(-age.age))
			res := runBurst(t, events, 10)
			for svc, n := range res.perService {
				if n > 5 {
					t.Errorf("%s got %d messages, want a handful (≤ 5)", svc, n)
				}
			}
			if len(res.perService) != 20 {
				t.Errorf("%d services heard of, want 20", len(res.perService))
			}
			for _, ev := range events {
				if id := eventID(ev); res.accounted[id] == "" {
					t.Errorf("event %s is not accounted for", id)
				}
			}
			if age.age == 0 {
				onTime = res
			} else if res.posts != onTime.posts || !maps.Equal(res.perService, onTime.perService) {
				t.Errorf("%d messages %v; on time the same burst made %d %v", res.posts, res.perService, onTime.posts, onTime.perService)
			}
			t.Logf("1,000 failures of 20 services: %d messages (%d invocations), %d 429s waited out, %s of chat time",
				res.posts, res.invocations, res.answered429, res.chatTime)
		})
	}
}

// BenchmarkBurst measures the whole burst through the pipeline and the rate-limited fake
// Slack (waits are on a fake clock, so this is the notifier's own cost). The README quotes
// its figures.
func BenchmarkBurst(b *testing.B) {
	events := burstEvents(b, 20, 50, processed)
	b.ReportAllocs()
	var last burstResult
	for i := 0; i < b.N; i++ {
		last = runBurst(b, events, 10)
	}
	b.ReportMetric(float64(last.posts), "messages/burst")
	b.ReportMetric(float64(last.answered429), "429s/burst")
	b.ReportMetric(last.chatTime.Seconds(), "chat-s/burst")
}
