package actions_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/foghornhq/foghorn/lambda/actions"
	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/chat/slack"
	"github.com/foghornhq/foghorn/lambda/classify"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/envelope"
	"github.com/foghornhq/foghorn/lambda/internal/awsfake"
	"github.com/foghornhq/foghorn/lambda/internal/chatfake"
	"github.com/foghornhq/foghorn/lambda/internal/dynamofake"
	"github.com/foghornhq/foghorn/lambda/internal/fixtures"
	"github.com/foghornhq/foghorn/lambda/logtail"
	"github.com/foghornhq/foghorn/lambda/state"
)

// Obviously fake values. The signing secret is Slack's documentation placeholder.
const (
	docsSecret = "8f742231b10e8888abcd99yyyzzz85a5"
	channel    = "C0ALERTS"
	ana        = "U0ANA"  // may do everything
	bob        = "U0BOB"  // may do nothing
	cleo       = "U0CLEO" // may acknowledge, as a member of the on-call group
	oncall     = "S0ONCALL"
	table      = "foghorn-state-test"
	// The services of the fixtures: the paused deployment's, and the crashing task's.
	pausedService   = "arn:aws:ecs:us-west-2:123456789012:service/my-cluster/my-service"
	checkoutService = "arn:aws:ecs:us-east-1:111122223333:service/example-cluster/checkout-api"
	pausedArn       = "arn:aws:ecs:us-west-2:123456789012:service-deployment/my-cluster/my-service/0EYSiB0qap8xf0N76FsbE"
	hookID          = "ecs-pause-e7tK9G_WRJqNF_EOMjztDXfKenlJuEUVjsNStf4WLKw"
)

const document = `{
  "version": 1,
  "destinations": [{"name": "ops-bot", "target": "slack-bot", "secretParam": "/foghorn/test/ops-bot", "channel": "C0ALERTS"}],
  "logs": {"enabled": true, "logGroupPrefixes": ["/ecs/"]},
  "actions": {
    "enabled": true,
    "signingSecretParam": "/foghorn/test/signing",
    "botDestination": "ops-bot",
    "services": ["` + pausedService + `", "` + checkoutService + `"],
    "silence": {"users": ["U0ANA"], "channels": ["C0ALERTS"]},
    "acknowledge": {"users": ["U0ANA"], "userGroups": ["S0ONCALL"], "channels": ["C0ALERTS"]},
    "logs": {"users": ["U0ANA"], "channels": ["C0ALERTS"]},
    "continue": {"users": ["U0ANA"], "channels": ["C0ALERTS"]},
    "rollback": {"users": ["U0ANA"], "channels": ["C0ALERTS"]}
  }
}`

// rig is the endpoint wired to fakes: Slack (response URLs, chat.postMessage, user groups) on
// a fake clock, ECS and CloudWatch Logs, and DynamoDB, each spoken to by the real clients.
type rig struct {
	t     *testing.T
	h     *fixtures.Harness
	ecs   *awsfake.ECS
	logs  *awsfake.Logs
	dyn   *dynamofake.Server
	store state.Store
	doc   *config.Document
	bot   *slack.Bot
	e     *actions.Endpoint

	logMu  sync.Mutex
	logBuf bytes.Buffer

	jobMu sync.Mutex
	jobs  [][]byte
	n     int
}

type captured struct{ r *rig }

// InvokeAsync keeps the job; runJobs plays the asynchronous invocation.
func (c captured) InvokeAsync(_ context.Context, payload []byte) error {
	c.r.jobMu.Lock()
	defer c.r.jobMu.Unlock()
	c.r.jobs = append(c.r.jobs, payload)
	return nil
}

type rigLog struct{ r *rig }

func (w rigLog) Write(p []byte) (int, error) {
	w.r.logMu.Lock()
	defer w.r.logMu.Unlock()
	return w.r.logBuf.Write(p)
}

