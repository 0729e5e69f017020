package classify

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/policy"
)

// expectations says what every fixture must become: kind, severity, and the default-policy rule
// that suppresses it ("" when it posts).
var expectations = map[string]struct {
	kind     alert.Kind
	severity alert.Severity
	rule     string
}{
	// Real fixtures.
	"application-autoscaling-scaling-activity-scaled-to-max-dynamodb":       {alert.KindScaling, alert.Warning, ""},
	"aws-health-event-ec2-issue":                                            {alert.KindHealth, alert.Warning, ""},
	"ecs-container-instance-state-change-active":                            {alert.KindContainerInstance, alert.Info, "container-instance-routine"},
	"ecs-deployment-state-change-completed":                                 {alert.KindDeployment, alert.Resolved, ""},
	"ecs-deployment-state-change-failed-circuit-breaker":                    {alert.KindDeployment, alert.Critical, ""},
	"ecs-deployment-state-change-in-progress":                               {alert.KindDeployment, alert.Info, ""},
	"ecs-service-action-capacity-provider-steady-state":                     {alert.KindServiceAction, alert.Info, "steady-state"},
	"ecs-service-action-service-steady-state":                               {alert.KindServiceAction, alert.Info, "steady-state"},
	"ecs-service-action-task-placement-failure-fargate-spot":                {alert.KindServiceAction, alert.Warning, ""},
	"ecs-service-action-task-start-impaired":                                {alert.KindServiceAction, alert.Critical, ""},
	"ecs-task-state-change-ec2-running-sidecar-container-exited":            {alert.KindTaskState, alert.Info, "task-not-stopped"},
	"ecs-task-state-change-fargate-running":                                 {alert.KindTaskState, alert.Info, "task-not-stopped"},
	"ecs-task-state-change-fargate-spot-termination-notice-fragment":        {alert.KindTaskStopped, alert.Warning, ""},
	"ecs-task-state-change-stopped-elb-health-check-fargate":                {alert.KindTaskStopped, alert.Warning, ""},
	"ecs-task-state-change-stopped-scaling-activity-deployment-ec2":         {alert.KindTaskStopped, alert.Info, "deployment-replacement"},
	"eventbridge-cloudwatch-alarm-configuration-change-update-metric-alarm": {alert.KindAlarmConfig, alert.Info, "alarm-config-change"},
	"eventbridge-cloudwatch-alarm-state-change-composite-suppressed":        {alert.KindAlarm, alert.Critical, ""},
	"eventbridge-cloudwatch-alarm-state-change-metric-math":                 {alert.KindAlarm, alert.Critical, ""},
	"eventbridge-cloudwatch-alarm-state-change-single-metric-ec2-cpu":       {alert.KindAlarm, alert.Critical, ""},
	"lambda-alarm-action-composite-alarm":                                   {alert.KindAlarm, alert.Critical, ""},
	"lambda-sns-event-basic":                                                {alert.KindGeneric, alert.Warning, ""},
	"lambda-sns-event-cloudwatch-alarm-metric-math":                         {alert.KindAlarm, alert.Critical, ""},
	"lambda-sns-event-cloudwatch-alarm-ok-logmetrics":                       {alert.KindAlarm, alert.Resolved, ""},
	"lambda-sns-event-cloudwatch-alarm-single-metric":                       {alert.KindAlarm, alert.Critical, ""},
	"lambda-sqs-event-basic":                                                {alert.KindGeneric, alert.Warning, ""},
	"lambda-sqs-event-sns-envelope-not-raw":                                 {alert.KindGeneric, alert.Warning, ""},
	"sns-message-cloudwatch-alarm-minimal-no-trigger":                       {alert.KindAlarm, alert.Critical, ""},

	// Real fixtures of the newer event types (SOURCES.md sections 10 and 11).
	"ecs-hook-state-change-hook-awaiting-action":                                   {alert.KindDeployment, alert.Warning, ""},
	"ecs-hook-state-change-hook-awaiting-action-no-resources":                      {alert.KindDeployment, alert.Warning, ""},
	"ecs-daemon-service-action-task-start-impaired-task-failed-to-run":             {alert.KindServiceAction, alert.Critical, ""},
	"ecs-daemon-service-action-task-start-impaired-task-creation-failed":           {alert.KindServiceAction, alert.Warning, ""},
	"ecs-daemon-deployment-state-change-pending":                                   {alert.KindDeployment, alert.Info, "daemon-deployment-routine"},
	"ecs-container-instance-health-change-container-runtime-ok":                    {alert.KindContainerInstance, alert.Resolved, "instance-health-ok"},
	"ecs-container-instance-health-change-accelerated-compute-impaired":            {alert.KindContainerInstance, alert.Warning, ""},
	"ecs-container-instance-health-change-daemon-impaired":                         {alert.KindContainerInstance, alert.Warning, ""},
	"ecs-service-action-task-placement-failure-ec2-cpu":                            {alert.KindServiceAction, alert.Critical, ""},
	"eventbridge-cloudwatch-alarm-state-change-single-metric-muted":                {alert.KindAlarm, alert.Critical, "alarm-muted"},
	"eventbridge-cloudwatch-alarm-state-change-metric-math-muted":                  {alert.KindAlarm, alert.Critical, "alarm-muted"},
	"eventbridge-cloudwatch-alarm-state-change-anomaly-detection-muted":            {alert.KindAlarm, alert.Critical, "alarm-muted"},
	"eventbridge-cloudwatch-alarm-state-change-composite-suppressed-muted":         {alert.KindAlarm, alert.Critical, "alarm-muted"},
	"eventbridge-cloudwatch-alarm-contributor-state-change-metrics-insights-muted": {alert.KindAlarm, alert.Critical, "alarm-muted"},
	"eventbridge-cloudwatch-alarm-state-change-multi-time-series-summary":          {alert.KindAlarm, alert.Critical, ""},
	"eventbridge-cloudwatch-alarm-contributor-state-change-log-alarm":              {alert.KindAlarm, alert.Critical, ""},
	"eventbridge-cloudwatch-alarm-state-change-log-alarm-placeholders":             {alert.KindAlarm, alert.Critical, ""},

	// Derived fixtures.
	"application-autoscaling-scaling-activity-scaled-to-max-ecs":           {alert.KindScaling, alert.Warning, ""},
	"aws-health-event-ecs-task-patching-retirement":                        {alert.KindHealth, alert.Warning, ""},
	"cloudtrail-ecs-update-service-by-application-autoscaling":             {alert.KindScaling, alert.Info, ""},
	"ecs-container-instance-state-change-agent-disconnected":               {alert.KindContainerInstance, alert.Warning, ""},
	"ecs-container-instance-state-change-draining":                         {alert.KindContainerInstance, alert.Warning, ""},
	"ecs-container-instance-state-change-inactive":                         {alert.KindContainerInstance, alert.Warning, ""},
	"ecs-deployment-state-change-in-progress-rollback":                     {alert.KindDeployment, alert.Warning, ""},
	"ecs-service-action-ecs-operation-throttled":                           {alert.KindServiceAction, alert.Warning, ""},
	"ecs-service-action-service-daemon-placement-constraint-violated":      {alert.KindServiceAction, alert.Warning, ""},
	"ecs-service-action-service-desired-count-updated":                     {alert.KindScaling, alert.Info, ""},
	"ecs-service-action-service-discovery-instance-unhealthy":              {alert.KindServiceAction, alert.Warning, ""},
	"ecs-service-action-service-discovery-operation-throttled":             {alert.KindServiceAction, alert.Warning, ""},
	"ecs-service-action-service-task-configuration-failure":                {alert.KindServiceAction, alert.Critical, ""},
	"ecs-service-action-task-placement-failure-tagged-info":                {alert.KindServiceAction, alert.Critical, ""},
	"ecs-service-action-tasks-stopped":                                     {alert.KindServiceAction, alert.Info, ""},
	"ecs-service-action-taskset-steady-state":                              {alert.KindServiceAction, alert.Info, "steady-state"},
	"ecs-service-action-vpc-lattice-target-unhealthy":                      {alert.KindServiceAction, alert.Warning, ""},
	"ecs-task-state-change-deprovisioning-after-exit":                      {alert.KindTaskState, alert.Info, "task-not-stopped"},
	"ecs-task-state-change-stopped-batch-task-completed":                   {alert.KindTaskStopped, alert.Info, "task-completed"},
	"ecs-task-state-change-stopped-cannot-pull-image":                      {alert.KindTaskStopped, alert.Critical, ""},
	"ecs-task-state-change-stopped-container-health-check":                 {alert.KindTaskStopped, alert.Warning, ""},
	"ecs-task-state-change-stopped-essential-container-exited-1":           {alert.KindTaskStopped, alert.Critical, ""},
	"ecs-task-state-change-stopped-oom":                                    {alert.KindTaskStopped, alert.Critical, ""},
	"ecs-task-state-change-stopped-resource-initialization-error":          {alert.KindTaskStopped, alert.Critical, ""},
	"ecs-task-state-change-stopped-service-container-exited-0":             {alert.KindTaskStopped, alert.Warning, ""},
	"ecs-task-state-change-stopped-sigkill-137":                            {alert.KindTaskStopped, alert.Critical, ""},
	"ecs-task-state-change-stopped-sigterm-143":                            {alert.KindTaskStopped, alert.Critical, ""},
	"ecs-task-state-change-stopped-spot-interruption":                      {alert.KindTaskStopped, alert.Warning, ""},
	"ecs-task-state-change-stopped-user-initiated":                         {alert.KindTaskStopped, alert.Info, ""},
	"eventbridge-cloudwatch-alarm-state-change-anomaly-detection-band":     {alert.KindAlarm, alert.Critical, ""},
	"eventbridge-cloudwatch-alarm-state-change-target-tracking-alarm-high": {alert.KindScaling, alert.Info, ""},
	"lambda-sns-event-cloudwatch-alarm-target-tracking-alarm-low":          {alert.KindScaling, alert.Info, ""},
	"lambda-sqs-event-eventbridge-direct-deployment-failed":                {alert.KindDeployment, alert.Critical, ""},
	"lambda-sqs-event-raw-delivery-cloudwatch-alarm":                       {alert.KindAlarm, alert.Critical, ""},
	"lambda-sqs-event-sns-envelope-cloudwatch-alarm-server-cpu-too-high":   {alert.KindAlarm, alert.Critical, ""},
	"lambda-alarm-action-server-cpu-too-high":                              {alert.KindAlarm, alert.Critical, ""},
	"lambda-sqs-event-sns-envelope-ecs-task-stopped-elb-health-check":      {alert.KindTaskStopped, alert.Warning, ""},
	"lambda-sqs-event-sns-envelope-plain-text":                             {alert.KindGeneric, alert.Warning, ""},
	"ecs-hook-state-change-hook-in-progress":                               {alert.KindDeployment, alert.Info, "hook-routine"},
	"ecs-hook-state-change-hook-succeeded":                                 {alert.KindDeployment, alert.Resolved, "hook-routine"},
	"ecs-hook-state-change-hook-failed":                                    {alert.KindDeployment, alert.Critical, ""},
	"ecs-hook-state-change-hook-timed-out":                                 {alert.KindDeployment, alert.Critical, ""},
	"ecs-daemon-deployment-state-change-rollback-failed":                   {alert.KindDeployment, alert.Critical, ""},
	"ecs-deployment-state-change-failed-alarm":                             {alert.KindDeployment, alert.Critical, ""},
	"ecs-service-action-service-health-unknown":                            {alert.KindServiceAction, alert.Warning, ""},
	"eventbridge-cloudtrail-ecs-runtask-failures-resource-memory":          {alert.KindTaskLaunch, alert.Critical, ""},
	"eventbridge-cloudtrail-ecs-runtask-success":                           {alert.KindTaskLaunch, alert.Info, ""},
	"eventbridge-cloudwatch-alarm-state-change-empty-reason":               {alert.KindAlarm, alert.Critical, ""},
}

