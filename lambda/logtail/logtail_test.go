package logtail

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/smithy-go"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/console"
	"github.com/foghornhq/foghorn/lambda/internal/awsfake"
)

var stoppedAt = time.Date(2024, 3, 14, 9, 26, 53, 0, time.UTC)

func exit(code int) *int { return &code }

// stopped is the alert classify makes of checkout-api:42's task exiting with code 1 (see
// lambda/classify/testdata/golden/ecs-task-state-change-stopped-essential-container-exited-1.json).
func stopped() alert.Alert {
	return alert.Alert{
		EventID: "5d0c8c1e-3a9f-4c55-9a7e-2b1f0e6d4c01", Source: "aws.ecs", Kind: alert.KindTaskStopped,
		Event: "EssentialContainerExited", Severity: alert.Critical, Status: "STOPPED",
		Title: "checkout-api: container app exited with code 1",
		Identity: alert.Identity{
			Partition: "aws", Account: awsfake.Account, Region: awsfake.Region, Cluster: "example-cluster",
			Service: "checkout-api", TaskFamily: "checkout-api", TaskRevision: 42, TaskID: awsfake.CheckoutTaskID,
			DeploymentID: "ecs-svc/1234567890123456789",
		},
		Reason: alert.Reason{
			StopCode: "EssentialContainerExited", StoppedReason: "Essential container in task exited",
			Containers: []alert.Container{
				{Name: "app", Image: "111122223333.dkr.ecr.us-east-1.amazonaws.com/checkout-api:1.4.2", ExitCode: exit(1), Status: "STOPPED"},
				{Name: "log-router", Image: "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable", ExitCode: exit(0), Status: "STOPPED"},
			},
		},
		Links: []alert.Link{{Label: "Task", URL: console.Task("aws", awsfake.Region, "example-cluster", awsfake.CheckoutTaskID)}},
		Time:  stoppedAt,
	}
}

// withTask is the alert for another task of a family, whose container name exited 1.
func withTask(family string, revision int, taskID, name string) alert.Alert {
	a := stopped()
	a.Identity.Service, a.Identity.TaskFamily, a.Identity.TaskRevision, a.Identity.TaskID = family, family, revision, taskID
	a.Reason.Containers = []alert.Container{{Name: name, ExitCode: exit(1), Status: "STOPPED"}}
	return a
}

type rig struct {
	ecs  *awsfake.ECS
	logs *awsfake.Logs
}

// newRig starts both fakes holding the shipped task definitions and checkout-api's crash.
func newRig(t *testing.T) rig {
	t.Helper()
	r := rig{ecs: awsfake.NewECS(), logs: awsfake.NewLogs()}
	t.Cleanup(func() {
		r.ecs.Close()
		r.logs.Close()
		for _, p := range append(r.ecs.Problems(), r.logs.Problems()...) {
			t.Errorf("a real endpoint would reject: %s", p)
		}
	})
	r.ecs.AddShipped()
	awsfake.AddCheckoutCrash(nil, r.logs, awsfake.CheckoutTaskID, stoppedAt)
	return r
}

