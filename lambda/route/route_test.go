package route

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/classify"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/envelope"
)

var update = flag.Bool("update", false, "rewrite testdata/fixtures.golden")

// testDoc routes like a real stack: an audit copy of deployments, the payments team's
// services to their channel (and on), dev clusters to their own, prod's failures to two
// channels, recoveries to one, everything else to ops.
func testDoc() *config.Document {
	dest := func(name string) config.Destination {
		return config.Destination{Name: name, Target: "slack", SecretParam: "/test/" + name}
	}
	return &config.Document{
		Version:      config.Version,
		Environment:  "prod",
		Destinations: []config.Destination{dest("prod-slack"), dest("prod-teams"), dest("dev-chat"), dest("payments"), dest("ops"), dest("audit")},
		Routes: []config.Route{
			{Name: "audit", Match: config.Match{Kind: []string{"deployment"}}, Destinations: []string{"audit"}, Continue: true},
			{Name: "payments-team", Match: config.Match{Service: []string{"payments-*", "checkout-*"}}, Destinations: []string{"payments"}, Continue: true,
				Mute: []config.Mute{{Reason: "payments database migration (test)", Start: "2026-09-12T22:00:00Z", End: "2026-09-13T02:00:00Z"}}},
			{Name: "dev", Match: config.Match{Cluster: []string{"*-dev", "dev-*"}}, Destinations: []string{"dev-chat"},
				Mute: []config.Mute{{Reason: "nightly rebuild of dev (test)", Weekly: &config.Weekly{
					Days: []string{"mon", "tue", "wed", "thu", "fri"}, Start: "23:00", End: "01:00", Timezone: "UTC"}}}},
			{Name: "prod-failures", Match: config.Match{Environment: []string{"prod"}, MinSeverity: "warning"}, Destinations: []string{"prod-slack", "prod-teams"}},
			{Match: config.Match{Severity: []string{"resolved"}}, Destinations: []string{"prod-slack", "audit"}},
		},
		Default: []string{"ops"},
	}
}

