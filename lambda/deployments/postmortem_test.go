package deployments

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/classify"
	"github.com/foghornhq/foghorn/lambda/envelope"
	"github.com/foghornhq/foghorn/lambda/internal/awsfake"
	"github.com/foghornhq/foghorn/lambda/internal/fixtures"
)

// alertOf classifies a fixture as the notifier does.
func alertOf(t *testing.T, rel string) alert.Alert {
	t.Helper()
	a := classify.Classify(envelope.Record{Body: fixtures.Read(t, rel)})
	if !Wants(&a) {
		t.Fatalf("%s: %s/%s is not worth a post-mortem", rel, a.Kind, a.Event)
	}
	return a
}

func factsOf(a alert.Alert) map[string]string {
	m := map[string]string{}
	for _, f := range a.Facts {
		m[f.Label] = f.Value
	}
	return m
}

// older is a deployment of the same service, rolled back a week before the one in answer: the
// post-mortem must tell the newest, whatever order ECS lists them in.
func older(t *testing.T, answer []byte) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(answer, &doc); err != nil {
		t.Fatal(err)
	}
	d := doc["serviceDeployments"].([]any)[0].(map[string]any)
	d["serviceDeploymentArn"] = d["serviceDeploymentArn"].(string) + "Old"
	for _, k := range []string{"createdAt", "startedAt", "updatedAt", "finishedAt"} {
		if v, ok := d[k].(float64); ok {
			d[k] = v - 7*24*3600
		}
	}
	d["status"] = "ROLLBACK_SUCCESSFUL"
	d["alarms"] = map[string]any{"status": "TRIGGERED", "triggeredAlarmNames": []any{"last-weeks-alarm"}}
	b, _ := json.Marshal(doc)
	return b
}

