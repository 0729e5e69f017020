package notifier

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/chat/deliver"
	"github.com/foghornhq/foghorn/lambda/clock"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/envelope"
	"github.com/foghornhq/foghorn/lambda/internal/chatfake"
	fx "github.com/foghornhq/foghorn/lambda/internal/fixtures"
	"github.com/foghornhq/foghorn/lambda/state"
)

// noSleep makes retries immediate: the tests assert which waits were asked for, not time.
func noSleep(waits *[]time.Duration) func(context.Context, time.Duration) error {
	return func(_ context.Context, d time.Duration) error {
		if waits != nil {
			*waits = append(*waits, d)
		}
		return nil
	}
}

// read returns the file at rel under lambda/testdata.
func read(t testing.TB, rel string) json.RawMessage { return fx.Read(t, rel) }

// batch builds an SQS batch (msg-1, msg-2, …) from fixtures, as production delivers them.
func batch(t testing.TB, files ...string) []envelope.Record {
	t.Helper()
	var msgs []json.RawMessage
	for _, f := range files {
		msgs = append(msgs, read(t, f))
	}
	return sqsRecords(t, msgs...)
}

// sqsRecords is an SQS batch of messages, each through SNS, as production receives them.
func sqsRecords(t testing.TB, msgs ...json.RawMessage) []envelope.Record {
	t.Helper()
	payload, err := envelope.SQSBatch(msgs)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := envelope.Split(payload)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

const (
	oom      = "aws-derived/ecs-task-state-change-stopped-oom.json"
	exit1    = "aws-derived/ecs-task-state-change-stopped-essential-container-exited-1.json"
	failed   = "aws/ecs-deployment-state-change-failed-circuit-breaker.json"
	steady   = "aws/ecs-service-action-service-steady-state.json"
	alarmEB  = "aws/eventbridge-cloudwatch-alarm-state-change-single-metric-ec2-cpu.json"
	notJSON  = "aws/lambda-sqs-event-basic.json"
	placeErr = "aws/ecs-service-action-task-placement-failure-fargate-spot.json"
)

// TestDeliverClasses drives one batch through the fake Slack for each class of answer and
// checks which records go back to SQS.
func TestDeliverClasses(t *testing.T) {
	tests := []struct {
		name       string
		faults     []chatfake.Fault
		state      chatfake.State
		wantFailed []string
		wantPosts  int // requests the fake saw
		wantClass  deliver.Class
	}{
		{name: "delivered", wantPosts: 3, wantClass: deliver.Delivered},
		{name: "5xx then ok", faults: []chatfake.Fault{chatfake.HTMLError(500), chatfake.Empty(502)}, wantPosts: 5, wantClass: deliver.Delivered},
		{name: "reset then ok", faults: []chatfake.Fault{chatfake.ResetConn()}, wantPosts: 4, wantClass: deliver.Delivered},
		{name: "5xx until the retries run out", faults: []chatfake.Fault{chatfake.Empty(503), chatfake.Empty(503), chatfake.Empty(503)}, wantFailed: []string{"msg-3"}, wantPosts: 5, wantClass: deliver.Retryable},
		{name: "rate limited beyond the deadline", faults: []chatfake.Fault{chatfake.RateLimited("3600")}, wantFailed: []string{"msg-3", "msg-1", "msg-2"}, wantPosts: 1, wantClass: deliver.RateLimited},
		{name: "rate limited briefly", faults: []chatfake.Fault{chatfake.RateLimited("2")}, wantPosts: 4, wantClass: deliver.Delivered},
		{name: "archived channel", state: chatfake.Archived, wantFailed: []string{"msg-3", "msg-1", "msg-2"}, wantPosts: 1, wantClass: deliver.Gone},
		{name: "invalid payload", faults: []chatfake.Fault{chatfake.Answer(400, "invalid_payload")}, wantFailed: []string{"msg-3"}, wantPosts: 3, wantClass: deliver.Permanent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chat := chatfake.New(chatfake.Options{})
			defer chat.Close()
			hook := chat.SlackWebhookURL("alerts")
			key := strings.TrimPrefix(hook, chat.URL())
			if tt.state != "" {
				chat.SetState(key, tt.state)
			}
			if len(tt.faults) > 0 {
				chat.Script(key, tt.faults...)
			}
			n := slackNotifier(t, hook, &deliver.Client{Sleep: noSleep(nil)}, nil)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			// Messages go in event time order: the 2019 alarm (msg-3) first, then msg-1, msg-2.
			res := n.Deliver(ctx, n.Plan(context.Background(), batch(t, failed, oom, alarmEB)))
			if got := strings.Join(res.Failed, ","); got != strings.Join(tt.wantFailed, ",") {
				t.Errorf("failed = %q, want %q", got, strings.Join(tt.wantFailed, ","))
			}
			if got := len(chat.Requests()); got != tt.wantPosts {
				t.Errorf("the fake saw %d requests, want %d", got, tt.wantPosts)
			}
			if got := res.Outcomes[0].Class; got != tt.wantClass {
				t.Errorf("first outcome class = %v, want %v", got, tt.wantClass)
			}
		})
	}
}