// fetcher builds a fetcher on the rig's fakes. A test that does not set a budget gets a
// generous one: a loaded machine must not turn a happy path into a timeout. Tests of the
// budget set their own.
func (r rig) fetcher(t *testing.T, opts config.Logs) *Fetcher {
	t.Helper()
	if opts.Budget == 0 {
		opts.Budget = config.Duration(10 * time.Second)
	}
	f, err := New(r.ecs.Client(), r.logs.Client(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestTailHappyPath(t *testing.T) {
	r := newRig(t)
	f := r.fetcher(t, config.Logs{LogGroupPrefixes: []string{"/ecs/"}})
	res := f.Tail(context.Background(), stopped())

	if res.Outcome != Fetched || res.Reason != "" || res.Err != nil {
		t.Fatalf("outcome %s, reason %q, err %v", res.Outcome, res.Reason, res.Err)
	}
	stream := "ecs/app/" + awsfake.CheckoutTaskID
	if res.Container != "app" || res.LogGroup != "/ecs/checkout-api" || res.LogStream != stream || res.Region != "us-east-1" {
		t.Errorf("container %q, group %q, stream %q, region %q", res.Container, res.LogGroup, res.LogStream, res.Region)
	}
	crash := awsfake.CheckoutCrashLog(stoppedAt)
	if len(res.Lines) != config.DefaultLogLines {
		t.Fatalf("%d lines, want %d:\n%s", len(res.Lines), config.DefaultLogLines, strings.Join(res.Lines, "\n"))
	}
	// The last 20 events, oldest first.
	for i, l := range res.Lines {
		want := crash[len(crash)-config.DefaultLogLines+i].Message
		if strings.Contains(want, "redis://") {
			want = strings.Replace(want, "example-redis-password", "***", 1)
		}
		if l != want {
			t.Errorf("line %d = %q, want %q", i, l, want)
		}
	}
	if !containsLine(res.Lines, "ConfigError: missing required env DATABASE_URL") {
		t.Errorf("the diagnosis is missing")
	}
	for _, l := range res.Lines {
		if strings.Contains(l, "example-redis-password") {
			t.Errorf("secret left in %q", l)
		}
	}

	wantLinks := []alert.Link{
		{Label: "Log stream", URL: console.LogStream("aws", "us-east-1", "/ecs/checkout-api", stream)},
		{Label: "Logs Insights", URL: console.LogsInsights("aws", "us-east-1", "/ecs/checkout-api",
			"fields @timestamp, @message\n| filter @logStream = \""+stream+"\"\n| sort @timestamp desc\n| limit 200",
			stoppedAt.Add(-time.Hour), stoppedAt.Add(10*time.Minute))},
	}
	if len(res.Links) != 2 || res.Links[0] != wantLinks[0] || res.Links[1] != wantLinks[1] {
		t.Errorf("links:\n%v\nwant\n%v", res.Links, wantLinks)
	}

	ecsReqs, logsReqs := r.ecs.Requests(), r.logs.Requests()
	if len(ecsReqs) != 1 || ecsReqs[0].TaskDefinition != "checkout-api:42" || ecsReqs[0].Region != "us-east-1" {
		t.Errorf("ECS requests %+v", ecsReqs)
	}
	if len(logsReqs) != 1 {
		t.Fatalf("Logs requests %+v", logsReqs)
	}
	q := logsReqs[0]
	if q.LogGroupName != "/ecs/checkout-api" || q.LogGroupIdentifier != "" || q.LogStreamName != stream ||
		q.Limit == nil || *q.Limit != 20 || q.StartFromHead == nil || *q.StartFromHead || q.NextToken != "" || q.Region != "us-east-1" {
		t.Errorf("GetLogEvents request %+v", q)
	}

	a := stopped()
	res.ApplyTo(&a)
	if len(a.LogLines) != 20 || len(a.Links) != 3 || a.Links[0].Label != "Task" {
		t.Errorf("applied: %d lines, links %v", len(a.LogLines), a.Links)
	}
	res.ApplyTo(&a) // twice adds no duplicate links
	if len(a.Links) != 3 {
		t.Errorf("links duplicated: %v", a.Links)
	}
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func containsLine(lines []string, want string) bool {
	for _, l := range lines {
		if l == want {
			return true
		}
	}
	return false
}

// Every way a tail can end short, each saying why, and none calling what it need not.
func TestTailOutcomes(t *testing.T) {
	budget := config.Duration(80 * time.Millisecond)
	tests := []struct {
		name    string
		opts    config.Logs
		setup   func(r rig)
		alert   alert.Alert
		outcome Outcome
		reason  string // substring
		errCode string // the AWS error code behind Err, if any
		// warm reads the task definition before the budget starts, so the budget is all
		// the Logs call's.
		warm bool
		// Calls each endpoint received; -1 leaves unchecked a count that a request still
		// in flight when Tail returned could change.
		ecsCalls  int
		logsCalls int
		stream    string // the stream the result names, "" for none
		// note: the reason is one the alert says (Note), because the stack's settings keep
		// the lines out.
		note bool
	}{
		{
			name: "non-awslogs driver", alert: withTask("report-worker", 7, "9a8b7c6d5e4f30211203f4e5d6c7b8a9", "worker"),
			outcome: Skipped, reason: "container worker logs with the awsfirelens driver; only awslogs streams are read",
			ecsCalls: 1,
		},
		{
			name: "no log configuration", alert: withTask("legacy-cron", 3, "5e4f30211203f4e5d6c7b8a99a8b7c6d", "cron"),
			outcome: Skipped, reason: "container cron has no log configuration", ecsCalls: 1,
		},
		{
			name: "stream missing", alert: withTask("checkout-api", 42, "00000000000000000000000000000bad", "app"),
			outcome: Failed, reason: "The specified log stream does not exist", errCode: "ResourceNotFoundException",
			ecsCalls: 1, logsCalls: 1, stream: "ecs/app/00000000000000000000000000000bad",
		},
		{
			name: "log group missing", setup: func(r rig) { must(r.ecs.Add(billingWithGroup("/ecs/billing-sync"))) },
			alert:   withTask("billing-sync", 13, "1203f4e5d6c7b8a99a8b7c6d5e4f3021", "sync"),
			outcome: Failed, reason: "The specified log group does not exist", errCode: "ResourceNotFoundException",
			ecsCalls: 1, logsCalls: 1, stream: "billing/sync/1203f4e5d6c7b8a99a8b7c6d5e4f3021",
		},
		{
			name: "logs access denied", setup: func(r rig) { r.logs.Deny("/ecs/checkout-api") }, alert: stopped(),
			outcome: Failed, reason: "reading log group /ecs/checkout-api in us-east-1 was denied (AccessDeniedException): the function's role may read only the log groups under logGroupPrefixes in logRegions",
			errCode: "AccessDeniedException", ecsCalls: 1, logsCalls: 1, stream: "ecs/app/" + awsfake.CheckoutTaskID, note: true,
		},
		{
			name: "region outside logRegions", opts: config.Logs{Regions: []string{"us-east-1", "eu-west-1"}},
			alert:   withTask("billing-sync", 12, "1203f4e5d6c7b8a99a8b7c6d5e4f3021", "sync"),
			outcome: Skipped, reason: "container sync logs to us-west-2, outside logRegions (us-east-1, eu-west-1): add it",
			ecsCalls: 1, stream: "billing/sync/1203f4e5d6c7b8a99a8b7c6d5e4f3021", note: true,
		},
		{
			name: "ecs access denied", alert: stopped(),
			setup: func(r rig) {
				r.ecs.Fail("checkout-api:42", awsfake.AccessDenied("ecs:DescribeTaskDefinition", "*"))
			},
			outcome: Failed, reason: "ecs:DescribeTaskDefinition of checkout-api:42 was denied", errCode: "AccessDeniedException", ecsCalls: 1, note: true,
		},
		{
			name: "unknown revision", alert: withTask("checkout-api", 43, awsfake.CheckoutTaskID, "app"),
			outcome: Failed, reason: "ecs:DescribeTaskDefinition of checkout-api:43 failed: ClientException: Unable to describe task definition",
			errCode: "ClientException", ecsCalls: 1,
		},
		{
			name: "group outside allowed prefixes", opts: config.Logs{LogGroupPrefixes: []string{"/ecs/", "/aws/ecs/"}},
			alert:   withTask("billing-sync", 12, "1203f4e5d6c7b8a99a8b7c6d5e4f3021", "sync"),
			outcome: Skipped, reason: "log group /billing/sync is outside the allowed prefixes (/ecs/, /aws/ecs/)",
			ecsCalls: 1, stream: "billing/sync/1203f4e5d6c7b8a99a8b7c6d5e4f3021", note: true,
		},
		{
			name: "slow ECS", opts: config.Logs{Budget: budget}, setup: func(r rig) { r.ecs.Hold(true) }, alert: stopped(),
			outcome: TimedOut, reason: "ecs:DescribeTaskDefinition of checkout-api:42 did not answer within the 80ms budget",
			ecsCalls: -1,
		},
		{
			name: "slow Logs", opts: config.Logs{Budget: budget}, setup: func(r rig) { r.logs.Hold(true) }, alert: stopped(), warm: true,
			outcome: TimedOut, reason: "logs:GetLogEvents of ecs/app/" + awsfake.CheckoutTaskID + " did not answer within the 80ms budget",
			ecsCalls: 1, logsCalls: -1, stream: "ecs/app/" + awsfake.CheckoutTaskID,
		},
		{
			name: "empty stream", setup: func(r rig) {
				r.logs.Put(awsfake.CheckoutGroup, awsfake.CheckoutStream("00000000000000000000000000000e00"))
			},
			alert:   withTask("checkout-api", 42, "00000000000000000000000000000e00", "app"),
			outcome: Empty, reason: "holds no lines", ecsCalls: 1, logsCalls: 1, stream: "ecs/app/00000000000000000000000000000e00",
		},
		{
			name: "task never started", alert: func() alert.Alert {
				a := stopped()
				a.Reason.StopCode = "TaskFailedToStart"
				a.Reason.Containers = []alert.Container{{Name: "app", Reason: "CannotPullContainerError: pull image manifest has been retried 7 time(s)"}}
				return a
			}(),
			outcome: Skipped, reason: "the task never started",
		},
		{
			name: "no task", alert: func() alert.Alert { a := stopped(); a.Identity.TaskID = ""; return a }(),
			outcome: Skipped, reason: "the alert names no task",
		},
		{
			name: "no revision", alert: func() alert.Alert { a := stopped(); a.Identity.TaskRevision = 0; return a }(),
			outcome: Skipped, reason: "the alert names no task definition revision",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			if tt.setup != nil {
				tt.setup(r)
			}
			f := r.fetcher(t, tt.opts)
			if tt.warm {
				if _, err := f.containers(context.Background(), tt.alert.Identity); err != nil {
					t.Fatal(err)
				}
			}
			res := f.Tail(context.Background(), tt.alert)
			if res.Outcome != tt.outcome || !strings.Contains(res.Reason, tt.reason) {
				t.Errorf("outcome %s, reason %q; want %s, %q", res.Outcome, res.Reason, tt.outcome, tt.reason)
			}
			if len(res.Lines) != 0 {
				t.Errorf("lines %q", res.Lines)
			}
			if (res.Note != "") != tt.note || (tt.note && res.Note != res.Reason) {
				t.Errorf("note %q, want one: %v", res.Note, tt.note)
			}
			var a alert.Alert
			res.ApplyTo(&a)
			if has := slices.ContainsFunc(a.Facts, func(f alert.Fact) bool { return f.Label == NoteLabel && f.Value == res.Reason }); has != tt.note {
				t.Errorf("the alert says why its lines are missing: %v, want %v (facts %v)", has, tt.note, a.Facts)
			}
			var ae smithy.APIError
			switch {
			case tt.errCode != "" && (!errors.As(res.Err, &ae) || ae.ErrorCode() != tt.errCode):
				t.Errorf("err %v, want code %s", res.Err, tt.errCode)
			case tt.outcome == TimedOut && !errors.Is(res.Err, context.DeadlineExceeded):
				t.Errorf("err %v, want the deadline", res.Err)
			case tt.outcome == Skipped && res.Err != nil:
				t.Errorf("a skip has err %v", res.Err)
			}
			if res.LogStream != tt.stream {
				t.Errorf("stream %q, want %q", res.LogStream, tt.stream)
			}
			// A result that names its stream links to it, whether or not it could be read.
			if tt.stream != "" && (len(res.Links) != 2 || !strings.Contains(res.Links[0].URL, "#logsV2:log-groups/log-group/")) {
				t.Errorf("links %v", res.Links)
			}
			if n := r.ecs.Calls(); tt.ecsCalls >= 0 && n != tt.ecsCalls {
				t.Errorf("ECS calls %d, want %d", n, tt.ecsCalls)
			}
			if n := r.logs.Calls(); tt.logsCalls >= 0 && n != tt.logsCalls {
				t.Errorf("Logs calls %d, want %d", n, tt.logsCalls)
			}
		})
	}
}

// billingWithGroup is billing-sync:13, logging to group in the function's region.
func billingWithGroup(group string) []byte {
	td := string(awsfake.TaskDefinitions()["billing-sync:12"])
	td = strings.ReplaceAll(td, "billing-sync:12", "billing-sync:13")
	td = strings.Replace(td, `"revision": 12`, `"revision": 13`, 1)
	td = strings.Replace(td, `"/billing/sync"`, `"`+group+`"`, 1)
	return []byte(strings.Replace(td, `"us-west-2"`, `"us-east-1"`, 1))
}

func TestTaskDefinitionCached(t *testing.T) {
	r := newRig(t)
	const other = "1f2e3d4c5b6a79888796a5b4c3d2e1f0"
	awsfake.AddCheckoutCrash(nil, r.logs, other, stoppedAt.Add(time.Minute))
	f := r.fetcher(t, config.Logs{})
	for _, id := range []string{awsfake.CheckoutTaskID, other} {
		a := stopped()
		a.Identity.TaskID = id
		if res := f.Tail(context.Background(), a); res.Outcome != Fetched {
			t.Fatalf("%s: %s %s", id, res.Outcome, res.Reason)
		}
	}
	if n := r.ecs.Calls(); n != 1 {
		t.Errorf("DescribeTaskDefinition called %d times for two tails of one revision, want 1", n)
	}
	if n := r.logs.Calls(); n != 2 {
		t.Errorf("GetLogEvents called %d times, want 2", n)
	}
}

// A burst of failures of one revision shares one DescribeTaskDefinition, even when the
// tails run at once.
func TestTaskDefinitionFetchedOnceConcurrently(t *testing.T) {
	r := newRig(t)
	r.ecs.SetDelay(30 * time.Millisecond) // long enough for every tail to find the call under way
	f := r.fetcher(t, config.Logs{})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if res := f.Tail(context.Background(), stopped()); res.Outcome != Fetched {
				t.Errorf("%s %s", res.Outcome, res.Reason)
			}
		})
	}
	wg.Wait()
	if n := r.ecs.Calls(); n != 1 {
		t.Errorf("DescribeTaskDefinition called %d times, want 1", n)
	}
}

