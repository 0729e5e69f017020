package main

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/clock"
	"github.com/foghornhq/foghorn/lambda/internal/dynamofake"
	"github.com/foghornhq/foghorn/lambda/silence"
	"github.com/foghornhq/foghorn/lambda/state"
)

// TestSilencesCommand: `foghorn silences list` and `lift` read and change the silences in the
// state table, through the AWS SDK and its usual credentials.
func TestSilencesCommand(t *testing.T) {
	srv, store, c := fakeStateStore(t)
	t0 := c.Now()
	t.Setenv("FOGHORN_STATE_TABLE", "")

	kinds := []alert.Kind{alert.KindTaskStopped, alert.KindCrashLoop}
	one, _ := store.Add(context.Background(), silence.Silence{Cluster: "prod", Service: "checkout-api", Kinds: kinds, Until: t0.Add(time.Hour), By: silence.User{ID: "U0ANA", Name: "ana"}})
	two, _ := store.Add(context.Background(), silence.Silence{Cluster: "prod", Service: "payments", Kinds: kinds, Until: t0.Add(24 * time.Hour), Deployment: "ecs-svc/7", By: silence.User{Name: "bob"}})
	base := []string{"--table", "foghorn-state", "--region", "eu-west-1", "--endpoint-url", srv.URL}

	run1 := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(context.Background(), append([]string{"silences"}, args...), nil, &out, &out)
		return out.String(), err
	}
	out, err := run1(append([]string{"list"}, base...)...)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"ID", one.ID, "prod/checkout-api", "task-stopped,crash-loop", "@ana", "2026-08-30 16:00 UTC", "1h0m0s", two.ID, "ecs-svc/7 completes (by 2026-08-31 15:00 UTC)"} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}
	if strings.Index(out, one.ID) > strings.Index(out, two.ID) {
		t.Errorf("not soonest to end first:\n%s", out)
	}
	out, _ = run1(append([]string{"list", "--json"}, base...)...)
	if strings.Count(out, "\n") != 2 || !strings.Contains(out, `"service":"checkout-api"`) {
		t.Errorf("json:\n%s", out)
	}

	out, err = run1(append(append([]string{"lift"}, base...), one.ID)...)
	if err != nil || !strings.Contains(out, "lifted "+one.ID+": prod/checkout-api") {
		t.Fatalf("lift: %v\n%s", err, out)
	}
	_, err = run1(append(append([]string{"lift"}, base...), one.ID)...)
	if err == nil || !strings.Contains(err.Error(), "no active silence has this id") {
		t.Errorf("lifting again: %v", err)
	}
	c.Advance(25 * time.Hour)
	if out, _ := run1(append([]string{"list"}, base...)...); !strings.Contains(out, "no active silences") {
		t.Errorf("after they lapse:\n%s", out)
	}

	for _, bad := range [][]string{{}, {"show"}, {"list"}, {"lift", "--table", "x"}, {"list", "--table", "x", "extra"}} {
		_, err := run1(bad...)
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("silences %v: %v, want a usage error", bad, err)
		}
	}
}

// fakeStateTable stands in for a stack's state table in commands written for one (the help's
// and the READMEs' examples): a DynamoDB fake, obviously fake credentials, and a fixed
// processing clock. standIn rewrites a silences command's arguments to use it: the table
// the stack output names, the fake's endpoint, and for lift a silence of its own in place of
// the id the example shows.
func fakeStateTable(t *testing.T) (standIn func(args []string) []string) {
	t.Helper()
	srv, store, c := fakeStateStore(t)
	return func(args []string) []string {
		out := append([]string(nil), args...)
		for i, a := range out {
			if a == "$(pulumi stack output stateTableName)" {
				out[i] = "foghorn-state"
			}
		}
		if len(out) > 1 && out[1] == "lift" {
			s, err := store.Add(context.Background(), silence.Silence{Cluster: "prod", Service: "checkout-api",
				Kinds: []alert.Kind{alert.KindCrashLoop}, Until: c.Now().Add(time.Hour), By: silence.User{Name: "ana"}})
			if err != nil {
				t.Fatal(err)
			}
			out[len(out)-1] = s.ID
		}
		return append(out, "--endpoint-url", srv.URL)
	}
}

// fakeStateStore is a DynamoDB fake holding the state table foghorn-state and the silences in
// it as the notifier keeps them, on a processing clock fixed at 2026-08-30 15:00 UTC, with
// obviously fake credentials and no profile files: the SDK's own chain finds them.
func fakeStateStore(t *testing.T) (*dynamofake.Server, *silence.Store, *clock.Fake) {
	t.Helper()
	srv := dynamofake.Start(dynamofake.Options{Table: "foghorn-state"})
	t.Cleanup(srv.Close)
	c := fixedClock(t, time.Date(2026, 8, 30, 15, 0, 0, 0, time.UTC))
	dir := t.TempDir()
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDFAKEFORTESTS")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "fake-secret-key")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_PROFILE", "")
	return srv, silence.New(state.NewDynamo(state.NewDynamoDB(srv.Config()), "foghorn-state", c), c), c
}
