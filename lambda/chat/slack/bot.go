package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/chat/deliver"
)

// DefaultAPIURL is the base of Slack's Web API methods.
const DefaultAPIURL = "https://slack.com/api/"

// Bot posts through Slack's Web API with a bot token (xoxb-…): chat.postMessage to post and to
// reply in a thread, chat.update to edit a message in place. That is what a webhook cannot do,
// and what lets a crash loop keep one message up to date. The message is the same Block Kit
// rendering as the webhook's, with the channel added.
//
// The token is a secret: it travels only in the Authorization header, which no error or log
// line contains, and String, GoString and LogValue hide it.
type Bot struct {
	Token string
	// Channel is where new messages go: a channel id (C…) or name (#alerts). The bot must be a
	// member of it. Edits and replies go to the channel id Slack answered the post with.
	Channel string
	Client  *deliver.Client
	// APIURL is the Web API's base, DefaultAPIURL when empty.
	APIURL string
}

var _ chat.Threaded = (*Bot)(nil)

// NewBot returns the bot target posting to channel; a nil client means deliver's defaults.
func NewBot(token, channel string, c *deliver.Client) *Bot {
	return &Bot{Token: token, Channel: channel, Client: c}
}

// Render returns the chat.postMessage body for a: the webhook's message and the channel.
func (b *Bot) Render(a alert.Alert) ([]byte, error) { return RenderBot(a, b.Channel) }

// RenderBot returns the chat.postMessage body for a in channel: the webhook's message and the
// channel. It needs no token.
func RenderBot(a alert.Alert, channel string) ([]byte, error) {
	return render(&a, nil, channel, true)
}

func encode(v any) ([]byte, error) {
	return chat.Encode("slack: encoding the message", v)
}

// Post posts a rendered body as a new message.
func (b *Bot) Post(ctx context.Context, body []byte) error {
	_, err := b.PostRef(ctx, body)
	return err
}

// PostRef posts a rendered body as a new message in b.Channel and returns where it landed:
// the channel's id and the message's ts.
func (b *Bot) PostRef(ctx context.Context, body []byte) (chat.Ref, error) {
	resp, err := b.call(ctx, "chat.postMessage", body, map[string]string{"channel": b.Channel})
	if err != nil {
		return chat.Ref{}, err
	}
	var ok struct {
		Channel string `json:"channel"`
		TS      string `json:"ts"`
	}
	// CheckAPI has already read ok:true; a Slack that leaves out channel or ts is not one.
	_ = json.Unmarshal(resp.Body, &ok)
	return chat.Ref{Channel: ok.Channel, ID: ok.TS}, nil
}

// Update replaces the message at ref with a rendered body (chat.update). Slack keeps the
// message's place and thread; the blocks and attachments are replaced whole.
func (b *Bot) Update(ctx context.Context, ref chat.Ref, body []byte) error {
	_, err := b.call(ctx, "chat.update", body, map[string]string{"channel": ref.Channel, "ts": ref.ID, "thread_ts": ""})
	return err
}

// Reply posts a rendered body in the thread of the message at ref.
func (b *Bot) Reply(ctx context.Context, ref chat.Ref, body []byte) error {
	_, err := b.call(ctx, "chat.postMessage", body, map[string]string{"channel": ref.Channel, "thread_ts": ref.ID, "ts": ""})
	return err
}

// withArgs sets (or, given "", removes) top-level arguments of a rendered body. The body is
// kept as it is otherwise; only the order of its keys changes.
func withArgs(body []byte, args map[string]string) ([]byte, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, fmt.Errorf("slack: the body to send is not a JSON object: %w", err)
	}
	for k, v := range args {
		if v == "" {
			delete(m, k)
			continue
		}
		b, _ := json.Marshal(v)
		m[k] = b
	}
	return encode(m)
}

