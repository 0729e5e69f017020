package classify

import (
	"strings"
	"testing"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/text"
)

// originReference is origin as it was before the table of origins: made every time.
func originReference(a *alert.Alert) string {
	dt, name := oneLine(a.DetailType), oneLine(a.Event)
	if a.Kind == alert.KindGeneric || name == "" || name == dt {
		return shorten(dt, maxFact)
	}
	if dt == "" {
		return shorten(name, maxFact)
	}
	return shorten(dt+": "+name, maxFact)
}

// FuzzOrigin holds origin, asked twice (the second answer from the table while it has
// room), to the origin made every time.
func FuzzOrigin(f *testing.F) {
	f.Add("ECS Task State Change", "EssentialContainerExited", false)
	f.Add("ECS Task State Change", "UserInitiated", false)
	f.Add("CloudWatch Alarm State Change", "ALARM", false)
	f.Add("ECS Service Action", "ECS Service Action", false)
	f.Add("", "SERVICE_STEADY_STATE", true)
	f.Fuzz(func(t *testing.T, dt, name string, generic bool) {
		a := alert.Alert{DetailType: dt, Event: name, Kind: alert.KindTaskStopped}
		if generic {
			a.Kind = alert.KindGeneric
		}
		want := originReference(&a)
		for range 2 {
			if got := origin(&a); got != want {
				t.Fatalf("origin of %q, %q = %q, want %q", dt, name, got, want)
			}
		}
	})
}

// FuzzOneCleanLine holds oneCleanLine to the check oneLine made alone before it: true only
// for printable ASCII with no two spaces together and none at either end, and true for every
// such line (so that oneLine keeps them without a second look).
func FuzzOneCleanLine(f *testing.F) {
	f.Add("checkout-api: container app exited with code 1")
	f.Add("two  spaces across a word boundary")
	f.Add("1234567 89abcdef")
	f.Add("1234567  9abcdef")
	f.Add("12345678 bcdefgh")
	f.Add(" leading")
	f.Add("trailing ")
	f.Add("tab\tinside and é")
	f.Fuzz(func(t *testing.T, s string) {
		want := text.Plain(s) && !strings.Contains(s, "  ") && strings.TrimSpace(s) == s
		if got := oneCleanLine(s); got != want {
			t.Fatalf("oneCleanLine(%q) = %v, want %v", s, got, want)
		}
	})
}

// FuzzSummaries holds the summaries made in one piece to the way they were grown a part at
// a time, and trimSubject to strings.TrimPrefix.
func FuzzSummaries(f *testing.F) {
	f.Add("checkout-api: deployment ecs-svc/1 failed", "checkout-api", "prod")
	f.Add("checkout-api:deployment", "checkout-api", "")
	f.Add("log-router: daemon task failed", "log-router", "dev")
	f.Fuzz(func(t *testing.T, title, subject, cluster string) {
		if got, want := trimSubject(title, subject), strings.TrimPrefix(title, subject+": "); got != want {
			t.Fatalf("trimSubject(%q, %q) = %q, want %q", title, subject, got, want)
		}
		for _, kind := range []string{"service", "daemon"} {
			want := "ECS " + kind + " " + subject
			if cluster != "" {
				want += " in cluster " + cluster
			}
			want += ": " + title + "."
			got := serviceSummary(subject, cluster, title)
			if kind == "daemon" {
				got = daemonSummary(subject, cluster, title)
			}
			if got != want {
				t.Fatalf("%s summary = %q, want %q", kind, got, want)
			}
		}
	})
}
