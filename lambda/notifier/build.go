package notifier

import (
	"context"
	"slices"

	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/chat/deliver"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/destination"
)

// SecretFunc returns the current value of a secret parameter by name.
type SecretFunc func(ctx context.Context, name string) (string, error)

// FromDocument builds a notifier for a validated document, fetching each destination's
// secrets and building the target that posts for it. A destination it cannot build (a secret
// missing, unreadable or of the wrong shape) is broken, not fatal: the others post, its own
// messages go back to the queue, and the notifier tells every working destination and the
// ops topic what is wrong (problems.go). secret is asked again for a broken destination's
// secrets, at most once a minute, so it must return the parameter's current value, not one
// cached for the container's life.
func FromDocument(ctx context.Context, doc *config.Document, secret SecretFunc, client *deliver.Client, opts ...Option) (*Notifier, error) {
	opts = slices.Clip(opts) // appended to below: never into the caller's array
	for _, d := range doc.Destinations {
		build := func(ctx context.Context) (chat.Target, error) { return buildTarget(ctx, d, secret, client) }
		t, err := build(ctx)
		if err != nil {
			opts = append(opts, WithBroken(d.Name, err, build))
			continue
		}
		opts = append(opts, WithTarget(d.Name, t))
	}
	return New(doc, opts...)
}

// buildTarget reads a destination's secrets and builds its target. Errors name the parameter
// and the shape wanted, never a value.
func buildTarget(ctx context.Context, d config.Destination, secret SecretFunc, client *deliver.Client) (chat.Target, error) {
	s, err := secret(ctx, d.SecretParam)
	if err != nil {
		return nil, err
	}
	secrets := config.Secrets{Value: s}
	if d.SigningSecretParam != "" {
		if secrets.SigningKey, err = secret(ctx, d.SigningSecretParam); err != nil {
			return nil, err
		}
	}
	return destination.New(d, secrets, client)
}