// TestNothingLost: a batch with alerts, noise and a record that is not JSON, into a Slack
// that fails some posts. Every record ends delivered, suppressed by a named rule, or
// returned to SQS; redelivering the returned ones finishes the job without re-posting.
func TestNothingLost(t *testing.T) {
	chat := chatfake.New(chatfake.Options{})
	defer chat.Close()
	hook := chat.SlackWebhookURL("alerts")
	key := strings.TrimPrefix(hook, chat.URL())
	n := slackNotifier(t, hook, &deliver.Client{Sleep: noSleep(nil), MaxAttempts: 1}, nil)

	recs := batch(t, failed, steady, oom, notJSON, placeErr, exit1)
	// The second and fourth posts fail once each.
	chat.Script(key, chatfake.Fault{Name: "pass"}, chatfake.Empty(500), chatfake.Fault{Name: "pass"}, chatfake.Empty(503))
	ctx := context.Background()
	plan := n.Plan(context.Background(), recs)
	res := n.Deliver(ctx, plan)

	accounted := map[string]string{}
	for _, s := range plan.Suppressed {
		for _, id := range s.Items {
			accounted[id] = "suppressed:" + s.Rule
		}
	}
	for _, o := range res.Outcomes {
		for _, id := range o.Message.Items {
			if o.Err == nil {
				accounted[id] = "delivered"
			}
		}
	}
	for _, id := range res.Failed {
		accounted[id] = "returned"
	}
	for _, r := range recs {
		if accounted[r.ItemID] == "" {
			t.Errorf("record %s is not accounted for", r.ItemID)
		}
	}
	if len(res.Failed) != 2 {
		t.Fatalf("failed = %v, want two records back in the queue", res.Failed)
	}
	if accounted["msg-2"] != "suppressed:steady-state" {
		t.Errorf("msg-2 = %q, want suppressed by steady-state", accounted["msg-2"])
	}

	// SQS redelivers the whole batch's failures; the ledger keeps the delivered ones from
	// being posted again even if they came back too.
	before := len(chat.Requests())
	again := n.Deliver(ctx, n.Plan(context.Background(), recs))
	if len(again.Failed) != 0 {
		t.Errorf("redelivery failed %v", again.Failed)
	}
	if got := len(chat.Requests()) - before; got != 2 {
		t.Errorf("redelivery posted %d messages, want only the 2 that had failed", got)
	}
}

// TestHandle covers the Lambda entry point's two answers: the partial batch response for
// SQS, and an error for shapes without per-record retry.
func TestHandle(t *testing.T) {
	chat := chatfake.New(chatfake.Options{})
	defer chat.Close()
	hook := chat.SlackWebhookURL("alerts")
	key := strings.TrimPrefix(hook, chat.URL())
	var logs bytes.Buffer
	n := slackNotifier(t, hook, &deliver.Client{Sleep: noSleep(nil)}, nil)
	n.log = slog.New(slog.NewJSONHandler(&logs, nil))

	sqs, err := envelope.SQSBatch([]json.RawMessage{read(t, oom), read(t, steady)})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := n.Handle(context.Background(), sqs)
	if err != nil || resp == nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("Handle(SQS) = %+v, %v; want an empty partial batch response", resp, err)
	}
	for _, want := range []string{`"outcome":"delivered"`, `"outcome":"suppressed"`, `"rule":"steady-state"`, `"latency_ms"`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("logs lack %s:\n%s", want, logs.String())
		}
	}

	chat.SetState(key, chatfake.Deleted)
	resp, err = n.Handle(context.Background(), read(t, "aws/lambda-sns-event-cloudwatch-alarm-single-metric.json"))
	if err == nil || resp != nil {
		t.Errorf("Handle(SNS) to a dead webhook = %+v, %v; want an error so Lambda retries", resp, err)
	}
	if strings.Contains(logs.String(), hook) || strings.Contains(logs.String(), key) {
		t.Errorf("logs leak the webhook URL:\n%s", logs.String())
	}
	// A payload that is not JSON is still said, as a generic alert: nothing is lost.
	chat.SetState(key, chatfake.Active)
	before := len(chat.Requests())
	if _, err := n.Handle(context.Background(), []byte("not json")); err != nil {
		t.Errorf("Handle(not JSON) = %v, want it posted as a generic alert", err)
	}
	if reqs := chat.Requests(); len(reqs) != before+1 || !strings.Contains(string(reqs[len(reqs)-1].Body), "not JSON") {
		t.Error("a payload that is not JSON was not posted as a generic alert")
	}
}

