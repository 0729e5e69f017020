package notifier

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/chat/deliver"
	"github.com/foghornhq/foghorn/lambda/clock"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/internal/awsfake"
	"github.com/foghornhq/foghorn/lambda/internal/chatfake"
	"github.com/foghornhq/foghorn/lambda/ops"
	"github.com/foghornhq/foghorn/lambda/state"
)

// A webhook of the wrong shape (no scheme): what a secret pasted without its https:// looks
// like. It must never reach chat, the ops topic or the logs.
const (
	badSecret  = "hooks.slack.com/services/TFAKE/BFAKE/fake-secret-for-tests"
	opsTopic   = "arn:aws:sns:us-east-1:111122223333:foghorn-prod-watchdog-1a2b3c4"
	secretPart = "fake-secret-for-tests"
)

// degradedRig is a fleet of notifier containers sharing one state table, with destinations
// "ops" and "team" on the fake Slack and the ops topic on the fake SNS. Deployments go to
// team, the rest to ops. Secrets come from params, which the test may change.
type degradedRig struct {
	t      *testing.T
	chat   *chatfake.Server
	sns    *awsfake.SNS
	clock  *clock.Fake
	store  state.Store
	logs   bytes.Buffer
	mu     sync.Mutex
	params map[string]string
	doc    *config.Document
}

func newDegradedRig(t *testing.T) *degradedRig {
	r := &degradedRig{t: t, chat: chatfake.New(chatfake.Options{}), sns: awsfake.NewSNS(opsTopic), clock: clock.NewFake(processed)}
	t.Cleanup(r.chat.Close)
	t.Cleanup(r.sns.Close)
	r.store = state.NewMemory(r.clock)
	r.params = map[string]string{"/test/ops": r.chat.SlackWebhookURL("ops"), "/test/team": badSecret}
	r.doc = &config.Document{
		Version: 1, Environment: "prod",
		Destinations: []config.Destination{
			{Name: "ops", Target: "slack", SecretParam: "/test/ops"},
			{Name: "team", Target: "slack", SecretParam: "/test/team"},
		},
		Routes:  []config.Route{{Name: "deployments", Match: config.Match{Kind: []string{"deployment"}}, Destinations: []string{"team"}}},
		Default: []string{"ops"},
	}
	return r
}

func (r *degradedRig) secret(_ context.Context, name string) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.params[name], nil
}

// container is a cold start: a new notifier on the shared table.
func (r *degradedRig) container(opts ...Option) *Notifier {
	r.t.Helper()
	client := &deliver.Client{Sleep: func(context.Context, time.Duration) error { return nil }, MaxAttempts: 1}
	log := slog.New(slog.NewJSONHandler(&r.logs, nil))
	opts = append([]Option{WithClock(r.clock), WithState(r.store), WithLogger(log), WithOps(ops.Topic{API: r.sns.Client(), ARN: opsTopic})}, opts...)
	n, err := FromDocument(context.Background(), r.doc, r.secret, client, opts...)
	if err != nil {
		r.t.Fatal(err)
	}
	return n
}

// handle runs one SQS batch and returns the records handed back.
func (r *degradedRig) handle(n *Notifier, files ...string) []string {
	r.t.Helper()
	var bodies []json.RawMessage
	var ids []string
	for i, f := range files {
		bodies = append(bodies, read(r.t, f))
		ids = append(ids, "msg-"+string(rune('1'+i)))
	}
	resp, err := n.Handle(context.Background(), sqsPayload(r.t, ids, bodies))
	if err != nil {
		r.t.Fatal(err)
	}
	var failed []string
	for _, f := range resp.BatchItemFailures {
		failed = append(failed, f.ItemIdentifier)
	}
	return failed
}

// titles lists the header of every post to a webhook, in order.
func (r *degradedRig) titles(dest string) []string {
	var out []string
	for _, q := range r.chat.Requests() {
		if !strings.HasSuffix(q.Key, "/"+dest) {
			continue
		}
		var msg struct {
			Attachments []struct {
				Blocks []struct{ Text struct{ Text string } }
			}
		}
		json.Unmarshal(q.Body, &msg)
		if len(msg.Attachments) > 0 && len(msg.Attachments[0].Blocks) > 0 {
			out = append(out, msg.Attachments[0].Blocks[0].Text.Text)
		}
	}
	return out
}

// noLeak checks that the broken secret reached neither chat, nor ops, nor the logs.
func (r *degradedRig) noLeak() {
	r.t.Helper()
	for _, q := range r.chat.Requests() {
		if bytes.Contains(q.Body, []byte(secretPart)) {
			r.t.Errorf("a chat post holds the secret: %s", q.Body)
		}
	}
	for _, p := range r.sns.Published() {
		if strings.Contains(p.Message+p.Subject, secretPart) {
			r.t.Errorf("the ops message holds the secret: %s", p.Message)
		}
	}
	if strings.Contains(r.logs.String(), secretPart) {
		r.t.Errorf("the logs hold the secret:\n%s", r.logs.String())
	}
	for _, p := range r.sns.Problems() {
		r.t.Errorf("a publish SNS would refuse: %s", p)
	}
}

