// Package chat is what every chat target (Slack, Discord, Microsoft Teams, Google Chat, the
// generic webhook) offers the notifier, and what they share: the look of an alert (look.go)
// and the layout functions that keep a message within a service's limits (layout.go). Each
// service has a package of its own below this one, and they all post through deliver.
package chat

import (
	"context"

	"github.com/foghornhq/foghorn/lambda/alert"
)

// Renderer turns an alert into a chat service's exact request body, within the service's
// limits. It needs no secret, so a body can be shown (the CLI's render command) without one.
type Renderer interface {
	Render(a alert.Alert) ([]byte, error)
}

// RenderFunc is a function that is a Renderer.
type RenderFunc func(a alert.Alert) ([]byte, error)

// Render calls f.
func (f RenderFunc) Render(a alert.Alert) ([]byte, error) { return f(a) }

// Target is one chat destination: it renders, and posts a rendered body. Rendering and
// posting are apart so a body can be shown, stored, or re-sent without rendering again.
type Target interface {
	Renderer
	// Post sends a rendered body. Its error is a *deliver.Error whose class tells whether the
	// message should come back later (deliver.ClassOf).
	Post(ctx context.Context, body []byte) error
}

// Ref points at a message a target posted, so it can be edited or replied to later. It is
// stored (the crash-loop state keeps it), so it holds only ids, never a secret.
type Ref struct {
	Channel string `json:"channel"`
	ID      string `json:"id"` // Slack's ts
}

// Threaded is implemented by targets that can edit a message after posting it and reply in
// its thread (Slack with a bot token). A crash loop uses it to keep one message up to date
// and put each further failure in its thread; other targets get digests instead.
type Threaded interface {
	Target
	// PostRef posts a rendered body and returns where the message is.
	PostRef(ctx context.Context, body []byte) (Ref, error)
	// Update replaces the message at ref with a newly rendered body.
	Update(ctx context.Context, ref Ref, body []byte) error
	// Reply posts a rendered body in the thread of the message at ref.
	Reply(ctx context.Context, ref Ref, body []byte) error
}