func TestEveryFixture(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range fixtures(t) {
		seen[f.name] = true
		want, ok := expectations[f.name]
		if !ok {
			t.Errorf("%s: no expectation; add one to expectations", f.name)
			continue
		}
		payload := mustRead(t, f.path)
		alerts := alertsOf(t, f.path)
		if len(alerts) != 1 {
			t.Errorf("%s: %d alerts, want 1", f.name, len(alerts))
			continue
		}
		a := alerts[0]
		d := policy.Default().Decide(&a)
		if a.Kind != want.kind || a.Severity != want.severity || d.Rule != want.rule {
			t.Errorf("%s: got %s/%s suppressed by %q, want %s/%s %q (title %q)", f.name, a.Kind, a.Severity, d.Rule, want.kind, want.severity, want.rule, a.Title)
		}
		checkInvariants(t, f.name, a)
		if awsEvent(payload) && a.Kind == alert.KindGeneric {
			t.Errorf("%s: an ECS or CloudWatch event fell back to a generic alert", f.name)
		}
		switch {
		case d.Suppress:
			// Suppressed by a named rule: nothing else to show.
		case a.Kind == alert.KindGeneric:
			if a.Excerpt == "" {
				t.Errorf("%s: generic alert without an excerpt", f.name)
			}
		default:
			if a.Identity.Service == "" && a.Identity.AlarmName == "" && a.Identity.Resource == "" && a.Identity.Cluster == "" {
				t.Errorf("%s: posts without naming its service, alarm or resource: %+v", f.name, a.Identity)
			}
			if a.Reason.Text == "" {
				t.Errorf("%s: posts without a reason", f.name)
			}
		}
	}
	for name := range expectations {
		if !seen[name] {
			t.Errorf("expectation for %s, which is not a fixture", name)
		}
	}
}

