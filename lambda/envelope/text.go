package envelope

import (
	"bytes"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
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
// and unpaired surrogates becoming U+FFFD. The result is a copy.
func unquote(b []byte) []byte {
	if s := b[1 : len(b)-1]; bytes.IndexByte(s, '\\') < 0 && utf8.Valid(s) {
		return append([]byte(nil), s...)
	}
	// jsontext's unquoting replaces what is invalid as encoding/json does (FuzzUnquote holds
	// it to that), and reports it; the error says nothing more.
	out, _ := jsontext.AppendUnquote(make([]byte, 0, len(b)), b)
	return out
}

// unquoteString is unquote as a string.
func unquoteString(b []byte) string {
	if s := b[1 : len(b)-1]; bytes.IndexByte(s, '\\') < 0 && utf8.Valid(s) {
		return string(s)
	}
	return string(unquote(b))
}
