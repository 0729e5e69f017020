package alerts_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/foghornhq/foghorn/infra/alerts"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/state"
)

// TestStateTable checks the table against the layout lambda/state.Dynamo reads.
func TestStateTable(t *testing.T) {
	for _, pitr := range []bool{false, true} {
		a := minimalArgs(t)
		a.StateTablePointInTimeRecovery = pitr
		r := mustRun(t, a).rec
		table := r.one(t, tTable)
		in := table.Inputs
		if !strings.Contains(table.Parent, "foghorn:index:StateTable") {
			t.Errorf("table parented to %q, want the StateTable component", table.Parent)
		}
		if str(t, in, "billingMode") != "PAY_PER_REQUEST" {
			t.Errorf("billing mode %s, want on demand", str(t, in, "billingMode"))
		}
		if str(t, in, "hashKey") != state.AttrKey || str(t, in, "hashKey") != "pk" {
			t.Errorf("hash key %s", str(t, in, "hashKey"))
		}
		if _, ok := in["rangeKey"]; ok {
			t.Error("the store reads items by pk alone: no range key")
		}
		attrs := in["attributes"].ArrayValue()
		if len(attrs) != 1 || attrs[0].ObjectValue()["name"].StringValue() != state.AttrKey || attrs[0].ObjectValue()["type"].StringValue() != "S" {
			t.Errorf("attributes %v, want only pk of type S (DynamoDB refuses declared attributes no key uses)", attrs)
		}
		ttl := in["ttl"].ObjectValue()
		if ttl["attributeName"].StringValue() != state.AttrExpires || ttl["attributeName"].StringValue() != "expires" || !ttl["enabled"].BoolValue() {
			t.Errorf("ttl %v, want enabled on expires", ttl)
		}
		if got := in["pointInTimeRecovery"].ObjectValue()["enabled"].BoolValue(); got != pitr {
			t.Errorf("point-in-time recovery %v, want %v", got, pitr)
		}
		for _, k := range []resource.PropertyKey{"name", "serverSideEncryption", "readCapacity", "writeCapacity", "streamEnabled"} {
			if _, ok := in[k]; ok {
				t.Errorf("%s set: the table is auto-named, on demand, without a stream, with DynamoDB's default encryption", k)
			}
		}
	}
}

// TestCrashLoopSettings: the settings land in the document, validated by the notifier's code,
// and the defaults are the notifier's own.
func TestCrashLoopSettings(t *testing.T) {
	cases := []struct {
		label                  string
		threshold              int
		window, digest         string
		wantN                  int
		wantWindow, wantDigest time.Duration
	}{
		{"defaults", 0, "", "", 3, 10 * time.Minute, 5 * time.Minute},
		{"set", 5, "15m", "90s", 5, 15 * time.Minute, 90 * time.Second},
	}
	for _, c := range cases {
		a := minimalArgs(t)
		a.CrashLoopThreshold, a.CrashLoopWindow, a.CrashLoopDigestInterval = c.threshold, c.window, c.digest
		d := document(t, mustRun(t, a).rec)
		got := d.CrashLoop
		if got.Threshold != c.wantN || time.Duration(got.Window) != c.wantWindow || time.Duration(got.DigestInterval) != c.wantDigest {
			t.Errorf("%s: crashLoop %+v, want %d in %s, digests every %s", c.label, got, c.wantN, c.wantWindow, c.wantDigest)
		}
	}
	if alerts.DefaultCrashLoopThreshold != 3 || alerts.DefaultCrashLoopWindow != 10*time.Minute {
		t.Errorf("defaults %d, %s drifted from the issue's 3 in 10 minutes", alerts.DefaultCrashLoopThreshold, alerts.DefaultCrashLoopWindow)
	}
}

// document returns the config document the run wrote, as the notifier parses it.
func document(t *testing.T, r *recorder) *config.Document {
	t.Helper()
	cfg := r.named(t, tParam, name+"-config")
	if str(t, cfg.Inputs, "type") != "String" {
		t.Errorf("config parameter type %s", str(t, cfg.Inputs, "type"))
	}
	d, err := config.Parse([]byte(str(t, cfg.Inputs, "value")))
	if err != nil {
		t.Fatalf("the notifier would reject its config document: %v", err)
	}
	return d
}
