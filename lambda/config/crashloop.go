package config

import (
	"fmt"
	"time"
)

// CrashLoop tunes how task failures fold into crash-loop and deployment stories.
type CrashLoop struct {
	// Threshold failures of one service within Window make a crash loop. Default 3.
	Threshold int `json:"threshold,omitempty"`
	// Window is how far back failures count. Default 10 minutes.
	Window Duration `json:"window,omitempty"`
	// DigestInterval is the least time between two follow-up digests of one story on
	// targets that cannot edit a message. Default 5 minutes.
	DigestInterval Duration `json:"digestInterval,omitempty"`
}

// Defaults fills unset fields.
func (c CrashLoop) Defaults() CrashLoop {
	if c.Threshold == 0 {
		c.Threshold = 3
	}
	if c.Window == 0 {
		c.Window = Duration(10 * time.Minute)
	}
	if c.DigestInterval == 0 {
		c.DigestInterval = Duration(5 * time.Minute)
	}
	return c
}

// problems lists every field out of range, keyed by its name in the document.
func (c CrashLoop) problems() []*Error {
	var out []*Error
	minutes := func(key string, d Duration) {
		if v := time.Duration(d); v < 0 || (v > 0 && v < time.Minute) || v > 24*time.Hour {
			out = append(out, &Error{Key: key, Message: fmt.Sprintf("%s is out of range (allowed: 1m–24h)", v)})
		}
	}
	if c.Threshold < 0 || c.Threshold == 1 || c.Threshold > 100 {
		out = append(out, &Error{Key: "crashLoop.threshold", Message: fmt.Sprintf("%d is out of range (allowed: 2–100; 0 for the default 3)", c.Threshold)})
	}
	minutes("crashLoop.window", c.Window)
	minutes("crashLoop.digestInterval", c.DigestInterval)
	return out
}

// Validate reports every field out of range.
func (c CrashLoop) Validate() error { return join(c.problems()) }
