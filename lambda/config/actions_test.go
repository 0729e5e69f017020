package config

import (
	"strings"
	"testing"

	"github.com/foghornhq/foghorn/lambda/chatops"
)

const actionsBase = `{"version": 1,
 "destinations": [
   {"name": "bot", "target": "slack-bot", "secretParam": "/p/bot", "channel": "C0ALERTS"},
   {"name": "hook", "target": "slack", "secretParam": "/p/hook"},
   {"name": "teams", "target": "teams", "secretParam": "/p/teams"}],
 "logs": {"enabled": true, "logGroupPrefixes": ["/ecs/"]},
 "actions": %s}`

func parseActions(actions string) (*Document, error) {
	return Parse([]byte(strings.Replace(actionsBase, "%s", actions, 1)))
}

// TestActionsValidation: every mistake is reported naming its key.
func TestActionsValidation(t *testing.T) {
	ok := `{"enabled": true, "signingSecretParam": "/p/signing",
	  "silence": {"users": ["U0ANA"], "channels": ["C0ALERTS"]}}`
	d, err := parseActions(ok)
	if err != nil {
		t.Fatal(err)
	}
	if m := d.Menu(); !m[chatops.Silence] || m[chatops.Rollback] || len(m) != 1 {
		t.Errorf("menu %v", m)
	}
	cases := []struct {
		name, actions, want string
	}{
		{"no signing secret", `{"enabled": true, "silence": {"users": ["U0ANA"], "channels": ["C0ALERTS"]}}`, "actions.signingSecretParam: is required"},
		{"nothing allowed", `{"enabled": true, "signingSecretParam": "/p/s"}`, "actions: is enabled but allows no action"},
		{"nobody", `{"enabled": true, "signingSecretParam": "/p/s", "silence": {"channels": ["C0ALERTS"]}}`, "actions.silence: allows nobody"},
		{"no channel", `{"enabled": true, "signingSecretParam": "/p/s", "silence": {"users": ["U0ANA"]}}`, "actions.silence.channels: is required"},
		{"channel name", `{"enabled": true, "signingSecretParam": "/p/s", "silence": {"users": ["U0ANA"], "channels": ["#alerts"]}}`, `actions.silence.channels[0]: "#alerts" is not a Slack channel id`},
		{"user name", `{"enabled": true, "signingSecretParam": "/p/s", "acknowledge": {"users": ["@ana"], "channels": ["C0ALERTS"]}}`, `actions.acknowledge.users[0]: "@ana" is not a Slack user id`},
		{"twice", `{"enabled": true, "signingSecretParam": "/p/s", "logs": {"users": ["U0ANA", "U0ANA"], "channels": ["C0ALERTS"]}}`, `actions.logs.users[1]: "U0ANA" is listed twice`},
		{"group without bot", `{"enabled": true, "signingSecretParam": "/p/s", "acknowledge": {"userGroups": ["S0ONCALL"], "channels": ["C0ALERTS"]}}`, "actions.botDestination: is required when an allow-list names userGroups"},
		{"bot is a webhook", `{"enabled": true, "signingSecretParam": "/p/s", "botDestination": "hook", "silence": {"users": ["U0ANA"], "channels": ["C0ALERTS"]}}`, `actions.botDestination: "hook" is a slack destination`},
		{"bot unknown", `{"enabled": true, "signingSecretParam": "/p/s", "botDestination": "nope", "silence": {"users": ["U0ANA"], "channels": ["C0ALERTS"]}}`, `actions.botDestination: unknown destination "nope"`},
		{"rollback without services", `{"enabled": true, "signingSecretParam": "/p/s", "rollback": {"users": ["U0ANA"], "channels": ["C0ALERTS"]}}`, "actions.services: is required when continue or rollback is allowed"},
		{"service not an ARN", `{"enabled": true, "signingSecretParam": "/p/s", "services": ["prod/api"], "continue": {"users": ["U0ANA"], "channels": ["C0ALERTS"]}}`, `actions.services[0]: "prod/api" is not an ECS service ARN`},
		{"short service ARN", `{"enabled": true, "signingSecretParam": "/p/s", "services": ["arn:aws:ecs:eu-west-1:111122223333:service/api"], "continue": {"users": ["U0ANA"], "channels": ["C0ALERTS"]}}`, "actions.services[0]"},
		{"services unused", `{"enabled": true, "signingSecretParam": "/p/s", "services": ["arn:aws:ecs:eu-west-1:111122223333:service/prod/api"], "silence": {"users": ["U0ANA"], "channels": ["C0ALERTS"]}}`, "actions.services: is only used by continue and rollback"},
		{"disabled but set", `{"signingSecretParam": "/p/s"}`, "actions.enabled: is false, yet other actions keys are set"},
		{"unknown key", `{"enabled": true, "signingSecretParam": "/p/s", "silnce": {}}`, `actions.silnce: unknown key (line 7, column 61); did you mean "silence"?`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseActions(c.actions)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want %q", err, c.want)
			}
		})
	}
	// Logs need the log tail.
	_, err = Parse([]byte(`{"version": 1, "destinations": [{"name": "bot", "target": "slack-bot", "secretParam": "/p/bot", "channel": "C0ALERTS"}],
	  "actions": {"enabled": true, "signingSecretParam": "/p/s", "logs": {"users": ["U0ANA"], "channels": ["C0ALERTS"]}}}`))
	if err == nil || !strings.Contains(err.Error(), "actions.logs: needs the log tail") {
		t.Errorf("logs without the log tail: %v", err)
	}
}

