package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/clock"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/envelope"
)

const exampleDoc = "../../config/testdata/example.json"

// admitExampleTargets lets the documented example name the Teams and Discord targets before
// config.Targets lists them; `foghorn routes` needs no target of its own, only a valid document.
func admitExampleTargets(t *testing.T) {
	t.Helper()
	old := config.Targets
	for _, name := range []string{"teams", "discord"} {
		if !slices.Contains(config.Targets, name) {
			config.Targets = append(slices.Clone(config.Targets), name)
		}
	}
	t.Cleanup(func() { config.Targets = old })
}

// fixedClock pins the processing clock (the time mute windows are read at for alerts without
// one, and silences expire on) at at, until the test ends.
func fixedClock(t *testing.T, at time.Time) *clock.Fake {
	c := clock.NewFake(at)
	old := processing
	processing = c
	t.Cleanup(func() { processing = old })
	return c
}

// sqsBatchFile writes the fixtures as one SQS batch, as the function receives them.
func sqsBatchFile(t *testing.T, fixtures ...string) string {
	t.Helper()
	var msgs []json.RawMessage
	for _, f := range fixtures {
		msgs = append(msgs, json.RawMessage(mustRead(t, fixture(f))))
	}
	b, err := envelope.SQSBatch(msgs)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "batch.json")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestRoutesGolden runs `foghorn routes` with the documented example on single events and on a
// batch, and compares the output with testdata/routes.golden (go test -update rewrites it).
func TestRoutesGolden(t *testing.T) {
	admitExampleTargets(t)
	fixedClock(t, time.Date(2026, 9, 13, 1, 0, 0, 0, time.UTC)) // a Sunday, 03:00 in Berlin
	batch := sqsBatchFile(t,
		"aws-derived/ecs-task-state-change-stopped-oom.json",                                    // payments-team muted (migration), prod's failures post
		"aws-derived/eventbridge-cloudwatch-alarm-state-change-target-tracking-alarm-high.json", // only payments-team takes it, muted: nothing
		"aws/ecs-deployment-state-change-failed-circuit-breaker.json",                           // prod-failures
		"aws/ecs-task-state-change-stopped-elb-health-check-fargate.json",                       // dev
		"aws-derived/ecs-task-state-change-stopped-user-initiated.json",                         // default
		"aws-derived/ecs-service-action-service-desired-count-updated.json",                     // payments-team only (2019: no window)
		"aws/ecs-service-action-service-steady-state.json",                                      // noise rule steady-state
		"aws/ecs-deployment-state-change-in-progress.json",                                      // noise rule deployment-in-progress (on in the example)
		"aws-derived/ecs-task-state-change-stopped-oom.json",                                    // the same event again: duplicate
	)
	runs := []struct {
		show  string // the command as the golden file shows it
		args  []string
		stdin string
	}{
		{"foghorn routes example.json ecs-task-state-change-stopped-oom.json",
			[]string{"routes", exampleDoc, fixture("aws-derived/ecs-task-state-change-stopped-oom.json")}, ""},
		{"foghorn routes example.json - < ecs-deployment-state-change-completed.json",
			[]string{"routes", exampleDoc, "-"}, mustRead(t, fixture("aws/ecs-deployment-state-change-completed.json"))},
		{"foghorn routes example.json sqs-batch.json",
			[]string{"routes", exampleDoc, batch}, ""},
		{"foghorn routes example.json lambda-sqs-event-basic.json",
			[]string{"routes", exampleDoc, fixture("aws/lambda-sqs-event-basic.json")}, ""},
	}
	var got bytes.Buffer
	for _, r := range runs {
		var stdout, stderr bytes.Buffer
		if err := run(context.Background(), r.args, strings.NewReader(r.stdin), &stdout, &stderr); err != nil {
			t.Fatalf("%s: %v", r.show, err)
		}
		if stderr.Len() > 0 {
			t.Errorf("%s wrote to stderr: %s", r.show, stderr.String())
		}
		fmt.Fprintf(&got, "$ %s\n%s\n", r.show, stdout.String())
	}
	golden := filepath.Join("testdata", "routes.golden")
	if *update {
		if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (go test -update creates it)", err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("foghorn routes output changed (go test -update, then review the diff); got:\n%s", got.String())
	}
}

