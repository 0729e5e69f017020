package notifier

import (
	"context"
	"fmt"
	"slices"

	"github.com/foghornhq/foghorn/lambda/chat/deliver"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/destination"
)

// SecretFunc returns the value of a secret parameter by name.
type SecretFunc func(ctx context.Context, name string) (string, error)

// FromDocument builds a notifier for a validated document, fetching each destination's
// secrets and building the target that posts for it. It fails on the first destination it
// cannot build, naming it: a function that cannot reach one of its destinations should refuse
// to start rather than drop that destination's alerts.
func FromDocument(ctx context.Context, doc *config.Document, secret SecretFunc, client *deliver.Client, opts ...Option) (*Notifier, error) {
	opts = slices.Clip(opts) // appended to below: never into the caller's array
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
		opts = append(opts, WithTarget(d.Name, t))
	}
	return New(doc, opts...)
}
