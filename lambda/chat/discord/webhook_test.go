package discord

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/chat/deliver"
	"github.com/foghornhq/foghorn/lambda/internal/chatfake"
	"github.com/foghornhq/foghorn/lambda/internal/fixtures"
)

// The webhook URL the code under test is given: obviously fake, of the real shape. The
// harness sends its requests to the fake server.
const (
	fakeToken      = "fake-token-for-tests"
	fakePath       = "/api/webhooks/0000/" + fakeToken
	fakeWebhookURL = "https://discord.example" + fakePath
)

var target = fixtures.Target{URL: fakeWebhookURL, Key: fakePath, Body: fixtures.SampleBody(Render),
	New:     func(h *fixtures.Harness, url string) chat.Target { return NewWebhook(url, h.Client) },
	Secrets: []string{fakeToken, fakeWebhookURL, "0000/fake"}}

func TestWebhookDeliveryClasses(t *testing.T) {
	s, ms := time.Second, time.Millisecond
	fixtures.RunDeliveries(t, target, []fixtures.DeliveryCase{
		{Name: "429 retry_after float wins over the rounded header",
			Setup: target.Script(chatfake.DiscordRateLimited(1.5, false)),
			Class: deliver.Delivered, Requests: 2, Waits: []time.Duration{1500 * ms}},
		{Name: "429 global",
			Setup: target.Script(chatfake.DiscordRateLimited(0.25, true)),
			Class: deliver.Delivered, Requests: 2, Waits: []time.Duration{250 * ms}},
		{Name: "429 without a body: the header",
			Setup: target.Script(chatfake.Fault{Status: 429, Header: map[string]string{"Retry-After": "3"}}),
			Class: deliver.Delivered, Requests: 2, Waits: []time.Duration{3 * s}},
		{Name: "429 longer than the deadline: fail fast",
			Setup:    target.Script(chatfake.DiscordRateLimited(64.57, false)),
			Deadline: 20 * s,
			Class:    deliver.RateLimited, Status: 429, Requests: 1},
		{Name: "rate limiter of the fake: 5 per 2 s spent, then wait as told",
			Opts: chatfake.Options{RateLimit: true},
			Setup: func(h *fixtures.Harness) {
				for range 5 {
					if err := target.Post(context.Background(), h, target.Body); err != nil {
						panic(err)
					}
				}
			},
			Class: deliver.Delivered, Requests: 2, Waits: []time.Duration{400 * ms}},
		{Name: "unknown webhook: gone, no retry",
			Setup: target.SetState(chatfake.Deleted),
			Class: deliver.Gone, Status: 404, Code: "10015", Requests: 1},
		{Name: "invalid webhook token: gone, no retry",
			Setup: target.SetState(chatfake.Revoked),
			Class: deliver.Gone, Status: 401, Code: "50027", Requests: 1},
		{Name: "404 without Discord's code: permanent, not gone",
			Setup: target.Script(chatfake.Answer(404, "<html>not found</html>")),
			Class: deliver.Permanent, Status: 404, Requests: 1},
		{Name: "missing permissions: permanent",
			Setup: target.Script(chatfake.DiscordError(403, 50013, "Missing Permissions")),
			Class: deliver.Permanent, Status: 403, Code: "50013", Requests: 1},
		{Name: "over the 6000 total: invalid form body, permanent",
			Body:  []byte(`{"embeds":[{"title":"t","description":"` + strings.Repeat("x", 4000) + `","fields":[{"name":"n","value":"` + strings.Repeat("y", 1024) + `"},{"name":"n","value":"` + strings.Repeat("y", 1024) + `"}]}]}`),
			Class: deliver.Permanent, Status: 400, Code: "50035", Requests: 1},
		{Name: "empty message: permanent",
			Body:  []byte(`{"content":"  ","embeds":[]}`),
			Class: deliver.Permanent, Status: 400, Code: "50006", Requests: 1},
		{Name: "invalid JSON: permanent",
			Body:  []byte(`{"content":`),
			Class: deliver.Permanent, Status: 400, Code: "50109", Requests: 1},
	})
}

