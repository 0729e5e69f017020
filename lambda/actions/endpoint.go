// Package actions is the endpoint a Slack app's interactivity request URL points at: it turns
// a click on an alert's button into the action — silence, acknowledge, more logs, continue or
// roll back a deployment — for the people and channels the config document allows, and says
// what it did in the alert's thread.
//
// It runs as its own Lambda function with its own role (the notifier's gains nothing), built
// from the notifier's zip and selected by FOGHORN_MODE=actions. A request goes through:
//
//  1. verify: Slack's v0 signature over the raw body with the signing secret, the timestamp
//     within five minutes, the body's size bounded (verify.go);
//  2. parse: the block_actions payload and the foghorn button's value (payload.go);
//  3. authorise: the action's allow-list of users, user groups and channels, and for continue
//     and rollback the services the endpoint may change (auth.go);
//  4. record: a conditional write keyed on the action's id and action_ts (and the message),
//     so a retried or replayed click does nothing twice;
//  5. answer within Slack's three seconds: silence, lift and acknowledge complete at once;
//     logs, continue and rollback answer "working on it" and run in an asynchronous
//     invocation of the function itself, which posts the outcome in the thread.
//
// Every click, allowed or not, is one structured log line ("chat action": who, which action,
// which service, outcome) and a reply in the alert's thread. No secret — the signing secret,
// a bot token, a response_url — reaches a log line, an error or a reply.
package actions

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/chat/slack"
	"github.com/foghornhq/foghorn/lambda/chatops"
	"github.com/foghornhq/foghorn/lambda/clock"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/logtail"
	"github.com/foghornhq/foghorn/lambda/silence"
	"github.com/foghornhq/foghorn/lambda/state"
	"github.com/foghornhq/foghorn/lambda/story"
)

// Bounds of a request and of the answer to it.
const (
	// MaxBody is the largest request body taken: a click's payload carries the whole message
	// clicked, tens of kilobytes at most.
	MaxBody = 1 << 20
	// AnswerBudget is what the endpoint spends before it answers: Slack shows the user an error
	// when the answer takes over three seconds.
	AnswerBudget = 2500 * time.Millisecond
	// clickMemory is how long a click's record is kept: longer than Slack's five-minute window
	// for a request's timestamp, past which a replay is refused anyway.
	clickMemory = time.Hour
	// maxJob bounds the job handed to the asynchronous invocation (Lambda takes 256 KB); past
	// it the clicked message is left out, and the alert is not edited.
	maxJob = 200 << 10
)

// Invoker starts the function's own asynchronous invocation with a payload.
type Invoker interface {
	InvokeAsync(ctx context.Context, payload []byte) error
}

// Options build an Endpoint.
type Options struct {
	Doc      *config.Document
	Verifier *Verifier
	// Store holds the click ledger, the silences and the crash-loop stories: the state table.
	Store state.Store
	// Responder answers through response URLs (and its Bot, if any).
	Responder *Responder
	// Groups resolves user groups of the allow-lists; nil when none are named.
	Groups GroupMembers
	ECS    ECS
	// Logs fetches more log lines; nil when the logs action is not allowed.
	Logs *logtail.Fetcher
	// Invoke runs slow actions in an asynchronous invocation; nil runs them before answering
	// (the CLI, tests).
	Invoke Invoker
	Clock  clock.Clock
	Log    *slog.Logger
}

// Endpoint handles requests from Slack and the jobs it hands itself.
type Endpoint struct {
	doc      *config.Document
	verify   *Verifier
	auth     *Authorizer
	reply    *Responder
	clicks   state.Store
	silences *silence.Store
	stories  *story.Tracker
	ecs      ECS
	logs     *logtail.Fetcher
	invoke   Invoker
	clock    clock.Clock
	log      *slog.Logger
}

