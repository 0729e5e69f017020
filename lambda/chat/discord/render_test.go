package discord

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/foghornhq/foghorn/lambda/internal/chatfake"
	"github.com/foghornhq/foghorn/lambda/internal/fixtures"
)

// TestGolden: one golden file per hand-built alert, and one per shared AWS fixture holding
// the bodies of all its records' alerts.
func TestGolden(t *testing.T) {
	fixtures.GoldenRenders(t, "testdata", fixtures.Samples(), Render, assertAccepted, assertSafe)
}

// assertAccepted: the fake Discord, which enforces Discord's limits, takes the message.
func assertAccepted(t *testing.T, body []byte) {
	t.Helper()
	if c := chatfake.CheckDiscordMessage(body); c.Status != 200 {
		t.Fatalf("fake Discord rejects the message: %d code %d: %s", c.Status, c.Code, c.Problem)
	}
}

// decoded is the rendered message read back.
type decoded struct {
	Content         string  `json:"content"`
	Embeds          []embed `json:"embeds"`
	AllowedMentions *struct {
		Parse []string `json:"parse"`
	} `json:"allowed_mentions"`
}

// assertSafe checks what a rendered message promises beyond the limits: nothing can ping,
// untrusted text never becomes a mention, a masked link or a code fence, and every length
// holds in UTF-16 units too.
func assertSafe(t *testing.T, body []byte) {
	t.Helper()
	var m decoded
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	if m.AllowedMentions == nil || m.AllowedMentions.Parse == nil || len(m.AllowedMentions.Parse) != 0 {
		t.Errorf(`allowed_mentions is not {"parse": []}: %s`, body)
	}
	if len(m.Embeds) != 1 {
		t.Fatalf("%d embeds, want 1", len(m.Embeds))
	}
	e := m.Embeds[0]
	check := func(where, s string, max int, markdown bool) {
		t.Helper()
		if !utf8.ValidString(s) {
			t.Errorf("%s: invalid UTF-8", where)
		}
		if units(s) > max {
			t.Errorf("%s: %d units, more than %d", where, units(s), max)
		}
		lower := strings.ToLower(s)
		for _, w := range []string{"@everyone", "@here"} {
			if strings.Contains(lower, w) {
				t.Errorf("%s: live %s in %q", where, w, s)
			}
		}
		if n := strings.Count(s, "```"); n%2 != 0 {
			t.Errorf("%s: %d code fences: %q", where, n, s)
		}
		if !markdown {
			return
		}
		// Outside code blocks, which Discord shows verbatim, every "<" is escaped and no
		// masked link comes from untrusted text.
		text := outsideCode(s)
		for i := strings.IndexByte(text, '<'); i >= 0; i = next(text, i, '<') {
			if i == 0 || text[i-1] != '\\' {
				t.Errorf("%s: unescaped < at %d: %q", where, i, text)
				break
			}
		}
		if strings.Contains(text, "](https://evil") && !strings.Contains(text, `\](https://evil`) {
			t.Errorf("%s: a masked link from untrusted text: %q", where, text)
		}
	}
	check("content", m.Content, MaxContent, true)
	check("title", e.Title, MaxTitle, true)
	check("description", e.Description, MaxDescription, true)
	total := units(strings.TrimSpace(e.Title)) + units(strings.TrimSpace(e.Description))
	if len(e.Fields) > MaxFields {
		t.Errorf("%d fields", len(e.Fields))
	}
	for i, f := range e.Fields {
		check("field name", f.Name, MaxFieldName, true)
		check("field value", f.Value, MaxFieldValue, true)
		if strings.TrimSpace(f.Name) == "" || strings.TrimSpace(f.Value) == "" {
			t.Errorf("field %d is blank: %+v", i, f)
		}
		total += units(strings.TrimSpace(f.Name)) + units(strings.TrimSpace(f.Value))
	}
	if e.Footer != nil {
		check("footer", e.Footer.Text, MaxFooter, false)
		total += units(strings.TrimSpace(e.Footer.Text))
	}
	if total > MaxEmbedTotal {
		t.Errorf("embed total %d units, more than %d", total, MaxEmbedTotal)
	}
}

// outsideCode drops the fenced code blocks of s.
func outsideCode(s string) string {
	parts := strings.Split(s, "```")
	var b strings.Builder
	for i := 0; i < len(parts); i += 2 {
		b.WriteString(parts[i])
	}
	return b.String()
}

func next(s string, i int, c byte) int {
	j := strings.IndexByte(s[i+1:], c)
	if j < 0 {
		return -1
	}
	return i + 1 + j
}

