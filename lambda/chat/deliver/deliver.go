package deliver

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
	"time"

	"github.com/foghornhq/foghorn/lambda/clock"
)

// Request is one message to post. URL is a secret and is never logged.
type Request struct {
	URL    string
	Header http.Header
	Body   []byte
}

// Response is the last answer received, body cut to Client.MaxBodyBytes.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	// Received is when the answer arrived, on the client's clock; HTTP-date Retry-After
	// values are measured from it.
	Received time.Time
	// Attempts is how many requests were sent; Ambiguous how many of the retried ones may
	// have been posted already (see the package comment).
	Attempts  int
	Ambiguous int
}

// Verdict is a target's reading of one answer.
type Verdict struct {
	Class Class
	// Code is the target's error code (Slack's body string, Discord's numeric code, …), kept
	// short and free of secrets by the checker.
	Code string
	// RetryAfter is the wait the target asked for; 0 means it did not say, and the client
	// then uses its own backoff.
	RetryAfter time.Duration
}

// Checker classifies one answer. Each target supplies its own, since success and failure look
// different on each (Slack's 200 "ok", Teams' 202, Discord's JSON retry_after).
type Checker func(resp Response) Verdict

// Defaults, chosen for a Lambda invocation of tens of seconds.
const (
	DefaultMaxAttempts    = 3
	DefaultBaseDelay      = 500 * time.Millisecond
	DefaultMaxDelay       = 4 * time.Second
	DefaultAttemptTimeout = 10 * time.Second
	DefaultMaxBodyBytes   = 64 << 10
	// DefaultMaxRetryAfter bounds a rate-limit wait when the context has no deadline.
	DefaultMaxRetryAfter = 30 * time.Second
	// DefaultMinAttemptTime is how much time must be left after a wait for the next attempt
	// to be worth making; otherwise the client fails fast and leaves the retry to SQS.
	DefaultMinAttemptTime = time.Second
)

// Client posts requests with bounded retries. The zero value is usable, and so is a nil
// *Client, which posts with the defaults; set fields to tune. A Client is safe for concurrent
// use if its function fields are.
type Client struct {
	// HTTP sends the requests. nil means a client that does not follow redirects (a webhook
	// that redirects is misconfigured, and following would turn the POST into a GET).
	HTTP *http.Client
	// MaxAttempts bounds the requests sent per Do, first one included.
	MaxAttempts int
	// BaseDelay and MaxDelay shape the backoff: BaseDelay·2^(n-1), capped at MaxDelay, then jittered.
	BaseDelay, MaxDelay time.Duration
	// AttemptTimeout caps each attempt, so a hung connection cannot eat the whole invocation.
	AttemptTimeout time.Duration
	// MaxBodyBytes is how much of an answer is read; the rest is drained up to the same amount
	// and dropped. Chat services answer in a few bytes; this guards against a hostile or broken one.
	MaxBodyBytes int64
	// MaxRetryAfter bounds a Retry-After wait when ctx has no deadline.
	MaxRetryAfter time.Duration
	// MinAttemptTime is the least time that must remain after a wait for it to be taken.
	MinAttemptTime time.Duration
	// Sleep waits for d or until ctx is done. Tests inject one that records the waits.
	Sleep func(ctx context.Context, d time.Duration) error
	// Jitter spreads a backoff delay. nil means "equal jitter": a uniform pick in [d/2, d].
	// Retry-After waits are never jittered: the target named the time.
	Jitter func(d time.Duration) time.Duration
	// Clock reads the processing time for HTTP-date Retry-After values and the time answers
	// were received. nil means the system clock. (Time left before the context's deadline is
	// always measured on the wall clock, where deadlines are.)
	Clock clock.Clock
	// Log receives one line per retry and per give-up, never with the URL. nil means silence.
	Log *slog.Logger
	// UserAgent is sent when the request has none.
	UserAgent string
}

var noRedirects = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

