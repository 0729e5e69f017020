package webhook

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/chat/deliver"
	"github.com/foghornhq/foghorn/lambda/chat/webhook/signature"
	"github.com/foghornhq/foghorn/lambda/internal/chatfake"
	"github.com/foghornhq/foghorn/lambda/internal/fixtures"
)

// The receiver URL and signing key the code under test is given: obviously fake.
const (
	fakeKey  = "fake-signing-key-for-tests"
	fakePath = "/hooks/fake-receiver-for-tests"
	fakeURL  = "https://hooks.receiver.example" + fakePath
)

// register makes the fake's receiver at fakePath verify with fakeKey (or another key).
func register(key string) func(h *fixtures.Harness) {
	return func(h *fixtures.Harness) { h.Fake.WebhookURL("fake-receiver-for-tests", key) }
}

// target signs on the harness's clock; its receiver verifies with fakeKey unless a case
// registers another.
var target = fixtures.Target{URL: fakeURL, Key: fakePath, Body: fixtures.SampleBody(Render),
	New: func(h *fixtures.Harness, url string) chat.Target {
		w := NewWebhook(url, fakeKey, h.Client)
		w.Clock = h.Clock
		return w
	},
	Prepare: register(fakeKey),
	Secrets: []string{fakeKey, fakeURL, "fake-receiver"}}

func TestWebhookDeliveryClasses(t *testing.T) {
	s, ms := time.Second, time.Millisecond
	fixtures.RunDeliveries(t, target, []fixtures.DeliveryCase{
		{Name: "signed with another key: 401, permanent", Setup: register("another-fake-key"),
			Class: deliver.Permanent, Status: 401, Requests: 1},
		{Name: "not a foghorn document: 400, permanent", Body: []byte(`{"schema":"other"}`),
			Class: deliver.Permanent, Status: 400, Requests: 1},
		{Name: "503 with Retry-After: honoured", Setup: target.Script(chatfake.Fault{Status: 503, Header: map[string]string{"Retry-After": "2"}}),
			Class: deliver.Delivered, Requests: 2, Waits: []time.Duration{2 * s}},
		{Name: "408 then 500 then ok", Setup: target.Script(chatfake.Empty(408), chatfake.HTMLError(500)),
			Class: deliver.Delivered, Requests: 3, Waits: []time.Duration{100 * ms, 200 * ms}},
		{Name: "410: gone, no retry", Setup: target.SetState(chatfake.Deleted),
			Class: deliver.Gone, Status: 410, Requests: 1},
		{Name: "403: permanent, not gone", Setup: target.SetState(chatfake.Revoked),
			Class: deliver.Permanent, Status: 403, Requests: 1},
		{Name: "404: permanent", Setup: target.Script(chatfake.Empty(404)),
			Class: deliver.Permanent, Status: 404, Requests: 1},
	})
}

func TestWebhookGoneStaysGone(t *testing.T) {
	fixtures.AssertGoneStaysGone(t, target, chatfake.Deleted)
}

// What goes out: the body as rendered, the timestamp of the signing clock, a signature the
// receiver's Verify accepts, and retries carrying the same signature.
func TestWebhookSignsRequests(t *testing.T) {
	h := fixtures.NewHarness(t, chatfake.Options{})
	register(fakeKey)(h)
	h.Fake.Script(fakePath, chatfake.Empty(503))
	body := target.Body
	if err := target.Post(context.Background(), h, body); err != nil {
		t.Fatal(err)
	}
	reqs := h.Fake.Requests(fakePath)
	if len(reqs) != 2 {
		t.Fatalf("%d requests", len(reqs))
	}
	for _, r := range reqs {
		if !bytes.Equal(r.Body, body) || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("sent %q as %v", r.Body, r.Header)
		}
		if ts := r.Header.Get(HeaderTimestamp); ts != strconv.FormatInt(fixtures.Epoch.Unix(), 10) {
			t.Errorf("timestamp %q", ts)
		}
		if err := Verify(fakeKey, r.Header, r.Body, fixtures.Epoch, 0); err != nil {
			t.Errorf("Verify: %v", err)
		}
	}
	if reqs[0].Header.Get(HeaderSignature) != reqs[1].Header.Get(HeaderSignature) {
		t.Error("the retry was signed differently")
	}
}

