package alerts_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/infra/alerts"
)

// TestLogTailPermissions: with the log tail on, the role may read task definitions (ECS allows
// no narrower grant) and the streams of the configured log groups, nothing more; with it off,
// neither.
func TestLogTailPermissions(t *testing.T) {
	a := fullArgs(t)
	a.LogTailEnabled = true
	a.LogTailLines = 30
	a.LogTailBudget = "2s"
	a.LogGroupPrefixes = []string{"/ecs/", "/aws/ecs/prod-"}
	a.LogRedactPatterns = []string{`(?i)api[_-]?key=(?P<secret>\S+)`}
	r := mustRun(t, a).rec
	rp := parsePolicy(t, str(t, r.one(t, tRolePol).Inputs, "policy"))

	defs := rp.stmt(t, "ReadTaskDefinitions")
	if !slices.Equal(defs.Action, []string{"ecs:DescribeTaskDefinition"}) || !slices.Equal(defs.Resource, []string{"*"}) {
		t.Errorf("task definitions: %v on %v", defs.Action, defs.Resource)
	}
	streams := []string{
		"arn:aws:logs:" + testRegion + ":" + testAccount + ":log-group:/ecs/*:log-stream:*",
		"arn:aws:logs:" + testRegion + ":" + testAccount + ":log-group:/aws/ecs/prod-*:log-stream:*",
	}
	tails := rp.stmt(t, "ReadTaskLogTails")
	if !slices.Equal(tails.Action, []string{"logs:GetLogEvents"}) || !slices.Equal(tails.Resource, streams) {
		t.Errorf("log tails: %v on %v, want logs:GetLogEvents on %v", tails.Action, tails.Resource, streams)
	}
	// Every statement that names logs: or ecs: actions, and where.
	for _, s := range rp.Statement {
		for _, act := range s.Action {
			switch {
			case act == "logs:GetLogEvents" && s.Sid != "ReadTaskLogTails",
				act == "ecs:DescribeTaskDefinition" && s.Sid != "ReadTaskDefinitions":
				t.Errorf("%s also grants %s", s.Sid, act)
			}
		}
		if s.Sid != "ReadTaskDefinitions" && slices.Contains(s.Resource, "*") {
			t.Errorf("%s grants on every resource", s.Sid)
		}
	}

	d := document(t, r)
	if !d.Logs.Enabled || d.Logs.Lines != 30 || time.Duration(d.Logs.Budget) != 2*time.Second ||
		!slices.Equal(d.Logs.LogGroupPrefixes, a.LogGroupPrefixes) || !slices.Equal(d.Logs.Redact, a.LogRedactPatterns) {
		t.Errorf("document logs %+v", d.Logs)
	}
	// The notifier reads in the regions the policy grants, and says why when a container
	// logs elsewhere: the stack's region by default, logRegions when given.
	if !slices.Equal(d.Logs.Regions, []string{testRegion}) {
		t.Errorf("document log regions %v, want the stack's %s", d.Logs.Regions, testRegion)
	}
	a.LogRegions = []string{testRegion, "us-east-1"}
	if got := document(t, mustRun(t, a).rec).Logs.Regions; !slices.Equal(got, a.LogRegions) {
		t.Errorf("document log regions %v, want logRegions %v", got, a.LogRegions)
	}
	a.LogRegions = nil

	// Off: the same prefixes grant nothing, and the document says off.
	a.LogTailEnabled = false
	r = mustRun(t, a).rec
	rp = parsePolicy(t, str(t, r.one(t, tRolePol).Inputs, "policy"))
	for _, s := range rp.Statement {
		for _, act := range s.Action {
			if act == "logs:GetLogEvents" || act == "ecs:DescribeTaskDefinition" {
				t.Errorf("log tail off, yet %s grants %s", s.Sid, act)
			}
		}
	}
	if d := document(t, r); d.Logs.Enabled || len(d.Logs.Regions) != 0 {
		t.Errorf("log tail off, yet the document enables it or lists regions: %+v", d.Logs)
	}
}

