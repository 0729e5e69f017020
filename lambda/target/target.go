// Package target names what every chat target (Slack, Discord, Microsoft Teams, Google Chat)
// offers the notifier: turn an alert into that service's exact request body, and post a body.
// Rendering and posting are apart so a body can be shown (the CLI's render command), stored,
// or re-sent without rendering again.
package target

import (
	"context"

	"github.com/foghornhq/foghorn/lambda/alert"
)

// Target is one chat destination.
type Target interface {
	// Render returns the request body for a, within the service's limits.
	Render(a alert.Alert) ([]byte, error)
	// Post sends a rendered body. Its error is a *deliver.Error whose class tells whether the
	// message should come back later (deliver.ClassOf).
	Post(ctx context.Context, body []byte) error
}
