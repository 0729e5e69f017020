package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/demo"
	"github.com/foghornhq/foghorn/lambda/envelope"
	"github.com/foghornhq/foghorn/lambda/internal/awsfake"
	"github.com/foghornhq/foghorn/lambda/internal/chatfake"
	"github.com/foghornhq/foghorn/lambda/internal/dynamofake"
)

// runtimeAPI is a small fake of the Lambda Runtime API: it hands out queued events on
// /next and records what the function answers.
type runtimeAPI struct {
	mu        sync.Mutex
	events    [][]byte
	responses map[string][]byte
	errors    map[string][]byte
	initErr   []byte
	done      chan string
}

func newRuntimeAPI(events ...[]byte) *runtimeAPI {
	return &runtimeAPI{events: events, responses: map[string][]byte{}, errors: map[string][]byte{}, done: make(chan string, len(events)+1)}
}

func (f *runtimeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	const base = "/2018-06-01/runtime/"
	path := strings.TrimPrefix(r.URL.Path, base)
	body, _ := io.ReadAll(r.Body)
	switch {
	case r.Method == http.MethodGet && path == "invocation/next":
		f.mu.Lock()
		if len(f.events) == 0 {
			f.mu.Unlock()
			// No more work: hold the poll open as the real API does until the test ends.
			<-r.Context().Done()
			return
		}
		ev := f.events[0]
		f.events = f.events[1:]
		id := fmt.Sprintf("req-%d", len(f.responses)+len(f.errors)+1)
		f.mu.Unlock()
		w.Header().Set("Lambda-Runtime-Aws-Request-Id", id)
		w.Header().Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(time.Now().Add(30*time.Second).UnixMilli(), 10))
		w.Header().Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:foghorn-test")
		w.Header().Set("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000")
		w.Write(ev)
	case r.Method == http.MethodPost && strings.HasSuffix(path, "/response"):
		id := strings.TrimSuffix(strings.TrimPrefix(path, "invocation/"), "/response")
		f.mu.Lock()
		f.responses[id] = body
		f.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
		f.done <- id
	case r.Method == http.MethodPost && strings.HasSuffix(path, "/error"):
		id := strings.TrimSuffix(strings.TrimPrefix(path, "invocation/"), "/error")
		f.mu.Lock()
		if path == "init/error" {
			f.initErr = body
		} else {
			f.errors[id] = body
		}
		f.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
		f.done <- id
	default:
		http.NotFound(w, r)
	}
}

// ssmFake is the SSM fake holding params. It closes at the end of the test, after the
// bootstrap process (started later) is gone, and the test fails on any call it would refuse.
func ssmFake(t testing.TB, params map[string]string) *awsfake.SSM {
	f := awsfake.NewSSM(params)
	t.Cleanup(func() {
		for _, p := range f.Problems() {
			t.Errorf("SSM fake: %s", p)
		}
		f.Close()
	})
	return f
}

func buildBootstrap(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "bootstrap")
	cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build bootstrap: %v\n%s", err, out)
	}
	return bin
}

// bootstrap is the notifier binary running against the fakes. Its output is copied by
// exec's goroutines, so it is read only after stop (or exit) has waited for them.
type bootstrap struct {
	cmd  *exec.Cmd
	logs *bytes.Buffer
	done chan error
}

func startBootstrap(t *testing.T, bin, runtimeAddr, ssmURL, configParam string, env ...string) *bootstrap {
	t.Helper()
	b := &bootstrap{logs: &bytes.Buffer{}, done: make(chan error, 1)}
	b.cmd = exec.Command(bin)
	b.cmd.Env = []string{
		"AWS_LAMBDA_RUNTIME_API=" + runtimeAddr,
		"AWS_LAMBDA_FUNCTION_NAME=foghorn-test",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128",
		"AWS_REGION=us-east-1",
		"AWS_ACCESS_KEY_ID=AKIDFAKEFORTESTS",
		"AWS_SECRET_ACCESS_KEY=fake-secret-key",
		"AWS_ENDPOINT_URL_SSM=" + ssmURL,
		"FOGHORN_CONFIG_PARAM=" + configParam,
	}
	b.cmd.Env = append(b.cmd.Env, env...)
	b.cmd.Stdout = b.logs
	b.cmd.Stderr = b.logs
	if err := b.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { b.done <- b.cmd.Wait() }()
	// Cleanups run last-in first-out: the process goes before the servers it polls.
	t.Cleanup(func() { b.stop() })
	return b
}

