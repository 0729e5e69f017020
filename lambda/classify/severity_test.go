package classify

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/envelope"
	"github.com/foghornhq/foghorn/lambda/event"
)

// severities is the severity of every event name ECS documents, by detail type. A name ECS
// adds must be added here (TestSeverityTableCoversEveryName), so nobody ships a name the
// notifier has not been told how to judge.
var severities = map[string]map[string]alert.Severity{
	event.DetailTypeServiceAction: {
		"SERVICE_STEADY_STATE":                         alert.Info,
		"TASKSET_STEADY_STATE":                         alert.Info,
		"CAPACITY_PROVIDER_STEADY_STATE":               alert.Info,
		"SERVICE_DESIRED_COUNT_UPDATED":                alert.Info,
		"TASKS_STOPPED":                                alert.Info,
		"SERVICE_TASK_START_IMPAIRED":                  alert.Critical,
		"SERVICE_DISCOVERY_INSTANCE_UNHEALTHY":         alert.Warning,
		"VPC_LATTICE_TARGET_UNHEALTHY":                 alert.Warning,
		"SERVICE_DAEMON_PLACEMENT_CONSTRAINT_VIOLATED": alert.Warning,
		"ECS_OPERATION_THROTTLED":                      alert.Warning,
		"SERVICE_DISCOVERY_OPERATION_THROTTLED":        alert.Warning,
		"SERVICE_TASK_PLACEMENT_FAILURE":               alert.Critical,
		"SERVICE_TASK_CONFIGURATION_FAILURE":           alert.Critical,
		"SERVICE_HEALTH_UNKNOWN":                       alert.Warning,
		// ECS also sends deployments as service actions.
		"SERVICE_DEPLOYMENT_IN_PROGRESS": alert.Info,
		"SERVICE_DEPLOYMENT_COMPLETED":   alert.Resolved,
		"SERVICE_DEPLOYMENT_FAILED":      alert.Critical,
	},
	event.DetailTypeDeploymentStateChange: {
		"SERVICE_DEPLOYMENT_IN_PROGRESS": alert.Info,
		"SERVICE_DEPLOYMENT_COMPLETED":   alert.Resolved,
		"SERVICE_DEPLOYMENT_FAILED":      alert.Critical,
	},
	event.DetailTypeHookStateChange: {
		event.HookInProgress:     alert.Info,
		event.HookAwaitingAction: alert.Warning, // a decision is needed before the deadline
		event.HookSucceeded:      alert.Resolved,
		event.HookFailed:         alert.Critical, // the deployment rolls back
		event.HookTimedOut:       alert.Critical, // nobody decided: the timeout action ran
	},
	event.DetailTypeDaemonServiceAction: {
		// TASK_FAILED_TO_RUN (critical) and TASK_CREATION_FAILED (warning): see
		// TestDaemonFailureTypes; the sample's failure type is TASK_FAILED_TO_RUN.
		event.DaemonTaskStartImpaired: alert.Critical,
	},
	event.DetailTypeDaemonDeploymentStateChange: {
		event.DaemonDeploymentPending:            alert.Info,
		event.DaemonDeploymentInProgress:         alert.Info,
		event.DaemonDeploymentSuccessful:         alert.Resolved,
		event.DaemonDeploymentStopRequested:      alert.Info,
		event.DaemonDeploymentStopped:            alert.Warning,
		event.DaemonDeploymentRollbackInProgress: alert.Warning,
		event.DaemonDeploymentRollbackSuccessful: alert.Resolved,
		event.DaemonDeploymentRollbackFailed:     alert.Critical,
	},
	// Health changes have no event name: overallStatus is what changed.
	event.DetailTypeContainerInstanceHealth: {
		event.HealthImpaired:         alert.Warning,
		event.HealthOK:               alert.Resolved,
		event.HealthInitializing:     alert.Info,
		event.HealthInsufficientData: alert.Info,
	},
	// Alarms and their contributors: the new state.
	event.DetailTypeAlarmStateChange: {
		event.AlarmStateAlarm:            alert.Critical,
		event.AlarmStateOK:               alert.Resolved,
		event.AlarmStateInsufficientData: alert.Warning,
	},
	event.DetailTypeAlarmContributorStateChange: {
		event.AlarmStateAlarm:            alert.Critical,
		event.AlarmStateOK:               alert.Resolved,
		event.AlarmStateInsufficientData: alert.Warning,
	},
}

