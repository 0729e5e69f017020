package classify

import (
	"testing"

	"github.com/foghornhq/foghorn/lambda/alert"
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