// stop kills the process (if still running) and returns its output.
func (b *bootstrap) stop() string {
	select {
	case err := <-b.done:
		b.done <- err
	default:
		b.cmd.Process.Kill()
		err := <-b.done
		b.done <- err
	}
	return b.logs.String()
}

// wait returns the process's exit error, or false if it is still running after d.
func (b *bootstrap) wait(d time.Duration) (error, bool) {
	select {
	case err := <-b.done:
		b.done <- err
		return err, true
	case <-time.After(d):
		return nil, false
	}
}

// serve starts an httptest server closed at the end of the test, after the bootstrap
// process (registered later) is gone.
func serve(t testing.TB, h http.Handler) *httptest.Server {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// invoke runs the bootstrap on one event and returns the runtime API's record of the answer
// and the process's output.
func invoke(t *testing.T, doc, hook string, event []byte) (response []byte, logs string) {
	t.Helper()
	ssm := ssmFake(t, map[string]string{"/foghorn/test/config": doc, "/foghorn/test/webhook": hook})
	api := newRuntimeAPI(event)
	rt := serve(t, api)
	b := startBootstrap(t, buildBootstrap(t), strings.TrimPrefix(rt.URL, "http://"), ssm.URL(), "/foghorn/test/config")
	select {
	case <-api.done:
	case <-time.After(60 * time.Second):
		t.Fatalf("no answer from the function; logs:\n%s", b.stop())
	}
	logs = b.stop()
	api.mu.Lock()
	defer api.mu.Unlock()
	resp, ok := api.responses["req-1"]
	if !ok {
		t.Fatalf("the function did not answer with a response; errors %q; logs:\n%s", api.errors, logs)
	}
	return resp, logs
}

// opsDoc is a configuration of one destination, ops: a Slack webhook read from
// /foghorn/test/webhook.
const opsDoc = `{"version":1,"destinations":[{"name":"ops","target":"slack","secretParam":"/foghorn/test/webhook"}]}`

// slackOps is a fake chat server, closed at the end of the test, and its Slack webhook for ops.
func slackOps(t *testing.T) (*chatfake.Server, string) {
	chat := chatfake.New(chatfake.Options{})
	t.Cleanup(chat.Close)
	return chat, chat.SlackWebhookURL("ops")
}

func TestBootstrapServesAnSQSBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the bootstrap binary")
	}
	chat, hook := slackOps(t)
	doc := `{"version":1,"environment":"test","destinations":[{"name":"ops","target":"slack","secretParam":"/foghorn/test/webhook"}]}`
	batch := sqsBatch(t, map[string][]byte{
		"msg-alert": mustRead(t, "testdata/aws-derived/ecs-task-state-change-stopped-essential-container-exited-1.json"),
		"msg-noise": mustRead(t, "testdata/aws/ecs-service-action-service-steady-state.json"),
	})
	resp, logs := invoke(t, doc, hook, batch)
	var out struct {
		BatchItemFailures []struct{ ItemIdentifier string } `json:"batchItemFailures"`
	}
	if err := json.Unmarshal(resp, &out); err != nil || out.BatchItemFailures == nil {
		t.Fatalf("response %s is not a partial batch response: %v", resp, err)
	}
	if len(out.BatchItemFailures) != 0 {
		t.Errorf("failures = %v, want none", out.BatchItemFailures)
	}
	if got := len(chat.Requests()); got != 1 {
		t.Errorf("chat received %d posts, want 1 (the steady state is noise)", got)
	}
	for _, want := range []string{`"outcome":"delivered"`, `"rule":"steady-state"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %s:\n%s", want, logs)
		}
	}
	if strings.Contains(logs, hook) || strings.Contains(logs, "/services/") {
		t.Errorf("logs leak the webhook URL:\n%s", logs)
	}
}

// TestBootstrapFiveRecordBatch: three failures, a steady state and a fourth failure of one
// service in one batch once panicked the story stage, killing the process and failing the
// whole batch. The function answers with no failures and tells all three messages.
func TestBootstrapFiveRecordBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the bootstrap binary")
	}
	chat, hook := slackOps(t)
	resp, logs := invoke(t, opsDoc, hook, mustRead(t, "testdata/batches/crash-loop-steady-then-failure.json"))
	if !strings.Contains(string(resp), `"batchItemFailures":[]`) {
		t.Errorf("response %s, want no failures", resp)
	}
	if got := len(chat.Requests()); got != 3 {
		t.Errorf("chat received %d posts, want 3 (announcement, recovery, the new failure)", got)
	}
	if strings.Contains(logs, "panic") {
		t.Errorf("the function panicked:\n%s", logs)
	}
}

func TestBootstrapReportsFailedRecords(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the bootstrap binary")
	}
	chat, hook := slackOps(t)
	chat.SetState(strings.TrimPrefix(hook, chat.URL()), chatfake.Archived)
	batch := sqsBatch(t, map[string][]byte{"msg-1": mustRead(t, "testdata/aws/ecs-deployment-state-change-failed-circuit-breaker.json")})
	resp, logs := invoke(t, opsDoc, hook, batch)
	if !strings.Contains(string(resp), `"itemIdentifier":"msg-1"`) {
		t.Errorf("response %s does not return msg-1 to the queue", resp)
	}
	if !strings.Contains(logs, `"outcome":"gone"`) {
		t.Errorf("logs do not record the dead destination:\n%s", logs)
	}
	if strings.Contains(logs, hook) {
		t.Errorf("logs leak the webhook URL:\n%s", logs)
	}
}

func TestBootstrapRefusesABadConfig(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the bootstrap binary")
	}
	hook := "https://hooks.slack.example/services/TFAKE/BFAKE/fake-secret-for-tests"
	doc := `{"version":1,"destinations":[{"name":"ops","target":"pager","secretParam":"/foghorn/test/webhook"}]}`
	ssm := ssmFake(t, map[string]string{"/foghorn/test/config": doc, "/foghorn/test/webhook": hook})
	rt := serve(t, newRuntimeAPI())
	b := startBootstrap(t, buildBootstrap(t), strings.TrimPrefix(rt.URL, "http://"), ssm.URL(), "/foghorn/test/config")
	err, exited := b.wait(60 * time.Second)
	if !exited {
		t.Fatal("the function did not exit on an invalid config")
	}
	if err == nil {
		t.Fatal("the function exited cleanly on an invalid config")
	}
	logs := b.stop()
	if !strings.Contains(logs, `destinations[0].target`) {
		t.Errorf("the log does not name the bad key:\n%s", logs)
	}
	if strings.Contains(logs, "fake-secret-for-tests") {
		t.Errorf("the log leaks the webhook:\n%s", logs)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sqsBatch wraps EventBridge events as the production path delivers them: each event is the
// Message of an SNS notification, which is the body of an SQS message.
func sqsBatch(t *testing.T, bodies map[string][]byte) []byte {
	t.Helper()
	var recs []map[string]any
	for id, ev := range bodies {
		var compact bytes.Buffer
		json.Compact(&compact, ev)
		sns, _ := json.Marshal(map[string]string{
			"Type": "Notification", "MessageId": "sns-" + id, "TopicArn": "arn:aws:sns:us-east-1:123456789012:foghorn-test",
			"Message": compact.String(), "Timestamp": "2026-11-24T00:00:00.000Z",
		})
		recs = append(recs, map[string]any{
			"messageId": id, "receiptHandle": "fake-handle", "body": string(sns), "eventSource": "aws:sqs",
			"eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:foghorn-test", "awsRegion": "us-east-1",
			"attributes": map[string]string{"ApproximateReceiveCount": "1"},
		})
	}
	b, _ := json.Marshal(map[string]any{"Records": recs})
	return b
}

// TestBootstrapTellsACrashLoop runs the shipped incident's bad deployment through the real
// binary with every AWS service it calls faked: SSM for its config, DynamoDB for the story,
// ECS for the task definition and the deployments, CloudWatch Logs for the log tail. Three
// invocations (the deployment and its failing tasks; the failure and the rollback; the
// rollback completing) come out as four messages that tell the whole story.
func TestBootstrapTellsACrashLoop(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the bootstrap binary")
	}
	inc, err := demo.Load()
	if err != nil {
		t.Fatal(err)
	}
	// The incident's ECS and CloudWatch events; its log lines are another test's.
	var steps []demo.Step
	for _, st := range inc.Steps {
		if len(st.Events) > 0 {
			steps = append(steps, st)
		}
	}
	chat, hook := slackOps(t)
	table := dynamofake.Start(dynamofake.Options{Table: "foghorn-test-state"})
	t.Cleanup(table.Close)
	ecsFake, logsFake := awsfake.NewECS(), awsfake.NewLogs()
	t.Cleanup(ecsFake.Close)
	t.Cleanup(logsFake.Close)
	var taskIDs []string
	for _, ev := range steps[1].Events {
		var e struct {
			Detail struct{ TaskArn, LastStatus, StoppedAt string }
		}
		json.Unmarshal(ev, &e)
		if e.Detail.LastStatus != "STOPPED" {
			continue
		}
		id := e.Detail.TaskArn[strings.LastIndex(e.Detail.TaskArn, "/")+1:]
		at, _ := time.Parse(time.RFC3339Nano, e.Detail.StoppedAt)
		awsfake.AddCheckoutCrash(ecsFake, logsFake, id, at)
		taskIDs = append(taskIDs, id)
	}
	ecsFake.SetService(awsfake.Service{Cluster: "prod", Name: "checkout-api", Deployments: []awsfake.Deployment{
		{ID: "ecs-svc/9204318811052734410", Status: "PRIMARY", TaskDefinition: "checkout-api:41"},
		{ID: "ecs-svc/4718350946203817256", Status: "ACTIVE", TaskDefinition: "checkout-api:42"},
	}})

	doc := `{"version":1,"environment":"prod","destinations":[{"name":"ops","target":"slack","secretParam":"/foghorn/test/webhook"}],
		"logs":{"enabled":true,"logGroupPrefixes":["/ecs/"],"budget":"10s"}}`
	ssm := ssmFake(t, map[string]string{"/foghorn/test/config": doc, "/foghorn/test/webhook": hook})
	var batches [][]byte
	for _, group := range [][]demo.Step{steps[0:2], steps[2:3], steps[3:4]} {
		var evs []json.RawMessage
		for _, st := range group {
			evs = append(evs, st.Events...)
		}
		b, err := envelope.SQSBatch(evs)
		if err != nil {
			t.Fatal(err)
		}
		batches = append(batches, b)
	}
	api := newRuntimeAPI(batches...)
	rt := serve(t, api)
	b := startBootstrap(t, buildBootstrap(t), strings.TrimPrefix(rt.URL, "http://"), ssm.URL(), "/foghorn/test/config",
		"FOGHORN_STATE_TABLE=foghorn-test-state",
		"AWS_ENDPOINT_URL_DYNAMODB="+table.URL,
		"AWS_ENDPOINT_URL_ECS="+ecsFake.URL(),
		"AWS_ENDPOINT_URL_CLOUDWATCH_LOGS="+logsFake.URL(),
	)
	for range batches {
		select {
		case <-api.done:
		case <-time.After(60 * time.Second):
			t.Fatalf("the function did not answer; logs:\n%s", b.stop())
		}
	}
	logs := b.stop()
	api.mu.Lock()
	for id, resp := range api.responses {
		if !strings.Contains(string(resp), `"batchItemFailures":[]`) {
			t.Errorf("%s answered %s, want no failures", id, resp)
		}
	}
	api.mu.Unlock()

	var titles []string
	var bodies []string
	for _, r := range chat.Requests() {
		var msg struct {
			Attachments []struct {
				Blocks []struct {
					Type string
					Text struct{ Text string }
				}
			}
		}
		json.Unmarshal(r.Body, &msg)
		if len(msg.Attachments) > 0 && len(msg.Attachments[0].Blocks) > 0 {
			titles = append(titles, msg.Attachments[0].Blocks[0].Text.Text)
		}
		bodies = append(bodies, string(r.Body))
	}
	want := []string{
		"checkout-api: deployment ecs-svc/4718350946203817256 started",
		"checkout-api: deployment ecs-svc/4718350946203817256 of checkout-api:42 is failing: 5 tasks failed",
		"checkout-api: deployment ecs-svc/4718350946203817256 of checkout-api:42 failed; rolling back to checkout-api:41",
		"checkout-api: rolled back to checkout-api:41; steady again",
	}
	if len(titles) != len(want) {
		t.Fatalf("the channel got %d messages, want %d:\n%s\nlogs:\n%s", len(titles), len(want), strings.Join(titles, "\n"), logs)
	}
	for i, w := range want {
		if !strings.Contains(titles[i], w) {
			t.Errorf("message %d = %q, want %q", i+1, titles[i], w)
		}
	}
	crash := bodies[1]
	for _, w := range []string{"ConfigError: missing required env DATABASE_URL", "exit 1 ×5", "redis://checkout:***@"} {
		if !strings.Contains(crash, w) {
			t.Errorf("the crash-loop message lacks %q", w)
		}
	}
	if strings.Contains(crash, "example-redis-password") {
		t.Error("the log tail leaks a password")
	}
	if n := len(logsFake.Requests()); n == 0 {
		t.Error("the log tail never called GetLogEvents")
	}
	var puts int
	for _, r := range table.Requests() {
		if r.Op == "PutItem" && strings.HasPrefix(r.Key, "story#") {
			puts++
		}
	}
	if puts == 0 {
		t.Error("the story was never written to DynamoDB")
	}
	for _, p := range append(ecsFake.Problems(), logsFake.Problems()...) {
		t.Errorf("a request the real service would refuse: %s", p)
	}
	if strings.Contains(logs, hook) {
		t.Error("logs leak the webhook URL")
	}
	// Every event has its line: the four failures folded into the announcement too.
	if n := strings.Count(logs, `"outcome":"folded"`); n < 4 {
		t.Errorf("%d folded events logged, want at least 4:\n%s", n, logs)
	}
}

// TestBootstrapIntakeMode: the same binary with FOGHORN_MODE=intake takes a CloudWatch Logs
// delivery, needs no config parameter, and puts the decoded batch on the queue, which the
// fake SQS (speaking SQS's JSON protocol) receives.
func TestBootstrapIntakeMode(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the bootstrap binary")
	}
	const queue = "https://sqs.us-east-1.amazonaws.com/123456789012/foghorn-queue"
	fake := awsfake.NewSQS(queue)
	t.Cleanup(fake.Close)
	api := newRuntimeAPI(mustRead(t, "testdata/logs/lambda-cloudwatch-logs-event-awslogs.json"))
	rt := serve(t, api)
	b := startBootstrap(t, buildBootstrap(t), strings.TrimPrefix(rt.URL, "http://"), "http://127.0.0.1:1", "",
		"FOGHORN_MODE=intake", "FOGHORN_QUEUE_URL="+queue, "AWS_ENDPOINT_URL_SQS="+fake.URL())
	select {
	case <-api.done:
	case <-time.After(60 * time.Second):
		t.Fatalf("no answer from the intake; logs:\n%s", b.stop())
	}
	logs := b.stop()
	if len(api.errors) != 0 || api.initErr != nil {
		t.Fatalf("errors %q %s; logs:\n%s", api.errors, api.initErr, logs)
	}
	msgs := fake.Messages()
	if len(msgs) != 1 || !strings.Contains(msgs[0].Body, `"logGroup":"testLogGroup"`) || msgs[0].Region != "us-east-1" {
		t.Fatalf("queued %+v; logs:\n%s", msgs, logs)
	}
	for _, p := range fake.Problems() {
		t.Error(p)
	}
}