func TestCacheBounded(t *testing.T) {
	r := newRig(t)
	f := r.fetcher(t, config.Logs{CacheSize: 2})
	order := []alert.Alert{
		stopped(),
		withTask("report-worker", 7, "9a8b7c6d5e4f30211203f4e5d6c7b8a9", "worker"),
		withTask("legacy-cron", 3, "5e4f30211203f4e5d6c7b8a99a8b7c6d", "cron"), // evicts checkout-api:42
		stopped(),
	}
	for _, a := range order {
		f.Tail(context.Background(), a)
	}
	if n := f.defs.len(); n != 2 {
		t.Errorf("cache holds %d, want 2", n)
	}
	if n := r.ecs.Calls(); n != 4 {
		t.Errorf("DescribeTaskDefinition called %d times, want 4 (the evicted revision read again)", n)
	}
}

// A failed describe is not cached: the next alert tries again.
func TestFailureNotCached(t *testing.T) {
	r := newRig(t)
	r.ecs.Fail("", awsfake.AccessDenied("ecs:DescribeTaskDefinition", "*"))
	f := r.fetcher(t, config.Logs{})
	if res := f.Tail(context.Background(), stopped()); res.Outcome != Failed {
		t.Fatalf("%s %s", res.Outcome, res.Reason)
	}
	r.ecs.Fail("", awsfake.Fault{})
	if res := f.Tail(context.Background(), stopped()); res.Outcome != Fetched {
		t.Fatalf("after the fix: %s %s", res.Outcome, res.Reason)
	}
}

