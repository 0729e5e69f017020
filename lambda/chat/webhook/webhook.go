package webhook

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/chat/deliver"
	"github.com/foghornhq/foghorn/lambda/chat/webhook/signature"
	"github.com/foghornhq/foghorn/lambda/clock"
)

// The signature headers every request carries, and the tolerance Verify applies by default.
const (
	HeaderTimestamp  = signature.HeaderTimestamp
	HeaderSignature  = signature.HeaderSignature
	DefaultTolerance = signature.DefaultTolerance
)

// Verification failures Verify returns; receivers answer 401 to each.
var (
	ErrNoSecret  = signature.ErrNoSecret
	ErrMissing   = signature.ErrMissing
	ErrTimestamp = signature.ErrTimestamp
	ErrExpired   = signature.ErrExpired
	ErrMismatch  = signature.ErrMismatch
)

// Verify checks a received request, for receivers: header holds its X-Foghorn-Timestamp and
// X-Foghorn-Signature, body is the raw bytes received (before any parsing), now is the
// receiver's clock, and tolerance bounds the timestamp's distance from now (DefaultTolerance
// when <= 0). nil means the request came from a sender holding secret and is recent.
func Verify(secret string, header http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	return signature.Verify(secret, header, body, now, tolerance)
}

// Webhook posts signed foghorn.alert/v1 documents. Its URL and signing key are secrets:
// String, GoString and LogValue hide them, and delivery errors never contain them.
type Webhook struct {
	URL string
	// Key signs every request; receivers verify with the same key.
	Key    string
	Client *deliver.Client
	// Clock is the signing clock; nil means the system clock.
	Clock clock.Clock
}

var _ chat.Target = (*Webhook)(nil)

// NewWebhook returns the webhook target for url, signing with key; a nil client means
// deliver's defaults.
func NewWebhook(url, key string, c *deliver.Client) *Webhook {
	return &Webhook{URL: url, Key: key, Client: c}
}

// Render is the package's Render, so that a Webhook is a chat.Target.
func (w *Webhook) Render(a alert.Alert) ([]byte, error) { return Render(a) }

// Post signs and sends a rendered body. The timestamp is taken once, so retries within the
// invocation carry the same signature; receivers' tolerance covers them.
func (w *Webhook) Post(ctx context.Context, body []byte) error {
	h := signature.Sign(w.Key, body, clock.Or(w.Clock).Now())
	h.Set("Content-Type", "application/json")
	_, err := w.Client.Do(ctx, deliver.Request{URL: w.URL, Header: h, Body: body}, Check)
	return err
}

// String keeps the URL and key out of anything that prints a Webhook.
func (w Webhook) String() string { return "webhook (url and signing key redacted)" }

// GoString keeps them out of %#v.
func (w Webhook) GoString() string { return w.String() }

// LogValue keeps them out of structured logs.
func (w Webhook) LogValue() slog.Value { return slog.StringValue(w.String()) }

// Check classifies a receiver's answer:
//
//   - 2xx: delivered.
//   - 429: rate limited, with Retry-After.
//   - 408 and 5xx: retryable; with a Retry-After header (a 503 during maintenance) the wait is
//     honoured, which the client does for rate-limited answers, so they are classed so.
//   - 410: gone: the receiver says this endpoint will never take alerts again.
//   - any other status: permanent (400 bad document, 401 bad signature, 404, 413…).
//
// Codes are not read from the body: a receiver's answer is free-form.
func Check(resp deliver.Response) deliver.Verdict {
	switch s := resp.Status; {
	case s >= 200 && s < 300:
		return deliver.Verdict{Class: deliver.Delivered}
	case s == http.StatusTooManyRequests:
		return deliver.Verdict{Class: deliver.RateLimited, RetryAfter: deliver.RetryAfter(resp)}
	case s == http.StatusRequestTimeout || s >= 500:
		if d := deliver.RetryAfter(resp); d > 0 {
			return deliver.Verdict{Class: deliver.RateLimited, RetryAfter: d}
		}
		return deliver.Verdict{Class: deliver.Retryable}
	case s == http.StatusGone:
		return deliver.Verdict{Class: deliver.Gone}
	}
	return deliver.Verdict{Class: deliver.Permanent}
}
