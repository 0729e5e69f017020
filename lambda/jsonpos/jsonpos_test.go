package jsonpos

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"testing"
)

func TestAt(t *testing.T) {
	data := []byte("{\n  \"é\": 1,\n  \"b\": x\n}")
	tests := []struct {
		off  int64
		want Position
	}{
		{0, Position{1, 1}},
		{1, Position{1, 2}},
		{2, Position{2, 1}},
		{int64(bytes.IndexByte(data, '1')), Position{2, 8}}, // é is two bytes, one character
		{int64(bytes.IndexByte(data, 'x')), Position{3, 8}},
		{int64(len(data)), Position{4, 2}},
		{int64(len(data)) + 10, Position{4, 2}},
		{-3, Position{1, 1}},
	}
	for _, tt := range tests {
		if got := At(data, tt.off); got != tt.want {
			t.Errorf("At(%d) = %v, want %v", tt.off, got, tt.want)
		}
	}
}

func TestExplain(t *testing.T) {
	tests := []struct {
		name string
		data string
		// decoder: read the data as a stream of values, as the CLI does; else json.Unmarshal.
		decoder bool
		want    string
	}{
		{"missing value", "{\"a\": }", false, "line 1, column 7: invalid character '}' looking for beginning of value"},
		{"trailing comma", "{\n  \"a\": 1,\n}", false, "line 3, column 1: invalid character '}' looking for beginning of object key string"},
		{"cut short", "{\"a\":\n  1\n", false, "line 3, column 1: unexpected end of JSON input"},
		{"second value of a stream", "{\"a\":1}\n{\"b\": ]}\n", true, "line 2, column 7: invalid character ']' looking for beginning of value"},
		{"stream cut short", "{\"a\":1}\n{\"b\": [1,", true, "line 2, column 10: unexpected end of JSON input"},
		{"wrong type", `{"a": "x"}`, false, "line 1, column 10: json: cannot unmarshal string into Go struct field .a of type int"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.decoder {
				dec := json.NewDecoder(bytes.NewReader([]byte(tt.data)))
				for err == nil {
					var v json.RawMessage
					err = dec.Decode(&v)
				}
				if err == io.EOF {
					t.Fatal("the stream decoded")
				}
			} else {
				var v struct {
					A int `json:"a"`
				}
				err = json.Unmarshal([]byte(tt.data), &v)
			}
			got := Explain([]byte(tt.data), err)
			var e *Error
			if !errors.As(got, &e) {
				t.Fatalf("Explain = %#v, want an *Error", got)
			}
			if got.Error() != tt.want {
				t.Errorf("Explain = %q, want %q", got, tt.want)
			}
		})
	}
	if other := errors.New("disk on fire"); Explain(nil, other) != other {
		t.Error("Explain changed an error that says nothing about a place")
	}
}
