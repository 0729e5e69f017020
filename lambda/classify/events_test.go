package classify

import (
	"slices"
	"testing"

	"github.com/foghornhq/foghorn/lambda/alert"
)

// TestEventsListed keeps Events in step with the classifier: every alert of every fixture
// carries an event name Events lists under its kind (or, for AWS Health, a Health code).
// The notifier's test does the same for the stories and log patterns, and checks the other
// way: that each listed name is produced by some fixture or has a reason not to be.
func TestEventsListed(t *testing.T) {
	byKind := map[alert.Kind][]string{}
	for _, k := range Events {
		if _, dup := byKind[k.Kind]; dup {
			t.Errorf("Events lists kind %s twice", k.Kind)
		}
		byKind[k.Kind] = k.Events
	}
	for _, k := range alert.Kinds {
		if len(byKind[k]) == 0 {
			t.Errorf("Events lists no event of kind %s", k)
		}
	}
	for _, f := range fixtures(t) {
		for _, a := range alertsOf(t, f.path) {
			if slices.Contains(byKind[a.Kind], a.Event) || a.Kind == alert.KindHealth && HealthCode(a.Event) {
				continue
			}
			t.Errorf("%s: a %s alert carries event %q, which Events does not list under its kind", f.name, a.Kind, a.Event)
		}
	}
}

func TestKnownEvent(t *testing.T) {
	tests := []struct {
		glob string
		want bool
	}{
		{"SERVICE_DEPLOYMENT_FAILED", true},
		{"SERVICE_*", true},
		{"*_STEADY_STATE", true},
		{"HOOK_[FT]*", true},
		{"EssentialContainerExited", true},
		{"OK", true},
		{"LOG_PATTERN", true},
		{"AWS_ECS_TASK_PATCHING_RETIREMENT", true},
		{"AWS_ECS_OPERATIONAL_NOTIFICATION", true}, // not listed, but has a Health code's shape
		{"AWS_EC2_*", true},
		{"SERVICE_DEPLOYMENT_FAILD", false},
		{"essentialcontainerexited", false}, // names are case-sensitive, as globs are
		{"NOPE_*", false},
		{"AWS_lowercase", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := KnownEvent(tt.glob); got != tt.want {
			t.Errorf("KnownEvent(%q) = %v, want %v", tt.glob, got, tt.want)
		}
	}
}
