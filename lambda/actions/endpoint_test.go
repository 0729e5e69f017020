package actions_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/actions"
	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/chat/slack"
	"github.com/foghornhq/foghorn/lambda/clock"
	"github.com/foghornhq/foghorn/lambda/internal/awsfake"
	"github.com/foghornhq/foghorn/lambda/internal/chatfake"
	"github.com/foghornhq/foghorn/lambda/silence"
	"github.com/foghornhq/foghorn/lambda/story"
)

// TestSigningVector: Slack's published example verifies, and any change to it does not.
func TestSigningVector(t *testing.T) {
	var vec struct {
		Secret    string `json:"signing_secret"`
		Timestamp string `json:"x_slack_request_timestamp"`
		Body      string `json:"body"`
		Signature string `json:"x_slack_signature"`
	}
	b, _ := os.ReadFile(filepath.Join("testdata", "slack-signing-vector-docs-slash-command.json"))
	if err := json.Unmarshal(b, &vec); err != nil {
		t.Fatal(err)
	}
	if got := actions.Sign(vec.Secret, vec.Timestamp, []byte(vec.Body)); got != vec.Signature {
		t.Fatalf("Sign = %s, want Slack's %s", got, vec.Signature)
	}
	at := time.Unix(1531420618, 0)
	cases := []struct {
		name            string
		secret, ts, sig string
		body            string
		now             time.Time
		want            error
	}{
		{"published vector", vec.Secret, vec.Timestamp, vec.Signature, vec.Body, at, nil},
		{"4 minutes later", vec.Secret, vec.Timestamp, vec.Signature, vec.Body, at.Add(4 * time.Minute), nil},
		{"stale: 5 minutes and a second later", vec.Secret, vec.Timestamp, vec.Signature, vec.Body, at.Add(5*time.Minute + time.Second), actions.ErrStale},
		{"from the future", vec.Secret, vec.Timestamp, vec.Signature, vec.Body, at.Add(-6 * time.Minute), actions.ErrStale},
		{"body changed", vec.Secret, vec.Timestamp, vec.Signature, vec.Body + "&x=1", at, actions.ErrBadSignature},
		{"another secret", "0" + vec.Secret[1:], vec.Timestamp, vec.Signature, vec.Body, at, actions.ErrBadSignature},
		{"signature upper-cased", vec.Secret, vec.Timestamp, strings.ToUpper(vec.Signature), vec.Body, at, actions.ErrBadSignature},
		{"v1 scheme", vec.Secret, vec.Timestamp, "v1=" + vec.Signature[3:], vec.Body, at, actions.ErrBadSignature},
		{"no signature", vec.Secret, vec.Timestamp, "", vec.Body, at, actions.ErrUnsigned},
		{"timestamp not a number", vec.Secret, "1531420618.5", vec.Signature, vec.Body, at, actions.ErrBadTimestamp},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, err := actions.NewVerifier(c.secret, clock.NewFake(c.now))
			if err != nil {
				t.Fatal(err)
			}
			if err := v.Verify(c.ts, c.sig, []byte(c.body)); err != c.want {
				t.Errorf("Verify = %v, want %v", err, c.want)
			}
		})
	}
	// The derived block_actions form post verifies as well: the scheme holds for interactivity.
	var post struct {
		Secret    string `json:"signing_secret"`
		Timestamp string `json:"x_slack_request_timestamp"`
		Body      string `json:"body"`
		Signature string `json:"x_slack_signature"`
	}
	b, _ = os.ReadFile(filepath.Join("testdata", "slack-block-actions-form-post-signed-derived.json"))
	json.Unmarshal(b, &post)
	v, _ := actions.NewVerifier(post.Secret, clock.NewFake(time.Unix(1548426418, 0)))
	if err := v.Verify(post.Timestamp, post.Signature, []byte(post.Body)); err != nil {
		t.Errorf("derived form post: %v", err)
	}
	if _, err := actions.NewVerifier(" padded ", nil); err == nil {
		t.Error("a secret with surrounding white space was taken")
	}
}