// New checks the options and returns the endpoint.
func New(o Options) (*Endpoint, error) {
	switch {
	case o.Doc == nil || !o.Doc.Actions.Enabled:
		return nil, errors.New("actions: the config document does not enable actions (actions.enabled)")
	case o.Verifier == nil:
		return nil, errors.New("actions: no signing secret to verify requests with")
	case o.Store == nil:
		return nil, errors.New("actions: no state store to record clicks and silences in")
	case o.Responder == nil:
		return nil, errors.New("actions: no responder")
	}
	c := clock.Or(o.Clock)
	log := o.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Endpoint{
		doc: o.Doc, verify: o.Verifier, auth: NewAuthorizer(&o.Doc.Actions, o.Groups, c), reply: o.Responder,
		clicks: o.Store, silences: silence.New(o.Store, c), stories: story.New(o.Store, o.Doc.CrashLoop, c),
		ecs: o.ECS, logs: o.Logs, invoke: o.Invoke, clock: c, log: log,
	}, nil
}

// job is what the endpoint hands its asynchronous invocation: the click, sealed with a key
// derived from the signing secret (verify.go).
type job struct {
	Click json.RawMessage `json:"foghornJob"`
	Seal  string          `json:"seal"`
}

// Handle is the Lambda entry point: an HTTP request from API Gateway (payload format 2.0,
// which a function URL also sends), or a job from the endpoint itself.
func (e *Endpoint) Handle(ctx context.Context, payload json.RawMessage) (any, error) {
	var probe struct {
		Job            json.RawMessage `json:"foghornJob"`
		RequestContext json.RawMessage `json:"requestContext"`
	}
	if err := json.Unmarshal(payload, &probe); err != nil {
		return nil, errors.New("actions: the event is not JSON")
	}
	switch {
	case len(probe.Job) > 0:
		return nil, e.runJob(ctx, payload)
	case len(probe.RequestContext) > 0:
		var req events.APIGatewayV2HTTPRequest
		if err := json.Unmarshal(payload, &req); err != nil {
			return nil, errors.New("actions: the HTTP event is malformed")
		}
		resp := e.Serve(ctx, req)
		return resp, nil
	}
	return nil, errors.New("actions: the event is neither an HTTP request nor a foghorn job")
}

func answer(status int, text string) events.APIGatewayV2HTTPResponse {
	return events.APIGatewayV2HTTPResponse{StatusCode: status, Headers: map[string]string{"Content-Type": "text/plain; charset=utf-8"}, Body: text}
}

// header reads a header whatever the case of its name (API Gateway lowercases them).
func header(h map[string]string, name string) string {
	if v, ok := h[strings.ToLower(name)]; ok {
		return v
	}
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// Serve answers one HTTP request. Whatever happens, the answer comes within AnswerBudget:
// Slack needs it within three seconds. A request Slack did not sign gets 401 and no detail.
func (e *Endpoint) Serve(ctx context.Context, req events.APIGatewayV2HTTPRequest) events.APIGatewayV2HTTPResponse {
	ctx, cancel := context.WithTimeout(ctx, AnswerBudget)
	defer cancel()
	if m := req.RequestContext.HTTP.Method; m != "" && m != http.MethodPost {
		return answer(http.StatusMethodNotAllowed, "POST only")
	}
	if len(req.Body) > MaxBody*4/3+4 {
		return answer(http.StatusRequestEntityTooLarge, "request too large")
	}
	body := []byte(req.Body)
	if req.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(req.Body)
		if err != nil {
			return answer(http.StatusBadRequest, "malformed body")
		}
		body = b
	}
	if len(body) > MaxBody {
		return answer(http.StatusRequestEntityTooLarge, "request too large")
	}
	if err := e.verify.Verify(header(req.Headers, HeaderTimestamp), header(req.Headers, HeaderSignature), body); err != nil {
		e.log.Warn("request refused", "reason", err.Error(), "source_ip", req.RequestContext.HTTP.SourceIP)
		return answer(http.StatusUnauthorized, "invalid request signature")
	}
	c, err := ParseClick(body)
	switch {
	case errors.Is(err, ErrNotOurs):
		e.log.Debug("click ignored: not a foghorn button")
		return answer(http.StatusOK, "")
	case err != nil:
		e.log.Warn("malformed click refused", "reason", err.Error())
		return answer(http.StatusBadRequest, "malformed interaction payload")
	}
	e.accept(ctx, c)
	return answer(http.StatusOK, "")
}

