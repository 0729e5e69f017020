package notifier

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/internal/awsfake"
	"github.com/foghornhq/foghorn/lambda/logtail"
)

// TestAlertSaysWhyLogLinesAreMissing: when the stack's settings keep a container's lines
// out (it logs to a region outside logRegions, or the function's role is denied the read),
// the alert says so, in the message itself; when the lines can be read, it shows them.
func TestAlertSaysWhyLogLinesAreMissing(t *testing.T) {
	const task = awsfake.CheckoutTaskID // the task of the OOM fixture
	tests := []struct {
		name    string
		regions []string
		deny    bool
		want    string
		lines   bool
	}{
		{name: "region allowed", regions: []string{"eu-west-1", "us-east-1"}, lines: true},
		{name: "region outside logRegions", regions: []string{"eu-west-1"},
			want: "container app logs to us-east-1, outside logRegions (eu-west-1): add it"},
		{name: "access denied", regions: []string{"us-east-1"}, deny: true,
			want: "reading log group /ecs/checkout-api in us-east-1 was denied (AccessDeniedException)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ecsFake, logsFake := awsfake.NewECS(), awsfake.NewLogs()
			defer ecsFake.Close()
			defer logsFake.Close()
			awsfake.AddCheckoutCrash(ecsFake, logsFake, task, time.Date(2024, 3, 14, 9, 0, 0, 0, time.UTC))
			if tt.deny {
				logsFake.Deny(awsfake.CheckoutGroup)
			}
			tail, err := logtail.New(ecsFake.Client(), logsFake.Client(), config.Logs{Enabled: true, LogGroupPrefixes: []string{"/ecs/"}, Regions: tt.regions, Budget: config.Duration(10 * time.Second)})
			if err != nil {
				t.Fatal(err)
			}
			chat := &memoryTarget{}
			n := transitionNotifier(t, chat, nil, WithLogs(tail))
			plan := n.Plan(context.Background(), batch(t, oom))
			if len(plan.Messages) != 1 {
				t.Fatalf("%d messages", len(plan.Messages))
			}
			body := string(plan.Messages[0].Payload)
			if tt.lines != strings.Contains(body, "DATABASE_URL") {
				t.Errorf("log lines shown: %v, want %v", !tt.lines, tt.lines)
			}
			if tt.want != "" && !strings.Contains(body, tt.want) {
				t.Errorf("the message does not say %q:\n%s", tt.want, body)
			}
			if tt.want == "" && strings.Contains(body, logtail.NoteLabel) {
				t.Errorf("the message says lines are missing though it shows them:\n%s", body)
			}
		})
	}
}
