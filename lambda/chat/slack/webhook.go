package slack

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/chat/deliver"
)

// Webhook is a Slack incoming webhook. Its URL is a secret: printing and logging a Webhook hide
// it, and delivery errors never contain it (see deliver.Hook).
type Webhook struct{ deliver.Hook }

var _ chat.Target = (*Webhook)(nil)

// NewWebhook returns the webhook target for url; a nil client means deliver's defaults.
func NewWebhook(url string, c *deliver.Client) *Webhook {
	return &Webhook{deliver.Hook{Kind: "slack webhook", URL: url, Client: c}}
}

// Render is the package's Render, so that a Webhook is a chat.Target.
func (w *Webhook) Render(a alert.Alert) ([]byte, error) { return Render(a) }

// Post sends a rendered body. The error, if any, is a *deliver.Error.
func (w *Webhook) Post(ctx context.Context, body []byte) error {
	return w.Send(ctx, w.URL, "application/json; charset=utf-8", body, Check)
}

// goneCodes are the answers that mean the webhook or its channel no longer exists
// (Slack's 2016 error changelog plus what is seen in the wild): retrying cannot bring it back,
// and an operator must replace the webhook.
var goneCodes = map[string]bool{
	"channel_not_found":   true,
	"channel_is_archived": true,
	"no_service":          true,
	"no_service_id":       true,
	"no_active_hooks":     true,
	"no_team":             true,
	"team_disabled":       true,
	"invalid_token":       true,
}

// Check classifies an incoming webhook's answer: by status first, then by the body, which on
// this API is a bare error string (and JSON on a 429).
//
//   - 200 with body exactly "ok": delivered. 200 with anything else is permanent: the request
//     reached Slack and was not taken as a post, and retrying could post twice.
//   - 429: rate limited, with Retry-After.
//   - 408 and 5xx: retryable (a 5xx body may be HTML; it is not read as a code).
//   - 404 and 410, or any 4xx whose code says the webhook, channel or team is gone: gone.
//   - any other status: permanent (invalid_payload, invalid_blocks, no_text, action_prohibited…).
func Check(resp deliver.Response) deliver.Verdict {
	code := bodyCode(resp.Body)
	switch s := resp.Status; {
	case s == http.StatusOK:
		if string(resp.Body) == "ok" {
			return deliver.Verdict{Class: deliver.Delivered}
		}
		if code == "" || code == "ok" {
			code = "unexpected_answer"
		}
		return deliver.Verdict{Class: deliver.Permanent, Code: code}
	case s == http.StatusTooManyRequests:
		return deliver.Verdict{Class: deliver.RateLimited, Code: code, RetryAfter: deliver.RetryAfter(resp)}
	case s == http.StatusRequestTimeout || s >= 500:
		return deliver.Verdict{Class: deliver.Retryable, Code: code}
	case s == http.StatusNotFound || s == http.StatusGone || (s >= 400 && goneCodes[code]):
		return deliver.Verdict{Class: deliver.Gone, Code: code}
	}
	return deliver.Verdict{Class: deliver.Permanent, Code: code}
}

// bodyCode returns Slack's error code from an answer: the bare string, or the "error" member of
// a JSON body. Anything that does not look like a code (HTML, prose, something long) gives "",
// so that whatever a broken proxy says never reaches an error message or a log line.
func bodyCode(body []byte) string {
	s := strings.TrimSpace(string(body))
	if strings.HasPrefix(s, "{") {
		var v struct {
			Error string `json:"error"`
		}
		if json.Unmarshal([]byte(s), &v) != nil {
			return ""
		}
		s = v.Error
	}
	if s == "" || len(s) > 64 {
		return ""
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return ""
		}
	}
	return s
}