func newRig(t *testing.T, edit func(*config.Document)) *rig {
	t.Helper()
	r := &rig{t: t, h: fixtures.NewHarness(t, chatfake.Options{}), ecs: awsfake.NewECS(), logs: awsfake.NewLogs(),
		dyn: dynamofake.Start(dynamofake.Options{Table: table})}
	t.Cleanup(r.ecs.Close)
	t.Cleanup(r.logs.Close)
	t.Cleanup(r.dyn.Close)
	doc, err := config.Parse([]byte(document))
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(doc)
		if err := doc.Validate(); err != nil {
			t.Fatal(err)
		}
	}
	r.doc = doc
	r.store = state.NewDynamo(state.NewDynamoDB(r.dyn.Config()), table, r.h.Clock)
	r.bot = slack.NewBot(r.h.Fake.SlackBotToken("ops"), channel, r.h.Client)
	r.h.Fake.SlackChannel(channel)
	r.h.Fake.SetSlackUserGroup(oncall, cleo, "U0DAN")
	v, err := actions.NewVerifier(docsSecret, r.h.Clock)
	if err != nil {
		t.Fatal(err)
	}
	fetcher, err := logtail.New(r.ecs.Client(), r.logs.Client(), config.Logs{Enabled: true, Lines: actions.LogLines, LogGroupPrefixes: []string{"/ecs/"}, Budget: config.Duration(8e9)})
	if err != nil {
		t.Fatal(err)
	}
	r.e, err = actions.New(actions.Options{
		Doc: doc, Verifier: v, Store: r.store,
		Responder: &actions.Responder{Client: r.h.Client, Bot: r.bot},
		Groups:    r.bot, ECS: r.ecs.Client(), Logs: fetcher, Invoke: captured{r},
		Clock: r.h.Clock, Log: slog.New(slog.NewJSONHandler(rigLog{r}, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// logLines are the endpoint's log lines so far, decoded.
func (r *rig) logLines() []map[string]any {
	r.logMu.Lock()
	defer r.logMu.Unlock()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(r.logBuf.String()), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			r.t.Fatalf("log line is not JSON: %s", l)
		}
		out = append(out, m)
	}
	return out
}

func (r *rig) rawLog() string {
	r.logMu.Lock()
	defer r.logMu.Unlock()
	return r.logBuf.String()
}

// audits are the "chat action" lines.
func (r *rig) audits() []map[string]any {
	var out []map[string]any
	for _, l := range r.logLines() {
		if l["msg"] == "chat action" {
			out = append(out, l)
		}
	}
	return out
}

// runJobs plays the asynchronous invocations the endpoint started, as Lambda would: the
// payload as JSON, through Handle.
func (r *rig) runJobs() {
	r.t.Helper()
	r.jobMu.Lock()
	jobs := r.jobs
	r.jobs = nil
	r.jobMu.Unlock()
	for _, j := range jobs {
		if _, err := r.e.Handle(context.Background(), j); err != nil {
			r.t.Fatalf("job: %v", err)
		}
	}
}

// event classifies a fixture under lambda/testdata.
func event(t *testing.T, rel string) alert.Alert {
	t.Helper()
	return classify.Classify(envelope.Record{Body: fixtures.Read(t, rel)})
}

// posted is an alert as the bot posted it, and as a click's payload shows it.
type posted struct {
	ts      string
	message map[string]any
	buttons map[string]string // action_id → value
}

// post renders and posts a through the bot, as the notifier does, and returns the message.
func (r *rig) post(a alert.Alert) posted {
	r.t.Helper()
	body, err := slack.RenderBotWith(a, channel, r.doc.Menu())
	if err != nil {
		r.t.Fatal(err)
	}
	if c := chatfake.CheckSlackMessage(body); c.Code != "" {
		r.t.Fatalf("the rendered alert is not a valid Slack message: %s %s", c.Code, c.Problem)
	}
	ref, err := r.bot.PostRef(context.Background(), body)
	if err != nil {
		r.t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(body, &m)
	delete(m, "channel")
	m["type"], m["ts"], m["bot_id"] = "message", ref.ID, "BFAKE"
	for _, a := range m["attachments"].([]any) {
		a.(map[string]any)["id"] = 1 // Slack numbers attachments
	}
	p := posted{ts: ref.ID, message: m, buttons: map[string]string{}}
	for _, b := range m["attachments"].([]any)[0].(map[string]any)["blocks"].([]any) {
		bm := b.(map[string]any)
		if bm["block_id"] != "foghorn-actions" {
			continue
		}
		for _, el := range bm["elements"].([]any) {
			em := el.(map[string]any)
			p.buttons[em["action_id"].(string)] = em["value"].(string)
		}
	}
	return p
}

// click is the form body Slack sends when user clicks actionID on p: the docs' block_actions
// sample with this message, user, channel, button and a fresh response URL.
func (r *rig) click(p posted, user, actionID string) []byte {
	r.t.Helper()
	value, ok := p.buttons[actionID]
	if !ok {
		r.t.Fatalf("the message has no button %s (it has %v)", actionID, keys(p.buttons))
	}
	return r.clickValue(p, user, actionID, value)
}

func (r *rig) clickValue(p posted, user, actionID, value string) []byte {
	r.t.Helper()
	var payload map[string]any
	b, err := os.ReadFile(filepath.Join("testdata", "slack-block-actions-payload-message-attachment-docs.json"))
	if err != nil {
		r.t.Fatal(err)
	}
	json.Unmarshal(b, &payload)
	r.n++
	payload["user"] = map[string]any{"id": user, "username": strings.ToLower(strings.TrimPrefix(user, "U0")), "team_id": "T0FAKE"}
	payload["container"] = map[string]any{"type": "message_attachment", "message_ts": p.ts, "attachment_id": 1, "channel_id": channel, "is_ephemeral": false, "is_app_unfurl": false}
	payload["channel"] = map[string]any{"id": channel, "name": "alerts"}
	payload["message"] = p.message
	// The fake's response URL with Slack's host: the harness's client takes every host to
	// the fake, so the endpoint sees the real shape.
	u, _ := url.Parse(r.h.Fake.SlackResponseURL(fmt.Sprintf("click-%d-SECRETPART", r.n), channel, p.ts))
	payload["response_url"] = "https://hooks.slack.com" + u.Path
	payload["actions"] = []any{map[string]any{
		"action_id": actionID, "block_id": "foghorn-actions", "type": "button", "value": value,
		"text":      map[string]any{"type": "plain_text", "text": "button", "emoji": true},
		"action_ts": fmt.Sprintf("%d.%06d", r.h.Clock.Now().Unix(), r.n),
	}}
	js, _ := json.Marshal(payload)
	return []byte("payload=" + url.QueryEscape(string(js)))
}

// request is the API Gateway event of a POST of body signed with secret at the clock's time
// (moved by skew), headers lowercased as API Gateway sends them.
func (r *rig) request(body []byte, secret string, skew int64) events.APIGatewayV2HTTPRequest {
	ts := strconv.FormatInt(r.h.Clock.Now().Unix()+skew, 10)
	req := events.APIGatewayV2HTTPRequest{
		RawPath: "/slack/actions",
		Headers: map[string]string{
			"content-type":              "application/x-www-form-urlencoded",
			"x-slack-request-timestamp": ts,
			"x-slack-signature":         actions.Sign(secret, ts, body),
		},
		Body: string(body),
	}
	req.RequestContext.HTTP.Method = "POST"
	req.RequestContext.HTTP.SourceIP = "192.0.2.10"
	return req
}

// send posts a signed click through Handle, as Lambda delivers API Gateway's event.
func (r *rig) send(body []byte) events.APIGatewayV2HTTPResponse {
	r.t.Helper()
	return r.sendReq(r.request(body, docsSecret, 0))
}

func (r *rig) sendReq(req events.APIGatewayV2HTTPRequest) events.APIGatewayV2HTTPResponse {
	r.t.Helper()
	js, _ := json.Marshal(req)
	out, err := r.e.Handle(context.Background(), js)
	if err != nil {
		r.t.Fatal(err)
	}
	resp, ok := out.(events.APIGatewayV2HTTPResponse)
	if !ok {
		r.t.Fatalf("answer %T", out)
	}
	return resp
}

// replies are the posts to response URLs so far, decoded, by kind: ephemeral, thread, replace.
func (r *rig) replies() map[string][]map[string]any {
	out := map[string][]map[string]any{}
	for _, q := range r.h.Fake.Requests(chatfake.TargetSlackResponse) {
		m, _ := q.JSON.(map[string]any)
		kind := "ephemeral"
		switch {
		case m["replace_original"] == "true":
			kind = "replace"
		case m["response_type"] == "in_channel" && m["thread_ts"] != nil:
			kind = "thread"
		case m["response_type"] == "in_channel":
			kind = "channel"
		}
		if q.Response.Status != 200 {
			kind = "refused:" + q.Problem
		}
		out[kind] = append(out[kind], m)
	}
	return out
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// text is every text a reply holds, joined: its text and its blocks' texts.
func text(m map[string]any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(m)
	return b.String()
}
