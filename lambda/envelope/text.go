package envelope

import (
	"bytes"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// text is what an SQS body or an SNS Message holds: the content of a JSON string, or, when a
// hand-made event put an object there, that JSON text itself. It is unquoted as the enclosing
// document is decoded, because a separate json.Unmarshal of the string would validate it all
// over again — and an event inside SNS inside SQS is mostly such strings.
type text []byte

// UnmarshalJSON implements json.Unmarshaler. The decoder has already validated b.
func (t *text) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		*t = unquote(b)
		return nil
	}
	*t = append(text(nil), b...)
	return nil
}

// bytes returns the text, empty (not nil) for a null or absent one.
func (t *text) bytes() []byte {
	if t == nil || *t == nil {
		return []byte{}
	}
	return *t
}

// unquote decodes a valid JSON string literal exactly as encoding/json does, invalid UTF-8
// and unpaired surrogates becoming U+FFFD. The result is a copy.
func unquote(b []byte) []byte {
	b = b[1 : len(b)-1]
	if bytes.IndexByte(b, '\\') < 0 && utf8.Valid(b) {
		return append([]byte(nil), b...)
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == '\\' && i+1 < len(b):
			i++
			switch e := b[i]; e {
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				r, ok := hex4(b[i+1:])
				i += 4
				if !ok {
					r = unicode.ReplacementChar
				} else if utf16.IsSurrogate(r) {
					r2, ok2 := rune(-1), false
					if i+2 < len(b) && b[i+1] == '\\' && b[i+2] == 'u' {
						r2, ok2 = hex4(b[i+3:])
					}
					if dec := utf16.DecodeRune(r, r2); ok2 && dec != unicode.ReplacementChar {
						r = dec
						i += 6
					} else {
						r = unicode.ReplacementChar
					}
				}
				out = utf8.AppendRune(out, r)
			default: // '"', '\\', '/'
				out = append(out, e)
			}
			i++
		case c < utf8.RuneSelf:
			out = append(out, c)
			i++
		default:
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 {
				out = utf8.AppendRune(out, unicode.ReplacementChar)
			} else {
				out = append(out, b[i:i+size]...)
			}
			i += size
		}
	}
	return out
}

// hex4 reads the four hex digits of a \u escape.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r*16 + rune(c)
	}
	return r, true
}
