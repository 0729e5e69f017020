package deliver

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/foghornhq/foghorn/lambda/clock"
)

// DefaultChecker classifies by status alone, for targets with no quirks: 2xx delivered;
// 429 rate limited (with Retry-After); 408 and 5xx retryable; anything else permanent.
// Redirects count as permanent because the client does not follow them.
func DefaultChecker(resp Response) Verdict { return CheckStatus(resp, "") }

// CheckStatus is DefaultChecker for targets whose answers differ only in which statuses mean
// the destination is gone and in the error code their bodies carry: the statuses in gone are
// gone, and every verdict but Delivered carries code (which the caller has read from the body
// and vetted).
func CheckStatus(resp Response, code string, gone ...int) Verdict {
	switch s := resp.Status; {
	case s >= 200 && s < 300:
		return Verdict{Class: Delivered}
	case s == http.StatusTooManyRequests:
		return Verdict{Class: RateLimited, Code: code, RetryAfter: RetryAfter(resp)}
	case slices.Contains(gone, s):
		return Verdict{Class: Gone, Code: code}
	case s == http.StatusRequestTimeout || s >= 500:
		return Verdict{Class: Retryable, Code: code}
	}
	return Verdict{Class: Permanent, Code: code}
}

// RetryAfter reads the answer's Retry-After header, measuring an HTTP-date from when the
// answer was received. 0 means absent, malformed or already past.
func RetryAfter(resp Response) time.Duration {
	d, _ := ParseRetryAfter(resp.Header.Get("Retry-After"), cmp.Or(resp.Received, clock.System.Now()))
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
