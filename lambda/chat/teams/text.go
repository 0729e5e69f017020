package teams

import (
	"strings"
	"unicode"

	"github.com/foghornhq/foghorn/lambda/text"
)

// TextBlocks and facts render a subset of Markdown (bold, italic, lists, [title](url) links)
// and the {{DATE()}} and {{TIME()}} functions; Teams parses that subset with more than one
// parser (web, desktop, mobile), and not every one honours backslash escapes. So untrusted text
// is neutralised with an invisible zero-width space instead: after every "]" (no masked link
// can form), after every "*" (no emphasis), between "{{" (no function), and before a list
// marker at the start of a line. Mentions need entities in the card, which foghorn never sends,
// so "<at>" in text stays text.
//
// Sizes are in bytes of UTF-8, because the limit Teams enforces is on the request body.

const zws = text.ZeroWidthSpace

// escape neutralises clean one-line text for a TextBlock or a fact.
func escape(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	rs := []rune(s)
	if listMarker(rs) {
		b.WriteString(zws)
	}
	for i, r := range rs {
		b.WriteRune(r)
		switch {
		case r == ']' || r == '*':
			b.WriteString(zws)
		case r == '{' && i+1 < len(rs) && rs[i+1] == '{':
			b.WriteString(zws)
		}
	}
	return b.String()
}

// listMarker reports whether a line opens a list: "- ", "+ ", "* " or "1. " after up to three
// spaces.
func listMarker(rs []rune) bool {
	i := 0
	for i < len(rs) && i < 3 && rs[i] == ' ' {
		i++
	}
	if i < len(rs) && strings.ContainsRune("-+*", rs[i]) {
		return i+1 == len(rs) || rs[i+1] == ' '
	}
	j := i
	for j < len(rs) && unicode.IsDigit(rs[j]) {
		j++
	}
	return j > i && j < len(rs) && (rs[j] == '.' || rs[j] == ')') && (j+1 == len(rs) || rs[j+1] == ' ')
}

// cut cuts escaped text to n bytes with "…", never inside a rune and never between a
// character and the zero-width space that guards it.
func cut(s string, n int) string { return text.CutEscaped(s, n, nil) }

// inline cleans, breaks mentions in, escapes and cuts one line of untrusted text to n bytes.
func inline(s string, n int) string {
	return cut(escape(text.BreakMentions(text.Line(s), "channel", "everyone", "here")), n)
}

// lines is inline for each line of untrusted multiline text, keeping leading indentation and
// dropping blank lines (a TextBlock cannot be empty).
func lines(s string, n int) []string {
	var out []string
	for _, l := range text.Lines(s) {
		out = append(out, cut(escape(text.BreakMentions(l, "channel", "everyone", "here")), n))
	}
	return out
}

// plain cleans text for places without markup (action titles, the fallback text), cut to n bytes.
func plain(s string, n int) string {
	return text.Bytes(text.Line(s), n)
}
