package slack

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/deliver"
	"github.com/foghornhq/foghorn/lambda/fakechat"
)

// The webhook URL the code under test is given. It is obviously fake, and a rewriting
// transport sends its requests to the fake server instead, so that errors built by net/http
// carry this URL and the tests can prove it is redacted.
const (
	fakeSecret     = "fake-secret-for-tests"
	fakeSecretPath = "/services/TFAKE/BFAKE/" + fakeSecret
	fakeWebhookURL = "https://hooks.slack.example" + fakeSecretPath
)

// rewrite sends every request to the fake, keeping path and query.
type rewrite struct {
	to   *url.URL
	base http.RoundTripper
}

func (rt rewrite) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host, r.Host = rt.to.Scheme, rt.to.Host, rt.to.Host
	return rt.base.RoundTrip(r)
}

// harness is a fake Slack, a client aimed at it through the fake URL, and what the client did.
type harness struct {
	fake  *fakechat.Server
	clock *fakechat.FakeClock
	hook  *Webhook
	logs  *bytes.Buffer

	mu     sync.Mutex
	sleeps []time.Duration
}

var epoch = time.Date(2026, 8, 30, 12, 0, 0, 0, time.UTC)

func newHarness(t *testing.T, opts fakechat.Options) *harness {
	t.Helper()
	h := &harness{clock: fakechat.NewFakeClock(epoch), logs: &bytes.Buffer{}}
	opts.Clock = h.clock
	h.fake = fakechat.New(opts)
	t.Cleanup(h.fake.Close)
	h.fake.SlackWebhookURL(fakeSecret)
	to, _ := url.Parse(h.fake.URL())
	transport := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(transport.CloseIdleConnections)
	c := &deliver.Client{
		HTTP: &http.Client{Transport: rewrite{to: to, base: transport},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		MaxAttempts:    3,
		BaseDelay:      100 * time.Millisecond,
		MaxDelay:       time.Second,
		AttemptTimeout: 10 * time.Second, // generous: the machine may be busy; slow cases lower it
		Jitter:         func(d time.Duration) time.Duration { return d },
		Now:            h.clock.Now,
		// Waits are recorded and pass on the fake clock, never in real time.
		Sleep: func(ctx context.Context, d time.Duration) error {
			h.mu.Lock()
			h.sleeps = append(h.sleeps, d)
			h.mu.Unlock()
			h.clock.Advance(d)
			return ctx.Err()
		},
		Log: slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	h.hook = NewWebhook(fakeWebhookURL, c)
	return h
}

func (h *harness) waits() []time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.sleeps)
}

func okBody() []byte {
	b, err := Render(sampleAlerts()["critical-oom"])
	if err != nil {
		panic(err)
	}
	return b
}