func TestPostMortem(t *testing.T) {
	const api = "aws-derived/ecs-api/"
	tests := []struct {
		name     string
		event    string
		answers  []string // DescribeServiceDeployments answers the fake holds
		title    string   // the title after the post-mortem
		severity alert.Severity
		reason   []string
		facts    map[string]string
		links    []string
	}{
		{
			name: "circuit breaker rolled back", event: "aws/ecs-deployment-state-change-failed-circuit-breaker.json",
			answers:  []string{api + "ecs-api-describe-service-deployments-circuit-breaker-rollback-wire.json", api + "ecs-api-describe-service-deployments-response-wire.json"},
			title:    "servicetest: deployment ecs-svc/123 failed: circuit breaker tripped at 3 of 3 failed tasks",
			severity: alert.Critical,
			reason: []string{"ECS deployment circuit breaker: task failed to start.", "the ROLLING deployment reached SCALE_UP",
				"the circuit breaker counted 3 failed tasks against its threshold of 3", "the rollback to revision 4980306466373577095 succeeded"},
			facts: map[string]string{
				"Strategy": "ROLLING", "Lifecycle stage": "SCALE_UP", "Circuit breaker": "3 failed tasks of a threshold of 3 (TRIGGERED)",
				"Source revision": "4980306466373577095 (3 of 3 running)", "Target revision": "1485800978477494678 (0 of 3 running, 1 pending)",
				"Deployment status": "ROLLBACK_SUCCESSFUL (ECS deployment circuit breaker: task failed to start.)", "Service deployment": "ejGvqq2ilnbKT9qj0vLJe",
			},
		},
		{
			name: "an alarm rolled back a blue/green deployment in its bake time", event: "aws-derived/ecs-deployment-state-change-failed-alarm.json",
			answers:  []string{api + "ecs-api-describe-service-deployments-alarm-rollback-wire.json"},
			title:    "servicetest: deployment ecs-svc/123 failed: alarm servicetest-5xx went off",
			severity: alert.Critical,
			reason:   []string{"the BLUE_GREEN deployment reached BAKE_TIME", "alarm servicetest-5xx went into ALARM and triggered the rollback"},
			facts: map[string]string{
				"Strategy": "BLUE_GREEN (bake time 10 min)", "Alarms that triggered": "servicetest-5xx",
				"Deployment alarms": "servicetest-5xx, servicetest-latency-p99", "Circuit breaker": "0 failed tasks of a threshold of 3 (MONITORING_COMPLETE)",
				"Target revision": "1485800978477494678 (3 of 3 running, 100% of production traffic)", "Rolled back to": "4980306466373577095",
			},
			links: []string{"https://us-west-2.console.aws.amazon.com/cloudwatch/home?region=us-west-2#alarmsV2:alarm/servicetest-5xx"},
		},
		{
			name: "the rollback failed", event: "aws/ecs-deployment-state-change-failed-circuit-breaker.json",
			answers:  []string{api + "ecs-api-describe-service-deployments-rollback-failed-wire.json"},
			title:    "servicetest: deployment ecs-svc/123 failed: circuit breaker tripped at 5 of 5 failed tasks; rollback failed",
			severity: alert.Critical,
			reason:   []string{"the rollback FAILED"},
			facts:    map[string]string{"Deployment status": "ROLLBACK_FAILED (ECS deployment circuit breaker: task failed to start.)", "Source revision": "4980306466373577095 (1 of 3 running)"},
		},
		{
			name: "a rollback starting", event: "aws-derived/ecs-deployment-state-change-in-progress-rollback.json",
			answers:  []string{api + "ecs-api-describe-service-deployments-circuit-breaker-rollback-wire.json"},
			title:    "servicetest: rolling back (deployment ecs-svc/123): circuit breaker tripped at 3 of 3 failed tasks",
			severity: alert.Warning,
			reason:   []string{"the circuit breaker counted 3 failed tasks"},
		},
		{
			name: "a paused deployment's timeout action", event: "aws/ecs-hook-state-change-hook-awaiting-action.json",
			answers:  []string{api + "ecs-api-describe-service-deployments-paused-wire.json"},
			title:    "my-service: deployment 0EYSiB0qap8xf0N76FsbE paused at POST_TEST_TRAFFIC_SHIFT, waiting for a decision until 2026-03-05 16:04 UTC",
			severity: alert.Warning,
			reason:   []string{"if nobody decides, ECS will ROLLBACK at 2026-03-05 16:04:41 UTC"},
			facts: map[string]string{"On timeout": "ROLLBACK", "Strategy": "BLUE_GREEN", "Deployment status": "IN_PROGRESS",
				"Target revision": "1485800978477494678 (2 of 2 running, 0% of production traffic)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := awsfake.NewECS()
			defer fake.Close()
			for _, f := range tt.answers {
				if err := fake.AddServiceDeployments(fixtures.Read(t, f)); err != nil {
					t.Fatal(err)
				}
				if err := fake.AddServiceDeployments(older(t, fixtures.Read(t, f))); err != nil {
					t.Fatal(err)
				}
			}
			a := alertOf(t, tt.event)
			want := a.Title
			r, err := PostMortem{API: fake.Client()}.Find(context.Background(), a)
			if err != nil {
				t.Fatal(err)
			}
			r.ApplyTo(&a)
			if tt.title != "" {
				want = tt.title
			}
			if a.Title != want || a.Severity != tt.severity {
				t.Errorf("title %q (%s), want %q (%s)", a.Title, a.Severity, want, tt.severity)
			}
			for _, w := range tt.reason {
				if !strings.Contains(a.Reason.Text, w) {
					t.Errorf("reason %q lacks %q", a.Reason.Text, w)
				}
			}
			if strings.Contains(a.Reason.Text, "last-weeks-alarm") {
				t.Errorf("the post-mortem told last week's deployment: %q", a.Reason.Text)
			}
			got := factsOf(a)
			for k, v := range tt.facts {
				if got[k] != v {
					t.Errorf("fact %s = %q, want %q", k, got[k], v)
				}
			}
			for _, l := range tt.links {
				found := false
				for _, have := range a.Links {
					found = found || have.URL == l
				}
				if !found {
					t.Errorf("no link %s in %+v", l, a.Links)
				}
			}
			if p := fake.Problems(); len(p) > 0 {
				t.Errorf("requests ECS would refuse: %v", p)
			}
		})
	}
}

