package ops

import (
	"context"
	"strings"
	"testing"

	"github.com/foghornhq/foghorn/lambda/internal/awsfake"
)

const topic = "arn:aws:sns:us-east-1:111122223333:foghorn-prod-watchdog-1a2b3c4"

// TestPublish sends through the real SNS client to the fake, which refuses what SNS refuses.
func TestPublish(t *testing.T) {
	fake := awsfake.NewSNS(topic)
	defer fake.Close()
	tp := Topic{API: fake.Client(), ARN: topic}
	ctx := context.Background()
	long := strings.Repeat("ü", MaxMessage) // twice SNS's limit in bytes
	tests := []struct {
		name, subject, message string
		wantSubject            string
	}{
		{"plain", "foghorn prod: destination ops-slack cannot be posted to", "why", "foghorn prod: destination ops-slack cannot be posted to"},
		{"subject made one ASCII line", "  foghorn\tprod:\ndestination «ops» 🚨 ", "why", "foghorn prod: destination ?ops? ?"},
		{"subject cut", strings.Repeat("x", 150), "why", strings.Repeat("x", 97) + "..."},
		{"no subject", "", "why", ""},
		{"message cut", "s", long, "s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(fake.Published())
			if err := tp.Publish(ctx, tt.subject, tt.message); err != nil {
				t.Fatal(err)
			}
			got := fake.Published()[before]
			if got.Subject != tt.wantSubject || got.TopicArn != topic || len(got.Message) > MaxMessage || !strings.HasPrefix(tt.message, got.Message) {
				t.Errorf("published %q (%d bytes of message), want subject %q", got.Subject, len(got.Message), tt.wantSubject)
			}
		})
	}
	for _, p := range fake.Problems() {
		t.Errorf("a request SNS would refuse: %s", p)
	}

	fake.Deny(topic)
	err := tp.Publish(ctx, "s", "m")
	if err == nil || !strings.Contains(err.Error(), "AuthorizationError") {
		t.Errorf("denied publish: %v, want SNS's AuthorizationError", err)
	}
	if err := (Topic{API: fake.Client(), ARN: topic + "-gone"}).Publish(ctx, "s", "m"); err == nil || !strings.Contains(err.Error(), "NotFound") {
		t.Errorf("publish to a missing topic: %v", err)
	}
}