// TestRequestsRefused: whatever is wrong with a request, nothing is done, nothing is posted,
// and the answer says only as much as it must.
func TestRequestsRefused(t *testing.T) {
	r := newRig(t, nil)
	a := event(t, "aws-derived/ecs-task-state-change-stopped-essential-container-exited-1.json")
	p := r.post(a)
	good := r.click(p, ana, "foghorn:silence:1h")
	docs, _ := os.ReadFile(filepath.Join("testdata", "slack-block-actions-form-post-signed-derived.json"))
	var derived struct {
		Body string `json:"body"`
	}
	json.Unmarshal(docs, &derived)
	homeTab, _ := os.ReadFile(filepath.Join("testdata", "slack-block-actions-payload-home-tab-docs.json"))
	form := func(payload []byte) []byte {
		return []byte("payload=" + strings.ReplaceAll(string(payload), "&", "%26"))
	}
	tampered := strings.Replace(string(good), "1h", "4h", 1)
	cases := []struct {
		name   string
		req    func() (status int)
		status int
	}{
		{"wrong signature", func() int { return r.sendReq(r.request(good, "0"+docsSecret[1:], 0)).StatusCode }, http.StatusUnauthorized},
		{"stale timestamp", func() int { return r.sendReq(r.request(good, docsSecret, -301)).StatusCode }, http.StatusUnauthorized},
		{"timestamp from the future", func() int { return r.sendReq(r.request(good, docsSecret, 301)).StatusCode }, http.StatusUnauthorized},
		{"unsigned", func() int {
			req := r.request(good, docsSecret, 0)
			delete(req.Headers, "x-slack-signature")
			return r.sendReq(req).StatusCode
		}, http.StatusUnauthorized},
		{"value changed after signing", func() int {
			req := r.request(good, docsSecret, 0)
			req.Body = tampered
			return r.sendReq(req).StatusCode
		}, http.StatusUnauthorized},
		{"GET", func() int {
			req := r.request(good, docsSecret, 0)
			req.RequestContext.HTTP.Method = "GET"
			return r.sendReq(req).StatusCode
		}, http.StatusMethodNotAllowed},
		{"body too large", func() int {
			big := append(append([]byte{}, good...), []byte("&pad="+strings.Repeat("x", actions.MaxBody))...)
			return r.sendReq(r.request(big, docsSecret, 0)).StatusCode
		}, http.StatusRequestEntityTooLarge},
		{"malformed: not a form with a payload", func() int { return r.send([]byte("hello")).StatusCode }, http.StatusBadRequest},
		{"malformed: payload not JSON", func() int { return r.send([]byte("payload=%7Bnot")).StatusCode }, http.StatusBadRequest},
		{"malformed: a view, with no channel or response URL", func() int {
			var m map[string]any
			json.Unmarshal(homeTab, &m)
			m["actions"].([]any)[0].(map[string]any)["action_id"] = "foghorn:silence:1h"
			js, _ := json.Marshal(m)
			return r.send(form(js)).StatusCode
		}, http.StatusBadRequest},
		{"malformed: a value foghorn did not write", func() int {
			return r.send(r.clickValue(p, ana, "foghorn:silence:1h", `{"a":"silence","f":"forever","c":"x","s":"y","k":["task-stopped"]}`)).StatusCode
		}, http.StatusBadRequest},
		{"malformed: a value for another action than the button's", func() int {
			return r.send(r.clickValue(p, ana, "foghorn:rollback", p.buttons["foghorn:silence:1h"])).StatusCode
		}, http.StatusBadRequest},
		{"not a foghorn button: acknowledged, ignored", func() int {
			return r.send([]byte(derived.Body)).StatusCode
		}, http.StatusOK},
	}
	before := len(r.h.Fake.Requests())
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.req(); got != c.status {
				t.Errorf("status %d, want %d", got, c.status)
			}
		})
	}
	if got := r.h.Fake.Requests(); len(got) != before {
		t.Errorf("refused requests posted %d messages", len(got)-before)
	}
	list, err := silence.New(r.store, r.h.Clock).Active(context.Background())
	if err != nil || len(list) != 0 {
		t.Errorf("refused requests set silences: %v %v", list, err)
	}
	if n := len(r.audits()); n != 0 {
		t.Errorf("%d audit lines for requests that never were clicks", n)
	}
	for _, l := range r.logLines() {
		if l["msg"] == "request refused" && l["reason"] == nil {
			t.Errorf("refusal without a reason: %v", l)
		}
	}
}

