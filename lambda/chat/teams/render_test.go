package teams

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/foghornhq/foghorn/lambda/internal/chatfake"
	"github.com/foghornhq/foghorn/lambda/internal/fixtures"
)

func TestGolden(t *testing.T) {
	fixtures.GoldenRenders(t, "testdata", fixtures.Samples(), Render, assertAccepted, assertSafe)
}

// assertAccepted: the fake Teams takes the body with 202 and its flow posts the card.
func assertAccepted(t *testing.T, body []byte) {
	t.Helper()
	if len(body) > MaxBody {
		t.Fatalf("body of %d bytes, more than %d", len(body), MaxBody)
	}
	if c := chatfake.CheckTeamsMessage(body); c.Status != 202 || c.Problem != "" {
		t.Fatalf("fake Teams: %d %s", c.Status, c.Problem)
	}
}

type decoded struct {
	Type        string `json:"type"`
	Attachments []struct {
		ContentType string          `json:"contentType"`
		ContentURL  json.RawMessage `json:"contentUrl"`
		Content     struct {
			Version string `json:"version"`
			MSTeams struct {
				Width string `json:"width"`
			} `json:"msteams"`
			Body []struct {
				Type  string `json:"type"`
				Text  string `json:"text"`
				Facts []fact `json:"facts"`
			} `json:"body"`
			Actions []action `json:"actions"`
		} `json:"content"`
	} `json:"attachments"`
}

// assertSafe checks the envelope's exact shape and that no untrusted text became markup: no
// masked link, no {{DATE()}} function, no list, no live broadcast.
func assertSafe(t *testing.T, body []byte) {
	t.Helper()
	var m decoded
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	if m.Type != "message" || len(m.Attachments) != 1 || string(m.Attachments[0].ContentURL) != "null" ||
		m.Attachments[0].ContentType != "application/vnd.microsoft.card.adaptive" {
		t.Fatalf("envelope is not the Workflows shape: %s", body)
	}
	c := m.Attachments[0].Content
	if c.Version != CardVersion || c.MSTeams.Width != "Full" {
		t.Errorf("version %q width %q", c.Version, c.MSTeams.Width)
	}
	check := func(where, s string) {
		t.Helper()
		if !utf8.ValidString(s) {
			t.Errorf("%s: invalid UTF-8", where)
		}
		for _, bad := range []string{"](", "{{", "@everyone", "@here", "@channel"} {
			if strings.Contains(strings.ToLower(s), bad) {
				t.Errorf("%s: %q in %q", where, bad, s)
			}
		}
		if listMarker([]rune(s)) {
			t.Errorf("%s: starts a list: %q", where, s)
		}
	}
	for i, b := range c.Body {
		check("body "+b.Type, b.Text)
		if b.Type == "TextBlock" && strings.TrimSpace(b.Text) == "" {
			t.Errorf("body %d: empty TextBlock", i)
		}
		for _, f := range b.Facts {
			check("fact title", f.Title)
			check("fact value", f.Value)
		}
	}
	if len(c.Actions) > maxActions {
		t.Errorf("%d actions", len(c.Actions))
	}
	for _, a := range c.Actions {
		if a.Type != "Action.OpenUrl" {
			t.Errorf("action %q", a.Type)
		}
	}
}

func TestEscaping(t *testing.T) {
	body, err := Render(fixtures.Samples()["generic-hostile"])
	if err != nil {
		t.Fatal(err)
	}
	s := string(body)
	for _, want := range []string{
		"[click me]\u200b(https://evil.example/phish)", // no masked link
		"*\u200b*\u200burgent*\u200b*\u200b",           // no bold
		"\u200b- list item",                            // no list
		"@\u2060everyone",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("rendering lacks %q:\n%s", want, s)
		}
	}
	for _, bad := range []string{"javascript:", "evil.example|click", "b=<2>"} {
		if strings.Contains(s, `"url":"`+bad) || strings.Contains(s, bad+`"}`) {
			t.Errorf("a bad link became an action: %s", bad)
		}
	}
}

// The huge alert is cut to MaxBody in the documented order: the log tail goes before the
// facts, and the heading, why and small print stay.
func TestShrinkOrder(t *testing.T) {
	body, err := Render(fixtures.Samples()["huge"])
	if err != nil {
		t.Fatal(err)
	}
	if len(body) > MaxBody || len(body) < MaxBody-2000 {
		t.Errorf("body of %d bytes, want just under %d", len(body), MaxBody)
	}
	s := string(body)
	for _, want := range []string{"very long title", "**Stop code:**", "250 events", "more facts not shown", "links not shown"} {
		if !strings.Contains(s, want) {
			t.Errorf("shrunk card lacks %q", want)
		}
	}
	if strings.Contains(s, "Last log lines") && !strings.Contains(s, `"FactSet"`) {
		t.Error("facts were dropped while log lines stayed")
	}

	// Only a log tail over the limit: it alone is cut, from its oldest lines.
	a, newest := fixtures.LongLogTail()
	body, err = Render(a)
	if err != nil {
		t.Fatal(err)
	}
	if len(body) > MaxBody || !strings.Contains(string(body), `"Cluster"`) {
		t.Errorf("facts lost or body too big (%d)", len(body))
	}
	if !strings.Contains(string(body), newest) {
		t.Error("the newest log line was dropped")
	}
}

func TestCutNeverSplitsAGuard(t *testing.T) {
	s := escape("a]b*c{{d")
	for n := 0; n <= len(s)+1; n++ {
		got := cut(s, n)
		if len(got) > n || !utf8.ValidString(got) {
			t.Errorf("cut(%d) = %q", n, got)
		}
		if strings.Contains(strings.TrimSuffix(got, "…"), "]") && strings.HasSuffix(strings.TrimSuffix(got, "…"), "]") {
			t.Errorf("cut(%d) = %q separates ] from its guard", n, got)
		}
	}
}

func FuzzRender(f *testing.F) {
	f.Add(strings.Repeat("🚨", 200), "\x00\xff\u202e", "{{DATE(2017-02-14T06:00:00Z)}}", 40, 30)
	f.Add("- a\n1. b", "* c\n+ d", "[a](https://evil.example)", 119, 39)
	fixtures.Fuzz(f, Render, assertAccepted, assertSafe)
}