func TestWebhookDeliveryClasses(t *testing.T) {
	s := time.Second
	ms := time.Millisecond
	for _, tc := range []struct {
		name     string
		opts     fakechat.Options
		setup    func(h *harness)
		body     string        // default: a valid rendered alert
		deadline time.Duration // default: a minute
		timeout  time.Duration // per attempt; default the harness's
		class    deliver.Class
		status   int
		code     string
		requests int
		waits    []time.Duration
		ambig    int
	}{
		{name: "delivered", class: deliver.Delivered, requests: 1},
		{name: "429 retry-after seconds, then ok",
			setup: func(h *harness) { h.fake.Script(fakeSecretPath, fakechat.RateLimited("2")) },
			class: deliver.Delivered, requests: 2, waits: []time.Duration{2 * s}},
		{name: "429 retry-after HTTP-date, then ok",
			setup: func(h *harness) { h.fake.Script(fakeSecretPath, fakechat.RateLimitedUntil(epoch.Add(5*s))) },
			class: deliver.Delivered, requests: 2, waits: []time.Duration{5 * s}},
		{name: "429 retry-after missing: backoff",
			setup: func(h *harness) { h.fake.Script(fakeSecretPath, fakechat.RateLimited("")) },
			class: deliver.Delivered, requests: 2, waits: []time.Duration{100 * ms}},
		{name: "429 retry-after 0: backoff, never a hot loop",
			setup: func(h *harness) { h.fake.Script(fakeSecretPath, fakechat.RateLimited("0")) },
			class: deliver.Delivered, requests: 2, waits: []time.Duration{100 * ms}},
		{name: "429 retry-after longer than the deadline: fail fast",
			setup:    func(h *harness) { h.fake.Script(fakeSecretPath, fakechat.RateLimited("3600")) },
			deadline: 20 * s,
			class:    deliver.RateLimited, status: 429, code: "ratelimited", requests: 1},
		{name: "429 retry-after that leaves no time for the attempt: fail fast",
			setup:    func(h *harness) { h.fake.Script(fakeSecretPath, fakechat.RateLimited("10")) },
			deadline: 10 * s,
			class:    deliver.RateLimited, status: 429, code: "ratelimited", requests: 1},
		{name: "rate limiter of the fake: burst spent, then wait as told",
			opts: fakechat.Options{RateLimit: true},
			setup: func(h *harness) {
				for range 3 {
					if err := h.hook.Post(context.Background(), okBody()); err != nil {
						panic(err)
					}
				}
			},
			class: deliver.Delivered, requests: 2, waits: []time.Duration{s}},
		{name: "500 html, 502 empty, then ok",
			setup: func(h *harness) {
				h.fake.Script(fakeSecretPath, fakechat.HTMLError(500), fakechat.Empty(502))
			},
			class: deliver.Delivered, requests: 3, waits: []time.Duration{100 * ms, 200 * ms}},
		{name: "5xx until attempts run out",
			setup: func(h *harness) { h.fake.Script(fakeSecretPath, fakechat.Answer(500, "rollup_error").Forever()) },
			class: deliver.Retryable, status: 500, code: "rollup_error", requests: 3,
			waits: []time.Duration{100 * ms, 200 * ms}},
		{name: "slower than the attempt timeout, then ok",
			setup:   func(h *harness) { h.fake.Script(fakeSecretPath, fakechat.Slow(time.Minute)) },
			timeout: 500 * ms,
			class:   deliver.Delivered, requests: 2, waits: []time.Duration{100 * ms}, ambig: 1},
		{name: "no answer at all",
			setup:   func(h *harness) { h.fake.Script(fakeSecretPath, fakechat.Hang().Forever()) },
			timeout: 500 * ms,
			class:   deliver.Retryable, requests: 3, waits: []time.Duration{100 * ms, 200 * ms}, ambig: 2},
		{name: "tcp reset after the request, then ok",
			setup: func(h *harness) { h.fake.Script(fakeSecretPath, fakechat.ResetConn()) },
			class: deliver.Delivered, requests: 2, waits: []time.Duration{100 * ms}, ambig: 1},
		{name: "truncated answer, then ok",
			setup: func(h *harness) { h.fake.Script(fakeSecretPath, fakechat.Truncated(200, "ok", 1)) },
			class: deliver.Delivered, requests: 2, waits: []time.Duration{100 * ms}, ambig: 1},
		{name: "archived channel: gone, no retry",
			setup: func(h *harness) { h.fake.SetState(fakeSecretPath, fakechat.Archived) },
			class: deliver.Gone, status: 410, code: "channel_is_archived", requests: 1},
		{name: "revoked webhook: gone, no retry",
			setup: func(h *harness) { h.fake.Script(fakeSecretPath, fakechat.Dies(fakechat.Revoked)) },
			class: deliver.Gone, status: 403, code: "invalid_token", requests: 1},
		{name: "deleted webhook: gone, no retry",
			setup: func(h *harness) { h.fake.SetState(fakeSecretPath, fakechat.Deleted) },
			class: deliver.Gone, status: 404, code: "no_service", requests: 1},
		{name: "channel not found: gone",
			setup: func(h *harness) { h.fake.Script(fakeSecretPath, fakechat.Answer(404, "channel_not_found")) },
			class: deliver.Gone, status: 404, code: "channel_not_found", requests: 1},
		{name: "invalid blocks: permanent, no retry",
			body:  `{"text":"x","blocks":[{"type":"header","text":{"type":"mrkdwn","text":"x"}}]}`,
			class: deliver.Permanent, status: 400, code: "invalid_blocks", requests: 1},
		{name: "no text: permanent",
			body:  `{}`,
			class: deliver.Permanent, status: 400, code: "no_text", requests: 1},
		{name: "action prohibited: permanent, not gone",
			setup: func(h *harness) { h.fake.Script(fakeSecretPath, fakechat.Answer(403, "action_prohibited")) },
			class: deliver.Permanent, status: 403, code: "action_prohibited", requests: 1},
		{name: "200 but not ok: permanent, no retry",
			setup: func(h *harness) { h.fake.Script(fakeSecretPath, fakechat.NotOK("<html>maintenance</html>")) },
			class: deliver.Permanent, status: 200, code: "unexpected_answer", requests: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tc.opts)
			if tc.setup != nil {
				tc.setup(h)
			}
			if tc.timeout > 0 {
				h.hook.Client.AttemptTimeout = tc.timeout
			}
			before := len(h.fake.Requests())
			body := okBody()
			if tc.body != "" {
				body = []byte(tc.body)
			}
			deadline := tc.deadline
			if deadline == 0 {
				deadline = time.Minute
			}
			ctx, cancel := context.WithTimeout(context.Background(), deadline)
			defer cancel()
			err := h.hook.Post(ctx, body)

			if got := deliver.ClassOf(err); got != tc.class {
				t.Fatalf("class %v, want %v (err: %v)", got, tc.class, err)
			}
			if got := len(h.fake.Requests()) - before; got != tc.requests {
				t.Errorf("%d requests, want %d", got, tc.requests)
			}
			if got := h.waits(); !slices.Equal(got, tc.waits) {
				t.Errorf("waits %v, want %v", got, tc.waits)
			}
			var de *deliver.Error
			if err != nil {
				if !errors.As(err, &de) {
					t.Fatalf("error %T is not a *deliver.Error", err)
				}
				if de.Status != tc.status || de.Code != tc.code {
					t.Errorf("status %d code %q, want %d %q", de.Status, de.Code, tc.status, tc.code)
				}
				if de.Attempts != tc.requests {
					t.Errorf("error says %d attempts, want %d", de.Attempts, tc.requests)
				}
				if de.Ambiguous != tc.ambig {
					t.Errorf("error says %d ambiguous, want %d", de.Ambiguous, tc.ambig)
				}
			} else if tc.ambig > 0 && !strings.Contains(h.logs.String(), "may have been delivered") {
				t.Errorf("an ambiguous retry was not logged:\n%s", h.logs)
			}
			assertNoSecret(t, "error", errString(err))
			assertNoSecret(t, "log", h.logs.String())
		})
	}
}

