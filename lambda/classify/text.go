package classify

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/foghornhq/foghorn/lambda/textlimit"
)

// Excerpt returns the start of an untrusted body for display: invalid UTF-8 replaced, control
// and bidirectional-override characters removed (newline and tab kept), at most max bytes and
// never a split rune. It does not escape markup; every renderer does that for its own target.
func Excerpt(b []byte, max int) string {
	return textlimit.Bytes(Sanitize(string(b)), max)
}

// Sanitize replaces invalid UTF-8 with U+FFFD and drops control characters other than newline
// and tab, and the bidirectional controls that can make text read differently from what it is.
func Sanitize(s string) string {
	if printableASCII(s, true) {
		return s // the common case: nothing to replace or drop
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case unicode.IsControl(r), isBidiControl(r):
			return -1
		}
		return r
	}, s)
}

func isBidiControl(r rune) bool {
	return r == '\u061C' || r == '\u200E' || r == '\u200F' || (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069')
}

// oneLine sanitizes s and folds all whitespace runs, newlines included, into single spaces.
func oneLine(s string) string {
	if printableASCII(s, false) && !strings.Contains(s, "  ") && strings.TrimSpace(s) == s {
		return s // already one clean line
	}
	return strings.Join(strings.Fields(Sanitize(s)), " ")
}

// printableASCII reports whether s is plain printable ASCII (with newlines and tabs when
// lines is set): text Sanitize would return unchanged.
func printableASCII(s string, lines bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			continue
		}
		if lines && (c == '\n' || c == '\t') {
			continue
		}
		return false
	}
	return true
}

// shorten cuts s to at most max bytes on a rune boundary, ending with "…" when it cut, and
// drops the spaces the cut leaves before the "…".
func shorten(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := strings.TrimSuffix(textlimit.Bytes(s, max), textlimit.Ellipsis)
	return strings.TrimRight(cut, " ") + textlimit.Ellipsis
}

// firstSentence returns the first sentence of s, for long descriptions.
func firstSentence(s string) string {
	s = oneLine(s)
	for i := 0; i < len(s)-1; i++ {
		if (s[i] == '.' || s[i] == '!' || s[i] == '?') && s[i+1] == ' ' {
			return s[:i+1]
		}
	}
	return s
}

// number formats a metric value or threshold the way a person writes it: 99.5, 0.0206, 45628.
func number(v float64) string {
	if v >= 1000 || v <= -1000 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

func sizeText(n int) string {
	if n == 1 {
		return "1 byte"
	}
	return strconv.Itoa(n) + " bytes"
}

// plural returns "1 task", "2 tasks".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
