package text

import (
	"strings"
	"testing"
)

// FuzzPrintable holds printable, word by word, to the rule it implements byte by byte, for
// every string and every start within it (so each byte is seen in each place of a word).
func FuzzPrintable(f *testing.F) {
	f.Add("checkout-api: container app exited with code 1", "\n\t")
	f.Add("tab\there, a newline\nthere and \x7f, \x1f, \xc3\xa9 past eight bytes", "")
	f.Add(strings.Repeat("~", 17)+"\x00", "\x00")
	f.Add("abcdefg\x01abcdefg\x01abcdefg\x01", "")
	f.Fuzz(func(t *testing.T, s, also string) {
		for start := range min(len(s), 9) + 1 {
			u := s[start:]
			want := true
			for i := 0; i < len(u); i++ {
				if c := u[i]; (c < 0x20 || c >= 0x7f) && strings.IndexByte(also, c) < 0 {
					want = false
				}
			}
			if got := printable(u, also); got != want {
				t.Fatalf("printable(%q, %q) = %v, want %v", u, also, got, want)
			}
		}
	})
}
