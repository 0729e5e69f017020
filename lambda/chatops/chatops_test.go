package chatops

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/event"
)

var all = Menu{Silence: true, Acknowledge: true, Logs: true, Continue: true, Rollback: true}

func ids(bs []Button) []string {
	var out []string
	for _, b := range bs {
		out = append(out, b.ActionID)
	}
	return out
}

func TestOffer(t *testing.T) {
	exit := func(n int) *int { return &n }
	svc := alert.Identity{Partition: "aws", Account: "111122223333", Region: "eu-west-1", Cluster: "prod", Service: "checkout-api"}
	task := svc
	task.TaskID, task.TaskFamily, task.TaskRevision = "0f1e2d3c", "checkout-api", 42
	paused := svc
	paused.ServiceDeployment = "arn:aws:ecs:eu-west-1:111122223333:service-deployment/prod/checkout-api/AbC123"
	paused.Hook = "ecs-pause-xyz"
	cases := []struct {
		name string
		a    alert.Alert
		m    Menu
		want []string
	}{
		{"task failure of a deployment", alert.Alert{Kind: alert.KindTaskStopped, Severity: alert.Critical, Identity: task, StartedBy: "ecs-svc/123",
			Reason: alert.Reason{Containers: []alert.Container{{Name: "log-router", ExitCode: exit(143)}, {Name: "app", ExitCode: exit(1)}}}}, all,
			[]string{"foghorn:silence:1h", "foghorn:silence:4h", "foghorn:silence:deployment", "foghorn:acknowledge", "foghorn:logs"}},
		{"task failure, no deployment, no task definition", alert.Alert{Kind: alert.KindTaskStopped, Severity: alert.Warning, Identity: svc}, all,
			[]string{"foghorn:silence:1h", "foghorn:silence:4h", "foghorn:acknowledge"}},
		{"task failure, only silence allowed", alert.Alert{Kind: alert.KindTaskStopped, Severity: alert.Critical, Identity: task}, Menu{Silence: true},
			[]string{"foghorn:silence:1h", "foghorn:silence:4h"}},
		{"task stopped by a user (info)", alert.Alert{Kind: alert.KindTaskStopped, Severity: alert.Info, Identity: task}, all, nil},
		{"a crash loop's thread reply", alert.Alert{Kind: alert.KindCrashLoop, Event: "CRASH_LOOP_FAILURES", Severity: alert.Critical, Identity: task}, all, nil},
		{"crash loop of a deployment, acknowledged", alert.Alert{Kind: alert.KindCrashLoop, Event: "CRASH_LOOP", Severity: alert.Critical, Identity: func() alert.Identity {
			i := task
			i.DeploymentID = "ecs-svc/123"
			return i
		}(), AckedBy: "ana"}, all,
			[]string{"foghorn:silence:1h", "foghorn:silence:4h", "foghorn:silence:deployment", "foghorn:logs", "foghorn:rollback"}},
		{"crash loop recovered", alert.Alert{Kind: alert.KindCrashLoop, Event: "RECOVERED", Severity: alert.Resolved, Identity: task}, all, nil},
		{"paused deployment", alert.Alert{Kind: alert.KindDeployment, Event: event.HookAwaitingAction, Identity: paused}, all,
			[]string{"foghorn:continue", "foghorn:rollback"}},
		{"hook succeeded", alert.Alert{Kind: alert.KindDeployment, Event: event.HookSucceeded, Identity: paused}, all, nil},
		{"deployment failed", alert.Alert{Kind: alert.KindDeployment, Event: event.DeploymentFailed, Identity: svc}, all, []string{"foghorn:rollback"}},
		{"deployment failed, ECS rolling back", alert.Alert{Kind: alert.KindDeployment, Event: event.DeploymentFailed, Identity: svc,
			Reason: alert.Reason{Deployment: "ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1."}}, all, nil},
		{"alarm", alert.Alert{Kind: alert.KindAlarm, Severity: alert.Critical, Identity: svc}, all, nil},
		{"no menu", alert.Alert{Kind: alert.KindTaskStopped, Severity: alert.Critical, Identity: task}, nil, nil},
		{"no service", alert.Alert{Kind: alert.KindTaskStopped, Severity: alert.Critical}, all, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bs := Offer(&c.a, c.m)
			if got := ids(bs); !slices.Equal(got, c.want) {
				t.Fatalf("buttons %v, want %v", got, c.want)
			}
			for _, b := range bs {
				s, err := b.Value.Encode()
				if err != nil {
					t.Fatalf("%s: %v", b.ActionID, err)
				}
				back, err := Decode(s)
				if err != nil || back.Action != b.Value.Action {
					t.Fatalf("%s: round trip %v %v", b.ActionID, back, err)
				}
				destructive := b.Value.Action == Continue || b.Value.Action == Rollback
				if destructive != (b.Confirm != nil) {
					t.Errorf("%s: confirm %v", b.ActionID, b.Confirm)
				}
				if b.Value.Action == Logs && b.Value.Container != "app" && c.name == "task failure of a deployment" {
					t.Errorf("logs of %q, want the container that failed (app), not the one ECS stopped", b.Value.Container)
				}
			}
		})
	}
}

