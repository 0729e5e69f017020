package notifier

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/awslogs"
	"github.com/foghornhq/foghorn/lambda/clock"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/envelope"
	fx "github.com/foghornhq/foghorn/lambda/internal/fixtures"
	"github.com/foghornhq/foghorn/lambda/policy"
	"github.com/foghornhq/foghorn/lambda/state"
)

// logDoc maps each /ecs/<service> log group to its service on the scenario's cluster.
func logDoc(services ...string) *config.Document {
	doc := &config.Document{Version: 1, Destinations: []config.Destination{
		{Name: "hook", Target: "slack", SecretParam: "/test/hook"},
		{Name: "bot", Target: "slack-bot", SecretParam: "/test/bot", Channel: "C0FAKE"},
	}}
	for _, s := range services {
		doc.LogPatterns.Services = append(doc.LogPatterns.Services, config.LogService{LogGroup: "/ecs/" + s, Cluster: scenarioCluster, Service: s})
	}
	return doc
}

func logNotifier(t testing.TB, doc *config.Document, logs *bytes.Buffer) (*Notifier, *memoryTarget, *threadedTarget) {
	t.Helper()
	hook, bot := &memoryTarget{}, &threadedTarget{}
	if logs == nil {
		logs = &bytes.Buffer{}
	}
	n, err := New(doc, WithTarget("hook", hook), WithTarget("bot", bot),
		WithClock(clock.NewFake(processed)), WithRegion(scenarioRegion), WithLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	if err != nil {
		t.Fatal(err)
	}
	return n, hook, bot
}

// delivery is what the intake enqueues for a batch of one stream: decoded DATA_MESSAGE
// documents within the queue's message size.
func delivery(t testing.TB, group, stream string, evs []events.CloudwatchLogsLogEvent) []json.RawMessage {
	t.Helper()
	b := awslogs.Batch{Region: scenarioRegion, CloudwatchLogsData: events.CloudwatchLogsData{Owner: scenarioAccount, LogGroup: group, LogStream: stream,
		SubscriptionFilters: []string{"foghorn"}, MessageType: awslogs.DataMessage, LogEvents: evs}}
	chunks, err := awslogs.Chunks(b, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]json.RawMessage, len(chunks))
	for i, c := range chunks {
		out[i] = c
	}
	return out
}

func logEvent(id string, at time.Time, msg string) events.CloudwatchLogsLogEvent {
	return events.CloudwatchLogsLogEvent{ID: id, Timestamp: at.UnixMilli(), Message: msg}
}

// runLogs hands bodies to the notifier as SQS batches of ten, one invocation after another,
// and returns every plan.
func runLogs(t testing.TB, n *Notifier, bodies []json.RawMessage) []Plan {
	t.Helper()
	var plans []Plan
	for i := 0; i < len(bodies); i += 10 {
		b := bodies[i:min(i+10, len(bodies))]
		ids := make([]string, len(b))
		for k := range b {
			ids[k] = fmt.Sprintf("m-%05d", i+k)
		}
		recs, err := envelope.Split(sqsPayload(t, ids, b))
		if err != nil {
			t.Fatal(err)
		}
		plan := n.Plan(context.Background(), recs)
		accountFor(t, recs, plan)
		if res := n.Deliver(context.Background(), plan); len(res.Failed) > 0 {
			t.Fatalf("failed: %v", res.Failed)
		}
		plans = append(plans, plan)
	}
	return plans
}

