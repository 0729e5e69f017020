package classify

import (
	"strconv"
	"strings"

	"github.com/foghornhq/foghorn/lambda/text"
)

// oneLine sanitizes s and folds all whitespace runs, newlines included, into single spaces.
func oneLine(s string) string {
	if text.Plain(s) && !strings.Contains(s, "  ") && strings.TrimSpace(s) == s {
		return s // already one clean line
	}
	return strings.Join(strings.Fields(text.Sanitize(s)), " ")
}

// shorten cuts s to at most max bytes on a rune boundary, ending with "…" when it cut, and
// drops the spaces the cut leaves before the "…".
func shorten(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := strings.TrimSuffix(text.Bytes(s, max), text.Ellipsis)
	return strings.TrimRight(cut, " ") + text.Ellipsis
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
	var buf [32]byte
	return string(appendNumber(buf[:0], v))
}

// appendNumber appends number(v) to b.
func appendNumber(b []byte, v float64) []byte {
	if v >= 1000 || v <= -1000 {
		return strconv.AppendFloat(b, v, 'f', 0, 64)
	}
	return strconv.AppendFloat(b, v, 'g', 4, 64)
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