// TestSilenceFromChat: Silence 1h sets the silence, replies in the thread with a Lift button,
// marks the alert; Lift ends it.
func TestSilenceFromChat(t *testing.T) {
	r := newRig(t, nil)
	a := event(t, "aws-derived/ecs-task-state-change-stopped-essential-container-exited-1.json")
	p := r.post(a)
	want := []string{"foghorn:silence:1h", "foghorn:silence:4h", "foghorn:silence:deployment", "foghorn:acknowledge", "foghorn:logs"}
	if got := keys(p.buttons); !sameSet(got, want) {
		t.Fatalf("a task failure offers %v, want %v", got, want)
	}
	if resp := r.send(r.click(p, ana, "foghorn:silence:1h")); resp.StatusCode != 200 || resp.Body != "" {
		t.Fatalf("answer %d %q", resp.StatusCode, resp.Body)
	}
	store := silence.New(r.store, r.h.Clock)
	list, err := store.Active(context.Background())
	if err != nil || len(list) != 1 {
		t.Fatalf("silences %v %v", list, err)
	}
	s := list[0]
	if s.Service != "checkout-api" || s.Cluster != "example-cluster" || s.By.ID != ana || !s.Until.Equal(r.h.Clock.Now().Add(time.Hour)) ||
		!slices.Equal(s.Kinds, []alert.Kind{alert.KindTaskStopped, alert.KindCrashLoop}) {
		t.Errorf("silence %+v", s)
	}
	rep := r.replies()
	if len(rep["thread"]) != 1 || len(rep["replace"]) != 1 || len(rep) != 2 {
		t.Fatalf("replies %v", keys(rep))
	}
	thread := text(rep["thread"][0])
	for _, w := range []string{"<@U0ANA> silenced the task failures and crash loops of checkout-api (example-cluster) until 13:00 UTC", "foghorn:lift", `"thread_ts":"` + p.ts + `"`} {
		if !strings.Contains(thread, w) {
			t.Errorf("thread reply lacks %q:\n%s", w, thread)
		}
	}
	if replaced := text(rep["replace"][0]); !strings.Contains(replaced, "Silenced by <@U0ANA> until 13:00 UTC") || !strings.Contains(replaced, "foghorn:silence:4h") {
		t.Errorf("the alert was not marked, or lost its buttons:\n%s", replaced)
	}
	audits := r.audits()
	if len(audits) != 1 || audits[0]["outcome"] != "done" || audits[0]["user"] != ana || audits[0]["action"] != "silence" || audits[0]["service"] != "example-cluster/checkout-api" {
		t.Errorf("audit %v", audits)
	}

	// Lift, from the thread reply's button.
	var lift posted
	lift.ts = "1.000001"
	lift.message = rep["thread"][0]
	lift.buttons = map[string]string{}
	for _, b := range rep["thread"][0]["blocks"].([]any) {
		bm := b.(map[string]any)
		if bm["block_id"] == "foghorn-actions" {
			el := bm["elements"].([]any)[0].(map[string]any)
			lift.buttons[el["action_id"].(string)] = el["value"].(string)
		}
	}
	r.h.Clock.Advance(10 * time.Minute)
	r.send(r.click(lift, ana, "foghorn:lift"))
	if list, _ := store.Active(context.Background()); len(list) != 0 {
		t.Errorf("lifted, yet %v", list)
	}
	if last := r.audits()[1]; last["action"] != "lift" || last["outcome"] != "done" {
		t.Errorf("lift audit %v", last)
	}
	// Lifting again finds nothing: said so, nothing changes.
	r.send(r.click(lift, ana, "foghorn:lift"))
	if last := r.audits()[2]; last["outcome"] != "noop" {
		t.Errorf("second lift audit %v", last)
	}
}

