package gchat

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/deliver"
	"github.com/foghornhq/foghorn/lambda/fakechat"
	"github.com/foghornhq/foghorn/lambda/fixtures"
)

// The webhook URL the code under test is given: obviously fake, of the real shape.
const (
	fakeKey   = "fake-key-for-tests"
	fakeToken = "fake-token-for-tests"
	fakePath  = "/v1/spaces/AAAAFAKE/messages"
	fakeURL   = "https://chat.googleapis.example" + fakePath + "?key=" + fakeKey + "&token=" + fakeToken
)

var secrets = []string{fakeKey, fakeToken, fakeURL}

func okBody() []byte {
	b, err := Render(fixtures.Samples()["critical-oom"])
	if err != nil {
		panic(err)
	}
	return b
}

func post(ctx context.Context, h *fixtures.Harness, body []byte) error {
	return NewWebhook(fakeURL, h.Client).Post(ctx, body)
}

func TestWebhookDeliveryClasses(t *testing.T) {
	ms := time.Millisecond
	script := func(f ...fakechat.Fault) func(h *fixtures.Harness) {
		return func(h *fixtures.Harness) { h.Fake.Script(fakePath, f...) }
	}
	exhausted := fakechat.GoogleError(429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).")
	for _, tc := range []fixtures.DeliveryCase{
		{Name: "delivered", Class: deliver.Delivered, Requests: 1},
		{Name: "RESOURCE_EXHAUSTED: backoff, then ok",
			Setup: script(exhausted),
			Class: deliver.Delivered, Requests: 2, Waits: []time.Duration{100 * ms}},
		{Name: "RESOURCE_EXHAUSTED until attempts run out",
			Setup: script(exhausted.Forever()),
			Class: deliver.RateLimited, Status: 429, Code: "RESOURCE_EXHAUSTED", Requests: 3, Waits: []time.Duration{100 * ms, 200 * ms}},
		{Name: "the fake's quota: 60 a minute per space",
			Opts: fakechat.Options{RateLimit: true},
			Setup: func(h *fixtures.Harness) {
				h.Client.MaxAttempts = 1
				for range 60 {
					if err := post(context.Background(), h, okBody()); err != nil {
						panic(err)
					}
				}
			},
			Class: deliver.RateLimited, Status: 429, Code: "RESOURCE_EXHAUSTED", Requests: 1},
		{Name: "token revoked: gone",
			Setup: func(h *fixtures.Harness) { h.Fake.SetState(fakePath, fakechat.Revoked) },
			Class: deliver.Gone, Status: 401, Code: "UNAUTHENTICATED", Requests: 1},
		{Name: "webhook forbidden: gone",
			Setup: func(h *fixtures.Harness) { h.Fake.SetState(fakePath, fakechat.Archived) },
			Class: deliver.Gone, Status: 403, Code: "PERMISSION_DENIED", Requests: 1},
		{Name: "space deleted: gone",
			Setup: func(h *fixtures.Harness) { h.Fake.SetState(fakePath, fakechat.Deleted) },
			Class: deliver.Gone, Status: 404, Code: "NOT_FOUND", Requests: 1},
		{Name: "invalid argument: permanent",
			Body:  []byte(`{"cardsV2":[{"card":{}}]}`),
			Class: deliver.Permanent, Status: 400, Code: "INVALID_ARGUMENT", Requests: 1},
		{Name: "503 then ok",
			Setup: script(fakechat.GoogleError(503, "UNAVAILABLE", "The service is currently unavailable.")),
			Class: deliver.Delivered, Requests: 2, Waits: []time.Duration{100 * ms}},
		{Name: "500 html until attempts run out",
			Setup: script(fakechat.HTMLError(500).Forever()),
			Class: deliver.Retryable, Status: 500, Requests: 3, Waits: []time.Duration{100 * ms, 200 * ms}},
		{Name: "reset, then ok",
			Setup: script(fakechat.ResetConn()),
			Class: deliver.Delivered, Requests: 2, Waits: []time.Duration{100 * ms}, Ambig: 1},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			fixtures.RunDelivery(t, tc, fakePath, okBody(), post, secrets...)
		})
	}
}

