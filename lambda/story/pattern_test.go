package story

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/clock"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/state"
)

// logInput is n occurrences of one pattern of checkout-api, first seen at `at`.
func logInput(eventID, fingerprint string, at time.Time, n int) Input {
	return Input{Items: []string{"msg-" + eventID}, Alert: alert.Alert{
		EventID: eventID, Kind: alert.KindLog, Event: EventLogPattern, Severity: alert.Warning, Identity: id(), Time: at,
		Origin: "CloudWatch Logs subscription: DATA_MESSAGE", LogLines: []string{"ERROR order 1 not found"},
		Log: &alert.LogPattern{Fingerprint: fingerprint, Pattern: "ERROR order <num> not found", LogGroup: "/ecs/checkout-api", LogStream: "ecs/app/1",
			Occurrences: n, Lines: n, First: at, Last: at.Add(time.Second), Query: "fields @message"},
	}}
}

func emitModes(r Result) string {
	var out []string
	for _, e := range r.Emits {
		out = append(out, e.Mode.String())
	}
	return strings.Join(out, ",")
}

// A pattern is announced once, folds in afterwards with a digest at most every
// DigestInterval of event time, and is new again after QuietAfter without a line. The same
// sequence arriving days late is told the same way.
func TestPatternStory(t *testing.T) {
	for _, late := range []time.Duration{0, 26 * time.Hour, 13 * 24 * time.Hour} {
		t.Run(fmt.Sprint(late), func(t *testing.T) {
			clk := clock.NewFake(t0.Add(48 * time.Hour))
			tr := New(state.NewMemory(clk), config.CrashLoop{}, clk)
			ctx := context.Background()
			start := t0.Add(-late)
			step := func(in Input, want string) Result {
				t.Helper()
				r, err := tr.ApplyPatterns(ctx, []Input{in})
				if err != nil {
					t.Fatal(err)
				}
				if got := emitModes(r); got != want || len(r.Folded) != 1 {
					t.Fatalf("%s: emits %q (folded %d), want %q", in.Alert.EventID, got, len(r.Folded), want)
				}
				return r
			}
			r := step(logInput("a", "lp1-0000000000000001", start, 3), "announce")
			if a := r.Emits[0].Alert; a.Count != 3 || !strings.Contains(a.Title, "new error pattern") || a.Log.Occurrences != 3 {
				t.Errorf("announcement %q count %d", a.Title, a.Count)
			}
			step(logInput("b", "lp1-0000000000000001", start.Add(10*time.Minute), 2), "fold")
			r = step(logInput("c", "lp1-0000000000000001", start.Add(31*time.Minute), 4), "digest")
			if d := r.Emits[0]; d.Reply == nil || d.Reply.Count != 4 || d.Alert.Count != 9 || !strings.Contains(d.Alert.Reason.Text, "more time") {
				t.Errorf("digest: count %d, reply %+v, reason %q", d.Alert.Count, d.Reply, d.Alert.Reason.Text)
			} else if d.Alert.Origin != "CloudWatch Logs subscription: DATA_MESSAGE" || d.Reply.Origin != d.Alert.Origin {
				t.Errorf("digest origin %q, reply's %q: the small print names the AWS event", d.Alert.Origin, d.Reply.Origin)
			}
			// Redelivered: the same treatment, counted once.
			r = step(logInput("c", "lp1-0000000000000001", start.Add(31*time.Minute), 4), "digest")
			if r.Emits[0].Alert.Count != 9 {
				t.Errorf("the redelivery counted again: %d", r.Emits[0].Alert.Count)
			}
			step(logInput("d", "lp1-0000000000000001", start.Add(26*time.Hour), 1), "announce")
		})
	}
}

// A pattern first seen during a deployment, or within the window after it, says so; later
// it does not. Its note joins the deployment's story.
func TestPatternNewSinceDeployment(t *testing.T) {
	for _, tc := range []struct {
		name  string
		after time.Duration // after the deployment completed
		want  bool
	}{
		{"during", -time.Minute, true},
		{"within the window", 29 * time.Minute, true},
		{"after the window", 31 * time.Minute, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := clock.NewFake(t0.Add(72 * time.Hour))
			tr := New(state.NewMemory(clk), config.CrashLoop{}, clk)
			ctx := context.Background()
			done := t0.Add(10 * time.Minute)
			if _, err := tr.Apply(ctx, []Input{deployment("SERVICE_DEPLOYMENT_IN_PROGRESS", dep, "in progress", t0), failure(1)}); err != nil {
				t.Fatal(err)
			}
			if tc.after >= 0 {
				if _, err := tr.Apply(ctx, []Input{deployment("SERVICE_DEPLOYMENT_COMPLETED", dep, "completed", done)}); err != nil {
					t.Fatal(err)
				}
			}
			r, err := tr.ApplyPatterns(ctx, []Input{logInput("x", "lp1-0000000000000002", done.Add(tc.after), 1)})
			if err != nil {
				t.Fatal(err)
			}
			title := r.Emits[0].Alert.Title
			if got := strings.Contains(title, "new since deployment "+dep+" of checkout-api:42"); got != tc.want {
				t.Errorf("title %q", title)
			}
			it, _ := tr.store.Get(ctx, keyOf(&r.Emits[0].Alert))
			s, _ := storyOf(it)
			if joined := s != nil && slices.ContainsFunc(s.NewPatterns, func(n PatternNote) bool { return n.Fingerprint == "lp1-0000000000000002" }); joined != tc.want {
				t.Errorf("joined the deployment's story: %v", joined)
			}
		})
	}
}

// A pattern known under an older fingerprint scheme stays that pattern.
func TestPatternAliases(t *testing.T) {
	clk := clock.NewFake(t0.Add(time.Hour))
	tr := New(state.NewMemory(clk), config.CrashLoop{}, clk)
	ctx := context.Background()
	if _, err := tr.ApplyPatterns(ctx, []Input{logInput("old", "lp1-00000000000000aa", t0, 1)}); err != nil {
		t.Fatal(err)
	}
	in := logInput("new", "lp2-00000000000000bb", t0.Add(time.Minute), 1)
	in.Alert.Log.Aliases = []string{"lp1-00000000000000aa"}
	r, err := tr.ApplyPatterns(ctx, []Input{in})
	if err != nil {
		t.Fatal(err)
	}
	if got := emitModes(r); got != "fold" || !strings.Contains(r.Folded[0].Story, "lp1-00000000000000aa") {
		t.Errorf("emits %q, story %s: want a fold into the old pattern", got, r.Folded[0].Story)
	}
}