// TestReplayedClick: the same signed request twice does its work once.
func TestReplayedClick(t *testing.T) {
	r := newRig(t, nil)
	p := r.post(event(t, "aws-derived/ecs-task-state-change-stopped-essential-container-exited-1.json"))
	body := r.click(p, ana, "foghorn:silence:4h")
	req := r.request(body, docsSecret, 0)
	r.sendReq(req)
	posts := len(r.h.Fake.Requests())
	r.h.Clock.Advance(30 * time.Second) // within the five minutes a signature holds
	if resp := r.sendReq(req); resp.StatusCode != 200 {
		t.Fatalf("replay answered %d", resp.StatusCode)
	}
	if got := len(r.h.Fake.Requests()); got != posts {
		t.Errorf("the replay posted %d more messages", got-posts)
	}
	list, _ := silence.New(r.store, r.h.Clock).Active(context.Background())
	if len(list) != 1 || !list[0].Until.Equal(r.h.Clock.Now().Add(-30*time.Second).Add(4*time.Hour)) {
		t.Errorf("silences after a replay: %+v", list)
	}
	audits := r.audits()
	if len(audits) != 2 || audits[1]["outcome"] != "duplicate" {
		t.Errorf("audits %v", audits)
	}
	// The record is a conditional write on the wire.
	var creates int
	for _, q := range r.dyn.Requests() {
		if strings.HasPrefix(q.Key, "click#") && q.Op == "PutItem" && strings.Contains(q.Condition, "attribute_not_exists") {
			creates++
		}
	}
	if creates != 2 {
		t.Errorf("%d conditional click writes, want 2 (one taken, one refused)", creates)
	}
	// Past five minutes the signature no longer holds at all.
	r.h.Clock.Advance(5 * time.Minute)
	if resp := r.sendReq(req); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a replay six minutes later answered %d", resp.StatusCode)
	}
}

// TestNotAllowed: a user or channel outside the allow-list is refused with a clear ephemeral
// reply, a thread reply and a log line, and nothing else happens.
func TestNotAllowed(t *testing.T) {
	cases := []struct {
		name, user string
		channel    string
		why        string
	}{
		{"user not allowed", bob, channel, "you are not among the people allowed to silence alerts"},
		{"channel not allowed", ana, "C0RANDOM", "foghorn may not silence alerts from this channel"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t, nil)
			p := r.post(event(t, "aws-derived/ecs-task-state-change-stopped-essential-container-exited-1.json"))
			body := []byte(strings.ReplaceAll(string(r.click(p, c.user, "foghorn:silence:1h")), channel, c.channel))
			r.h.Fake.SlackChannel(c.channel)
			if resp := r.send(body); resp.StatusCode != 200 {
				t.Fatalf("answer %d: Slack shows the user an error instead of the reply", resp.StatusCode)
			}
			audits := r.audits()
			if len(audits) != 1 || audits[0]["outcome"] != "refused" || !strings.Contains(audits[0]["detail"].(string), c.why) ||
				audits[0]["level"] != "WARN" || audits[0]["user"] != c.user || audits[0]["channel"] != c.channel {
				t.Fatalf("audits %v, want one refused: %s", audits, c.why)
			}
			rep := r.replies()
			if len(rep["ephemeral"]) != 1 || !strings.Contains(text(rep["ephemeral"][0]), c.why) {
				t.Errorf("ephemeral reply %v", rep["ephemeral"])
			}
			if len(rep["thread"]) != 1 || !strings.Contains(text(rep["thread"][0]), "tried to silence alerts of checkout-api (example-cluster): refused") {
				t.Errorf("thread reply %v", rep["thread"])
			}
			if len(rep["replace"]) != 0 {
				t.Error("a refused click edited the alert")
			}
			if list, _ := silence.New(r.store, r.h.Clock).Active(context.Background()); len(list) != 0 {
				t.Errorf("a refused click silenced: %v", list)
			}
		})
	}
}

