package chat

import (
	"slices"
	"strings"
	"testing"

	"github.com/foghornhq/foghorn/lambda/alert"
)

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

func TestLayoutPieces(t *testing.T) {
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
