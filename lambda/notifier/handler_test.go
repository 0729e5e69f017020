package notifier

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/foghornhq/foghorn/lambda/chat/deliver"
	"github.com/foghornhq/foghorn/lambda/envelope"
	"github.com/foghornhq/foghorn/lambda/internal/chatfake"
)

// TestInvoke: the runtime's Handler answers what Handle does, as the JSON the runtime sends
// back: the partial batch response for SQS, an error for anything else that failed.
func TestInvoke(t *testing.T) {
	chat := chatfake.New(chatfake.Options{})
	defer chat.Close()
	hook := chat.SlackWebhookURL("alerts")
	n := slackNotifier(t, hook, &deliver.Client{Sleep: noSleep(nil)}, nil)
	batch, err := envelope.SQSBatch([]json.RawMessage{read(t, failed)})
	if err != nil {
		t.Fatal(err)
	}
	out, err := n.Invoke(context.Background(), batch)
	if err != nil || string(out) != `{"batchItemFailures":[]}` {
		t.Fatalf("Invoke = %s, %v", out, err)
	}
	chat.SetState(strings.TrimPrefix(hook, chat.URL()), chatfake.Archived)
	batch, _ = envelope.SQSBatch([]json.RawMessage{read(t, oom)})
	if out, err = n.Invoke(context.Background(), batch); err != nil || string(out) != `{"batchItemFailures":[{"itemIdentifier":"msg-1"}]}` {
		t.Fatalf("Invoke into an archived channel = %s, %v", out, err)
	}
	if out, err = n.Invoke(context.Background(), read(t, alarmEB)); err == nil {
		t.Fatalf("Invoke of a direct event that was not delivered = %s, want an error", out)
	}
}
