package discord

import (
	"strings"
	"unicode"

	"github.com/foghornhq/foghorn/lambda/text"
)

// Untrusted text reaches Discord markdown in titles, descriptions and field values, so every
// markup character is escaped with a backslash, which Discord documents for its markdown:
// emphasis, code, spoilers, masked links ([label](url)), and the mention and timestamp forms
// that start with "<". Line starts are escaped too, where "#", "-", ">" and "1." open headings,
// lists and quotes. @everyone and @here get a word joiner; allowed_mentions already stops them
// pinging, this stops them looking live. Code blocks take no escapes, so there a zero-width
// space after each backtick keeps a "```" in a log line from closing the block.
//
// Lengths are counted in UTF-16 code units, which is never less than the code points Discord
// counts, so a message that fits here fits there whichever way the service counts.

var broadcasts = []string{"everyone", "here"}

// units is the length of s as limits are counted here (UTF-16 code units).
func units(s string) int {
	n := 0
	for _, r := range s {
		n += runeUnits(r)
	}
	return n
}

func runeUnits(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}

var ellipsisUnits = units(text.Ellipsis)

// token is one rune of clean text in its escaped form, with its length in units.
type token struct {
	s string
	w int
}

// markdownTokens escapes clean text for Discord markdown.
func markdownTokens(s string) []token {
	out := make([]token, 0, len(s))
	lineStart := true
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == '\n':
			out = append(out, token{"\n", 1})
			lineStart = true
			continue
		case lineStart && r == ' ':
			out = append(out, token{" ", 1})
			continue
		case lineStart && strings.ContainsRune("#->+", r) && opensBlock(rs, i+1):
			out = append(out, token{`\` + string(r), 2})
		case lineStart && unicode.IsDigit(r):
			// "1. item" is a list: escape the dot after the number ("99.5" is not).
			j := i
			for j < len(rs) && unicode.IsDigit(rs[j]) {
				out = append(out, token{string(rs[j]), 1})
				j++
			}
			if j < len(rs) && (rs[j] == '.' || rs[j] == ')') && opensBlock(rs, j+1) {
				out = append(out, token{`\` + string(rs[j]), 2})
				j++
			}
			i = j - 1
		case strings.ContainsRune("\\*_~`|[]<", r):
			out = append(out, token{`\` + string(r), 2})
		default:
			out = append(out, token{string(r), runeUnits(r)})
		}
		lineStart = false
	}
	return out
}

// opensBlock reports whether a line-start marker followed by rs[i:] opens a heading, list or
// quote: a space, the end of the line, or another marker ("##", "-#", ">>>") follows it.
func opensBlock(rs []rune, i int) bool {
	return i >= len(rs) || rs[i] == ' ' || rs[i] == '\n' || rs[i] == '#' || rs[i] == '>'
}

// codeTokens readies clean text for the inside of a code block.
func codeTokens(s string) []token {
	out := make([]token, 0, len(s))
	for _, r := range s {
		if r == '`' {
			out = append(out, token{"`" + text.ZeroWidthSpace, 2})
			continue
		}
		out = append(out, token{string(r), runeUnits(r)})
	}
	return out
}

// plainTokens is for fields Discord shows without markdown (the footer).
func plainTokens(s string) []token {
	out := make([]token, 0, len(s))
	for _, r := range s {
		out = append(out, token{string(r), runeUnits(r)})
	}
	return out
}

// join writes tokens cut so the result has at most n units, "…" included when cut. An escape
// is never split from what it escapes.
func join(ts []token, n int) string {
	if n <= 0 {
		return ""
	}
	total := 0
	for _, t := range ts {
		total += t.w
	}
	budget := n
	if total > n {
		budget = n - ellipsisUnits
	}
	var b strings.Builder
	used := 0
	for _, t := range ts {
		if used+t.w > budget {
			break
		}
		b.WriteString(t.s)
		used += t.w
	}
	if total > n {
		b.WriteString(text.Ellipsis)
	}
	return b.String()
}

// md cleans untrusted one-line text, escapes it and cuts it to n units.
func md(s string, n int) string {
	return join(markdownTokens(text.BreakMentions(text.Line(s), broadcasts...)), n)
}

// mdLines is md for text whose line breaks matter.
func mdLines(s string, n int) string {
	return join(markdownTokens(text.BreakMentions(text.Clean(s, true), broadcasts...)), n)
}

// plain cleans untrusted text for a field without markdown and cuts it to n units.
func plain(s string, n int) string {
	return join(plainTokens(text.BreakMentions(text.Line(s), broadcasts...)), n)
}

// code readies one line of untrusted text for a code block, cut to n units.
func code(s string, multiline bool, n int) string {
	// Cleaned as multiline text either way, so that indentation (a stack trace) survives;
	// a single line then loses its breaks.
	c := text.Clean(s, true)
	if !multiline {
		c = strings.ReplaceAll(c, "\n", " ")
	}
	return join(codeTokens(text.BreakMentions(c, broadcasts...)), n)
}
