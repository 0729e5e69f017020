package policy

import (
	"os"
	"strings"
	"testing"

	"github.com/foghornhq/foghorn/lambda/alert"
)

func exit(n int) *int { return &n }

func TestDecide(t *testing.T) {
	tests := []struct {
		name      string
		overrides map[string]bool
		a         alert.Alert
		wantRule  string // "" means it posts
	}{
		{name: "steady state", a: alert.Alert{Kind: alert.KindServiceAction, Event: "SERVICE_STEADY_STATE"}, wantRule: "steady-state"},
		{name: "steady state switched off", overrides: map[string]bool{"steady-state": false}, a: alert.Alert{Kind: alert.KindServiceAction, Event: "SERVICE_STEADY_STATE", Severity: alert.Info}},
		{name: "placement failure", a: alert.Alert{Kind: alert.KindServiceAction, Event: "SERVICE_TASK_PLACEMENT_FAILURE", Severity: alert.Critical}},
		{name: "task running", a: alert.Alert{Kind: alert.KindTaskState, Status: "RUNNING"}, wantRule: "task-not-stopped"},
		{name: "replacement stop", a: alert.Alert{Kind: alert.KindTaskStopped, Reason: alert.Reason{StopCode: "ServiceSchedulerInitiated", StoppedReason: "Scaling activity initiated by (deployment ecs-svc/123)"}}, wantRule: "deployment-replacement"},
		{name: "health check stop is not a replacement", a: alert.Alert{Kind: alert.KindTaskStopped, Severity: alert.Warning, Reason: alert.Reason{StopCode: "ServiceSchedulerInitiated", StoppedReason: "Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:…)"}}},
		{name: "batch job finished", a: alert.Alert{Kind: alert.KindTaskStopped, Group: "family:nightly", Reason: alert.Reason{StopCode: "EssentialContainerExited", Containers: []alert.Container{{Name: "job", ExitCode: exit(0)}, {Name: "sidecar"}}}}, wantRule: "task-completed"},
		{name: "batch job failed", a: alert.Alert{Kind: alert.KindTaskStopped, Group: "family:nightly", Reason: alert.Reason{StopCode: "EssentialContainerExited", Containers: []alert.Container{{Name: "job", ExitCode: exit(2)}}}}},
		{name: "service task exiting 0 still posts", a: alert.Alert{Kind: alert.KindTaskStopped, Group: "service:api", Reason: alert.Reason{StopCode: "EssentialContainerExited", Containers: []alert.Container{{Name: "app", ExitCode: exit(0)}}}}},
		{name: "alarm config", a: alert.Alert{Kind: alert.KindAlarmConfig}, wantRule: "alarm-config-change"},
		{name: "alarm ok posts by default", a: alert.Alert{Kind: alert.KindAlarm, Status: "OK", Severity: alert.Resolved}},
		{name: "alarm ok when switched on", overrides: map[string]bool{"alarm-ok": true}, a: alert.Alert{Kind: alert.KindAlarm, Status: "OK", Severity: alert.Resolved}, wantRule: "alarm-ok"},
		{name: "info rule keeps recoveries", overrides: map[string]bool{"info": true}, a: alert.Alert{Kind: alert.KindDeployment, Event: "SERVICE_DEPLOYMENT_COMPLETED", Severity: alert.Resolved}},
		{name: "info rule drops starts", overrides: map[string]bool{"info": true}, a: alert.Alert{Kind: alert.KindDeployment, Event: "SERVICE_DEPLOYMENT_IN_PROGRESS", Severity: alert.Info}, wantRule: "info"},
		{name: "muted alarm", a: alert.Alert{Kind: alert.KindAlarm, Status: "ALARM", Severity: alert.Critical, MutedBy: "maintenance"}, wantRule: "alarm-muted"},
		{name: "muted alarm posts with the rule off", overrides: map[string]bool{"alarm-muted": false}, a: alert.Alert{Kind: alert.KindAlarm, Status: "ALARM", Severity: alert.Critical, MutedBy: "maintenance"}},
		{name: "muted alarm back to OK names the mute", overrides: map[string]bool{"alarm-ok": true}, a: alert.Alert{Kind: alert.KindAlarm, Status: "OK", Severity: alert.Resolved, MutedBy: "maintenance"}, wantRule: "alarm-muted"},
		{name: "hook started", a: alert.Alert{Kind: alert.KindDeployment, Event: "HOOK_IN_PROGRESS", Severity: alert.Info}, wantRule: "hook-routine"},
		{name: "hook succeeded", a: alert.Alert{Kind: alert.KindDeployment, Event: "HOOK_SUCCEEDED", Severity: alert.Resolved}, wantRule: "hook-routine"},
		{name: "deployment paused", a: alert.Alert{Kind: alert.KindDeployment, Event: "HOOK_AWAITING_ACTION", Severity: alert.Warning}},
		{name: "hook timed out", a: alert.Alert{Kind: alert.KindDeployment, Event: "HOOK_TIMED_OUT", Severity: alert.Critical}},
		{name: "daemon deployment completed", a: alert.Alert{Kind: alert.KindDeployment, Event: "DAEMON_DEPLOYMENT_SUCCESSFUL", Severity: alert.Resolved}, wantRule: "daemon-deployment-routine"},
		{name: "daemon rollback failed", a: alert.Alert{Kind: alert.KindDeployment, Event: "DAEMON_DEPLOYMENT_ROLLBACK_FAILED", Severity: alert.Critical}},
		{name: "instance healthy", a: alert.Alert{Kind: alert.KindContainerInstance, Event: "OK", Severity: alert.Resolved}, wantRule: "instance-health-ok"},
		{name: "instance impaired", a: alert.Alert{Kind: alert.KindContainerInstance, Event: "IMPAIRED", Severity: alert.Warning}},
		{name: "instance health initializing", a: alert.Alert{Kind: alert.KindContainerInstance, Event: "INITIALIZING", Severity: alert.Info}, wantRule: "container-instance-routine"},
		{name: "generic is never suppressed", overrides: map[string]bool{"info": true}, a: alert.Alert{Kind: alert.KindGeneric, Severity: alert.Info}},
		{name: "crash loop is never suppressed", overrides: map[string]bool{"info": true}, a: alert.Alert{Kind: alert.KindCrashLoop, Severity: alert.Info}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := New(tt.overrides)
			if err != nil {
				t.Fatal(err)
			}
			d := p.Decide(&tt.a)
			if d.Rule != tt.wantRule || d.Suppress != (tt.wantRule != "") {
				t.Errorf("Decide = %+v, want rule %q", d, tt.wantRule)
			}
			if d.Suppress && d.Why == "" {
				t.Error("a suppression must say why")
			}
		})
	}
}

func TestUnknownRule(t *testing.T) {
	_, err := New(map[string]bool{"stedy-state": false})
	if err == nil || !strings.Contains(err.Error(), `unknown noise rule stedy-state`) || !strings.Contains(err.Error(), "steady-state") {
		t.Errorf("err = %v, want one naming the bad rule and listing the known ones", err)
	}
}

// TestReadmeListsEveryRule keeps the README's rules table in step with the code.
func TestReadmeListsEveryRule(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(b), "<!-- rules-table -->")
	table, _, ok2 := strings.Cut(table, "<!-- /rules-table -->")
	if !ok || !ok2 {
		t.Fatal("README.md has no rules table between its markers")
	}
	rows := 0
	for _, line := range strings.Split(table, "\n") {
		if strings.HasPrefix(line, "| `") {
			rows++
		}
	}
	for _, r := range Rules {
		def := "off"
		if r.Default {
			def = "on"
		}
		if !strings.Contains(table, "| `"+r.Name+"` | "+def+" |") {
			t.Errorf("README.md's rules table lacks `%s` (default %s)", r.Name, def)
		}
	}
	if rows != len(Rules) {
		t.Errorf("README.md lists %d rules, the code has %d", rows, len(Rules))
	}
}
