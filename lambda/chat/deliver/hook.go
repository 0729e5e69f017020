package deliver

import (
	"context"
	"log/slog"
	"net/http"
)

// Hook is what every webhook target holds: a URL that is a secret (it carries the token, key
// or signature that lets anyone post) and the client that posts to it. Targets embed it and
// keep only what differs: their Content-Type, their checker, and the URL they post to when it
// is not the hook's own. String and LogValue name the kind of hook and never show the URL, and
// Send's errors never hold it.
type Hook struct {
	Kind   string // what String shows, e.g. "slack webhook"
	URL    string
	Client *Client // nil means the defaults
}

// Send posts a JSON body to url (the hook's URL, or one made from it) as contentType, and
// classifies the answer with check. The error, if any, is an *Error.
func (h Hook) Send(ctx context.Context, url, contentType string, body []byte, check Checker) error {
	req := Request{URL: url, Header: http.Header{"Content-Type": {contentType}}, Body: body}
	_, err := h.Client.Do(ctx, req, check)
	return err
}

// String keeps the URL out of anything that prints a hook.
func (h Hook) String() string { return h.Kind + " (url redacted)" }

// LogValue keeps the URL out of structured logs.
func (h Hook) LogValue() slog.Value { return slog.StringValue(h.String()) }
