package actions_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/foghornhq/foghorn/lambda/awsjson/ecs"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/internal/awsfake"
	"github.com/foghornhq/foghorn/lambda/internal/chatfake"
	"github.com/foghornhq/foghorn/lambda/internal/fixtures"
	"github.com/foghornhq/foghorn/lambda/story"
)

// paused loads the paused deployment of the hook fixture into the fake ECS and posts its alert.
func (r *rig) paused() posted {
	r.t.Helper()
	b := fixtures.Read(r.t, "aws-derived/ecs-api/ecs-api-describe-service-deployments-paused-wire.json")
	if err := r.ecs.AddServiceDeployments(b); err != nil {
		r.t.Fatal(err)
	}
	a := event(r.t, "aws/ecs-hook-state-change-hook-awaiting-action.json")
	p := r.post(a)
	if !sameSet(keys(p.buttons), []string{"foghorn:continue", "foghorn:rollback"}) {
		r.t.Fatalf("a paused deployment offers %v", keys(p.buttons))
	}
	return p
}

// describe is what ECS now says of the paused deployment: its status and its hook's.
func (r *rig) describe(arn string) (status, hook string) {
	r.t.Helper()
	out, err := r.ecs.Client().DescribeServiceDeployments(context.Background(),
		&ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{arn}}, func(o *ecs.Options) { o.Region = "us-west-2" })
	if err != nil || len(out.ServiceDeployments) != 1 {
		r.t.Fatalf("describe: %v", err)
	}
	d := out.ServiceDeployments[0]
	if len(d.LifecycleHookDetails) > 0 {
		hook = string(d.LifecycleHookDetails[0].Status)
	}
	return string(d.Status), hook
}

// controls are the calls that changed a deployment, as ECS received them.
func (r *rig) controls() []map[string]any {
	var out []map[string]any
	for _, q := range r.ecs.ServiceDeploymentRequests() {
		if q.Op == "ContinueServiceDeployment" || q.Op == "StopServiceDeployment" {
			var m map[string]any
			json.Unmarshal(q.Body, &m)
			m["op"], m["region"] = q.Op, q.Region
			out = append(out, m)
		}
	}
	return out
}

// TestPausedDeployment: Continue and Roll back answer "working on it" at once, and the
// asynchronous invocation calls ContinueServiceDeployment with the hook's id and says so in
// the thread; a click on a decided hook, or ECS refusing, is said too.
func TestPausedDeployment(t *testing.T) {
	cases := []struct {
		button, action string
		status, hook   string
		thread         string
	}{
		{"foghorn:continue", "CONTINUE", "IN_PROGRESS", "SUCCEEDED", "<@U0ANA> continued the paused deployment of my-service (my-cluster): ECS goes on past its lifecycle hook."},
		{"foghorn:rollback", "ROLLBACK", "ROLLBACK_REQUESTED", "FAILED", "<@U0ANA> rolled back the paused deployment of my-service (my-cluster): ECS returns the service to the revision it ran before."},
	}
	for _, c := range cases {
		t.Run(c.button, func(t *testing.T) {
			r := newRig(t, nil)
			p := r.paused()
			r.send(r.click(p, ana, c.button))
			rep := r.replies()
			if len(rep["ephemeral"]) != 1 || !strings.Contains(text(rep["ephemeral"][0]), "On it:") || len(rep["thread"]) != 0 {
				t.Fatalf("before the job: %v", rep)
			}
			if len(r.controls()) != 0 || len(r.audits()) != 0 {
				t.Fatal("ECS was called before the click was answered")
			}
			r.runJobs()
			calls := r.controls()
			if len(calls) != 1 || calls[0]["op"] != "ContinueServiceDeployment" || calls[0]["hookId"] != hookID ||
				calls[0]["serviceDeploymentArn"] != pausedArn || calls[0]["action"] != c.action || calls[0]["region"] != "us-west-2" {
				t.Fatalf("ECS calls %v", calls)
			}
			if st, hook := r.describe(pausedArn); st != c.status || hook != c.hook {
				t.Errorf("deployment %s, hook %s; want %s, %s", st, hook, c.status, c.hook)
			}
			rep = r.replies()
			if len(rep["thread"]) != 1 || !strings.Contains(text(rep["thread"][0]), c.thread) {
				t.Errorf("thread %v", rep["thread"])
			}
			replaced := text(rep["replace"][0])
			if strings.Contains(replaced, "foghorn:continue") || strings.Contains(replaced, "foghorn:rollback") || !strings.Contains(replaced, "by <@U0ANA>") {
				t.Errorf("the alert still offers the decision, or does not say who made it:\n%s", replaced)
			}
			if a := r.audits(); len(a) != 1 || a[0]["outcome"] != "done" || a[0]["service"] != "my-cluster/my-service" {
				t.Errorf("audits %v", a)
			}
			// A second click after the hook is decided: ECS refuses, the thread says so.
			r.send(r.click(p, ana, "foghorn:continue"))
			r.runJobs()
			if a := r.audits(); len(a) != 2 || a[1]["outcome"] != "failed" || !strings.Contains(a[1]["detail"].(string), "ClientException") {
				t.Errorf("audits %v", a)
			}
			if th := r.replies()["thread"]; len(th) != 2 || !strings.Contains(text(th[1]), "ECS refused to continue the deployment of my-service (my-cluster) (<@U0ANA> asked): ClientException: The lifecycle hook is not awaiting action.") {
				t.Errorf("thread %v", th)
			}
		})
	}
}

