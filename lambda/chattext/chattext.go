// Package chattext is what the chat renderers share about an alert's text: cleaning untrusted
// strings, breaking broadcast mentions, vetting link URLs, deciding what an alert says and in
// which order (the why, the facts and links shown, the log tail, the small print), cutting
// escaped text, and shrinking a message until it fits (layout.go). Each renderer then escapes
// for its own markup and cuts to its own limits; nothing here knows a wire format.
//
// Slack's renderer came first and keeps its own cleaning and link rules (see slack/text.go);
// it shares the look, the small print and the log tail.
//
// Everything an event carries is untrusted: a stopped reason, an alarm description or a log
// line is written by whoever can make AWS emit it.
package chattext

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/foghornhq/foghorn/lambda/alert"
)

// WordJoiner is invisible; placed after an "@" it stops a chat service reading "@everyone" as a
// mention while the text still reads the same.
const WordJoiner = "\u2060"

// ZeroWidthSpace is invisible; renderers place it inside markup characters (a backtick, a "]")
// so that untrusted text cannot open or close formatting.
const ZeroWidthSpace = "\u200b"

// MaxInput bounds the work done on one untrusted string: no renderer shows more than a few
// kilobytes of any field, so Clean drops what lies beyond before doing anything else.
const MaxInput = 64 << 10

// Clean makes untrusted text safe to place anywhere: invalid UTF-8 becomes U+FFFD, control
// and bidirectional-override characters go (tabs become spaces; newlines stay only when
// multiline). Single-line text is trimmed; multiline text loses trailing blanks only, so
// indentation (a stack trace) survives.
func Clean(s string, multiline bool) string {
	if len(s) > MaxInput {
		// Whatever is cut here is past every renderer's own budget, so the renderer's cut,
		// with its "…", still marks it; a rune split here becomes U+FFFD out of sight.
		s = s[:MaxInput]
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n' && multiline:
			b.WriteRune(r)
		case r == '\n' || r == '\t' || r == '\r':
			b.WriteByte(' ')
		case unicode.IsControl(r), IsBidiControl(r), r == '\u2028', r == '\u2029':
			// U+2028 and U+2029 are line breaks to some renderers and not to others.
		default:
			b.WriteRune(r)
		}
	}
	if multiline {
		return strings.TrimRight(b.String(), " \n")
	}
	return strings.TrimSpace(b.String())
}

// Line is Clean for one-line text with whitespace runs collapsed (titles, labels).
func Line(s string) string { return strings.Join(strings.Fields(Clean(s, false)), " ") }

// IsBidiControl spots the embedding, override and isolate controls, which can make text read
// differently from what it is (a reversed file name, a spoofed URL label).
func IsBidiControl(r rune) bool {
	return (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069') || r == '\u200e' || r == '\u200f'
}

// BreakMentions puts a word joiner after every "@" that starts one of words (case-insensitive),
// so "@everyone" shows as written and pings nobody.
func BreakMentions(s string, words ...string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		b.WriteByte(s[i])
		if s[i] != '@' {
			continue
		}
		rest := s[i+1:]
		for _, w := range words {
			if len(rest) >= len(w) && strings.EqualFold(rest[:len(w)], w) {
				b.WriteString(WordJoiner)
				break
			}
		}
	}
	return b.String()
}

// FirstNonBlank returns the first of ss with visible text, or "".
func FirstNonBlank(ss ...string) string {
	for _, s := range ss {
		if Line(s) != "" {
			return s
		}
	}
	return ""
}

// LinkURL returns raw as a URL safe to put in a link or button, or false. Characters that may
// not appear in a URL unencoded (RFC 3986) mean the link is not what it claims, so it is
// refused rather than repaired; non-ASCII (an IRI) and the characters in encode are
// percent-encoded. Only absolute http(s) URLs within maxLen bytes pass: a cut URL would lead
// somewhere else.
func LinkURL(raw string, maxLen int, encode string) (string, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" || !utf8.ValidString(raw) {
		return "", false
	}
	for _, r := range raw {
		if r <= ' ' || r == 0x7f || strings.ContainsRune("<>\"{}|\\^`", r) || IsBidiControl(r) || unicode.IsControl(r) {
			return "", false
		}
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", false
	}
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c >= 0x80 || strings.IndexByte(encode, c) >= 0 {
			fmt.Fprintf(&b, "%%%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	if b.Len() > maxLen {
		return "", false
	}
	return b.String(), true
}

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
	return FirstNonBlank(a.Title, a.Summary, string(a.Kind), "foghorn alert")
}

// Headline is the notification line: the summary, else the title.
func Headline(a alert.Alert) string {
	return FirstNonBlank(a.Summary, a.Title, string(a.Kind), "foghorn alert")
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
func Why(a alert.Alert) []Detail {
	r := a.Reason
	var out []Detail
	if Line(r.Text) != "" {
		out = append(out, Detail{Text: r.Text, Multiline: true})
	}
	for _, d := range []struct{ label, value string }{
		{"Stop code", r.StopCode},
		{"Stopped reason", r.StoppedReason},
		{"Deployment", r.Deployment},
		{"Alarm reason", r.Alarm},
	} {
		if Line(d.value) == "" || Line(d.value) == Line(r.Text) {
			continue
		}
		out = append(out, Detail{Label: d.label, Text: d.value})
	}
	for _, c := range r.Containers {
		out = append(out, Detail{Label: "•", Text: ContainerLine(c)})
	}
	if len(out) == 0 && Line(a.Summary) != "" && Line(a.Summary) != Line(a.Title) {
		out = append(out, Detail{Text: a.Summary, Multiline: true})
	}
	return out
}

// ContainerLine is one container's ending: "web: exit 137: OutOfMemoryError…".
func ContainerLine(c alert.Container) string {
	parts := []string{FirstNonBlank(c.Name, "container")}
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
		c.Time = a.Time.UTC().Format(time.DateTime) + " UTC"
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
