package text

import (
	"encoding/binary"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClean(t *testing.T) {
	for _, tc := range []struct {
		in        string
		multiline bool
		want      string
	}{
		{"  a\tb  ", false, "a b"},
		{"a\r\nb\n", false, "a b"},
		{"a\r\n\tb\n\n", true, "a\n b"},
		{"x\x00\x1b[31my\x7f", false, "x[31my"},
		{"bad \xff byte", false, "bad \uFFFD byte"},
		{"file\u202egnp.exe", false, "filegnp.exe"},
		{"line\u2028sep", false, "linesep"},
	} {
		if got := Clean(tc.in, tc.multiline); got != tc.want {
			t.Errorf("Clean(%q, %v) = %q, want %q", tc.in, tc.multiline, got, tc.want)
		}
	}
	if got := Line(" a \n\n b "); got != "a b" {
		t.Errorf("Line = %q", got)
	}
}

func TestBreakMentions(t *testing.T) {
	got := BreakMentions("@everyone @Here @hereafter x@all @bob", "everyone", "here", "all")
	want := "@" + WordJoiner + "everyone @" + WordJoiner + "Here @" + WordJoiner + "hereafter x@" + WordJoiner + "all @bob"
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestLinkURL(t *testing.T) {
	for _, tc := range []struct {
		in, encode string
		want       string
		ok         bool
	}{
		{"https://console.aws.example/a?b=1&c=2#x", "", "https://console.aws.example/a?b=1&c=2#x", true},
		{" http://x.example/ ", "", "http://x.example/", true},
		{"https://x.example/日本", "", "https://x.example/%E6%97%A5%E6%9C%AC", true},
		{"https://x.example/a_(b)", "()", "https://x.example/a_%28b%29", true},
		{"javascript:alert(1)", "", "", false},
		{"https://x.example/\xff", "", "", false},
		{"https://x.example/\xe6\x97", "", "", false},
		{"https://x.example/\xe6\x97 ", "", "", false},
		{"https://evil.example|click>", "", "", false},
		{"https://x.example/a b", "", "", false},
		{"//x.example/a", "", "", false},
		{"https://x.example/\u202e", "", "", false},
		{"https://x.example/" + strings.Repeat("p", 100), "", "", false},
	} {
		got, ok := LinkURL(tc.in, 64, tc.encode)
		if got != tc.want || ok != tc.ok {
			t.Errorf("LinkURL(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestCleanBoundsItsWork(t *testing.T) {
	got := Clean(strings.Repeat("é", MaxInput), false)
	if len(got) > MaxInput+len("\uFFFD") {
		t.Errorf("%d bytes out of a %d-byte input", len(got), 2*MaxInput)
	}
}

func TestCutEscaped(t *testing.T) {
	amp := func(s string, i int) bool {
		j := strings.LastIndexByte(s[:i], '&')
		return j >= 0 && !strings.Contains(s[j:i], ";")
	}
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"short", 5, "short"},
		{"abcdef", 2, ""},
		{"abcdef", 5, "ab…"},
		{"ab" + ZeroWidthSpace + "cdef", 7, "a…"}, // not between b and its guard
		{"aé" + "bcdef", 5, "a…"},                 // not inside é
		{"a&amp;bcdef", 8, "a…"},                  // not inside the entity, with inside
	} {
		var inside func(string, int) bool // Teams passes none
		if strings.Contains(tc.in, "&") {
			inside = amp
		}
		if got := CutEscaped(tc.in, tc.n, inside); got != tc.want {
			t.Errorf("CutEscaped(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

func TestExcerpt(t *testing.T) {
	in := "a\x00b\x1b[31mc\r\nd\te\u202eevil\u202c\xff"
	if got, want := Excerpt([]byte(in), 100), "ab[31mc\nd\teevil\uFFFD"; got != want {
		t.Errorf("Excerpt = %q, want %q", got, want)
	}
	s := Excerpt([]byte(strings.Repeat("日本", 300)), 1000) // 3-byte runes
	if !utf8.ValidString(s) || len(s) > 1000 || !strings.HasSuffix(s, "…") {
		t.Errorf("cut excerpt: %d bytes, valid %v", len(s), utf8.ValidString(s))
	}
}

func TestLinesAndOr(t *testing.T) {
	if got := Lines(" a\n\n \t\n  b \n"); !slices.Equal(got, []string{" a", "  b"}) {
		t.Errorf("Lines = %q", got)
	}
	if Or(" ", "—") != "—" || Or("x", "—") != "x" {
		t.Error("Or")
	}
}

// TestOneRule: every cleaner and the link check agree on which characters never reach a
// reader, whatever the target. A rule that differed between them once let Slack show
// characters the other targets dropped.
func TestOneRule(t *testing.T) {
	unsafe := []rune{0x00, 0x07, 0x1b, 0x7f, 0x85, 0x9f, 0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e,
		0x2066, 0x2067, 0x2068, 0x2069, 0x2028, 0x2029}
	for _, r := range unsafe {
		if !Unsafe(r) {
			t.Errorf("Unsafe(%U) = false", r)
		}
		s := "a" + string(r) + "b"
		for name, got := range map[string]string{
			"Sanitize": Sanitize(s), "Clean": Clean(s, false), "Clean multiline": Clean(s, true), "Line": Line(s),
		} {
			if strings.ContainsRune(got, r) {
				t.Errorf("%s(%q) = %q keeps %U", name, s, got, r)
			}
		}
		if _, ok := LinkURL("https://x.example/a"+string(r)+"b", 100, ""); ok {
			t.Errorf("LinkURL takes %U", r)
		}
	}
	for _, r := range []rune{' ', 'a', 'é', '日', '🚨', 0x200b, 0x2060, 0xfffd} {
		if Unsafe(r) {
			t.Errorf("Unsafe(%U) = true", r)
		}
	}
	if got := Sanitize("a\tb\nc\rd"); got != "a\tb\ncd" {
		t.Errorf("Sanitize keeps tabs and newlines only: %q", got)
	}
}

// Blank agrees with Line, and the fast paths of Line and LinkURL change nothing.
func TestBlankAndFastPaths(t *testing.T) {
	for _, s := range []string{"", " ", "\t\n", "\u00a0", "\u200e\u2028", "\x00", "a", " a ", "\xff", "\u200b", "a  b", "ok"} {
		if Blank(s) != (Line(s) == "") {
			t.Errorf("Blank(%q) = %v, Line = %q", s, Blank(s), Line(s))
		}
		if got, want := Line(s), strings.Join(strings.Fields(Clean(s, false)), " "); got != want {
			t.Errorf("Line(%q) = %q, want %q", s, got, want)
		}
	}
	if u, ok := LinkURL("https://x.example/a", 19, ""); !ok || u != "https://x.example/a" {
		t.Errorf("LinkURL at its limit = %q, %v", u, ok)
	}
	if _, ok := LinkURL("https://x.example/ab", 19, ""); ok {
		t.Error("LinkURL took a URL past its limit")
	}
}

// printableWord must agree with the byte-by-byte rule on every word: each byte value in each
// place among printable ones, and random words mixing the bytes at the range's edges.
func TestPrintableWord(t *testing.T) {
	check := func(w [8]byte) {
		want := true
		for _, c := range w {
			want = want && c >= 0x20 && c < 0x7f
		}
		if got := printableWord(binary.LittleEndian.Uint64(w[:])); got != want {
			t.Fatalf("printableWord(%q) = %v, want %v", w, got, want)
		}
	}
	for i := range 8 {
		for c := range 256 {
			w := [8]byte{'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'}
			w[i] = byte(c)
			check(w)
		}
	}
	edges := []byte{0x00, 0x1f, 0x20, 0x21, 0x7e, 0x7f, 0x80, 0xfe, 0xff, 'a', '~', ' '}
	r := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		var w [8]byte
		for i := range w {
			w[i] = edges[r.IntN(len(edges))]
		}
		check(w)
	}
}

// webURL's shortcut answers as url.Parse does, for links of every shape.
func TestWebURLMatchesParse(t *testing.T) {
	for _, raw := range []string{
		"https://console.aws.example/a?b=1&c=2#x", "http://x.example", "https://x.example?q", "https://x.example#f",
		"https://", "http://", "https:///path", "https://x.example:443/a", "https://x.example:abc/", "https://a:b:c/",
		"https://user@x.example/", "https://[::1]/", "https://[1.2.3.4]/", "https://x.example/%41%zz", "https://x.example/%4",
		"https://x.example/a?%zz", "https://x.example/a#%zz", "https://x.example/a#%41", "https://x.%41example/",
		"HTTPS://x.example/", "Http://x.example/", "ftp://x.example/", "https:x.example", "//x.example/", "https://x_y.example/",
		"https://x.example/%", "https://x.example/%%41", "https://x.example/a%2", "https://x.example/?%", "https://-.-/",
	} {
		checkWebURL(t, raw)
	}
}

func FuzzWebURL(f *testing.F) {
	for _, s := range []string{"https://console.aws.example/a?b=1#c", "http://x.example/%41", "https://[::1]:80/", "https://a@b/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if !strings.ContainsFunc(raw, refused) && utf8.ValidString(raw) {
			checkWebURL(t, raw)
		}
	})
}

func checkWebURL(t *testing.T, raw string) {
	t.Helper()
	if got, want := webURL(raw), parsesAsWebURL(raw); got != want {
		t.Errorf("webURL(%q) = %v, url.Parse says %v", raw, got, want)
	}
}

// Clean's and Line's shortcuts change nothing: Clean is what cleaning rune by rune makes, and
// Line what splitting that into words and joining them makes, whatever the text holds.
func TestCleanShortcuts(t *testing.T) {
	pieces := []string{"a", "b c", "  ", " ", "\n", "\r\n", "\r", "\t", "\v", "\f", "\x00", "\x7f", "\xff", "\xe2\x80",
		"é", "—", "…", "日本", "🚨", "\u00a0", "\u3000", "\u2003", "\u0085", "\u2028", "\u2029", "\u202e", "\u200e",
		"\u061c", "\u2066", "\u200b", "\ufffd", "@here"}
	r := rand.New(rand.NewPCG(6, 2))
	for range 50000 {
		var b strings.Builder
		for range r.IntN(12) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		checkClean(t, b.String())
	}
}

func FuzzCleanShortcuts(f *testing.F) {
	for _, s := range []string{"", "a — b", " é\u00a0x ", "a\r\nb\u2028", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(checkClean)
}

func checkClean(t *testing.T, s string) {
	t.Helper()
	for _, multiline := range []bool{false, true} {
		if got, want := Clean(s, multiline), cleanRunes(s, multiline); got != want {
			t.Fatalf("Clean(%q, %v) = %q, rune by rune %q", s, multiline, got, want)
		}
	}
	if got, want := Line(s), strings.Join(strings.Fields(cleanRunes(s, false)), " "); got != want {
		t.Fatalf("Line(%q) = %q, want %q", s, got, want)
	}
}
