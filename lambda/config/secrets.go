package config

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
	"sync"
)

// MinSigningKey is the shortest signing key a webhook destination takes, in bytes.
const MinSigningKey = 16

// Secrets are the values of a destination's secret parameters. The document holds only the
// parameters' names; the values are read where they are used.
type Secrets struct {
	// Value is the secretParam's value: the webhook URL, or for slack-bot the bot token.
	Value string
	// SigningKey is the signingSecretParam's value (webhook only).
	SigningKey string
}

// The keys CheckSecrets names: the destination's secret and its signing key. Each reader
// renames them to its own (an SSM parameter, a stack config key, a component argument).
const (
	KeySecret        = "secret"
	KeySigningSecret = "signingSecret"
)

// CheckSecrets reports whether the secrets have the shape a destination of target needs: a
// webhook URL of that service (https, or http to a loopback host for local tests), a Slack
// bot token, a signing key of at least MinSigningKey bytes. It is the one rule for both the
// notifier, which refuses to start on a secret of the wrong shape, and the Pulumi program,
// which refuses it at preview. Each problem is an *Error keyed KeySecret or KeySigningSecret,
// saying what the secret should look like and never holding its value. A target it does not
// know is not its concern (Validate reports it).
func CheckSecrets(target string, s Secrets) error {
	var problems []*Error
	want := func(ok bool, key, msg string) {
		if !ok {
			problems = append(problems, &Error{Key: key, Message: msg})
		}
	}
	switch target {
	case Slack:
		want(webhookURL(s.Value, nil), KeySecret, "does not hold a Slack webhook URL (want https://hooks.slack.com/services/…)")
	case SlackBot:
		want(strings.HasPrefix(s.Value, "xoxb-") && len(s.Value) > len("xoxb-") && !strings.ContainsAny(s.Value, " \t\r\n"),
			KeySecret, "does not hold a Slack bot token (want xoxb-…, with no white space)")
	case Discord:
		want(webhookURL(s.Value, discordPath()), KeySecret, "does not hold a Discord webhook URL (want https://discord.com/api/webhooks/<id>/<token>)")
	case Teams:
		want(webhookURL(s.Value, nil), KeySecret, "does not hold a Teams Workflows webhook URL (want https://…/workflows/…/triggers/manual/paths/invoke?…&sig=…)")
	case GoogleChat:
		want(webhookURL(s.Value, gchatPath()) && hasQuery(s.Value, "key", "token"),
			KeySecret, "does not hold a Google Chat webhook URL (want https://chat.googleapis.com/v1/spaces/<space>/messages?key=…&token=…)")
	case Webhook:
		want(webhookURL(s.Value, nil), KeySecret, "does not hold a webhook URL (want https://…)")
		want(len(s.SigningKey) >= MinSigningKey && strings.TrimSpace(s.SigningKey) == s.SigningKey,
			KeySigningSecret, fmt.Sprintf("does not hold a signing key of at least %d bytes without surrounding white space", MinSigningKey))
	}
	return join(problems)
}

var (
	// Discord's webhook path, with or without an API version (/api/v10/webhooks/…).
	discordPath = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`/webhooks/[^/]+/[^/]+`) })
	gchatPath   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`/spaces/[^/]+/messages$`) })
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