// The log group's own region (awslogs-region) is where GetLogEvents goes, and where the
// links point.
func TestLogGroupRegion(t *testing.T) {
	r := newRig(t)
	const task = "1203f4e5d6c7b8a99a8b7c6d5e4f3021"
	r.logs.Put("/billing/sync", awsfake.Stream("billing", "sync", task), awsfake.Event{Time: stoppedAt, Message: "panic: sync: negative WaitGroup counter"})
	res := r.fetcher(t, config.Logs{}).Tail(context.Background(), withTask("billing-sync", 12, task, "sync"))
	if res.Outcome != Fetched || res.Region != "us-west-2" {
		t.Fatalf("%s %q region %s", res.Outcome, res.Reason, res.Region)
	}
	if q := r.logs.Requests(); len(q) != 1 || q[0].Region != "us-west-2" {
		t.Errorf("GetLogEvents went to %+v, want us-west-2", q)
	}
	if q := r.ecs.Requests(); len(q) != 1 || q[0].Region != "us-east-1" {
		t.Errorf("DescribeTaskDefinition went to %+v, want the task's region", q)
	}
	if !strings.HasPrefix(res.Links[0].URL, "https://us-west-2.console.aws.amazon.com/") {
		t.Errorf("link %s", res.Links[0].URL)
	}
}

