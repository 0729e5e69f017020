// Package textlimit cuts text to a chat target's limits without ever splitting a rune, marking
// every cut with "…". Slack and Discord count characters, Teams and Google Chat count bytes,
// so both are here; the renderers share it so every target truncates the same way.
package textlimit

import "unicode/utf8"

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

// RunesTail is Runes for text whose end matters more than its start (log tails): it keeps the
// last n-1 runes after a leading Ellipsis.
func RunesTail(s string, n int) string {
	if n <= 0 {
		return ""
	}
	count := utf8.RuneCountInString(s)
	if count <= n {
		return s
	}
	i := len(s)
	for range n - 1 {
		_, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
	}
	return Ellipsis + s[i:]
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