// severityBase is the sample each detail type's names are tried on, and where its name goes.
var severityBase = map[string]struct {
	file  string // under lambda/testdata
	field string // the detail field holding the name
}{
	event.DetailTypeServiceAction:               {"aws/ecs-service-action-task-start-impaired.json", "eventName"},
	event.DetailTypeDeploymentStateChange:       {"aws/ecs-deployment-state-change-in-progress.json", "eventName"},
	event.DetailTypeHookStateChange:             {"aws/ecs-hook-state-change-hook-awaiting-action.json", "eventName"},
	event.DetailTypeDaemonServiceAction:         {"aws/ecs-daemon-service-action-task-start-impaired-task-failed-to-run.json", "eventName"},
	event.DetailTypeDaemonDeploymentStateChange: {"aws/ecs-daemon-deployment-state-change-pending.json", "eventName"},
	event.DetailTypeContainerInstanceHealth:     {"aws/ecs-container-instance-health-change-daemon-impaired.json", "overallStatus"},
	event.DetailTypeAlarmStateChange:            {"aws/eventbridge-cloudwatch-alarm-state-change-single-metric-ec2-cpu.json", "state.value"},
	event.DetailTypeAlarmContributorStateChange: {"aws/eventbridge-cloudwatch-alarm-contributor-state-change-log-alarm.json", "state.value"},
}