// burstLines is the burst: 10,000 error lines of five patterns over three services
// within 90 minutes from t0, as CloudWatch Logs would deliver them (batches of up to 500
// events of one stream), each delivery cut into queue messages.
func burstLines(t testing.TB, t0 time.Time) (bodies []json.RawMessage, total int) {
	const lines = 10000
	services := []string{"checkout-api", "orders-api", "billing-sync"}
	perStream := map[string][]events.CloudwatchLogsLogEvent{}
	k := 0
	for total < lines {
		svc := services[k%3]
		at := t0.Add(time.Duration(total) * 90 * time.Minute / lines)
		id := func(j int) string { return fmt.Sprintf("%056d", total+j) }
		var evs []events.CloudwatchLogsLogEvent
		switch (k / 3) % 5 {
		case 0:
			evs = append(evs, logEvent(id(0), at, fmt.Sprintf("2031-05-01T10:00:%02d.%03dZ ERROR order %d not found", k%60, k%1000, 10000+k)))
		case 1:
			evs = append(evs, logEvent(id(0), at, fmt.Sprintf(`{"level":"error","msg":"payment declined for card %d","request":"%08x-1111-4222-8333-444455556666","amount":%d.50}`, 4000+k%100, k, k%300)))
		case 2:
			evs = append(evs, logEvent(id(0), at, fmt.Sprintf("java.lang.IllegalStateException: cart %08x-aaaa-4bbb-8ccc-dddddddddddd is closed for user u%d@example.com", k, k%50)))
		case 3:
			if total+2 <= lines {
				evs = append(evs, logEvent(id(0), at, "Traceback (most recent call last):"), logEvent(id(1), at, fmt.Sprintf("ValueError: invalid literal for int() with base 10: '%d'", k)))
				break
			}
			fallthrough
		default:
			evs = append(evs, logEvent(id(0), at, fmt.Sprintf("level=error msg=\"upstream timeout after %dms\" host=10.0.%d.%d", 1000+k%500, k%200, k%250)))
		}
		total += len(evs)
		stream := "ecs/app/" + fmt.Sprintf("%032x", len(svc))
		perStream[svc+"|"+stream] = append(perStream[svc+"|"+stream], evs...)
		k++
	}
	// Deliveries of up to 500 events, streams interleaved as the intake would enqueue them.
	next := map[string]int{}
	for more := true; more; {
		more = false
		for _, svc := range services {
			stream := "ecs/app/" + fmt.Sprintf("%032x", len(svc))
			evs, start := perStream[svc+"|"+stream], next[svc]
			if start >= len(evs) {
				continue
			}
			more = true
			end := min(start+500, len(evs))
			if end < len(evs) && strings.HasPrefix(evs[end-1].Message, "Traceback") {
				end-- // a runtime writes a trace at once: it arrives in one delivery
			}
			bodies = append(bodies, delivery(t, "/ecs/"+svc, stream, evs[start:end])...)
			next[svc] = end
		}
	}
	return bodies, total
}

// TestLogBurst: 10,000 error lines of five patterns over three services, over an hour and a
// half. Each pattern of each service is announced once, folded in afterwards (a handful of
// digests on a target that cannot edit, in-place updates with a bot token), and every line
// is accounted for. Late arrival tells it the same.
func TestLogBurst(t *testing.T) {
	var onTime map[string]int
	for _, age := range []struct {
		name string
		age  time.Duration
	}{{"on time", 0}, {"26 hours late", 26 * time.Hour}, {"13 days late", 13 * 24 * time.Hour}} {
		t.Run(age.name, func(t *testing.T) {
			n, hook, bot := logNotifier(t, logDoc("checkout-api", "orders-api", "billing-sync"), nil)
			bodies, total := burstLines(t, processed.Add(-2*time.Hour-age.age))
			plans := runLogs(t, n, bodies)

			lines := 0
			perPattern := map[string]int{}           // service|fingerprint → lines
			patterns := map[string]map[string]bool{} // service → fingerprints
			hookPosts := map[string]int{}            // service|fingerprint → top-level posts
			botPosts := map[string]int{}
			for _, p := range plans {
				if len(p.Suppressed) > 0 {
					t.Errorf("suppressed: %+v", p.Suppressed[0])
				}
				for _, f := range p.Folded {
					lines += f.Alert.Log.Lines
					svc := f.Alert.Identity.Service
					perPattern[svc+"|"+f.Alert.Log.Fingerprint] += f.Alert.Log.Lines
					if patterns[svc] == nil {
						patterns[svc] = map[string]bool{}
					}
					patterns[svc][f.Alert.Log.Fingerprint] = true
				}
				for _, m := range p.Messages {
					if m.Alert.Kind != alert.KindLog || m.Alert.Log == nil {
						t.Errorf("a message of kind %s: %s", m.Alert.Kind, m.Alert.Title)
						continue
					}
					key := m.Alert.Identity.Service + "|" + m.Alert.Log.Fingerprint
					switch {
					case m.Destination == "hook":
						hookPosts[key]++
					case m.Op == "":
						botPosts[key]++
					}
					if len(m.Alert.LogLines) == 0 || !strings.Contains(string(m.Payload), "Logs Insights") {
						t.Errorf("%s: no samples or no query link", m.Alert.Title)
					}
				}
			}
			if lines != total || total != 10000 {
				t.Errorf("%d of %d lines accounted for", lines, total)
			}
			if len(patterns) != 3 {
				t.Errorf("patterns of %d services, want 3", len(patterns))
			}
			for svc, fps := range patterns {
				if len(fps) != 5 {
					t.Errorf("%s: %d patterns, want 5", svc, len(fps))
				}
				for fp := range fps {
					// Each pattern is a fifth of the service's lines (a traceback's two lines
					// count twice): none swallowed another's.
					if l := perPattern[svc+"|"+fp]; l < 500 || l > 1200 {
						t.Errorf("%s %s: %d lines", svc, fp, l)
					}
					if h := hookPosts[svc+"|"+fp]; h < 1 || h > 5 {
						t.Errorf("%s %s: %d messages on the webhook, want 1 to 5", svc, fp, h)
					}
					if b := botPosts[svc+"|"+fp]; b != 1 {
						t.Errorf("%s %s: %d top-level posts with the bot, want 1 (then edits)", svc, fp, b)
					}
				}
			}
			updates := 0
			for _, p := range bot.posts {
				if strings.HasPrefix(p, "update: ") {
					updates++
				}
			}
			if updates == 0 {
				t.Error("the bot's messages were never updated")
			}
			t.Logf("10,000 lines: %d webhook messages, %d bot posts and %d updates, %d invocations", len(hook.posts), len(bot.posts)-updates, updates, len(plans))
			if onTime == nil {
				onTime = hookPosts
			} else if fmt.Sprint(hookPosts) != fmt.Sprint(onTime) {
				t.Errorf("late, the burst was told %v; on time %v", hookPosts, onTime)
			}
		})
	}
}

