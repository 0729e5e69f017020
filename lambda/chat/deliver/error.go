package deliver

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Class is what a delivery outcome means for the caller: done, try later, or give up.
type Class int

const (
	// Delivered: the target accepted the message.
	Delivered Class = iota
	// RateLimited: the target asked us to wait; RetryAfter says how long when it said.
	RateLimited
	// Retryable: a transient failure (5xx, timeout, reset, truncated answer); a later try may work.
	Retryable
	// Permanent: the request itself is wrong (bad payload, forbidden); retrying cannot help.
	Permanent
	// Gone: the destination no longer exists (webhook revoked, channel archived or deleted).
	// Never retry; tell an operator.
	Gone
)

func (c Class) String() string {
	switch c {
	case Delivered:
		return "delivered"
	case RateLimited:
		return "rate-limited"
	case Retryable:
		return "retryable"
	case Permanent:
		return "permanent"
	case Gone:
		return "gone"
	}
	return fmt.Sprintf("class(%d)", int(c))
}

// Error is a failed delivery. Its text never holds the request URL, because webhook URLs are
// secrets: transport errors are redacted before they are wrapped.
type Error struct {
	Class  Class
	Status int    // HTTP status of the last answer; 0 when none came
	Code   string // the target's own error code, e.g. Slack's channel_is_archived
	// RetryAfter is how long the target asked us to wait (0 if it did not say). The caller can
	// use it to delay redelivery when the wait did not fit in this invocation.
	RetryAfter time.Duration
	Attempts   int // requests sent, including the last
	// Ambiguous counts attempts whose outcome is unknown (the request was sent, then the
	// connection failed or timed out) and that were retried anyway: each may be a duplicate post.
	Ambiguous int
	Err       error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("deliver: ")
	b.WriteString(e.Class.String())
	if e.Status != 0 {
		fmt.Fprintf(&b, ", status %d", e.Status)
	}
	if e.Code != "" {
		fmt.Fprintf(&b, ", code %s", e.Code)
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, ", retry after %s", e.RetryAfter)
	}
	fmt.Fprintf(&b, ", after %d attempt", e.Attempts)
	if e.Attempts != 1 {
		b.WriteString("s")
	}
	if e.Ambiguous > 0 {
		fmt.Fprintf(&b, " (%d possibly duplicated)", e.Ambiguous)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// ClassOf tells what err means for delivery: nil is Delivered, an *Error its own class, a
// cancelled or expired context Retryable (the message should come back later), anything else
// Permanent (a bug such as a payload that would not render).
func ClassOf(err error) Class {
	if err == nil {
		return Delivered
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Class
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return Retryable
	}
	return Permanent
}

// redacted replaces the URL in a *url.Error so that the error can be logged and returned:
// net/http puts the whole request URL, secret path and query included, into its errors.
const redacted = "<redacted>"

// Redact returns err with the URL of any *url.Error in its chain replaced, as Alertmanager's
// notify.RedactURL does. It copies rather than edits, because the error may be shared.
func Redact(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	if ue.URL == redacted {
		return err
	}
	// The chain above the *url.Error is not ours to rebuild; the client only ever sees the
	// *url.Error at the top, which is the case that matters.
	if top, ok := err.(*url.Error); ok {
		return &url.Error{Op: top.Op, URL: redacted, Err: top.Err}
	}
	return fmt.Errorf("%s %s: %w", ue.Op, redacted, ue.Err)
}
