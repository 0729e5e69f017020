package eventpattern_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/foghornhq/foghorn/infra/eventpattern"
	"github.com/foghornhq/foghorn/infra/eventpattern/patterntest"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/policy"
)

// The recorded AWS events the notifier is tested with. aws-derived holds events built from
// those shapes by the notifier engineers; it may not exist yet.
var fixtureDirs = []string{"../../lambda/testdata/aws", "../../lambda/testdata/aws-derived"}

const watchdogPrefix = "foghorn-watchdog-"

func defaultFilter() eventpattern.Filter {
	return eventpattern.Filter{ExcludeAlarmPrefix: watchdogPrefix}
}

func build(t *testing.T, f eventpattern.Filter) []eventpattern.Rule {
	t.Helper()
	rules, err := eventpattern.Build(eventpattern.Classes, f)
	if err != nil {
		t.Fatal(err)
	}
	return rules
}

// everyNoiseRule switches every noise rule the notifier knows on, or every one off.
func everyNoiseRule(on bool) map[string]bool {
	m := map[string]bool{}
	for _, n := range policy.Names() {
		m[n] = on
	}
	return m
}

// matching returns the classes of the rules that match event, sorted.
func matching(t *testing.T, rules []eventpattern.Rule, event []byte) []string {
	t.Helper()
	var out []string
	for _, r := range rules {
		ok, err := patterntest.Match([]byte(r.Pattern), event)
		if err != nil {
			t.Fatalf("%s: %v", r.Class, err)
		}
		if ok {
			out = append(out, string(r.Class))
		}
	}
	sort.Strings(out)
	return out
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDirs[0], name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// variant loads a fixture and edits it: set maps a dotted path to a new value, nil deletes.
func variant(t *testing.T, name string, set map[string]any) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(readEither(t, name), &m); err != nil {
		t.Fatal(err)
	}
	for path, v := range set {
		keys := strings.Split(path, ".")
		cur := m
		for _, k := range keys[:len(keys)-1] {
			next, ok := cur[k].(map[string]any)
			if !ok {
				next = map[string]any{}
				cur[k] = next
			}
			cur = next
		}
		last := keys[len(keys)-1]
		if v == nil {
			delete(cur, last)
		} else {
			cur[last] = v
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestEveryPatternIsValidAndSmall(t *testing.T) {
	filters := map[string]eventpattern.Filter{
		"default":             defaultFilter(),
		"all noise rules off": {Noise: everyNoiseRule(false), ExcludeAlarmPrefix: watchdogPrefix},
		"all noise rules on":  {Noise: everyNoiseRule(true), ExcludeAlarmPrefix: watchdogPrefix},
		"clusters and services": {
			ClusterArns:       []string{"arn:aws:ecs:eu-west-1:123456789012:cluster/prod-a", "arn:aws:ecs:eu-west-1:123456789012:cluster/prod-b"},
			ServiceNames:      []string{"web", "worker", "billing-api"},
			AlarmNamePrefixes: []string{"prod-"},
		},
		"allow-lists": {ServiceActionEvents: []string{"SERVICE_TASK_PLACEMENT_FAILURE"}, DeploymentEvents: []string{"SERVICE_DEPLOYMENT_FAILED"}},
	}
	for name, f := range filters {
		t.Run(name, func(t *testing.T) {
			for _, r := range build(t, f) {
				if err := patterntest.Validate([]byte(r.Pattern)); err != nil {
					t.Errorf("%s: %v\n%s", r.Class, err, r.Pattern)
				}
				if len(r.Pattern) > eventpattern.MaxPatternSize {
					t.Errorf("%s: pattern is %d characters, over EventBridge's %d", r.Class, len(r.Pattern), eventpattern.MaxPatternSize)
				}
				if r.Description == "" {
					t.Errorf("%s: no description", r.Class)
				}
			}
		})
	}
}

// TestFixturesDefaultPolicy runs every rule against every recorded event: what the notifier
// alerts on arrives, through exactly one rule; the noise does not arrive at all.
func TestFixturesDefaultPolicy(t *testing.T) {
	want := map[string]string{ // fixture → the one rule that delivers it; "" for none
		"ecs-container-instance-state-change-active.json":                            "", // container-instance-routine
		"ecs-deployment-state-change-completed.json":                                 "deployment",
		"ecs-deployment-state-change-failed-circuit-breaker.json":                    "deployment",
		"ecs-deployment-state-change-in-progress.json":                               "deployment",
		"ecs-service-action-capacity-provider-steady-state.json":                     "",               // steady-state
		"ecs-service-action-service-steady-state.json":                               "service-action", // ends crash-loop stories; the notifier suppresses its message
		"ecs-service-action-task-placement-failure-fargate-spot.json":                "service-action",
		"ecs-service-action-task-start-impaired.json":                                "service-action",
		"ecs-task-state-change-ec2-running-sidecar-container-exited.json":            "", // task-not-stopped
		"ecs-task-state-change-fargate-running.json":                                 "", // task-not-stopped
		"ecs-task-state-change-fargate-spot-termination-notice-fragment.json":        "task-state",
		"ecs-task-state-change-stopped-elb-health-check-fargate.json":                "task-state", // scheduler stop, but not a replacement
		"ecs-task-state-change-stopped-scaling-activity-deployment-ec2.json":         "",           // deployment-replacement
		"application-autoscaling-scaling-activity-scaled-to-max-dynamodb.json":       "",           // not ECS
		"aws-health-event-ec2-issue.json":                                            "",           // not ECS
		"eventbridge-cloudwatch-alarm-configuration-change-update-metric-alarm.json": "",           // alarm-config-change
		"eventbridge-cloudwatch-alarm-state-change-composite-suppressed.json":        "alarm",
		"eventbridge-cloudwatch-alarm-state-change-metric-math.json":                 "alarm",
		"eventbridge-cloudwatch-alarm-state-change-single-metric-ec2-cpu.json":       "alarm",

		// The newer ECS event types and alarms (SOURCES.md sections 10 and 11).
		"ecs-hook-state-change-hook-awaiting-action.json":                                   "hook",
		"ecs-hook-state-change-hook-awaiting-action-no-resources.json":                      "hook",
		"ecs-daemon-service-action-task-start-impaired-task-failed-to-run.json":             "daemon",
		"ecs-daemon-service-action-task-start-impaired-task-creation-failed.json":           "daemon",
		"ecs-daemon-deployment-state-change-pending.json":                                   "",                // daemon-deployment-routine
		"ecs-container-instance-health-change-container-runtime-ok.json":                    "instance-health", // ends an impaired instance's thread
		"ecs-container-instance-health-change-accelerated-compute-impaired.json":            "instance-health",
		"ecs-container-instance-health-change-daemon-impaired.json":                         "instance-health",
		"ecs-service-action-task-placement-failure-ec2-cpu.json":                            "service-action",
		"eventbridge-cloudwatch-alarm-state-change-single-metric-muted.json":                "alarm", // delivered to be logged; alarm-muted keeps it out of chat
		"eventbridge-cloudwatch-alarm-state-change-metric-math-muted.json":                  "alarm",
		"eventbridge-cloudwatch-alarm-state-change-anomaly-detection-muted.json":            "alarm",
		"eventbridge-cloudwatch-alarm-state-change-composite-suppressed-muted.json":         "alarm",
		"eventbridge-cloudwatch-alarm-contributor-state-change-metrics-insights-muted.json": "alarm",
		"eventbridge-cloudwatch-alarm-state-change-multi-time-series-summary.json":          "alarm",
		"eventbridge-cloudwatch-alarm-contributor-state-change-log-alarm.json":              "alarm",
		"eventbridge-cloudwatch-alarm-state-change-log-alarm-placeholders.json":             "alarm",
	}
	derived := map[string]string{ // lambda/testdata/aws-derived
		"application-autoscaling-scaling-activity-scaled-to-max-ecs.json":           "scaling",
		"aws-health-event-ecs-task-patching-retirement.json":                        "health",
		"cloudtrail-ecs-update-service-by-application-autoscaling.json":             "scaling",
		"ecs-container-instance-state-change-agent-disconnected.json":               "container-instance",
		"ecs-container-instance-state-change-draining.json":                         "container-instance",
		"ecs-container-instance-state-change-inactive.json":                         "container-instance",
		"ecs-deployment-state-change-in-progress-rollback.json":                     "deployment",
		"ecs-service-action-ecs-operation-throttled.json":                           "service-action",
		"ecs-service-action-service-daemon-placement-constraint-violated.json":      "service-action",
		"ecs-service-action-service-desired-count-updated.json":                     "service-action", // scaling is off by default
		"ecs-service-action-service-discovery-instance-unhealthy.json":              "service-action",
		"ecs-service-action-service-discovery-operation-throttled.json":             "service-action",
		"ecs-service-action-service-task-configuration-failure.json":                "service-action",
		"ecs-service-action-task-placement-failure-tagged-info.json":                "service-action",
		"ecs-service-action-tasks-stopped.json":                                     "service-action",
		"ecs-service-action-taskset-steady-state.json":                              "", // steady-state
		"ecs-service-action-vpc-lattice-target-unhealthy.json":                      "service-action",
		"ecs-task-state-change-deprovisioning-after-exit.json":                      "",           // task-not-stopped: the STOPPED event follows
		"ecs-task-state-change-stopped-batch-task-completed.json":                   "task-state", // task-completed needs exit codes: the notifier decides
		"ecs-task-state-change-stopped-cannot-pull-image.json":                      "task-state",
		"ecs-task-state-change-stopped-container-health-check.json":                 "task-state",
		"ecs-task-state-change-stopped-essential-container-exited-1.json":           "task-state",
		"ecs-task-state-change-stopped-oom.json":                                    "task-state",
		"ecs-task-state-change-stopped-resource-initialization-error.json":          "task-state",
		"ecs-task-state-change-stopped-service-container-exited-0.json":             "task-state",
		"ecs-task-state-change-stopped-sigkill-137.json":                            "task-state",
		"ecs-task-state-change-stopped-sigterm-143.json":                            "task-state",
		"ecs-task-state-change-stopped-spot-interruption.json":                      "task-state",
		"ecs-task-state-change-stopped-user-initiated.json":                         "task-state",
		"eventbridge-cloudwatch-alarm-state-change-anomaly-detection-band.json":     "alarm",
		"eventbridge-cloudwatch-alarm-state-change-target-tracking-alarm-high.json": "alarm", // scaling is off by default
		"ecs-hook-state-change-hook-in-progress.json":                               "",      // hook-routine
		"ecs-hook-state-change-hook-succeeded.json":                                 "hook",  // ends a paused deployment's thread
		"ecs-hook-state-change-hook-failed.json":                                    "hook",
		"ecs-hook-state-change-hook-timed-out.json":                                 "hook",
		"ecs-daemon-deployment-state-change-rollback-failed.json":                   "daemon",
		"ecs-deployment-state-change-failed-alarm.json":                             "deployment",
		"ecs-service-action-service-health-unknown.json":                            "service-action",
		"eventbridge-cloudtrail-ecs-runtask-failures-resource-memory.json":          "task-launch",
		"eventbridge-cloudtrail-ecs-runtask-success.json":                           "", // every task started
		"eventbridge-cloudwatch-alarm-state-change-empty-reason.json":               "alarm",
	}
	if _, err := os.Stat(fixtureDirs[1]); err == nil {
		for k, v := range derived {
			want[k] = v
		}
	}
	rules := build(t, defaultFilter())
	seen := 0
	for _, dir := range fixtureDirs {
		files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
		for _, path := range files {
			name := filepath.Base(path)
			event, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got := matching(t, rules, event)
			exp, known := want[name]
			switch {
			case known:
				seen++
				if exp == "" && len(got) > 0 {
					t.Errorf("%s: noise delivered by %v", name, got)
				}
				if exp != "" && !slices.Equal(got, []string{exp}) {
					t.Errorf("%s: delivered by %v, want exactly [%s]", name, got, exp)
				}
			case strings.HasPrefix(name, "lambda-") || strings.HasPrefix(name, "sns-"):
				// Lambda envelopes and bare SNS messages are not EventBridge events.
				if len(got) > 0 {
					t.Errorf("%s: not an EventBridge event, yet matched %v", name, got)
				}
			default:
				if len(got) > 1 {
					t.Errorf("%s: delivered twice, by %v", name, got)
				}
				t.Logf("%s: no expectation recorded; delivered by %v", name, got)
			}
		}
	}
	if seen != len(want) {
		t.Errorf("found %d of the %d expected fixtures", seen, len(want))
	}
}

// TestDerivedEvents covers shapes no recorded fixture has, built by editing recorded ones.
func TestDerivedEvents(t *testing.T) {
	const (
		elb     = "ecs-task-state-change-stopped-elb-health-check-fargate.json"
		replace = "ecs-task-state-change-stopped-scaling-activity-deployment-ec2.json"
		ci      = "ecs-container-instance-state-change-active.json"
		alarm   = "eventbridge-cloudwatch-alarm-state-change-single-metric-ec2-cpu.json"
		scaled  = "application-autoscaling-scaling-activity-scaled-to-max-dynamodb.json"
		health  = "aws-health-event-ec2-issue.json"
		spot    = "ecs-task-state-change-fargate-spot-termination-notice-fragment.json"
	)
	trail := func(set map[string]any) []byte {
		base := map[string]any{
			"source": "aws.ecs", "detail-type": "AWS API Call via CloudTrail",
			"detail": map[string]any{
				"eventSource": "ecs.amazonaws.com", "eventName": "UpdateService",
				"requestParameters": map[string]any{"cluster": "default", "service": "servicetest", "desiredCount": 4},
			},
		}
		for k, v := range set {
			base["detail"].(map[string]any)[k] = v
		}
		b, _ := json.Marshal(base)
		return b
	}
	cases := []struct {
		name  string
		event []byte
		want  string
	}{
		{"OOM kill", variant(t, elb, map[string]any{"detail.stopCode": "EssentialContainerExited", "detail.stoppedReason": "Essential container in task exited"}), "task-state"},
		{"stop without stopCode (older agents)", variant(t, elb, map[string]any{"detail.stopCode": nil}), "task-state"},
		{"scheduler stop without stoppedReason", variant(t, replace, map[string]any{"detail.stoppedReason": nil}), "task-state"},
		{"replacement stop by another code", variant(t, replace, map[string]any{"detail.stopCode": "UserInitiated"}), "task-state"},
		{"task still deprovisioning", variant(t, elb, map[string]any{"detail.lastStatus": "DEPROVISIONING"}), ""},
		{"spot interruption, newer stop code", variant(t, spot, map[string]any{"detail.stopCode": "SpotInterruption"}), "task-state"},
		{"container instance agent disconnected", variant(t, ci, map[string]any{"detail.agentConnected": false}), "container-instance"},
		{"container instance draining", variant(t, ci, map[string]any{"detail.status": "DRAINING"}), "container-instance"},
		{"alarm back to OK", variant(t, alarm, map[string]any{"detail.state.value": "OK"}), "alarm"},
		{"own watchdog alarm", variant(t, alarm, map[string]any{"detail.alarmName": watchdogPrefix + "errors-1a2b3c4"}), ""},
		{"ECS service scaled to max", variant(t, scaled, map[string]any{"detail.serviceNamespace": "ecs", "detail.resourceId": "service/default/servicetest"}), "scaling"},
		{"UpdateService by Auto Scaling", trail(map[string]any{"userIdentity": map[string]any{"invokedBy": "ecs.application-autoscaling.amazonaws.com"}}), "scaling"},
		{"UpdateService by Auto Scaling, seen by source IP", trail(map[string]any{"sourceIPAddress": "ecs.application-autoscaling.amazonaws.com"}), "scaling"},
		{"UpdateService by a person", trail(map[string]any{"userIdentity": map[string]any{"type": "IAMUser"}, "sourceIPAddress": "198.51.100.7"}), ""},
		{"Health event about ECS", variant(t, health, map[string]any{"detail.service": "ECS"}), "health"},
	}
	rules := build(t, defaultFilter())
	for _, c := range cases {
		got := matching(t, rules, c.event)
		switch {
		case c.want == "" && len(got) > 0:
			t.Errorf("%s: delivered by %v, want nothing", c.name, got)
		case c.want != "" && !slices.Equal(got, []string{c.want}):
			t.Errorf("%s: delivered by %v, want exactly [%s]", c.name, got, c.want)
		}
	}
}

// TestNoiseRulesOff: with every noise rule off, every ECS and alarm fixture arrives.
func TestNoiseRulesOff(t *testing.T) {
	rules := build(t, eventpattern.Filter{Noise: everyNoiseRule(false), ExcludeAlarmPrefix: watchdogPrefix})
	for _, name := range []string{
		"ecs-container-instance-state-change-active.json",
		"ecs-service-action-service-steady-state.json",
		"ecs-service-action-capacity-provider-steady-state.json",
		"ecs-task-state-change-fargate-running.json",
		"ecs-task-state-change-stopped-scaling-activity-deployment-ec2.json",
		"eventbridge-cloudwatch-alarm-configuration-change-update-metric-alarm.json",
		"ecs-deployment-state-change-in-progress.json",
	} {
		if got := matching(t, rules, readFixture(t, name)); len(got) != 1 {
			t.Errorf("%s: delivered by %v with all noise rules off, want exactly one rule", name, got)
		}
	}
}

// TestStrictPolicy is prod's policy: the optional rules switched on.
func TestStrictPolicy(t *testing.T) {
	strict := map[string]bool{"deployment-in-progress": true, "deployment-completed": true, "scaling": true, "alarm-ok": true, "alarm-insufficient-data": true}
	rules := build(t, eventpattern.Filter{Noise: strict, ExcludeAlarmPrefix: watchdogPrefix})
	for _, r := range rules {
		if r.Class == eventpattern.Scaling {
			t.Errorf("the scaling rule exists although the scaling noise rule is on")
		}
	}
	cases := map[string]string{
		// Delivered although their messages are noise here: stories need them.
		"ecs-deployment-state-change-in-progress.json":                         "deployment",
		"ecs-deployment-state-change-completed.json":                           "deployment",
		"ecs-deployment-state-change-failed-circuit-breaker.json":              "deployment",
		"eventbridge-cloudwatch-alarm-state-change-single-metric-ec2-cpu.json": "alarm",
	}
	for name, want := range cases {
		got := matching(t, rules, readFixture(t, name))
		if (want == "") != (len(got) == 0) || (want != "" && got[0] != want) {
			t.Errorf("%s: delivered by %v, want %q", name, got, want)
		}
	}
	ok := variant(t, "eventbridge-cloudwatch-alarm-state-change-single-metric-ec2-cpu.json", map[string]any{"detail.state.value": "OK"})
	if got := matching(t, rules, ok); len(got) > 0 {
		t.Errorf("alarm OK delivered by %v with alarm-ok on", got)
	}
	if got := matching(t, rules, readFixture(t, "ecs-service-action-service-steady-state.json")); !slices.Equal(got, []string{"service-action"}) {
		t.Errorf("SERVICE_STEADY_STATE delivered by %v under the strict policy; crash-loop stories need it", got)
	}
	desired := variant(t, "ecs-service-action-task-start-impaired.json", map[string]any{"detail.eventName": "SERVICE_DESIRED_COUNT_UPDATED"})
	if got := matching(t, rules, desired); len(got) > 0 {
		t.Errorf("SERVICE_DESIRED_COUNT_UPDATED delivered by %v with scaling on", got)
	}
	tracking := variant(t, "eventbridge-cloudwatch-alarm-state-change-single-metric-ec2-cpu.json", map[string]any{
		"detail.alarmName":                 "TargetTracking-service/example-cluster/checkout-api-AlarmHigh-4f1b9c2e",
		"detail.configuration.description": "DO NOT EDIT OR DELETE. For TargetTrackingScaling policy arn:aws:autoscaling:us-east-1:111122223333:scalingPolicy:fake",
	})
	if got := matching(t, rules, tracking); len(got) > 0 {
		t.Errorf("a target tracking alarm delivered by %v with scaling on", got)
	}
	undescribed := variant(t, "eventbridge-cloudwatch-alarm-state-change-single-metric-ec2-cpu.json", map[string]any{"detail.configuration.description": nil})
	if got := matching(t, rules, undescribed); len(got) != 1 {
		t.Errorf("an alarm without a description delivered by %v with scaling on, want the alarm rule", got)
	}
}

// TestServiceSteadyStateAlwaysArrives: crash-loop stories end on SERVICE_STEADY_STATE, so
// the service-action rule delivers it under every policy and allow-list (the notifier's
// steady-state rule keeps its message out of chat); the other steady states end no story and
// stay out while the rule is on.
func TestServiceSteadyStateAlwaysArrives(t *testing.T) {
	allOn := everyNoiseRule(true)
	const (
		service  = "ecs-service-action-service-steady-state.json"
		capacity = "ecs-service-action-capacity-provider-steady-state.json"
	)
	taskset := variant(t, service, map[string]any{"detail.eventName": "TASKSET_STEADY_STATE"})
	filters := map[string]eventpattern.Filter{
		"default":            defaultFilter(),
		"all noise rules on": {Noise: allOn, ExcludeAlarmPrefix: watchdogPrefix},
		"allow-list without it": {
			ServiceActionEvents: []string{"SERVICE_TASK_PLACEMENT_FAILURE"},
			ExcludeAlarmPrefix:  watchdogPrefix,
		},
		"its own cluster": {
			ClusterArns:  []string{"arn:aws:ecs:us-west-2:111122223333:cluster/default"},
			ServiceNames: []string{"servicetest"},
		},
	}
	for name, f := range filters {
		rules := build(t, f)
		ev := readFixture(t, service)
		if name == "its own cluster" {
			ev = variant(t, service, map[string]any{"resources": []any{"arn:aws:ecs:us-west-2:111122223333:service/default/servicetest"}})
		}
		if got := matching(t, rules, ev); !slices.Equal(got, []string{"service-action"}) {
			t.Errorf("%s: SERVICE_STEADY_STATE delivered by %v, want exactly [service-action]", name, got)
		}
		if name == "allow-list without it" {
			continue // an allow-list delivers only what it names, plus the story's end
		}
		for label, other := range map[string][]byte{"capacity provider": readFixture(t, capacity), "task set": taskset} {
			if got := matching(t, rules, other); len(got) > 0 {
				t.Errorf("%s: the %s steady state delivered by %v; only the service's ends a story", name, label, got)
			}
		}
	}
	// Outside the filtered clusters and services it stays out like any service action.
	rules := build(t, filters["its own cluster"])
	elsewhere := variant(t, service, map[string]any{"resources": []any{"arn:aws:ecs:us-west-2:111122223333:service/staging/servicetest"}})
	if got := matching(t, rules, elsewhere); len(got) > 0 {
		t.Errorf("a steady state of another cluster delivered by %v", got)
	}
}

// TestStoryDeploymentsAlwaysArrive: crash-loop stories begin with a deployment in progress and
// end with its completion, so the deployment rule delivers both under every policy and
// allow-list, as the docs of deploymentEvents say; the allow-list can leave out only the rest.
func TestStoryDeploymentsAlwaysArrive(t *testing.T) {
	allOn := everyNoiseRule(true)
	filters := map[string]eventpattern.Filter{
		"default":            defaultFilter(),
		"all noise rules on": {Noise: allOn, ExcludeAlarmPrefix: watchdogPrefix},
		"allow-list without them": {
			DeploymentEvents:   []string{"SERVICE_DEPLOYMENT_FAILED"},
			Noise:              allOn,
			ExcludeAlarmPrefix: watchdogPrefix,
		},
	}
	for name, f := range filters {
		rules := build(t, f)
		for _, fixture := range []string{"ecs-deployment-state-change-in-progress.json", "ecs-deployment-state-change-completed.json"} {
			if got := matching(t, rules, readFixture(t, fixture)); !slices.Equal(got, []string{"deployment"}) {
				t.Errorf("%s: %s delivered by %v, want exactly [deployment]", name, fixture, got)
			}
		}
	}
	rules := build(t, eventpattern.Filter{DeploymentEvents: []string{"SERVICE_DEPLOYMENT_IN_PROGRESS"}, ExcludeAlarmPrefix: watchdogPrefix})
	if got := matching(t, rules, readFixture(t, "ecs-deployment-state-change-failed-circuit-breaker.json")); len(got) > 0 {
		t.Errorf("SERVICE_DEPLOYMENT_FAILED delivered by %v although the allow-list leaves it out", got)
	}
}

func TestClusterAndServiceFilters(t *testing.T) {
	f := eventpattern.Filter{
		ClusterArns:  []string{"arn:aws:ecs:us-west-2:111122223333:cluster/default", "arn:aws:ecs:us-east-1:111122223333:cluster/other"},
		ServiceNames: []string{"servicetest"},
	}
	rules := build(t, f)
	in := []string{
		"ecs-service-action-task-placement-failure-fargate-spot.json", // default/servicetest
		"ecs-deployment-state-change-failed-circuit-breaker.json",     // resources only, no clusterArn in detail
	}
	for _, name := range in {
		if got := matching(t, rules, readFixture(t, name)); len(got) != 1 {
			t.Errorf("%s: delivered by %v, want one rule", name, got)
		}
	}
	out := map[string][]byte{
		"task of another cluster":       readFixture(t, "ecs-task-state-change-stopped-elb-health-check-fargate.json"),
		"service of another name":       variant(t, "ecs-service-action-task-placement-failure-fargate-spot.json", map[string]any{"resources": []any{"arn:aws:ecs:us-west-2:111122223333:service/default/billing"}}),
		"deployment in another cluster": variant(t, "ecs-deployment-state-change-failed-circuit-breaker.json", map[string]any{"resources": []any{"arn:aws:ecs:us-west-2:111122223333:service/staging/servicetest"}}),
		"container instance elsewhere":  variant(t, "ecs-container-instance-state-change-active.json", map[string]any{"detail.status": "DRAINING", "detail.clusterArn": "arn:aws:ecs:us-east-1:111122223333:cluster/third"}),
		"task not started by a service": variant(t, "ecs-task-state-change-stopped-elb-health-check-fargate.json", map[string]any{"detail.clusterArn": "arn:aws:ecs:us-west-2:111122223333:cluster/default", "detail.group": "family:batch"}),
	}
	for name, ev := range out {
		if got := matching(t, rules, ev); len(got) > 0 {
			t.Errorf("%s: delivered by %v despite the filter", name, got)
		}
	}
	inCluster := variant(t, "ecs-task-state-change-stopped-elb-health-check-fargate.json", map[string]any{
		"detail.clusterArn": "arn:aws:ecs:us-west-2:111122223333:cluster/default", "detail.group": "service:servicetest"})
	if got := matching(t, rules, inCluster); !slices.Equal(got, []string{"task-state"}) {
		t.Errorf("task of a filtered service delivered by %v", got)
	}
	scaled := variant(t, "application-autoscaling-scaling-activity-scaled-to-max-dynamodb.json", map[string]any{"detail.serviceNamespace": "ecs", "detail.resourceId": "service/default/servicetest"})
	if got := matching(t, rules, scaled); !slices.Equal(got, []string{"scaling"}) {
		t.Errorf("scaled-to-max of a filtered service delivered by %v", got)
	}
}

func TestFilterValidation(t *testing.T) {
	cases := []struct {
		name  string
		f     eventpattern.Filter
		field string
		says  string
	}{
		{"malformed cluster ARN", eventpattern.Filter{ClusterArns: []string{"arn:aws:ecs:us-east-1:123456789012:service/default"}}, "clusterArns", "cluster/<name>"},
		{"cluster name instead of ARN", eventpattern.Filter{ClusterArns: []string{"default"}}, "clusterArns", "not an ECS cluster ARN"},
		{"bad service name", eventpattern.Filter{ServiceNames: []string{"web/api"}}, "serviceNames", "letters, digits"},
		{"unknown service event", eventpattern.Filter{ServiceActionEvents: []string{"SERVICE_EXPLODED"}}, "serviceActionEvents", "SERVICE_TASK_PLACEMENT_FAILURE"},
		{"unknown deployment event", eventpattern.Filter{DeploymentEvents: []string{"DEPLOYMENT_FAILED"}}, "deploymentEvents", "SERVICE_DEPLOYMENT_FAILED"},
		{"name the noise policy drops", eventpattern.Filter{ServiceActionEvents: []string{"SERVICE_STEADY_STATE"}}, "serviceActionEvents", "steady-state"},
		{"unknown noise rule", eventpattern.Filter{Noise: map[string]bool{"quiet": true}}, "noise", "known rules"},
		{"prefix catching the watchdogs", eventpattern.Filter{AlarmNamePrefixes: []string{"foghorn"}, ExcludeAlarmPrefix: watchdogPrefix}, "alarmNamePrefixes", "watchdog"},
		{"empty alarm prefix", eventpattern.Filter{AlarmNamePrefixes: []string{""}}, "alarmNamePrefixes", "empty"},
	}
	for _, c := range cases {
		err := c.f.Validate()
		var fe *config.Error
		if !errors.As(err, &fe) {
			t.Errorf("%s: got %v, want a field error", c.name, err)
			continue
		}
		if fe.Key != c.field || !strings.Contains(fe.Message, c.says) {
			t.Errorf("%s: got %q, want field %s saying %q", c.name, err, c.field, c.says)
		}
		if _, err := eventpattern.Build(eventpattern.Classes, c.f); err == nil {
			t.Errorf("%s: Build accepted an invalid filter", c.name)
		}
	}
	if err := (eventpattern.Filter{ServiceActionEvents: []string{"SERVICE_STEADY_STATE"}, Noise: map[string]bool{"steady-state": false}}).Validate(); err != nil {
		t.Errorf("steady-state names with the rule off: %v", err)
	}
}

func TestPatternSizeLimit(t *testing.T) {
	var clusters, services []string
	for i := range 12 {
		clusters = append(clusters, "arn:aws:ecs:eu-west-1:123456789012:cluster/cluster-with-a-long-name-"+string(rune('a'+i)))
		services = append(services, "service-with-a-long-name-"+string(rune('a'+i)))
	}
	_, err := eventpattern.Build(eventpattern.Classes, eventpattern.Filter{ClusterArns: clusters, ServiceNames: services})
	if err == nil || !strings.Contains(err.Error(), "2048") {
		t.Fatalf("want an error naming the 2048-character quota, got %v", err)
	}
}

// TestPatternSizeLimitNamesKey: a pattern over the limit is refused under one key, the list
// that takes the most room, so that the stack's preview names a key to change.
func TestPatternSizeLimitNamesKey(t *testing.T) {
	many := func(n int, prefix string) []string {
		var out []string
		for i := range n {
			out = append(out, fmt.Sprintf("%s%03d", prefix, i))
		}
		return out
	}
	cases := []struct {
		name string
		f    eventpattern.Filter
		key  string
	}{
		{"many clusters", eventpattern.Filter{ClusterArns: many(60, "arn:aws:ecs:eu-west-1:123456789012:cluster/cluster-"), ServiceNames: []string{"web"}}, "clusterArns"},
		{"many services", eventpattern.Filter{ClusterArns: []string{"arn:aws:ecs:eu-west-1:123456789012:cluster/prod"}, ServiceNames: many(120, "service-with-a-long-name-")}, "serviceNames"},
	}
	for _, c := range cases {
		_, err := eventpattern.Build(eventpattern.Classes, c.f)
		var fe *config.Error
		if !errors.As(err, &fe) {
			t.Errorf("%s: got %v, want a field error", c.name, err)
			continue
		}
		if fe.Key != c.key || !strings.Contains(fe.Message, "2048") {
			t.Errorf("%s: got %q, want key %s and the 2048-character quota", c.name, err, c.key)
		}
	}
}
