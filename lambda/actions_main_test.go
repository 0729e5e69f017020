package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/actions"
	"github.com/foghornhq/foghorn/lambda/internal/chatfake"
	"github.com/foghornhq/foghorn/lambda/internal/dynamofake"
)

// TestBootstrapServesActions: the same binary, with FOGHORN_MODE=actions, reads its config
// document and signing secret from SSM, takes a signed click from API Gateway, records it and
// the silence in the state table, answers 200 and says so in the thread; an unsigned request
// gets 401. The signing secret appears in no log line.
func TestBootstrapServesActions(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the bootstrap binary")
	}
	const secret = "8f742231b10e8888abcd99yyyzzz85a5" // Slack's documentation placeholder
	chat := chatfake.New(chatfake.Options{})
	t.Cleanup(chat.Close)
	dyn := dynamofake.Start(dynamofake.Options{Table: "foghorn-state"})
	t.Cleanup(dyn.Close)
	doc := `{"version":1,"destinations":[{"name":"ops","target":"slack","secretParam":"/foghorn/test/webhook"}],
	  "actions":{"enabled":true,"signingSecretParam":"/foghorn/test/signing",
	    "silence":{"users":["U0ANA"],"channels":["C0ALERTS"]}}}`
	ssm := ssmFake(t, map[string]string{"/foghorn/test/config": doc, "/foghorn/test/signing": secret})

	// A click on Silence 1h, as Slack posts it, signed now.
	var payload map[string]any
	json.Unmarshal([]byte(mustRead(t, "actions/testdata/slack-block-actions-payload-message-attachment-docs.json")), &payload)
	payload["user"] = map[string]any{"id": "U0ANA", "username": "ana"}
	payload["channel"] = map[string]any{"id": "C0ALERTS", "name": "alerts"}
	payload["container"] = map[string]any{"type": "message_attachment", "message_ts": "1700000000.000100", "channel_id": "C0ALERTS"}
	payload["message"].(map[string]any)["ts"] = "1700000000.000100"
	payload["response_url"] = chat.SlackResponseURL("click", "C0ALERTS", "1700000000.000100")
	now := time.Now()
	payload["actions"] = []any{map[string]any{"action_id": "foghorn:silence:1h", "block_id": "foghorn-actions", "type": "button",
		"value":     `{"a":"silence","f":"1h","c":"example-cluster","s":"checkout-api","k":["task-stopped","crash-loop"]}`,
		"action_ts": fmt.Sprintf("%d.000001", now.Unix())}}
	js, _ := json.Marshal(payload)
	body := "payload=" + url.QueryEscape(string(js))
	ts := strconv.FormatInt(now.Unix(), 10)
	event := func(sig string) []byte {
		e, _ := json.Marshal(map[string]any{
			"version": "2.0", "routeKey": "POST /slack/actions", "rawPath": "/slack/actions", "body": body, "isBase64Encoded": false,
			"headers":        map[string]string{"content-type": "application/x-www-form-urlencoded", "x-slack-request-timestamp": ts, "x-slack-signature": sig},
			"requestContext": map[string]any{"http": map[string]any{"method": "POST", "path": "/slack/actions", "sourceIp": "192.0.2.10"}},
		})
		return e
	}
	api := newRuntimeAPI(event(actions.Sign(secret, ts, []byte(body))), event("v0="+strings.Repeat("0", 64)))
	rt := serve(t, api)
	b := startBootstrap(t, buildBootstrap(t), strings.TrimPrefix(rt.URL, "http://"), ssm.URL(), "/foghorn/test/config",
		"FOGHORN_MODE=actions", "FOGHORN_STATE_TABLE=foghorn-state", "AWS_ENDPOINT_URL_DYNAMODB="+dyn.URL)
	for range 2 {
		select {
		case <-api.done:
		case <-time.After(60 * time.Second):
			t.Fatalf("no answer from the function; logs:\n%s", b.stop())
		}
	}
	logs := b.stop()
	api.mu.Lock()
	defer api.mu.Unlock()
	status := func(id string) int {
		var r struct {
			StatusCode int `json:"statusCode"`
		}
		json.Unmarshal(api.responses[id], &r)
		return r.StatusCode
	}
	if status("req-1") != 200 || status("req-2") != 401 {
		t.Fatalf("answers %s / %s; errors %q; logs:\n%s", api.responses["req-1"], api.responses["req-2"], api.errors, logs)
	}
	if it, ok := dyn.Item("silences"); !ok || !strings.Contains(string(it["data"].B), `"service":"checkout-api"`) {
		t.Errorf("no silence in the table: %v", it)
	}
	var thread int
	for _, r := range chat.Requests(chatfake.TargetSlackResponse) {
		if m, _ := r.JSON.(map[string]any); m["thread_ts"] == "1700000000.000100" {
			thread++
		}
	}
	if thread != 1 {
		t.Errorf("%d thread replies, want 1", thread)
	}
	for _, want := range []string{`"msg":"chat action"`, `"outcome":"done"`, `"msg":"request refused"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %s:\n%s", want, logs)
		}
	}
	if strings.Contains(logs, secret) || strings.Contains(logs, "/actions/AFAKE") {
		t.Errorf("logs leak a secret:\n%s", logs)
	}
}
