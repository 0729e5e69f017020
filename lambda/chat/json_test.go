package chat

import (
	"encoding/binary"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// AppendString must write what Encode writes for the same string, whatever it holds.
func TestAppendStringMatchesEncode(t *testing.T) {
	for _, s := range []string{
		"", "plain", `"quoted" \ back\slash`, "<a href='x'>&amp;</a>", "\b\f\n\r\t\x00\x01\x1f\x7f",
		"é 🚨 \u2028 \u2029 \u202e \u0085", "bad \xff utf-8 \xe2\x82", "\xed\xa0\x80 surrogate", strings.Repeat("ab\"", 50),
	} {
		checkAppendString(t, s)
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "a\"b\\c\n", "\u2028\xff<&>", "\x00\x7f\u0085é"} {
		f.Add(s)
	}
	f.Fuzz(checkAppendString)
}

func checkAppendString(t *testing.T, s string) {
	want, err := Encode("test", s)
	if err != nil {
		t.Fatal(err)
	}
	if got := AppendString([]byte("x"), s); string(got) != "x"+string(want) {
		t.Errorf("AppendString(%q) = %s, Encode gives %s", s, got[1:], want)
	}
}

// asIsWord must agree with the byte-by-byte rule on every word.
func TestAsIsWord(t *testing.T) {
	check := func(w [8]byte) {
		want := true
		for _, c := range w {
			want = want && c < utf8.RuneSelf && !quoted[c]
		}
		if got := asIsWord(binary.LittleEndian.Uint64(w[:])); got != want {
			t.Fatalf("asIsWord(%q) = %v, want %v", w, got, want)
		}
	}
	for i := range 8 {
		for c := range 256 {
			w := [8]byte{'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'}
			w[i] = byte(c)
			check(w)
		}
	}
	edges := []byte{0x00, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x5b, 0x5c, 0x5d, 0x7f, 0x80, 0xa2, 0xdc, 0xff, 'a'}
	r := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		var w [8]byte
		for i := range w {
			w[i] = edges[r.IntN(len(edges))]
		}
		check(w)
	}
}
