package slack

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/chat/deliver"
	"github.com/foghornhq/foghorn/lambda/internal/chatfake"
	"github.com/foghornhq/foghorn/lambda/internal/fixtures"
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

func botBody() []byte { return fixtures.SampleBody(NewBot(fakeBotToken, fakeChannel, nil).Render) }

// botTarget's URL is the Web API's; chat.postMessage's destination is its channel.
var botTarget = fixtures.Target{URL: fakeAPIURL, Key: chatfake.SlackChannelKey(fakeChannel), Body: botBody(),
	New: func(h *fixtures.Harness, url string) chat.Target {
		b := NewBot(fakeBotToken, fakeChannel, h.Client)
		b.APIURL = url
		return b
	},
	Secrets: botSecrets}

func TestBotDeliveryClasses(t *testing.T) {
	s, ms := time.Second, time.Millisecond
	script, setState := botTarget.Script, botTarget.SetState
	fixtures.RunDeliveries(t, botTarget, []fixtures.DeliveryCase{
		{Name: "the fake's limit: 1 a second per channel",
			Opts: chatfake.Options{RateLimit: true},
			Setup: func(h *fixtures.Harness) {
				if err := newBot(h).Post(context.Background(), botBody()); err != nil {
					panic(err)
				}
			},
			Class: deliver.Delivered, Requests: 2, Waits: []time.Duration{s}},
		{Name: "internal_error, then ok",
			Setup: script(chatfake.SlackAPIError("internal_error")),
			Class: deliver.Delivered, Requests: 2, Waits: []time.Duration{100 * ms}},
		{Name: "service_unavailable until attempts run out",
			Setup: script(chatfake.SlackAPIError("service_unavailable").Forever()),
			Class: deliver.Retryable, Status: 200, Code: "service_unavailable", Requests: 3, Waits: []time.Duration{100 * ms, 200 * ms}},
		{Name: "fatal_error is retried (see apiRetryable)",
			Setup: script(chatfake.SlackAPIError("fatal_error")),
			Class: deliver.Delivered, Requests: 2, Waits: []time.Duration{100 * ms}},
		{Name: "ok:false ratelimited in a 200",
			Setup: script(chatfake.Fault{Status: 200, Body: `{"ok":false,"error":"ratelimited"}`, Header: map[string]string{"Retry-After": "1"}}),
			Class: deliver.Delivered, Requests: 2, Waits: []time.Duration{s}},
		{Name: "archived: gone, no retry",
			Setup: setState(chatfake.Archived),
			Class: deliver.Gone, Status: 200, Code: "is_archived", Requests: 1},
		{Name: "channel not found: gone",
			Setup: setState(chatfake.Deleted),
			Class: deliver.Gone, Status: 200, Code: "channel_not_found", Requests: 1},
		{Name: "token revoked: gone",
			Setup: setState(chatfake.Revoked),
			Class: deliver.Gone, Status: 200, Code: "token_revoked", Requests: 1},
		{Name: "not in channel: gone", Setup: script(chatfake.SlackAPIError("not_in_channel")),
			Class: deliver.Gone, Status: 200, Code: "not_in_channel", Requests: 1},
		{Name: "account inactive: gone", Setup: script(chatfake.SlackAPIError("account_inactive")),
			Class: deliver.Gone, Status: 200, Code: "account_inactive", Requests: 1},
		{Name: "invalid blocks: permanent",
			Body:  []byte(`{"channel":"` + fakeChannel + `","text":"x","blocks":[{"type":"header","text":{"type":"mrkdwn","text":"x"}}]}`),
			Class: deliver.Permanent, Status: 200, Code: "invalid_blocks", Requests: 1},
		{Name: "no text: permanent",
			Body:  []byte(`{"channel":"` + fakeChannel + `"}`),
			Class: deliver.Permanent, Status: 200, Code: "no_text", Requests: 1},
		{Name: "msg_too_long: permanent", Setup: script(chatfake.SlackAPIError("msg_too_long")),
			Class: deliver.Permanent, Status: 200, Code: "msg_too_long", Requests: 1},
		{Name: "missing_scope: permanent, not gone", Setup: script(chatfake.SlackAPIError("missing_scope")),
			Class: deliver.Permanent, Status: 200, Code: "missing_scope", Requests: 1},
		{Name: "200 that is not JSON: permanent", Setup: script(chatfake.NotOK("<html>maintenance</html>")),
			Class: deliver.Permanent, Status: 200, Code: "unexpected_answer", Requests: 1},
	})
}

func TestBotGoneStaysGone(t *testing.T) {
	fixtures.AssertGoneStaysGone(t, botTarget, chatfake.Archived)
}

