package chatfake

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// apiCall posts a Web API call with a bearer token ("" for none) and decodes the answer.
func apiCall(t *testing.T, s *Server, method, token, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.SlackAPIURL()+method, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

func TestSlackAPIPostUpdateReply(t *testing.T) {
	s, _ := newFake(t, Options{Strict: true})
	tok := s.SlackBotToken("bot")
	s.SlackChannel("#alerts")
	status, m := apiCall(t, s, "chat.postMessage", tok, `{"channel":"#alerts","text":"first"}`)
	if status != 200 || m["ok"] != true || m["ts"] == "" {
		t.Fatalf("post: %d %v", status, m)
	}
	ch, ts := m["channel"].(string), m["ts"].(string)
	if ch != SlackChannelID("#alerts") || !strings.HasPrefix(ch, "C") {
		t.Errorf("channel %q, want the id of #alerts", ch)
	}
	if _, m := apiCall(t, s, "chat.update", tok, `{"channel":"`+ch+`","ts":"`+ts+`","text":"edited"}`); m["ok"] != true || m["ts"] != ts {
		t.Errorf("update: %v", m)
	}
	if _, m := apiCall(t, s, "chat.postMessage", tok, `{"channel":"`+ch+`","thread_ts":"`+ts+`","text":"reply"}`); m["ok"] != true || m["ts"] == ts {
		t.Errorf("reply: %v", m)
	}
	if _, m := apiCall(t, s, "chat.postMessage", "xoxb-never-handed-out", `{"channel":"#alerts","text":"x"}`); m["error"] != "invalid_auth" {
		t.Errorf("under Strict, a token not handed out: %v", m)
	}
	// Without Strict, so that a request naming no channel reaches the checks.
	s2, _ := newFake(t, Options{})
	for _, tc := range []struct {
		name, method, token, body, err string
	}{
		{"no token", "chat.postMessage", "", `{"channel":"C1","text":"x"}`, "not_authed"},
		{"not a bot token", "chat.postMessage", "xoxp-user-token", `{"channel":"C1","text":"x"}`, "invalid_auth"},
		{"no channel", "chat.postMessage", tok, `{"text":"x"}`, "channel_not_found"},
		{"bad json", "chat.postMessage", tok, `{"channel":`, "invalid_json"},
		{"no text", "chat.postMessage", tok, `{"channel":"C1"}`, "no_text"},
		{"bad blocks", "chat.postMessage", tok, `{"channel":"C1","text":"x","blocks":[{"type":"header","text":{"type":"mrkdwn","text":"x"}}]}`, "invalid_blocks"},
		{"update by name", "chat.update", tok, `{"channel":"#alerts","ts":"` + ts + `","text":"x"}`, "channel_not_found"},
		{"update of nothing", "chat.update", tok, `{"channel":"` + ch + `","ts":"1.000000","text":"x"}`, "message_not_found"},
	} {
		srv := s2
		if tc.method == "chat.update" {
			srv = s
		}
		if status, m := apiCall(t, srv, tc.method, tc.token, tc.body); status != 200 || m["ok"] != false || m["error"] != tc.err {
			t.Errorf("%s: %d %v, want ok:false %s", tc.name, status, m, tc.err)
		}
	}
}

func TestSlackAPITruncatesLongText(t *testing.T) {
	s, _ := newFake(t, Options{})
	_, m := apiCall(t, s, "chat.postMessage", "xoxb-any", `{"channel":"C1","text":"`+strings.Repeat("x", 40001)+`"}`)
	meta, _ := m["response_metadata"].(map[string]any)
	if m["ok"] != true || meta == nil || !strings.Contains(strings.Join(toStrings(meta["warnings"]), ","), "message_truncated") {
		t.Errorf("answer %v", m)
	}
}

func toStrings(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, x := range list {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

func TestSlackAPIRateLimitPerChannelAndStates(t *testing.T) {
	s, _ := newFake(t, Options{RateLimit: true})
	if _, m := apiCall(t, s, "chat.postMessage", "xoxb-any", `{"channel":"C1","text":"x"}`); m["ok"] != true {
		t.Fatalf("first: %v", m)
	}
	if status, m := apiCall(t, s, "chat.postMessage", "xoxb-any", `{"channel":"C1","text":"x"}`); status != 429 || m["error"] != "ratelimited" {
		t.Errorf("second in a second, same channel: %d %v", status, m)
	}
	if _, m := apiCall(t, s, "chat.postMessage", "xoxb-any", `{"channel":"C2","text":"x"}`); m["ok"] != true {
		t.Errorf("another channel is not limited: %v", m)
	}
	for st, want := range map[State]string{Archived: "is_archived", Deleted: "channel_not_found", Revoked: "token_revoked"} {
		s.SetState(SlackChannelKey("C3"), st)
		if status, m := apiCall(t, s, "chat.postMessage", "xoxb-any", `{"channel":"C3","text":"x"}`); status != 200 || m["error"] != want {
			t.Errorf("%s: %d %v, want %s", st, status, m, want)
		}
	}
	s.Script(SlackChannelKey("C4"), SlackAPIError("not_in_channel"))
	if _, m := apiCall(t, s, "chat.postMessage", "xoxb-any", `{"channel":"C4","text":"x"}`); m["error"] != "not_in_channel" {
		t.Errorf("scripted: %v", m)
	}
}
