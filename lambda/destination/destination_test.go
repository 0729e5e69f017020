package destination

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/chat/discord"
	"github.com/foghornhq/foghorn/lambda/chat/gchat"
	"github.com/foghornhq/foghorn/lambda/chat/slack"
	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/chat/teams"
	"github.com/foghornhq/foghorn/lambda/chat/webhook"
)

func dest(targetName string) config.Destination {
	d := config.Destination{Name: "d", Target: targetName, SecretParam: "/foghorn/test/d"}
	switch targetName {
	case SlackBot:
		d.Channel = "C0FAKEALERTS"
	case Webhook:
		d.SigningSecretParam = "/foghorn/test/d-signing"
	}
	return d
}

// Every target config.Targets names can be built, and the registry knows no other.
func TestEveryConfigTargetBuilds(t *testing.T) {
	want := []string{Slack, SlackBot, Discord, Teams, GoogleChat, Webhook}
	if !slices.Equal(config.Targets, want) {
		t.Errorf("config.Targets = %v, want %v", config.Targets, want)
	}
	for _, name := range config.Targets {
		d := dest(name)
		doc := &config.Document{Version: config.Version, Destinations: []config.Destination{d}}
		if err := doc.Validate(); err != nil {
			t.Errorf("%s: a minimal destination is invalid: %v", name, err)
		}
		tg, err := New(d, RenderOnly(name), nil)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		var ok bool
		switch name {
		case Slack:
			_, ok = tg.(*slack.Webhook)
		case SlackBot:
			_, ok = tg.(chat.Threaded)
		case Discord:
			_, ok = tg.(*discord.Webhook)
		case Teams:
			_, ok = tg.(*teams.Workflow)
		case GoogleChat:
			_, ok = tg.(*gchat.Webhook)
		case Webhook:
			_, ok = tg.(*webhook.Webhook)
		}
		if !ok {
			t.Errorf("%s built a %T", name, tg)
		}
	}
	if _, err := New(config.Destination{Target: "pager"}, Secrets{}, nil); err == nil {
		t.Error("an unknown target was built")
	}
}

// Secrets of the wrong shape are refused, naming the parameter and never echoing the value.
func TestSecretShapes(t *testing.T) {
	for _, tc := range []struct {
		target string
		s      Secrets
		ok     bool
	}{
		{Slack, Secrets{Value: "https://hooks.slack.example/services/TFAKE/BFAKE/fake-secret"}, true},
		{Slack, Secrets{Value: "http://127.0.0.1:8089/services/TFAKE/BFAKE/fake-secret"}, true},
		{Slack, Secrets{Value: "http://[::1]:8089/services/x"}, true},
		{Slack, Secrets{Value: "http://hooks.slack.example/services/TFAKE/BFAKE/fake-secret"}, false},
		{Slack, Secrets{Value: "hooks.slack.example/services/fake-secret"}, false},
		{Slack, Secrets{Value: "https://user:fake-password@hooks.slack.example/"}, false},
		{Slack, Secrets{Value: "xoxb-fake-token-for-tests"}, false},
		{SlackBot, Secrets{Value: "xoxb-fake-token-for-tests"}, true},
		{SlackBot, Secrets{Value: "xoxp-fake-user-token"}, false},
		{SlackBot, Secrets{Value: "xoxb-"}, false},
		{SlackBot, Secrets{Value: "xoxb-fake token"}, false},
		{SlackBot, Secrets{Value: "https://hooks.slack.example/services/fake"}, false},
		{Discord, Secrets{Value: "https://discord.example/api/webhooks/0000/fake-token"}, true},
		{Discord, Secrets{Value: "https://discord.example/api/v10/webhooks/0000/fake-token"}, true},
		{Discord, Secrets{Value: "https://discord.example/api/webhooks/0000"}, false},
		{Discord, Secrets{Value: "https://hooks.slack.example/services/TFAKE/BFAKE/fake-secret"}, false},
		{Teams, Secrets{Value: "https://prod-00.westeurope.logic.example:443/workflows/0000/triggers/manual/paths/invoke?sig=fake-sig"}, true},
		{Teams, Secrets{Value: "ftp://teams.example/fake"}, false},
		{GoogleChat, Secrets{Value: "https://chat.googleapis.example/v1/spaces/AAAA/messages?key=fake-key&token=fake-token"}, true},
		{GoogleChat, Secrets{Value: "https://chat.googleapis.example/v1/spaces/AAAA/messages?key=fake-key"}, false},
		{GoogleChat, Secrets{Value: "https://discord.example/api/webhooks/0000/fake-token"}, false},
		{Webhook, Secrets{Value: "https://receiver.example/hooks/fake", SigningKey: "fake-signing-key-for-tests"}, true},
		{Webhook, Secrets{Value: "https://receiver.example/hooks/fake", SigningKey: "short-fake-key"}, false},
		{Webhook, Secrets{Value: "https://receiver.example/hooks/fake", SigningKey: " fake-signing-key-for-tests "}, false},
		{Webhook, Secrets{Value: "https://receiver.example/hooks/fake"}, false},
		{Webhook, Secrets{Value: "not a url", SigningKey: "fake-signing-key-for-tests"}, false},
	} {
		name := fmt.Sprintf("%s %q", tc.target, tc.s.Value)
		_, err := New(dest(tc.target), tc.s, nil)
		if (err == nil) != tc.ok {
			t.Errorf("%s: err %v, want ok %v", name, err, tc.ok)
			continue
		}
		if err == nil {
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, "/foghorn/test/d") {
			t.Errorf("%s: the error does not name the parameter: %s", name, msg)
		}
		for _, secret := range []string{tc.s.Value, tc.s.SigningKey, "fake-secret", "fake-token", "fake-sig", "fake-password", "fake-signing-key"} {
			if len(secret) > len("xoxb-") && strings.Contains(msg, secret) { // a bare prefix is in the guidance
				t.Errorf("%s: the error echoes the secret: %s", name, msg)
			}
		}
	}
}