func TestLineShaping(t *testing.T) {
	long := "ERROR " + strings.Repeat("x", 2000)
	tests := []struct {
		name     string
		opts     config.Logs
		messages []string
		want     []string
		cut      int
	}{
		{
			name: "longer than the cap", opts: config.Logs{LineBytes: 64},
			messages: []string{long, "short"},
			want:     []string{"ERROR " + strings.Repeat("x", 64-6-3) + "…", "short"}, cut: 1,
		},
		{
			name: "multi-byte text cut on a rune boundary", opts: config.Logs{LineBytes: 64},
			// 3-byte runes: 64-3 bytes leave room for 20 of them.
			messages: []string{strings.Repeat("設定", 40), "🚀" + strings.Repeat("é", 40)},
			want:     []string{strings.Repeat("設定", 10) + "…", "🚀" + strings.Repeat("é", 28) + "…"}, cut: 2,
		},
		{
			name:     "escapes and controls stripped",
			messages: []string{"\x1b[31mERROR\x1b[0m boom\x00\x07 done\x1b]0;title\x07", "bell\u202eevil\u202c"},
			want:     []string{"ERROR boom done", "bellevil"},
		},
		{
			name: "multi-line events count as lines", opts: config.Logs{Lines: 3},
			messages: []string{"first", "Error: boom\n    at a (a.js:1:1)\r\n    at b (b.js:2:2)\n"},
			want:     []string{"Error: boom", "    at a (a.js:1:1)", "    at b (b.js:2:2)"},
		},
		{
			name:     "blank lines dropped, trailing space trimmed",
			messages: []string{"one  ", "", "   ", "two\t"},
			want:     []string{"one", "two"},
		},
		{
			name:     "invalid UTF-8 replaced",
			messages: []string{"bad \xff\xfe byte"},
			want:     []string{"bad \uFFFD byte"},
		},
		{
			name: "redacted before the cut", opts: config.Logs{LineBytes: 64},
			messages: []string{"password=" + strings.Repeat("s", 100) + " after"},
			want:     []string{"password=[redacted] after"},
		},
		{
			name: "huge line cut before it is redacted", opts: config.Logs{LineBytes: 64},
			messages: []string{strings.Repeat("a ", 2040) + "token=" + strings.Repeat("T", 500)},
			want:     []string{strings.Repeat("a ", 30) + "a…"}, cut: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.opts.WithDefaults()
			red, err := redactorFor(nil)
			if err != nil {
				t.Fatal(err)
			}
			got, cut := shaper{lines: o.Lines, lineBytes: o.LineBytes, redactor: red}.shape(tt.messages)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") || cut != tt.cut {
				t.Errorf("got %q (cut %d)\nwant %q (cut %d)", got, cut, tt.want, tt.cut)
			}
			for _, l := range got {
				if !utf8.ValidString(l) || len(l) > o.LineBytes {
					t.Errorf("line %q: valid %v, %d bytes", l, utf8.ValidString(l), len(l))
				}
			}
		})
	}
}

