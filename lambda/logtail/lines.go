package logtail

import (
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/foghornhq/foghorn/lambda/text"
)

// ansiEscape matches terminal escape sequences (colours, cursor moves, titles): coloured logs
// are common, and dropping only the ESC byte would leave "[31m" in the text.
var ansiEscape = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])`)
})

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
			msg = ansiEscape().ReplaceAllString(msg, "")
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
	l, precut := s.redactor.Clean(l, max(8*s.lineBytes, 4096))
	if strings.TrimSpace(l) == "" {
		return "", false
	}
	out := text.Bytes(l, s.lineBytes)
	if precut && out == l {
		out = text.Bytes(l+text.Ellipsis, s.lineBytes)
	}
	return out, precut || out != l
}

// Clean makes one line of a log, already split at its line breaks, safe to read and to show:
// terminal escapes and the characters text.Unsafe names go (tabs stay), trailing space goes,
// then every secret r knows. A line longer than limit bytes is first cut back to limit, at a
// character no secret holds, and cut says so. The log tail and the log patterns
// (lambda/logpattern) both read lines through it.
func (r *Redactor) Clean(l string, limit int) (line string, cut bool) {
	if strings.IndexByte(l, 0x1b) >= 0 {
		l = ansiEscape().ReplaceAllString(l, "")
	}
	// Controls go before redaction: a NUL inside a key must not hide it from the rules and
	// then vanish, joining the secret back together. Of what Sanitize keeps, a line holds
	// only tabs.
	l = strings.TrimRightFunc(text.Sanitize(l), unicode.IsSpace)
	if strings.TrimSpace(l) == "" {
		return "", false
	}
	// A line can be 256 KB. Redacting all of it would spend the budget on text nobody sees,
	// so it is cut first, well past what is shown, back to a character no secret holds: a
	// secret is never cut in half and then missed by the rules.
	if len(l) > limit {
		l = l[:runeStart(l, limit)]
		if i := strings.LastIndexFunc(l, func(r rune) bool { return !secretish(r) }); i >= 0 {
			l = l[:i+1]
		}
		cut = true
	}
	return r.Redact(l), cut
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