// awsEvent reports whether a fixture carries an ECS or CloudWatch event or alarm, at any depth
// of envelope.
func awsEvent(payload []byte) bool {
	for _, s := range []string{`aws.ecs`, `aws.cloudwatch`, `AlarmName`, `alarmData`} {
		if bytes.Contains(payload, []byte(s)) {
			return true
		}
	}
	return false
}

// checkInvariants holds for every alert whatever its input.
func checkInvariants(t *testing.T, name string, a alert.Alert) {
	t.Helper()
	if a.EventID == "" || a.Title == "" || a.Summary == "" || a.Source == "" || a.Kind == "" || a.Count != 1 || !a.Severity.Valid() {
		t.Errorf("%s: incomplete alert: %+v", name, a)
	}
	for _, s := range []string{a.Title, a.Summary, a.Reason.Text} {
		if !utf8.ValidString(s) || strings.ContainsAny(s, "\n\r\t\x00\x1b") {
			t.Errorf("%s: text not on one clean line: %q", name, s)
		}
	}
	if !utf8.ValidString(a.Excerpt) || len(a.Excerpt) > excerptBytes {
		t.Errorf("%s: bad excerpt (%d bytes)", name, len(a.Excerpt))
	}
	for _, l := range a.Links {
		if !strings.HasPrefix(l.URL, "https://") {
			t.Errorf("%s: link %q is not https", name, l.URL)
		}
	}
	if a.Kind != alert.KindGeneric && a.Time.IsZero() {
		t.Errorf("%s: no time", name)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestTitlesThatMatter(t *testing.T) {
	tests := map[string]string{
		"ecs-task-state-change-stopped-essential-container-exited-1":           "checkout-api: container app exited with code 1",
		"ecs-task-state-change-stopped-oom":                                    "checkout-api: container app killed: out of memory",
		"ecs-task-state-change-stopped-cannot-pull-image":                      "checkout-api: task failed to start: cannot pull image checkout-api:1.4.2",
		"ecs-deployment-state-change-failed-circuit-breaker":                   "servicetest: deployment ecs-svc/123 failed: circuit breaker rolled back",
		"application-autoscaling-scaling-activity-scaled-to-max-ecs":           "checkout-api scaled 5 → 8 (max 8)",
		"cloudtrail-ecs-update-service-by-application-autoscaling":             "checkout-api scaled 4 → 7",
		"eventbridge-cloudwatch-alarm-state-change-target-tracking-alarm-high": "checkout-api: scaling out (AlarmHigh)",
		"lambda-sns-event-cloudwatch-alarm-target-tracking-alarm-low":          "checkout-api: scaling in (AlarmLow)",
		"lambda-sns-event-basic":                                               "Message that is not JSON",
		"ecs-hook-state-change-hook-awaiting-action":                           "my-service: deployment 0EYSiB0qap8xf0N76FsbE paused at POST_TEST_TRAFFIC_SHIFT, waiting for a decision until 2026-03-05 16:04 UTC",
		"ecs-daemon-deployment-state-change-rollback-failed":                   "my-daemon: daemon rollback failed (0EYSiB0qap8xf0N76FsbE)",
		"ecs-container-instance-health-change-accelerated-compute-impaired":    "my-cluster: container instance i-0abcdef1234567890 impaired: ACCELERATED_COMPUTE (XID_46)",
		"eventbridge-cloudwatch-alarm-contributor-state-change-log-alarm":      "EndpointLatency: endpoint=/api/orders in ALARM",
		"eventbridge-cloudtrail-ecs-runtask-failures-resource-memory":          "sleep360:1: task not started in cluster default (RESOURCE:MEMORY)",
	}
	for _, f := range fixtures(t) {
		want, ok := tests[f.name]
		if !ok {
			continue
		}
		if got := alertsOf(t, f.path)[0].Title; got != want {
			t.Errorf("%s: title %q, want %q", f.name, got, want)
		}
	}
}

func TestReasonText(t *testing.T) {
	tests := map[string][]string{
		"ecs-task-state-change-stopped-sigkill-137":                          {"SIGKILL", "stop timeout"},
		"ecs-task-state-change-stopped-sigterm-143":                          {"SIGTERM"},
		"ecs-task-state-change-stopped-oom":                                  {"memory", "OutOfMemoryError"},
		"ecs-task-state-change-stopped-elb-health-check-fargate":             {"sin-web-target-dev", "143 (SIGTERM)"},
		"ecs-service-action-task-placement-failure-fargate-spot":             {"no Fargate capacity", "FARGATE_SPOT"},
		"eventbridge-cloudwatch-alarm-state-change-composite-suppressed":     {"ServerCpuTooHigh is in ALARM", "WaitPeriod"},
		"ecs-hook-state-change-hook-awaiting-action":                         {"times out at 2026-03-05 16:04:41 UTC (10 min after this event)", "timeout action"},
		"ecs-hook-state-change-hook-awaiting-action-no-resources":            {"(2 h after this event)"},
		"eventbridge-cloudwatch-alarm-state-change-empty-reason":             {"it watches AWS/EC2 CPUUtilization (InstanceId=i-12345678901234567) (Average over 300 s)"},
		"eventbridge-cloudtrail-ecs-runtask-failures-resource-memory":        {"sleep360:1", "cluster default", "container instance bc4d2ec6: not enough memory (RESOURCE:MEMORY)"},
		"ecs-daemon-service-action-task-start-impaired-task-creation-failed": {"RESOURCE:CPU", "runs without the daemon"},
	}
	for _, f := range fixtures(t) {
		words, ok := tests[f.name]
		if !ok {
			continue
		}
		a := alertsOf(t, f.path)[0]
		for _, w := range words {
			if !strings.Contains(a.Reason.Text, w) {
				t.Errorf("%s: reason %q lacks %q", f.name, a.Reason.Text, w)
			}
		}
	}
}
