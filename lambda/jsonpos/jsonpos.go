// Package jsonpos says where in a JSON text something is, the way an editor counts: line and
// column, both from 1, the column in characters. The config document and the CLI's event
// files report their mistakes with it, so that a user can go to the spot.
package jsonpos

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// Position is a place in a text.
type Position struct {
	Line, Column int
}

func (p Position) String() string { return fmt.Sprintf("line %d, column %d", p.Line, p.Column) }

// At returns the position of the byte at offset off in data. An offset past the end is the
// position just after the last character.
func At(data []byte, off int64) Position {
	off = max(0, min(off, int64(len(data))))
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	start := bytes.LastIndexByte(before, '\n') + 1
	return Position{Line: line, Column: utf8.RuneCount(before[start:]) + 1}
}

// Error is a JSON text that cannot be read, with where and why.
type Error struct {
	Position
	// Reason is what the decoder found, in its words: "invalid character '}' looking for
	// beginning of object key string", "unexpected end of JSON input".
	Reason string
}

func (e *Error) Error() string { return e.Position.String() + ": " + e.Reason }

// Explain turns an error from decoding data (with json.Unmarshal, or a json.Decoder reading
// data from its start) into an *Error pointing at the character at fault, when err says
// where that is: a syntax error, a value of the wrong type, input that ends too soon. Other
// errors come back as they are.
func Explain(data []byte, err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		// Offset counts the bytes read, the one at fault included; when the input ended too
		// soon there is none, and the position is just past the last character.
		at := syntax.Offset
		if syntax.Error() != "unexpected end of JSON input" {
			at--
		}
		return &Error{Position: At(data, at), Reason: syntax.Error()}
	case errors.As(err, &typ):
		return &Error{Position: At(data, typ.Offset), Reason: typ.Error()}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &Error{Position: At(data, int64(len(data))), Reason: "unexpected end of JSON input"}
	}
	return err
}
