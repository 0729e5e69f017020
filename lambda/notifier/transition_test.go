package notifier

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/classify"
	"github.com/foghornhq/foghorn/lambda/clock"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/envelope"
	"github.com/foghornhq/foghorn/lambda/state"
)

// One state change of alarm ServerCpuTooHigh (OK → ALARM at 2019-10-02T17:04:40.989Z) in its
// three shapes: the EventBridge event of the stack's alarm rule, the classic notification the
// alarm's own action publishes to the stack's topic, and the payload of a Lambda action.
const (
	cpuEventBridge = "aws/eventbridge-cloudwatch-alarm-state-change-single-metric-ec2-cpu.json"
	cpuClassic     = "aws-derived/lambda-sqs-event-sns-envelope-cloudwatch-alarm-server-cpu-too-high.json"
	cpuAction      = "aws-derived/lambda-alarm-action-server-cpu-too-high.json"
)

// innerBody is the message a fixture's one record holds: for the classic notification, the
// alarm JSON inside its SNS and SQS envelopes.
func innerBody(t testing.TB, rel string) json.RawMessage {
	t.Helper()
	recs, err := envelope.Split(read(t, rel))
	if err != nil || len(recs) != 1 {
		t.Fatalf("%s: %d records, %v", rel, len(recs), err)
	}
	return recs[0].Body
}

