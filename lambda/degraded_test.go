package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/internal/awsfake"
	"github.com/foghornhq/foghorn/lambda/internal/chatfake"
	"github.com/foghornhq/foghorn/lambda/internal/dynamofake"
)

// Cold starts with a bad config: one broken destination, an invalid document with and
// without a last good one in the state table, a webhook URL where a parameter name belongs.
// Each runs the real bootstrap against the fakes of every AWS service it calls (SSM, DynamoDB,
// SNS) and the fake chat services.

const (
	opsTopicARN = "arn:aws:sns:us-east-1:123456789012:foghorn-test-watchdog-1a2b3c4"
	configParam = "/foghorn/test/config"
	stateTable  = "foghorn-test-state"
	// badHook is a webhook without its scheme: of the wrong shape, and a secret all the same.
	badHook   = "hooks.slack.com/services/TFAKE/BFAKE/fake-secret-for-tests"
	secretBit = "fake-secret-for-tests"
)

// fleet is the fakes a function's containers share.
type fleet struct {
	t      *testing.T
	bin    string
	chat   *chatfake.Server
	params *awsfake.SSM // changed between cold starts
	ssmURL string
	table  *dynamofake.Server
	sns    *awsfake.SNS
}

func newFleet(t *testing.T) *fleet {
	f := &fleet{t: t, bin: buildBootstrap(t), chat: chatfake.New(chatfake.Options{}),
		params: ssmFake(t, nil), table: dynamofake.Start(dynamofake.Options{Table: stateTable}), sns: awsfake.NewSNS(opsTopicARN)}
	t.Cleanup(f.chat.Close)
	t.Cleanup(f.table.Close)
	t.Cleanup(f.sns.Close)
	f.ssmURL = f.params.URL()
	return f
}

// coldStart runs one container on the events and returns its answers (by request id:
// "req-1", …) and its output. A container that exits during init answers nothing.
func (f *fleet) coldStart(events ...[]byte) (answers map[string][]byte, logs string, exited error) {
	f.t.Helper()
	api := newRuntimeAPI(events...)
	rt := serve(f.t, api)
	b := startBootstrap(f.t, f.bin, strings.TrimPrefix(rt.URL, "http://"), f.ssmURL, configParam,
		"FOGHORN_STATE_TABLE="+stateTable,
		"FOGHORN_OPS_TOPIC_ARN="+opsTopicARN,
		"AWS_ENDPOINT_URL_DYNAMODB="+f.table.URL,
		"AWS_ENDPOINT_URL_SNS="+f.sns.URL(),
	)
	for range events {
		select {
		case <-api.done:
		case <-time.After(60 * time.Second):
			f.t.Fatalf("the function did not answer; logs:\n%s", b.stop())
		case err := <-b.done:
			b.done <- err
			return nil, b.stop(), err
		}
	}
	logs = b.stop()
	api.mu.Lock()
	defer api.mu.Unlock()
	if len(api.errors) > 0 {
		f.t.Errorf("invocation errors %q", api.errors)
	}
	return api.responses, logs, nil
}

// failures reads the records an answer hands back to the queue.
func failures(t *testing.T, resp []byte) []string {
	t.Helper()
	var out struct {
		BatchItemFailures []struct{ ItemIdentifier string } `json:"batchItemFailures"`
	}
	if err := json.Unmarshal(resp, &out); err != nil || out.BatchItemFailures == nil {
		t.Fatalf("%s is not a partial batch response: %v", resp, err)
	}
	var ids []string
	for _, f := range out.BatchItemFailures {
		ids = append(ids, f.ItemIdentifier)
	}
	return ids
}

// posts lists the headers of the messages each webhook received.
func (f *fleet) posts() map[string][]string {
	out := map[string][]string{}
	for _, r := range f.chat.Requests() {
		var msg struct {
			Attachments []struct {
				Blocks []struct{ Text struct{ Text string } }
			}
		}
		json.Unmarshal(r.Body, &msg)
		dest := r.Key[strings.LastIndexByte(r.Key, '/')+1:]
		title := ""
		if len(msg.Attachments) > 0 && len(msg.Attachments[0].Blocks) > 0 {
			title = msg.Attachments[0].Blocks[0].Text.Text
		}
		out[dest] = append(out[dest], title)
	}
	return out
}

// noLeak checks that none of secrets reached the logs, chat or the ops topic.
func (f *fleet) noLeak(logs string, secrets ...string) {
	f.t.Helper()
	for _, s := range secrets {
		if strings.Contains(logs, s) {
			f.t.Errorf("the logs hold %q:\n%s", s, logs)
		}
		for _, r := range f.chat.Requests() {
			if strings.Contains(string(r.Body), s) {
				f.t.Errorf("a chat post holds %q", s)
			}
		}
		for _, p := range f.sns.Published() {
			if strings.Contains(p.Subject+p.Message, s) {
				f.t.Errorf("the ops topic got %q", s)
			}
		}
	}
	for _, p := range f.sns.Problems() {
		f.t.Errorf("a publish SNS would refuse: %s", p)
	}
}

