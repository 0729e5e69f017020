package notifier

import (
	"encoding/json"
	"testing"
	"time"
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
	_, chat, run := botRig(t)
	failures := burstEvents(t, 1, 5, t0)                                     // svc-00 fails five times within a minute
	run(failures[:3]...)                                                     // the threshold: announce
	run(failures[3:]...)                                                     // two more: edit and reply
	run(steadyFor(t, "svc-00", t0.Add(20*time.Minute).Format(time.RFC3339))) // steady again: edit and reply

	checkCalls(t, slackCalls(chat), []slackCall{
		{method: "chat.postMessage", text: "svc-00 is crash-looping: 3 tasks failed"},
		{method: "chat.update", thread: "ts", text: "5 tasks failed"},
		{method: "chat.postMessage", thread: "thread", text: "svc-00: 2 tasks failed more"},
		{method: "chat.update", thread: "ts", text: "recovered: steady again"},
		{method: "chat.postMessage", thread: "thread", text: "recovered: steady again"},
	})
}