func mustRouter(t testing.TB, d *config.Document) *Router {
	t.Helper()
	r, err := New(d)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// describe writes a decision compactly: "dest(route+route) dest(route) | muted: route".
func describe(d Decision) string {
	var parts []string
	for _, s := range d.Sends {
		parts = append(parts, s.Destination+"("+strings.Join(s.Routes, "+")+")")
	}
	out := strings.Join(parts, " ")
	if out == "" {
		out = "nothing"
	}
	var muted []string
	for _, h := range d.Hits {
		if h.Muted != nil {
			muted = append(muted, h.Label)
		}
	}
	if len(muted) > 0 {
		out += " | muted: " + strings.Join(muted, ",")
	}
	return out
}

// Times against the windows in testDoc. 2026-09-09 is a Wednesday.
var (
	daytime      = time.Date(2026, 9, 9, 12, 0, 0, 0, time.UTC)
	devRebuild   = time.Date(2026, 9, 9, 23, 30, 0, 0, time.UTC) // dev's window, Wednesday night
	migration    = time.Date(2026, 9, 12, 23, 0, 0, 0, time.UTC) // payments' window, a Saturday
	saturdayLate = time.Date(2026, 9, 12, 23, 30, 0, 0, time.UTC)
)

func TestRouteTable(t *testing.T) {
	r := mustRouter(t, testDoc())
	a := func(kind alert.Kind, event string, sev alert.Severity, cluster, service string, at time.Time) *alert.Alert {
		return &alert.Alert{Kind: kind, Event: event, Severity: sev, Time: at,
			Identity: alert.Identity{Account: "111122223333", Region: "eu-west-1", Cluster: cluster, Service: service}}
	}
	tests := []struct {
		name  string
		alert *alert.Alert
		now   time.Time
		want  string
		why   string
	}{
		{"a prod failure goes to both prod channels",
			a(alert.KindTaskStopped, "EssentialContainerExited", alert.Critical, "prod-main", "orders-api", daytime), daytime,
			"prod-slack(prod-failures) prod-teams(prod-failures)", "route prod-failures → prod-slack, prod-teams"},
		{"a warning is a failure too",
			a(alert.KindServiceAction, "SERVICE_TASK_PLACEMENT_FAILURE", alert.Warning, "prod-main", "orders-api", daytime), daytime,
			"prod-slack(prod-failures) prod-teams(prod-failures)", ""},
		{"the payments team's failure also goes to its channel, first",
			a(alert.KindTaskStopped, "OutOfMemoryError", alert.Critical, "prod-main", "payments-api", daytime), daytime,
			"payments(payments-team) prod-slack(prod-failures) prod-teams(prod-failures)",
			"route payments-team → payments; route prod-failures → prod-slack, prod-teams"},
		{"the payments team's info goes only to its channel",
			a(alert.KindScaling, "SERVICE_DESIRED_COUNT_UPDATED", alert.Info, "prod-main", "checkout-api", daytime), daytime,
			"payments(payments-team)", ""},
		{"an info nobody routes goes to the default",
			a(alert.KindScaling, "SERVICE_DESIRED_COUNT_UPDATED", alert.Info, "prod-main", "orders-api", daytime), daytime,
			"ops(default)", "no route matched: default → ops"},
		{"dev's failure stops at dev: prod-failures never sees it",
			a(alert.KindTaskStopped, "EssentialContainerExited", alert.Critical, "shop-dev", "orders-api", daytime), daytime,
			"dev-chat(dev)", ""},
		{"a glob at the start of the name",
			a(alert.KindTaskStopped, "EssentialContainerExited", alert.Critical, "dev-sandbox", "orders-api", daytime), daytime,
			"dev-chat(dev)", ""},
		{"payments in dev: continue from payments-team into dev",
			a(alert.KindTaskStopped, "EssentialContainerExited", alert.Critical, "shop-dev", "payments-api", daytime), daytime,
			"payments(payments-team) dev-chat(dev)", ""},
		{"a deployment: audit continues, then the failure routes",
			a(alert.KindDeployment, "SERVICE_DEPLOYMENT_FAILED", alert.Critical, "prod-main", "payments-api", daytime), daytime,
			"audit(audit) payments(payments-team) prod-slack(prod-failures) prod-teams(prod-failures)", ""},
		{"two routes name audit: it gets one message naming both",
			a(alert.KindDeployment, "SERVICE_DEPLOYMENT_COMPLETED", alert.Resolved, "prod-main", "orders-api", daytime), daytime,
			"audit(audit+routes[4]) prod-slack(routes[4])", "route audit → audit; route routes[4] → prod-slack, audit"},
		{"resolved ranks below warning",
			a(alert.KindAlarm, "OK", alert.Resolved, "", "", daytime), daytime,
			"prod-slack(routes[4]) audit(routes[4])", ""},
		{"an alarm without cluster or service is not taken by cluster or service globs",
			a(alert.KindAlarm, "ALARM", alert.Critical, "", "", daytime), daytime,
			"prod-slack(prod-failures) prod-teams(prod-failures)", ""},
		{"a generic record with nothing known still goes somewhere",
			&alert.Alert{Kind: alert.KindGeneric, Event: "NOT_JSON", Severity: alert.Warning}, daytime,
			"prod-slack(prod-failures) prod-teams(prod-failures)", ""},
		{"an unknown severity matches no minimum",
			&alert.Alert{Kind: alert.KindGeneric, Event: "NOT_JSON"}, daytime,
			"ops(default)", ""},

		{"muted, but continue: the other routes still post",
			a(alert.KindTaskStopped, "EssentialContainerExited", alert.Critical, "prod-main", "payments-api", migration), daytime,
			"prod-slack(prod-failures) prod-teams(prod-failures) | muted: payments-team",
			"route payments-team is muted: payments database migration (test) (2026-09-12T22:00:00Z to 2026-09-13T02:00:00Z); route prod-failures → prod-slack, prod-teams"},
		{"muted and it was the only route: nothing, and not the default",
			a(alert.KindScaling, "SERVICE_DESIRED_COUNT_UPDATED", alert.Info, "prod-main", "payments-api", migration), daytime,
			"nothing | muted: payments-team", ""},
		{"muted route that stops: later routes do not take it",
			a(alert.KindTaskStopped, "EssentialContainerExited", alert.Critical, "shop-dev", "orders-api", devRebuild), daytime,
			"nothing | muted: dev",
			"route dev is muted: nightly rebuild of dev (test) (weekly mon,tue,wed,thu,fri 23:00-01:00 UTC)"},
		{"a weekly window past midnight",
			a(alert.KindTaskStopped, "EssentialContainerExited", alert.Critical, "shop-dev", "orders-api", devRebuild.Add(90*time.Minute-time.Second)), daytime,
			"nothing | muted: dev", ""},
		{"a weekly window closes",
			a(alert.KindTaskStopped, "EssentialContainerExited", alert.Critical, "shop-dev", "orders-api", devRebuild.Add(90*time.Minute)), daytime,
			"dev-chat(dev)", ""},
		{"not on Saturday night",
			a(alert.KindTaskStopped, "EssentialContainerExited", alert.Critical, "shop-dev", "orders-api", saturdayLate), daytime,
			"dev-chat(dev)", ""},
		{"the window is checked at the event's time, not at now",
			a(alert.KindTaskStopped, "EssentialContainerExited", alert.Critical, "shop-dev", "orders-api", daytime), devRebuild,
			"dev-chat(dev)", ""},
		{"an alert with no time is checked at now",
			a(alert.KindTaskStopped, "EssentialContainerExited", alert.Critical, "shop-dev", "orders-api", time.Time{}), devRebuild,
			"nothing | muted: dev", ""},
		{"an absolute window's start is inside",
			a(alert.KindScaling, "X", alert.Info, "prod-main", "payments-api", time.Date(2026, 9, 12, 22, 0, 0, 0, time.UTC)), daytime,
			"nothing | muted: payments-team", ""},
		{"an absolute window's end is outside",
			a(alert.KindScaling, "X", alert.Info, "prod-main", "payments-api", time.Date(2026, 9, 13, 2, 0, 0, 0, time.UTC)), daytime,
			"payments(payments-team)", ""},
		{"just before an absolute window",
			a(alert.KindScaling, "X", alert.Info, "prod-main", "payments-api", time.Date(2026, 9, 12, 21, 59, 59, 999999999, time.UTC)), daytime,
			"payments(payments-team)", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := r.Route(tt.alert, tt.now)
			if got := describe(d); got != tt.want {
				t.Errorf("Route = %s\nwant    %s", got, tt.want)
			}
			if tt.why != "" && d.String() != tt.why {
				t.Errorf("String() = %q\nwant       %q", d.String(), tt.why)
			}
			h, muted := d.Muted()
			if muted != (len(d.Sends) == 0) {
				t.Errorf("Muted() = %v with %d sends: an alert goes somewhere or is muted", muted, len(d.Sends))
			}
			if muted && (h.Rule() != "mute:"+h.Label || !strings.Contains(h.Why(), h.Muted.Reason)) {
				t.Errorf("muted hit: rule %q, why %q", h.Rule(), h.Why())
			}
		})
	}
}