// accept authorises, records and acts on a click.
func (e *Endpoint) accept(ctx context.Context, c Click) {
	action := c.Value.Action
	v := e.auth.Allow(ctx, action, c.UserID, c.Channel, c.Value)
	dup, err := e.record(ctx, c)
	switch {
	case dup:
		e.audit(c, "duplicate", "the click was handled already")
		return
	case err != nil:
		e.audit(c, "failed", "could not record the click: "+err.Error())
		e.try(ctx, "ephemeral", e.reply.Ephemeral(ctx, c, ":warning: foghorn could not record your click (its state table did not answer), so it did nothing. Try again in a moment."))
		return
	case !v.Allowed:
		e.audit(c, "refused", v.Why)
		both(ctx,
			func(ctx context.Context) error {
				return e.reply.Ephemeral(ctx, c, ":no_entry: "+slack.Escape(v.Why, 300)+".")
			},
			func(ctx context.Context) error {
				return e.reply.Thread(ctx, c, slack.Reply{Text: fmt.Sprintf(":no_entry: %s tried to %s%s: refused (%s).",
					mention(c), chatops.Verb(action), of(c.Value), slack.Escape(v.Why, 300))})
			}, e.try)
		return
	}
	switch action {
	case chatops.Logs, chatops.Continue, chatops.Rollback:
		e.dispatch(ctx, c)
	default:
		e.perform(ctx, c)
	}
}

// record writes the click's record on the condition that there is none: the one write that
// makes a retried or replayed click do nothing twice. dup reports a click seen before.
func (e *Endpoint) record(ctx context.Context, c Click) (dup bool, err error) {
	key := "click#" + c.ActionID + "#" + c.ActionTS + "#" + c.Channel + "#" + c.MessageTS
	data, _ := json.Marshal(map[string]string{"user": c.UserID, "action": c.Value.Action, "service": c.Value.Subject()})
	_, err = e.clicks.Put(ctx, state.Item{Key: key, Version: 0, Keep: clickMemory, Data: data})
	if errors.Is(err, state.ErrConflict) {
		return true, nil
	}
	return false, err
}

// dispatch answers "working on it" and hands a slow action to the asynchronous invocation.
func (e *Endpoint) dispatch(ctx context.Context, c Click) {
	if e.invoke == nil {
		e.perform(ctx, c)
		return
	}
	work := map[string]string{
		chatops.Logs:     "fetching the last log lines",
		chatops.Continue: "asking ECS to continue the deployment",
		chatops.Rollback: "asking ECS to roll the deployment back",
	}[c.Value.Action]
	payload, err := e.sealJob(c)
	if err == nil {
		err = e.invoke.InvokeAsync(ctx, payload)
	}
	if err != nil {
		e.audit(c, "failed", "could not start the work: "+err.Error())
		e.try(ctx, "ephemeral", e.reply.Ephemeral(ctx, c, ":warning: foghorn could not start that (its function could not invoke itself); nothing was done. Try again in a moment."))
		return
	}
	e.try(ctx, "ephemeral", e.reply.Ephemeral(ctx, c, ":hourglass_flowing_sand: On it: "+work+"; the outcome goes in the thread."))
}

func (e *Endpoint) sealJob(c Click) ([]byte, error) {
	click, err := json.Marshal(c)
	if err == nil && len(click) > maxJob {
		c.Message = nil
		click, err = json.Marshal(c)
	}
	if err != nil {
		return nil, err
	}
	return json.Marshal(job{Click: click, Seal: e.verify.seal(click)})
}

