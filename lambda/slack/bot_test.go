package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/deliver"
	"github.com/foghornhq/foghorn/lambda/fakechat"
	"github.com/foghornhq/foghorn/lambda/fixtures"
	"github.com/foghornhq/foghorn/lambda/target"
)

const (
	fakeBotToken = "xoxb-fake-token-for-tests"
	fakeChannel  = "C0FAKEALERTS"
	fakeAPIURL   = "https://slack.example/api/" // rewritten to the fake by the harness
)

var botSecrets = []string{fakeBotToken, "fake-token-for-tests"}

func newBot(h *fixtures.Harness) *Bot {
	b := NewBot(fakeBotToken, fakeChannel, h.Client)
	b.APIURL = fakeAPIURL
	return b
}

func botBody() []byte {
	b, err := NewBot(fakeBotToken, fakeChannel, nil).Render(fixtures.Samples()["critical-oom"])
	if err != nil {
		panic(err)
	}
	return b
}

func TestBotDeliveryClasses(t *testing.T) {
	s, ms := time.Second, time.Millisecond
	key := fakechat.SlackChannelKey(fakeChannel)
	script := func(f ...fakechat.Fault) func(h *fixtures.Harness) {
		return func(h *fixtures.Harness) { h.Fake.Script(key, f...) }
	}
	post := func(ctx context.Context, h *fixtures.Harness, body []byte) error {
		return newBot(h).Post(ctx, body)
	}
	for _, tc := range []fixtures.DeliveryCase{
		{Name: "ok", Class: deliver.Delivered, Requests: 1},
		{Name: "429 ratelimited with Retry-After, then ok",
			Setup: script(fakechat.RateLimited("2")),
			Class: deliver.Delivered, Requests: 2, Waits: []time.Duration{2 * s}},
		{Name: "the fake's limit: 1 a second per channel",
			Opts: fakechat.Options{RateLimit: true},
			Setup: func(h *fixtures.Harness) {
				if err := newBot(h).Post(context.Background(), botBody()); err != nil {
					panic(err)
				}
			},
			Class: deliver.Delivered, Requests: 2, Waits: []time.Duration{s}},
		{Name: "internal_error, then ok",
			Setup: script(fakechat.SlackAPIError("internal_error")),
			Class: deliver.Delivered, Requests: 2, Waits: []time.Duration{100 * ms}},
		{Name: "service_unavailable until attempts run out",
			Setup: script(fakechat.SlackAPIError("service_unavailable").Forever()),
			Class: deliver.Retryable, Status: 200, Code: "service_unavailable", Requests: 3, Waits: []time.Duration{100 * ms, 200 * ms}},
		{Name: "fatal_error is retried (see apiRetryable)",
			Setup: script(fakechat.SlackAPIError("fatal_error")),
			Class: deliver.Delivered, Requests: 2, Waits: []time.Duration{100 * ms}},
		{Name: "ok:false ratelimited in a 200",
			Setup: script(fakechat.Fault{Status: 200, Body: `{"ok":false,"error":"ratelimited"}`, Header: map[string]string{"Retry-After": "1"}}),
			Class: deliver.Delivered, Requests: 2, Waits: []time.Duration{s}},
		{Name: "archived: gone, no retry",
			Setup: func(h *fixtures.Harness) { h.Fake.SetState(key, fakechat.Archived) },
			Class: deliver.Gone, Status: 200, Code: "is_archived", Requests: 1},
		{Name: "channel not found: gone",
			Setup: func(h *fixtures.Harness) { h.Fake.SetState(key, fakechat.Deleted) },
			Class: deliver.Gone, Status: 200, Code: "channel_not_found", Requests: 1},
		{Name: "token revoked: gone",
			Setup: func(h *fixtures.Harness) { h.Fake.SetState(key, fakechat.Revoked) },
			Class: deliver.Gone, Status: 200, Code: "token_revoked", Requests: 1},
		{Name: "not in channel: gone", Setup: script(fakechat.SlackAPIError("not_in_channel")),
			Class: deliver.Gone, Status: 200, Code: "not_in_channel", Requests: 1},
		{Name: "account inactive: gone", Setup: script(fakechat.SlackAPIError("account_inactive")),
			Class: deliver.Gone, Status: 200, Code: "account_inactive", Requests: 1},
		{Name: "invalid blocks: permanent",
			Body:  []byte(`{"channel":"` + fakeChannel + `","text":"x","blocks":[{"type":"header","text":{"type":"mrkdwn","text":"x"}}]}`),
			Class: deliver.Permanent, Status: 200, Code: "invalid_blocks", Requests: 1},
		{Name: "no text: permanent",
			Body:  []byte(`{"channel":"` + fakeChannel + `"}`),
			Class: deliver.Permanent, Status: 200, Code: "no_text", Requests: 1},
		{Name: "msg_too_long: permanent", Setup: script(fakechat.SlackAPIError("msg_too_long")),
			Class: deliver.Permanent, Status: 200, Code: "msg_too_long", Requests: 1},
		{Name: "missing_scope: permanent, not gone", Setup: script(fakechat.SlackAPIError("missing_scope")),
			Class: deliver.Permanent, Status: 200, Code: "missing_scope", Requests: 1},
		{Name: "200 that is not JSON: permanent", Setup: script(fakechat.NotOK("<html>maintenance</html>")),
			Class: deliver.Permanent, Status: 200, Code: "unexpected_answer", Requests: 1},
		{Name: "502 empty then 500 html then ok", Setup: script(fakechat.Empty(502), fakechat.HTMLError(500)),
			Class: deliver.Delivered, Requests: 3, Waits: []time.Duration{100 * ms, 200 * ms}},
		{Name: "reset, then ok", Setup: script(fakechat.ResetConn()),
			Class: deliver.Delivered, Requests: 2, Waits: []time.Duration{100 * ms}, Ambig: 1},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			fixtures.RunDelivery(t, tc, fakechat.TargetSlackAPI, botBody(), post, botSecrets...)
		})
	}
}