// readLogs returns a CloudWatch Logs sample under lambda/testdata/logs.
func readLogs(t testing.TB, rel string) json.RawMessage { return fx.Read(t, "logs/"+rel) }

// TestLogControlMessage: CloudWatch Logs' reachability check posts nothing, and is
// accounted for.
func TestLogControlMessage(t *testing.T) {
	for _, f := range []string{"derived/lambda-cloudwatch-logs-event-awslogs-control-message.json", "cloudwatch-logs-control-message-decoded.json"} {
		t.Run(f, func(t *testing.T) {
			n, hook, bot := logNotifier(t, logDoc(), nil)
			// As the function receives it directly, and as the intake would enqueue it.
			resp, err := n.Handle(context.Background(), readLogs(t, f))
			if err != nil || resp != nil {
				t.Fatalf("Handle = %v, %v", resp, err)
			}
			plans := runLogs(t, n, []json.RawMessage{readLogs(t, f)})
			if len(plans[0].Messages) != 0 || len(plans[0].Suppressed) != 1 || plans[0].Suppressed[0].Rule != RuleLogsControl {
				t.Errorf("plan: %d messages, suppressed %+v", len(plans[0].Messages), plans[0].Suppressed)
			}
			if len(hook.posts)+len(bot.posts) != 0 {
				t.Errorf("posted: %q %q", hook.posts, bot.posts)
			}
		})
	}
}

// TestLogUndecodable: a delivery that cannot be decoded (the Lambda docs' own example, cut
// with "...") still reaches chat, as a generic alert saying why.
func TestLogUndecodable(t *testing.T) {
	payload := readLogs(t, "lambda-cloudwatch-logs-event-docs-truncated-not-gzip.json")
	n, hook, _ := logNotifier(t, logDoc(), nil)
	plans := runLogs(t, n, []json.RawMessage{payload})
	if len(plans[0].Messages) != 2 {
		t.Fatalf("%d messages, want one per destination", len(plans[0].Messages))
	}
	a := plans[0].Messages[0].Alert
	if a.Kind != alert.KindGeneric || a.Event != "LOGS_UNDECODABLE" || !strings.Contains(a.Reason.Text, "not base64") || !strings.Contains(a.Excerpt, "awslogs") {
		t.Errorf("alert: %+v", a)
	}
	if len(hook.posts) != 1 || !strings.Contains(hook.posts[0], "could not be decoded") {
		t.Errorf("posted %q", hook.posts)
	}
	// Sent to the function directly, it is told the same.
	if _, err := n.Handle(context.Background(), payload); err != nil {
		t.Fatal(err)
	}
}

