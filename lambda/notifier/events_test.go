package notifier

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/classify"
	"github.com/foghornhq/foghorn/lambda/clock"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/envelope"
)

// unproduced are the names classify.Events lists that no fixture here makes an alert carry,
// each with why it is listed anyway. Keep it short: a name belongs here only while no real
// sample of its event exists.
var unproduced = map[string]string{
	"TaskStopped":                            "a stopped task without a stop code: ECS always sends one today",
	"TaskStateChange":                        "a task state change without a lastStatus",
	"PROVISIONING":                           "task lastStatus, documented; samples show RUNNING and DEPROVISIONING",
	"PENDING":                                "task lastStatus, documented",
	"ACTIVATING":                             "task lastStatus, documented",
	"DEACTIVATING":                           "task lastStatus, documented",
	"STOPPING":                               "task lastStatus, documented",
	"REGISTERING":                            "container instance status, documented",
	"REGISTRATION_FAILED":                    "container instance status, documented",
	"DEREGISTERING":                          "container instance status, documented",
	"DEREGISTRATION_FAILED":                  "container instance status, documented",
	"INITIALIZING":                           "container instance health, documented (the instance-health rule filters it out)",
	"INSUFFICIENT_DATA":                      "alarm state and instance health, documented; no sample at hand",
	"UNKNOWN":                                "an alarm event without a state",
	"SCALING_ACTIVITY":                       "a successful scaling activity not at its maximum: AWS sends the event only at the maximum",
	"create":                                 "alarm configuration change, documented",
	"delete":                                 "alarm configuration change, documented",
	"change":                                 "an alarm configuration change without an operation",
	"AWS_HEALTH_EVENT":                       "a Health event without an event type code",
	"AWS_ECS_OPERATIONAL_ISSUE":              "AWS Health's ECS service issue, documented",
	"UNREADABLE":                             "only when the classifier panics, which no input may make it do (FuzzClassify)",
	"RENDER_FAILED":                          "only when a renderer fails (TestRenderFallsBackToGeneric)",
	"DAEMON_DEPLOYMENT_IN_PROGRESS":          "daemon deployment state, documented; samples show PENDING and ROLLBACK_FAILED",
	"DAEMON_DEPLOYMENT_SUCCESSFUL":           "daemon deployment state, documented",
	"DAEMON_DEPLOYMENT_STOP_REQUESTED":       "daemon deployment state, documented",
	"DAEMON_DEPLOYMENT_STOPPED":              "daemon deployment state, documented",
	"DAEMON_DEPLOYMENT_ROLLBACK_IN_PROGRESS": "daemon deployment state, documented",
	"DAEMON_DEPLOYMENT_ROLLBACK_SUCCESSFUL":  "daemon deployment state, documented",
}

// TestEventNamesInStep keeps classify.Events true of the whole pipeline: every alert it makes
// of the fixtures, the stories of a crash loop and a deployment, and a burst of log lines —
// posted, folded or suppressed — carries a name listed under its kind; and every listed name
// is made by one of them, or is in unproduced with a reason.
func TestEventNamesInStep(t *testing.T) {
	produced := map[alert.Kind]map[string]bool{}
	note := func(a alert.Alert) {
		if produced[a.Kind] == nil {
			produced[a.Kind] = map[string]bool{}
		}
		produced[a.Kind][a.Event] = true
	}
	collect := func(p Plan) {
		for _, m := range p.Messages {
			note(*m.Alert)
		}
		for _, f := range p.Folded {
			note(f.Alert)
		}
		for _, s := range p.Suppressed {
			note(s.Alert)
		}
	}
	doc := &config.Document{Version: 1, Destinations: []config.Destination{{Name: "alerts", Target: "slack", SecretParam: "/test/webhook"}}}
	for name, body := range fixtures(t) {
		n, err := New(doc, WithClock(clock.NewFake(processed)))
		if err != nil {
			t.Fatal(err)
		}
		recs, err := envelope.Split(body)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		collect(n.Plan(context.Background(), recs))
	}
	for _, f := range []string{"batches/crash-loop-steady-then-failure.json", "logs/lambda-cloudwatch-logs-event-docs-truncated-not-gzip.json"} {
		n, err := New(doc, WithClock(clock.NewFake(processed)))
		if err != nil {
			t.Fatal(err)
		}
		recs, err := envelope.Split(read(t, f))
		if err != nil {
			t.Fatal(err)
		}
		collect(n.Plan(context.Background(), recs))
	}

	// A crash loop told on a webhook, with a digest and its recovery; a deployment whose
	// tasks fail, and its failure.
	n, _, _ := memoryNotifier(t, clock.NewFake(processed), nil)
	s := newScenario(t, processed.Add(-3*time.Hour))
	run := func(bodies ...json.RawMessage) {
		ids := make([]string, len(bodies))
		for i := range bodies {
			ids[i] = "m-" + string(rune('a'+i))
		}
		recs, err := envelope.Split(sqsPayload(t, ids, bodies))
		if err != nil {
			t.Fatal(err)
		}
		p := n.Plan(context.Background(), recs)
		n.Deliver(context.Background(), p)
		collect(p)
	}
	run(s.failure("web", "ecs-svc/1", 1, 0), s.failure("web", "ecs-svc/1", 2, time.Minute), s.failure("web", "ecs-svc/1", 3, 2*time.Minute))
	run(s.failure("web", "ecs-svc/1", 4, 20*time.Minute))
	run(s.steadyState("web", 30*time.Minute))
	run(s.deployment("api", "SERVICE_DEPLOYMENT_IN_PROGRESS", "ecs-svc/2", "started", 0),
		s.failure("api", "ecs-svc/2", 1, time.Minute), s.failure("api", "ecs-svc/2", 2, 2*time.Minute), s.failure("api", "ecs-svc/2", 3, 3*time.Minute))
	run(s.deployment("api", "SERVICE_DEPLOYMENT_FAILED", "ecs-svc/2", "circuit breaker", 5*time.Minute))

	// Log lines: new patterns, and digests of them.
	ln, _, _ := logNotifier(t, logDoc("checkout-api", "orders-api", "billing-sync"), nil)
	bodies, _ := burstLines(t, processed.Add(-2*time.Hour))
	for _, p := range runLogs(t, ln, bodies) {
		collect(p)
	}

	listed := map[alert.Kind][]string{}
	for _, k := range classify.Events {
		listed[k.Kind] = k.Events
	}
	made := map[string]bool{}
	for kind, events := range produced {
		for e := range events {
			made[e] = true
			if !slices.Contains(listed[kind], e) && !(kind == alert.KindHealth && classify.HealthCode(e)) {
				t.Errorf("a %s alert carries event %q, which classify.Events does not list under its kind", kind, e)
			}
		}
	}
	var missing []string
	for _, k := range classify.Events {
		for _, e := range k.Events {
			_, excused := unproduced[e]
			switch {
			case made[e] && excused && produced[k.Kind][e]:
				t.Errorf("%q is made by a fixture now: take it out of unproduced", e)
			case !produced[k.Kind][e] && !excused:
				missing = append(missing, string(k.Kind)+" "+e)
			}
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("classify.Events lists %s, which no fixture makes: add a sample, or say why in unproduced", m)
	}
}
