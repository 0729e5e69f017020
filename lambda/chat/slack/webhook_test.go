package slack

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/chat/deliver"
	"github.com/foghornhq/foghorn/lambda/internal/chatfake"
	"github.com/foghornhq/foghorn/lambda/internal/fixtures"
)

// The webhook URL the code under test is given: obviously fake, of the real shape. The
// harness sends its requests to the fake server, so that errors built by net/http carry this
// URL and the tests can prove it is redacted.
const (
	fakeSecret     = "fake-secret-for-tests"
	fakeSecretPath = "/services/TFAKE/BFAKE/" + fakeSecret
	fakeWebhookURL = "https://hooks.slack.example" + fakeSecretPath
)

// target's URL is handed out by the harness's fake.
var target = fixtures.Target{URL: fakeWebhookURL, Key: fakeSecretPath, Body: fixtures.SampleBody(Render),
	New:     func(h *fixtures.Harness, url string) chat.Target { return NewWebhook(url, h.Client) },
	Prepare: func(h *fixtures.Harness) { h.Fake.SlackWebhookURL(fakeSecret) },
	Secrets: []string{fakeSecret, fakeWebhookURL, "BFAKE/"}}

func TestWebhookDeliveryClasses(t *testing.T) {
	s := time.Second
	ms := time.Millisecond
	fixtures.RunDeliveries(t, target, []fixtures.DeliveryCase{
		{Name: "429 retry-after HTTP-date, then ok",
			Setup: target.Script(chatfake.RateLimitedUntil(fixtures.Epoch.Add(5 * s))),
			Class: deliver.Delivered, Requests: 2, Waits: []time.Duration{5 * s}},
		{Name: "429 retry-after missing: backoff",
			Setup: target.Script(chatfake.RateLimited("")),
			Class: deliver.Delivered, Requests: 2, Waits: []time.Duration{100 * ms}},
		{Name: "429 retry-after 0: backoff, never a hot loop",
			Setup: target.Script(chatfake.RateLimited("0")),
			Class: deliver.Delivered, Requests: 2, Waits: []time.Duration{100 * ms}},
		{Name: "429 retry-after longer than the deadline: fail fast",
			Setup:    target.Script(chatfake.RateLimited("3600")),
			Deadline: 20 * s,
			Class:    deliver.RateLimited, Status: 429, Code: "ratelimited", Requests: 1},
		{Name: "429 retry-after that leaves no time for the attempt: fail fast",
			Setup:    target.Script(chatfake.RateLimited("10")),
			Deadline: 10 * s,
			Class:    deliver.RateLimited, Status: 429, Code: "ratelimited", Requests: 1},
		{Name: "rate limiter of the fake: burst spent, then wait as told",
			Opts: chatfake.Options{RateLimit: true},
			Setup: func(h *fixtures.Harness) {
				for range 3 {
					if err := target.Post(context.Background(), h, target.Body); err != nil {
						panic(err)
					}
				}
			},
			Class: deliver.Delivered, Requests: 2, Waits: []time.Duration{s}},
		{Name: "5xx with Slack's error code until attempts run out",
			Setup: target.Script(chatfake.Answer(500, "rollup_error").Forever()),
			Class: deliver.Retryable, Status: 500, Code: "rollup_error", Requests: 3,
			Waits: []time.Duration{100 * ms, 200 * ms}},
		// The first attempt outlasts its timeout; the second has as long to be answered,
		// which a busy machine needs.
		{Name: "slower than the attempt timeout, then ok",
			Setup:   target.Script(chatfake.Slow(time.Minute)),
			Timeout: 2 * s,
			Class:   deliver.Delivered, Requests: 2, Waits: []time.Duration{100 * ms}, Ambig: 1},
		{Name: "no answer at all",
			Setup:   target.Script(chatfake.Hang().Forever()),
			Timeout: 500 * ms,
			Class:   deliver.Retryable, Requests: 3, Waits: []time.Duration{100 * ms, 200 * ms}, Ambig: 2},
		{Name: "truncated answer, then ok",
			Setup: target.Script(chatfake.Truncated(200, "ok", 1)),
			Class: deliver.Delivered, Requests: 2, Waits: []time.Duration{100 * ms}, Ambig: 1},
		{Name: "archived channel: gone, no retry",
			Setup: target.SetState(chatfake.Archived),
			Class: deliver.Gone, Status: 410, Code: "channel_is_archived", Requests: 1},
		{Name: "revoked webhook: gone, no retry",
			Setup: target.Script(chatfake.Dies(chatfake.Revoked)),
			Class: deliver.Gone, Status: 403, Code: "invalid_token", Requests: 1},
		{Name: "deleted webhook: gone, no retry",
			Setup: target.SetState(chatfake.Deleted),
			Class: deliver.Gone, Status: 404, Code: "no_service", Requests: 1},
		{Name: "channel not found: gone",
			Setup: target.Script(chatfake.Answer(404, "channel_not_found")),
			Class: deliver.Gone, Status: 404, Code: "channel_not_found", Requests: 1},
		{Name: "invalid blocks: permanent, no retry",
			Body:  []byte(`{"text":"x","blocks":[{"type":"header","text":{"type":"mrkdwn","text":"x"}}]}`),
			Class: deliver.Permanent, Status: 400, Code: "invalid_blocks", Requests: 1},
		{Name: "no text: permanent",
			Body:  []byte(`{}`),
			Class: deliver.Permanent, Status: 400, Code: "no_text", Requests: 1},
		{Name: "action prohibited: permanent, not gone",
			Setup: target.Script(chatfake.Answer(403, "action_prohibited")),
			Class: deliver.Permanent, Status: 403, Code: "action_prohibited", Requests: 1},
		{Name: "200 but not ok: permanent, no retry",
			Setup: target.Script(chatfake.NotOK("<html>maintenance</html>")),
			Class: deliver.Permanent, Status: 200, Code: "unexpected_answer", Requests: 1},
	})
}