// edited is body with fields changed: edit gets it decoded.
func edited(t testing.TB, body json.RawMessage, edit func(m map[string]any)) json.RawMessage {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestTransitionsOfTheRealShapes: the three shapes of the one state change are one
// transition, and the samples agree on its time to the millisecond.
func TestTransitionsOfTheRealShapes(t *testing.T) {
	var first transition
	for i, body := range []json.RawMessage{read(t, cpuEventBridge), innerBody(t, cpuClassic), read(t, cpuAction)} {
		recs, err := envelope.Split(body)
		if err != nil {
			t.Fatal(err)
		}
		a := classify.Classify(recs[0])
		tr, ok := transitionOf(&a)
		if !ok {
			t.Fatalf("shape %d (%s) is not read as an alarm transition: %+v", i, a.DetailType, a.Identity)
		}
		if want := time.Date(2019, 10, 2, 17, 4, 40, 989e6, time.UTC); !tr.at.Equal(want) {
			t.Errorf("%s: the state changed at %s, want %s", a.DetailType, tr.at, want)
		}
		if i == 0 {
			first = tr
			continue
		}
		if !tr.same(first) || tr.key("") != first.key("") {
			t.Errorf("%s: transition %+v (key %s), want the EventBridge event's %+v (key %s)", a.DetailType, tr, tr.key(""), first, first.key(""))
		}
	}
}

// TestOneAlarmTransitionOneMessage: the EventBridge event and the classic notification of one
// state change post once, in one batch or in two, in either order. Each record is accounted
// for; in one batch the message stands for both records and is told from the EventBridge
// event, which carries the datapoints.
func TestOneAlarmTransitionOneMessage(t *testing.T) {
	eb, classic := read(t, cpuEventBridge), innerBody(t, cpuClassic)
	noARN := edited(t, classic, func(m map[string]any) { delete(m, "AlarmArn") })
	// A copy timed 20 ms later, across the second's boundary: within the tolerance.
	late := edited(t, classic, func(m map[string]any) { m["StateChangeTime"] = "2019-10-02T17:04:41.009+0000" })
	pairs := []struct {
		name string
		msgs []json.RawMessage
	}{
		{"eventbridge then classic", []json.RawMessage{eb, classic}},
		{"classic then eventbridge", []json.RawMessage{classic, eb}},
		{"classic without its ARN", []json.RawMessage{noARN, eb}},
		{"times 20 ms apart across a second", []json.RawMessage{eb, late}},
		{"times 20 ms apart, the later first", []json.RawMessage{late, eb}},
	}
	for _, p := range pairs {
		t.Run(p.name+"/one batch", func(t *testing.T) {
			chat := &memoryTarget{}
			n := transitionNotifier(t, chat, state.NewMemory(clock.NewFake(processed)))
			recs := sqsRecords(t, p.msgs...)
			plan := n.Plan(context.Background(), recs)
			accountFor(t, recs, plan)
			if len(plan.Messages) != 1 || len(plan.Suppressed) != 1 || plan.Suppressed[0].Rule != RuleSameTransition {
				t.Fatalf("plan: %d messages, suppressed %+v; want one message and one %s", len(plan.Messages), plan.Suppressed, RuleSameTransition)
			}
			m := plan.Messages[0]
			if strings.Join(m.Items, ",") != "msg-1,msg-2" && strings.Join(m.Items, ",") != "msg-2,msg-1" {
				t.Errorf("the message stands for %v, want both records", m.Items)
			}
			if m.Alert.DetailType != "CloudWatch Alarm State Change" {
				t.Errorf("told from %q, want the EventBridge event", m.Alert.DetailType)
			}
			if why := plan.Suppressed[0].Why; !strings.Contains(why, "ServerCpuTooHigh") || !strings.Contains(why, "ALARM") {
				t.Errorf("the suppression says %q; want the alarm and its state", why)
			}
			res := n.Deliver(context.Background(), plan)
			if len(res.Failed) != 0 || len(chat.posts) != 1 {
				t.Errorf("failed %v, %d posts; want one post", res.Failed, len(chat.posts))
			}
		})
		t.Run(p.name+"/two batches", func(t *testing.T) {
			chat := &memoryTarget{}
			c := clock.NewFake(processed)
			store := state.NewMemory(c)
			ctx := context.Background()
			for i, msg := range p.msgs {
				// Each batch in an invocation of its own, minutes apart.
				n := transitionNotifier(t, chat, store, WithClock(c))
				recs := sqsRecords(t, msg)
				plan := n.Plan(ctx, recs)
				accountFor(t, recs, plan)
				res := n.Deliver(ctx, plan)
				if len(res.Failed) != 0 || len(res.Outcomes) != 1 {
					t.Fatalf("batch %d: failed %v, %d outcomes", i+1, res.Failed, len(res.Outcomes))
				}
				if skipped := res.Outcomes[0].Skipped; skipped != (i == 1) {
					t.Errorf("batch %d: skipped = %v, want %v (the second path finds the transition delivered)", i+1, skipped, i == 1)
				}
				c.Advance(3 * time.Minute)
			}
			if len(chat.posts) != 1 {
				t.Errorf("%d posts, want one: %q", len(chat.posts), chat.posts)
			}
		})
	}
}

// TestAlarmActionAndEventBridge: a Lambda action invokes the function directly, so its copy
// always arrives apart from the queue's batches; the ledger keeps it from posting twice.
func TestAlarmActionAndEventBridge(t *testing.T) {
	for _, order := range [][]json.RawMessage{
		{read(t, cpuAction), sqsPayload(t, []string{"msg-1"}, []json.RawMessage{read(t, cpuEventBridge)})},
		{sqsPayload(t, []string{"msg-1"}, []json.RawMessage{read(t, cpuEventBridge)}), read(t, cpuAction)},
	} {
		chat := &memoryTarget{}
		store := state.NewMemory(clock.NewFake(processed))
		for i, payload := range order {
			n := transitionNotifier(t, chat, store)
			resp, err := n.Handle(context.Background(), payload)
			if err != nil || (resp != nil && len(resp.BatchItemFailures) != 0) {
				t.Fatalf("invocation %d: %+v, %v", i+1, resp, err)
			}
		}
		if len(chat.posts) != 1 {
			t.Errorf("%d posts, want one: %q", len(chat.posts), chat.posts)
		}
	}
}

// TestDistinctTransitionsPostApart: what is not the same transition is told on its own: the
// alarm's return to OK, a change two seconds later (the alarm went and came back), another
// alarm, another account.
func TestDistinctTransitionsPostApart(t *testing.T) {
	eb, classic := read(t, cpuEventBridge), innerBody(t, cpuClassic)
	for name, other := range map[string]json.RawMessage{
		"back to OK": edited(t, classic, func(m map[string]any) { m["NewStateValue"], m["OldStateValue"] = "OK", "ALARM" }),
		"2 s later":  edited(t, classic, func(m map[string]any) { m["StateChangeTime"] = "2019-10-02T17:04:42.989+0000" }),
		"another alarm": edited(t, classic, func(m map[string]any) {
			m["AlarmName"], m["AlarmArn"] = "ServerCpuLow", "arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServerCpuLow"
		}),
		"another account": edited(t, classic, func(m map[string]any) {
			m["AWSAccountId"], m["AlarmArn"] = "210987654321", "arn:aws:cloudwatch:us-east-1:210987654321:alarm:ServerCpuTooHigh"
		}),
	} {
		t.Run(name, func(t *testing.T) {
			chat := &memoryTarget{}
			store := state.NewMemory(clock.NewFake(processed))
			n := transitionNotifier(t, chat, store)
			plan := n.Plan(context.Background(), sqsRecords(t, eb, other))
			if len(plan.Messages) != 2 || len(plan.Suppressed) != 0 {
				t.Fatalf("plan: %d messages, suppressed %+v; want two messages", len(plan.Messages), plan.Suppressed)
			}
			// Across batches too.
			chat2 := &memoryTarget{}
			store2 := state.NewMemory(clock.NewFake(processed))
			for _, msg := range []json.RawMessage{eb, other} {
				n := transitionNotifier(t, chat2, store2)
				n.Deliver(context.Background(), n.Plan(context.Background(), sqsRecords(t, msg)))
			}
			if len(chat2.posts) != 2 {
				t.Errorf("two batches: %d posts, want 2", len(chat2.posts))
			}
		})
	}
}

func transitionNotifier(t testing.TB, chat *memoryTarget, store state.Store, opts ...Option) *Notifier {
	t.Helper()
	doc := &config.Document{Version: 1, Destinations: []config.Destination{{Name: "alerts", Target: "slack", SecretParam: "/test/webhook"}}}
	opts = append([]Option{WithTarget("alerts", chat), WithClock(clock.NewFake(processed)), WithState(store)}, opts...)
	n, err := New(doc, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
