package chat

import (
	"strings"
	"testing"
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
