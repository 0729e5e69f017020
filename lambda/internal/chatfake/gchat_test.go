package chatfake

import (
	"encoding/json"
	"strings"
	"testing"
)

func gchatCardJSON(widgets string) string {
	return `{"text":"fallback","cardsV2":[{"cardId":"c1","card":{"header":{"title":"t","subtitle":"s"},"sections":[{"widgets":[` + widgets + `]}]}}]}`
}

func TestGoogleChatValidation(t *testing.T) {
	s, _ := newFake(t, Options{})
	hook := s.GoogleChatWebhookURL("validation")
	button := `{"buttonList":{"buttons":[{"text":"Open","onClick":{"openLink":{"url":"https://console.aws.example/x"}}}]}}`
	for _, tc := range []struct {
		name    string
		body    string
		status  int
		problem string
	}{
		{"text", `{"text":"hi"}`, 200, ""},
		{"card", gchatCardJSON(`{"decoratedText":{"topLabel":"Reason","text":"x"}},{"textParagraph":{"text":"y"}},` + button), 200, ""},
		{"bad json", `{"text":`, 400, "not JSON"},
		{"empty", `{}`, 400, "no text and no cards"},
		{"blank text", `{"text":"  "}`, 400, "no text and no cards"},
		{"card without id", `{"cardsV2":[{"card":{"sections":[]}}]}`, 400, "cardId"},
		{"header without title", `{"cardsV2":[{"cardId":"c","card":{"header":{"subtitle":"s"}}}]}`, 400, "title"},
		{"empty section", gchatCardJSON(``), 400, "widgets"},
		{"unknown widget", gchatCardJSON(`{"marquee":{"text":"x"}}`), 400, "unknown widget"},
		{"two widgets in one", gchatCardJSON(`{"decoratedText":{"text":"x"},"textParagraph":{"text":"y"}}`), 400, "more than one"},
		{"decoratedText without text", gchatCardJSON(`{"decoratedText":{"topLabel":"x"}}`), 400, "text is required"},
		{"button without URL", gchatCardJSON(`{"buttonList":{"buttons":[{"text":"x","onClick":{"openLink":{"url":"javascript:x"}}}]}}`), 400, "openLink"},
		{"at 32000 bytes", `{"text":"` + strings.Repeat("x", 32000-len(`{"text":""}`)) + `"}`, 200, ""},
		{"over 32000 bytes", `{"text":"` + strings.Repeat("x", 32000) + `"}`, 400, "more than 32000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := postJSON(t, hook, tc.body)
			if status != tc.status {
				t.Fatalf("status %d %s, want %d", status, body, tc.status)
			}
			if status != 200 {
				var e struct {
					Error struct {
						Code   int    `json:"code"`
						Status string `json:"status"`
					} `json:"error"`
				}
				if json.Unmarshal([]byte(body), &e) != nil || e.Error.Code != status || e.Error.Status != "INVALID_ARGUMENT" {
					t.Errorf("error body %s is not Google's envelope", body)
				}
				reqs := s.Requests(TargetGoogleChat)
				if p := reqs[len(reqs)-1].Problem; !strings.Contains(p, tc.problem) {
					t.Errorf("problem %q, want it to mention %q", p, tc.problem)
				}
			}
		})
	}
}

func TestGoogleChatThreads(t *testing.T) {
	s, _ := newFake(t, Options{})
	hook := s.GoogleChatWebhookURL("threads")
	thread := func(url, body string) string {
		t.Helper()
		status, answer := postJSON(t, url, body)
		var m struct {
			Name   string `json:"name"`
			Thread struct {
				Name string `json:"name"`
			} `json:"thread"`
		}
		if status != 200 || json.Unmarshal([]byte(answer), &m) != nil || m.Name == "" || m.Thread.Name == "" {
			t.Fatalf("%d %s", status, answer)
		}
		return m.Thread.Name
	}
	reply := hook + "&messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD"
	a1 := thread(reply+"&threadKey=svc-a", `{"text":"1","thread":{"threadKey":"svc-a"}}`)
	a2 := thread(reply, `{"text":"2","thread":{"threadKey":"svc-a"}}`)
	a3 := thread(hook+"&threadKey=svc-a", `{"text":"3"}`) // the older query parameter threads by itself
	b := thread(reply+"&threadKey=svc-b", `{"text":"4","thread":{"threadKey":"svc-b"}}`)
	n1 := thread(hook, `{"text":"5","thread":{"threadKey":"svc-a"}}`) // no reply option: a new thread
	if a1 != a2 || a1 != a3 || a1 == b || n1 == a1 {
		t.Errorf("threads a %s %s %s, b %s, unthreaded %s", a1, a2, a3, b, n1)
	}
	if status, _ := postJSON(t, reply+"&threadKey=x", `{"text":"y","thread":{"threadKey":"z"}}`); status != 400 {
		t.Errorf("conflicting keys: %d, want 400", status)
	}
}

func TestGoogleChatAuthStatesAndQuota(t *testing.T) {
	s, clock := newFake(t, Options{RateLimit: true, Strict: true})
	hook := s.GoogleChatWebhookURL("quota")
	other := s.GoogleChatWebhookURL("auth") // refused requests still spend quota: another space
	base := other[:strings.Index(other, "&token=")]
	for name, url := range map[string]string{"no token": base, "wrong token": base + "&token=forged", "no key": strings.Replace(other, "key=fake-key&", "", 1)} {
		if status, body := postJSON(t, url, `{"text":"x"}`); status != 401 || !strings.Contains(body, "UNAUTHENTICATED") {
			t.Errorf("%s: %d %s", name, status, body)
		}
	}
	for i := range 60 {
		if status, body := postJSON(t, hook, `{"text":"x"}`); status != 200 {
			t.Fatalf("post %d: %d %s", i, status, body)
		}
	}
	if status, body := postJSON(t, hook, `{"text":"x"}`); status != 429 || !strings.Contains(body, "RESOURCE_EXHAUSTED") {
		t.Errorf("61st post in a minute: %d %s", status, body)
	}
	clock.Advance(1e9)
	if status, _ := postJSON(t, hook, `{"text":"x"}`); status != 200 {
		t.Errorf("a second later: %d", status)
	}
	for st, want := range map[State]string{Revoked: "UNAUTHENTICATED", Archived: "PERMISSION_DENIED", Deleted: "NOT_FOUND"} {
		s.SetState(hook, st)
		if _, body := postJSON(t, hook, `{"text":"x"}`); !strings.Contains(body, want) {
			t.Errorf("%s: %s, want %s", st, body, want)
		}
	}
}