func TestRoutesErrors(t *testing.T) {
	admitExampleTargets(t)
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	oom := fixture("aws-derived/ecs-task-state-change-stopped-oom.json")
	badKind := write("bad-kind.json", `{"version":1,"destinations":[{"name":"a","target":"slack","secretParam":"/p"}],
		"routes":[{"match":{"kind":["task-stoped"],"service":["x["]},"destinations":["a"]}],"default":["a"]}`)
	noDefault := write("no-default.json", `{"version":1,"destinations":[{"name":"a","target":"slack","secretParam":"/p"}],
		"routes":[{"match":{"kind":["alarm"]},"destinations":["a"]}]}`)
	typo := write("typo.json", `{"version":1,"destinations":[{"name":"a","target":"slack","secretParam":"/p"}],
		"routes":[{"match":{"services":["x"]},"destinations":["a"]}],"default":["a"]}`)
	notJSON := write("event.txt", "this is not json")

	tests := []struct {
		name string
		args []string
		want string // the whole error
	}{
		{"invalid document: every key at fault, one line each", []string{"routes", badKind, oom},
			badKind + ": 2 problems:\n" +
				`  routes[0].match.service[0]: "x[" is not a valid glob (path.Match syntax: *, ?, [a-z], \ escapes)` + "\n" +
				`  routes[0].match.kind[0]: "task-stoped" is not a kind (allowed: task-stopped, task-state, service-action, deployment, scaling, container-instance, alarm, alarm-config, health, task-launch, crash-loop, log, generic); did you mean "task-stopped"?`},
		{"routes without default", []string{"routes", noDefault, oom},
			noDefault + ": default: is required when there are routes: name the destinations for alerts no route matches (or end the routes with one that matches everything)"},
		{"unknown key", []string{"routes", typo, oom}, typo + `: routes[0].match.services: unknown key (line 2, column 23); did you mean "service"?`},
		{"not JSON", []string{"routes", notJSON, oom}, notJSON + ": line 1, column 2: invalid character 'h' in literal true (expecting 'r')"},
		{"missing document", []string{"routes", filepath.Join(dir, "nope.json"), oom}, "cannot read config document: open " + filepath.Join(dir, "nope.json") + ": no such file or directory"},
		{"event not JSON", []string{"routes", exampleDoc, notJSON}, notJSON + " is not JSON: line 1, column 2: invalid character 'h' in literal true (expecting 'r')"},
		{"missing event", []string{"routes", exampleDoc, filepath.Join(dir, "nope.json")}, "cannot read input: open " + filepath.Join(dir, "nope.json") + ": no such file or directory"},
		{"one argument", []string{"routes", exampleDoc}, "routes wants a config document and an event file (or -), got 1 argument(s)\nusage: foghorn routes CONFIG FILE|- (foghorn routes --help)"},
		{"three arguments", []string{"routes", exampleDoc, oom, oom}, "routes wants a config document and an event file (or -), got 3 argument(s)\nusage: foghorn routes CONFIG FILE|- (foghorn routes --help)"},
		{"render --config, invalid", []string{"render", "--config", typo, oom}, typo + `: routes[0].match.services: unknown key (line 2, column 23); did you mean "service"?`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tt.args, strings.NewReader(""), &stdout, &stderr)
			var ue usageError
			if !errors.As(err, &ue) {
				t.Fatalf("err = %v, want a usage error (exit 2)", err)
			}
			if err.Error() != tt.want {
				t.Errorf("error\n%s\nwant\n%s", err, tt.want)
			}
			if stdout.Len() > 0 {
				t.Errorf("stdout = %q, want nothing", stdout.String())
			}
		})
	}
}

// TestRenderWithRoutes: each JSON line names its destination and routes; --explain says why
// each was posted, and where a muted route kept it out.
func TestRenderWithRoutes(t *testing.T) {
	doc := filepath.Join("testdata", "slack-routes.json")
	tests := []struct {
		name       string
		file       string
		wantLines  []string // destination routes…, one per message
		wantStderr []string
	}{
		{"a payments failure outside the load test: the team and prod", "aws-derived/ecs-service-action-service-task-configuration-failure.json",
			[]string{"payments-alerts payments-team", "prod-alerts prod-failures"},
			[]string{"1 record(s): 2 message(s), 0 folded into stories, 0 suppressed", "→ payments-alerts: checkout-api", "by route payments-team\n", "→ prod-alerts: checkout-api", "by route prod-failures\n"}},
		{"during the load test: prod only, and the mute said", "aws-derived/ecs-task-state-change-stopped-oom.json",
			[]string{"prod-alerts prod-failures"},
			[]string{"by route prod-failures", "mute      5d0c8c1e-3a9f-4c55-9a7e-2b1f0e6d4c02 → payments-alerts: route payments-team is muted: checkout load test (test) (2024-03-14T09:00:00Z to 2024-03-14T09:27:00Z)"}},
		{"no route matched: the default", "aws-derived/ecs-task-state-change-stopped-user-initiated.json",
			[]string{"ops default"}, []string{"→ ops:", "by the default route"}},
		{"a failure outside the payments team", "aws/ecs-deployment-state-change-failed-circuit-breaker.json",
			[]string{"prod-alerts prod-failures"}, []string{"by route prod-failures"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if err := run(context.Background(), []string{"render", "--config", doc, "--explain", fixture(tt.file)}, nil, &stdout, &stderr); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, l := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
				var m struct {
					Destination string          `json:"destination"`
					Target      string          `json:"target"`
					Routes      []string        `json:"routes"`
					Payload     json.RawMessage `json:"payload"`
				}
				if err := json.Unmarshal([]byte(l), &m); err != nil || m.Target != "slack" || len(m.Payload) == 0 {
					t.Fatalf("line is not {destination, target, routes, payload}: %s", l)
				}
				got = append(got, strings.Join(append([]string{m.Destination}, m.Routes...), " "))
			}
			if !slices.Equal(got, tt.wantLines) {
				t.Errorf("messages = %q, want %q", got, tt.wantLines)
			}
			for _, w := range tt.wantStderr {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("--explain lacks %q:\n%s", w, stderr.String())
				}
			}
		})
	}
}

// TestRenderWithoutRoutes: a document without routing prints no routes key, as before.
func TestRenderWithoutRoutes(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"render", "--explain", fixture("aws/ecs-deployment-state-change-failed-circuit-breaker.json")}, nil, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stdout.String(), `"routes"`) {
		t.Errorf("routes key without routing: %s", stdout.String())
	}
	if !strings.Contains(stderr.String(), "every destination (no routes)") {
		t.Errorf("--explain = %s", stderr.String())
	}
}
