package slack

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/chatops"
	"github.com/foghornhq/foghorn/lambda/event"
	"github.com/foghornhq/foghorn/lambda/internal/chatfake"
	"github.com/foghornhq/foghorn/lambda/internal/fixtures"
)

var menu = chatops.Menu{chatops.Silence: true, chatops.Acknowledge: true, chatops.Logs: true, chatops.Continue: true, chatops.Rollback: true}

// TestButtons: a bot message offers the buttons of its menu, valid Block Kit with Slack's
// confirmation dialogs on the destructive ones; without a menu, and on the package's webhook
// Render, there are none.
func TestButtons(t *testing.T) {
	oom := fixtures.Samples()["critical-oom"]
	oom.StartedBy = "ecs-svc/1234"
	paused := alert.Alert{Kind: alert.KindDeployment, Event: event.HookAwaitingAction, Severity: alert.Warning, Title: "paused",
		Identity: alert.Identity{Partition: "aws", Account: "111122223333", Region: "eu-west-1", Cluster: "prod", Service: "checkout-api",
			ServiceDeployment: "arn:aws:ecs:eu-west-1:111122223333:service-deployment/prod/checkout-api/AbC123", Hook: "ecs-pause-x"}}
	cases := []struct {
		name    string
		a       alert.Alert
		want    []string
		confirm int
	}{
		{"task failure", oom, []string{"foghorn:silence:1h", "foghorn:silence:4h", "foghorn:silence:deployment", "foghorn:acknowledge", "foghorn:logs"}, 0},
		{"paused deployment", paused, []string{"foghorn:continue", "foghorn:rollback"}, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body, err := RenderBotWith(c.a, "C0ALERTS", menu)
			if err != nil {
				t.Fatal(err)
			}
			if chk := chatfake.CheckSlackMessage(body); chk.Code != "" {
				t.Fatalf("%s: %s", chk.Code, chk.Problem)
			}
			var m struct {
				Attachments []struct {
					Blocks []struct {
						BlockID  string `json:"block_id"`
						Elements []struct {
							ActionID string          `json:"action_id"`
							Value    string          `json:"value"`
							Confirm  json.RawMessage `json:"confirm"`
						} `json:"elements"`
					} `json:"blocks"`
				} `json:"attachments"`
			}
			json.Unmarshal(body, &m)
			var got []string
			confirms := 0
			for _, b := range m.Attachments[0].Blocks {
				if b.BlockID != chatops.BlockID {
					continue
				}
				for _, e := range b.Elements {
					got = append(got, e.ActionID)
					if _, err := chatops.Decode(e.Value); err != nil {
						t.Errorf("%s: %v", e.ActionID, err)
					}
					if len(e.Confirm) > 0 {
						confirms++
					}
				}
			}
			if strings.Join(got, " ") != strings.Join(c.want, " ") || confirms != c.confirm {
				t.Errorf("buttons %v (%d confirmed), want %v (%d)", got, confirms, c.want, c.confirm)
			}
			plain, _ := Render(c.a)
			if strings.Contains(string(plain), chatops.BlockID) {
				t.Error("the webhook rendering has buttons without opting in")
			}
		})
	}
}