// Post, edit in place, reply in the thread: the fake sees chat.postMessage, chat.update with
// the message's ts and channel id, and chat.postMessage with thread_ts.
func TestBotPostUpdateReply(t *testing.T) {
	h := fixtures.NewHarness(t, fakechat.Options{Strict: true})
	tok := h.Fake.SlackBotToken("bot")
	h.Fake.SlackChannel("#prod-alerts")
	b := NewBot(tok, "#prod-alerts", h.Client)
	b.APIURL = fakeAPIURL
	samples := fixtures.Samples()
	first, err := b.Render(samples["critical-oom"])
	if err != nil {
		t.Fatal(err)
	}
	ref, err := b.PostRef(context.Background(), first)
	if err != nil {
		t.Fatal(err)
	}
	if ref.Channel != fakechat.SlackChannelID("#prod-alerts") || ref.ID == "" {
		t.Fatalf("ref %+v", ref)
	}
	stored, _ := json.Marshal(ref) // refs are stored between invocations: ids only
	if strings.Contains(string(stored), tok) {
		t.Fatalf("stored ref holds the token: %s", stored)
	}
	update, _ := b.Render(samples["warning-health-check"])
	if err := b.Update(context.Background(), ref, update); err != nil {
		t.Fatal(err)
	}
	reply, _ := b.Render(samples["info-deployment-started"])
	if err := b.Reply(context.Background(), ref, reply); err != nil {
		t.Fatal(err)
	}
	reqs := h.Fake.Requests(fakechat.TargetSlackAPI)
	if len(reqs) != 3 {
		t.Fatalf("%d requests", len(reqs))
	}
	args := func(r fakechat.Request) map[string]any {
		var m map[string]any
		_ = json.Unmarshal(r.Body, &m)
		return m
	}
	for i, want := range []struct {
		path string
		args map[string]any
	}{
		{"/api/chat.postMessage", map[string]any{"channel": "#prod-alerts", "ts": nil, "thread_ts": nil}},
		{"/api/chat.update", map[string]any{"channel": ref.Channel, "ts": ref.ID, "thread_ts": nil}},
		{"/api/chat.postMessage", map[string]any{"channel": ref.Channel, "thread_ts": ref.ID, "ts": nil}},
	} {
		r := reqs[i]
		if r.Path != want.path || r.Response.Status != 200 || !strings.Contains(string(r.Response.Body), `"ok":true`) {
			t.Errorf("request %d: %s answered %d %s", i, r.Path, r.Response.Status, r.Response.Body)
		}
		got := args(r)
		for k, v := range want.args {
			if got[k] != v {
				t.Errorf("request %d: %s = %v, want %v", i, k, got[k], v)
			}
		}
		if r.Header.Get("Authorization") != "Bearer "+tok {
			t.Errorf("request %d: Authorization %q", i, r.Header.Get("Authorization"))
		}
		if c := fakechat.CheckSlackMessage(r.Body); c.Code != "" {
			t.Errorf("request %d: %s %s", i, c.Code, c.Problem)
		}
	}

	// Editing a message that is not there is permanent: the story goes on without its edit.
	err = b.Update(context.Background(), target.Ref{Channel: ref.Channel, ID: "1.000000"}, update)
	if c := deliver.ClassOf(err); c != deliver.Permanent || !strings.Contains(err.Error(), "message_not_found") {
		t.Errorf("update of nothing: %v", err)
	}
}

