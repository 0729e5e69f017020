package notifier

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/chat/deliver"
	"github.com/foghornhq/foghorn/lambda/chat/slack"
	"github.com/foghornhq/foghorn/lambda/clock"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/envelope"
	"github.com/foghornhq/foghorn/lambda/internal/chatfake"
)

// steadyFor is the real steady-state sample, moved to the burst's service and time.
func steadyFor(t *testing.T, service, at string) json.RawMessage {
	var ev map[string]any
	if err := json.Unmarshal(read(t, steady), &ev); err != nil {
		t.Fatal(err)
	}
	ev["id"], ev["time"], ev["region"] = "steady-"+service, at, "us-east-1"
	ev["resources"] = []string{"arn:aws:ecs:us-east-1:111122223333:service/example-cluster/" + service}
	ev["detail"].(map[string]any)["clusterArn"] = "arn:aws:ecs:us-east-1:111122223333:cluster/example-cluster"
	b, _ := json.Marshal(ev)
	return b
}

// TestCrashLoopEditsInPlace: with a bot token, a crash loop is one message that is edited
// as failures come in, each batch of failures is a reply in its thread, and the recovery
// edits it once more and says so in the thread. No digests, no second top-level message. The
// story is the same whenever its events arrive.
func TestCrashLoopEditsInPlace(t *testing.T) {
	for _, age := range ages {
		t.Run(age.name, func(t *testing.T) { crashLoopEditsInPlace(t, processed.Add(-age.age)) })
	}
}

func crashLoopEditsInPlace(t *testing.T, t0 time.Time) {
	chat := chatfake.New(chatfake.Options{})
	defer chat.Close()
	bot := slack.NewBot(chat.SlackBotToken("ops"), chat.SlackChannel("alerts"), &deliver.Client{Sleep: noSleep(nil)})
	bot.APIURL = chat.SlackAPIURL()
	doc := &config.Document{Version: 1, Destinations: []config.Destination{{Name: "ops", Target: "slack-bot", SecretParam: "/test/token", Channel: "alerts"}}}
	n, err := New(doc, WithTarget("ops", bot), WithClock(clock.NewFake(processed)))
	if err != nil {
		t.Fatal(err)
	}

	failures := burstEvents(t, 1, 5, t0) // svc-00 fails five times within a minute
	run := func(evs ...json.RawMessage) {
		t.Helper()
		payload, err := envelope.SQSBatch(evs)
		if err != nil {
			t.Fatal(err)
		}
		recs, _ := envelope.Split(payload)
		res := n.Deliver(context.Background(), n.Plan(context.Background(), recs))
		if len(res.Failed) > 0 {
			t.Fatalf("failed: %v", res.Failed)
		}
	}
	run(failures[:3]...)                                                     // the threshold: announce
	run(failures[3:]...)                                                     // two more: edit and reply
	run(steadyFor(t, "svc-00", t0.Add(20*time.Minute).Format(time.RFC3339))) // steady again: edit and reply

	type call struct{ method, thread, text string }
	var calls []call
	for _, r := range chat.Requests() {
		var body struct {
			ThreadTS string `json:"thread_ts"`
			TS       string `json:"ts"`
			Text     string `json:"text"`
		}
		json.Unmarshal(r.Body, &body)
		c := call{method: r.Path[strings.LastIndex(r.Path, "/")+1:], text: body.Text}
		if body.ThreadTS != "" {
			c.thread = "thread"
		}
		if body.TS != "" {
			c.thread = "ts"
		}
		calls = append(calls, c)
	}
	want := []call{
		{method: "chat.postMessage", text: "svc-00 is crash-looping: 3 tasks failed"},
		{method: "chat.update", thread: "ts", text: "5 tasks failed"},
		{method: "chat.postMessage", thread: "thread", text: "svc-00: 2 tasks failed more"},
		{method: "chat.update", thread: "ts", text: "recovered: steady again"},
		{method: "chat.postMessage", thread: "thread", text: "recovered: steady again"},
	}
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