func (c *Client) httpClient() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return noRedirects
}

func orDefault[T int | int64 | time.Duration](v, d T) T {
	if v <= 0 {
		return d
	}
	return v
}

func (c *Client) now() time.Time { return clock.Or(c.Clock).Now() }

func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	if c.Sleep != nil {
		return c.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *Client) backoff(attempt int) time.Duration {
	base := orDefault(c.BaseDelay, DefaultBaseDelay)
	maxDelay := orDefault(c.MaxDelay, DefaultMaxDelay)
	d := base
	for i := 1; i < attempt && d < maxDelay; i++ {
		d *= 2
	}
	d = min(d, maxDelay)
	if c.Jitter != nil {
		return c.Jitter(d)
	}
	if d <= 1 {
		return d
	}
	return d/2 + rand.N(d/2+1)
}

// Do sends req until the checker calls it delivered, it fails for good, the attempts run out,
// or the next wait would not fit before ctx's deadline. On success the error is nil; otherwise
// it is an *Error whose Class tells the caller whether the message should come back (RateLimited,
// Retryable) or be dropped with a log line (Permanent, Gone). The response is the last one
// received, if any.
func (c *Client) Do(ctx context.Context, req Request, check Checker) (Response, error) {
	if c == nil {
		c = &Client{}
	}
	if check == nil {
		check = DefaultChecker
	}
	maxAttempts := orDefault(c.MaxAttempts, DefaultMaxAttempts)
	var (
		last      Response
		ambiguous int
	)
	for attempt := 1; ; attempt++ {
		resp, sent, err := c.once(ctx, req)
		resp.Attempts, resp.Ambiguous = attempt, ambiguous
		var v Verdict
		if err != nil {
			v = Verdict{Class: transportClass(err)}
		} else {
			last = resp
			v = check(resp)
		}
		if v.Class == Delivered {
			return resp, nil
		}
		// Err stays nil when an answer was classified: class, status and code say it all.
		fail := &Error{Class: v.Class, Status: resp.Status, Code: v.Code, RetryAfter: v.RetryAfter,
			Attempts: attempt, Ambiguous: ambiguous, Err: err}
		last.Attempts, last.Ambiguous = attempt, ambiguous
		if ctx.Err() != nil {
			// The invocation's own time is up: whatever happened, the message must come back.
			fail.Class, fail.Err = Retryable, errors.Join(fail.Err, ctx.Err())
			return last, c.giveUp(ctx, fail, "context done")
		}
		if v.Class == Permanent || v.Class == Gone {
			return last, c.giveUp(ctx, fail, "not retryable")
		}
		if attempt >= maxAttempts {
			return last, c.giveUp(ctx, fail, "attempts exhausted")
		}
		wait := c.backoff(attempt)
		if v.Class == RateLimited && v.RetryAfter > 0 {
			wait = v.RetryAfter
		}
		if !c.fits(ctx, wait) {
			return last, c.giveUp(ctx, fail, "wait does not fit in the time left")
		}
		// An attempt that failed after the request went out may have been posted: retrying it
		// risks a duplicate, which we accept and count (see the package comment).
		if err != nil && sent {
			ambiguous++
			c.log(ctx, slog.LevelWarn, "retrying a request that may have been delivered",
				"attempt", attempt, "error", err.Error())
		}
		c.log(ctx, slog.LevelInfo, "delivery retry", "attempt", attempt, "class", v.Class.String(),
			"status", resp.Status, "code", v.Code, "wait", wait)
		if err := c.sleep(ctx, wait); err != nil {
			fail.Class, fail.Err = Retryable, errors.Join(fail.Err, err)
			fail.Ambiguous = ambiguous
			return last, c.giveUp(ctx, fail, "context done while waiting")
		}
	}
}