// Gone stays gone: every later post is answered the same, and again not retried.
func TestWebhookGoneIsSticky(t *testing.T) {
	fixtures.AssertGoneStaysGone(t, target, chatfake.Archived)
}

// The secret must not leak through any error path: transport failures (wrapped *url.Error),
// a malformed URL, answers, logs, or printing the webhook itself.
func TestWebhookNeverLeaksURL(t *testing.T) {
	fixtures.AssertNeverLeaks(t, target)
}

func TestCheck(t *testing.T) {
	fixtures.RunChecks(t, Check, []fixtures.CheckCase{
		{Status: 200, Body: "ok", Class: deliver.Delivered},
		{Status: 200, Body: "ok\n", Class: deliver.Permanent, Code: "unexpected_answer"},
		{Status: 200, Body: "invalid_payload", Class: deliver.Permanent, Code: "invalid_payload"},
		{Status: 204, Class: deliver.Permanent},
		{Status: 429, Body: `{"ok":false,"error":"ratelimited"}`, Header: http.Header{"Retry-After": {"7"}}, Class: deliver.RateLimited, Code: "ratelimited", After: 7 * time.Second},
		{Status: 500, Body: "<html><body>oops</body></html>", Class: deliver.Retryable},
		{Status: 503, Class: deliver.Retryable},
		{Status: 408, Class: deliver.Retryable},
		{Status: 400, Body: "invalid_payload", Class: deliver.Permanent, Code: "invalid_payload"},
		{Status: 400, Body: "no_text", Class: deliver.Permanent, Code: "no_text"},
		{Status: 400, Body: "team_disabled", Class: deliver.Gone, Code: "team_disabled"},
		{Status: 403, Body: "invalid_token", Class: deliver.Gone, Code: "invalid_token"},
		{Status: 403, Body: "action_prohibited", Class: deliver.Permanent, Code: "action_prohibited"},
		{Status: 403, Body: "no_team", Class: deliver.Gone, Code: "no_team"},
		{Status: 404, Body: "no_service", Class: deliver.Gone, Code: "no_service"},
		{Status: 404, Body: "no_service_id", Class: deliver.Gone, Code: "no_service_id"},
		{Status: 404, Body: "no_active_hooks", Class: deliver.Gone, Code: "no_active_hooks"},
		{Status: 404, Body: "<html>not found</html>", Class: deliver.Gone},
		{Status: 410, Body: "channel_is_archived", Class: deliver.Gone, Code: "channel_is_archived"},
		{Status: 301, Class: deliver.Permanent},
	})
}