// TestLogPatternNewSinceDeployment: a pattern first seen while a deployment of its service
// is in progress says so and joins the deployment's story (its crash-loop message lists
// it); the same pattern in another service long after a deployment ended does not.
func TestLogPatternNewSinceDeployment(t *testing.T) {
	t0 := processed.Add(-3 * time.Hour)
	sc := newScenario(t, t0)
	n, hook, _ := logNotifier(t, logDoc("checkout-api", "orders-api"), nil)
	const dep = "ecs-svc/4718350946203817256"
	run := func(bodies ...json.RawMessage) []Plan { t.Helper(); return runLogs(t, n, bodies) }
	run(sc.deployment("checkout-api", "SERVICE_DEPLOYMENT_IN_PROGRESS", dep, "ECS deployment "+dep+" in progress.", 0),
		sc.deployment("orders-api", "SERVICE_DEPLOYMENT_COMPLETED", "ecs-svc/1", "ECS deployment ecs-svc/1 completed.", 0))
	run(sc.failure("checkout-api", dep, 1, time.Minute))
	line := func(at time.Duration) []events.CloudwatchLogsLogEvent {
		return []events.CloudwatchLogsLogEvent{logEvent(fmt.Sprint(at), t0.Add(at), "panic: missing required env DATABASE_URL")}
	}
	before := len(hook.posts)
	run(delivery(t, "/ecs/checkout-api", "ecs/app/0123", line(2*time.Minute))...)
	run(delivery(t, "/ecs/orders-api", "ecs/app/0456", line(2*time.Hour))...)
	posts := hook.posts[before:]
	if len(posts) != 2 {
		t.Fatalf("posts %q", posts)
	}
	if !strings.Contains(posts[0], "new since deployment "+dep) || !strings.Contains(posts[0], "checkout-api") {
		t.Errorf("checkout-api's pattern: %q", posts[0])
	}
	plans := run(sc.failure("checkout-api", dep, 2, 3*time.Minute), sc.failure("checkout-api", dep, 3, 4*time.Minute))
	var titles []string
	var crash *Message
	for _, p := range plans {
		for i, m := range p.Messages {
			titles = append(titles, m.Alert.Title)
			if m.Alert.Kind == alert.KindCrashLoop && m.Destination == "hook" {
				crash = &p.Messages[i]
			}
		}
	}
	if crash == nil || !strings.Contains(string(crash.Payload), "New log patterns") || !strings.Contains(string(crash.Payload), "panic: missing required env") {
		t.Errorf("the crash loop does not list the deployment's new pattern: %q", titles)
	}
	// The announcement itself names the deployment and the revision.
	n2, hook2, _ := logNotifier(t, logDoc("checkout-api"), nil)
	sc2 := newScenario(t, t0)
	runLogs(t, n2, []json.RawMessage{sc2.deployment("checkout-api", "SERVICE_DEPLOYMENT_IN_PROGRESS", dep, "in progress", 0), sc2.failure("checkout-api", dep, 1, time.Minute)})
	runLogs(t, n2, delivery(t, "/ecs/checkout-api", "ecs/app/0123", line(2*time.Minute)))
	last := hook2.posts[len(hook2.posts)-1]
	if !strings.Contains(last, "new since deployment") || !strings.Contains(last, dep) || !strings.Contains(last, "checkout-api:42") {
		t.Errorf("announcement %q does not say it is new since %s of checkout-api:42", last, dep)
	}
	if strings.Contains(posts[1], "deployment") {
		t.Errorf("orders-api's pattern, two hours after its deployment completed, blames it: %q", posts[1])
	}
}

