package notifier

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/chat/slack"
	"github.com/foghornhq/foghorn/lambda/clock"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/envelope"
)

// scenario builds real-shaped ECS events of a few services from the shipped samples: task
// failures, steady states and deployment state changes, with ids and times of the caller's
// choosing. Services are on cluster example-cluster, account 111122223333, us-east-1.
type scenario struct {
	t         testing.TB
	exit1     map[string]any
	steady    map[string]any
	deploy    map[string]any
	t0        time.Time
	nextEvent int
}

func newScenario(t testing.TB, t0 time.Time) *scenario {
	t.Helper()
	load := func(rel string) map[string]any {
		var v map[string]any
		if err := json.Unmarshal(read(t, rel), &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	return &scenario{t: t, exit1: load(exit1), steady: load(steady), deploy: load(failed), t0: t0}
}

const (
	scenarioAccount = "111122223333"
	scenarioRegion  = "us-east-1"
	scenarioCluster = "example-cluster"
)

func (s *scenario) base(tmpl map[string]any, at time.Duration) map[string]any {
	ev := clone(s.t, tmpl)
	s.nextEvent++
	ev["id"] = fmt.Sprintf("evt-%04d", s.nextEvent)
	ev["time"] = s.t0.Add(at).Format(time.RFC3339Nano)
	ev["account"], ev["region"] = scenarioAccount, scenarioRegion
	return ev
}

func (s *scenario) marshal(ev map[string]any) json.RawMessage {
	b, err := json.Marshal(ev)
	if err != nil {
		s.t.Fatal(err)
	}
	return b
}

func serviceARN(svc string) string {
	return "arn:aws:ecs:" + scenarioRegion + ":" + scenarioAccount + ":service/" + scenarioCluster + "/" + svc
}

// failure is task n of svc, started by deployment dep, exiting with code 1 at t0+at.
func (s *scenario) failure(svc, dep string, n int, at time.Duration) json.RawMessage {
	ev := s.base(s.exit1, at)
	d := ev["detail"].(map[string]any)
	taskID := fmt.Sprintf("%016x%016x", crc32.ChecksumIEEE([]byte(svc)), n)
	ev["resources"] = []string{"arn:aws:ecs:" + scenarioRegion + ":" + scenarioAccount + ":task/" + scenarioCluster + "/" + taskID}
	d["group"] = "service:" + svc
	d["clusterArn"] = "arn:aws:ecs:" + scenarioRegion + ":" + scenarioAccount + ":cluster/" + scenarioCluster
	d["taskArn"] = ev["resources"].([]string)[0]
	d["taskDefinitionArn"] = "arn:aws:ecs:" + scenarioRegion + ":" + scenarioAccount + ":task-definition/" + svc + ":42"
	d["startedBy"] = dep
	d["stoppedAt"] = ev["time"]
	return s.marshal(ev)
}

// steadyState is svc reaching a steady state at t0+at.
func (s *scenario) steadyState(svc string, at time.Duration) json.RawMessage {
	ev := s.base(s.steady, at)
	ev["resources"] = []string{serviceARN(svc)}
	ev["detail"].(map[string]any)["clusterArn"] = "arn:aws:ecs:" + scenarioRegion + ":" + scenarioAccount + ":cluster/" + scenarioCluster
	return s.marshal(ev)
}

// deployment is a deployment state change of svc at t0+at.
func (s *scenario) deployment(svc, event, dep, reason string, at time.Duration) json.RawMessage {
	ev := s.base(s.deploy, at)
	ev["resources"] = []string{serviceARN(svc)}
	d := ev["detail"].(map[string]any)
	d["eventName"], d["deploymentId"], d["reason"] = event, dep, reason
	d["eventType"] = "INFO"
	if event == "SERVICE_DEPLOYMENT_FAILED" {
		d["eventType"] = "ERROR"
	}
	d["updatedAt"] = ev["time"]
	return s.marshal(ev)
}

// sqsPayload is the SQS event Lambda hands the function for bodies with the given message ids.
func sqsPayload(t testing.TB, ids []string, bodies []json.RawMessage) json.RawMessage {
	t.Helper()
	type rec struct {
		MessageID   string `json:"messageId"`
		Body        string `json:"body"`
		EventSource string `json:"eventSource"`
	}
	var b struct {
		Records []rec `json:"Records"`
	}
	for i, body := range bodies {
		b.Records = append(b.Records, rec{MessageID: ids[i], Body: string(body), EventSource: "aws:sqs"})
	}
	payload, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return payload
}

// memoryTarget is a chat target in the test's memory: it renders as Slack does and keeps what
// it is sent. With threaded set it also edits and replies, as Slack with a bot token.
type memoryTarget struct {
	mu    sync.Mutex
	posts []string // the top-level text of each post, update ("update: …") and reply ("reply: …")
	refs  int
}

func (m *memoryTarget) Render(a alert.Alert) ([]byte, error) { return slack.Render(a) }

func (m *memoryTarget) record(prefix string, body []byte) {
	var v struct{ Text string }
	json.Unmarshal(body, &v)
	m.mu.Lock()
	m.posts = append(m.posts, prefix+v.Text)
	m.mu.Unlock()
}

func (m *memoryTarget) Post(_ context.Context, body []byte) error { m.record("", body); return nil }

// threadedTarget adds editing and replies.
type threadedTarget struct{ memoryTarget }

func (m *threadedTarget) PostRef(_ context.Context, body []byte) (chat.Ref, error) {
	m.record("", body)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.refs++
	return chat.Ref{Channel: "C0FAKE", ID: fmt.Sprintf("1700000000.%06d", m.refs)}, nil
}

func (m *threadedTarget) Update(_ context.Context, _ chat.Ref, body []byte) error {
	m.record("update: ", body)
	return nil
}

func (m *threadedTarget) Reply(_ context.Context, _ chat.Ref, body []byte) error {
	m.record("reply: ", body)
	return nil
}

// memoryNotifier is a notifier posting to webhook-like ("hook") and threaded ("bot")
// in-memory targets, on processing clock c, logging to logs.
func memoryNotifier(t testing.TB, c clock.Clock, logs *bytes.Buffer) (*Notifier, *memoryTarget, *threadedTarget) {
	t.Helper()
	hook, bot := &memoryTarget{}, &threadedTarget{}
	doc := &config.Document{Version: 1, Destinations: []config.Destination{
		{Name: "hook", Target: "slack", SecretParam: "/test/hook"},
		{Name: "bot", Target: "slack-bot", SecretParam: "/test/bot", Channel: "C0FAKE"},
	}}
	n, err := New(doc, WithTarget("hook", hook), WithTarget("bot", bot),
		WithClock(c), WithLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	if err != nil {
		t.Fatal(err)
	}
	return n, hook, bot
}

// accountFor checks that every record of the batch is accounted for: said in a message,
// folded into a story, or suppressed by a named rule.
func accountFor(t testing.TB, recs []envelope.Record, plan Plan) {
	t.Helper()
	seen := map[string]bool{}
	for _, m := range plan.Messages {
		for _, id := range m.Items {
			seen[id] = true
		}
	}
	for _, f := range plan.Folded {
		for _, id := range f.Items {
			seen[id] = true
		}
	}
	for _, s := range plan.Suppressed {
		if s.Rule == "" {
			t.Errorf("suppression of %s names no rule", s.Alert.EventID)
		}
		for _, id := range s.Items {
			seen[id] = true
		}
	}
	for _, r := range recs {
		if r.ItemID != "" && !seen[r.ItemID] {
			t.Errorf("record %s is not accounted for: not posted, folded or suppressed", r.ItemID)
		}
	}
}

// TestFiveRecordBatch: three task failures, a steady state, then a fourth failure, all of one
// service in one SQS batch. The steady state ends the crash loop the batch announces and the
// fourth failure starts a new story. This batch used to panic the story stage, which killed
// the process and sent every record of the batch, innocent ones too, to the DLQ.
func TestFiveRecordBatch(t *testing.T) {
	for _, age := range ages {
		t.Run(age.name, func(t *testing.T) {
			sc := newScenario(t, processed.Add(-age.age))
			const dep = "ecs-svc/4718350946203817256"
			bodies := []json.RawMessage{
				sc.failure("checkout-api", dep, 1, 0),
				sc.failure("checkout-api", dep, 2, 20*time.Second),
				sc.failure("checkout-api", dep, 3, 40*time.Second),
				sc.steadyState("checkout-api", 2*time.Minute),
				sc.failure("checkout-api", dep, 4, 3*time.Minute),
			}
			var logs bytes.Buffer
			n, hook, bot := memoryNotifier(t, clock.NewFake(processed), &logs)
			resp, err := n.Handle(context.Background(), sqsPayload(t, []string{"m1", "m2", "m3", "m4", "m5"}, bodies))
			if err != nil || len(resp.BatchItemFailures) != 0 {
				t.Fatalf("Handle = %+v, %v; want every record done", resp, err)
			}
			if strings.Contains(logs.String(), "panic") {
				t.Errorf("the pipeline panicked:\n%s", logs.String())
			}
			// The bot cannot edit an announcement whose reference it learns only once it is
			// posted, so within one batch it says the same as the webhook.
			want := []string{"checkout-api is crash-looping: 3 tasks failed", "checkout-api recovered: steady again", "of service checkout-api in cluster example-cluster stopped"}
			for _, c := range []struct {
				name string
				got  []string
				want []string
			}{{"webhook", hook.posts, want}, {"bot", bot.posts, want}} {
				if len(c.got) != len(c.want) {
					t.Fatalf("%s got %q, want %d messages like %q", c.name, c.got, len(c.want), c.want)
				}
				for i := range c.want {
					if !strings.Contains(c.got[i], c.want[i]) {
						t.Errorf("%s message %d = %q, want it to say %q", c.name, i+1, c.got[i], c.want[i])
					}
				}
			}
		})
	}
}