// fits reports whether waiting d still leaves time for an attempt before ctx's deadline.
func (c *Client) fits(ctx context.Context, d time.Duration) bool {
	deadline, ok := ctx.Deadline()
	if !ok {
		return d <= orDefault(c.MaxRetryAfter, DefaultMaxRetryAfter)
	}
	left := clock.Until(deadline)
	return d+orDefault(c.MinAttemptTime, DefaultMinAttemptTime) <= left
}

func (c *Client) giveUp(ctx context.Context, e *Error, why string) *Error {
	level := slog.LevelWarn
	if e.Class == Gone || e.Class == Permanent {
		level = slog.LevelError
	}
	c.log(ctx, level, "delivery failed", "why", why, "class", e.Class.String(), "status", e.Status,
		"code", e.Code, "attempts", e.Attempts, "ambiguous", e.Ambiguous, "retryAfter", e.RetryAfter)
	return e
}

func (c *Client) log(ctx context.Context, level slog.Level, msg string, args ...any) {
	if c.Log != nil {
		c.Log.Log(ctx, level, msg, args...)
	}
}

// once sends one attempt. sent reports whether the whole request was written before an error,
// which is when its outcome is unknown. Errors are redacted.
func (c *Client) once(ctx context.Context, req Request) (resp Response, sent bool, err error) {
	actx, cancel := context.WithTimeout(ctx, orDefault(c.AttemptTimeout, DefaultAttemptTimeout))
	defer cancel()
	// WroteRequest runs on the transport's writer goroutine, hence the atomic.
	var wrote atomic.Bool
	trace := &httptrace.ClientTrace{WroteRequest: func(i httptrace.WroteRequestInfo) {
		if i.Err == nil {
			wrote.Store(true)
		}
	}}
	hreq, err := http.NewRequestWithContext(httptrace.WithClientTrace(actx, trace), http.MethodPost, req.URL, bytes.NewReader(req.Body))
	if err != nil {
		return Response{}, false, &permanentError{Redact(err)}
	}
	for k, vs := range req.Header {
		hreq.Header[k] = append([]string(nil), vs...)
	}
	if hreq.Header.Get("Content-Type") == "" {
		hreq.Header.Set("Content-Type", "application/json")
	}
	if hreq.Header.Get("User-Agent") == "" && c.UserAgent != "" {
		hreq.Header.Set("User-Agent", c.UserAgent)
	}
	hresp, err := c.httpClient().Do(hreq)
	if err != nil {
		return Response{}, wrote.Load(), Redact(err)
	}
	limit := orDefault(c.MaxBodyBytes, DefaultMaxBodyBytes)
	body, rerr := io.ReadAll(io.LimitReader(hresp.Body, limit))
	// Drain a little so the connection can be reused; a body larger than that is dropped with it.
	_, _ = io.CopyN(io.Discard, hresp.Body, limit)
	_ = hresp.Body.Close()
	resp = Response{Status: hresp.StatusCode, Header: hresp.Header, Body: body, Received: c.now()}
	if rerr != nil {
		// A cut answer says nothing reliable, even with a 200: the request was sent, outcome unknown.
		return resp, true, fmt.Errorf("reading the answer (status %d): %w", hresp.StatusCode, Redact(rerr))
	}
	return resp, true, nil
}

// permanentError marks failures before anything was sent (a malformed URL): retrying cannot help.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return "building the request: " + e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// transportClass reads a failure that produced no answer. Timeouts, resets, refused
// connections and cut bodies are transient; a bad URL or a certificate that does not verify
// will not fix itself within a retry.
func transportClass(err error) Class {
	var pe *permanentError
	if errors.As(err, &pe) {
		return Permanent
	}
	var (
		unknownAuthority x509.UnknownAuthorityError
		hostname         x509.HostnameError
		invalid          x509.CertificateInvalidError
		verify           *tls.CertificateVerificationError
	)
	if errors.As(err, &unknownAuthority) || errors.As(err, &hostname) || errors.As(err, &invalid) || errors.As(err, &verify) {
		return Permanent
	}
	return Retryable
}
