package logtail

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/foghornhq/foghorn/lambda/text"
)

// ansiEscape matches terminal escape sequences (colours, cursor moves, titles): coloured logs
// are common, and dropping only the ESC byte would leave "[31m" in the text.
var ansiEscape = regexp.MustCompile(`\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])`)

// shaper turns log event messages into the lines an alert shows.
type shaper struct {
	lines     int
	lineBytes int
	redactor  *Redactor
}

// shape returns the last s.lines non-blank lines of messages (oldest first), each stripped of
// escapes and control characters, redacted, and cut to s.lineBytes on a rune boundary; and
// how many lines were cut. A message holding line breaks counts as several lines.
func (s shaper) shape(messages []string) (lines []string, cut int) {
	for i := len(messages) - 1; i >= 0 && len(lines) < s.lines; i-- {
		msg := strings.ToValidUTF8(messages[i], "\uFFFD")
		if strings.IndexByte(msg, 0x1b) >= 0 {
			msg = ansiEscape.ReplaceAllString(msg, "")
		}
		parts := strings.FieldsFunc(msg, func(r rune) bool { return r == '\n' || r == '\r' })
		for j := len(parts) - 1; j >= 0 && len(lines) < s.lines; j-- {
			l, wasCut := s.line(parts[j])
			if l == "" {
				continue
			}
			if wasCut {
				cut++
			}
			lines = append(lines, l)
		}
	}
	for i, j := 0, len(lines)-1; i < j; i, j = i+1, j-1 {
		lines[i], lines[j] = lines[j], lines[i]
	}
	return lines, cut
}

// line cleans, redacts and cuts one line; "" for a blank one.
func (s shaper) line(l string) (string, bool) {
	// Controls go before redaction: a NUL inside a key must not hide it from the rules and
	// then vanish, joining the secret back together. Lines are already split on line breaks,
	// so of what Sanitize keeps only tabs are left.
	l = strings.TrimRightFunc(text.Sanitize(l), unicode.IsSpace)
	if strings.TrimSpace(l) == "" {
		return "", false
	}
	// A line can be 256 KB. Redacting all of it would spend the budget on text nobody sees,
	// so it is cut first, well past the final length, back to a character no secret holds:
	// a secret is never cut in half and then missed by the rules.
	precut := false
	if limit := max(8*s.lineBytes, 4096); len(l) > limit {
		l = l[:runeStart(l, limit)]
		if i := strings.LastIndexFunc(l, func(r rune) bool { return !secretish(r) }); i >= 0 {
			l = l[:i+1]
		}
		precut = true
	}
	l = s.redactor.Redact(l)
	out := text.Bytes(l, s.lineBytes)
	if precut && out == l {
		out = text.Bytes(l+text.Ellipsis, s.lineBytes)
	}
	return out, precut || out != l
}

// secretish reports whether r can be part of a token, key or password.
func secretish(r rune) bool {
	return r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("+/=_-.~%!@#$^&*", r))
}

// runeStart moves i back to the start of the rune holding byte i, so s[:i] ends whole.
func runeStart(s string, i int) int {
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return i
}