// Post, edit in place, reply in the thread: the fake sees chat.postMessage, chat.update with
// the message's ts and channel id, and chat.postMessage with thread_ts.
func TestBotPostUpdateReply(t *testing.T) {
	h := fixtures.NewHarness(t, chatfake.Options{Strict: true})
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
	if ref.Channel != chatfake.SlackChannelID("#prod-alerts") || ref.ID == "" {
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
	reqs := h.Fake.Requests(chatfake.TargetSlackAPI)
	if len(reqs) != 3 {
		t.Fatalf("%d requests", len(reqs))
	}
	args := func(r chatfake.Request) map[string]any {
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
		if c := chatfake.CheckSlackMessage(r.Body); c.Code != "" {
			t.Errorf("request %d: %s %s", i, c.Code, c.Problem)
		}
	}

	// Editing a message that is not there is permanent: the story goes on without its edit.
	err = b.Update(context.Background(), chat.Ref{Channel: ref.Channel, ID: "1.000000"}, update)
	if c := deliver.ClassOf(err); c != deliver.Permanent || !strings.Contains(err.Error(), "message_not_found") {
		t.Errorf("update of nothing: %v", err)
	}
}

// The token must not leak through any error path, log line or printing of the target.
func TestBotNeverLeaksToken(t *testing.T) {
	h := fixtures.NewHarness(t, chatfake.Options{Strict: true})
	// A token the fake does not know: invalid_auth, with the token in the request only.
	h.Fake.SlackChannel(fakeChannel)
	b := newBot(h)
	err := b.Post(context.Background(), botBody())
	if deliver.ClassOf(err) != deliver.Gone || !strings.Contains(fixtures.ErrString(err), "invalid_auth") {
		t.Fatalf("unknown token: %v", err)
	}
	fixtures.AssertNoSecret(t, "invalid_auth error", fixtures.ErrString(err), botSecrets...)
	fixtures.AssertNeverLeaksVia(t, h, b, botTarget.New(h, fakeAPIURL+"\x7f"), botBody(), botSecrets...) // closes the fake
	for _, call := range []func() error{
		func() error { return b.Update(context.Background(), chat.Ref{Channel: "C1", ID: "1.0"}, botBody()) },
		func() error { return b.Reply(context.Background(), chat.Ref{Channel: "C1", ID: "1.0"}, botBody()) },
	} {
		err := call()
		if deliver.ClassOf(err) != deliver.Retryable {
			t.Fatalf("closed server: %v", err)
		}
		fixtures.AssertNoSecret(t, "connection error", fixtures.ErrString(err), botSecrets...)
	}
	fixtures.AssertNoSecret(t, "log", h.Logs(), botSecrets...)
	fixtures.AssertGoStringHides(t, b, botSecrets...)
}

func TestCheckAPI(t *testing.T) {
	fixtures.RunChecks(t, CheckAPI, []fixtures.CheckCase{
		{Status: 200, Body: `{"ok":true,"channel":"C1","ts":"1.2"}`, Class: deliver.Delivered},
		{Status: 200, Body: `{"ok":true,"warning":"superfluous_charset"}`, Class: deliver.Delivered},
		{Status: 429, Body: `{"ok":false,"error":"ratelimited"}`, Header: http.Header{"Retry-After": {"30"}}, Class: deliver.RateLimited, Code: "ratelimited", After: 30 * time.Second},
		{Status: 429, Class: deliver.RateLimited, Code: "ratelimited"},
		{Status: 200, Body: `{"ok":false,"error":"ratelimited"}`, Header: http.Header{"Retry-After": {"3"}}, Class: deliver.RateLimited, Code: "ratelimited", After: 3 * time.Second},
		{Status: 200, Body: `{"ok":false,"error":"internal_error"}`, Class: deliver.Retryable, Code: "internal_error"},
		{Status: 200, Body: `{"ok":false,"error":"fatal_error"}`, Class: deliver.Retryable, Code: "fatal_error"},
		{Status: 200, Body: `{"ok":false,"error":"request_timeout"}`, Class: deliver.Retryable, Code: "request_timeout"},
		{Status: 200, Body: `{"ok":false,"error":"service_unavailable"}`, Class: deliver.Retryable, Code: "service_unavailable"},
		{Status: 200, Body: `{"ok":false,"error":"channel_not_found"}`, Class: deliver.Gone, Code: "channel_not_found"},
		{Status: 200, Body: `{"ok":false,"error":"is_archived"}`, Class: deliver.Gone, Code: "is_archived"},
		{Status: 200, Body: `{"ok":false,"error":"not_in_channel"}`, Class: deliver.Gone, Code: "not_in_channel"},
		{Status: 200, Body: `{"ok":false,"error":"invalid_auth"}`, Class: deliver.Gone, Code: "invalid_auth"},
		{Status: 200, Body: `{"ok":false,"error":"not_authed"}`, Class: deliver.Gone, Code: "not_authed"},
		{Status: 200, Body: `{"ok":false,"error":"token_revoked"}`, Class: deliver.Gone, Code: "token_revoked"},
		{Status: 200, Body: `{"ok":false,"error":"account_inactive"}`, Class: deliver.Gone, Code: "account_inactive"},
		{Status: 200, Body: `{"ok":false,"error":"invalid_blocks"}`, Class: deliver.Permanent, Code: "invalid_blocks"},
		{Status: 200, Body: `{"ok":false,"error":"msg_too_long"}`, Class: deliver.Permanent, Code: "msg_too_long"},
		{Status: 200, Body: `{"ok":false,"error":"no_text"}`, Class: deliver.Permanent, Code: "no_text"},
		{Status: 200, Body: `{"ok":false,"error":"message_not_found"}`, Class: deliver.Permanent, Code: "message_not_found"},
		{Status: 200, Body: `{"ok":false,"error":"<script>"}`, Class: deliver.Permanent, Code: "unexpected_answer"},
		{Status: 200, Body: `{"ok":false}`, Class: deliver.Permanent, Code: "unexpected_answer"},
		{Status: 200, Body: `ok`, Class: deliver.Permanent, Code: "unexpected_answer"},
		{Status: 500, Body: `<html/>`, Class: deliver.Retryable},
		{Status: 503, Body: `{"ok":false,"error":"service_unavailable"}`, Class: deliver.Retryable, Code: "service_unavailable"},
		{Status: 404, Body: `{"ok":false,"error":"channel_not_found"}`, Class: deliver.Gone, Code: "channel_not_found"},
		{Status: 400, Body: `{"ok":false,"error":"invalid_arguments"}`, Class: deliver.Permanent, Code: "invalid_arguments"},
	})
}
