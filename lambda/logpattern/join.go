package logpattern

import (
	"regexp"
	"strings"
	"sync"
	"time"
)

// JoinGap is how close in time the events of one stack trace are: a runtime writes a trace
// in one go, so its lines carry (nearly) the same timestamp.
const JoinGap = 2 * time.Second

// HeaderGap is how close an exception line must follow a plain line to be taken as that
// line's exception ("ERROR Failed to charge" then "com.acme.PaymentException: …"): a logger
// writes both in one call. Two unrelated errors a second apart stay apart.
const HeaderGap = 100 * time.Millisecond

// Join groups the events of one log stream, in the order they arrived, into occurrences: an
// event that continues a stack trace (a frame, "Caused by:", the exception line closing a
// Python traceback, a Go panic's goroutine dump) joins the occurrence before it when it came
// within JoinGap. Every event ends in exactly one occurrence.
//
// A trace written as one event (the awslogs driver's multiline pattern) is one occurrence
// anyway. Subscription filters send only the lines their pattern matches, so a trace often
// arrives as its head and its exception line alone; those two are still joined.
func Join(lines []Line) []Occurrence {
	var out []Occurrence
	open := traceNone
	for _, l := range lines {
		if n := len(out); n > 0 {
			last := out[n-1].Lines[len(out[n-1].Lines)-1]
			if gap := l.Time.Sub(last.Time).Abs(); gap <= JoinGap && continues(open, l.Message, gap) {
				out[n-1].Lines = append(out[n-1].Lines, l)
				open = next(open, l.Message)
				continue
			}
		}
		out = append(out, Occurrence{Lines: []Line{l}})
		open = next(traceNone, l.Message)
	}
	return out
}

// trace is what kind of trace the occurrence so far has opened.
type trace int

const (
	traceNone   trace = iota // a plain line: a trace may still follow it
	tracePython              // "Traceback (most recent call last):" seen, its exception not yet
	traceJava                // an exception line or a frame seen
	traceGo                  // "panic:" seen
	traceClosed              // a Python traceback's last line: only a chained one may follow
)

var (
	// Java, Kotlin and JavaScript frames: "\tat com.acme.Pay.charge(Pay.java:1)", "    at
	// requireEnv (/app/src/config.ts:27:11)".
	javaFrame = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^\s+at \S|^\s*\.\.\. \d+ (?:more|common frames omitted)$`)
	})
	goFrame = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^goroutine \d+ \[|^\s*\S+\.go:\d+(?: \+0x[0-9a-f]+)?$|^[\w./*()\[\]-]+\(.*\)$|^\[signal |^created by `)
	})
	pythonTail = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(?:During handling of the above exception|The above exception was the direct cause)`)
	})
)

// continues reports whether msg, gap after the last line, carries on the trace of an
// occurrence in state open.
func continues(open trace, msg string, gap time.Duration) bool {
	line, _, _ := strings.Cut(msg, "\n")
	trimmed := strings.TrimSpace(line)
	switch {
	case trimmed == "":
		return open != traceNone
	case strings.HasPrefix(trimmed, "Traceback (most recent call last)"):
		// logging.exception writes its message, then the traceback.
		return open == traceNone || open == traceClosed
	case pythonTail().MatchString(trimmed):
		return open == traceClosed
	}
	switch open {
	case tracePython:
		return true // frames, source lines, then the exception line
	case traceGo:
		return goFrame().MatchString(trimmed) || line[0] == '\t' || strings.HasPrefix(trimmed, "[recovered]") || strings.HasPrefix(trimmed, "panic: ")
	case traceJava:
		return javaFrame().MatchString(line) || strings.HasPrefix(trimmed, "Caused by: ") || strings.HasPrefix(trimmed, "Suppressed: ")
	case traceNone:
		// A header line's exception follows it: "ERROR Failed to charge" then
		// "com.acme.PaymentException: declined".
		if gap > HeaderGap {
			return false
		}
		if _, _, ok := javaException(trimmed); ok {
			return true
		}
		if _, _, ok := exceptionLine(line); ok {
			return true
		}
		return javaFrame().MatchString(line)
	}
	return false
}

// next is the trace state after msg joined (or started) an occurrence.
func next(open trace, msg string) trace {
	line, _, _ := strings.Cut(msg, "\n")
	trimmed := strings.TrimSpace(line)
	switch {
	case strings.HasPrefix(trimmed, "Traceback (most recent call last)"):
		return tracePython
	case strings.HasPrefix(trimmed, "panic: ") || strings.HasPrefix(trimmed, "fatal error: "):
		return traceGo
	case open == tracePython:
		if _, _, ok := exceptionLine(line); ok {
			return traceClosed
		}
		return tracePython
	case open == traceClosed && pythonTail().MatchString(trimmed):
		return traceClosed
	case open == traceGo:
		return traceGo
	}
	if _, _, ok := javaException(strings.TrimPrefix(trimmed, "Caused by: ")); ok || javaFrame().MatchString(line) {
		return traceJava
	}
	if open == traceJava {
		return traceJava
	}
	return traceNone
}