// Alerts of one service land in one thread; another service gets its own.
func TestWebhookThreadsPerService(t *testing.T) {
	h := fixtures.NewHarness(t, fakechat.Options{})
	samples := fixtures.Samples()
	for _, name := range []string{"critical-oom", "warning-health-check", "resolved-alarm-ok"} {
		body, err := Render(samples[name])
		if err != nil {
			t.Fatal(err)
		}
		if err := post(context.Background(), h, body); err != nil {
			t.Fatal(err)
		}
	}
	reqs := h.Fake.Requests(fakePath)
	if len(reqs) != 3 {
		t.Fatalf("%d requests", len(reqs))
	}
	threads := make([]string, len(reqs))
	for i, r := range reqs {
		q, _ := url.ParseQuery(r.Query)
		if q.Get("messageReplyOption") != ReplyOption || q.Get("threadKey") == "" || q.Get("key") != fakeKey {
			t.Errorf("request %d query %q", i, r.Query)
		}
		threads[i] = string(r.Response.Body)
		threads[i] = threads[i][bytes.Index(r.Response.Body, []byte(`"thread":{"name":"`)):]
		threads[i] = threads[i][:bytes.IndexByte([]byte(threads[i]), ',')]
	}
	if threads[0] != threads[1] || threads[0] == threads[2] {
		t.Errorf("threads %q", threads)
	}
}

func TestWebhookNeverLeaksURL(t *testing.T) {
	h := fixtures.NewHarness(t, fakechat.Options{})
	h.Fake.Close()
	w := NewWebhook(fakeURL, h.Client)
	err := w.Post(context.Background(), okBody())
	if deliver.ClassOf(err) != deliver.Retryable {
		t.Fatalf("closed server: %v", err)
	}
	fixtures.AssertNoSecret(t, "connection error", fixtures.ErrString(err), secrets...)
	bad := NewWebhook(fakeURL+"\x7f", &deliver.Client{MaxAttempts: 1})
	err = bad.Post(context.Background(), okBody())
	if deliver.ClassOf(err) != deliver.Permanent {
		t.Fatalf("malformed URL: %v", err)
	}
	fixtures.AssertNoSecret(t, "malformed URL error", fixtures.ErrString(err), secrets...)
	fixtures.AssertNoSecret(t, "log", h.Logs(), secrets...)
	var printed bytes.Buffer
	slog.New(slog.NewTextHandler(&printed, nil)).Info("target", "w", w, "value", *w)
	printed.WriteString(w.String())
	fixtures.AssertNoSecret(t, "printed webhook", printed.String(), secrets...)
}

func TestThreadURL(t *testing.T) {
	got := ThreadURL("https://chat.googleapis.example/v1/spaces/S/messages?key=k&token=t", "foghorn/1/r/service/c/s")
	want := "https://chat.googleapis.example/v1/spaces/S/messages?key=k&messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD&threadKey=foghorn%2F1%2Fr%2Fservice%2Fc%2Fs&token=t"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := ThreadURL("https://x.example/?key=k", ""); got != "https://x.example/?key=k" {
		t.Errorf("no key: %s", got)
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
		{200, `{"name":"spaces/S/messages/M"}`, nil, deliver.Delivered, "", 0},
		{429, `{"error":{"code":429,"message":"Resource has been exhausted","status":"RESOURCE_EXHAUSTED"}}`, nil, deliver.RateLimited, "RESOURCE_EXHAUSTED", 0},
		{429, `{"error":{"code":429,"status":"RESOURCE_EXHAUSTED"}}`, http.Header{"Retry-After": {"4"}}, deliver.RateLimited, "RESOURCE_EXHAUSTED", 4 * time.Second},
		{400, `{"error":{"code":400,"status":"INVALID_ARGUMENT"}}`, nil, deliver.Permanent, "INVALID_ARGUMENT", 0},
		{401, `{"error":{"code":401,"status":"UNAUTHENTICATED"}}`, nil, deliver.Gone, "UNAUTHENTICATED", 0},
		{403, `{"error":{"code":403,"status":"PERMISSION_DENIED"}}`, nil, deliver.Gone, "PERMISSION_DENIED", 0},
		{404, `<html>Not Found</html>`, nil, deliver.Gone, "", 0},
		{500, `{"error":{"status":"<b>x</b>"}}`, nil, deliver.Retryable, "", 0},
		{503, ``, nil, deliver.Retryable, "", 0},
	} {
		v := Check(deliver.Response{Status: tc.status, Body: []byte(tc.body), Header: tc.header, Received: fixtures.Epoch})
		if v.Class != tc.class || v.Code != tc.code || v.RetryAfter != tc.after {
			t.Errorf("%d %q: %+v, want %v %q %v", tc.status, tc.body, v, tc.class, tc.code, tc.after)
		}
	}
}