func TestMatchers(t *testing.T) {
	base := &alert.Alert{Kind: alert.KindDeployment, Event: "SERVICE_DEPLOYMENT_FAILED", Severity: alert.Critical,
		Identity: alert.Identity{Account: "111122223333", Region: "eu-west-1", Cluster: "prod-main", Service: "payments-api"}}
	tests := []struct {
		name string
		env  string
		m    config.Match
		want bool
	}{
		{"nothing: every alert", "", config.Match{}, true},
		{"environment", "prod", config.Match{Environment: []string{"staging", "prod"}}, true},
		{"environment glob", "prod-eu", config.Match{Environment: []string{"prod*"}}, true},
		{"other environment", "dev", config.Match{Environment: []string{"prod"}}, false},
		{"account", "", config.Match{Account: []string{"111122223333"}}, true},
		{"other account", "", config.Match{Account: []string{"444455556666"}}, false},
		{"region glob", "", config.Match{Region: []string{"us-*", "eu-*"}}, true},
		{"region glob, no match", "", config.Match{Region: []string{"us-*"}}, false},
		{"cluster", "", config.Match{Cluster: []string{"prod-main"}}, true},
		{"service glob", "", config.Match{Service: []string{"payments-*"}}, true},
		{"kind", "", config.Match{Kind: []string{"alarm", "deployment"}}, true},
		{"other kind", "", config.Match{Kind: []string{"alarm"}}, false},
		{"event glob", "", config.Match{Event: []string{"*_FAILED"}}, true},
		{"other event", "", config.Match{Event: []string{"SERVICE_DEPLOYMENT_COMPLETED", "HOOK_*"}}, false},
		// Names are case-sensitive; the document refuses another case ("did you mean").
		{"minSeverity critical", "", config.Match{MinSeverity: "critical"}, true},
		{"severity list", "", config.Match{Severity: []string{"warning"}}, false},
		{"every field, all match", "prod", config.Match{Environment: []string{"prod"}, Account: []string{"1111*"}, Region: []string{"eu-west-1"},
			Cluster: []string{"prod-*"}, Service: []string{"payments-api"}, Kind: []string{"deployment"}, Event: []string{"SERVICE_DEPLOYMENT_*"},
			MinSeverity: "warning", Severity: []string{"critical"}}, true},
		{"every field but one", "prod", config.Match{Environment: []string{"prod"}, Account: []string{"1111*"}, Region: []string{"eu-west-1"},
			Cluster: []string{"prod-*"}, Service: []string{"orders-api"}, Kind: []string{"deployment"}, Event: []string{"SERVICE_DEPLOYMENT_*"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &config.Document{Version: 1, Environment: tt.env,
				Destinations: []config.Destination{{Name: "hit", Target: "slack", SecretParam: "/p"}, {Name: "miss", Target: "slack", SecretParam: "/q"}},
				Routes:       []config.Route{{Name: "r", Match: tt.m, Destinations: []string{"hit"}}}, Default: []string{"miss"}}
			got := mustRouter(t, d).Route(base, daytime).Destinations()
			if (slices.Equal(got, []string{"hit"})) != tt.want {
				t.Errorf("routed to %v, want match %v", got, tt.want)
			}
		})
	}
}

// TestGlobs pins the glob semantics the README documents: path.Match, whole value, case
// sensitive, '*' does not cross '/', and an unknown value matches nothing.
func TestGlobs(t *testing.T) {
	tests := []struct {
		pattern, value string
		want           bool
	}{
		{"payments-*", "payments-api", true},
		{"payments-*", "payments-", true},
		{"payments-*", "payments", false},
		{"payments-*", "old-payments-api", false},
		{"*payments*", "old-payments-api", true},
		{"payments-?", "payments-a", true},
		{"payments-?", "payments-ab", false},
		{"payments-[ab]*", "payments-b2", true},
		{"payments-[^ab]*", "payments-b2", false},
		{"payments-*", "Payments-api", false},
		{"*", "anything at all", true},
		{"*", "", false},
		{"", "", false},
		{"*", "a/b", false},
		{"*/*", "a/b", true},
		{`\*`, "*", true},
		{`\*`, "x", false},
		{"eu-*-1", "eu-west-1", true},
		{"eu-*-1", "eu-west-2", false},
		{"1111????3333", "111122223333", true},
	}
	for _, tt := range tests {
		if got := globs([]string{tt.pattern}, tt.value); got != tt.want {
			t.Errorf("glob %q on %q = %v, want %v", tt.pattern, tt.value, got, tt.want)
		}
	}
}

func TestDefaults(t *testing.T) {
	dests := []config.Destination{{Name: "a", Target: "slack", SecretParam: "/a"}, {Name: "b", Target: "slack", SecretParam: "/b"}}
	al := &alert.Alert{Kind: alert.KindAlarm, Event: "ALARM", Severity: alert.Critical}

	// No routes and no default: every destination, and no route to name.
	d := mustRouter(t, &config.Document{Version: 1, Destinations: dests}).Route(al, daytime)
	if got := describe(d); got != "a() b()" || !d.Default || !d.Implicit || d.String() != "no routes: every destination → a, b" {
		t.Errorf("no routing: %s, %+v, %q", got, d, d)
	}
	// A default and no routes: the default, named.
	d = mustRouter(t, &config.Document{Version: 1, Destinations: dests, Default: []string{"b"}}).Route(al, daytime)
	if got := describe(d); got != "b(default)" || !d.Default || d.Implicit {
		t.Errorf("default only: %s", got)
	}
	// Routes that end with a catch-all need no default; the catch-all takes what is left.
	doc := &config.Document{Version: 1, Destinations: dests, Routes: []config.Route{
		{Name: "alarms", Match: config.Match{Kind: []string{"health"}}, Destinations: []string{"a"}},
		{Name: "rest", Destinations: []string{"b"}},
	}}
	d = mustRouter(t, doc).Route(al, daytime)
	if got := describe(d); got != "b(rest)" || d.Default {
		t.Errorf("catch-all: %s", got)
	}
	// Routes without a default are refused, so an unmatched alert cannot vanish.
	doc.Routes = doc.Routes[:1]
	if _, err := New(doc); err == nil || !strings.Contains(err.Error(), "config: default: is required") {
		t.Errorf("New without default = %v", err)
	}
}

// TestFixtures routes every recorded and derived AWS event through testDoc and compares with
// testdata/fixtures.golden (go test -update rewrites it). The golden file is the routing
// table of the real shapes: read it when changing a matcher.
func TestFixtures(t *testing.T) {
	r := mustRouter(t, testDoc())
	var paths []string
	for _, dir := range []string{"aws", "aws-derived"} {
		p, err := filepath.Glob(filepath.Join("..", "testdata", dir, "*.json"))
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p...)
	}
	if len(paths) < 27 {
		t.Fatalf("found %d fixtures, want at least the 27 real ones", len(paths))
	}
	slices.Sort(paths)
	var b strings.Builder
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := envelope.Split(data)
		if err != nil {
			// A file that is not JSON at all is still an alert in production; here every
			// fixture is JSON, so this is a broken fixture.
			t.Fatalf("%s: %v", p, err)
		}
		rel, _ := filepath.Rel(filepath.Join("..", "testdata"), p)
		for i, rec := range recs {
			a := classify.Classify(rec)
			d := r.Route(&a, daytime)
			if len(d.Sends) == 0 {
				if _, muted := d.Muted(); !muted {
					t.Errorf("%s: alert %d goes nowhere and is not muted", rel, i)
				}
			}
			fmt.Fprintf(&b, "%s #%d [%s %s %s %s/%s]\n    %s\n", rel, i, a.Kind, a.Event, a.Severity, a.Identity.Cluster, a.Identity.Service, describe(d))
		}
	}
	golden := filepath.Join("testdata", "fixtures.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if b.String() != string(want) {
		t.Errorf("routing of the fixtures changed (go test -update, then review the diff):\n%s", lineDiff(string(want), b.String()))
	}
}

