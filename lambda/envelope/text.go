package envelope

import (
	"bytes"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// text is what an SQS body or an SNS Message holds: the content of a JSON string, or, when a
// hand-made event put an object there, that JSON text itself. It is unquoted as the enclosing
// document is read, because decoding the string again would validate it all over again — and
// an event inside SNS inside SQS is mostly such strings.
type text []byte

// bytes returns the text, empty (not nil) for a null or absent one.
func (t *text) bytes() []byte {
	if t == nil || *t == nil {
		return []byte{}
	}
	return *t
}

// unquote decodes a valid JSON string literal exactly as encoding/json does, invalid UTF-8
// and unpaired surrogates becoming U+FFFD. The result is a copy. A JSON document held in a
// string is mostly runs of plain ASCII between escaped quotes: each run is copied whole.
func unquote(b []byte) []byte {
	b = b[1 : len(b)-1]
	if bytes.IndexByte(b, '\\') < 0 && utf8.Valid(b) {
		return append([]byte(nil), b...)
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		j := i
		for j < len(b) && b[j] != '\\' && b[j] < utf8.RuneSelf {
			j++
		}
		out = append(out, b[i:j]...)
		if i = j; i == len(b) {
			break
		}
		if c := b[i]; c >= utf8.RuneSelf {
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 {
				out = utf8.AppendRune(out, unicode.ReplacementChar)
			} else {
				out = append(out, b[i:i+size]...)
			}
			i += size
			continue
		}
		if i+1 == len(b) {
			break // a lone backslash ends no valid literal
		}
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
	}
	return out
}

// unquoteString is unquote as a string.
func unquoteString(b []byte) string {
	if s := b[1 : len(b)-1]; bytes.IndexByte(s, '\\') < 0 && utf8.Valid(s) {
		return string(s)
	}
	return string(unquote(b))
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
