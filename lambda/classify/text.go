package classify

import (
	"strconv"
	"strings"

	"github.com/foghornhq/foghorn/lambda/text"
)

// oneLine sanitizes s and folds all whitespace runs, newlines included, into single spaces.
func oneLine(s string) string {
	if oneCleanLine(s) {
		return s // already one clean line
	}
	return strings.Join(strings.Fields(text.Sanitize(s)), " ")
}

// oneCleanLine reports whether s is printable ASCII (text.Plain) with no space at either end
// and no two spaces together, reading it once, eight bytes at a time rather than three times
// over: every text of every alert passes here, and most are such a line.
func oneCleanLine(s string) bool {
	if len(s) == 0 {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	const ones, highs, lows, spaces = 0x0101010101010101, 0x8080808080808080, 0x7f7f7f7f7f7f7f7f, 0x2020202020202020
	prev := false // the byte before i is a space
	i := 0
	for ; i+8 <= len(s); i += 8 {
		t := s[i : i+8]
		w := uint64(t[0]) | uint64(t[1])<<8 | uint64(t[2])<<16 | uint64(t[3])<<24 |
			uint64(t[4])<<32 | uint64(t[5])<<40 | uint64(t[6])<<48 | uint64(t[7])<<56
		if ((w-ones*0x20)|w|(w+ones))&highs != 0 {
			return false // a byte outside 0x20–0x7e
		}
		// Each byte of w^spaces is below 0x5f: adding 0x7f sets its high bit, with no carry
		// into the next, unless it is zero, that is unless the byte is a space.
		sp := ^((w ^ spaces) + lows) & highs
		if sp&(sp<<8) != 0 || prev && sp&0x80 != 0 {
			return false
		}
		prev = sp>>63 != 0
	}
	for ; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f {
			return false
		}
		if c == ' ' && prev {
			return false
		}
		prev = c == ' '
	}
	return true
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