// twoDestinations sends deployments to team, the rest to ops.
const twoDestinations = `{"version":1,"environment":"test","destinations":[
	{"name":"ops","target":"slack","secretParam":"/foghorn/test/ops"},
	{"name":"team","target":"slack","secretParam":"/foghorn/test/team"}],
	"routes":[{"name":"deployments","match":{"kind":["deployment"]},"destinations":["team"]}],"default":["ops"]}`

// TestColdStartWithABrokenDestination: team's secret has the wrong shape. Every container
// starts; ops gets its alerts, team's records go back to the queue; ops and the ops topic are
// told which destination is broken and why, once for three containers; the secret is nowhere.
func TestColdStartWithABrokenDestination(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the bootstrap binary")
	}
	f := newFleet(t)
	f.params.Set(configParam, twoDestinations)
	f.params.Set("/foghorn/test/ops", f.chat.SlackWebhookURL("ops"))
	f.params.Set("/foghorn/test/team", badHook)
	batch := sqsBatch(t, map[string][]byte{
		"msg-oom":    mustRead(t, "testdata/aws-derived/ecs-task-state-change-stopped-oom.json"),
		"msg-deploy": mustRead(t, "testdata/aws/ecs-deployment-state-change-failed-circuit-breaker.json"),
	})
	var allLogs strings.Builder
	for i := 0; i < 3; i++ {
		answers, logs, exited := f.coldStart(batch)
		allLogs.WriteString(logs)
		if exited != nil {
			t.Fatalf("container %d exited (%v):\n%s", i+1, exited, logs)
		}
		want := "msg-deploy"
		if i == 0 && strings.Join(failures(t, answers["req-1"]), ",") != want {
			t.Errorf("container 1 handed back %v, want %s (the deployment, meant for team only)", failures(t, answers["req-1"]), want)
		}
		if got := failures(t, answers["req-1"]); i > 0 && strings.Join(got, ",") != want {
			t.Errorf("container %d handed back %v, want %s", i+1, got, want)
		}
	}
	logs := allLogs.String()
	ops := f.posts()["ops"]
	if len(ops) != 2 || !strings.Contains(ops[0], "foghorn test: destination team cannot be posted to") || !strings.Contains(ops[1], "checkout-api") {
		t.Errorf("ops got %q; want the problem once, then the alert once", ops)
	}
	if team := f.posts()["team"]; len(team) != 0 {
		t.Errorf("team got %q", team)
	}
	pub := f.sns.Published()
	if len(pub) != 1 || !strings.Contains(pub[0].Message, `parameter "/foghorn/test/team": does not hold a Slack webhook URL`) {
		t.Errorf("the ops topic got %+v; want the problem once, naming the parameter and the shape", pub)
	}
	if !strings.Contains(logs, `"outcome":"broken_destination"`) {
		t.Errorf("the logs do not say the deployment's destination is broken:\n%s", logs)
	}
	f.noLeak(logs, secretBit)
}

// TestColdStartOnTheLastGoodDocument: a container starts on a valid document and keeps it in
// the state table; the document is then broken; the next container runs on the kept one,
// delivers, and says in the channel which keys are at fault, once.
func TestColdStartOnTheLastGoodDocument(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the bootstrap binary")
	}
	f := newFleet(t)
	good := `{"version":1,"environment":"test","destinations":[{"name":"ops","target":"slack","secretParam":"/foghorn/test/ops"}]}`
	f.params.Set(configParam, good)
	f.params.Set("/foghorn/test/ops", f.chat.SlackWebhookURL("ops"))
	oom := sqsBatch(t, map[string][]byte{"msg-1": mustRead(t, "testdata/aws-derived/ecs-task-state-change-stopped-oom.json")})
	if _, logs, exited := f.coldStart(oom); exited != nil || !strings.Contains(logs, "config document kept as the last that worked") {
		t.Fatalf("the first container (exit %v) did not keep its document:\n%s", exited, logs)
	}

	// A hand edit: a target nobody knows, and a route to a destination that does not exist.
	f.params.Set(configParam, `{"version":1,"environment":"test","destinations":[{"name":"ops","target":"pager","secretParam":"/foghorn/test/ops"}],
		"routes":[{"destinations":["oncall"]}],"default":["ops"]}`)
	failed := sqsBatch(t, map[string][]byte{"msg-2": mustRead(t, "testdata/aws/ecs-deployment-state-change-failed-circuit-breaker.json")})
	for i := 0; i < 2; i++ {
		answers, logs, exited := f.coldStart(failed)
		if exited != nil {
			t.Fatalf("container %d exited (%v) on an invalid document with a good one kept:\n%s", i+2, exited, logs)
		}
		if got := failures(t, answers["req-1"]); len(got) != 0 {
			t.Errorf("container %d handed back %v", i+2, got)
		}
		if !strings.Contains(logs, "running on the last one that worked") || !strings.Contains(logs, "destinations[0].target") {
			t.Errorf("container %d does not log the fallback and the key:\n%s", i+2, logs)
		}
	}
	ops := f.posts()["ops"]
	if len(ops) != 3 || !strings.Contains(ops[1], "foghorn test: running on the last config document that worked") {
		t.Fatalf("ops got %q; want the OOM, the fallback notice once, the deployment", ops)
	}
	notice := string(f.chat.Requests()[1].Body)
	for _, key := range []string{"destinations[0].target", "routes[0].destinations", configParam} {
		if !strings.Contains(notice, key) {
			t.Errorf("the notice does not name %s: %s", key, notice)
		}
	}
	if pub := f.sns.Published(); len(pub) != 1 || !strings.Contains(pub[0].Message, "destinations[0].target") {
		t.Errorf("the ops topic got %+v, want the fallback once", pub)
	}
}

