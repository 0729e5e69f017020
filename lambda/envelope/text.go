package envelope

// text is what an SQS body or an SNS Message holds: the content of a JSON string, or, when a
// hand-made event put an object there, that JSON text itself. It is unquoted as the enclosing
// document is read, because decoding the string again would validate it all over again — and
// an event inside SNS inside SQS is mostly such strings.
type text []byte

// bytes returns the text, empty (not nil) for a null or absent one.
func (t text) bytes() []byte {
	if t == nil {
		return []byte{}
	}
	return t
}

// unquote decodes a valid JSON string literal exactly as encoding/json does, invalid UTF-8
// and unpaired surrogates becoming U+FFFD, as the scanner reads strings. The result is a copy.
func unquote(b []byte) []byte {
	s := scanner{b: b}
	return s.str(nil, false)
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