// TestECSRefuses: an IAM denial is reported in the thread in ECS's words, and the alert keeps
// its buttons.
func TestECSRefuses(t *testing.T) {
	r := newRig(t, nil)
	p := r.paused()
	r.ecs.FailDeploymentControl(awsfake.AccessDenied("ecs:ContinueServiceDeployment", pausedArn))
	r.send(r.click(p, ana, "foghorn:continue"))
	r.runJobs()
	rep := r.replies()
	if len(rep["thread"]) != 1 || !strings.Contains(text(rep["thread"][0]), "AccessDeniedException") || len(rep["replace"]) != 0 {
		t.Errorf("replies %v", rep)
	}
	if a := r.audits(); len(a) != 1 || a[0]["outcome"] != "failed" || a[0]["level"] != "WARN" {
		t.Errorf("audits %v", a)
	}
	if st, hook := r.describe(pausedArn); st != "IN_PROGRESS" || hook != "AWAITING_ACTION" {
		t.Errorf("a refused call changed the deployment: %s %s", st, hook)
	}
}

// TestServiceNotChangeable: continue and rollback are refused, before ECS is asked, on a
// service actions.services does not list.
func TestServiceNotChangeable(t *testing.T) {
	r := newRig(t, func(d *config.Document) { d.Actions.Services = []string{checkoutService} })
	p := r.paused()
	r.send(r.click(p, ana, "foghorn:continue"))
	r.runJobs()
	if len(r.controls()) != 0 {
		t.Fatal("ECS was asked to change a service the endpoint may not change")
	}
	if a := r.audits(); len(a) != 1 || a[0]["outcome"] != "refused" || !strings.Contains(a[0]["detail"].(string), "actions.services") {
		t.Errorf("audits %v", a)
	}
}

// failing sets up checkout-api mid-deployment: ECS's deployment ecs-svc/… is PRIMARY and its
// service deployment IN_PROGRESS; it posts the crash loop of that deployment.
func (r *rig) failing(primary string, inProgress bool) (posted, string) {
	r.t.Helper()
	r.ecs.SetService(awsfake.Service{Cluster: "example-cluster", Name: "checkout-api", Region: "us-east-1", Account: "111122223333",
		Deployments: []awsfake.Deployment{
			{ID: primary, Status: "PRIMARY", TaskDefinition: "checkout-api:42", RolloutState: "IN_PROGRESS"},
			{ID: "ecs-svc/1111111111111111111", Status: "ACTIVE", TaskDefinition: "checkout-api:41", RolloutState: "COMPLETED"},
		}})
	arn := "arn:aws:ecs:us-east-1:111122223333:service-deployment/example-cluster/checkout-api/Ab12Cd34Ef56Gh78Ij90K"
	status := "IN_PROGRESS"
	if !inProgress {
		status = "SUCCESSFUL"
	}
	deps := `{"serviceDeployments": [
	  {"serviceDeploymentArn": "arn:aws:ecs:us-east-1:111122223333:service-deployment/example-cluster/checkout-api/Older0000000000000000",
	   "serviceArn": "` + checkoutService + `", "clusterArn": "arn:aws:ecs:us-east-1:111122223333:cluster/example-cluster",
	   "createdAt": 1710300000, "status": "SUCCESSFUL"},
	  {"serviceDeploymentArn": "` + arn + `",
	   "serviceArn": "` + checkoutService + `", "clusterArn": "arn:aws:ecs:us-east-1:111122223333:cluster/example-cluster",
	   "createdAt": 1710408000, "status": "` + status + `"}]}`
	if err := r.ecs.AddServiceDeployments([]byte(deps)); err != nil {
		r.t.Fatal(err)
	}
	tracker := story.New(r.store, r.doc.CrashLoop, r.h.Clock)
	a := event(r.t, "aws-derived/ecs-task-state-change-stopped-essential-container-exited-1.json")
	var inputs []story.Input
	for i := range 3 {
		f := a
		f.EventID, f.Time = a.EventID+"-"+string(rune('a'+i)), a.Time.Add(time.Duration(i)*time.Minute)
		inputs = append(inputs, story.Input{Alert: f})
	}
	res, err := tracker.Apply(context.Background(), inputs)
	if err != nil || len(res.Emits) != 1 {
		r.t.Fatalf("no crash loop: %v", err)
	}
	return r.post(res.Emits[0].Alert), arn
}