// TestColdStartWithNoDocumentToRunOn: an invalid document and none kept: the function refuses
// to start, as before, with one log line naming the key; the ops topic hears it once, however
// many cold starts fail.
func TestColdStartWithNoDocumentToRunOn(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the bootstrap binary")
	}
	f := newFleet(t)
	f.params.Set(configParam, `{"version":1,"destinations":[{"name":"ops","target":"pager","secretParam":"/foghorn/test/ops"}]}`)
	for i := 0; i < 2; i++ {
		_, logs, exited := f.coldStart(sqsBatch(t, map[string][]byte{"msg-1": mustRead(t, "testdata/aws/ecs-deployment-state-change-failed-circuit-breaker.json")}))
		if exited == nil {
			t.Fatalf("container %d served on an invalid document with none kept:\n%s", i+1, logs)
		}
		lines := strings.Split(strings.TrimSpace(logs), "\n")
		var errs []string
		for _, l := range lines {
			if strings.Contains(l, `"level":"ERROR"`) {
				errs = append(errs, l)
			}
		}
		if len(errs) != 1 || !strings.Contains(errs[0], "foghorn cannot start") || !strings.Contains(errs[0], "destinations[0].target") ||
			!strings.Contains(errs[0], "no document that worked before is kept") {
			t.Errorf("container %d: error lines %q; want one naming the key and that none is kept", i+1, errs)
		}
	}
	if pub := f.sns.Published(); len(pub) != 1 || !strings.Contains(pub[0].Subject, "foghorn cannot start") {
		t.Errorf("the ops topic got %+v, want the refusal once", pub)
	}
	if n := len(f.chat.Requests()); n != 0 {
		t.Errorf("%d chat posts", n)
	}
}

// TestColdStartWithAURLAsParameterName: someone pastes the webhook URL where its parameter's
// name belongs. It is never sent to SSM, and appears in no log, chat message or ops message:
// with a document kept, the function runs on it; without, it refuses.
func TestColdStartWithAURLAsParameterName(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the bootstrap binary")
	}
	for _, kept := range []bool{true, false} {
		name := map[bool]string{true: "a document kept", false: "none kept"}[kept]
		t.Run(name, func(t *testing.T) {
			f := newFleet(t)
			hook := f.chat.SlackWebhookURL("ops")
			f.params.Set("/foghorn/test/ops", hook)
			oom := sqsBatch(t, map[string][]byte{"msg-1": mustRead(t, "testdata/aws-derived/ecs-task-state-change-stopped-oom.json")})
			if kept {
				f.params.Set(configParam, `{"version":1,"destinations":[{"name":"ops","target":"slack","secretParam":"/foghorn/test/ops"}]}`)
				if _, logs, exited := f.coldStart(oom); exited != nil {
					t.Fatalf("exited: %v\n%s", exited, logs)
				}
			}
			f.params.Set(configParam, `{"version":1,"destinations":[{"name":"ops","target":"slack","secretParam":"`+hook+`"}]}`)
			answers, logs, exited := f.coldStart(oom)
			switch {
			case kept && exited != nil:
				t.Fatalf("exited with a good document kept: %v\n%s", exited, logs)
			case kept && len(failures(t, answers["req-1"])) != 0:
				t.Errorf("records handed back: %s", answers["req-1"])
			case !kept && exited == nil:
				t.Fatalf("served with no document to run on:\n%s", logs)
			}
			if !strings.Contains(logs, "destinations[0].secretParam") || !strings.Contains(logs, "is not an SSM parameter name") {
				t.Errorf("the logs do not name the key at fault:\n%s", logs)
			}
			for _, asked := range f.params.Asked() {
				if strings.Contains(asked, "://") {
					t.Errorf("SSM was asked for %q", asked)
				}
			}
			f.noLeak(logs, hook, "/services/TFAKE/BFAKE/ops")
		})
	}
}