// The new destination fields are validated with the document: required where they are used,
// refused elsewhere.
func TestDestinationFields(t *testing.T) {
	for _, tc := range []struct {
		name string
		json string
		want string // "" valid, else part of the error
	}{
		{"slack-bot with a channel", `{"name":"b","target":"slack-bot","secretParam":"/p","channel":"#prod-alerts"}`, ""},
		{"slack-bot without a channel", `{"name":"b","target":"slack-bot","secretParam":"/p"}`, "destinations[0].channel: is required for target slack-bot"},
		{"channel with a space", `{"name":"b","target":"slack-bot","secretParam":"/p","channel":"prod alerts"}`, "destinations[0].channel"},
		{"channel on a webhook target", `{"name":"s","target":"slack","secretParam":"/p","channel":"C1"}`, "destinations[0].channel: is only used by target slack-bot"},
		{"webhook with a signing key", `{"name":"w","target":"webhook","secretParam":"/p","signingSecretParam":"/p-sign"}`, ""},
		{"webhook without one", `{"name":"w","target":"webhook","secretParam":"/p"}`, "destinations[0].signingSecretParam: is required for target webhook"},
		{"signing key on discord", `{"name":"d","target":"discord","secretParam":"/p","signingSecretParam":"/x"}`, "destinations[0].signingSecretParam: is only used by target webhook"},
		{"teams", `{"name":"t","target":"teams","secretParam":"/p"}`, ""},
		{"gchat", `{"name":"g","target":"gchat","secretParam":"/p"}`, ""},
	} {
		_, err := config.Parse([]byte(`{"version":1,"destinations":[` + tc.json + `]}`))
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: %v, want an error about %q", tc.name, err, tc.want)
		}
	}
	d := config.Destination{SecretParam: "/a", SigningSecretParam: "/b"}
	if got := d.SecretParams(); !slices.Equal(got, []string{"/a", "/b"}) {
		t.Errorf("SecretParams = %v", got)
	}
	if got := (config.Destination{SecretParam: "/a"}).SecretParams(); !slices.Equal(got, []string{"/a"}) {
		t.Errorf("SecretParams = %v", got)
	}
}
