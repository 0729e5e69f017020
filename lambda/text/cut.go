package text

import (
	"strings"
	"unicode/utf8"
)

// Cutting never splits a rune and marks every cut with "…". Slack and Discord count
// characters, Teams and Google Chat count bytes, so both are here; every target truncates the
// same way.

// Ellipsis marks a cut. It is one rune and three bytes, and counts toward the limit.
const Ellipsis = "…"

// Runes returns s if it has at most n runes; otherwise its first n-1 runes followed by
// Ellipsis, so the result has exactly n runes. n <= 0 gives "".
func Runes(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if len(s) <= n || utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for range n - 1 {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i] + Ellipsis
}

// Bytes returns s if it is at most n bytes long; otherwise the longest prefix that ends on a
// rune boundary and leaves room for Ellipsis, followed by Ellipsis. When n is too small to hold
// the marker the prefix is returned bare. n <= 0 gives "".
func Bytes(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if len(s) <= n {
		return s
	}
	if n < len(Ellipsis) {
		return s[:runeStart(s, n)]
	}
	return s[:runeStart(s, n-len(Ellipsis))] + Ellipsis
}

// runeStart moves i back to the start of the rune that holds byte i, so s[:i] ends whole.
func runeStart(s string, i int) int {
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return i
}

// CutEscaped cuts escaped text to n bytes with "…", never inside a rune and never between a
// character and the ZeroWidthSpace that guards it; inside, when not nil, reports more places a
// cut may not fall (within an HTML entity). n too small to hold the "…" gives "".
func CutEscaped(s string, n int, inside func(s string, i int) bool) string {
	if len(s) <= n {
		return s
	}
	if n < len(Ellipsis) {
		return ""
	}
	i := n - len(Ellipsis)
	for i > 0 && !canCut(s, i, inside) {
		i--
	}
	return s[:i] + Ellipsis
}

func canCut(s string, i int, inside func(s string, i int) bool) bool {
	if i < len(s) && (s[i]&0xC0) == 0x80 {
		return false // inside a rune
	}
	if strings.HasPrefix(s[i:], ZeroWidthSpace) {
		return false
	}
	return inside == nil || !inside(s, i)
}
