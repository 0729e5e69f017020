// Package destination builds, from a config document's destination and the values of its
// secret parameters, the chat target that posts for it: Slack (incoming webhook or bot token),
// Discord, Microsoft Teams, Google Chat or the generic signed webhook. Its errors name the SSM
// parameter at fault, never the value.
package destination

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"

	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/chat/deliver"
	"github.com/foghornhq/foghorn/lambda/chat/discord"
	"github.com/foghornhq/foghorn/lambda/chat/gchat"
	"github.com/foghornhq/foghorn/lambda/chat/slack"
	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/chat/teams"
	"github.com/foghornhq/foghorn/lambda/chat/webhook"
)

// Target names, as config.Targets lists them.
const (
	Slack      = "slack"     // Slack incoming webhook
	SlackBot   = "slack-bot" // Slack Web API with a bot token: edits and threads
	Discord    = "discord"
	Teams      = "teams" // Microsoft Teams Workflows webhook
	GoogleChat = "gchat"
	Webhook    = "webhook" // generic JSON webhook, foghorn.alert/v1, signed
)

// MinSigningKey is the shortest signing key a webhook destination takes, in bytes.
const MinSigningKey = 16

// Secrets are the values of a destination's secret parameters.
type Secrets struct {
	// Value is the secretParam's value: the webhook URL, or for slack-bot the bot token.
	Value string
	// SigningKey is the signingSecretParam's value (webhook only).
	SigningKey string
}

// New builds the target for d. The destination must be valid (config.Document.Validate).
// Errors describe what is wrong with a secret's shape and name its parameter, never its value.
func New(d config.Destination, s Secrets, client *deliver.Client) (chat.Target, error) {
	bad := func(param, format string, args ...any) error {
		return fmt.Errorf("parameter %q: %s", param, fmt.Sprintf(format, args...))
	}
	switch d.Target {
	case Slack:
		if !webhookURL(s.Value, nil) {
			return nil, bad(d.SecretParam, "does not hold a Slack webhook URL (want https://hooks.slack.com/services/…)")
		}
		return slack.NewWebhook(s.Value, client), nil
	case SlackBot:
		if !botToken(s.Value) {
			return nil, bad(d.SecretParam, "does not hold a Slack bot token (want xoxb-…, with no white space)")
		}
		if strings.TrimSpace(d.Channel) == "" {
			return nil, fmt.Errorf("destination %q: a slack-bot destination needs a channel", d.Name)
		}
		return slack.NewBot(s.Value, d.Channel, client), nil
	case Discord:
		if !webhookURL(s.Value, discordPath) {
			return nil, bad(d.SecretParam, "does not hold a Discord webhook URL (want https://discord.com/api/webhooks/<id>/<token>)")
		}
		return discord.NewWebhook(s.Value, client), nil
	case Teams:
		if !webhookURL(s.Value, nil) {
			return nil, bad(d.SecretParam, "does not hold a Teams Workflows webhook URL (want https://…/workflows/…/triggers/manual/paths/invoke?…&sig=…)")
		}
		return teams.NewWorkflow(s.Value, client), nil
	case GoogleChat:
		if !webhookURL(s.Value, gchatPath) || !hasQuery(s.Value, "key", "token") {
			return nil, bad(d.SecretParam, "does not hold a Google Chat webhook URL (want https://chat.googleapis.com/v1/spaces/<space>/messages?key=…&token=…)")
		}
		return gchat.NewWebhook(s.Value, client), nil
	case Webhook:
		if !webhookURL(s.Value, nil) {
			return nil, bad(d.SecretParam, "does not hold a webhook URL (want https://…)")
		}
		if d.SigningSecretParam == "" {
			return nil, fmt.Errorf("destination %q: a webhook destination needs signingSecretParam", d.Name)
		}
		if len(s.SigningKey) < MinSigningKey || strings.TrimSpace(s.SigningKey) != s.SigningKey {
			return nil, bad(d.SigningSecretParam, "does not hold a signing key of at least %d bytes without surrounding white space", MinSigningKey)
		}
		return webhook.NewWebhook(s.Value, s.SigningKey, client), nil
	}
	return nil, fmt.Errorf("unknown target %q", d.Target)
}

var (
	// Discord's webhook path, with or without an API version (/api/v10/webhooks/…).
	discordPath = regexp.MustCompile(`/webhooks/[^/]+/[^/]+`)
	gchatPath   = regexp.MustCompile(`/spaces/[^/]+/messages$`)
)

// webhookURL reports whether s is an absolute https URL whose path matches path (when given).
// Plain http is taken only for a loopback host: the fake chat server and local tests.
func webhookURL(s string, path *regexp.Regexp) bool {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.User != nil || strings.ContainsAny(s, " \t\r\n") {
		return false
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !loopback(u.Hostname()) {
			return false
		}
	default:
		return false
	}
	return path == nil || path.MatchString(u.EscapedPath())
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func hasQuery(s string, keys ...string) bool {
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	q := u.Query()
	for _, k := range keys {
		if q.Get(k) == "" {
			return false
		}
	}
	return true
}

func botToken(s string) bool {
	return strings.HasPrefix(s, "xoxb-") && len(s) > len("xoxb-") && !strings.ContainsAny(s, " \t\r\n")
}

// RenderOnly returns secrets of the right shape for a target, for building targets that only
// render and never post (the CLI's render and routes commands). The hosts are under .invalid,
// which never resolves.
func RenderOnly(targetName string) Secrets {
	s := Secrets{Value: "https://render-only.invalid/", SigningKey: "render-only-signing-key"}
	switch targetName {
	case SlackBot:
		s.Value = "xoxb-render-only"
	case Discord:
		s.Value = "https://render-only.invalid/api/webhooks/0/render-only"
	case GoogleChat:
		s.Value = "https://render-only.invalid/v1/spaces/RENDER/messages?key=render-only&token=render-only"
	}
	return s
}
