// Package clock is the notifier's one sense of processing time: when a record is handled, how
// long state is kept, when a delivery deadline falls. It is passed in at construction, so tests
// and the demo run on any date.
//
// Event time is not here: it is what an event says (alert.Alert.Time), and it decides windows,
// folding and mute windows. The two must not be confused: a record redriven from the DLQ days
// later is processed now but happened then.
package clock

import (
	"sync"
	"time"
)

// Clock tells the processing time.
type Clock interface{ Now() time.Time }

// System is the wall clock, the only one production uses. It is the one place in the notifier
// that reads time.Now.
var System Clock = system{}

type system struct{}

func (system) Now() time.Time { return time.Now() }

// Or returns c, or System when c is nil.
func Or(c Clock) Clock {
	if c == nil {
		return System
	}
	return c
}

// Fake is a Clock that moves only when told to: tests, and the demo. Safe for concurrent use.
type Fake struct {
	mu sync.Mutex
	t  time.Time
}

// NewFake returns a clock stopped at t.
func NewFake(t time.Time) *Fake { return &Fake{t: t} }

// Now implements Clock.
func (c *Fake) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *Fake) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// Advance moves the clock forward by d.
func (c *Fake) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Until is the time left before a context's deadline. Deadlines (Lambda's, and the timeouts
// derived from it) are always on the wall clock, whatever clock the notifier was given, so
// they are measured on it here rather than on a Clock.
func Until(deadline time.Time) time.Duration { return time.Until(deadline) }
