package text

import "strings"

// WordJoiner is invisible; placed after an "@" it stops a chat service reading "@everyone" as a
// mention while the text still reads the same.
const WordJoiner = "\u2060"

// ZeroWidthSpace is invisible; renderers place it inside markup characters (a backtick, a "]")
// so that untrusted text cannot open or close formatting.
const ZeroWidthSpace = "\u200b"

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
