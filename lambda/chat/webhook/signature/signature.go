// Package signature signs and verifies foghorn's generic webhook requests: an HMAC-SHA256 over
// "v1:<timestamp>:<raw body>", sent as X-Foghorn-Signature: v1=<hex> beside
// X-Foghorn-Timestamp: <unix seconds>. The timestamp is signed so a captured request cannot be
// replayed after the tolerance; the version prefix lets the scheme change without ambiguity.
//
// It imports nothing of foghorn's, so a receiver (or the fake chat server) can use it alone.
// lambda/chat/webhook re-exports Verify and documents the scheme in SCHEMA.md.
package signature

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Header names and the scheme version.
const (
	HeaderTimestamp = "X-Foghorn-Timestamp"
	HeaderSignature = "X-Foghorn-Signature"
	Version         = "v1"
	// DefaultTolerance is how far the timestamp may be from the receiver's clock, either way.
	DefaultTolerance = 5 * time.Minute
)

// Verification failures. Receivers should answer 401 to each and log which it was.
var (
	ErrNoSecret  = errors.New("signature: no signing secret configured")
	ErrMissing   = errors.New("signature: missing " + HeaderTimestamp + " or " + HeaderSignature)
	ErrTimestamp = errors.New("signature: malformed timestamp")
	ErrExpired   = errors.New("signature: timestamp outside the tolerance (stale, replayed or clock skew)")
	ErrMismatch  = errors.New("signature: no v1 signature matches the body")
)

// Compute returns the hex HMAC-SHA256 of "v1:<timestamp>:<body>" under secret.
func Compute(secret, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(Version + ":" + timestamp + ":"))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Sign returns the two headers for body sent at now.
func Sign(secret string, body []byte, now time.Time) http.Header {
	ts := strconv.FormatInt(now.Unix(), 10)
	return http.Header{
		HeaderTimestamp: {ts},
		HeaderSignature: {Version + "=" + Compute(secret, ts, body)},
	}
}

// Verify checks that h signs body under secret and that its timestamp is within tolerance of
// now (DefaultTolerance when tolerance <= 0). The signature header may hold several
// comma-separated "v1=<hex>" entries (a sender rotating keys); one match is enough. Body must
// be the raw bytes received, before any parsing. Comparison is in constant time.
func Verify(secret string, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	if secret == "" {
		return ErrNoSecret
	}
	ts, sig := strings.TrimSpace(h.Get(HeaderTimestamp)), h.Get(HeaderSignature)
	if ts == "" || strings.TrimSpace(sig) == "" {
		return ErrMissing
	}
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || secs < 0 {
		return ErrTimestamp
	}
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	skew := now.Sub(time.Unix(secs, 0))
	if skew > tolerance || skew < -tolerance {
		return ErrExpired
	}
	want := []byte(Compute(secret, ts, body))
	for _, part := range strings.Split(sig, ",") {
		v, hexsig, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok && v == Version && hmac.Equal([]byte(strings.ToLower(hexsig)), want) {
			return nil
		}
	}
	return ErrMismatch
}