// TestPostMortemRequests: the list asks for the event's service, in its region, for
// deployments created before the event, whenever it is processed.
func TestPostMortemRequests(t *testing.T) {
	fake := awsfake.NewECS()
	defer fake.Close()
	if err := fake.AddServiceDeployments(fixtures.Read(t, "aws-derived/ecs-api/ecs-api-describe-service-deployments-circuit-breaker-rollback-wire.json")); err != nil {
		t.Fatal(err)
	}
	a := alertOf(t, "aws/ecs-deployment-state-change-failed-circuit-breaker.json")
	// The client is made for another region: the alert's region wins.
	p := PostMortem{API: fake.Client()}
	if _, err := p.Find(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	reqs := fake.ServiceDeploymentRequests()
	if len(reqs) != 2 || reqs[0].Op != "ListServiceDeployments" || reqs[1].Op != "DescribeServiceDeployments" {
		t.Fatalf("requests = %+v", reqs)
	}
	var list struct {
		Cluster, Service string
		Status           []string
		CreatedAt        struct{ After, Before float64 }
	}
	if err := json.Unmarshal(reqs[0].Body, &list); err != nil {
		t.Fatal(err)
	}
	event := time.Date(2020, 5, 23, 12, 31, 14, 0, time.UTC)
	if reqs[0].Region != "us-west-2" || list.Cluster != "default" || list.Service != "servicetest" ||
		list.CreatedAt.Before != float64(event.Add(time.Minute).Unix()) || list.CreatedAt.After != float64(event.Add(-lookBack).Unix()) {
		t.Errorf("list request %s in %s", reqs[0].Body, reqs[0].Region)
	}
	for _, s := range list.Status {
		if s == "SUCCESSFUL" || s == "PENDING" {
			t.Errorf("the list asks for %s deployments, which never fail a deployment", s)
		}
	}
	if !strings.Contains(string(reqs[1].Body), "service-deployment/default/servicetest/ejGvqq2ilnbKT9qj0vLJe") {
		t.Errorf("describe request %s", reqs[1].Body)
	}
}

// TestPostMortemFailures: whatever goes wrong is an error naming it, and the alert is told
// without the post-mortem.
func TestPostMortemFailures(t *testing.T) {
	failed := "aws/ecs-deployment-state-change-failed-circuit-breaker.json"
	tests := []struct {
		name  string
		event string
		setup func(f *awsfake.ECS)
		says  string
	}{
		{"the role may not list", failed, func(f *awsfake.ECS) {
			f.FailServiceDeployments(awsfake.AccessDenied("ecs:ListServiceDeployments", "arn:aws:ecs:us-west-2:111122223333:service/default/servicetest"))
		}, "AccessDeniedException"},
		{"no failed deployment before the event", failed, func(*awsfake.ECS) {}, "lists no failed or rolled back deployment of default/servicetest"},
		{"a deployment ECS keeps no history of", "aws/ecs-hook-state-change-hook-awaiting-action.json", func(*awsfake.ECS) {}, "MISSING"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := awsfake.NewECS()
			defer fake.Close()
			tt.setup(fake)
			_, err := PostMortem{API: fake.Client(), Timeout: time.Second}.Find(context.Background(), alertOf(t, tt.event))
			if err == nil || !strings.Contains(err.Error(), tt.says) {
				t.Errorf("err = %v, want one saying %q", err, tt.says)
			}
		})
	}
}

func TestWants(t *testing.T) {
	for rel, want := range map[string]bool{
		"aws/ecs-deployment-state-change-failed-circuit-breaker.json":         true,
		"aws-derived/ecs-deployment-state-change-in-progress-rollback.json":   true,
		"aws/ecs-deployment-state-change-in-progress.json":                    false,
		"aws/ecs-deployment-state-change-completed.json":                      false,
		"aws/ecs-hook-state-change-hook-awaiting-action.json":                 true,
		"aws-derived/ecs-hook-state-change-hook-timed-out.json":               true,
		"aws-derived/ecs-hook-state-change-hook-succeeded.json":               false,
		"aws-derived/ecs-daemon-deployment-state-change-rollback-failed.json": false, // daemons have their own API
		"aws/ecs-service-action-task-start-impaired.json":                     false,
	} {
		a := classify.Classify(envelope.Record{Body: fixtures.Read(t, rel)})
		if got := Wants(&a); got != want {
			t.Errorf("%s: Wants = %v, want %v", rel, got, want)
		}
	}
}
