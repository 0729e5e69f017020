package notifier

import (
	"context"
	"strings"
	"testing"

	"github.com/foghornhq/foghorn/lambda/chatops"
	"github.com/foghornhq/foghorn/lambda/config"
)

// TestButtonsByDestination: with actions on, the bot's messages carry the buttons, a Slack
// webhook's only when it opts in, other targets' never; with actions off, nobody's do.
func TestButtonsByDestination(t *testing.T) {
	doc := `{"version": 1, "destinations": [
	  {"name": "bot", "target": "slack-bot", "secretParam": "/p/bot", "channel": "C0ALERTS"},
	  {"name": "hook", "target": "slack", "secretParam": "/p/hook"},
	  {"name": "hook-on", "target": "slack", "secretParam": "/p/hook-on", "buttons": true},
	  {"name": "teams", "target": "teams", "secretParam": "/p/teams"}],
	 "actions": {"enabled": true, "signingSecretParam": "/p/signing",
	  "silence": {"users": ["U0ANA"], "channels": ["C0ALERTS"]}}}`
	d, err := config.Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	n, err := New(d)
	if err != nil {
		t.Fatal(err)
	}
	plan := n.Plan(context.Background(), batch(t, exit1))
	got := map[string]bool{}
	for _, m := range plan.Messages {
		got[m.Destination] = strings.Contains(string(m.Payload), chatops.BlockID)
	}
	want := map[string]bool{"bot": true, "hook": false, "hook-on": true, "teams": false}
	for dest, w := range want {
		if got[dest] != w {
			t.Errorf("%s: buttons %v, want %v", dest, got[dest], w)
		}
	}
	d.Actions = config.Actions{}
	d.Destinations[2].Buttons = nil
	n, _ = New(d)
	for _, m := range n.Plan(context.Background(), batch(t, exit1)).Messages {
		if strings.Contains(string(m.Payload), chatops.BlockID) {
			t.Errorf("%s has buttons with actions off", m.Destination)
		}
	}
}
