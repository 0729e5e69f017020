package actions_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/foghornhq/foghorn/lambda/actions"
	"github.com/foghornhq/foghorn/lambda/internal/chatfake"
)

func readJSON(t *testing.T, name string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestParseClickSamples: Slack's published payloads parse as Slack means them: clicks on
// buttons foghorn did not draw are recognised as such, not refused as malformed.
func TestParseClickSamples(t *testing.T) {
	for _, name := range []string{"slack-block-actions-payload-message-attachment-docs.json", "slack-block-actions-payload-bolt-python-test.json"} {
		js, _ := json.Marshal(readJSON(t, name))
		_, err := actions.ParseClick([]byte("payload=" + url.QueryEscape(string(js))))
		if !errors.Is(err, actions.ErrNotOurs) {
			t.Errorf("%s: %v, want ErrNotOurs", name, err)
		}
	}
	cases := map[string]bool{
		"https://hooks.slack.com/actions/T1/2/x":     true,
		"https://hooks.slack-gov.com/actions/T1/2/x": true,
		"http://127.0.0.1:9/actions/x":               true,
		"http://hooks.slack.com/actions/T1/2/x":      false,
		"https://hooks.slack.com.example/actions/x":  false,
		"https://user@hooks.slack.com/actions/x":     false,
		"https://example.com/actions/x":              false,
		"":                                           false,
	}
	for u, want := range cases {
		if got := actions.ResponseURLOK(u); got != want {
			t.Errorf("ResponseURLOK(%q) = %v", u, got)
		}
	}
}

// TestReplyShapes: the endpoint's posts to a response URL have the shape of Slack's own
// examples: string booleans, response_type, thread_ts.
func TestReplyShapes(t *testing.T) {
	r := newRig(t, nil)
	p := r.post(event(t, "aws-derived/ecs-task-state-change-stopped-essential-container-exited-1.json"))
	r.send(r.click(p, ana, "foghorn:silence:1h"))
	r.send(r.click(p, bob, "foghorn:silence:1h"))
	rep := r.replies()
	for kind, sample := range map[string]string{
		"thread": "slack-response-url-body-in-thread.json", "replace": "slack-response-url-body-replace-original.json",
		"ephemeral": "slack-response-url-body-ephemeral.json",
	} {
		want := readJSON(t, sample)
		if len(rep[kind]) == 0 {
			t.Fatalf("no %s reply", kind)
		}
		got := rep[kind][0]
		for k, v := range want {
			if k == "text" || k == "thread_ts" {
				if _, ok := got[k].(string); !ok {
					t.Errorf("%s reply: %s is %v, want a string", kind, k, got[k])
				}
				continue
			}
			if got[k] != v {
				t.Errorf("%s reply: %s = %v, Slack's example has %v", kind, k, got[k], v)
			}
		}
	}
}

// TestBase64Body: API Gateway may hand the body base64-encoded; the signature is over the
// decoded bytes.
func TestBase64Body(t *testing.T) {
	r := newRig(t, nil)
	p := r.post(event(t, "aws-derived/ecs-task-state-change-stopped-essential-container-exited-1.json"))
	body := r.click(p, ana, "foghorn:silence:1h")
	req := r.request(body, docsSecret, 0)
	req.Body, req.IsBase64Encoded = base64.StdEncoding.EncodeToString(body), true
	if resp := r.sendReq(req); resp.StatusCode != 200 {
		t.Fatalf("answer %d", resp.StatusCode)
	}
	if a := r.audits(); len(a) != 1 || a[0]["outcome"] != "done" {
		t.Errorf("audits %v", a)
	}
}

// TestSpentResponseURL: when the response URL no longer takes posts, the thread reply goes
// through the bot token's chat.postMessage instead.
func TestSpentResponseURL(t *testing.T) {
	r := newRig(t, nil)
	p := r.post(event(t, "aws-derived/ecs-task-state-change-stopped-essential-container-exited-1.json"))
	body := r.click(p, ana, "foghorn:acknowledge")
	r.h.Fake.Script(chatfake.TargetSlackResponse, chatfake.Fault{Status: 404, Body: `{"ok":false,"error":"used_url"}`, Sticky: true})
	r.send(body)
	var threaded []string
	for _, q := range r.h.Fake.Requests(chatfake.TargetSlackAPI) {
		m, _ := q.JSON.(map[string]any)
		if m["thread_ts"] == p.ts {
			threaded = append(threaded, text(m))
		}
	}
	if len(threaded) != 1 || !strings.Contains(threaded[0], "acknowledged checkout-api") {
		t.Errorf("thread replies through the bot: %v", threaded)
	}
	if a := r.audits(); len(a) != 1 || a[0]["outcome"] != "done" {
		t.Errorf("audits %v", a)
	}
	if !strings.Contains(r.rawLog(), "reply not posted") {
		t.Error("the edit that could not be posted was not logged")
	}
}