func TestVerify(t *testing.T) {
	body := []byte(`{"schema":"foghorn.alert/v1"}`)
	now := fixtures.Epoch
	signed := signature.Sign(fakeKey, body, now)
	sig := signed.Get(HeaderSignature)
	with := func(ts, sig string) http.Header {
		h := http.Header{}
		if ts != "" {
			h.Set(HeaderTimestamp, ts)
		}
		if sig != "" {
			h.Set(HeaderSignature, sig)
		}
		return h
	}
	ts := strconv.FormatInt(now.Unix(), 10)
	for _, tc := range []struct {
		name   string
		secret string
		h      http.Header
		body   []byte
		now    time.Time
		tol    time.Duration
		want   error
	}{
		{"valid", fakeKey, signed, body, now, 0, nil},
		{"valid at the edge of the default tolerance", fakeKey, signed, body, now.Add(5 * time.Minute), 0, nil},
		{"stale", fakeKey, signed, body, now.Add(5*time.Minute + time.Second), 0, ErrExpired},
		{"from the future", fakeKey, signed, body, now.Add(-6 * time.Minute), 0, ErrExpired},
		{"tighter tolerance", fakeKey, signed, body, now.Add(time.Minute), 30 * time.Second, ErrExpired},
		{"body changed", fakeKey, signed, []byte(`{"schema":"foghorn.alert/v2"}`), now, 0, ErrMismatch},
		{"other secret", "another-key", signed, body, now, 0, ErrMismatch},
		{"no secret configured", "", signed, body, now, 0, ErrNoSecret},
		{"no headers", fakeKey, http.Header{}, body, now, 0, ErrMissing},
		{"no signature", fakeKey, with(ts, ""), body, now, 0, ErrMissing},
		{"timestamp not a number", fakeKey, with("yesterday", sig), body, now, 0, ErrTimestamp},
		{"timestamp moved", fakeKey, with(strconv.FormatInt(now.Unix()+1, 10), sig), body, now, 0, ErrMismatch},
		{"unknown version", fakeKey, with(ts, "v0="+sig[3:]), body, now, 0, ErrMismatch},
		{"upper-case hex", fakeKey, with(ts, "v1="+string(bytes.ToUpper([]byte(sig[3:])))), body, now, 0, nil},
		{"one of several", fakeKey, with(ts, "v1=deadbeef, "+sig), body, now, 0, nil},
		{"truncated signature", fakeKey, with(ts, sig[:20]), body, now, 0, ErrMismatch},
	} {
		if err := Verify(tc.secret, tc.h, tc.body, tc.now, tc.tol); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	// The documented construction, computed independently of Compute.
	want := signature.Compute(fakeKey, ts, body)
	if sig != "v1="+want || len(want) != 64 {
		t.Errorf("signature %q", sig)
	}
}

// Neither the URL nor the signing key leaks through errors, logs, or printing the target.
func TestWebhookNeverLeaksSecrets(t *testing.T) {
	_, w := fixtures.AssertNeverLeaks(t, target)
	fixtures.AssertGoStringHides(t, w, target.Secrets...)
}

func TestCheck(t *testing.T) {
	fixtures.RunChecks(t, Check, []fixtures.CheckCase{
		{Status: 200, Class: deliver.Delivered},
		{Status: 202, Class: deliver.Delivered},
		{Status: 204, Class: deliver.Delivered},
		{Status: 429, Header: http.Header{"Retry-After": {"7"}}, Class: deliver.RateLimited, After: 7 * time.Second},
		{Status: 429, Class: deliver.RateLimited},
		{Status: 503, Header: http.Header{"Retry-After": {"2"}}, Class: deliver.RateLimited, After: 2 * time.Second},
		{Status: 503, Class: deliver.Retryable},
		{Status: 408, Class: deliver.Retryable},
		{Status: 500, Class: deliver.Retryable},
		{Status: 410, Class: deliver.Gone},
		{Status: 400, Class: deliver.Permanent},
		{Status: 401, Class: deliver.Permanent},
		{Status: 404, Class: deliver.Permanent},
		{Status: 413, Class: deliver.Permanent},
		{Status: 301, Class: deliver.Permanent},
	})
}
