package destination

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/chat/discord"
	"github.com/foghornhq/foghorn/lambda/chat/gchat"
	"github.com/foghornhq/foghorn/lambda/chat/slack"
	"github.com/foghornhq/foghorn/lambda/chat/teams"
	"github.com/foghornhq/foghorn/lambda/chat/webhook"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/internal/fixtures"
)

func dest(targetName string) config.Destination {
	d := config.Destination{Name: "d", Target: targetName, SecretParam: "/foghorn/test/d"}
	switch targetName {
	case config.SlackBot:
		d.Channel = "C0FAKEALERTS"
	case config.Webhook:
		d.SigningSecretParam = "/foghorn/test/d-signing"
	}
	return d
}

// fakeSecrets are obviously fake secrets of each target's shape.
var fakeSecrets = map[string]config.Secrets{
	config.Slack:      {Value: "https://hooks.slack.example/services/TFAKE/BFAKE/fake-secret"},
	config.SlackBot:   {Value: "xoxb-fake-token-for-tests"},
	config.Discord:    {Value: "https://discord.example/api/webhooks/0000/fake-token"},
	config.Teams:      {Value: "https://teams.example/workflows/0000/triggers/manual/paths/invoke?sig=fake-sig"},
	config.GoogleChat: {Value: "https://chat.googleapis.example/v1/spaces/AAAA/messages?key=fake-key&token=fake-token"},
	config.Webhook:    {Value: "https://receiver.example/hooks/fake", SigningKey: "fake-signing-key-for-tests"},
}

// Every target config.Targets names can be built, and the registry knows no other. Its
// renderer, which needs no secret, renders what the target does, and Threaded says which
// targets can edit.
func TestEveryConfigTargetBuilds(t *testing.T) {
	want := []string{config.Slack, config.SlackBot, config.Discord, config.Teams, config.GoogleChat, config.Webhook}
	if !slices.Equal(config.Targets, want) {
		t.Errorf("config.Targets = %v, want %v", config.Targets, want)
	}
	for _, name := range config.Targets {
		d := dest(name)
		doc := &config.Document{Version: config.Version, Destinations: []config.Destination{d}}
		if err := doc.Validate(); err != nil {
			t.Errorf("%s: a minimal destination is invalid: %v", name, err)
		}
		tg, err := New(d, fakeSecrets[name], nil)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		r, err := Renderer(d)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for sample, a := range fixtures.Samples() {
			want, err1 := tg.Render(a)
			got, err2 := r.Render(a)
			if err1 != nil || err2 != nil || !bytes.Equal(got, want) {
				t.Errorf("%s, %s: the renderer and the target render differently (%v, %v)", name, sample, err2, err1)
			}
		}
		if _, threaded := tg.(chat.Threaded); threaded != Threaded(d) {
			t.Errorf("%s: Threaded = %v, the target is %T", name, Threaded(d), tg)
		}
		var ok bool
		switch name {
		case config.Slack:
			_, ok = tg.(*slack.Webhook)
		case config.SlackBot:
			_, ok = tg.(chat.Threaded)
		case config.Discord:
			_, ok = tg.(*discord.Webhook)
		case config.Teams:
			_, ok = tg.(*teams.Workflow)
		case config.GoogleChat:
			_, ok = tg.(*gchat.Webhook)
		case config.Webhook:
			_, ok = tg.(*webhook.Webhook)
		}
		if !ok {
			t.Errorf("%s built a %T", name, tg)
		}
	}
	if _, err := New(config.Destination{Target: "pager"}, config.Secrets{}, nil); err == nil {
		t.Error("an unknown target was built")
	}
	if _, err := Renderer(config.Destination{Target: "pager"}); err == nil {
		t.Error("an unknown target has a renderer")
	}
}

// Secrets of the wrong shape are refused, naming the parameter and never echoing the value.
func TestSecretShapes(t *testing.T) {
	// The cases the Pulumi program and config.CheckSecrets run too: all three must agree.
	data, err := os.ReadFile("../config/testdata/secret-shapes.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Target     string
		Secret     string
		SigningKey string
		OK         bool
	}
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		tc := struct {
			target string
			s      config.Secrets
			ok     bool
		}{c.Target, config.Secrets{Value: c.Secret, SigningKey: c.SigningKey}, c.OK}
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