// Gone stays gone: the second post is answered the same, and again not retried.
func TestWebhookGoneIsSticky(t *testing.T) {
	h := newHarness(t, fakechat.Options{})
	h.fake.Script(fakeSecretPath, fakechat.Dies(fakechat.Archived))
	for i := range 2 {
		err := h.hook.Post(context.Background(), okBody())
		if deliver.ClassOf(err) != deliver.Gone {
			t.Fatalf("post %d: %v, want gone", i, err)
		}
	}
	if n := len(h.fake.Requests()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

// The secret must not leak through any error path: transport failures (wrapped *url.Error),
// a malformed URL, answers, logs, or printing the webhook itself.
func TestWebhookNeverLeaksURL(t *testing.T) {
	h := newHarness(t, fakechat.Options{})
	h.fake.Close() // every request now fails to connect

	err := h.hook.Post(context.Background(), okBody())
	if deliver.ClassOf(err) != deliver.Retryable {
		t.Fatalf("closed server: %v, want retryable", err)
	}
	assertNoSecret(t, "connection error", errString(err))

	bad := NewWebhook("https://hooks.slack.example"+fakeSecretPath+"/\x7f", &deliver.Client{MaxAttempts: 1})
	err = bad.Post(context.Background(), []byte(`{"text":"x"}`))
	if deliver.ClassOf(err) != deliver.Permanent {
		t.Fatalf("malformed URL: %v, want permanent", err)
	}
	assertNoSecret(t, "malformed URL error", errString(err))
	assertNoSecret(t, "log", h.logs.String())

	var printed bytes.Buffer
	slog.New(slog.NewTextHandler(&printed, nil)).Info("target", "hook", h.hook, "value", *h.hook)
	printed.WriteString(h.hook.String())
	assertNoSecret(t, "printed webhook", printed.String())
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func assertNoSecret(t *testing.T, what, s string) {
	t.Helper()
	for _, secret := range []string{fakeSecret, fakeWebhookURL, "BFAKE/"} {
		if strings.Contains(s, secret) {
			t.Errorf("%s contains %q:\n%s", what, secret, s)
		}
	}
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		status int
		body   string
		header http.Header
		class  deliver.Class
		code   string
		after  time.Duration
	}{
		{200, "ok", nil, deliver.Delivered, "", 0},
		{200, "ok\n", nil, deliver.Permanent, "unexpected_answer", 0},
		{200, "invalid_payload", nil, deliver.Permanent, "invalid_payload", 0},
		{204, "", nil, deliver.Permanent, "", 0},
		{429, `{"ok":false,"error":"ratelimited"}`, http.Header{"Retry-After": {"7"}}, deliver.RateLimited, "ratelimited", 7 * time.Second},
		{500, "<html><body>oops</body></html>", nil, deliver.Retryable, "", 0},
		{503, "", nil, deliver.Retryable, "", 0},
		{408, "", nil, deliver.Retryable, "", 0},
		{400, "invalid_payload", nil, deliver.Permanent, "invalid_payload", 0},
		{400, "no_text", nil, deliver.Permanent, "no_text", 0},
		{400, "team_disabled", nil, deliver.Gone, "team_disabled", 0},
		{403, "invalid_token", nil, deliver.Gone, "invalid_token", 0},
		{403, "action_prohibited", nil, deliver.Permanent, "action_prohibited", 0},
		{403, "no_team", nil, deliver.Gone, "no_team", 0},
		{404, "no_service", nil, deliver.Gone, "no_service", 0},
		{404, "no_service_id", nil, deliver.Gone, "no_service_id", 0},
		{404, "no_active_hooks", nil, deliver.Gone, "no_active_hooks", 0},
		{404, "<html>not found</html>", nil, deliver.Gone, "", 0},
		{410, "channel_is_archived", nil, deliver.Gone, "channel_is_archived", 0},
		{301, "", nil, deliver.Permanent, "", 0},
	} {
		v := Check(deliver.Response{Status: tc.status, Body: []byte(tc.body), Header: tc.header, Received: epoch})
		if v.Class != tc.class || v.Code != tc.code || v.RetryAfter != tc.after {
			t.Errorf("%d %q: %+v, want %v %q %v", tc.status, tc.body, v, tc.class, tc.code, tc.after)
		}
	}
}