// TestUserGroups: a member of an allowed user group may acknowledge, another may not, and
// when Slack cannot say who is a member nobody is let in.
func TestUserGroups(t *testing.T) {
	r := newRig(t, nil)
	p := r.post(event(t, "aws-derived/ecs-task-state-change-stopped-essential-container-exited-1.json"))
	r.send(r.click(p, cleo, "foghorn:acknowledge"))
	r.send(r.click(p, bob, "foghorn:acknowledge"))
	audits := r.audits()
	if len(audits) != 2 || audits[0]["outcome"] != "done" || audits[1]["outcome"] != "refused" {
		t.Fatalf("audits %v", audits)
	}
	lookups := len(r.h.Fake.Requests(chatfake.TargetSlackUserGroups))
	if lookups != 1 {
		t.Errorf("%d group lookups for two clicks within minutes, want 1 (remembered)", lookups)
	}
	r.h.Clock.Advance(6 * time.Minute)
	r.h.Fake.Script(chatfake.TargetSlackUserGroups, chatfake.SlackAPIError("ratelimited"), chatfake.SlackAPIError("ratelimited"), chatfake.SlackAPIError("ratelimited"))
	r.send(r.click(p, cleo, "foghorn:acknowledge"))
	if last := r.audits()[2]; last["outcome"] != "refused" || !strings.Contains(last["detail"].(string), "could not check your membership") {
		t.Errorf("with Slack not answering: %v", last)
	}
}

// TestAcknowledge: the alert says who took it and offers the button no more; a crash-loop
// story keeps the acknowledgement, so its later edits still say it.
func TestAcknowledge(t *testing.T) {
	r := newRig(t, nil)
	tracker := story.New(r.store, r.doc.CrashLoop, r.h.Clock)
	a := event(t, "aws-derived/ecs-task-state-change-stopped-essential-container-exited-1.json")
	var inputs []story.Input
	for i := range 3 {
		f := a
		f.EventID = a.EventID + "-" + string(rune('a'+i))
		f.Time = a.Time.Add(time.Duration(i) * time.Minute)
		inputs = append(inputs, story.Input{Alert: f})
	}
	res, err := tracker.Apply(context.Background(), inputs)
	if err != nil || len(res.Emits) != 1 || res.Emits[0].Mode != story.Announce {
		t.Fatalf("no crash loop announced: %+v %v", res.Emits, err)
	}
	loop := res.Emits[0].Alert
	p := r.post(loop)
	if _, ok := p.buttons["foghorn:rollback"]; !ok {
		t.Errorf("a crash loop of a deployment offers no rollback: %v", keys(p.buttons))
	}
	r.send(r.click(p, ana, "foghorn:acknowledge"))
	rep := r.replies()
	replaced := text(rep["replace"][0])
	if !strings.Contains(replaced, "Acknowledged by <@U0ANA> at 12:00 UTC") || strings.Contains(replaced, "foghorn:acknowledge") || !strings.Contains(replaced, "foghorn:silence:1h") {
		t.Errorf("edited alert:\n%s", replaced)
	}
	if !strings.Contains(text(rep["thread"][0]), "<@U0ANA> acknowledged checkout-api (example-cluster): on it.") {
		t.Errorf("thread reply %v", rep["thread"])
	}
	// The next failure folds into the story: its new rendering keeps the acknowledgement.
	next := a
	next.EventID, next.Time = a.EventID+"-d", a.Time.Add(4*time.Minute)
	res, err = tracker.Apply(context.Background(), []story.Input{{Alert: next}})
	if err != nil || len(res.Emits) != 1 {
		t.Fatalf("fold: %+v %v", res.Emits, err)
	}
	folded := res.Emits[0].Alert
	if folded.AckedBy != "ana" {
		t.Errorf("the story forgot who acknowledged it: %+v", folded)
	}
	again := r.post(folded)
	if _, ok := again.buttons["foghorn:acknowledge"]; ok {
		t.Error("an acknowledged story still offers Acknowledge")
	}
	body, _ := slack.RenderBotWith(folded, channel, r.doc.Menu())
	if !strings.Contains(string(body), "by @ana at") {
		t.Errorf("the story's message does not say who took it:\n%s", body)
	}
	// Someone else acknowledging later is told who was first.
	r.send(r.click(p, cleo, "foghorn:acknowledge"))
	if last := r.audits()[1]; last["outcome"] != "noop" {
		t.Errorf("second acknowledgement %v", last)
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

var _ = base64.StdEncoding
var _ = awsfake.Account
