package slack

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/text"
)

// Everything an event carries is untrusted: a container's stopped reason, an alarm
// description and a log line are written by whoever can make AWS emit them. So every such
// string is cleaned by the one rule of package text, with @here, @channel and @everyone
// broken, and, where Slack parses mrkdwn, escaped (&, <, > as entities, which is Slack's
// documented rule and what stops <!channel> and forged <url|label> links).

var broadcasts = []string{"here", "channel", "everyone"}

// clean is text.Clean with Slack's broadcast mentions broken: plain-text fields need nothing
// more.
func clean(s string, multiline bool) string {
	return text.BreakMentions(text.Clean(s, multiline), broadcasts...)
}

// line is clean for one-line plain text (header, button label): whitespace runs collapse.
func line(s string) string { return text.BreakMentions(text.Line(s), broadcasts...) }

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
		// A zero-width space after each backtick keeps untrusted text from opening or closing
		// code formatting: inside a ``` block it cannot close the block, elsewhere it cannot
		// open one that swallows the lines after it.
		return "`" + text.ZeroWidthSpace, 2
	}
	return string(r), 1
}

// escapes marks the bytes escaped changes.
var escapes = [256]bool{'&': true, '<': true, '>': true, '`': true}

// hasEscapes reports whether s holds a byte escaped changes: strings.ContainsAny with the
// set made once rather than at every call, eight bytes at a time.
func hasEscapes(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		if escapeWord(w) {
			return true
		}
	}
	for ; i < len(s); i++ {
		if escapes[s[i]] {
			return true
		}
	}
	return false
}

// escapeWord reports whether a byte of w is '&', '<', '>' or '`': whether w made zero where it
// holds one of them has a zero byte. '<' and '>' differ in one bit, so one test finds both. A
// borrow crosses into the next byte only from a zero byte, so none is found where there is none.
func escapeWord(w uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	amp, angle, tick := w^(ones*'&'), (w|ones*2)^(ones*'>'), w^(ones*'`')
	return ((amp-ones)&^amp|(angle-ones)&^angle|(tick-ones)&^tick)&highs != 0
}

// escapeCut escapes clean text for mrkdwn and cuts it so the escaped form, which is what Slack
// counts, has at most n runes, "…" included. An entity or a backtick's guard is never split.
func escapeCut(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if len(s) <= n && !hasEscapes(s) {
		return s // fits, and nothing to escape: every rune is at most one byte's worth
	}
	total := escapedRunes(s)
	budget := n
	if total > n {
		budget = n - utf8.RuneCountInString(text.Ellipsis)
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	used := 0
	for _, r := range s {
		w := escapedWidth(r)
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

// escapedWidth is the length in runes of escaped(r), without making its string.
func escapedWidth(r rune) int {
	if r < utf8.RuneSelf {
		return int(widths[r])
	}
	return 1
}

// widths are the lengths in runes of the ASCII bytes escaped.
var widths = func() (t [utf8.RuneSelf]uint8) {
	for c := range t {
		_, w := escaped(rune(c))
		t[c] = uint8(w)
	}
	return t
}()

// escapedRunes is the length in runes of s escaped: each escape is ASCII, so it adds its width
// less one to the count of runes.
func escapedRunes(s string) int {
	n := utf8.RuneCountInString(s)
	for i := 0; i < len(s); i++ {
		if escapes[s[i]] {
			n += int(widths[s[i]]) - 1
		}
	}
	return n
}

// appendEscapeCut appends escapeCut(s, n) as a JSON string holds it, straight from s, and
// returns its length in runes, or -1 when it is s whole and count is not set: runs that need
// no mrkdwn escape are JSON-escaped whole, and an entity or a backtick's guard needs no JSON
// escape.
func appendEscapeCut(b []byte, s string, n int, count bool) ([]byte, int) {
	if n <= 0 {
		return b, 0
	}
	if len(s) <= n && !hasEscapes(s) {
		runes := -1
		if count {
			runes = utf8.RuneCountInString(s)
		}
		return chat.AppendStringContents(b, s), runes
	}
	total := escapedRunes(s)
	budget := n
	if total > n {
		budget = n - utf8.RuneCountInString(text.Ellipsis)
	}
	used, from, i := 0, 0, 0 // s[from:i] is written as it is
	for i < len(s) {
		c := s[i]
		if c >= utf8.RuneSelf {
			if used+1 > budget {
				break
			}
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
			used++
			continue
		}
		w := int(widths[c])
		if used+w > budget {
			break
		}
		if w > 1 {
			e, _ := escaped(rune(c))
			b = append(chat.AppendStringContents(b, s[from:i]), e...)
			from = i + 1
		}
		i++
		used += w
	}
	b = chat.AppendStringContents(b, s[from:i])
	if total > n {
		b = append(b, text.Ellipsis...)
		used++
	}
	return b, used
}

// mrkdwn cleans and escapes untrusted one-line text and cuts it to n runes.
func mrkdwn(s string, n int) string { return escapeCut(clean(s, false), n) }

// mrkdwnLines is mrkdwn for text whose line breaks matter.
func mrkdwnLines(s string, n int) string { return escapeCut(clean(s, true), n) }

// section writes a mrkdwn text out of trusted markup and untrusted pieces within a rune
// budget, JSON-escaped, straight into the message. Markup is never cut: a piece that does not
// fit is cut, and once the budget is spent every later piece is dropped, so the text never
// exceeds it.
type section struct {
	b     []byte
	start int // where the text begins in b
	left  int
	full  bool
}

// markup appends the markup m1+m2+m3+m4, written in parts so that it is never joined first.
func (s *section) markup(m1, m2, m3, m4 string) bool {
	if s.full {
		return false
	}
	// Keep room for at least one rune of what follows, or the "…" that says it was cut.
	if n := runes(m1) + runes(m2) + runes(m3) + runes(m4); n+1 <= s.left {
		for _, m := range [...]string{m1, m2, m3, m4} {
			s.b = chat.AppendStringContents(s.b, m)
		}
		s.left -= n
		return true
	}
	s.stop()
	return false
}

// add appends markup then untrusted text cut to at most max runes and to what is left.
func (s *section) add(m1, m2, m3, m4, untrusted string, max int, multiline bool) {
	if !s.markup(m1, m2, m3, m4) {
		return
	}
	limit := min(max, s.left)
	at := len(s.b)
	var n int
	s.b, n = appendEscapeCut(s.b, clean(untrusted, multiline), limit, true)
	s.left -= n
	if s.left <= 0 {
		s.full = true
	}
	if limit < max && bytes.HasSuffix(s.b[at:], []byte(text.Ellipsis)) {
		// Cut by the section's budget rather than the piece's own cap: nothing more fits.
		s.full = true
	}
}

// stop marks the text full, ending it with "…" unless it ends with one. JSON escapes none of
// the "…" and end in ASCII, so the written text ends with one exactly when the text does.
func (s *section) stop() {
	if !s.full && s.left >= 1 && !bytes.HasSuffix(s.b[s.start:], []byte(text.Ellipsis)) {
		s.b = append(s.b, text.Ellipsis...)
		s.left--
	}
	s.full = true
}
