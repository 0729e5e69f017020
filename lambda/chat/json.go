package chat

import "unicode/utf8"

// AppendString appends s as a JSON string exactly as Encode writes one: '"' and '\\' and the
// control characters escaped (\b \f \n \r \t, the rest as \u00XX), U+2028 and U+2029 as
// \u2028 and \u2029, invalid UTF-8 as U+FFFD, and '<', '>' and '&' as they are. Renderers
// that write their JSON by hand use it, so that a body is byte for byte what Encode made.
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	i := 0 // s[i:n] is still to be copied
	for n := 0; n < len(s); {
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
	dst = append(dst, s[i:]...)
	return append(dst, '"')
}

const hex = "0123456789abcdef"

// quoted marks the ASCII bytes a JSON string escapes: control characters, '"' and '\\'.
var quoted = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = c < 0x20 || c == '"' || c == '\\'
	}
	return t
}()
