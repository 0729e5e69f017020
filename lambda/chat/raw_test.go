package chat

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzVerbatim: a body Verbatim accepts is written by Encode exactly as it is.
func FuzzVerbatim(f *testing.F) {
	for _, seed := range []string{
		`{"text":"hi","blocks":[{"type":"section","fields":[1,-2.5e3,true,false,null]}]}`, `{}`, `[]`, `""`, `0`, `-0`,
		`{"a":"x\u2028y"}`, "{\"a\":\"x\u2028y\"}", `{"a":"\ud83d\ude00"}`, `{"a":"\/\b\f\n\r\t\"\\ \u00e9"}`,
		`{ "a":1}`, `{"a":1} `, "{\"a\":\"\xff\"}", `{"a":1,"a":2}`, `01`, `[1,]`, `{"a":"<&>"}`, "\"é→…\"",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if !Verbatim(raw) {
			return
		}
		b, err := Encode("body", json.RawMessage(raw))
		if err != nil || !bytes.Equal(b, raw) {
			t.Fatalf("Verbatim(%q), but Encode writes %q, %v", raw, b, err)
		}
	})
}

func TestVerbatim(t *testing.T) {
	for raw, want := range map[string]bool{
		`{"text":"a b","n":[1,2.5,-3e+2],"ok":true,"no":false,"x":null}`: true,
		`{"a":"\u00e9\n\"<&>"}`: true,
		"{\"a\":\"é→\xff\"}":    true,
		``:                      false, // Encode writes null
		` {}`:                   false,
		`{"a": 1}`:              false,
		"{\"a\":\"\u2028\"}":    false,
		`{"a":"\ud83d\ude00"}`:  false,
		`{"a":1`:                false,
		`[1,]`:                  false,
		`{"a":1}{}`:             false,
		`nul`:                   false,
		`1.`:                    false,
		"{\"a\":\"\t\"}":        false,
		`{"a":"\x"}`:            false,
	} {
		if got := Verbatim([]byte(raw)); got != want {
			t.Errorf("Verbatim(%q) = %v, want %v", raw, got, want)
		}
	}
}
