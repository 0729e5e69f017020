package chatfake

import (
	"math"
	"strconv"
	"time"
)

// Rate is a token bucket: PerSecond tokens refill each second, up to Burst. A zero Rate is off.
type Rate struct {
	PerSecond float64 `json:"per_second"`
	Burst     int     `json:"burst"`
}

func (r Rate) on() bool { return r.PerSecond > 0 }

type bucket struct {
	tokens float64
	last   time.Time
}

// take spends a token at now, or says how long until one is there.
func (b *bucket) take(r Rate, now time.Time) time.Duration {
	burst := float64(max(r.Burst, 1))
	if b.last.IsZero() {
		b.tokens, b.last = burst, now
	}
	if el := now.Sub(b.last).Seconds(); el > 0 {
		b.tokens = math.Min(burst, b.tokens+el*r.PerSecond)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return 0
	}
	return time.Duration((1 - b.tokens) / r.PerSecond * float64(time.Second))
}

// retryAfterSeconds rounds a wait up to whole seconds, at least 1, as Slack's header does.
func retryAfterSeconds(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}

// withRetryAfter is r with a Retry-After header of wait in whole seconds (retryAfterSeconds).
func withRetryAfter(r Reply, wait time.Duration) Reply {
	r.Header.Set("Retry-After", strconv.Itoa(retryAfterSeconds(wait)))
	return r
}
