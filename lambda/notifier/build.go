package notifier

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"

	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/deliver"
	"github.com/foghornhq/foghorn/lambda/slack"
	"github.com/foghornhq/foghorn/lambda/target"
)

// SecretFunc returns the value of a secret parameter by name.
type SecretFunc func(ctx context.Context, name string) (string, error)

// FromDocument builds a notifier for a validated document, fetching each destination's
// secret and building its target. It fails on the first destination it cannot build, naming
// it: a function that cannot reach one of its destinations should refuse to start rather
// than drop that destination's alerts.
func FromDocument(ctx context.Context, doc *config.Document, secret SecretFunc, client *deliver.Client, log *slog.Logger) (*Notifier, error) {
	var dests []Destination
	for _, d := range doc.Destinations {
		s, err := secret(ctx, d.SecretParam)
		if err != nil {
			return nil, fmt.Errorf("destination %q: %w", d.Name, err)
		}
		t, err := NewTarget(d, s, client)
		if err != nil {
			return nil, fmt.Errorf("destination %q: %w", d.Name, err)
		}
		dests = append(dests, Destination{Name: d.Name, Target: d.Target, T: t})
	}
	return New(Options{Doc: doc, Destinations: dests, Logger: log})
}

// NewTarget builds the target for a destination from its secret. Errors describe the secret's
// shape, never its value.
func NewTarget(d config.Destination, secret string, client *deliver.Client) (target.Target, error) {
	switch d.Target {
	case "slack":
		if err := checkWebhookURL(secret); err != nil {
			return nil, fmt.Errorf("parameter %q: %w", d.SecretParam, err)
		}
		return slack.NewWebhook(secret, client), nil
	}
	return nil, fmt.Errorf("unknown target %q", d.Target)
}

// checkWebhookURL rejects values that cannot be a webhook URL, without echoing them.
func checkWebhookURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("does not hold a webhook URL (want https://…)")
	}
	return nil
}