// TestDescribeServicesScope: rollback messages and deployment post-mortems describe only the
// services whose events the rules deliver.
func TestDescribeServicesScope(t *testing.T) {
	const (
		prodA = "arn:aws:ecs:eu-west-1:123456789012:cluster/prod-a"
		prodB = "arn:aws:ecs:eu-west-1:123456789012:cluster/prod-b"
		svc   = "arn:aws:ecs:eu-west-1:123456789012:service/"
	)
	cases := []struct {
		label              string
		clusters, services []string
		want               []string
	}{
		{"everything", nil, nil, []string{svc + "*"}},
		{"clusters", []string{prodA, prodB}, nil, []string{svc + "prod-a/*", svc + "prod-b/*"}},
		{"services", nil, []string{"web", "worker"}, []string{svc + "*/web", svc + "*/worker"}},
		{"both", []string{prodA, prodB}, []string{"web"}, []string{svc + "prod-a/web", svc + "prod-b/web"}},
	}
	for _, c := range cases {
		a := minimalArgs(t)
		a.ClusterArns, a.ServiceNames = c.clusters, c.services
		r := mustRun(t, a).rec
		rp := parsePolicy(t, str(t, r.one(t, tRolePol).Inputs, "policy"))
		s := rp.stmt(t, "DescribeWatchedServices")
		reads := []string{"ecs:DescribeServices", "ecs:ListServiceDeployments", "ecs:DescribeServiceDeployments"}
		if !slices.Equal(s.Action, reads) || !slices.Equal(s.Resource, c.want) {
			t.Errorf("%s: %v on %v, want %v on %v", c.label, s.Action, s.Resource, reads, c.want)
		}
	}
}

// TestStatePermissions: the function reads and writes items of its own table and nothing else
// in DynamoDB.
func TestStatePermissions(t *testing.T) {
	r := mustRun(t, fullArgs(t)).rec
	rp := parsePolicy(t, str(t, r.one(t, tRolePol).Inputs, "policy"))
	table := tableArn(r.one(t, tTable).Physical)
	for _, s := range rp.Statement {
		for _, act := range s.Action {
			if strings.HasPrefix(act, "dynamodb:") && (s.Sid != "KeepStateInTable" || !slices.Equal(s.Resource, []string{table})) {
				t.Errorf("%s grants %s on %v", s.Sid, act, s.Resource)
			}
		}
	}
	s := rp.stmt(t, "KeepStateInTable")
	if !slices.Equal(s.Action, []string{"dynamodb:GetItem", "dynamodb:PutItem"}) {
		t.Errorf("state actions %v, want exactly GetItem and PutItem", s.Action)
	}
	fn := r.one(t, tFunction).Inputs
	env := fn["environment"].ObjectValue()["variables"].ObjectValue()
	if got := env[alerts.EnvStateTable].StringValue(); !strings.HasSuffix(table, ":table/"+got) {
		t.Errorf("%s = %q is not the table %s", alerts.EnvStateTable, got, table)
	}
}

// TestServiceDeploymentsScope: DescribeServiceDeployments needs the service deployment as
// well as the service. The deployments are granted by cluster (naming no service, so the
// policy holds as many services as before), and only DescribeServiceDeployments is granted on
// them: with the service grant of DescribeWatchedServices, the post-mortem reads the
// deployments of the watched services only. Nothing that changes a deployment is granted.
func TestServiceDeploymentsScope(t *testing.T) {
	const (
		prodA = "arn:aws:ecs:eu-west-1:123456789012:cluster/prod-a"
		prodB = "arn:aws:ecs:eu-west-1:123456789012:cluster/prod-b"
		dep   = "arn:aws:ecs:eu-west-1:123456789012:service-deployment/"
	)
	cases := []struct {
		label              string
		clusters, services []string
		want               []string
	}{
		{"everything", nil, nil, []string{dep + "*"}},
		{"services", nil, []string{"web", "worker"}, []string{dep + "*"}},
		{"clusters", []string{prodA, prodB}, nil, []string{dep + "prod-a/*", dep + "prod-b/*"}},
		{"both", []string{prodA, prodB}, []string{"web"}, []string{dep + "prod-a/*", dep + "prod-b/*"}},
	}
	for _, c := range cases {
		a := minimalArgs(t)
		a.ClusterArns, a.ServiceNames = c.clusters, c.services
		r := mustRun(t, a).rec
		rp := parsePolicy(t, str(t, r.one(t, tRolePol).Inputs, "policy"))
		s := rp.stmt(t, "DescribeWatchedServiceDeployments")
		if !slices.Equal(s.Action, []string{"ecs:DescribeServiceDeployments"}) || !slices.Equal(s.Resource, c.want) {
			t.Errorf("%s: %v on %v, want ecs:DescribeServiceDeployments on %v", c.label, s.Action, s.Resource, c.want)
		}
		for _, other := range rp.Statement {
			for _, act := range other.Action {
				if strings.Contains(act, "ServiceDeployment") && other.Sid != "DescribeWatchedServices" && other.Sid != "DescribeWatchedServiceDeployments" {
					t.Errorf("%s also grants %s", other.Sid, act)
				}
				if act == "ecs:ContinueServiceDeployment" || act == "ecs:StopServiceDeployment" || act == "ecs:UpdateService" {
					t.Errorf("%s grants %s: the notifier only reads", other.Sid, act)
				}
			}
			for _, res := range other.Resource {
				if strings.Contains(res, ":service-deployment/") && other.Sid != "DescribeWatchedServiceDeployments" {
					t.Errorf("%s grants on service deployments: %s", other.Sid, res)
				}
			}
		}
	}
}
