package chattext

import (
	"strings"
	"testing"

	"github.com/foghornhq/foghorn/lambda/alert"
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

func TestWhy(t *testing.T) {
	code := 137
	a := alert.Alert{Title: "t", Summary: "s", Reason: alert.Reason{
		Text: "Out of memory.", StopCode: "EssentialContainerExited", StoppedReason: "Out of memory.",
		Containers: []alert.Container{{Name: "web", ExitCode: &code, Reason: "OOM"}, {Status: "PENDING"}},
	}}
	var got []string
	for _, d := range Why(a) {
		got = append(got, d.Label+"|"+d.Text)
	}
	want := []string{"|Out of memory.", "Stop code|EssentialContainerExited", "•|web: exit 137: OOM", "•|container: pending"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if d := Why(alert.Alert{Title: "t", Summary: "more"}); len(d) != 1 || d[0].Text != "more" {
		t.Errorf("summary fallback: %+v", d)
	}
	if d := Why(alert.Alert{Title: "same", Summary: "same"}); len(d) != 0 {
		t.Errorf("summary equal to the title: %+v", d)
	}
}

func TestCleanBoundsItsWork(t *testing.T) {
	got := Clean(strings.Repeat("é", MaxInput), false)
	if len(got) > MaxInput+len("\uFFFD") {
		t.Errorf("%d bytes out of a %d-byte input", len(got), 2*MaxInput)
	}
}
