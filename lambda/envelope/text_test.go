package envelope

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestUnquoteMatchesEncodingJSON: unquote must read every string exactly as encoding/json does.
func TestUnquoteMatchesEncodingJSON(t *testing.T) {
	for _, lit := range []string{
		`""`, `"plain"`, `"{\"detail-type\":\"ECS Task State Change\"}"`, `"tab\tnew\nline\\slash\/"`,
		`"\u00e9\u4e2d\ud83d\ude00"`, `"lone \ud83d surrogate"`, `"reversed \ude00\ud83d"`, `"\b\f\r"`,
		"\"invalid \xff utf-8\"", `"ünïcödé ✓"`, `"\u0000nul"`,
	} {
		var want string
		if err := json.Unmarshal([]byte(lit), &want); err != nil {
			t.Fatalf("%s: %v", lit, err)
		}
		if got := unquote([]byte(lit)); !bytes.Equal(got, []byte(want)) {
			t.Errorf("unquote(%s) = %q, want %q", lit, got, want)
		}
	}
}

func FuzzUnquote(f *testing.F) {
	f.Add("plain")
	f.Add(`lone \ud83d and \ude00\ud83d, \u00e9\ud83d\ude00`)
	f.Add("{\"a\":\"\\u00e9\"}\n\t\xff")
	f.Fuzz(func(t *testing.T, s string) {
		lit, _ := json.Marshal(s)
		// The fuzzed text itself as a literal too: escapes of lone surrogates, invalid UTF-8.
		for _, l := range [][]byte{lit, bytes.ReplaceAll(lit, []byte(`\u003c`), []byte(`<`)), []byte(`"` + s + `"`)} {
			var want string
			if json.Unmarshal(l, &want) != nil {
				continue
			}
			if got := unquote(l); !bytes.Equal(got, []byte(want)) {
				t.Fatalf("unquote(%s) = %q, want %q", l, got, want)
			}
		}
	})
}
