package slack

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/internal/chatfake"
	"github.com/foghornhq/foghorn/lambda/internal/fixtures"
	"github.com/foghornhq/foghorn/lambda/text"
)

// hostile is what an attacker who can shape an event would put in it, in Slack's own markup.
const hostile = "<!channel> <https://evil.example|click> & @here"

// samples are the shared samples, but for two whose golden files were made before the shared
// set: Slack's hostile alert speaks Slack's markup (hostile, above) where the shared one speaks
// every service's, and its huge alert has no double quotes in its repeated text.
func samples() map[string]alert.Alert {
	s := fixtures.Samples()
	fact := func(label, value string) alert.Fact { return alert.Fact{Label: label, Value: value} }
	link := func(label, url string) alert.Link { return alert.Link{Label: label, URL: url} }
	s["generic-hostile"] = alert.Alert{
		EventID: "66666666", Source: "unknown", Kind: alert.KindGeneric, Event: "unknown", Severity: alert.Warning,
		Title:    hostile,
		Summary:  "Unrecognised message " + hostile,
		Identity: alert.Identity{Region: "<!here>", Account: "<@U123|boss>"},
		Reason:   alert.Reason{Text: hostile, StoppedReason: "*bold* _it_ ~s~ `code` " + hostile},
		Facts:    []alert.Fact{fact(hostile, hostile), fact("Channel", "<#C123>"), fact("", "value with no label"), fact("", "")},
		Links: []alert.Link{
			link(hostile, "https://console.aws.example/?a=1&b=2"),
			link("Angle brackets", "https://console.aws.example/?a=1&b=<2>"),
			link("Fine", "https://console.aws.example/ok"),
			link("Bad", "https://evil.example|click>"),
		},
		Excerpt:  "{\"message\": \"" + hostile + "\", \"code\": \"```\\n@channel ``` `\"}",
		LogLines: []string{hostile, "```", "ends with a backtick`", "@everyone @Here @channelx"},
		Time:     fixtures.Epoch,
	}
	huge := s["huge"]
	huge.Identity.Cluster, huge.Identity.Service = "", ""
	for i := range huge.Facts {
		huge.Facts[i].Value = strings.ReplaceAll(huge.Facts[i].Value, `"q" `, "")
	}
	huge.Links[3].URL = "https://console.aws.example/" + strings.Repeat("p", 3100) // over Slack's 3000: skipped
	for i := range huge.LogLines {
		huge.LogLines[i] = strings.ReplaceAll(huge.LogLines[i], `"`, "")
	}
	huge.Excerpt = strings.ReplaceAll(huge.Excerpt, `"`, "")
	s["huge"] = huge
	return s
}

// TestGolden: the webhook's body for every sample and every shared AWS fixture, each accepted
// by the fake Slack and safe.
func TestGolden(t *testing.T) {
	fixtures.GoldenRenders(t, "testdata", samples(), Render, assertAccepted, assertSafe)
}

// assertAccepted: the fake Slack, which enforces Slack's limits, takes the message.
func assertAccepted(t *testing.T, body []byte) {
	t.Helper()
	if c := chatfake.CheckSlackMessage(body); c.Code != "" || c.Truncated {
		t.Fatalf("fake Slack rejects the message: %s: %s (truncated %v)", c.Code, c.Problem, c.Truncated)
	}
}

// assertSafe checks every mrkdwn string of a rendered message: foghorn's own markup never
// uses <, > or a bare &, so any of them there came from untrusted input unescaped. It also
// checks that broadcast mentions are broken, that code blocks cannot be closed early, and that
// no text object ends with half a rune.
func assertSafe(t *testing.T, body []byte) {
	t.Helper()
	var m struct {
		Text        string `json:"text"`
		Attachments []struct {
			Fallback string `json:"fallback"`
			Blocks   []struct {
				Type     string            `json:"type"`
				Text     *textObject       `json:"text"`
				Fields   []textObject      `json:"fields"`
				Elements []json.RawMessage `json:"elements"`
			} `json:"blocks"`
		} `json:"attachments"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	check := func(where, s string, isMrkdwn bool) {
		t.Helper()
		if !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError) && !strings.Contains(s, "\uFFFD") {
			t.Errorf("%s: invalid UTF-8: %q", where, s)
		}
		for _, r := range s {
			if r != '\n' && text.Unsafe(r) {
				t.Errorf("%s: %U, which the text rules drop, in %q", where, r, s)
			}
		}
		lower := strings.ToLower(s)
		for _, w := range []string{"@here", "@channel", "@everyone"} {
			if strings.Contains(lower, w) {
				t.Errorf("%s: live %s in %q", where, w, s)
			}
		}
		if !isMrkdwn {
			return
		}
		if strings.ContainsAny(s, "<>") {
			t.Errorf("%s: raw < or > in mrkdwn %q", where, s)
		}
		for i := strings.IndexByte(s, '&'); i >= 0; i = next(s, i) {
			rest := s[i:]
			if !strings.HasPrefix(rest, "&amp;") && !strings.HasPrefix(rest, "&lt;") && !strings.HasPrefix(rest, "&gt;") {
				t.Errorf("%s: bare & in mrkdwn at %d: %q", where, i, s)
				break
			}
		}
		if n := strings.Count(s, "```"); n != 0 && n != 2 {
			t.Errorf("%s: %d code fences, want 2: %q", where, n, s)
		}
	}
	check("text", m.Text, true)
	for _, a := range m.Attachments {
		check("fallback", a.Fallback, true)
		for i, b := range a.Blocks {
			where := fmt.Sprintf("block %d (%s)", i, b.Type)
			if b.Text != nil {
				check(where, b.Text.Text, b.Text.Type == "mrkdwn")
			}
			for _, f := range b.Fields {
				check(where+" field", f.Text, f.Type == "mrkdwn")
			}
			for _, raw := range b.Elements {
				var e struct {
					Type string     `json:"type"`
					Text any        `json:"text"`
					Btn  textObject `json:"-"`
				}
				_ = json.Unmarshal(raw, &e)
				switch txt := e.Text.(type) {
				case string:
					check(where+" element", txt, e.Type == "mrkdwn")
				case map[string]any:
					s, _ := txt["text"].(string)
					check(where+" button", s, false)
				}
			}
		}
	}
}

