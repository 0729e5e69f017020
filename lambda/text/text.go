// Package text is the one rule for untrusted text, which is everything an event carries: a
// stopped reason, an alarm description or a log line is written by whoever can make AWS emit
// it. It says which characters never reach a reader (Unsafe), cleans text to keep (Sanitize)
// and to show (Clean, Line), breaks broadcast mentions, vets link URLs, and cuts by runes or
// bytes. Each renderer then escapes for its own markup.
package text

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxInput bounds the work done on one untrusted string: no renderer shows more than a few
// kilobytes of any field, so Clean drops what lies beyond before doing anything else.
const MaxInput = 64 << 10

// Unsafe reports whether r is never shown as it is: a control character (C0, DEL and C1; tab
// and line feed among them, which each cleaner turns into what it needs), a bidirectional
// control, which can make text read differently from what it is (a reversed file name, a
// spoofed link label): Unicode's Bidi_Control set, U+061C, U+200E, U+200F, U+202A–U+202E and
// U+2066–U+2069; or a line or paragraph separator (U+2028, U+2029), a line break to some
// renderers and not to others.
func Unsafe(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u2028' || r == '\u2029'
}

// Sanitize makes untrusted text safe to keep: invalid UTF-8 becomes U+FFFD, and every Unsafe
// character but newline and tab goes. Nothing is trimmed or folded.
func Sanitize(s string) string {
	if printable(s, "\n\t") {
		return s // the common case: nothing to replace or drop
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if r != '\n' && r != '\t' && Unsafe(r) {
			return -1
		}
		return r
	}, s)
}

// Excerpt returns the start of an untrusted body for display: Sanitize's text, at most max
// bytes and never a split rune. It does not escape markup; every renderer does that.
func Excerpt(b []byte, max int) string {
	return Bytes(Sanitize(string(b)), max)
}

// Clean makes untrusted text safe to place anywhere: invalid UTF-8 becomes U+FFFD, Unsafe
// characters go (tabs become spaces; newlines stay only when multiline). Single-line text is
// trimmed; multiline text loses trailing blanks only, so indentation (a stack trace) survives.
func Clean(s string, multiline bool) string {
	if len(s) > MaxInput {
		// Whatever is cut here is past every renderer's own budget, so the renderer's cut,
		// with its "…", still marks it; a rune split here becomes U+FFFD out of sight.
		s = s[:MaxInput]
	}
	if multiline && printable(s, "\n") {
		return strings.TrimRight(s, " \n") // nothing to replace or drop
	}
	if !multiline && printable(s, "") || shown(s, multiline) {
		if multiline {
			return strings.TrimRight(s, " \n")
		}
		return strings.TrimSpace(s) // nothing to replace or drop
	}
	return cleanRunes(s, multiline)
}

// cleanRunes is Clean rune by rune, for text that has something to replace or drop.
func cleanRunes(s string, multiline bool) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n' && multiline:
			b.WriteRune(r)
		case r == '\n' || r == '\t' || r == '\r':
			b.WriteByte(' ')
		case Unsafe(r):
		default:
			b.WriteRune(r)
		}
	}
	if multiline {
		return strings.TrimRight(b.String(), " \n")
	}
	return strings.TrimSpace(b.String())
}

// Line is Clean for one-line text with whitespace runs collapsed (titles, labels).
func Line(s string) string {
	if printable(s, "") && !strings.Contains(s, "  ") && strings.TrimSpace(s) == s {
		return s // already one clean line: the common case
	}
	c := Clean(s, false)
	if !strings.Contains(c, "  ") && !strings.ContainsFunc(c, wideSpace) {
		return c // trimmed, and its spaces are single: nothing to collapse
	}
	return strings.Join(strings.Fields(c), " ")
}

// wideSpace reports whether r is white space other than ' ', which Line turns into ' '.
func wideSpace(r rune) bool { return r != ' ' && unicode.IsSpace(r) }

// shown reports whether s is valid UTF-8 without an Unsafe character, but '\n' when
// multiline: text Clean only trims. Text outside printable ASCII, a dash or an accent, then
// costs Clean no copy.
func shown(s string, multiline bool) bool {
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if (c < 0x20 || c == 0x7f) && !(c == '\n' && multiline) {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || Unsafe(r) {
			return false
		}
		i += size
	}
	return true
}

// Blank reports whether s shows nothing once cleaned: Line(s) == "", without building it.
func Blank(s string) bool {
	for _, r := range s[:min(len(s), MaxInput)] {
		if !unicode.IsSpace(r) && !Unsafe(r) {
			return false
		}
	}
	return true
}

// Lines are the non-blank lines of untrusted multiline text, cleaned, leading indentation
// kept (a stack trace).
func Lines(s string) []string {
	var out []string
	for _, l := range strings.Split(Clean(s, true), "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// FirstNonBlank returns the first of ss with visible text, or "".
func FirstNonBlank(ss ...string) string {
	for _, s := range ss {
		if !Blank(s) {
			return s
		}
	}
	return ""
}

// Or returns s, or fallback when s is blank.
func Or(s, fallback string) string {
	if strings.TrimSpace(s) == "" {
		return fallback
	}
	return s
}

// Plain reports whether s is printable ASCII: text no cleaner changes, but for trimming.
func Plain(s string) bool { return printable(s, "") }

// printable reports whether s holds only printable ASCII and the bytes of also.
func printable(s, also string) bool {
	// Every string an alert shows passes here, so eight bytes are checked at a time, up to
	// the first word holding a byte outside 0x20–0x7e; from there on, a byte at a time.
	i := 0
	for ; i+8 <= len(s); i += 8 {
		// Indexing a word of its own, proven eight bytes long, lets the compiler read the
		// eight bytes in one load rather than one by one, each bounds-checked.
		t := s[i : i+8]
		w := uint64(t[0]) | uint64(t[1])<<8 | uint64(t[2])<<16 | uint64(t[3])<<24 |
			uint64(t[4])<<32 | uint64(t[5])<<40 | uint64(t[6])<<48 | uint64(t[7])<<56
		if !printableWord(w) {
			break
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; (c < 0x20 || c >= 0x7f) && strings.IndexByte(also, c) < 0 {
			return false
		}
	}
	return true
}

// printableWord reports whether each byte of w is from 0x20 to 0x7e. Below 0x20, subtracting
// 0x20 sets a byte's high bit; 0x7f and above have it set, or set it when 1 is added. A carry
// or borrow crosses into the next byte only from a byte outside the range, so none is found
// where there is none.
func printableWord(w uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	return ((w-ones*0x20)|w|(w+ones))&highs == 0
}
