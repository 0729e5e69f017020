package eventpattern_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/foghornhq/foghorn/infra/eventpattern"
)

// readEither reads a fixture from the real samples or, failing that, the derived ones.
func readEither(t *testing.T, name string) []byte {
	t.Helper()
	for _, dir := range fixtureDirs {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
			return b
		}
	}
	t.Fatalf("%s: in neither fixture directory", name)
	return nil
}

// TestNewerEventsUnderEveryPolicy: what stories need arrives under every policy (the end of a
// paused deployment, an impaired instance's recovery), muted alarms arrive to be logged, and
// what a switched-on noise rule drops stays out; with the rules off, everything arrives.
func TestNewerEventsUnderEveryPolicy(t *testing.T) {
	type want struct{ on, off string } // the rule delivering it with every noise rule on, and off
	cases := map[string]want{
		"ecs-hook-state-change-hook-awaiting-action.json":                                   {"hook", "hook"},
		"ecs-hook-state-change-hook-in-progress.json":                                       {"", "hook"},
		"ecs-hook-state-change-hook-succeeded.json":                                         {"hook", "hook"},
		"ecs-hook-state-change-hook-timed-out.json":                                         {"hook", "hook"},
		"ecs-daemon-deployment-state-change-pending.json":                                   {"", "daemon"},
		"ecs-daemon-deployment-state-change-rollback-failed.json":                           {"daemon", "daemon"},
		"ecs-daemon-service-action-task-start-impaired-task-creation-failed.json":           {"daemon", "daemon"},
		"ecs-container-instance-health-change-container-runtime-ok.json":                    {"instance-health", "instance-health"},
		"ecs-container-instance-health-change-daemon-impaired.json":                         {"instance-health", "instance-health"},
		"eventbridge-cloudwatch-alarm-state-change-single-metric-muted.json":                {"alarm", "alarm"},
		"eventbridge-cloudwatch-alarm-contributor-state-change-metrics-insights-muted.json": {"alarm", "alarm"},
		"eventbridge-cloudwatch-alarm-contributor-state-change-log-alarm.json":              {"alarm", "alarm"},
		"eventbridge-cloudtrail-ecs-runtask-failures-resource-memory.json":                  {"task-launch", "task-launch"},
		"eventbridge-cloudtrail-ecs-runtask-success.json":                                   {"", ""},
		"ecs-service-action-service-health-unknown.json":                                    {"service-action", "service-action"},
	}
	on := build(t, eventpattern.Filter{Noise: everyNoiseRule(true), ExcludeAlarmPrefix: watchdogPrefix})
	off := build(t, eventpattern.Filter{Noise: everyNoiseRule(false), ExcludeAlarmPrefix: watchdogPrefix})
	for name, w := range cases {
		ev := readEither(t, name)
		for label, c := range map[string]struct {
			rules []eventpattern.Rule
			want  string
		}{"all noise rules on": {on, w.on}, "all noise rules off": {off, w.off}} {
			got := matching(t, c.rules, ev)
			if (c.want == "" && len(got) > 0) || (c.want != "" && !slices.Equal(got, []string{c.want})) {
				t.Errorf("%s, %s: delivered by %v, want %q", name, label, got, c.want)
			}
		}
	}
	// Health checks still initializing are routine; a muted alarm of the stack's own watchdogs
	// stays out like any watchdog alarm.
	initializing := variant(t, "ecs-container-instance-health-change-daemon-impaired.json", map[string]any{"detail.overallStatus": "INITIALIZING"})
	if got := matching(t, on, initializing); len(got) > 0 {
		t.Errorf("health INITIALIZING delivered by %v with container-instance-routine on", got)
	}
	watchdog := variant(t, "eventbridge-cloudwatch-alarm-state-change-single-metric-muted.json", map[string]any{"detail.alarmName": watchdogPrefix + "errors-1a2b3c4"})
	if got := matching(t, on, watchdog); len(got) > 0 {
		t.Errorf("a muted watchdog alarm delivered by %v", got)
	}
}

// TestNewerEventsFilters: hooks follow the service filter (by detail.serviceArn, since their
// resources hold a service deployment or nothing), daemons and instance health the cluster
// filter, RunTask failures the cluster filter (a call naming no cluster runs in "default"),
// and no RunTask rule exists when services are named, as standalone tasks are nobody's.
func TestNewerEventsFilters(t *testing.T) {
	const (
		myCluster = "arn:aws:ecs:us-west-2:123456789012:cluster/my-cluster"
		dflt      = "arn:aws:ecs:us-east-1:123456789012:cluster/default"
	)
	rules := build(t, eventpattern.Filter{ClusterArns: []string{myCluster, dflt}})
	in := []string{
		"ecs-hook-state-change-hook-awaiting-action.json",
		"ecs-hook-state-change-hook-awaiting-action-no-resources.json",
		"ecs-daemon-service-action-task-start-impaired-task-failed-to-run.json",
		"ecs-container-instance-health-change-daemon-impaired.json",
		"eventbridge-cloudtrail-ecs-runtask-failures-resource-memory.json", // cluster "default" by name
	}
	for _, name := range in {
		if got := matching(t, rules, readEither(t, name)); len(got) != 1 {
			t.Errorf("%s: delivered by %v, want one rule", name, got)
		}
	}
	runTaskNoCluster := variant(t, "eventbridge-cloudtrail-ecs-runtask-failures-resource-memory.json", map[string]any{"detail.requestParameters.cluster": nil})
	if got := matching(t, rules, runTaskNoCluster); !slices.Equal(got, []string{"task-launch"}) {
		t.Errorf("RunTask naming no cluster (default) delivered by %v", got)
	}
	out := map[string][]byte{
		"hook of another cluster's service": variant(t, "ecs-hook-state-change-hook-awaiting-action.json", map[string]any{
			"detail.serviceArn": "arn:aws:ecs:us-west-2:123456789012:service/other/my-service"}),
		"daemon of another cluster": variant(t, "ecs-daemon-service-action-task-start-impaired-task-failed-to-run.json", map[string]any{
			"detail.clusterArn": "arn:aws:ecs:us-west-2:123456789012:cluster/other"}),
		"health of another cluster": variant(t, "ecs-container-instance-health-change-daemon-impaired.json", map[string]any{
			"detail.clusterArn": "arn:aws:ecs:us-west-2:123456789012:cluster/other"}),
		"RunTask in another cluster": variant(t, "eventbridge-cloudtrail-ecs-runtask-failures-resource-memory.json", map[string]any{
			"detail.requestParameters.cluster": "batch"}),
	}
	for name, ev := range out {
		if got := matching(t, rules, ev); len(got) > 0 {
			t.Errorf("%s: delivered by %v despite the filter", name, got)
		}
	}

	byService := build(t, eventpattern.Filter{ServiceNames: []string{"my-service"}})
	for _, r := range byService {
		if r.Class == eventpattern.TaskLaunch {
			t.Errorf("a RunTask rule exists although services are named")
		}
	}
	if got := matching(t, byService, readEither(t, "ecs-hook-state-change-hook-awaiting-action.json")); !slices.Equal(got, []string{"hook"}) {
		t.Errorf("hook of a named service delivered by %v", got)
	}
	other := variant(t, "ecs-hook-state-change-hook-awaiting-action.json", map[string]any{"detail.serviceArn": "arn:aws:ecs:us-west-2:123456789012:service/my-cluster/billing"})
	if got := matching(t, byService, other); len(got) > 0 {
		t.Errorf("hook of another service delivered by %v", got)
	}
}
