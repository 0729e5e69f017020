package actions

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/foghornhq/foghorn/lambda/clock"
)

// Slack signs every request it sends the app: X-Slack-Signature is "v0=" and the hex
// HMAC-SHA256, keyed with the app's signing secret, of "v0:" + X-Slack-Request-Timestamp +
// ":" + the raw body. A request is taken only if the signature matches (compared in constant
// time) and its timestamp is within MaxSkew of the clock, so a captured request cannot be
// replayed later. ("Verifying requests from Slack", docs.slack.dev.)

// Header names, as Slack sends them (HTTP header names are case-insensitive).
const (
	HeaderSignature = "X-Slack-Signature"
	HeaderTimestamp = "X-Slack-Request-Timestamp"
)

// MaxSkew is how far a request's timestamp may be from the clock: Slack's own five minutes.
const MaxSkew = 5 * time.Minute

// Why a request was refused. None of them says anything of the secret or the expected
// signature.
var (
	ErrUnsigned     = errors.New("the request carries no Slack signature or timestamp")
	ErrBadTimestamp = errors.New("the request's timestamp is not a Unix time")
	ErrStale        = errors.New("the request's timestamp is more than five minutes from now")
	ErrBadSignature = errors.New("the request's signature does not match")
)

// Verifier checks Slack's signatures with one signing secret. Printing or logging it shows
// no part of the secret.
type Verifier struct {
	secret []byte
	clock  clock.Clock
}

// NewVerifier returns a verifier for secret on c (nil: the system clock).
func NewVerifier(secret string, c clock.Clock) (*Verifier, error) {
	if strings.TrimSpace(secret) == "" || strings.TrimSpace(secret) != secret {
		return nil, errors.New("actions: the signing secret is empty or has surrounding white space")
	}
	return &Verifier{secret: []byte(secret), clock: clock.Or(c)}, nil
}

// Verify checks a request's signature and timestamp over its raw body.
func (v *Verifier) Verify(timestamp, signature string, body []byte) error {
	if timestamp == "" || signature == "" {
		return ErrUnsigned
	}
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil || ts <= 0 {
		return ErrBadTimestamp
	}
	if d := v.clock.Now().Sub(time.Unix(ts, 0)); d > MaxSkew || d < -MaxSkew {
		return ErrStale
	}
	want := sign(v.secret, timestamp, body)
	if !hmac.Equal([]byte(signature), []byte(want)) {
		return ErrBadSignature
	}
	return nil
}

// Sign is the signature Slack computes for body at timestamp: tests and the fake use it to
// sign requests.
func Sign(secret, timestamp string, body []byte) string {
	return sign([]byte(secret), timestamp, body)
}

func sign(secret []byte, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, secret)
	fmt.Fprintf(m, "v0:%s:", timestamp)
	m.Write(body)
	return "v0=" + hex.EncodeToString(m.Sum(nil))
}

// seal and unseal authenticate the jobs the endpoint hands its own asynchronous invocation,
// with a key derived from the signing secret: only a holder of the secret can make the
// function act, whoever may invoke it.
func (v *Verifier) seal(job []byte) string {
	m := hmac.New(sha256.New, v.secret)
	m.Write([]byte("foghorn-job:v1:"))
	m.Write(job)
	return hex.EncodeToString(m.Sum(nil))
}

func (v *Verifier) unseal(job []byte, seal string) bool {
	return hmac.Equal([]byte(seal), []byte(v.seal(job)))
}

// String keeps the secret out of anything that prints a Verifier.
func (v *Verifier) String() string { return "slack request verifier (secret redacted)" }

// GoString keeps it out of %#v.
func (v *Verifier) GoString() string { return v.String() }

// LogValue keeps it out of structured logs.
func (v *Verifier) LogValue() slog.Value { return slog.StringValue(v.String()) }
