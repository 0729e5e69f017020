package notifier

import (
	"context"
	"fmt"

	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/chat/deliver"
	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/destination"
)

// SecretFunc returns the value of a secret parameter by name.
type SecretFunc func(ctx context.Context, name string) (string, error)

// FromDocument builds a notifier for a validated document, fetching each destination's
// secret and building its target. It fails on the first destination it cannot build, naming
// it: a function that cannot reach one of its destinations should refuse to start rather
// than drop that destination's alerts.
func FromDocument(ctx context.Context, doc *config.Document, secret SecretFunc, client *deliver.Client, opts ...Option) (*Notifier, error) {
	var dests []Destination
	for _, d := range doc.Destinations {
		s, err := secret(ctx, d.SecretParam)
		if err != nil {
			return nil, fmt.Errorf("destination %q: %w", d.Name, err)
		}
		secrets := config.Secrets{Value: s}
		if d.SigningSecretParam != "" {
			if secrets.SigningKey, err = secret(ctx, d.SigningSecretParam); err != nil {
				return nil, fmt.Errorf("destination %q: %w", d.Name, err)
			}
		}
		t, err := destination.New(d, secrets, client)
		if err != nil {
			return nil, fmt.Errorf("destination %q: %w", d.Name, err)
		}
		dests = append(dests, Destination{Name: d.Name, Target: d.Target, T: t})
	}
	return New(doc, dests, opts...)
}

// NewTarget builds the target for a destination from its secret (the registry is package
// targets). Errors describe the secret's shape, never its value. A webhook destination also
// needs its signing key, which FromDocument fetches.
func NewTarget(d config.Destination, secret string, client *deliver.Client) (chat.Target, error) {
	return destination.New(d, config.Secrets{Value: secret}, client)
}
