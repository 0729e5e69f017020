package envelope

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// checkStr reads lit, which starts with a quote, as a string in every way the scanner does
// (str into nothing, into a buffer holding a prefix with room bytes more, as an alias; skipString)
// and compares each with encoding/json, which must accept lit exactly when the string read
// ends the document.
func checkStr(t *testing.T, lit []byte, room int) {
	t.Helper()
	var want string
	wantErr := json.Unmarshal(lit, &want)
	prefix := []byte("pre")[:room%4]
	for _, dst := range [][]byte{nil, append(make([]byte, 0, len(prefix)+room), prefix...)} {
		for _, alias := range []bool{false, true} {
			if alias {
				dst = dst[:0] // names are read so, into room of their own
			}
			s := scanner{b: lit}
			got := s.str(dst, alias)
			end := s.i
			if ok := s.end(); ok != (wantErr == nil) {
				t.Fatalf("str(%q, alias %v) read %q up to %d, bad %v; encoding/json: %v", lit, alias, got, end, s.bad, wantErr)
			}
			if s.bad {
				if got != nil {
					t.Fatalf("str(%q) failed, yet gave %q", lit, got)
				}
				continue
			}
			if !bytes.HasPrefix(got, dst) {
				t.Fatalf("str(%q) = %q, lost what was in dst (%q)", lit, got, dst)
			} else {
				got = got[len(dst):]
			}
			if wantErr == nil && string(got) != want {
				t.Fatalf("str(%q) = %q, encoding/json: %q", lit, got, want)
			}
			// Every piece of the document cut inside the string fails for want of bytes, so
			// that a stream reads it again with more.
			for cut := 1; cut < end; cut += 1 + cut/7 {
				c := scanner{b: lit[:cut]}
				if c.str(nil, alias); !c.bad || !c.short {
					t.Fatalf("str(%q), cut from %q: bad %v, short %v", lit[:cut], lit, c.bad, c.short)
				}
			}
		}
	}
	// Skipping a string validates it as reading it does.
	s, k := scanner{b: lit}, scanner{b: lit}
	s.str(nil, false)
	k.skipString()
	if k.bad != s.bad || !s.bad && k.i != s.i || k.short != s.short {
		t.Fatalf("%q: skipString: bad %v at %d, short %v; str: bad %v at %d, short %v", lit, k.bad, k.i, k.short, s.bad, s.i, s.short)
	}
}

func TestStrMatchesEncodingJSON(t *testing.T) {
	long := strings.Repeat(`{\"a\":\"b\\\"c\"},`, 40)
	for _, lit := range []string{
		`""`, `"plain"`, `"0123456789abcdef"`, `"` + long + `"`, `"` + long + `\ud83d\ude00"`,
		`"\u00e9\u4e2d\ud83d\ude00"`, `"lone \ud83d surrogate"`, `"\ud83d\u0041"`, `"\ud83d\ud83d\ude00"`, `"\ude00\ud83d"`,
		"\"invalid \xff utf-8 \xe2\x82 cut \xf0\x9f\x98\x80 whole\"", `"ünïcödé ✓ 0123456789"`, `"\u0000nul"`,
		"\"tab\tinside\"", "\"0123456789\x01\"", `"0123456789\x"`, `"0123456789\u12G4"`, `"\u12"`, `"abc\"`,
		`"abc" `, `"abc"x`, `"ab"cd"`, `"0123456789"  "`, "\"0123456789\x7f\x80\"",
		// Invalid bytes take three bytes each (U+FFFD): the room kept must allow for them.
		"\"000\x8e\x8e\x8e\x8e\x8e\x8e\x8e000000\xc1", "\"\x8e\x8e\x8e\x8e\x8e\x8e\x8e\x8e\x8e\x8e\x8e\x8e0123456\xc1\"",
	} {
		for room := range 40 {
			checkStr(t, []byte(lit), room)
		}
	}
}

// FuzzStrMatchesEncodingJSON: the scanner reads any bytes after a quote as encoding/json
// reads the same literal: it accepts the same ones, gives the same text (invalid UTF-8 and
// lone surrogates as U+FFFD), and asks for more bytes wherever the string is cut.
func FuzzStrMatchesEncodingJSON(f *testing.F) {
	for _, s := range []string{
		`plain"`, `{\"account\":\"123456789012\",\"detail\":{\"note\":\"a\\\"b\"}}"`,
		`\ud83d\ude00 \ud83d \ude00\ud83d \u00e9"`, "\xff\xe2\x82\xf0\x9f\x98\x80\"", `\x"`, `\u12`, "a\tb\"", `a" `,
		`0123456789abcdef0123456789abcdef\/\b\f\n\r\t"`,
	} {
		f.Add([]byte(s), uint8(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, room uint8) {
		lit := append([]byte{'"'}, data...)
		checkStr(t, lit, int(room))
		checkStr(t, append(lit, '"'), int(room))
	})
}
