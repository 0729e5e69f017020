package slack

import (
	"bytes"
	"strings"
	"testing"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/internal/fixtures"
)

// The hand-written encoding is what chat.Encode writes by reflection, for webhook and bot
// messages, with buttons and without.
func TestEncodeMatchesReflection(t *testing.T) {
	for name, a := range samples() {
		t.Run(name, func(t *testing.T) { checkEncoding(t, a) })
	}
	// Empty slices, a nil block and a nil list of attachments, which build never makes.
	for _, m := range []message{
		{},
		{Attachments: []attachment{}},
		{Attachments: []attachment{{Blocks: []block{nil, sectionBlock{}, contextBlock{}, actionsBlock{},
			sectionBlock{Fields: []textObject{}}, contextBlock{Elements: []textObject{}}, actionsBlock{Elements: []button{}}}}}},
	} {
		checkMessage(t, m, "c")
	}
}

func FuzzEncodeMatchesReflection(f *testing.F) {
	f.Add("a\"b\\c", "\u2028\xff<&>", "```\x00", 3, 2)
	f.Add("", "", "", 0, 0)
	f.Add(strings.Repeat("🚨", 200), "\x00\xff\u202e", "@here", 40, 30)
	f.Fuzz(func(t *testing.T, a, b, c string, facts, links int) {
		checkEncoding(t, fixtures.FuzzAlert(a, b, c, facts, links))
	})
}

func checkEncoding(t *testing.T, a alert.Alert) {
	t.Helper()
	checkMessage(t, build(a, nil), "#alerts")
	checkMessage(t, build(a, menu), "C0FAKE")
}

func checkMessage(t *testing.T, m message, channel string) {
	t.Helper()
	want, err := chat.Encode("want", m)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := encodeMessage(m); err != nil || !bytes.Equal(got, want) {
		t.Errorf("encodeMessage: %v\n got %s\nwant %s", err, got, want)
	}
	want, err = chat.Encode("want", botMessage{Channel: channel, message: m})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := encodeBotMessage(channel, m); err != nil || !bytes.Equal(got, want) {
		t.Errorf("encodeBotMessage: %v\n got %s\nwant %s", err, got, want)
	}
}

func TestHasEscapes(t *testing.T) {
	for _, s := range []string{"", "plain text", "a & b", "<", "x>", "`code`", "é🚨\u2028", "\x00\xff"} {
		if got, want := hasEscapes(s), strings.ContainsAny(s, "&<>`"); got != want {
			t.Errorf("hasEscapes(%q) = %v, want %v", s, got, want)
		}
	}
}
