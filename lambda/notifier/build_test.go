package notifier

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/chat/deliver"
	"github.com/foghornhq/foghorn/lambda/chat/slack"
	"github.com/foghornhq/foghorn/lambda/clock"
	"github.com/foghornhq/foghorn/lambda/config"
)

// A notifier given no targets plans with no secret at all: it renders every destination as
// its target would, threads included, and its Deliver posts nothing and hands every record
// back. This is what `foghorn render` and `foghorn routes` run.
func TestPlanOnly(t *testing.T) {
	doc := &config.Document{Version: 1, Destinations: []config.Destination{
		{Name: "hook", Target: config.Slack, SecretParam: "/test/hook"},
		{Name: "bot", Target: config.SlackBot, SecretParam: "/test/bot", Channel: "C0FAKE"},
	}}
	n, err := New(doc, WithClock(clock.NewFake(processed)))
	if err != nil {
		t.Fatal(err)
	}
	recs := batch(t, oom)
	plan := n.Plan(context.Background(), recs)
	if len(plan.Messages) != 2 {
		t.Fatalf("%d messages, want one per destination", len(plan.Messages))
	}
	for _, m := range plan.Messages {
		want, _ := slack.Render(*m.Alert)
		if m.Destination == "bot" {
			want, _ = slack.RenderBot(*m.Alert, "C0FAKE")
		}
		if string(m.Payload) != string(want) {
			t.Errorf("%s: payload %s, want %s", m.Destination, m.Payload, want)
		}
	}
	if !n.dests["bot"].threaded || n.dests["hook"].threaded {
		t.Error("threads are decided by the destination's target: slack-bot edits, slack does not")
	}
	res := n.Deliver(context.Background(), plan)
	if len(res.Failed) != len(recs) || res.Delivered() != 0 || !errors.Is(res.Outcomes[0].Err, errNoTarget) {
		t.Errorf("Deliver of a plan-only notifier: %+v", res)
	}
}

// Targets must match the document: one for every destination, none for a name it lacks, and
// one that can edit for a destination whose target edits.
func TestWithTarget(t *testing.T) {
	doc := &config.Document{Version: 1, Destinations: []config.Destination{
		{Name: "bot", Target: config.SlackBot, SecretParam: "/test/bot", Channel: "C0FAKE"},
	}}
	bot := &threadedTarget{}
	if _, err := New(doc, WithTarget("bot", bot)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		opts []Option
		want string
	}{
		{[]Option{WithTarget("bot", bot), WithTarget("pager", bot)}, `"pager", which the document does not name`},
		{[]Option{WithTarget("bot", &memoryTarget{})}, `destination "bot": a slack-bot target must edit messages`},
	} {
		if _, err := New(doc, tc.opts...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New = %v, want an error saying %q", err, tc.want)
		}
	}
}

// panics is a renderer that fails on every alert but the generic one a failure falls back to.
type panics struct{ chat.Renderer }

func (p panics) Render(a alert.Alert) ([]byte, error) {
	if a.Event != "RENDER_FAILED" {
		panic("a renderer bug")
	}
	return p.Renderer.Render(a)
}

// A renderer that fails (it should not) still yields a message: a generic alert that says so,
// keeps the alert's event id, time, service and severity, and shows its summary. Nothing
// goes back to classify: data only flows forward.
func TestRenderFallsBackToGeneric(t *testing.T) {
	n := slackNotifier(t, "https://hooks.slack.example/services/TFAKE/BFAKE/fake-secret-for-tests", &deliver.Client{}, nil)
	d := n.dests["alerts"]
	d.render = panics{d.render}
	n.dests["alerts"] = d
	plan := n.Plan(context.Background(), batch(t, oom))
	if len(plan.Messages) != 1 {
		t.Fatalf("%d messages", len(plan.Messages))
	}
	m := plan.Messages[0]
	a := m.Alert
	if a.Kind != alert.KindGeneric || a.Event != "RENDER_FAILED" || a.Severity != alert.Critical || a.Identity.Service == "" || a.Time.IsZero() {
		t.Errorf("fallback alert %+v", a)
	}
	if !strings.HasPrefix(m.key, a.EventID+"|") || a.Excerpt == "" {
		t.Errorf("fallback keeps the event id (%q, key %q) and shows the summary (%q)", a.EventID, m.key, a.Excerpt)
	}
	var body struct{ Text string }
	if err := json.Unmarshal(m.Payload, &body); err != nil || !strings.Contains(body.Text, "could not be laid out") {
		t.Errorf("payload %s (%v)", m.Payload, err)
	}
}
