package deliver

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// DefaultChecker classifies by status alone, for targets with no quirks: 2xx delivered;
// 429 rate limited (with Retry-After); 408 and 5xx retryable; anything else permanent.
// Redirects count as permanent because the client does not follow them.
func DefaultChecker(resp Response) Verdict {
	switch s := resp.Status; {
	case s >= 200 && s < 300:
		return Verdict{Class: Delivered}
	case s == http.StatusTooManyRequests:
		return Verdict{Class: RateLimited, RetryAfter: RetryAfter(resp)}
	case s == http.StatusRequestTimeout || s >= 500:
		return Verdict{Class: Retryable}
	}
	return Verdict{Class: Permanent}
}

// RetryAfter reads the answer's Retry-After header, measuring an HTTP-date from when the
// answer was received. 0 means absent, malformed or already past.
func RetryAfter(resp Response) time.Duration {
	now := resp.Received
	if now.IsZero() {
		now = time.Now()
	}
	d, _ := ParseRetryAfter(resp.Header.Get("Retry-After"), now)
	return d
}

// ParseRetryAfter reads a Retry-After value as RFC 9110 §10.2.3 defines it: delay-seconds or an
// HTTP-date, the latter measured from now. ok is false when the value is missing or malformed;
// a date in the past gives 0 with ok true. Discord's JSON retry_after (a float) is read by its
// own checker, not here.
func ParseRetryAfter(v string, now time.Time) (d time.Duration, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseUint(v, 10, 64); err == nil {
		// Anything beyond a day is nonsense for a chat service; the cap keeps the
		// multiplication from overflowing.
		const maxSecs = 24 * 60 * 60
		return time.Duration(min(secs, maxSecs)) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	if d := t.Sub(now); d > 0 {
		return d, true
	}
	return 0, true
}