// TestFixtureCases pins a few fixtures by hand, so the golden file cannot drift unread.
func TestFixtureCases(t *testing.T) {
	r := mustRouter(t, testDoc())
	tests := []struct {
		file string
		at   time.Time
		want string
	}{
		// checkout-api (the payments team's) OOM kill in example-cluster: team channel and prod's.
		{"aws-derived/ecs-task-state-change-stopped-oom.json", daytime, "payments(payments-team) prod-slack(prod-failures) prod-teams(prod-failures)"},
		// A failed deployment of servicetest: audit, then prod's failure channels.
		{"aws/ecs-deployment-state-change-failed-circuit-breaker.json", daytime, "audit(audit) prod-slack(prod-failures) prod-teams(prod-failures)"},
		// A completed deployment: audit from two routes, once.
		{"aws/ecs-deployment-state-change-completed.json", daytime, "audit(audit+routes[4]) prod-slack(routes[4])"},
		// An ELB health check kill in sin-web_cluster-dev: dev's channel only.
		{"aws/ecs-task-state-change-stopped-elb-health-check-fargate.json", daytime, "dev-chat(dev)"},
		// A container instance going ACTIVE (info): the default.
		{"aws/ecs-container-instance-state-change-active.json", daytime, "ops(default)"},
		// A CloudWatch alarm back to OK: recoveries.
		{"aws/lambda-sns-event-cloudwatch-alarm-ok-logmetrics.json", daytime, "prod-slack(routes[4]) audit(routes[4])"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("..", "testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			recs, err := envelope.Split(data)
			if err != nil || len(recs) != 1 {
				t.Fatalf("%d records, %v", len(recs), err)
			}
			a := classify.Classify(recs[0])
			if got := describe(r.Route(&a, tt.at)); got != tt.want {
				t.Errorf("Route = %s\nwant    %s", got, tt.want)
			}
		})
	}
}

// lineDiff lists the lines that differ, enough to see what moved.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n  want %s\n  got  %s\n", i+1, wl, gl)
		}
	}
	return b.String()
}
