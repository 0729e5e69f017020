package chat

import "unicode/utf8"

// AppendString appends s as a JSON string exactly as Encode writes one: '"' and '\\' and the
// control characters escaped (\b \f \n \r \t, the rest as \u00XX), U+2028 and U+2029 as
// \u2028 and \u2029, invalid UTF-8 as U+FFFD, and '<', '>' and '&' as they are. Renderers
// that write their JSON by hand use it, so that a body is byte for byte what Encode made.
func AppendString(dst []byte, s string) []byte {
	return append(AppendStringContents(append(dst, '"'), s), '"')
}

// AppendStringContents appends what AppendString writes between the quotes. A string written
// in pieces is then what AppendString writes for the pieces joined, provided no piece ends
// inside a rune: a renderer can write a text straight from its parts, never joining them.
func AppendStringContents(dst []byte, s string) []byte {
	i := 0 // s[i:n] is still to be copied
	for n := 0; n < len(s); {
		// Most of a message's text needs no escape: eight bytes at a time pass over it.
		for n+8 <= len(s) && asIsWord(uint64(s[n])|uint64(s[n+1])<<8|uint64(s[n+2])<<16|uint64(s[n+3])<<24|
			uint64(s[n+4])<<32|uint64(s[n+5])<<40|uint64(s[n+6])<<48|uint64(s[n+7])<<56) {
			n += 8
		}
		if n == len(s) {
			break
		}
		c := s[n]
		if c < utf8.RuneSelf {
			n++
			if !quoted[c] {
				continue
			}
			dst = append(dst, s[i:n-1]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, `\b`...)
			case '\f':
				dst = append(dst, `\f`...)
			case '\n':
				dst = append(dst, `\n`...)
			case '\r':
				dst = append(dst, `\r`...)
			case '\t':
				dst = append(dst, `\t`...)
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i = n
			continue
		}
		r, size := utf8.DecodeRuneInString(s[n:])
		n += size
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[i:n-size]...)
			dst = append(dst, "\uFFFD"...)
			i = n
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, s[i:n-size]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i = n
		}
	}
	return append(dst, s[i:]...)
}

const hex = "0123456789abcdef"

// asIsWord reports whether each byte of w is ASCII that a JSON string holds as it is: not a
// control character, '"' or '\\'. A byte below 0x20 sets its high bit when 0x20 is subtracted,
// a quote or backslash when it is made zero and 1 subtracted; a borrow crosses into the next
// byte only from a byte that is not as is, so none is found where there is none.
func asIsWord(w uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	quote, backslash := w^(ones*'"'), w^(ones*'\\')
	return ((w-ones*0x20)|(quote-ones)&^quote|(backslash-ones)&^backslash|w)&highs == 0
}

// quoted marks the ASCII bytes a JSON string escapes: control characters, '"' and '\\'.
var quoted = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = c < 0x20 || c == '"' || c == '\\'
	}
	return t
}()
