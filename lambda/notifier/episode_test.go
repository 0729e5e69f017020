package notifier

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/foghornhq/foghorn/lambda/chat/deliver"
	"github.com/foghornhq/foghorn/lambda/chat/slack"
	"github.com/foghornhq/foghorn/lambda/clock"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/internal/chatfake"
)

const (
	paused    = "aws/ecs-hook-state-change-hook-awaiting-action.json"
	continued = "aws-derived/ecs-hook-state-change-hook-succeeded.json"
	timedOut  = "aws-derived/ecs-hook-state-change-hook-timed-out.json"
	mutedCPU  = "aws/eventbridge-cloudwatch-alarm-state-change-single-metric-muted.json"
)

type slackCall struct{ method, thread, text string }

// botRig is a notifier posting to one Slack channel with a bot token, which can edit messages
// and reply in threads.
func botRig(t *testing.T, opts ...Option) (*Notifier, *chatfake.Server, func(events ...json.RawMessage)) {
	t.Helper()
	chat := chatfake.New(chatfake.Options{})
	t.Cleanup(chat.Close)
	bot := slack.NewBot(chat.SlackBotToken("ops"), chat.SlackChannel("alerts"), &deliver.Client{Sleep: noSleep(nil)})
	bot.APIURL = chat.SlackAPIURL()
	doc := &config.Document{Version: 1, Destinations: []config.Destination{{Name: "ops", Target: "slack-bot", SecretParam: "/test/token", Channel: "alerts"}}}
	n, err := New(doc, append([]Option{WithTarget("ops", bot), WithClock(clock.NewFake(processed))}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	run := func(events ...json.RawMessage) {
		t.Helper()
		plan := n.Plan(context.Background(), sqsRecords(t, events...))
		n.LogSuppressed(plan) // as Handle does
		res := n.Deliver(context.Background(), plan)
		if len(res.Failed) > 0 {
			t.Fatalf("failed: %v", res.Failed)
		}
	}
	return n, chat, run
}

func slackCalls(chat *chatfake.Server) []slackCall {
	var calls []slackCall
	for _, r := range chat.Requests() {
		var body struct {
			ThreadTS string `json:"thread_ts"`
			TS       string `json:"ts"`
			Text     string `json:"text"`
		}
		json.Unmarshal(r.Body, &body)
		c := slackCall{method: r.Path[strings.LastIndex(r.Path, "/")+1:], text: body.Text}
		if body.ThreadTS != "" {
			c.thread = "thread"
		}
		if body.TS != "" {
			c.thread = "ts"
		}
		calls = append(calls, c)
	}
	return calls
}

func checkCalls(t *testing.T, calls, want []slackCall) {
	t.Helper()
	if len(calls) != len(want) {
		t.Fatalf("calls = %+v, want %d", calls, len(want))
	}
	for i, w := range want {
		c := calls[i]
		if c.method != w.method || c.thread != w.thread || !strings.Contains(c.text, w.text) {
			t.Errorf("call %d = %+v, want %+v", i+1, c, w)
		}
	}
}

// TestPausedDeploymentThread: a deployment paused by a lifecycle hook is one message, and how
// the pause ended edits it and is said in its thread.
func TestPausedDeploymentThread(t *testing.T) {
	for name, end := range map[string][]slackCall{
		continued: {
			{method: "chat.update", thread: "ts", text: "continued past POST_TEST_TRAFFIC_SHIFT"},
			{method: "chat.postMessage", thread: "thread", text: "continued past POST_TEST_TRAFFIC_SHIFT"},
		},
		timedOut: {
			{method: "chat.update", thread: "ts", text: "timed out at POST_TEST_TRAFFIC_SHIFT: nobody decided"},
			{method: "chat.postMessage", thread: "thread", text: "timed out at POST_TEST_TRAFFIC_SHIFT: nobody decided"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			_, chat, run := botRig(t)
			run(read(t, paused))
			run(read(t, name))
			run(read(t, name)) // SQS redelivers: the ledger has it
			want := append([]slackCall{{method: "chat.postMessage", text: "paused at POST_TEST_TRAFFIC_SHIFT, waiting for a decision until 2026-03-05 16:04 UTC"}}, end...)
			checkCalls(t, slackCalls(chat), want)
		})
	}
}

// TestRoutineHooksStayQuiet: a hook that starts and succeeds with nobody waiting on it (a
// Lambda hook, say) says nothing; the suppressions are logged with their rule.
func TestRoutineHooksStayQuiet(t *testing.T) {
	var logs bytes.Buffer
	_, chat, run := botRig(t, WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
	run(read(t, "aws-derived/ecs-hook-state-change-hook-in-progress.json"), read(t, continued))
	if n := len(chat.Requests()); n != 0 {
		t.Errorf("%d messages for routine hooks, want none", n)
	}
	if got := strings.Count(logs.String(), `"rule":"hook-routine"`); got != 2 {
		t.Errorf("%d suppressions logged with hook-routine, want 2:\n%s", got, logs.String())
	}
}

// TestMutedAlarmIsLoggedNotPosted: during the maintenance a team declared with an alarm mute
// rule, the alarm's transitions stay out of chat and in the log; with the rule off they post.
func TestMutedAlarmIsLoggedNotPosted(t *testing.T) {
	var logs bytes.Buffer
	n, chat, run := botRig(t, WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
	run(read(t, mutedCPU), read(t, "aws/eventbridge-cloudwatch-alarm-contributor-state-change-metrics-insights-muted.json"))
	if got := len(chat.Requests()); got != 0 {
		t.Errorf("%d messages for muted alarms, want none", got)
	}
	for _, want := range []string{`"rule":"alarm-muted"`, `"service":"ServerCpuTooHigh"`, `"service":"DynamoDBInsightsAlarm"`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("logs lack %s:\n%s", want, logs.String())
		}
	}

	doc := *n.doc
	doc.Noise.Rules = map[string]bool{"alarm-muted": false}
	loud, err := New(&doc, WithTarget("ops", n.dests["ops"].target), WithClock(clock.NewFake(processed)))
	if err != nil {
		t.Fatal(err)
	}
	recs := batch(t, mutedCPU)
	if plan := loud.Plan(context.Background(), recs); len(plan.Messages) != 1 || len(plan.Suppressed) != 0 {
		t.Errorf("with alarm-muted off: %d messages, %d suppressed; want the alarm posted", len(plan.Messages), len(plan.Suppressed))
	}
}

// TestImpairedInstanceRecovers: an impaired container instance is one thread, ended by its
// recovery; a healthy report with nothing announced says nothing.
func TestImpairedInstanceRecovers(t *testing.T) {
	_, chat, run := botRig(t)
	run(read(t, "aws/ecs-container-instance-health-change-container-runtime-ok.json"))
	run(read(t, "aws/ecs-container-instance-health-change-accelerated-compute-impaired.json"))
	run(okLater(t))
	checkCalls(t, slackCalls(chat), []slackCall{
		{method: "chat.postMessage", text: "impaired: ACCELERATED_COMPUTE (XID_46)"},
		{method: "chat.update", thread: "ts", text: "healthy again"},
		{method: "chat.postMessage", thread: "thread", text: "healthy again"},
	})
}

// okLater is the real OK sample a day after the impairment, with its own id.
func okLater(t *testing.T) json.RawMessage {
	var ev map[string]any
	if err := json.Unmarshal(read(t, "aws/ecs-container-instance-health-change-container-runtime-ok.json"), &ev); err != nil {
		t.Fatal(err)
	}
	ev["id"], ev["time"] = "EXAMPLE-48f8-c0ff-0dab-EXAMPLE2ac35", "2026-04-12T00:49:09Z"
	ev["detail"].(map[string]any)["healthChecks"].([]any)[0].(map[string]any)["lastStatusChange"] = "2026-04-12T00:48:53Z"
	b, _ := json.Marshal(ev)
	return b
}