// TestButtonsFor: slack-bot destinations carry buttons when actions are on, unless they say
// not to; Slack webhooks only when they opt in; other targets never.
func TestButtonsFor(t *testing.T) {
	on := `{"enabled": true, "signingSecretParam": "/p/s", "silence": {"users": ["U0ANA"], "channels": ["C0ALERTS"]}}`
	d, _ := parseActions(on)
	bot, _ := d.Destination("bot")
	hook, _ := d.Destination("hook")
	if !d.ButtonsFor(bot) || d.ButtonsFor(hook) {
		t.Errorf("defaults: bot %v, hook %v", d.ButtonsFor(bot), d.ButtonsFor(hook))
	}
	yes, no := true, false
	hook.Buttons, bot.Buttons = &yes, &no
	if d.ButtonsFor(bot) || !d.ButtonsFor(hook) {
		t.Errorf("opt-in/out: bot %v, hook %v", d.ButtonsFor(bot), d.ButtonsFor(hook))
	}
	_, err := Parse([]byte(`{"version": 1, "destinations": [{"name": "teams", "target": "teams", "secretParam": "/p/t", "buttons": true},
	  {"name": "hook", "target": "slack", "secretParam": "/p/h", "buttons": true}]}`))
	for _, want := range []string{"destinations[0].buttons: only Slack destinations", "destinations[1].buttons: buttons need actions.enabled"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want %q", err, want)
		}
	}
}

func TestMayChange(t *testing.T) {
	a := Actions{Services: []string{"arn:aws:ecs:eu-west-1:111122223333:service/prod/api"}}
	for _, c := range []struct {
		account, region, cluster, service string
		want                              bool
	}{
		{"111122223333", "eu-west-1", "prod", "api", true},
		{"", "", "prod", "api", true},
		{"111122223333", "us-east-1", "prod", "api", false},
		{"999988887777", "eu-west-1", "prod", "api", false},
		{"111122223333", "eu-west-1", "dev", "api", false},
		{"111122223333", "eu-west-1", "prod", "api2", false},
	} {
		if got := a.MayChange(c.account, c.region, c.cluster, c.service); got != c.want {
			t.Errorf("%+v: %v", c, got)
		}
	}
}
