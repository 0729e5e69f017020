package chattext

import (
	"slices"
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

func TestLayoutPieces(t *testing.T) {
	if got := Lines(" a\n\n \t\n  b \n"); !slices.Equal(got, []string{" a", "  b"}) {
		t.Errorf("Lines = %q", got)
	}
	if got := Within([]string{"ab", "cd", "e"}, 4); !slices.Equal(got, []string{"ab", "cd"}) {
		t.Errorf("Within = %q", got)
	}
	if got := Head([]string{"a", "b", "c"}, 2); !slices.Equal(got, []string{"a", "b", "…"}) {
		t.Errorf("Head = %q", got)
	}
	if got := Head([]string{"a", "b"}, 2); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("Head = %q", got)
	}
	kept, dropped := LastLines([]string{"1", "", "2", "3", ""}, 2, strings.ToUpper)
	if !slices.Equal(kept, []string{"2", "3"}) || !dropped {
		t.Errorf("LastLines = %q, %v", kept, dropped)
	}
	size := func(s string) int { return len(s) }
	blank := func(s string) bool { return strings.TrimSpace(s) == "" }
	if got := TailWithin([]string{"aaa", "bb", " ", "cc", " "}, 11, strings.Clone, size, blank); !slices.Equal(got, []string{"…", "bb", " ", "cc"}) {
		t.Errorf("TailWithin = %q", got)
	}
	if got := TailWithin([]string{" "}, 100, strings.Clone, size, blank); got != nil {
		t.Errorf("TailWithin of blanks = %q", got)
	}
	facts, left := Facts([]alert.Fact{{Label: "a"}, {Label: " ", Value: "\x00"}, {Value: "b"}, {Label: "c"}}, 2)
	if len(facts) != 2 || facts[1].Value != "b" || left != 1 {
		t.Errorf("Facts = %+v, %d", facts, left)
	}
	links, left := Links([]alert.Link{{Label: "x", URL: "javascript:alert(1)"}, {Label: "y", URL: "https://a.example/é"}, {URL: "https://b.example"}}, 1, 100)
	if len(links) != 1 || links[0] != (alert.Link{Label: "y", URL: "https://a.example/%C3%A9"}) || left != 2 {
		t.Errorf("Links = %+v, %d", links, left)
	}
	if Or(" ", "—") != "—" || Or("x", "—") != "x" {
		t.Error("Or")
	}
	c := Context{Label: "WARNING", Region: "eu-west-1", Time: "2026-08-30 12:00:00 UTC"}
	if got := c.SmallPrint("*WARNING*", strings.ToUpper, 1, 2); got != "*WARNING* • EU-WEST-1 • 2026-08-30 12:00:00 UTC • 1 more fact not shown • 2 links not shown" {
		t.Errorf("SmallPrint = %q", got)
	}
	// The AWS event comes right after the label, escaped as untrusted text: a team searches
	// its channel for it.
	c = ContextOf(alert.Alert{Severity: alert.Critical, Origin: "ECS Service Action: SERVICE_TASK_PLACEMENT_FAILURE", Identity: alert.Identity{Region: "eu-west-1"}})
	if got := c.SmallPrint("*CRITICAL*", strings.ToLower, 0, 0); got != "*CRITICAL* • ecs service action: service_task_placement_failure • eu-west-1" {
		t.Errorf("SmallPrint with origin = %q", got)
	}
}

func TestFit(t *testing.T) {
	n := 10
	encode := func() ([]byte, error) { return []byte(strings.Repeat("x", n)), nil }
	shrink := func(over int) bool {
		if n <= 4 {
			return false
		}
		n -= min(over, 3)
		return true
	}
	if body, err := Fit("test: the message", 5, encode, shrink); err != nil || len(body) != 5 {
		t.Errorf("Fit = %q, %v", body, err)
	}
	n = 10
	if _, err := Fit("test: the message", 3, encode, shrink); err == nil || err.Error() != "test: the message is 4 bytes after every cut, more than 3" {
		t.Errorf("Fit error %v", err)
	}
}