// The token must not leak through any error path, log line or printing of the target.
func TestBotNeverLeaksToken(t *testing.T) {
	h := fixtures.NewHarness(t, fakechat.Options{Strict: true})
	// A token the fake does not know: invalid_auth, with the token in the request only.
	h.Fake.SlackChannel(fakeChannel)
	b := newBot(h)
	err := b.Post(context.Background(), botBody())
	if deliver.ClassOf(err) != deliver.Gone || !strings.Contains(fixtures.ErrString(err), "invalid_auth") {
		t.Fatalf("unknown token: %v", err)
	}
	fixtures.AssertNoSecret(t, "invalid_auth error", fixtures.ErrString(err), botSecrets...)
	h.Fake.Close()
	for _, call := range []func() error{
		func() error { return b.Post(context.Background(), botBody()) },
		func() error { return b.Update(context.Background(), target.Ref{Channel: "C1", ID: "1.0"}, botBody()) },
		func() error { return b.Reply(context.Background(), target.Ref{Channel: "C1", ID: "1.0"}, botBody()) },
	} {
		err := call()
		if deliver.ClassOf(err) != deliver.Retryable {
			t.Fatalf("closed server: %v", err)
		}
		fixtures.AssertNoSecret(t, "connection error", fixtures.ErrString(err), botSecrets...)
	}
	bad := NewBot(fakeBotToken, fakeChannel, &deliver.Client{MaxAttempts: 1})
	bad.APIURL = "https://slack.example/api/\x7f"
	err = bad.Post(context.Background(), botBody())
	if deliver.ClassOf(err) != deliver.Permanent {
		t.Fatalf("malformed URL: %v", err)
	}
	fixtures.AssertNoSecret(t, "malformed URL error", fixtures.ErrString(err), botSecrets...)
	fixtures.AssertNoSecret(t, "log", h.Logs(), botSecrets...)
	var printed bytes.Buffer
	slog.New(slog.NewTextHandler(&printed, nil)).Info("target", "bot", b, "value", *b)
	fmt.Fprintf(&printed, "%v %+v %#v %s", b, b, *b, b)
	fixtures.AssertNoSecret(t, "printed bot", printed.String(), botSecrets...)
}