// TestBrokenDestinationDegrades: one destination's secret has the wrong shape. The other
// posts; the broken one's records go back to the queue; the working one and the ops topic are
// told which destination is broken and why, once across a fleet of containers; the secret
// appears nowhere.
func TestBrokenDestinationDegrades(t *testing.T) {
	r := newDegradedRig(t)
	first := r.container()
	if b := first.Broken(); len(b) != 1 || b["team"] == nil {
		t.Fatalf("broken = %v, want team", b)
	}
	failed := r.handle(first, checkoutOOM, deployFailed)
	if strings.Join(failed, ",") != "msg-2" {
		t.Errorf("records back in the queue: %v, want msg-2 (the deployment, meant for team)", failed)
	}
	titles := r.titles("ops")
	if len(titles) != 2 || !strings.Contains(titles[0], "foghorn prod: destination team cannot be posted to") || !strings.Contains(titles[1], "checkout-api") {
		t.Fatalf("ops got %q; want the problem, then the alert", titles)
	}
	notice := string(r.chat.Requests()[0].Body)
	for _, want := range []string{`\"/test/team\"`, "does not hold a Slack webhook URL", "dead-letter queue"} {
		if !strings.Contains(notice, want) && !strings.Contains(notice, strings.ReplaceAll(want, `\"`, `"`)) {
			t.Errorf("the notice does not say %s: %s", want, notice)
		}
	}
	pub := r.sns.Published()
	if len(pub) != 1 || !strings.Contains(pub[0].Subject, "destination team cannot be posted to") || !strings.Contains(pub[0].Message, "/test/team") {
		t.Fatalf("ops topic got %+v, want the problem once", pub)
	}

	// The same container's next invocation, and two more containers: no second notice.
	r.handle(first, checkoutOOM)
	for i := 0; i < 2; i++ {
		r.clock.Advance(10 * time.Second)
		if failed := r.handle(r.container(), deployFailed); strings.Join(failed, ",") != "msg-1" {
			t.Errorf("container %d: back in the queue %v, want the deployment", i+2, failed)
		}
	}
	if got := len(r.titles("ops")); got != 2 {
		t.Errorf("ops got %d posts, want the notice and the one alert (the repeated OOM is known delivered): %q", got, r.titles("ops"))
	}
	if got := len(r.sns.Published()); got != 1 {
		t.Errorf("ops topic got %d messages, want 1", got)
	}
	// A day later a container still broken tells it again, once.
	r.clock.Advance(25 * time.Hour)
	r.handle(r.container(), checkoutOOM)
	if got := len(r.sns.Published()); got != 2 {
		t.Errorf("a day later the ops topic got %d messages in all, want 2", got)
	}
	r.noLeak()
}

// TestBrokenDestinationFixed: once the secret is fixed, a running container uses it within a
// minute, says so, and the records that came back are delivered.
func TestBrokenDestinationFixed(t *testing.T) {
	r := newDegradedRig(t)
	n := r.container()
	if failed := r.handle(n, deployFailed); len(failed) != 1 {
		t.Fatalf("back in the queue: %v, want the deployment", failed)
	}
	r.mu.Lock()
	r.params["/test/team"] = r.chat.SlackWebhookURL("team")
	r.mu.Unlock()
	// Within the minute the container has not looked again.
	r.clock.Advance(30 * time.Second)
	if failed := r.handle(n, deployFailed); len(failed) != 1 {
		t.Errorf("30 s later: back in the queue %v, want the deployment still", failed)
	}
	r.clock.Advance(31 * time.Second)
	if failed := r.handle(n, deployFailed); len(failed) != 0 {
		t.Errorf("a minute later: back in the queue %v, want none", failed)
	}
	if b := n.Broken(); len(b) != 0 {
		t.Errorf("still broken: %v", b)
	}
	team := r.titles("team")
	if len(team) != 2 || !strings.Contains(team[0], "destination team works again") || !strings.Contains(team[1], "servicetest") {
		t.Errorf("team got %q; want the news that it works, then the deployment", team)
	}
	if ops := r.titles("ops"); len(ops) != 2 || !strings.Contains(ops[1], "works again") {
		t.Errorf("ops got %q; want the problem, then that it is fixed", ops)
	}
	r.noLeak()
}

// TestEveryDestinationBroken: with nothing to post to, every record goes back to the queue
// and the ops topic hears why.
func TestEveryDestinationBroken(t *testing.T) {
	r := newDegradedRig(t)
	r.params["/test/ops"] = ""
	failed := r.handle(r.container(), checkoutOOM, deployFailed)
	if len(failed) != 2 {
		t.Errorf("back in the queue: %v, want both records", failed)
	}
	if got := len(r.chat.Requests()); got != 0 {
		t.Errorf("%d chat posts, want none", got)
	}
	if got := len(r.sns.Published()); got != 2 {
		t.Errorf("the ops topic got %d messages, want one per broken destination", got)
	}
	r.noLeak()
}

// TestOpsUnreachable: a topic the function may not publish to (a stack deployed before the
// permission) costs a few tries, a log line each, and nothing else.
func TestOpsUnreachable(t *testing.T) {
	r := newDegradedRig(t)
	r.sns.Deny(opsTopic)
	n := r.container()
	for i := 0; i < 5; i++ {
		r.clock.Advance(10 * time.Second)
		r.handle(n, checkoutOOM)
	}
	if got := r.sns.Calls(); got > opsAttempts*3 { // the SDK retries nothing on AuthorizationError
		t.Errorf("%d publish calls, want at most %d tries", got, opsAttempts)
	}
	if got := len(r.titles("ops")); got != 2 {
		t.Errorf("ops got %d posts, want the notice and the alert", got)
	}
	if !strings.Contains(r.logs.String(), "could not tell the ops topic") {
		t.Errorf("the logs do not say the ops topic was not told:\n%s", r.logs.String())
	}
}