func TestDecodeRefuses(t *testing.T) {
	for _, s := range []string{
		``, `{}`, `not json`, `{"a":"silence"}`,
		`{"a":"reboot","c":"prod","s":"api"}`,
		`{"a":"silence","f":"1h","c":"prod","s":"api","k":["task-stopped"],"x":1}`,
		`{"a":"silence","f":"forever","c":"prod","s":"api","k":["task-stopped"]}`,
		`{"a":"silence","f":"1h","c":"prod","s":"api","k":["nonsense"]}`,
		`{"a":"silence","f":"1h","c":"prod","s":"<!channel>","k":["task-stopped"]}`,
		`{"a":"silence","f":"deployment","c":"prod","s":"api","k":["task-stopped"]}`,
		`{"a":"continue","c":"prod","s":"api","sd":"arn:aws:ecs:eu-west-1:111122223333:service/prod/api"}`,
		`{"a":"logs","c":"prod","s":"api"}`,
		`{"a":"lift","id":"NOT-AN-ID"}`,
		`{"a":"acknowledge","c":"prod","s":"api"} {}`,
		`{"a":"acknowledge","c":"prod","s":"api","ac":"12"}`,
		`{"a":"acknowledge","c":"prod","s":"api","d":"ecs-svc/abc"}`,
	} {
		if v, err := Decode(s); err == nil {
			t.Errorf("Decode(%s) = %+v, want an error", s, v)
		}
	}
	if _, err := Decode(`{"a":"lift","id":"ej4tbsp3pj"}`); err != nil {
		t.Errorf("a lift: %v", err)
	}
}

// TestValueSize: the largest value foghorn writes, with names at AWS's own limits, fits
// Slack's 2,000 characters.
func TestValueSize(t *testing.T) {
	long := strings.Repeat("a", 255)
	v := Value{Action: Continue, Partition: "aws-us-gov", Account: "111122223333", Region: "us-gov-west-1", Cluster: long, Service: long,
		ServiceDeployment: "arn:aws-us-gov:ecs:us-gov-west-1:111122223333:service-deployment/" + long + "/" + long + "/" + strings.Repeat("b", 40),
		Hook:              "ecs-pause-" + strings.Repeat("c", 60)}
	s, err := v.Encode()
	if err != nil || len(s) > MaxValue {
		t.Fatalf("%d bytes: %v", len(s), err)
	}
}

// FuzzValidName: the hand-written name check accepts exactly what the expression it replaces
// matches.
func FuzzValidName(f *testing.F) {
	for _, s := range []string{"", "a", "checkout-api", "-x", "_x", "ecs-pause-xyz", "eu-west-1", "a b", "a\n", "x" + strings.Repeat("y", 254), "x" + strings.Repeat("y", 255), "é", "a:b/c+d=e@f.g_h"} {
		f.Add(s)
	}
	re := regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.:/+=@-]{0,254}$`)
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := validName(s), re.MatchString(s); got != want {
			t.Errorf("validName(%q) = %v, the expression says %v", s, got, want)
		}
	})
}