// renderSample renders the shared sample named name and reads the message back.
func renderSample(t *testing.T, name string) ([]byte, decoded) {
	t.Helper()
	body, err := Render(fixtures.Samples()[name])
	if err != nil {
		t.Fatal(err)
	}
	var m decoded
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	return body, m
}

// The hostile alert's text shows up escaped: no masked link, no mention, no heading or quote.
func TestEscaping(t *testing.T) {
	body, m := renderSample(t, "generic-hostile")
	e := m.Embeds[0]
	for _, want := range []string{
		`\[click me\](https://evil.example/phish)`, // a masked link in text stays text
		`@` + "\u2060" + `everyone`,                // broken, and allowed_mentions stops it anyway
		`\<@&123456>`,                              // role mention syntax escaped
		`\*\*urgent\*\*`,
		`\|\|spoiler\|\|`,
		"\n\\- list item\n\\> quote\n1\\. numbered", // line starts that would be markup
		"`\u200b`\u200b`\u200b",                     // a fence in a log line cannot close the block
	} {
		if !strings.Contains(e.Description+e.Title+m.Content, want) {
			t.Errorf("rendering lacks %q:\n%s", want, body)
		}
	}
	var links string
	for _, f := range e.Fields {
		if f.Name == "Links" {
			links = f.Value
		}
	}
	for _, want := range []string{"(https://console.aws.example/a_%28b%29)", "(https://console.aws.example/?a=1&b=2)"} {
		if !strings.Contains(links, want) {
			t.Errorf("links field lacks %q: %q", want, links)
		}
	}
	for _, bad := range []string{"javascript:", "evil.example|click", "b=<2>"} {
		if strings.Contains(links, bad) {
			t.Errorf("a link that is not a valid http(s) URL was kept: %q", links)
		}
	}
	if strings.Contains(e.Footer.Text, "\\") {
		t.Errorf("the footer does not render markdown, yet has escapes: %q", e.Footer.Text)
	}
}

// The huge alert fills the embed close to Discord's 6000 total, not beyond, and says what it left out.
func TestHugeUsesTheWholeBudget(t *testing.T) {
	_, m := renderSample(t, "huge")
	e := m.Embeds[0]
	total := units(e.Title) + units(e.Description) + units(e.Footer.Text)
	for _, f := range e.Fields {
		total += units(f.Name) + units(f.Value)
	}
	if total > MaxEmbedTotal || total < MaxEmbedTotal-notesBudget-minFactValue-100 {
		t.Errorf("embed total %d, want just under %d", total, MaxEmbedTotal)
	}
	for _, want := range []string{"more facts not shown", "links not shown", "250 events"} {
		if !strings.Contains(e.Footer.Text, want) {
			t.Errorf("footer lacks %q: %q", want, e.Footer.Text)
		}
	}
	if !strings.Contains(e.Description, "**Last log lines**") {
		t.Error("the log tail was dropped although the description had room")
	}
}

func TestJoinNeverSplitsAnEscape(t *testing.T) {
	for n := 0; n <= 12; n++ {
		got := md(`a*b*c_d`, n)
		if units(got) > n {
			t.Errorf("md(%d) = %q, %d units", n, got, units(got))
		}
		if strings.HasSuffix(strings.TrimSuffix(got, "…"), `\`) {
			t.Errorf("md(%d) = %q ends inside an escape", n, got)
		}
	}
	if got := md("🚨🚨🚨", 4); got != "🚨…" {
		t.Errorf("astral runes count two units: got %q", got)
	}
}

func TestWaitURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://discord.example/api/webhooks/0000/fake-token":             "https://discord.example/api/webhooks/0000/fake-token?wait=true",
		"https://discord.example/api/webhooks/0000/fake-token?thread_id=9": "https://discord.example/api/webhooks/0000/fake-token?thread_id=9&wait=true",
		"https://discord.example/api/webhooks/0000/fake-token?wait=false":  "https://discord.example/api/webhooks/0000/fake-token?wait=true",
	} {
		if got := WaitURL(in); got != want {
			t.Errorf("WaitURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzRender fills every field with arbitrary text: rendering never panics, the fake Discord
// always takes the result, and the safety invariants hold.
func FuzzRender(f *testing.F) {
	f.Add("# h\n- l\n> q", "1. x\n2) y", "[a](https://evil.example)", 119, 39)
	fixtures.Fuzz(f, Render, assertAccepted, assertSafe)
}