// The body goes out with wait=true, and the 200 with the message counts as delivered.
func TestWebhookWaits(t *testing.T) {
	h := fixtures.NewHarness(t, chatfake.Options{})
	if err := target.Post(context.Background(), h, target.Body); err != nil {
		t.Fatal(err)
	}
	reqs := h.Fake.Requests(fakePath)
	if len(reqs) != 1 || reqs[0].Query != "wait=true" || reqs[0].Response.Status != 200 {
		t.Fatalf("requests %+v", reqs)
	}
	if ct := reqs[0].Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	for _, k := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset-After", "X-RateLimit-Bucket"} {
		if reqs[0].Response.Header.Get(k) == "" {
			t.Errorf("the fake's answer lacks %s", k)
		}
	}
}

// A dead webhook is asked once per post, never in a loop: Discord bans IPs that send many
// 401/403/429 answers.
func TestWebhookGoneIsNotHammered(t *testing.T) {
	h := fixtures.AssertGoneStaysGone(t, target, chatfake.Deleted)
	h.Fake.SetState(fakePath, chatfake.Revoked)
	_ = target.Post(context.Background(), h, target.Body)
	if n := h.Fake.InvalidAnswers(); n != 1 {
		t.Errorf("%d invalid answers (401/403/429), want 1", n)
	}
}

// The webhook token must not leak through any error path: transport failures, a malformed
// URL, logs, or printing the webhook itself.
func TestWebhookNeverLeaksURL(t *testing.T) {
	fixtures.AssertNeverLeaks(t, target)
}

func TestCheck(t *testing.T) {
	fixtures.RunChecks(t, Check, []fixtures.CheckCase{
		{Status: 200, Body: `{"id":"1"}`, Class: deliver.Delivered},
		{Status: 204, Class: deliver.Delivered},
		{Status: 429, Body: `{"message":"You are being rate limited.","retry_after":64.57,"global":false}`, Header: http.Header{"Retry-After": {"65"}}, Class: deliver.RateLimited, After: 64570 * time.Millisecond},
		{Status: 429, Body: `{"message":"x","retry_after":0.3,"global":true}`, Class: deliver.RateLimited, Code: "global", After: 300 * time.Millisecond},
		{Status: 429, Body: `{"message":"x","retry_after":-1}`, Header: http.Header{"Retry-After": {"2"}}, Class: deliver.RateLimited, After: 2 * time.Second},
		{Status: 429, Header: http.Header{"Retry-After": {"2"}}, Class: deliver.RateLimited, After: 2 * time.Second},
		{Status: 429, Body: `{"retry_after":1e300}`, Class: deliver.RateLimited, After: 24 * time.Hour},
		{Status: 404, Body: `{"message":"Unknown Webhook","code":10015}`, Class: deliver.Gone, Code: "10015"},
		{Status: 401, Body: `{"message":"Invalid Webhook Token","code":50027}`, Class: deliver.Gone, Code: "50027"},
		{Status: 401, Body: `{"message":"401: Unauthorized","code":0}`, Class: deliver.Permanent},
		{Status: 404, Body: `not json`, Class: deliver.Permanent},
		{Status: 400, Body: `{"code":50035,"message":"Invalid Form Body","errors":{}}`, Class: deliver.Permanent, Code: "50035"},
		{Status: 413, Body: `{"code":40005,"message":"Request entity too large"}`, Class: deliver.Permanent, Code: "40005"},
		{Status: 408, Class: deliver.Retryable},
		{Status: 502, Body: `{"message":"502: Bad Gateway","code":0}`, Class: deliver.Retryable},
		{Status: 500, Body: `<html>oops</html>`, Class: deliver.Retryable},
	})
}