// Through the real clients: a long multi-byte line comes back cut on a rune boundary.
func TestTailCutsLongLines(t *testing.T) {
	r := newRig(t)
	const task = "00000000000000000000000000000c07"
	r.logs.Put(awsfake.CheckoutGroup, awsfake.CheckoutStream(task),
		awsfake.Event{Time: stoppedAt, Message: "エラー: " + strings.Repeat("データベースに接続できません。", 50)},
		awsfake.Event{Time: stoppedAt.Add(time.Millisecond), Message: "exit 1"})
	res := r.fetcher(t, config.Logs{LineBytes: 100}).Tail(context.Background(), withTask("checkout-api", 42, task, "app"))
	if res.Outcome != Fetched || len(res.Lines) != 2 || res.CutLines != 1 {
		t.Fatalf("%s %q: %q, cut %d", res.Outcome, res.Reason, res.Lines, res.CutLines)
	}
	if l := res.Lines[0]; len(l) > 100 || !utf8.ValidString(l) || !strings.HasSuffix(l, "…") || !strings.HasPrefix(l, "エラー: データベース") {
		t.Errorf("cut line %q (%d bytes)", l, len(l))
	}
}

func TestPick(t *testing.T) {
	defs := []container{
		{name: "app", essential: true}, {name: "log-router", essential: true}, {name: "xray", essential: false},
	}
	tests := []struct {
		name    string
		stopped []alert.Container
		want    string
	}{
		{"essential non-zero", []alert.Container{{Name: "log-router", ExitCode: exit(0)}, {Name: "app", ExitCode: exit(1)}}, "app"},
		{"sidecar failed, app sent SIGTERM", []alert.Container{{Name: "app", ExitCode: exit(143)}, {Name: "xray", ExitCode: exit(2)}}, "xray"},
		{"essential before sidecar", []alert.Container{{Name: "xray", ExitCode: exit(1)}, {Name: "log-router", ExitCode: exit(139)}}, "log-router"},
		{"OOM kill", []alert.Container{{Name: "app", ExitCode: exit(137), Reason: "OutOfMemoryError: Container killed due to memory usage"}, {Name: "log-router", ExitCode: exit(143)}}, "app"},
		{"exited 0", []alert.Container{{Name: "xray", Reason: "stopped"}, {Name: "log-router", ExitCode: exit(0)}}, "log-router"},
		{"reason only", []alert.Container{{Name: "xray", Reason: "CannotStartContainerError"}}, "xray"},
		{"ECS-added containers passed over", []alert.Container{{Name: "~internal~ecs~pause", ExitCode: exit(1)}}, "app"},
		{"no details", nil, "app"},
	}
	for _, tt := range tests {
		if got, ok := pick(tt.stopped, defs); !ok || got.name != tt.want {
			t.Errorf("%s: picked %q, want %q", tt.name, got.name, tt.want)
		}
	}
	if got, ok := pick(nil, []container{{name: "only", essential: false}}); !ok || got.name != "only" {
		t.Errorf("no essential: %q", got.name)
	}
	if _, ok := pick(nil, nil); ok {
		t.Errorf("picked from no containers")
	}
}