// TestLogPatternMuted: a pattern muted by its fingerprint posts nothing; its lines are
// suppressed by the named rule; other patterns still post.
func TestLogPatternMuted(t *testing.T) {
	n0, _, _ := logNotifier(t, logDoc("checkout-api"), nil)
	at := processed.Add(-time.Hour)
	evs := []events.CloudwatchLogsLogEvent{logEvent("1", at, "ERROR order 1 not found"), logEvent("2", at, "ERROR card 4242 declined")}
	plans := runLogs(t, n0, delivery(t, "/ecs/checkout-api", "ecs/app/0123", evs))
	fp := ""
	for _, f := range plans[0].Folded {
		if strings.Contains(f.Alert.Log.Pattern, "order") {
			fp = f.Alert.Log.Fingerprint
		}
	}
	doc := logDoc("checkout-api")
	doc.Noise.MutedPatterns = []policy.MutedPattern{{Fingerprint: fp, Service: []string{"checkout-*"}, Reason: "known, ticket OPS-1"}}
	n, hook, _ := logNotifier(t, doc, nil)
	plans = runLogs(t, n, delivery(t, "/ecs/checkout-api", "ecs/app/0123", evs))
	if len(plans[0].Suppressed) != 1 || plans[0].Suppressed[0].Rule != policy.RuleMutedPattern || plans[0].Suppressed[0].Alert.Log.Fingerprint != fp {
		t.Errorf("suppressed %+v", plans[0].Suppressed)
	}
	if len(hook.posts) != 1 || !strings.Contains(hook.posts[0], "card") {
		t.Errorf("posts %q", hook.posts)
	}
}

// TestLogRedelivery: a log batch SQS hands back (after a failed delivery elsewhere, or a DLQ
// redrive) does not count its lines twice or post again.
func TestLogRedelivery(t *testing.T) {
	n, hook, bot := logNotifier(t, logDoc("checkout-api"), nil)
	at := processed.Add(-time.Hour)
	bodies := delivery(t, "/ecs/checkout-api", "ecs/app/0123", []events.CloudwatchLogsLogEvent{logEvent("1", at, "ERROR order 1 not found"), logEvent("2", at.Add(time.Second), "ERROR order 2 not found")})
	first := runLogs(t, n, bodies)
	again := runLogs(t, n, bodies)
	if len(hook.posts) != 1 || len(bot.posts) != 1 {
		t.Errorf("hook %q, bot %q: want the announcement once each", hook.posts, bot.posts)
	}
	if len(first[0].Folded) != len(again[0].Folded) || first[0].Folded[0].Story != again[0].Folded[0].Story {
		t.Errorf("the redelivered batch was accounted differently")
	}
	if a := again[0].Messages; len(a) > 0 && a[0].Alert.Count != 2 {
		t.Errorf("the replayed announcement counts %d occurrences, want 2", a[0].Alert.Count)
	}
}

// TestLogPatternsWithoutStore: with the state store down, each pattern of a batch posts on
// its own rather than being lost.
func TestLogPatternsWithoutStore(t *testing.T) {
	var logs bytes.Buffer
	hook := &memoryTarget{}
	doc := logDoc("checkout-api")
	doc.Destinations = doc.Destinations[:1]
	n, err := New(doc, WithTarget("hook", hook), WithClock(clock.NewFake(processed)), WithState(brokenStore{}),
		WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	if err != nil {
		t.Fatal(err)
	}
	at := processed.Add(-time.Hour)
	plans := runLogs(t, n, delivery(t, "/ecs/checkout-api", "ecs/app/0123", []events.CloudwatchLogsLogEvent{logEvent("1", at, "ERROR order 1 not found"), logEvent("2", at, "ERROR order 2 not found"), logEvent("3", at, "FATAL out of memory")}))
	if len(plans[0].Messages) != 2 || len(hook.posts) != 2 {
		t.Fatalf("%d messages, posts %q", len(plans[0].Messages), hook.posts)
	}
	if a := plans[0].Messages[0].Alert; a.Log.Occurrences+plans[0].Messages[1].Alert.Log.Occurrences != 3 {
		t.Errorf("occurrences %d + %d, want 3", a.Log.Occurrences, plans[0].Messages[1].Alert.Log.Occurrences)
	}
	if !strings.Contains(logs.String(), "log-pattern stories unavailable") {
		t.Errorf("logs: %s", logs.String())
	}
}

// brokenStore answers every call with an error, as DynamoDB would while unreachable.
type brokenStore struct{}

func (brokenStore) Get(context.Context, string) (state.Item, error) {
	return state.Item{}, errors.New("dynamodb unreachable")
}

func (brokenStore) Put(context.Context, state.Item) (state.Item, error) {
	return state.Item{}, errors.New("dynamodb unreachable")
}
