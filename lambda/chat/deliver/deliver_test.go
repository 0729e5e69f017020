package deliver

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/internal/chatfake"
)

func TestClassString(t *testing.T) {
	want := map[Class]string{Delivered: "delivered", RateLimited: "rate-limited", Retryable: "retryable",
		Permanent: "permanent", Gone: "gone", Class(42): "class(42)"}
	for c, s := range want {
		if c.String() != s {
			t.Errorf("%d: %q, want %q", int(c), c.String(), s)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 8, 30, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in string
		d  time.Duration
		ok bool
	}{
		{"", 0, false},
		{"  ", 0, false},
		{"5", 5 * time.Second, true},
		{" 7 ", 7 * time.Second, true},
		{"0", 0, true},
		{"3600", time.Hour, true},
		{"99999999", 24 * time.Hour, true}, // capped, no overflow
		{"-1", 0, false},
		{"1.5", 0, false}, // RFC 9110 allows only whole seconds; Discord's float is read elsewhere
		{"soon", 0, false},
		{"Sun, 30 Aug 2026 12:00:05 GMT", 5 * time.Second, true},
		{"Sunday, 30-Aug-26 12:00:10 GMT", 10 * time.Second, true}, // RFC 850, still allowed
		{"Sun Aug 30 12:00:15 2026", 15 * time.Second, true},       // asctime
		{"Sun, 30 Aug 2026 11:59:00 GMT", 0, true},                 // past: no wait
	} {
		d, ok := ParseRetryAfter(tc.in, now)
		if d != tc.d || ok != tc.ok {
			t.Errorf("ParseRetryAfter(%q) = %v, %v; want %v, %v", tc.in, d, ok, tc.d, tc.ok)
		}
	}
}

func TestDefaultChecker(t *testing.T) {
	for _, tc := range []struct {
		status int
		header http.Header
		want   Verdict
	}{
		{200, nil, Verdict{Class: Delivered}},
		{202, nil, Verdict{Class: Delivered}},
		{204, nil, Verdict{Class: Delivered}},
		{301, nil, Verdict{Class: Permanent}},
		{400, nil, Verdict{Class: Permanent}},
		{404, nil, Verdict{Class: Permanent}},
		{408, nil, Verdict{Class: Retryable}},
		{413, nil, Verdict{Class: Permanent}},
		{429, http.Header{"Retry-After": {"3"}}, Verdict{Class: RateLimited, RetryAfter: 3 * time.Second}},
		{429, nil, Verdict{Class: RateLimited}},
		{500, nil, Verdict{Class: Retryable}},
		{502, nil, Verdict{Class: Retryable}},
	} {
		if got := DefaultChecker(Response{Status: tc.status, Header: tc.header}); got != tc.want {
			t.Errorf("%d: %+v, want %+v", tc.status, got, tc.want)
		}
	}
}

func TestCheckStatus(t *testing.T) {
	for _, tc := range []struct {
		status int
		want   Verdict
	}{
		{202, Verdict{Class: Delivered}},
		{429, Verdict{Class: RateLimited, Code: "X"}},
		{404, Verdict{Class: Gone, Code: "X"}},
		{410, Verdict{Class: Gone, Code: "X"}},
		{403, Verdict{Class: Permanent, Code: "X"}},
		{503, Verdict{Class: Retryable, Code: "X"}},
	} {
		if got := CheckStatus(Response{Status: tc.status}, "X", 404, 410); got != tc.want {
			t.Errorf("%d: %+v, want %+v", tc.status, got, tc.want)
		}
	}
}

func TestClassOf(t *testing.T) {
	gone := &Error{Class: Gone, Status: 410, Code: "channel_is_archived", Attempts: 1}
	for _, tc := range []struct {
		err  error
		want Class
	}{
		{nil, Delivered},
		{gone, Gone},
		{fmt.Errorf("posting: %w", gone), Gone},
		{context.Canceled, Retryable},
		{fmt.Errorf("x: %w", context.DeadlineExceeded), Retryable},
		{errors.New("render failed"), Permanent},
	} {
		if got := ClassOf(tc.err); got != tc.want {
			t.Errorf("ClassOf(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

func TestErrorText(t *testing.T) {
	inner := errors.New("boom")
	e := &Error{Class: RateLimited, Status: 429, Code: "ratelimited", RetryAfter: time.Hour, Attempts: 2, Ambiguous: 1, Err: inner}
	want := "deliver: rate-limited, status 429, code ratelimited, retry after 1h0m0s, after 2 attempts (1 possibly duplicated): boom"
	if e.Error() != want {
		t.Errorf("got  %q\nwant %q", e.Error(), want)
	}
	if !errors.Is(e, inner) {
		t.Error("Unwrap does not reach the cause")
	}
}

func TestRedact(t *testing.T) {
	const secret = "https://hooks.slack.example/services/TFAKE/BFAKE/fake-secret-for-tests"
	top := &url.Error{Op: "Post", URL: secret, Err: context.DeadlineExceeded}
	for _, err := range []error{top, fmt.Errorf("wrapped: %w", top)} {
		r := Redact(err)
		if strings.Contains(r.Error(), "fake-secret") {
			t.Errorf("Redact(%v) = %v", err, r)
		}
		if !errors.Is(r, context.DeadlineExceeded) {
			t.Errorf("Redact lost the cause: %v", r)
		}
	}
	if top.URL != secret {
		t.Error("Redact edited the caller's error")
	}
	plain := errors.New("plain")
	if Redact(plain) != plain {
		t.Error("Redact changed an error without a URL")
	}
}

func TestBackoff(t *testing.T) {
	c := &Client{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second, Jitter: func(d time.Duration) time.Duration { return d }}
	var got []time.Duration
	for n := 1; n <= 6; n++ {
		got = append(got, c.backoff(n))
	}
	want := []time.Duration{100, 200, 400, 800, 1000, 1000}
	for i := range want {
		want[i] *= time.Millisecond
	}
	if !slices.Equal(got, want) {
		t.Errorf("backoff %v, want %v", got, want)
	}
	c.Jitter = nil // equal jitter: within [d/2, d]
	for range 200 {
		if d := c.backoff(3); d < 200*time.Millisecond || d > 400*time.Millisecond {
			t.Fatalf("jittered backoff %v outside [200ms, 400ms]", d)
		}
	}
}

// recorder is an injected Sleep that records and does not wait.
type recorder struct {
	mu    sync.Mutex
	waits []time.Duration
	err   error
}

func (r *recorder) sleep(ctx context.Context, d time.Duration) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.waits = append(r.waits, d)
	if r.err != nil {
		return r.err
	}
	return ctx.Err()
}

func newClient(rec *recorder) *Client {
	return &Client{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second, AttemptTimeout: 5 * time.Second,
		Jitter: func(d time.Duration) time.Duration { return d }, Sleep: rec.sleep}
}

func TestDoRetriesThenDelivers(t *testing.T) {
	fake := chatfake.New(chatfake.Options{})
	defer fake.Close()
	url := fake.SlackWebhookURL("retry")
	fake.Script(url, chatfake.Empty(503), chatfake.Answer(500, "x"))
	rec := &recorder{}
	resp, err := newClient(rec).Do(context.Background(), Request{URL: url, Body: []byte(`{"text":"hi"}`),
		Header: http.Header{"X-Test": {"1"}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 200 || string(resp.Body) != "ok" || resp.Attempts != 3 || resp.Ambiguous != 0 {
		t.Errorf("response %+v", resp)
	}
	if !slices.Equal(rec.waits, []time.Duration{100 * time.Millisecond, 200 * time.Millisecond}) {
		t.Errorf("waits %v", rec.waits)
	}
	reqs := fake.Requests(url)
	if len(reqs) != 3 {
		t.Fatalf("%d requests", len(reqs))
	}
	for _, r := range reqs {
		if r.Header.Get("Content-Type") != "application/json" || r.Header.Get("X-Test") != "1" || string(r.Body) != `{"text":"hi"}` {
			t.Errorf("request sent as %v %q", r.Header, r.Body)
		}
	}
}

func TestDoNeverRetriesPermanent(t *testing.T) {
	fake := chatfake.New(chatfake.Options{})
	defer fake.Close()
	url := fake.SlackWebhookURL("permanent")
	rec := &recorder{}
	_, err := newClient(rec).Do(context.Background(), Request{URL: url, Body: []byte(`not json`)}, nil)
	var e *Error
	if !errors.As(err, &e) || e.Class != Permanent || e.Status != 400 || e.Attempts != 1 {
		t.Fatalf("err %v", err)
	}
	if len(rec.waits) != 0 || len(fake.Requests()) != 1 {
		t.Errorf("retried: waits %v, %d requests", rec.waits, len(fake.Requests()))
	}
}

func TestDoRetryAfterWithoutDeadlineIsBounded(t *testing.T) {
	fake := chatfake.New(chatfake.Options{})
	defer fake.Close()
	url := fake.SlackWebhookURL("no-deadline")
	fake.Script(url, chatfake.RateLimited("60"))
	rec := &recorder{}
	c := newClient(rec)
	c.MaxRetryAfter = 30 * time.Second
	_, err := c.Do(context.Background(), Request{URL: url, Body: []byte(`{"text":"x"}`)}, nil)
	var e *Error
	if !errors.As(err, &e) || e.Class != RateLimited || e.RetryAfter != time.Minute {
		t.Fatalf("err %v", err)
	}
	if len(rec.waits) != 0 {
		t.Errorf("waited %v", rec.waits)
	}
}

func TestDoStopsWhenContextEndsWhileWaiting(t *testing.T) {
	fake := chatfake.New(chatfake.Options{})
	defer fake.Close()
	url := fake.SlackWebhookURL("cancel")
	fake.Script(url, chatfake.Empty(503).Forever())
	rec := &recorder{err: context.Canceled}
	_, err := newClient(rec).Do(context.Background(), Request{URL: url, Body: []byte(`{"text":"x"}`)}, nil)
	if ClassOf(err) != Retryable || !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
	if len(fake.Requests()) != 1 {
		t.Errorf("%d requests after the context ended", len(fake.Requests()))
	}
}

func TestDoCancelledContextSendsNothingMore(t *testing.T) {
	fake := chatfake.New(chatfake.Options{})
	defer fake.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := newClient(&recorder{}).Do(ctx, Request{URL: fake.SlackWebhookURL("x"), Body: []byte(`{}`)}, nil)
	if ClassOf(err) != Retryable {
		t.Fatalf("err %v", err)
	}
	var e *Error
	if errors.As(err, &e) && e.Attempts != 1 {
		t.Errorf("%d attempts", e.Attempts)
	}
}

func TestDoReadsBoundedBody(t *testing.T) {
	fake := chatfake.New(chatfake.Options{})
	defer fake.Close()
	url := fake.SlackWebhookURL("big")
	fake.Script(url, chatfake.Answer(200, strings.Repeat("x", 1<<20)))
	c := newClient(&recorder{})
	c.MaxBodyBytes = 16
	resp, err := c.Do(context.Background(), Request{URL: url, Body: []byte(`{"text":"x"}`)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Body) != 16 {
		t.Errorf("read %d bytes, want 16", len(resp.Body))
	}
}

func TestDoMalformedURLIsPermanentAndRedacted(t *testing.T) {
	const u = "http://127.0.0.1:1/services/TFAKE/BFAKE/fake-secret-for-tests/\x00"
	rec := &recorder{}
	_, err := newClient(rec).Do(context.Background(), Request{URL: u}, nil)
	if ClassOf(err) != Permanent || len(rec.waits) != 0 {
		t.Fatalf("err %v, waits %v", err, rec.waits)
	}
	if strings.Contains(err.Error(), "fake-secret") {
		t.Errorf("error leaks the URL: %v", err)
	}
}

// A nil client posts with the defaults; a Hook sends with the Content-Type it is given, and
// neither its printing nor its errors show the URL.
func TestHookSendsWithANilClient(t *testing.T) {
	fake := chatfake.New(chatfake.Options{})
	defer fake.Close()
	url := fake.SlackWebhookURL("hook")
	h := Hook{Kind: "test hook", URL: url}
	if err := h.Send(context.Background(), url, "application/json; charset=utf-8", []byte(`{"text":"x"}`), nil); err != nil {
		t.Fatal(err)
	}
	reqs := fake.Requests(url)
	if len(reqs) != 1 || reqs[0].Header.Get("Content-Type") != "application/json; charset=utf-8" {
		t.Fatalf("requests %+v", reqs)
	}
	if s := fmt.Sprintf("%v %s %+v", h, h.String(), h.LogValue()); strings.Contains(s, url) || !strings.Contains(s, "test hook (url redacted)") {
		t.Errorf("printed %q", s)
	}
	fake.Close()
	err := Hook{URL: url, Client: &Client{MaxAttempts: 1}}.Send(context.Background(), url, "application/json", nil, nil)
	if ClassOf(err) != Retryable || strings.Contains(err.Error(), url) {
		t.Errorf("closed server: %v", err)
	}
}
