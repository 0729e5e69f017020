package gchat

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/chat/deliver"
)

// ReplyOption is the messageReplyOption Post sends with a thread key: reply in the key's thread,
// or start it.
const ReplyOption = "REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD"

// Webhook is a Google Chat incoming webhook. Its URL carries the webhook's key and token and is
// a secret: printing and logging a Webhook hide it, and delivery errors never contain it (see
// deliver.Hook).
type Webhook struct{ deliver.Hook }

var _ chat.Target = (*Webhook)(nil)

// NewWebhook returns the webhook target for url; a nil client means deliver's defaults.
func NewWebhook(url string, c *deliver.Client) *Webhook {
	return &Webhook{deliver.Hook{Kind: "google chat webhook", URL: url, Client: c}}
}

// Render is the package's Render, so that a Webhook is a chat.Target.
func (w *Webhook) Render(a alert.Alert) ([]byte, error) { return Render(a) }

// Post sends a rendered body, in the thread its thread.threadKey names.
func (w *Webhook) Post(ctx context.Context, body []byte) error {
	return w.Send(ctx, ThreadURL(w.URL, bodyThreadKey(body)), "application/json; charset=UTF-8", body, Check)
}

// ThreadURL returns u with the query that puts a message in key's thread: messageReplyOption,
// and the key itself in the older threadKey parameter as well as in the body. An empty key,
// or a URL that does not parse (the client then refuses it without echoing it), gives u.
func ThreadURL(u, key string) string {
	if key == "" {
		return u
	}
	p, err := url.Parse(u)
	if err != nil {
		return u
	}
	q := p.Query()
	q.Set("messageReplyOption", ReplyOption)
	q.Set("threadKey", key)
	p.RawQuery = q.Encode()
	return p.String()
}

func bodyThreadKey(body []byte) string {
	var m struct {
		Thread struct {
			ThreadKey string `json:"threadKey"`
		} `json:"thread"`
	}
	_ = json.Unmarshal(body, &m)
	return m.Thread.ThreadKey
}

// Check classifies an answer, which on error is Google's envelope
// {"error":{"code":n,"message":"…","status":"…"}}:
//
//   - 2xx: delivered (200 with the created message).
//   - 429 RESOURCE_EXHAUSTED: rate limited. The space's quota (60 writes a minute, shared with
//     every app) is exhausted; Google sends no Retry-After and asks for backoff.
//   - 401, 403, 404: gone (token revoked, webhook removed or its space deleted).
//   - 408 and 5xx: retryable.
//   - any other status: permanent (400 INVALID_ARGUMENT: a body Google will never take).
//
// The verdict's code is the envelope's status, when it has one.
func Check(resp deliver.Response) deliver.Verdict {
	return deliver.CheckStatus(resp, errorStatus(resp.Body), http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound)
}

// errorStatus reads the envelope's status if it looks like one (RESOURCE_EXHAUSTED).
func errorStatus(body []byte) string {
	var v struct {
		Error struct {
			Status string `json:"status"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &v) != nil || len(v.Error.Status) > 64 {
		return ""
	}
	for _, r := range v.Error.Status {
		if !(r >= 'A' && r <= 'Z' || r == '_') {
			return ""
		}
	}
	return v.Error.Status
}