func TestCheckAPI(t *testing.T) {
	for _, tc := range []struct {
		status int
		body   string
		header http.Header
		class  deliver.Class
		code   string
		after  time.Duration
	}{
		{200, `{"ok":true,"channel":"C1","ts":"1.2"}`, nil, deliver.Delivered, "", 0},
		{200, `{"ok":true,"warning":"superfluous_charset"}`, nil, deliver.Delivered, "", 0},
		{429, `{"ok":false,"error":"ratelimited"}`, http.Header{"Retry-After": {"30"}}, deliver.RateLimited, "ratelimited", 30 * time.Second},
		{429, ``, nil, deliver.RateLimited, "ratelimited", 0},
		{200, `{"ok":false,"error":"ratelimited"}`, http.Header{"Retry-After": {"3"}}, deliver.RateLimited, "ratelimited", 3 * time.Second},
		{200, `{"ok":false,"error":"internal_error"}`, nil, deliver.Retryable, "internal_error", 0},
		{200, `{"ok":false,"error":"fatal_error"}`, nil, deliver.Retryable, "fatal_error", 0},
		{200, `{"ok":false,"error":"request_timeout"}`, nil, deliver.Retryable, "request_timeout", 0},
		{200, `{"ok":false,"error":"service_unavailable"}`, nil, deliver.Retryable, "service_unavailable", 0},
		{200, `{"ok":false,"error":"channel_not_found"}`, nil, deliver.Gone, "channel_not_found", 0},
		{200, `{"ok":false,"error":"is_archived"}`, nil, deliver.Gone, "is_archived", 0},
		{200, `{"ok":false,"error":"not_in_channel"}`, nil, deliver.Gone, "not_in_channel", 0},
		{200, `{"ok":false,"error":"invalid_auth"}`, nil, deliver.Gone, "invalid_auth", 0},
		{200, `{"ok":false,"error":"not_authed"}`, nil, deliver.Gone, "not_authed", 0},
		{200, `{"ok":false,"error":"token_revoked"}`, nil, deliver.Gone, "token_revoked", 0},
		{200, `{"ok":false,"error":"account_inactive"}`, nil, deliver.Gone, "account_inactive", 0},
		{200, `{"ok":false,"error":"invalid_blocks"}`, nil, deliver.Permanent, "invalid_blocks", 0},
		{200, `{"ok":false,"error":"msg_too_long"}`, nil, deliver.Permanent, "msg_too_long", 0},
		{200, `{"ok":false,"error":"no_text"}`, nil, deliver.Permanent, "no_text", 0},
		{200, `{"ok":false,"error":"message_not_found"}`, nil, deliver.Permanent, "message_not_found", 0},
		{200, `{"ok":false,"error":"<script>"}`, nil, deliver.Permanent, "unexpected_answer", 0},
		{200, `{"ok":false}`, nil, deliver.Permanent, "unexpected_answer", 0},
		{200, `ok`, nil, deliver.Permanent, "unexpected_answer", 0},
		{500, `<html/>`, nil, deliver.Retryable, "", 0},
		{503, `{"ok":false,"error":"service_unavailable"}`, nil, deliver.Retryable, "service_unavailable", 0},
		{404, `{"ok":false,"error":"channel_not_found"}`, nil, deliver.Gone, "channel_not_found", 0},
		{400, `{"ok":false,"error":"invalid_arguments"}`, nil, deliver.Permanent, "invalid_arguments", 0},
	} {
		v := CheckAPI(deliver.Response{Status: tc.status, Body: []byte(tc.body), Header: tc.header, Received: fixtures.Epoch})
		if v.Class != tc.class || v.Code != tc.code || v.RetryAfter != tc.after {
			t.Errorf("%d %s: %+v, want %v %q %v", tc.status, tc.body, v, tc.class, tc.code, tc.after)
		}
	}
}
