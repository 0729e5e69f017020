package text

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestRunes(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"", 5, ""},
		{"abc", 3, "abc"},
		{"abcd", 3, "ab…"},
		{"abcd", 1, "…"},
		{"abcd", 0, ""},
		{"abcd", -1, ""},
		{"héllo wörld", 6, "héllo…"},
		{"日本語のテキスト", 4, "日本語…"},
		{"🚨🚨🚨🚨", 3, "🚨🚨…"},
		{"ab🚨", 3, "ab🚨"}, // exactly n runes, more bytes than n
	} {
		if got := Runes(tc.in, tc.n); got != tc.want {
			t.Errorf("Runes(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

func TestBytes(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"abc", 3, "abc"},
		{"abcdef", 5, "ab…"},
		{"abcdef", 3, "…"},
		{"abcdef", 2, "ab"}, // too small for the marker: bare prefix
		{"日本語", 8, "日…"},    // 9 bytes; 8-3 = 5 bytes leaves one whole rune
		{"日本語", 2, ""},      // cannot fit a rune
		{"a日本語", 6, "a…"},   // 3 bytes would end inside 日: cut back to 1
		{"a日本語", 7, "a日…"},
		{"🚨🚨", 7, "🚨…"}, // 8 bytes
		{"abc", 0, ""},
	} {
		if got := Bytes(tc.in, tc.n); got != tc.want {
			t.Errorf("Bytes(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

func FuzzLimits(f *testing.F) {
	f.Add("héllo wörld 🚨 日本語", 5)
	f.Add("", 0)
	f.Fuzz(func(t *testing.T, s string, n int) {
		n %= 64
		if r := Runes(s, n); utf8.RuneCountInString(r) > max(n, 0) || (utf8.ValidString(s) && !utf8.ValidString(r)) {
			t.Fatalf("Runes(%q, %d) = %q", s, n, r)
		}
		r := Bytes(s, n)
		if len(r) > max(n, 0) || (utf8.ValidString(s) && !utf8.ValidString(r)) {
			t.Fatalf("Bytes(%q, %d) = %q", s, n, r)
		}
		if r != s && !strings.HasPrefix(s, strings.TrimSuffix(r, Ellipsis)) {
			t.Fatalf("Bytes(%q, %d) = %q is not a prefix", s, n, r)
		}
	})
}