// TestRollbackFailingDeployment: Roll back on a crash loop stops the deployment in progress
// with ECS's own rollback, once ECS confirms it is the deployment the alert is about.
func TestRollbackFailingDeployment(t *testing.T) {
	t.Run("in progress", func(t *testing.T) {
		r := newRig(t, nil)
		p, arn := r.failing("ecs-svc/1234567890123456789", true)
		r.send(r.click(p, ana, "foghorn:rollback"))
		r.runJobs()
		calls := r.controls()
		if len(calls) != 1 || calls[0]["op"] != "StopServiceDeployment" || calls[0]["serviceDeploymentArn"] != arn || calls[0]["stopType"] != "ROLLBACK" || calls[0]["region"] != "us-east-1" {
			t.Fatalf("ECS calls %v", calls)
		}
		if a := r.audits(); len(a) != 1 || a[0]["outcome"] != "done" {
			t.Errorf("audits %v", a)
		}
		if th := r.replies()["thread"]; len(th) != 1 || !strings.Contains(text(th[0]), "rolled back the deployment of checkout-api (example-cluster)") {
			t.Errorf("thread %v", th)
		}
		// Again: ECS is rolling back already; nothing more is asked of it.
		r.send(r.click(p, ana, "foghorn:rollback"))
		r.runJobs()
		if calls := r.controls(); len(calls) != 1 {
			t.Errorf("a second rollback called ECS again: %v", calls)
		}
		if a := r.audits(); a[1]["outcome"] != "noop" || !strings.Contains(a[1]["detail"].(string), "ROLLBACK_REQUESTED") {
			t.Errorf("audits %v", a)
		}
	})
	t.Run("the service moved on", func(t *testing.T) {
		r := newRig(t, nil)
		p, _ := r.failing("ecs-svc/9999999999999999999", true)
		r.send(r.click(p, ana, "foghorn:rollback"))
		r.runJobs()
		if calls := r.controls(); len(calls) != 0 {
			t.Fatalf("rolled back a deployment the alert is not about: %v", calls)
		}
		if th := r.replies()["thread"]; len(th) != 1 || !strings.Contains(text(th[0]), "has moved on to ecs-svc/9999999999999999999") {
			t.Errorf("thread %v", th)
		}
	})
	t.Run("nothing in progress", func(t *testing.T) {
		r := newRig(t, nil)
		p, _ := r.failing("ecs-svc/1234567890123456789", false)
		r.send(r.click(p, ana, "foghorn:rollback"))
		r.runJobs()
		if calls := r.controls(); len(calls) != 0 {
			t.Fatalf("ECS calls %v", calls)
		}
		th := r.replies()["thread"]
		if len(th) != 1 || !strings.Contains(text(th[0]), "no deployment of checkout-api (example-cluster) is in progress") || !strings.Contains(text(th[0]), "console.aws.amazon.com") {
			t.Errorf("thread %v", th)
		}
		if a := r.audits(); a[0]["outcome"] != "noop" {
			t.Errorf("audits %v", a)
		}
	})
	t.Run("not allowed", func(t *testing.T) {
		r := newRig(t, nil)
		p, _ := r.failing("ecs-svc/1234567890123456789", true)
		r.send(r.click(p, cleo, "foghorn:rollback"))
		r.runJobs()
		if calls := r.controls(); len(calls) != 0 {
			t.Fatalf("ECS calls %v", calls)
		}
		if a := r.audits(); len(a) != 1 || a[0]["outcome"] != "refused" {
			t.Errorf("audits %v", a)
		}
	})
}

