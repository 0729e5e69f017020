package chatfake

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/clock"
)

func postResponse(t *testing.T, s *Server, url, body string) (int, string) {
	t.Helper()
	resp, err := s.Client().Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return resp.StatusCode, b.String()
}

// TestResponseURL: a response URL takes messages as Slack's docs describe, five times within
// thirty minutes.
func TestResponseURL(t *testing.T) {
	c := clock.NewFake(time.Date(2026, 8, 30, 12, 0, 0, 0, time.UTC))
	s := New(Options{Clock: c})
	defer s.Close()
	u := s.SlackResponseURL("click-1", "C0ALERTS", "1700000000.000100")
	cases := []struct {
		body, code string
		status     int
	}{
		{`{"text": "Working on it", "response_type": "ephemeral"}`, "", 200},
		{`{"text": "In the thread", "response_type": "in_channel", "replace_original": "false", "thread_ts": "1700000000.000100"}`, "", 200},
		{`{"text": "Replaced", "replace_original": true}`, "", 200},
		{`{"text": "bad flag", "replace_original": "yes"}`, "invalid_payload", 400},
		{`{"text": "bad type", "response_type": "everyone"}`, "invalid_payload", 400},
		{`{"delete_original": "true", "text": "not alone"}`, "invalid_payload", 400},
		{`{"replace_original": "true", "thread_ts": "1.2", "text": "x"}`, "invalid_payload", 400},
		{`{"blocks": [{"type": "section"}]}`, "invalid_blocks", 400},
	}
	for i, tc := range cases {
		if i == 5 {
			u = s.SlackResponseURL("click-2", "C0ALERTS", "1700000000.000100") // five uses spent
		}
		status, body := postResponse(t, s, u, tc.body)
		if status != tc.status || (tc.code != "" && !strings.Contains(body, tc.code)) {
			t.Errorf("%s: %d %s, want %d %s", tc.body, status, body, tc.status, tc.code)
		}
	}
	// The first URL has been used five times: the sixth is refused.
	first := s.SlackResponseURL("click-3", "C0ALERTS", "1.1")
	for range ResponseURLUses {
		postResponse(t, s, first, `{"text": "x"}`)
	}
	if status, body := postResponse(t, s, first, `{"text": "x"}`); status != 404 || !strings.Contains(body, "used_url") {
		t.Errorf("sixth use: %d %s", status, body)
	}
	late := s.SlackResponseURL("click-4", "C0ALERTS", "1.1")
	c.Advance(ResponseURLLife + time.Second)
	if status, body := postResponse(t, s, late, `{"text": "x"}`); status != 404 || !strings.Contains(body, "expired_url") {
		t.Errorf("after thirty minutes: %d %s", status, body)
	}
	if status, _ := postResponse(t, s, s.URL()+"/actions/AFAKE/0000000001/never-handed-out", `{"text": "x"}`); status != 404 {
		t.Errorf("unknown URL: %d", status)
	}
}

// TestUserGroups: usergroups.users.list answers a group's members to a bot token.
func TestUserGroups(t *testing.T) {
	s := New(Options{Strict: true})
	defer s.Close()
	tok := s.SlackBotToken("ops")
	s.SetSlackUserGroup("S0ONCALL", "U0CLEO", "U0DAN")
	ask := func(token, group string) string {
		req, _ := http.NewRequest("POST", s.SlackAPIURL()+"usergroups.users.list", strings.NewReader("usergroup="+group))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := s.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		return b.String()
	}
	if got := ask(tok, "S0ONCALL"); got != `{"ok":true,"users":["U0CLEO","U0DAN"]}` {
		t.Errorf("members: %s", got)
	}
	if got := ask(tok, "S0NOPE"); !strings.Contains(got, "no_such_subteam") {
		t.Errorf("unknown group: %s", got)
	}
	if got := ask("xoxb-not-handed-out", "S0ONCALL"); !strings.Contains(got, "invalid_auth") {
		t.Errorf("unknown token: %s", got)
	}
}

// TestConfirmDialog: buttons' confirmation dialogs are held to Slack's limits.
func TestConfirmDialog(t *testing.T) {
	button := func(confirm string) []byte {
		return []byte(`{"text":"x","blocks":[{"type":"actions","elements":[{"type":"button","action_id":"a","value":"v",
		  "text":{"type":"plain_text","text":"Roll back"},"confirm":` + confirm + `}]}]}`)
	}
	good := `{"title":{"type":"plain_text","text":"Roll back?"},"text":{"type":"plain_text","text":"Sure?"},
	  "confirm":{"type":"plain_text","text":"Roll back"},"deny":{"type":"plain_text","text":"Cancel"},"style":"danger"}`
	if c := CheckSlackMessage(button(good)); c.Code != "" {
		t.Fatalf("good dialog refused: %s", c.Problem)
	}
	for _, bad := range []string{
		`{"title":{"type":"plain_text","text":"x"},"text":{"type":"plain_text","text":"x"},"confirm":{"type":"plain_text","text":"x"}}`,
		strings.Replace(good, `"Roll back?"`, `"`+strings.Repeat("x", 101)+`"`, 1),
		strings.Replace(good, `"Cancel"`, `"`+strings.Repeat("x", 31)+`"`, 1),
		strings.Replace(good, `"danger"}`, `"loud"}`, 1),
		strings.Replace(good, `{"type":"plain_text","text":"Roll back?"}`, `{"type":"mrkdwn","text":"*Roll back?*"}`, 1),
	} {
		if c := CheckSlackMessage(button(bad)); c.Code != "invalid_blocks" {
			t.Errorf("bad dialog taken: %s", bad)
		}
	}
}