// runJob performs a job the endpoint handed itself, once its seal holds.
func (e *Endpoint) runJob(ctx context.Context, payload []byte) error {
	var j job
	if err := json.Unmarshal(payload, &j); err != nil || !e.verify.unseal(j.Click, j.Seal) {
		e.log.Warn("job refused: its seal does not hold")
		return nil // a retry would not make it hold
	}
	var c Click
	if err := json.Unmarshal(j.Click, &c); err != nil {
		e.log.Error("job refused: malformed", "error", err.Error())
		return nil
	}
	e.perform(ctx, c)
	// Errors are in the thread and the log line; Lambda's own retry of an asynchronous
	// invocation could only do the action twice.
	return nil
}

// perform does an allowed action and writes its one audit line.
func (e *Endpoint) perform(ctx context.Context, c Click) {
	var r result
	switch c.Value.Action {
	case chatops.Silence:
		r = e.silence(ctx, c)
	case chatops.Lift:
		r = e.lift(ctx, c)
	case chatops.Acknowledge:
		r = e.acknowledge(ctx, c)
	case chatops.Logs:
		r = e.moreLogs(ctx, c)
	case chatops.Continue:
		r = e.continueDeployment(ctx, c, continueAction)
	case chatops.Rollback:
		r = e.rollback(ctx, c)
	default:
		r = result{outcome: "failed", detail: "unknown action"}
	}
	e.audit(c, r.outcome, r.detail)
}

// result is how an action ended: done, noop (nothing to do), failed.
type result struct {
	outcome, detail string
}

// audit writes the one line every click gets.
func (e *Endpoint) audit(c Click, outcome, detail string) {
	level := slog.LevelInfo
	if outcome == "refused" || outcome == "failed" {
		level = slog.LevelWarn
	}
	e.log.Log(context.Background(), level, "chat action",
		"user", c.UserID, "user_name", c.UserName, "action", c.Value.Action, "service", c.Value.Subject(),
		"channel", c.Channel, "message_ts", c.MessageTS, "outcome", outcome, "detail", detail)
}

// try logs a reply that could not be posted; the action itself stands.
func (e *Endpoint) try(_ context.Context, what string, err error) {
	if err != nil {
		e.log.Warn("reply not posted", "reply", what, "error", err.Error())
	}
}

// both runs two replies side by side, within the caller's budget.
func both(ctx context.Context, a, b func(context.Context) error, try func(context.Context, string, error)) {
	var wg sync.WaitGroup
	var ea, eb error
	wg.Add(2)
	go func() { defer wg.Done(); ea = a(ctx) }()
	go func() { defer wg.Done(); eb = b(ctx) }()
	wg.Wait()
	try(ctx, "first reply", ea)
	try(ctx, "second reply", eb)
}

// mention is the clicking user as Slack shows a mention; the id was checked in ParseClick.
func mention(c Click) string { return "<@" + c.UserID + ">" }

// about names the service a value is about, escaped: " checkout-api (prod)".
func about(v chatops.Value) string {
	if v.Service == "" {
		return ""
	}
	return " " + slack.Escape(v.Service, 120) + " (" + slack.Escape(v.Cluster, 120) + ")"
}

// of is about with "of" before it: " of checkout-api (prod)".
func of(v chatops.Value) string {
	if v.Service == "" {
		return ""
	}
	return " of" + about(v)
}

// at is a time the way replies say it.
func (e *Endpoint) at(t time.Time) string { return silence.When(t, e.clock.Now()) }

// identity is the alert identity a value names.
func identity(v chatops.Value) alert.Identity {
	return alert.Identity{Partition: v.Partition, Account: v.Account, Region: v.Region, Cluster: v.Cluster, Service: v.Service}
}