// call sets args on a rendered body (withArgs) and calls method with it.
func (b *Bot) call(ctx context.Context, method string, body []byte, args map[string]string) (deliver.Response, error) {
	req, err := withArgs(body, args)
	if err != nil {
		return deliver.Response{}, err
	}
	base := b.APIURL
	if base == "" {
		base = DefaultAPIURL
	}
	h := http.Header{
		"Content-Type":  {"application/json; charset=utf-8"},
		"Authorization": {"Bearer " + b.Token},
	}
	return b.Client.Do(ctx, deliver.Request{URL: base + method, Header: h, Body: req}, CheckAPI)
}

// String keeps the token out of anything that prints a Bot.
func (b Bot) String() string { return "slack bot (token redacted) for " + b.Channel }

// GoString keeps it out of %#v.
func (b Bot) GoString() string { return b.String() }

// LogValue keeps it out of structured logs.
func (b Bot) LogValue() slog.Value { return slog.StringValue(b.String()) }

// Web API error codes by what they mean for delivery (Slack's method references and its list
// of errors every method can return).
var (
	// apiGone: the channel, the bot's membership or the token is gone; an operator must act.
	apiGone = map[string]bool{
		"channel_not_found": true, "is_archived": true, "not_in_channel": true,
		"invalid_auth": true, "not_authed": true, "token_revoked": true, "token_expired": true,
		"account_inactive": true, "team_disabled": true,
	}
	// apiRetryable: Slack-side trouble. fatal_error is among them although Slack says part of
	// the operation may have happened: a retried chat.update is harmless, and a retried post may
	// duplicate, which foghorn prefers to losing an alert (as deliver does for a connection lost
	// after sending). The retry log line carries the code, so a duplicate can be explained.
	apiRetryable = map[string]bool{
		"internal_error": true, "service_unavailable": true, "request_timeout": true, "fatal_error": true,
	}
)

// CheckAPI classifies a Web API answer. The Web API answers HTTP 200 for almost everything and
// says in the body whether it worked ({"ok":true,…} or {"ok":false,"error":"…"}), so:
//
//   - 429: rate limited, with Retry-After ({"ok":false,"error":"ratelimited"}).
//   - 408 and 5xx: retryable.
//   - 200 with ok true: delivered.
//   - 200 with ok false: by error. ratelimited: rate limited. internal_error,
//     service_unavailable, request_timeout, fatal_error: retryable. channel_not_found,
//     is_archived, not_in_channel, invalid_auth, not_authed, token_revoked, token_expired,
//     account_inactive, team_disabled: gone. Anything else (invalid_blocks, msg_too_long,
//     no_text, missing_scope, message_not_found, cant_update_message…): permanent.
//   - 200 that is not such JSON, or any other status: permanent.
func CheckAPI(resp deliver.Response) deliver.Verdict {
	var v struct {
		OK    bool   `json:"ok"`
		Error string `json:"error"`
	}
	parsed := json.Unmarshal(resp.Body, &v) == nil
	code := bodyCode([]byte(v.Error))
	switch s := resp.Status; {
	case s == http.StatusTooManyRequests:
		if code == "" {
			code = "ratelimited"
		}
		return deliver.Verdict{Class: deliver.RateLimited, Code: code, RetryAfter: deliver.RetryAfter(resp)}
	case s == http.StatusRequestTimeout || s >= 500:
		return deliver.Verdict{Class: deliver.Retryable, Code: code}
	case s != http.StatusOK:
		if apiGone[code] {
			return deliver.Verdict{Class: deliver.Gone, Code: code}
		}
		return deliver.Verdict{Class: deliver.Permanent, Code: code}
	case !parsed:
		return deliver.Verdict{Class: deliver.Permanent, Code: "unexpected_answer"}
	case v.OK:
		return deliver.Verdict{Class: deliver.Delivered}
	case code == "ratelimited":
		return deliver.Verdict{Class: deliver.RateLimited, Code: code, RetryAfter: deliver.RetryAfter(resp)}
	case apiRetryable[code]:
		return deliver.Verdict{Class: deliver.Retryable, Code: code}
	case apiGone[code]:
		return deliver.Verdict{Class: deliver.Gone, Code: code}
	case code == "":
		return deliver.Verdict{Class: deliver.Permanent, Code: "unexpected_answer"}
	}
	return deliver.Verdict{Class: deliver.Permanent, Code: code}
}
