package notifier

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/chat/deliver"
	"github.com/foghornhq/foghorn/lambda/clock"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/internal/chatfake"
)

// routedDoc sends the payments team's services to their channel and on, and every failure to
// two channels; the rest goes to ops. Each destination is a Slack webhook on the fake.
func routedDoc() *config.Document {
	dest := func(name string) config.Destination {
		return config.Destination{Name: name, Target: "slack", SecretParam: "/test/" + name}
	}
	return &config.Document{
		Version:      config.Version,
		Environment:  "prod",
		Destinations: []config.Destination{dest("prod-alerts"), dest("prod-oncall"), dest("payments"), dest("ops")},
		Routes: []config.Route{
			{Name: "payments-team", Match: config.Match{Service: []string{"checkout-*"}}, Destinations: []string{"payments"}, Continue: true},
			{Name: "prod-failures", Match: config.Match{Environment: []string{"prod"}, MinSeverity: "warning"}, Destinations: []string{"prod-alerts", "prod-oncall"}},
		},
		Default: []string{"ops"},
	}
}

// routedNotifier builds a notifier whose destinations post to the fake, one webhook each,
// named after the destination.
func routedNotifier(t *testing.T, chat *chatfake.Server, doc *config.Document, opts ...Option) *Notifier {
	t.Helper()
	secret := func(_ context.Context, param string) (string, error) {
		return chat.SlackWebhookURL(strings.TrimPrefix(param, "/test/")), nil
	}
	client := &deliver.Client{Sleep: func(context.Context, time.Duration) error { return nil }, MaxAttempts: 1}
	n, err := FromDocument(context.Background(), doc, secret, client, append([]Option{WithClock(clock.NewFake(processed))}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// postsByWebhook counts the requests each webhook received, by destination name.
func postsByWebhook(chat *chatfake.Server) map[string]int {
	out := map[string]int{}
	for _, r := range chat.Requests() {
		out[r.Key[strings.LastIndexByte(r.Key, '/')+1:]]++
	}
	return out
}

const (
	checkoutOOM  = "aws-derived/ecs-task-state-change-stopped-oom.json"                      // checkout-api, critical
	deployFailed = "aws/ecs-deployment-state-change-failed-circuit-breaker.json"             // servicetest, critical
	agentGone    = "aws-derived/ecs-container-instance-state-change-agent-disconnected.json" // warning, no service
)

func TestPlanRoutes(t *testing.T) {
	chat := chatfake.New(chatfake.Options{})
	defer chat.Close()
	n := routedNotifier(t, chat, routedDoc())
	plan := n.Plan(context.Background(), batch(t, checkoutOOM, deployFailed))

	type line struct{ dest, routes, items string }
	var got []line
	for _, m := range plan.Messages {
		got = append(got, line{m.Destination, strings.Join(m.Routes, "+"), strings.Join(m.Items, ",")})
	}
	// Posting order is event order: the 2020 deployment before the 2024 OOM kill.
	want := []line{
		{"prod-alerts", "prod-failures", "msg-2"}, {"prod-oncall", "prod-failures", "msg-2"},
		{"payments", "payments-team", "msg-1"}, {"prod-alerts", "prod-failures", "msg-1"}, {"prod-oncall", "prod-failures", "msg-1"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("messages = %v\nwant       %v", got, want)
	}
	if len(plan.Routed) != 2 || plan.Routed[1].Decision.String() != "route payments-team → payments; route prod-failures → prod-alerts, prod-oncall" {
		t.Errorf("routed = %+v", plan.Routed)
	}
	// The JSON line `foghorn render` prints names the routes.
	b, _ := json.Marshal(plan.Messages[2])
	if !strings.Contains(string(b), `"destination":"payments","target":"slack","routes":["payments-team"],"payload":`) {
		t.Errorf("message JSON = %s", b)
	}
}

func TestPlanMutes(t *testing.T) {
	chat := chatfake.New(chatfake.Options{})
	defer chat.Close()
	doc := routedDoc()
	// The OOM kill happened at 2024-03-14T09:26:53Z, inside this window.
	doc.Routes[0].Mute = []config.Mute{{Reason: "checkout database migration (test)", Start: "2024-03-14T09:00:00Z", End: "2024-03-14T10:00:00Z"}}
	doc.Routes = append(doc.Routes, config.Route{Name: "quiet-ops", Match: config.Match{Kind: []string{"generic"}}, Destinations: []string{"ops"},
		Mute: []config.Mute{{Reason: "ops channel closed for the night (test)", Weekly: &config.Weekly{Days: []string{"wed"}, Start: "22:00", End: "06:00"}}}})
	doc.Routes[1].Match.Kind = []string{"task-stopped", "deployment"} // so generic records reach quiet-ops

	var logs bytes.Buffer
	// A Wednesday night: the clock decides for records that carry no time of their own.
	night := time.Date(2026, 9, 9, 23, 0, 0, 0, time.UTC)
	clk := clock.NewFake(night)
	n := routedNotifier(t, chat, doc, WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))), WithClock(clk))
	plan := n.Plan(context.Background(), batch(t, checkoutOOM, "aws/lambda-sqs-event-basic.json"))

	// The OOM kill: payments-team is muted but continues, so prod's channels still get it.
	var dests []string
	for _, m := range plan.Messages {
		dests = append(dests, m.Destination)
	}
	if !slices.Equal(dests, []string{"prod-alerts", "prod-oncall"}) {
		t.Errorf("posted to %v, want prod's two channels only", dests)
	}
	// The generic record: its only route is muted, so it is suppressed, naming route and reason.
	if len(plan.Suppressed) != 1 {
		t.Fatalf("suppressed = %+v", plan.Suppressed)
	}
	s := plan.Suppressed[0]
	if s.Rule != "mute:quiet-ops" || s.Why != "route quiet-ops is muted: ops channel closed for the night (test) (weekly wed 22:00-06:00 UTC)" ||
		!slices.Equal(s.Items, []string{"msg-2"}) {
		t.Errorf("suppression = %q %q %v", s.Rule, s.Why, s.Items)
	}
	for _, want := range []string{`"msg":"alert routed"`, `"muted_routes":["payments-team"]`, `"why":"route payments-team is muted: checkout database migration (test)`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("logs lack %s:\n%s", want, logs.String())
		}
	}
	n.LogSuppressed(plan)
	if !strings.Contains(logs.String(), `"rule":"mute:quiet-ops"`) {
		t.Errorf("the suppression log line does not name the mute:\n%s", logs.String())
	}

	// In the morning the same generic record goes to ops.
	clk.Advance(8 * time.Hour)
	plan = n.Plan(context.Background(), batch(t, "aws/lambda-sqs-event-basic.json"))
	if len(plan.Messages) != 1 || plan.Messages[0].Destination != "ops" || len(plan.Suppressed) != 0 {
		t.Errorf("after the window: %d messages, %+v", len(plan.Messages), plan.Suppressed)
	}
}

