package slack

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/foghornhq/foghorn/lambda/text"
)

// Everything an event carries is untrusted: a container's stopped reason, an alarm
// description and a log line are written by whoever can make AWS emit them. So every such
// string goes through clean (valid UTF-8, no control characters, no live broadcast mentions)
// and, where Slack parses mrkdwn, through escape (&, <, > as entities, which is Slack's
// documented rule and what stops <!channel> and forged <url|label> links).
//
// These rules came before chattext's and differ from them in ways a reader can see: clean keeps
// tabs in multiline text (a stack trace's indentation), removes fewer invisible characters
// (U+200E, U+200F, U+2028 and U+2029 stay) and reads the whole string, and buttonURL takes links
// with such characters, percent-encoded. Moving Slack onto chattext's rules would change what it
// shows, so they stay here; what is the same on every target (the look, the small print, the
// log tail) comes from chat.

// wordJoiner is invisible and breaks the word "@here" so Slack cannot read it as a mention.
const wordJoiner = "\u2060"

// zeroWidthSpace after each backtick keeps untrusted text from opening or closing code
// formatting: inside a ``` block it cannot close the block, elsewhere it cannot open one that
// swallows the lines after it.
const zeroWidthSpace = "\u200b"

var broadcasts = []string{"here", "channel", "everyone"}

// clean makes untrusted text safe to place anywhere: invalid UTF-8 becomes U+FFFD, control
// characters go (tabs become spaces; newlines stay only when multiline), and @here, @channel and
// @everyone get a word joiner after the "@". Plain-text fields need nothing more.
func clean(s string, multiline bool) string {
	if plainASCII(s, multiline) {
		return s // the common case: nothing to drop, break or trim
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range s {
		switch {
		case (r == '\n' || r == '\t') && multiline:
			b.WriteRune(r)
		case r == '\n' || r == '\t' || r == '\r':
			b.WriteByte(' ')
		case unicode.IsControl(r), isBidiControl(r):
		case r == '@' && isBroadcast(s[i+1:]):
			b.WriteString("@" + wordJoiner)
		default:
			b.WriteRune(r)
		}
	}
	if multiline {
		return strings.TrimRight(b.String(), " \n")
	}
	return strings.TrimSpace(b.String())
}

// isBidiControl spots the embedding, override and isolate controls, which can make text read
// differently from what it is (a reversed file name, a spoofed URL label).
func isBidiControl(r rune) bool {
	return (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069')
}

func isBroadcast(rest string) bool {
	for _, w := range broadcasts {
		if len(rest) >= len(w) && strings.EqualFold(rest[:len(w)], w) {
			return true
		}
	}
	return false
}

// line is clean for one-line plain text (header, button label): whitespace runs collapse.
func line(s string) string {
	return strings.Join(strings.Fields(clean(s, false)), " ")
}

// plain cleans s for a plain_text field and cuts it to n runes.
func plain(s string, n int) string {
	return text.Runes(line(s), n)
}

// escaped returns the mrkdwn form of one rune of clean text and its length in runes.
func escaped(r rune) (string, int) {
	switch r {
	case '&':
		return "&amp;", 5
	case '<':
		return "&lt;", 4
	case '>':
		return "&gt;", 4
	case '`':
		return "`" + zeroWidthSpace, 2
	}
	return string(r), 1
}

// escapeCut escapes clean text for mrkdwn and cuts it so the escaped form, which is what Slack
// counts, has at most n runes, "…" included. An entity or a backtick's guard is never split.
func escapeCut(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if len(s) <= n && !strings.ContainsAny(s, "&<>`") {
		return s // fits, and nothing to escape: every rune is at most one byte's worth
	}
	total := 0
	for _, r := range s {
		_, w := escaped(r)
		total += w
	}
	budget := n
	if total > n {
		budget = n - utf8.RuneCountInString(text.Ellipsis)
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	used := 0
	for _, r := range s {
		_, w := escaped(r)
		if used+w > budget {
			break
		}
		if w == 1 {
			b.WriteRune(r) // no escape: skip escaped's string conversion
		} else {
			e, _ := escaped(r)
			b.WriteString(e)
		}
		used += w
	}
	if total > n {
		b.WriteString(text.Ellipsis)
	}
	return b.String()
}

// mrkdwn cleans and escapes untrusted one-line text and cuts it to n runes.
func mrkdwn(s string, n int) string { return escapeCut(clean(s, false), n) }

// mrkdwnLines is mrkdwn for text whose line breaks matter.
func mrkdwnLines(s string, n int) string { return escapeCut(clean(s, true), n) }

// section builds a mrkdwn text out of trusted markup and untrusted pieces within a rune budget.
// Markup is never cut: a piece that does not fit is cut, and once the budget is spent every
// later piece is dropped, so the result never exceeds it.
type section struct {
	b    strings.Builder
	left int
	full bool
}

func newSection(budget int) *section { return &section{left: budget} }

func (s *section) markup(m string) bool {
	if s.full {
		return false
	}
	// Keep room for at least one rune of what follows, or the "…" that says it was cut.
	if n := utf8.RuneCountInString(m); n+1 <= s.left {
		s.b.WriteString(m)
		s.left -= n
		return true
	}
	s.stop()
	return false
}

// text appends already escaped text (from escapeCut), cutting nothing: callers size it with room().
func (s *section) text(esc string) {
	if s.full {
		return
	}
	s.b.WriteString(esc)
	s.left -= utf8.RuneCountInString(esc)
	if s.left <= 0 {
		s.full = true
	}
}

// add appends markup then untrusted text cut to at most max runes and to what is left.
func (s *section) add(m, untrusted string, max int, multiline bool) {
	if !s.markup(m) {
		return
	}
	limit := min(max, s.left)
	var esc string
	if multiline {
		esc = mrkdwnLines(untrusted, limit)
	} else {
		esc = mrkdwn(untrusted, limit)
	}
	s.text(esc)
	if limit < max && strings.HasSuffix(esc, text.Ellipsis) {
		// Cut by the section's budget rather than the piece's own cap: nothing more fits.
		s.full = true
	}
}

func (s *section) stop() {
	if !s.full && s.left >= 1 && !strings.HasSuffix(s.b.String(), text.Ellipsis) {
		s.b.WriteString(text.Ellipsis)
		s.left--
	}
	s.full = true
}

func (s *section) String() string { return s.b.String() }

// plainASCII reports whether clean would return s unchanged: printable ASCII (newlines and
// tabs too when multiline) with no '@' that could start a broadcast, and nothing to trim.
func plainASCII(s string, multiline bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '@':
			return false
		case c >= 0x20 && c < 0x7f:
		case multiline && c == '\n':
		default:
			return false
		}
	}
	if multiline {
		return strings.TrimRight(s, " \n") == s
	}
	return strings.TrimSpace(s) == s
}
