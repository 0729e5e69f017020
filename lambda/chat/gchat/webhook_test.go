package gchat

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/chat/deliver"
	"github.com/foghornhq/foghorn/lambda/internal/chatfake"
	"github.com/foghornhq/foghorn/lambda/internal/fixtures"
)

// The webhook URL the code under test is given: obviously fake, of the real shape.
const (
	fakeKey   = "fake-key-for-tests"
	fakeToken = "fake-token-for-tests"
	fakePath  = "/v1/spaces/AAAAFAKE/messages"
	fakeURL   = "https://chat.googleapis.example" + fakePath + "?key=" + fakeKey + "&token=" + fakeToken
)

var target = fixtures.Target{URL: fakeURL, Key: fakePath, Body: fixtures.SampleBody(Render),
	New:     func(h *fixtures.Harness, url string) chat.Target { return NewWebhook(url, h.Client) },
	Secrets: []string{fakeKey, fakeToken, fakeURL}}

func TestWebhookDeliveryClasses(t *testing.T) {
	ms := time.Millisecond
	exhausted := chatfake.GoogleError(429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).")
	fixtures.RunDeliveries(t, target, []fixtures.DeliveryCase{
		{Name: "RESOURCE_EXHAUSTED: backoff, then ok",
			Setup: target.Script(exhausted),
			Class: deliver.Delivered, Requests: 2, Waits: []time.Duration{100 * ms}},
		{Name: "RESOURCE_EXHAUSTED until attempts run out",
			Setup: target.Script(exhausted.Forever()),
			Class: deliver.RateLimited, Status: 429, Code: "RESOURCE_EXHAUSTED", Requests: 3, Waits: []time.Duration{100 * ms, 200 * ms}},
		{Name: "the fake's quota: 60 a minute per space",
			Opts: chatfake.Options{RateLimit: true},
			Setup: func(h *fixtures.Harness) {
				h.Client.MaxAttempts = 1
				for range 60 {
					if err := target.Post(context.Background(), h, target.Body); err != nil {
						panic(err)
					}
				}
			},
			Class: deliver.RateLimited, Status: 429, Code: "RESOURCE_EXHAUSTED", Requests: 1},
		{Name: "token revoked: gone",
			Setup: target.SetState(chatfake.Revoked),
			Class: deliver.Gone, Status: 401, Code: "UNAUTHENTICATED", Requests: 1},
		{Name: "webhook forbidden: gone",
			Setup: target.SetState(chatfake.Archived),
			Class: deliver.Gone, Status: 403, Code: "PERMISSION_DENIED", Requests: 1},
		{Name: "space deleted: gone",
			Setup: target.SetState(chatfake.Deleted),
			Class: deliver.Gone, Status: 404, Code: "NOT_FOUND", Requests: 1},
		{Name: "invalid argument: permanent",
			Body:  []byte(`{"cardsV2":[{"card":{}}]}`),
			Class: deliver.Permanent, Status: 400, Code: "INVALID_ARGUMENT", Requests: 1},
		{Name: "503 in Google's envelope, then ok",
			Setup: target.Script(chatfake.GoogleError(503, "UNAVAILABLE", "The service is currently unavailable.")),
			Class: deliver.Delivered, Requests: 2, Waits: []time.Duration{100 * ms}},
		{Name: "500 html until attempts run out",
			Setup: target.Script(chatfake.HTMLError(500).Forever()),
			Class: deliver.Retryable, Status: 500, Requests: 3, Waits: []time.Duration{100 * ms, 200 * ms}},
	})
}

func TestWebhookGoneStaysGone(t *testing.T) {
	fixtures.AssertGoneStaysGone(t, target, chatfake.Deleted)
}

// Alerts of one service land in one thread; another service gets its own.
func TestWebhookThreadsPerService(t *testing.T) {
	h := fixtures.NewHarness(t, chatfake.Options{})
	samples := fixtures.Samples()
	for _, name := range []string{"critical-oom", "warning-health-check", "resolved-alarm-ok"} {
		body, err := Render(samples[name])
		if err != nil {
			t.Fatal(err)
		}
		if err := target.Post(context.Background(), h, body); err != nil {
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
	fixtures.AssertNeverLeaks(t, target)
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
	fixtures.RunChecks(t, Check, []fixtures.CheckCase{
		{Status: 200, Body: `{"name":"spaces/S/messages/M"}`, Class: deliver.Delivered},
		{Status: 429, Body: `{"error":{"code":429,"message":"Resource has been exhausted","status":"RESOURCE_EXHAUSTED"}}`, Class: deliver.RateLimited, Code: "RESOURCE_EXHAUSTED"},
		{Status: 429, Body: `{"error":{"code":429,"status":"RESOURCE_EXHAUSTED"}}`, Header: http.Header{"Retry-After": {"4"}}, Class: deliver.RateLimited, Code: "RESOURCE_EXHAUSTED", After: 4 * time.Second},
		{Status: 400, Body: `{"error":{"code":400,"status":"INVALID_ARGUMENT"}}`, Class: deliver.Permanent, Code: "INVALID_ARGUMENT"},
		{Status: 401, Body: `{"error":{"code":401,"status":"UNAUTHENTICATED"}}`, Class: deliver.Gone, Code: "UNAUTHENTICATED"},
		{Status: 403, Body: `{"error":{"code":403,"status":"PERMISSION_DENIED"}}`, Class: deliver.Gone, Code: "PERMISSION_DENIED"},
		{Status: 404, Body: `<html>Not Found</html>`, Class: deliver.Gone},
		{Status: 500, Body: `{"error":{"status":"<b>x</b>"}}`, Class: deliver.Retryable},
		{Status: 503, Class: deliver.Retryable},
	})
}
