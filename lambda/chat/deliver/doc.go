// Package deliver is the one HTTP client every chat target posts through. It sends a body,
// lets the target classify the answer (each chat service words its errors differently), and
// retries what can be retried within the time the invocation has left: jittered exponential
// backoff for transient failures, Retry-After for rate limits when the wait fits, never for
// permanent errors or dead destinations. Its errors never contain the request URL, because a
// webhook URL is a secret.
//
// Retrying a POST is not idempotent: when the connection fails after the request was sent the
// message may or may not have been posted. The client retries anyway, because a lost alert is
// worse than a duplicated one, and counts each such attempt (Response.Ambiguous,
// Error.Ambiguous, and a warning log line) so duplicates can be explained.
package deliver
