package chatfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func embedJSON(fields string) string {
	return `{"embeds":[{` + fields + `}]}`
}

func TestDiscordValidation(t *testing.T) {
	s, _ := newFake(t, Options{})
	hook := s.DiscordWebhookURL("validation") + "?wait=true"
	field := func(name, value string) string { return fmt.Sprintf(`{"name":%q,"value":%q}`, name, value) }
	for _, tc := range []struct {
		name    string
		body    string
		code    int    // 0: accepted
		pointer string // the errors object must name this field
	}{
		{"content only", `{"content":"hi"}`, 0, ""},
		{"embed only", embedJSON(`"title":"t","color":13632027,"timestamp":"2026-08-30T12:00:00.000Z"`), 0, ""},
		{"bad json", `{"content":`, DiscordInvalidJSON, ""},
		{"not an object", `[]`, DiscordInvalidJSON, ""},
		{"empty", `{}`, DiscordEmptyMessage, ""},
		{"blank content", `{"content":"   ","embeds":[]}`, DiscordEmptyMessage, ""},
		{"content at 2000", `{"content":"` + strings.Repeat("é", 2000) + `"}`, 0, ""},
		{"content at 2001", `{"content":"` + strings.Repeat("é", 2001) + `"}`, DiscordInvalidFormBody, "content"},
		{"content trimmed before counting", `{"content":"  ` + strings.Repeat("a", 2000) + `  "}`, 0, ""},
		{"11 embeds", `{"embeds":[` + repeatJoin(`{"title":"t"}`, 11) + `]}`, DiscordInvalidFormBody, "embeds"},
		{"title at 257", embedJSON(`"title":"` + strings.Repeat("t", 257) + `"`), DiscordInvalidFormBody, "embeds.0.title"},
		{"description at 4097", embedJSON(`"description":"` + strings.Repeat("d", 4097) + `"`), DiscordInvalidFormBody, "embeds.0.description"},
		{"26 fields", embedJSON(`"fields":[` + repeatJoin(field("n", "v"), 26) + `]`), DiscordInvalidFormBody, "embeds.0.fields"},
		{"field name at 257", embedJSON(`"fields":[` + field(strings.Repeat("n", 257), "v") + `]`), DiscordInvalidFormBody, "embeds.0.fields.0.name"},
		{"field value at 1025", embedJSON(`"fields":[` + field("n", strings.Repeat("v", 1025)) + `]`), DiscordInvalidFormBody, "embeds.0.fields.0.value"},
		{"blank field value", embedJSON(`"fields":[` + field("n", " ") + `]`), DiscordInvalidFormBody, "embeds.0.fields.0.value"},
		{"footer at 2049", embedJSON(`"footer":{"text":"` + strings.Repeat("f", 2049) + `"}`), DiscordInvalidFormBody, "embeds.0.footer.text"},
		{"6000 in all", embedJSON(`"title":"` + strings.Repeat("t", 256) + `","description":"` + strings.Repeat("d", 4096) + `","fields":[` + field("n", strings.Repeat("v", 1024)) + `,` + field("n", strings.Repeat("v", 622)) + `]`), 0, ""},
		{"6001 in all", embedJSON(`"title":"` + strings.Repeat("t", 256) + `","description":"` + strings.Repeat("d", 4096) + `","fields":[` + field("n", strings.Repeat("v", 1024)) + `,` + field("n", strings.Repeat("v", 623)) + `]`), DiscordInvalidFormBody, "embeds"},
		{"6000 across two embeds", `{"embeds":[{"description":"` + strings.Repeat("d", 3000) + `"},{"description":"` + strings.Repeat("d", 3001) + `"}]}`, DiscordInvalidFormBody, "embeds"},
		{"colour as hex string", embedJSON(`"title":"t","color":"#D0021B"`), DiscordInvalidFormBody, "embeds.0.color"},
		{"colour too big", embedJSON(`"title":"t","color":16777216`), DiscordInvalidFormBody, "embeds.0.color"},
		{"timestamp not ISO 8601", embedJSON(`"title":"t","timestamp":"30/08/2026"`), DiscordInvalidFormBody, "embeds.0.timestamp"},
		{"url not a URL", embedJSON(`"title":"t","url":"javascript:alert(1)"`), DiscordInvalidFormBody, "embeds.0.url"},
		{"allowed_mentions empty", `{"content":"x","allowed_mentions":{"parse":[]}}`, 0, ""},
		{"allowed_mentions unknown", `{"content":"x","allowed_mentions":{"parse":["all"]}}`, DiscordInvalidFormBody, "allowed_mentions.parse.0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := postJSON(t, hook, tc.body)
			if tc.code == 0 {
				if status != http.StatusOK {
					t.Fatalf("status %d %s, want 200", status, body)
				}
				return
			}
			var e struct {
				Code   int            `json:"code"`
				Errors map[string]any `json:"errors"`
			}
			if err := json.Unmarshal([]byte(body), &e); err != nil || status != http.StatusBadRequest || e.Code != tc.code {
				t.Fatalf("status %d %s, want 400 code %d", status, body, tc.code)
			}
			if tc.pointer != "" {
				m := e.Errors
				for _, p := range strings.Split(tc.pointer, ".") {
					next, ok := m[p].(map[string]any)
					if !ok {
						t.Fatalf("errors %v do not name %s", e.Errors, tc.pointer)
					}
					m = next
				}
				if _, ok := m["_errors"]; !ok {
					t.Errorf("errors at %s have no _errors: %v", tc.pointer, m)
				}
			}
		})
	}
}

