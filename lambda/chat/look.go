package chat

import (
	"fmt"
	"strings"
	"time"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/text"
)

// The shared look: what every renderer says about an alert and in which order (the title, the
// why, the small print), and how a severity shows. Each renderer then escapes for its own
// markup and cuts to its own limits; nothing here knows a wire format.

// Look is how a severity shows on targets with Unicode emoji and RGB colours.
type Look struct {
	Color uint32 // 0xRRGGBB
	Emoji string
	Label string
}

var looks = map[alert.Severity]Look{
	alert.Critical: {0xD40E0D, "🚨", "CRITICAL"},
	alert.Warning:  {0xF2A51A, "⚠️", "WARNING"},
	alert.Info:     {0x1D7BD8, "ℹ️", "INFO"},
	alert.Resolved: {0x2EB67D, "✅", "RESOLVED"},
}

var unknownLook = Look{0x8C8C8C, "❔", "UNKNOWN"}

// LookOf returns the look of s; an unknown severity gets a grey question mark, never an error.
func LookOf(s alert.Severity) Look {
	if l, ok := looks[s]; ok {
		return l
	}
	return unknownLook
}

// Title is what a message's heading says: the title, else the summary, else the kind.
func Title(a alert.Alert) string {
	return text.FirstNonBlank(a.Title, a.Summary, string(a.Kind), "foghorn alert")
}

// Headline is the notification line: the summary, else the title.
func Headline(a alert.Alert) string {
	return text.FirstNonBlank(a.Summary, a.Title, string(a.Kind), "foghorn alert")
}

// Detail is one piece of the why: an optional label and untrusted text.
type Detail struct {
	Label     string // foghorn's own words; "" for the reason sentence
	Text      string // untrusted, not yet cleaned
	Multiline bool
}

// Why lists what explains an alert, most telling first: the reason sentence, then the codes
// and reasons it came from (each only when it adds something), then each container's ending.
// With none of those, the summary stands in when it says more than the title.
func Why(a alert.Alert) []Detail { return AppendWhy(nil, &a) }

// AppendWhy appends Why's details to out: a renderer that passes room of its own makes no list.
func AppendWhy(out []Detail, a *alert.Alert) []Detail {
	r := &a.Reason
	first := len(out)
	reason, lined := "", false
	if !text.Blank(r.Text) {
		out = append(out, Detail{Text: r.Text, Multiline: true})
	}
	for _, d := range []struct{ label, value string }{
		{"Stop code", r.StopCode},
		{"Stopped reason", r.StoppedReason},
		{"Deployment", r.Deployment},
		{"Alarm reason", r.Alarm},
	} {
		if text.Blank(d.value) {
			continue
		}
		if !lined {
			reason, lined = text.Line(r.Text), true // once, not for each code
		}
		if text.Line(d.value) == reason {
			continue
		}
		out = append(out, Detail{Label: d.label, Text: d.value})
	}
	for _, c := range r.Containers {
		out = append(out, Detail{Label: "•", Text: ContainerLine(c)})
	}
	if len(out) == first && !text.Blank(a.Summary) && text.Line(a.Summary) != text.Line(a.Title) {
		out = append(out, Detail{Text: a.Summary, Multiline: true})
	}
	return out
}

// ContainerLine is one container's ending: "web: exit 137: OutOfMemoryError…".
func ContainerLine(c alert.Container) string {
	parts := []string{text.FirstNonBlank(c.Name, "container")}
	if c.ExitCode != nil {
		parts = append(parts, fmt.Sprintf("exit %d", *c.ExitCode))
	} else if c.Status != "" {
		parts = append(parts, strings.ToLower(c.Status))
	}
	if c.Reason != "" {
		parts = append(parts, c.Reason)
	}
	return strings.Join(parts, ": ")
}

// Context is the small print, in order: severity label, the AWS event it came from, region,
// account, time, event count. Origin, region and account are untrusted; the rest is foghorn's
// own text.
type Context struct {
	Label   string
	Origin  string // "ECS Service Action: SERVICE_TASK_PLACEMENT_FAILURE": a team searches its channel for it
	Region  string
	Account string
	Time    string // "2026-08-30 12:00:00 UTC", or ""
	Count   string // "3 events", or ""
}

// ContextOf returns a's small print.
func ContextOf(a alert.Alert) Context {
	c := Context{Label: LookOf(a.Severity).Label, Origin: a.Origin, Region: a.Identity.Region, Account: a.Identity.Account}
	if !a.Time.IsZero() {
		var b [len(time.DateTime) + len(" UTC")]byte
		c.Time = string(append(a.Time.UTC().AppendFormat(b[:0], time.DateTime), " UTC"...))
	}
	if a.Count > 1 {
		c.Count = fmt.Sprintf("%d events", a.Count)
	}
	return c
}

// NotShown says what was left out: "3 more facts not shown", "1 link not shown".
func NotShown(n int, one, many string) string {
	if n <= 0 {
		return ""
	}
	if n == 1 {
		return "1 " + one + " not shown"
	}
	return fmt.Sprintf("%d %s not shown", n, many)
}