// stuckLogs never answers and ignores its context: Tail must still return at the budget.
type stuckLogs struct{ release chan struct{} }

func (s stuckLogs) GetLogEvents(context.Context, *cloudwatchlogs.GetLogEventsInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.GetLogEventsOutput, error) {
	<-s.release
	return &cloudwatchlogs.GetLogEventsOutput{}, nil
}

type stuckECS struct{ release chan struct{} }

func (s stuckECS) DescribeTaskDefinition(context.Context, *ecs.DescribeTaskDefinitionInput, ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error) {
	<-s.release
	return nil, errors.New("released")
}

type panicky struct{}

func (panicky) GetLogEvents(context.Context, *cloudwatchlogs.GetLogEventsInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.GetLogEventsOutput, error) {
	panic("boom")
}

func (panicky) DescribeTaskDefinition(context.Context, *ecs.DescribeTaskDefinitionInput, ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error) {
	panic("boom")
}

func TestClientsThatIgnoreTheirContext(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	r := newRig(t)
	opts := config.Logs{Budget: config.Duration(50 * time.Millisecond)}

	f, err := New(r.ecs.Client(), stuckLogs{release}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.containers(context.Background(), stopped().Identity); err != nil {
		t.Fatal(err)
	}
	if res := f.Tail(context.Background(), stopped()); res.Outcome != TimedOut || res.LogStream == "" {
		t.Errorf("stuck Logs: %s %q", res.Outcome, res.Reason)
	}
	f, _ = New(stuckECS{release}, r.logs.Client(), opts)
	if res := f.Tail(context.Background(), stopped()); res.Outcome != TimedOut {
		t.Errorf("stuck ECS: %s %q", res.Outcome, res.Reason)
	}
}

func TestPanickingClients(t *testing.T) {
	r := newRig(t)
	generous := config.Logs{Budget: config.Duration(10 * time.Second)}
	f, _ := New(panicky{}, r.logs.Client(), generous)
	if res := f.Tail(context.Background(), stopped()); res.Outcome != Failed || !strings.Contains(res.Err.Error(), "panic: boom") {
		t.Errorf("panicking ECS: %s %q %v", res.Outcome, res.Reason, res.Err)
	}
	f, _ = New(r.ecs.Client(), panicky{}, generous)
	if res := f.Tail(context.Background(), stopped()); res.Outcome != Failed || !strings.Contains(res.Err.Error(), "panic: boom") {
		t.Errorf("panicking Logs: %s %q %v", res.Outcome, res.Reason, res.Err)
	}
}

// The caller's own deadline (the invocation's) ends a tail too, and the reason says whose.
func TestCallerContextEnded(t *testing.T) {
	r := newRig(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res := r.fetcher(t, config.Logs{}).Tail(ctx, stopped())
	if res.Outcome != TimedOut || !strings.Contains(res.Reason, "the caller ran out of time") {
		t.Errorf("%s %q", res.Outcome, res.Reason)
	}
}

func TestOptionsValidate(t *testing.T) {
	if _, err := New(panicky{}, panicky{}, config.Logs{}); err != nil {
		t.Errorf("zero options: %v", err)
	}
	_, err := New(panicky{}, panicky{}, config.Logs{
		Lines: 500, LineBytes: 10, Budget: config.Duration(time.Minute), CacheSize: -1,
		LogGroupPrefixes: []string{"/ecs/", "/ecs/*", ""}, Redact: []string{`ok-\d+`, `(unclosed`, `x*`},
	})
	if err == nil {
		t.Fatal("want errors")
	}
	for _, want := range []string{
		"logtail: lines: must be between 1 and 100",
		"logtail: lineBytes: must be between 64 and 8192",
		"logtail: budget: must be positive and at most 10s",
		"logtail: cacheSize:",
		`logtail: logGroupPrefixes[1]: "/ecs/*" is not a log group name prefix`,
		`logtail: logGroupPrefixes[2]: "" is not`,
		"logtail: redact[1]: error parsing regexp: missing closing ): `(unclosed`",
		`logtail: redact[2]: "x*" matches the empty string`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("errors lack %q:\n%v", want, err)
		}
	}
	if _, err := New(panicky{}, panicky{}, config.Logs{Redact: []string{`x*`}}); err == nil || !strings.Contains(err.Error(), "redact[0]") {
		t.Errorf("New with an empty-matching pattern: %v", err)
	}
}

func TestDefaults(t *testing.T) {
	f, err := New(panicky{}, panicky{}, config.Logs{})
	if err != nil {
		t.Fatal(err)
	}
	if d := f.Options(); d.Lines != 20 || d.LineBytes != 512 || time.Duration(d.Budget) != 1500*time.Millisecond || d.CacheSize != 256 {
		t.Errorf("defaults %+v", d)
	}
}