func TestDiscordWaitAndStates(t *testing.T) {
	s, _ := newFake(t, Options{Strict: true})
	hook := s.DiscordWebhookURL("states")
	if status, body := postJSON(t, hook, `{"content":"x"}`); status != http.StatusNoContent || body != "" {
		t.Errorf("without wait: %d %q, want 204", status, body)
	}
	status, body := postJSON(t, hook+"?wait=true", `{"content":"x"}`)
	var msg struct {
		ID      string `json:"id"`
		Content string `json:"content"`
	}
	if status != http.StatusOK || json.Unmarshal([]byte(body), &msg) != nil || msg.ID == "" || msg.Content != "x" {
		t.Errorf("with wait: %d %s", status, body)
	}
	unknown := s.URL() + "/api/webhooks/1/fake-token-never-handed-out"
	if status, body := postJSON(t, unknown, `{"content":"x"}`); status != http.StatusNotFound || !strings.Contains(body, `"code":10015`) {
		t.Errorf("unknown webhook: %d %s", status, body)
	}
	s.SetState(hook, Revoked)
	if status, body := postJSON(t, hook, `{"content":"x"}`); status != http.StatusUnauthorized || !strings.Contains(body, `"code":50027`) {
		t.Errorf("revoked: %d %s", status, body)
	}
}

func TestDiscordRateLimit(t *testing.T) {
	s, clock := newFake(t, Options{RateLimit: true})
	hook := s.DiscordWebhookURL("limited")
	for i := range 5 {
		resp, _ := post(t, hook, "application/json", `{"content":"x"}`)
		if resp.StatusCode != http.StatusNoContent {
			t.Fatalf("post %d: %d", i, resp.StatusCode)
		}
		if got := resp.Header.Get("X-RateLimit-Remaining"); got != strconv.Itoa(4-i) {
			t.Errorf("post %d: remaining %q, want %d", i, got, 4-i)
		}
	}
	resp, body := post(t, hook, "application/json", `{"content":"x"}`)
	var e struct {
		RetryAfter float64 `json:"retry_after"`
		Global     bool    `json:"global"`
	}
	if resp.StatusCode != http.StatusTooManyRequests || json.Unmarshal([]byte(body), &e) != nil || e.RetryAfter != 0.4 || e.Global {
		t.Fatalf("sixth post: %d %s", resp.StatusCode, body)
	}
	if resp.Header.Get("Retry-After") != "1" || resp.Header.Get("X-RateLimit-Scope") != "user" || resp.Header.Get("X-RateLimit-Remaining") != "0" {
		t.Errorf("429 headers %v", resp.Header)
	}
	clock.Advance(400 * time.Millisecond)
	if resp, _ := post(t, hook, "application/json", `{"content":"x"}`); resp.StatusCode != http.StatusNoContent {
		t.Errorf("after the wait: %d", resp.StatusCode)
	}
	if n := s.InvalidAnswers(); n != 1 {
		t.Errorf("%d invalid answers counted, want 1", n)
	}
}

func TestDiscordFaults(t *testing.T) {
	s, _ := newFake(t, Options{})
	hook := s.DiscordWebhookURL("faults")
	s.Script(TargetDiscord, DiscordRateLimited(1.5, true), DiscordError(403, 50013, "Missing Permissions"))
	resp, body := post(t, hook, "application/json", `{"content":"x"}`)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "2" || resp.Header.Get("X-RateLimit-Global") != "true" || !strings.Contains(body, `"retry_after":1.5`) {
		t.Errorf("scripted 429: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	if status, body := postJSON(t, hook, `{"content":"x"}`); status != 403 || !strings.Contains(body, `"code":50013`) {
		t.Errorf("scripted 403: %d %s", status, body)
	}
}