// TestDeliverAcrossDestinations: two alerts, three destinations each at most, one destination
// failing. Only the records that reached the failing destination go back to SQS, and on
// redelivery only that destination is posted to: the others already have their messages.
func TestDeliverAcrossDestinations(t *testing.T) {
	tests := []struct {
		name       string
		fail       func(chat *chatfake.Server, key string)
		wantFailed []string
		wantRetry  int // posts to prod-oncall on redelivery
	}{
		{"dead webhook", func(chat *chatfake.Server, key string) { chat.SetState(key, chatfake.Deleted) }, []string{"msg-2", "msg-1"}, 2},
		{"5xx every time", func(chat *chatfake.Server, key string) { chat.Script(key, chatfake.HTMLError(503).Forever()) }, []string{"msg-2", "msg-1"}, 2},
		{"connection reset every time", func(chat *chatfake.Server, key string) { chat.Script(key, chatfake.ResetConn().Forever()) }, []string{"msg-2", "msg-1"}, 2},
		// One 5xx: the first message (the 2016 event, msg-2) fails; the next one gets through.
		{"one 5xx", func(chat *chatfake.Server, key string) { chat.Script(key, chatfake.HTMLError(502)) }, []string{"msg-2"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chat := chatfake.New(chatfake.Options{})
			defer chat.Close()
			n := routedNotifier(t, chat, routedDoc())
			oncall := strings.TrimPrefix(chat.SlackWebhookURL("prod-oncall"), chat.URL())
			tt.fail(chat, oncall)

			// checkout-api's OOM kill → payments, prod-alerts, prod-oncall; a disconnected
			// agent → prod-alerts, prod-oncall.
			recs := batch(t, checkoutOOM, agentGone)
			res := n.Deliver(context.Background(), n.Plan(context.Background(), recs))
			if !slices.Equal(res.Failed, tt.wantFailed) {
				t.Errorf("failed = %v, want %v", res.Failed, tt.wantFailed)
			}
			if got := postsByWebhook(chat); got["payments"] != 1 || got["prod-alerts"] != 2 {
				t.Errorf("first attempt posts = %v, want payments 1 and prod-alerts 2 whatever prod-oncall does", got)
			}
			for _, o := range res.Outcomes {
				if o.Err != nil && o.Message.Destination != "prod-oncall" {
					t.Errorf("%s failed (%v); only prod-oncall should", o.Message.Destination, o.Err)
				}
			}

			// The webhook recovers; SQS redelivers the failed records (here, the whole batch:
			// the ledger must hold even for records that had fully succeeded).
			chat.Reset()
			again := n.Deliver(context.Background(), n.Plan(context.Background(), recs))
			if len(again.Failed) != 0 {
				t.Errorf("redelivery failed %v", again.Failed)
			}
			if got := postsByWebhook(chat); len(got) != 1 || got["prod-oncall"] != tt.wantRetry {
				t.Errorf("redelivery posted %v, want only prod-oncall's %d", got, tt.wantRetry)
			}
			skipped := 0
			for _, o := range again.Outcomes {
				if o.Skipped {
					skipped++
				}
			}
			if want := 5 - tt.wantRetry; skipped != want {
				t.Errorf("%d messages skipped as already delivered, want %d", skipped, want)
			}
		})
	}
}

func TestNewRefusesBadRouting(t *testing.T) {
	doc := routedDoc()
	doc.Default = nil
	if _, err := New(doc); err == nil || !strings.Contains(err.Error(), "config: default: is required") {
		t.Errorf("New without default = %v", err)
	}
	chat := chatfake.New(chatfake.Options{})
	defer chat.Close()
	n := routedNotifier(t, chat, routedDoc())
	var targets []Option
	for name, d := range n.dests {
		if name != "ops" {
			targets = append(targets, WithTarget(name, d.target))
		}
	}
	if _, err := New(routedDoc(), targets...); err == nil || err.Error() != `destination "ops" has no target` {
		t.Errorf("New with a destination missing = %v", err)
	}
}