// TestMoreLogs: the last lines of the failed container, redacted, in the thread.
func TestMoreLogs(t *testing.T) {
	r := newRig(t, nil)
	a := event(t, "aws-derived/ecs-task-state-change-stopped-essential-container-exited-1.json")
	awsfake.AddCheckoutCrash(r.ecs, r.logs, awsfake.CheckoutTaskID, a.Time)
	p := r.post(a)
	r.send(r.click(p, ana, "foghorn:logs"))
	r.runJobs()
	th := r.replies()["thread"]
	if len(th) != 1 {
		t.Fatalf("thread %v", th)
	}
	got := text(th[0])
	for _, want := range []string{"The last 22 log lines of app in task 0f1e2d3c4b5a", "ConfigError: missing required env DATABASE_URL", "Node.js v20.11.1", "Log stream"} {
		if !strings.Contains(got, want) {
			t.Errorf("reply lacks %q:\n%s", want, got)
		}
	}
	fixtures.AssertNoSecret(t, "log reply", got, "example-redis-password")
	reqs := r.logs.Requests()
	if len(reqs) != 1 || aws.ToInt32(reqs[0].Limit) != 50 || reqs[0].LogStreamName != "ecs/app/"+awsfake.CheckoutTaskID {
		t.Errorf("GetLogEvents %+v", reqs)
	}
	if au := r.audits(); len(au) != 1 || au[0]["outcome"] != "done" {
		t.Errorf("audits %v", au)
	}
}

// TestJobSeal: a job whoever may invoke the function could send, without the seal only the
// signing secret makes, does nothing.
func TestJobSeal(t *testing.T) {
	r := newRig(t, nil)
	p := r.paused()
	r.send(r.click(p, ana, "foghorn:continue"))
	r.jobMu.Lock()
	job := r.jobs[0]
	r.jobs = nil
	r.jobMu.Unlock()
	var j map[string]any
	json.Unmarshal(job, &j)
	j["seal"] = strings.Repeat("0", 64)
	forged, _ := json.Marshal(j)
	if _, err := r.e.Handle(context.Background(), forged); err != nil {
		t.Fatal(err)
	}
	if calls := r.controls(); len(calls) != 0 {
		t.Fatalf("a forged job called ECS: %v", calls)
	}
	if !strings.Contains(r.rawLog(), "job refused") {
		t.Error("the forged job was not logged")
	}
	if _, err := r.e.Handle(context.Background(), []byte(`{"hello":1}`)); err == nil {
		t.Error("an unknown event was taken")
	}
}

// TestNoSecretLeaks: through every flow above, no log line and no reply holds the signing
// secret, the bot token or a response URL's secret part.
func TestNoSecretLeaks(t *testing.T) {
	r := newRig(t, nil)
	a := event(t, "aws-derived/ecs-task-state-change-stopped-essential-container-exited-1.json")
	awsfake.AddCheckoutCrash(r.ecs, r.logs, awsfake.CheckoutTaskID, a.Time)
	p := r.post(a)
	for _, b := range []string{"foghorn:silence:1h", "foghorn:acknowledge", "foghorn:logs"} {
		r.send(r.click(p, ana, b))
		r.send(r.click(p, bob, b))
	}
	r.sendReq(r.request(r.click(p, ana, "foghorn:silence:4h"), "0"+docsSecret[1:], 0))
	q := r.paused()
	r.ecs.FailDeploymentControl(awsfake.AccessDenied("ecs:ContinueServiceDeployment", pausedArn))
	r.send(r.click(q, ana, "foghorn:continue"))
	r.runJobs()
	secrets := []string{docsSecret, r.bot.Token, "SECRETPART"}
	fixtures.AssertNoSecret(t, "log", r.rawLog(), secrets...)
	for _, q := range r.h.Fake.Requests() {
		fixtures.AssertNoSecret(t, "posted message", string(q.Body), secrets...)
	}
	fixtures.AssertNoSecret(t, "client log", r.h.Logs(), secrets...)
	if n := len(r.audits()); n != 7 { // the badly signed request is no click
		t.Errorf("%d audit lines for 7 clicks", n)
	}
}

// TestAnswerBody: what Slack receives for a click is an empty 200, whatever the action.
func TestAnswerBody(t *testing.T) {
	r := newRig(t, nil)
	p := r.post(event(t, "aws-derived/ecs-task-state-change-stopped-essential-container-exited-1.json"))
	req := r.request(r.click(p, ana, "foghorn:silence:1h"), docsSecret, 0)
	resp := r.e.Serve(context.Background(), req)
	if resp.StatusCode != 200 || resp.Body != "" {
		t.Errorf("answer %d %q", resp.StatusCode, resp.Body)
	}
	_ = alert.Critical
	_ = chatfake.TargetSlackResponse
}