func next(s string, i int) int {
	j := strings.IndexByte(s[i+1:], '&')
	if j < 0 {
		return -1
	}
	return i + 1 + j
}

// The hostile alert's untrusted text shows up escaped, and nothing it says becomes markup.
func TestEscaping(t *testing.T) {
	body, err := Render(samples()["generic-hostile"])
	if err != nil {
		t.Fatal(err)
	}
	s := string(body)
	for _, want := range []string{
		"&lt;!channel&gt; &lt;https://evil.example|click&gt; &amp; @\u2060here", // escaped in mrkdwn
		"`\u200b`\u200b`\u200b",                        // a ``` in a log line cannot close the block
		`"url":"https://console.aws.example/?a=1&b=2"`, // a URL is JSON, not mrkdwn: & kept as is
	} {
		if !strings.Contains(s, want) {
			t.Errorf("rendering lacks %q:\n%s", want, s)
		}
	}
	for _, bad := range []string{`"url":"https://evil.example|click>"`, `"url":"https://console.aws.example/?a=1&b=<2>"`} {
		if strings.Contains(s, bad) {
			t.Errorf("a link that is not a valid URL became a button: %s", bad)
		}
	}
}

func TestTruncationMarksCuts(t *testing.T) {
	body, err := Render(samples()["huge"])
	if err != nil {
		t.Fatal(err)
	}
	s := string(body)
	for _, want := range []string{"80 more facts not shown", "5 links not shown", "250 events", "…"} {
		if !strings.Contains(s, want) {
			t.Errorf("rendering lacks %q", want)
		}
	}
	var raw struct {
		Attachments []struct {
			Blocks []json.RawMessage `json:"blocks"`
		} `json:"attachments"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		t.Fatal(err)
	}
	var actions struct {
		Elements []button `json:"elements"`
	}
	for _, b := range raw.Attachments[0].Blocks {
		if strings.Contains(string(b), `"type":"actions"`) {
			_ = json.Unmarshal(b, &actions)
		}
	}
	if len(actions.Elements) != MaxActions {
		t.Fatalf("%d buttons, want %d", len(actions.Elements), MaxActions)
	}
	if n := utf8.RuneCountInString(actions.Elements[0].Text.Text); n != MaxButtonText {
		t.Errorf("first button label has %d runes, want %d", n, MaxButtonText)
	}
}

// FuzzRender fills every field with arbitrary text: rendering never panics, the fake Slack
// always takes the result, and the escaping invariants hold.
func FuzzRender(f *testing.F) {
	f.Add(hostile, "```", "é&<>", 3, 2)
	f.Add(strings.Repeat("🚨", 200), "\x00\xff\u202e", "@here", 40, 30)
	fixtures.Fuzz(f, Render, assertAccepted, assertSafe)
}

// Slack cleans by the same rules as every other target: tabs become spaces, and the
// invisible characters text.Unsafe names (U+061C, U+200E, U+2028, C1 controls) go, in the
// header, the why, the code blocks and the buttons alike.
func TestSharedTextRules(t *testing.T) {
	a := alert.Alert{
		Severity: alert.Critical, Title: "file\u200e\u061cname", Summary: "a\u2028b",
		Reason:   alert.Reason{Text: "line\u2029one\n\tindented\u0085"},
		Excerpt:  "raw\tevent\u200f",
		LogLines: []string{"\tat Cart.load(Cart.java:42)\u202e"},
		Links:    []alert.Link{{Label: "open\u2066", URL: "https://console.aws.example/a\u0085b"}, {Label: "ok", URL: "https://console.aws.example/ok"}},
	}
	body, err := Render(a)
	if err != nil {
		t.Fatal(err)
	}
	assertSafe(t, body)
	if bytes.Contains(body, []byte("\\t")) || bytes.Contains(body, []byte("a\u0085b")) {
		t.Errorf("a tab or a link with a control character got through: %s", body)
	}
	if !bytes.Contains(body, []byte(`\n at Cart.load`)) || !bytes.Contains(body, []byte("https://console.aws.example/ok")) {
		t.Errorf("the log line's indentation or the good link is missing: %s", body)
	}
}