// TestPlanDedupsWithinABatch: SNS and SQS deliver at least once, so the same event can arrive
// twice in one batch. It posts once; both records share its fate.
func TestPlanDedupsWithinABatch(t *testing.T) {
	n := slackNotifier(t, "https://hooks.slack.example/services/TFAKE/BFAKE/fake-secret-for-tests", nil, nil)
	plan := n.Plan(context.Background(), batch(t, oom, oom))
	if len(plan.Messages) != 1 || len(plan.Suppressed) != 1 || plan.Suppressed[0].Rule != RuleDuplicate {
		t.Fatalf("plan = %d messages, %+v; want one message and one duplicate", len(plan.Messages), plan.Suppressed)
	}
	if got := plan.Messages[0].Items; len(got) != 2 {
		t.Errorf("the message stands for %v, want both records", got)
	}
}

// gatedTarget holds every post until released, so two invocations can be made to post at once.
type gatedTarget struct {
	memoryTarget
	entered chan struct{}
	release chan struct{}
}

func (g *gatedTarget) Post(ctx context.Context, body []byte) error {
	g.entered <- struct{}{}
	<-g.release
	return g.memoryTarget.Post(ctx, body)
}

// TestLedgerAcrossInvocations: the ledger is claimed before posting and remembers deliveries
// as long as the DLQ keeps records. Two invocations holding the same event at once (SNS and
// SQS deliver at least once) post it once: the second hands its record back to the queue, and
// on its next receive finds the message delivered. A DLQ redrive on the thirteenth day posts
// nothing twice.
func TestLedgerAcrossInvocations(t *testing.T) {
	c := clock.NewFake(processed)
	store := state.NewMemory(c)
	chat := &gatedTarget{entered: make(chan struct{}, 2), release: make(chan struct{})}
	doc := &config.Document{Version: 1, Destinations: []config.Destination{{Name: "alerts", Target: "slack", SecretParam: "/test/webhook"}}}
	invocation := func() *Notifier {
		n, err := New(doc, WithTarget("alerts", chat), WithClock(c), WithState(store))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	first, second := invocation(), invocation()
	recs := batch(t, oom)
	ctx := context.Background()

	done := make(chan Result)
	go func() { done <- first.Deliver(ctx, first.Plan(ctx, recs)) }()
	<-chat.entered // the first invocation is posting
	res := second.Deliver(ctx, second.Plan(ctx, recs))
	if len(res.Failed) != 1 || !errors.Is(res.Outcomes[0].Err, errHeldElsewhere) {
		t.Fatalf("second invocation: %+v; want its record handed back, held elsewhere", res)
	}
	close(chat.release)
	if res := <-done; len(res.Failed) != 0 || res.Delivered() != 1 {
		t.Fatalf("first invocation: %+v; want the message delivered", res)
	}

	// SQS hands the second's record back after its visibility timeout, and again from the
	// DLQ after thirteen days: each time the message is known delivered.
	for _, later := range []time.Duration{5 * time.Minute, 13 * 24 * time.Hour} {
		c.Advance(later)
		res := invocation().Deliver(ctx, second.Plan(ctx, recs))
		if len(res.Failed) != 0 || !res.Outcomes[0].Skipped {
			t.Errorf("redelivered %s later: %+v; want it skipped as delivered", later, res.Outcomes)
		}
	}
	if len(chat.posts) != 1 {
		t.Errorf("%d posts, want exactly one: %q", len(chat.posts), chat.posts)
	}
}
