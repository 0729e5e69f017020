package discord

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/chat/deliver"
)

// Webhook is a Discord webhook. Its URL holds the webhook's token and is a secret: printing and
// logging a Webhook hide it, and delivery errors never contain it (see deliver.Hook).
type Webhook struct{ deliver.Hook }

var _ chat.Target = (*Webhook)(nil)

// NewWebhook returns the webhook target for url; a nil client means deliver's defaults.
func NewWebhook(url string, c *deliver.Client) *Webhook {
	return &Webhook{deliver.Hook{Kind: "discord webhook", URL: url, Client: c}}
}

// Render is the package's Render, so that a Webhook is a chat.Target.
func (w *Webhook) Render(a alert.Alert) ([]byte, error) { return Render(a) }

// Post sends a rendered body with wait=true: without it Discord answers 204 before saving the
// message, and a message that is then not saved reports no error.
func (w *Webhook) Post(ctx context.Context, body []byte) error {
	return w.Send(ctx, WaitURL(w.URL), "application/json", body, Check)
}

// WaitURL returns u with wait=true in its query. A URL that does not parse is returned as it
// is, for the client to refuse without echoing it.
func WaitURL(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return u
	}
	q := p.Query()
	q.Set("wait", "true")
	p.RawQuery = q.Encode()
	return p.String()
}

// Discord's JSON error codes that mean the webhook is gone for good (opcodes and status codes
// in Discord's API reference).
const (
	codeUnknownWebhook      = 10015 // 404: the webhook was deleted
	codeInvalidWebhookToken = 50027 // 401: the token in the URL no longer matches
)

// errorBody is Discord's error answer, and its 429 answer.
type errorBody struct {
	Code       int      `json:"code"`
	Message    string   `json:"message"`
	RetryAfter *float64 `json:"retry_after"`
	Global     bool     `json:"global"`
}

// Check classifies a webhook answer:
//
//   - 2xx: delivered (200 with the message under wait=true, 204 without).
//   - 429: rate limited; the JSON body's retry_after (seconds, a float) is preferred to the
//     Retry-After header, which is rounded to whole seconds.
//   - 404 with code 10015 (unknown webhook) and 401 with code 50027 (invalid webhook token):
//     gone. Discord bans IPs that send many 401/403/429s, so these are never retried.
//   - 408 and 5xx: retryable (502 is Discord's "gateway unavailable").
//   - any other status: permanent (400 with 50035 invalid form body, 50006 empty message,
//     50109 invalid JSON; 413 too large; 403 missing permissions).
//
// The verdict's code is Discord's numeric code, when it gave one.
func Check(resp deliver.Response) deliver.Verdict {
	var e errorBody
	_ = json.Unmarshal(resp.Body, &e)
	code := ""
	if e.Code != 0 {
		code = strconv.Itoa(e.Code)
	}
	switch s := resp.Status; {
	case s >= 200 && s < 300:
		return deliver.Verdict{Class: deliver.Delivered}
	case s == http.StatusTooManyRequests:
		wait := deliver.RetryAfter(resp)
		if d, ok := seconds(e.RetryAfter); ok {
			wait = d
		}
		if code == "" && e.Global {
			code = "global"
		}
		return deliver.Verdict{Class: deliver.RateLimited, Code: code, RetryAfter: wait}
	case s == http.StatusNotFound && e.Code == codeUnknownWebhook,
		s == http.StatusUnauthorized && e.Code == codeInvalidWebhookToken:
		return deliver.Verdict{Class: deliver.Gone, Code: code}
	case s == http.StatusRequestTimeout || s >= 500:
		return deliver.Verdict{Class: deliver.Retryable, Code: code}
	}
	return deliver.Verdict{Class: deliver.Permanent, Code: code}
}

// seconds turns Discord's float retry_after into a duration, capped at a day like
// deliver.ParseRetryAfter; absent, negative or not a number gives false.
func seconds(f *float64) (time.Duration, bool) {
	if f == nil || math.IsNaN(*f) || *f < 0 {
		return 0, false
	}
	const maxSecs = 24 * 60 * 60
	// Whole milliseconds: Discord gives three decimals, and float seconds are not exact.
	return time.Duration(math.Round(math.Min(*f, maxSecs)*1000)) * time.Millisecond, true
}
