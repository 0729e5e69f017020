package chatfake

import (
	"net/http"
	"strings"
	"testing"
)

func teamsCardJSON(body, actions string) string {
	return `{"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","contentUrl":null,` +
		`"content":{"type":"AdaptiveCard","version":"1.4","body":[` + body + `],"actions":[` + actions + `]}}]}`
}

func TestTeamsValidation(t *testing.T) {
	s, _ := newFake(t, Options{})
	hook := s.TeamsWorkflowURL("validation")
	text := `{"type":"TextBlock","text":"hello","wrap":true}`
	open := `{"type":"Action.OpenUrl","title":"Open","url":"https://console.aws.example/x"}`
	for _, tc := range []struct {
		name   string
		body   string
		status int
		failed string // "" when the flow posts the card; else part of the flow run failure
	}{
		{"card", teamsCardJSON(text+`,{"type":"FactSet","facts":[{"title":"a","value":"b"}]}`, open), 202, ""},
		{"bad json", `{"type":`, 400, ""},
		{"no envelope", `{"type":"AdaptiveCard","version":"1.4","body":[]}`, 202, `"type" is not "message"`},
		{"attachments null", `{"type":"message"}`, 202, "'attachments' is of type 'Null'"},
		{"wrong content type", strings.Replace(teamsCardJSON(text, ""), "card.adaptive", "card.hero", 1), 202, "contentType"},
		{"legacy MessageCard", `{"@type":"MessageCard","@context":"https://schema.org/extensions","text":"x"}`, 202, `"type" is not "message"`},
		{"version 1.6", strings.Replace(teamsCardJSON(text, ""), `"1.4"`, `"1.6"`, 1), 202, "version"},
		{"Action.Submit", teamsCardJSON(text, `{"type":"Action.Submit","title":"Roll back"}`), 202, "Action.Submit"},
		{"Action.Submit in an ActionSet", teamsCardJSON(`{"type":"ActionSet","actions":[{"type":"Action.Submit","title":"x"}]}`, ""), 202, "Action.Submit"},
		{"OpenUrl not http", teamsCardJSON(text, `{"type":"Action.OpenUrl","title":"x","url":"javascript:alert(1)"}`), 202, "url"},
		{"TextBlock without text", teamsCardJSON(`{"type":"TextBlock"}`, ""), 202, "text is required"},
		{"unknown element", teamsCardJSON(`{"type":"Marquee"}`, ""), 202, "Marquee"},
		{"at 28 KB", teamsCardJSON(`{"type":"TextBlock","text":"`+strings.Repeat("x", 28<<10-len(teamsCardJSON(`{"type":"TextBlock","text":""}`, "")))+`"}`, ""), 202, ""},
		{"over 28 KB", teamsCardJSON(`{"type":"TextBlock","text":"`+strings.Repeat("x", 28<<10)+`"}`, ""), 413, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := postJSON(t, hook, tc.body)
			if status != tc.status {
				t.Fatalf("status %d %s, want %d", status, body, tc.status)
			}
			if status == http.StatusAccepted && body != "" {
				t.Errorf("202 with a body %q", body)
			}
			reqs := s.Requests(TargetTeams)
			got := reqs[len(reqs)-1].Problem
			switch {
			case tc.failed == "" && tc.status == 202 && got != "":
				t.Errorf("flow failed: %s", got)
			case tc.failed != "" && (!strings.HasPrefix(got, TeamsFlowRunFailed) || !strings.Contains(got, tc.failed)):
				t.Errorf("problem %q, want a flow run failure about %q", got, tc.failed)
			}
		})
	}
}

func TestTeamsSigAndStates(t *testing.T) {
	s, _ := newFake(t, Options{Strict: true})
	hook := s.TeamsWorkflowURL("sig")
	card := teamsCardJSON(`{"type":"TextBlock","text":"x"}`, "")
	base := hook[:strings.Index(hook, "&sig=")]
	for _, tc := range []struct {
		name, url string
		status    int
	}{
		{"right sig", hook, 202},
		{"no sig", base, 401},
		{"wrong sig", base + "&sig=forged", 401},
		{"unknown workflow", s.URL() + "/workflows/ffff/triggers/manual/paths/invoke?sig=x", 404},
	} {
		if status, body := postJSON(t, tc.url, card); status != tc.status {
			t.Errorf("%s: %d %s, want %d", tc.name, status, body, tc.status)
		}
	}
	for st, want := range map[State]int{Revoked: 401, Archived: 403, Deleted: 404} {
		s.SetState(hook, st)
		if status, body := postJSON(t, hook, card); status != want || !strings.Contains(body, `"error"`) {
			t.Errorf("%s: %d %s, want %d", st, status, body, want)
		}
	}
}

func TestTeamsRateLimitAndLegacy(t *testing.T) {
	s, _ := newFake(t, Options{RateLimit: true})
	hook := s.TeamsWorkflowURL("limited")
	card := teamsCardJSON(`{"type":"TextBlock","text":"x"}`, "")
	for i := range 4 {
		if status, _ := postJSON(t, hook, card); status != 202 {
			t.Fatalf("post %d: %d", i, status)
		}
	}
	resp, _ := post(t, hook, "application/json", card)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "1" {
		t.Errorf("fifth post in a second: %d %v", resp.StatusCode, resp.Header)
	}
	s.Reset()
	s.Script(TargetTeams, TeamsLegacyRateLimited())
	if status, body := postJSON(t, hook, card); status != 200 || !strings.Contains(body, "HTTP error 429") {
		t.Errorf("legacy: %d %q", status, body)
	}
}