// withDetail returns a fixture with detail fields set (dotted paths).
func withDetail(t *testing.T, file string, set map[string]any) []byte {
	t.Helper()
	var ev map[string]any
	if err := json.Unmarshal(mustRead(t, filepath.Join("..", "testdata", file)), &ev); err != nil {
		t.Fatal(err)
	}
	for path, v := range set {
		cur := ev["detail"].(map[string]any)
		keys := strings.Split(path, ".")
		for _, k := range keys[:len(keys)-1] {
			cur = cur[k].(map[string]any)
		}
		if v == nil {
			delete(cur, keys[len(keys)-1])
		} else {
			cur[keys[len(keys)-1]] = v
		}
	}
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func classifyBytes(b []byte) alert.Alert { return Classify(envelope.Record{Body: b}) }

// TestSeverityTable judges every event name ECS documents, whatever eventType ECS tags it
// with: severity comes from the name.
func TestSeverityTable(t *testing.T) {
	for dt, names := range severities {
		base, ok := severityBase[dt]
		if !ok {
			t.Errorf("%s: no base sample", dt)
			continue
		}
		for name, want := range names {
			for _, eventType := range []any{nil, "INFO", "WARN", "WARNING", "ERROR"} {
				set := map[string]any{base.field: name}
				if base.field == "eventName" {
					set["eventType"] = eventType
				} else if eventType != nil {
					continue
				}
				a := classifyBytes(withDetail(t, base.file, set))
				if a.Severity != want {
					t.Errorf("%s %s (eventType %v): severity %s, want %s (title %q)", dt, name, eventType, a.Severity, want, a.Title)
				}
				if a.Kind == alert.KindGeneric {
					t.Errorf("%s %s: generic alert", dt, name)
				}
				if !strings.Contains(a.Origin, dt) || !strings.Contains(a.Origin, name) && base.field == "eventName" {
					t.Errorf("%s %s: origin %q does not name the AWS event", dt, name, a.Origin)
				}
			}
		}
	}
}

// TestSeverityTableCoversEveryName: every name the event package lists has a severity above.
func TestSeverityTableCoversEveryName(t *testing.T) {
	lists := map[string][]string{
		event.DetailTypeServiceAction:               append(slices.Clone(event.ServiceActionEvents), event.DeploymentEvents...),
		event.DetailTypeDeploymentStateChange:       event.DeploymentEvents,
		event.DetailTypeHookStateChange:             event.HookEvents,
		event.DetailTypeDaemonServiceAction:         event.DaemonServiceActionEvents,
		event.DetailTypeDaemonDeploymentStateChange: event.DaemonDeploymentEvents,
		event.DetailTypeContainerInstanceHealth:     event.HealthStatuses,
	}
	for dt, names := range lists {
		for _, n := range names {
			if _, ok := severities[dt][n]; !ok {
				t.Errorf("%s %s: no severity in the table", dt, n)
			}
		}
		if len(severities[dt]) != len(names) {
			t.Errorf("%s: the table has %d names, the event package %d", dt, len(severities[dt]), len(names))
		}
	}
}

func TestDaemonFailureTypes(t *testing.T) {
	const base = "aws/ecs-daemon-service-action-task-start-impaired-task-failed-to-run.json"
	for failure, want := range map[string]alert.Severity{
		event.DaemonTaskFailedToRun:    alert.Critical, // the daemon's definition or image: every instance
		event.DaemonTaskCreationFailed: alert.Warning,  // this instance has no room for it
		"SOMETHING_NEW":                alert.Warning,
	} {
		a := classifyBytes(withDetail(t, base, map[string]any{"failureType": failure}))
		if a.Severity != want {
			t.Errorf("%s: severity %s, want %s", failure, a.Severity, want)
		}
		if a.Identity.Daemon != "my-daemon" || a.Identity.Cluster != "my-cluster" {
			t.Errorf("%s: identity %+v does not name the daemon", failure, a.Identity)
		}
	}
}

func TestLambdaHooks(t *testing.T) {
	const base = "aws/ecs-hook-state-change-hook-awaiting-action.json"
	tests := map[string]string{
		event.HookSucceeded: "my-service: Lambda hook succeeded at POST_TEST_TRAFFIC_SHIFT",
		event.HookFailed:    "my-service: Lambda hook failed at POST_TEST_TRAFFIC_SHIFT; deployment 0EYSiB0qap8xf0N76FsbE rolls back",
	}
	for name, want := range tests {
		a := classifyBytes(withDetail(t, base, map[string]any{"eventName": name, "hookType": "AWS_LAMBDA"}))
		if !strings.HasPrefix(a.Title, want) {
			t.Errorf("%s: title %q, want it to start %q", name, a.Title, want)
		}
	}
}

// TestUnknownECSEvents: an ECS event of a kind the notifier does not know names its service,
// cluster or daemon from whatever ARN it carries, wherever in the detail.
func TestUnknownECSEvents(t *testing.T) {
	tests := []struct {
		name   string
		detail string
		want   alert.Identity
	}{
		{"service deployment ARN, nested", `{"eventName":"SERVICE_REVISION_SOMETHING","details":{"serviceDeploymentArn":"arn:aws:ecs:us-west-2:111122223333:service-deployment/prod/checkout-api/Abc123"}}`,
			alert.Identity{Cluster: "prod", Service: "checkout-api", ServiceDeployment: "arn:aws:ecs:us-west-2:111122223333:service-deployment/prod/checkout-api/Abc123"}},
		{"daemon ARN in a list", `{"eventName":"DAEMON_SOMETHING","targets":["arn:aws:ecs:us-west-2:111122223333:daemon/prod/log-router"]}`,
			alert.Identity{Cluster: "prod", Daemon: "log-router"}},
		{"daemon revision", `{"daemonRevisionArn":"arn:aws:ecs:us-west-2:111122223333:daemon-revision/prod/log-router/85707969"}`,
			alert.Identity{Cluster: "prod", Daemon: "log-router"}},
		{"cluster only", `{"eventName":"CLUSTER_SOMETHING","clusterArn":"arn:aws:ecs:us-west-2:111122223333:cluster/prod"}`,
			alert.Identity{Cluster: "prod"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := fmt.Sprintf(`{"version":"0","id":"0d0e0a0d","detail-type":"ECS Something New","source":"aws.ecs","account":"111122223333","time":"2026-03-05T15:54:41Z","region":"us-west-2","resources":[],"detail":%s}`, tt.detail)
			a := classifyBytes([]byte(body))
			id := a.Identity
			got := alert.Identity{Cluster: id.Cluster, Service: id.Service, Daemon: id.Daemon, ServiceDeployment: id.ServiceDeployment}
			if got != tt.want {
				t.Errorf("identity %+v, want %+v", got, tt.want)
			}
			if a.Severity != alert.Warning || a.Kind == alert.KindGeneric {
				t.Errorf("%s/%s: an unknown ECS event is a warning about ECS", a.Kind, a.Severity)
			}
			if !strings.Contains(a.Title, "ECS Something New") || !strings.HasPrefix(a.Origin, "ECS Something New") {
				t.Errorf("title %q, origin %q: neither names the detail type", a.Title, a.Origin)
			}
		})
	}
}
