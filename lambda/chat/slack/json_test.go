package slack

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/chatops"
	"github.com/foghornhq/foghorn/lambda/internal/fixtures"
	"github.com/foghornhq/foghorn/lambda/text"
)

// The direct writer's bytes are the block tree's, encoded by reflection (tree_test.go), for
// webhook and bot messages, with buttons and without: for every sample, every shared AWS
// fixture's alerts, and alerts made of hostile and oversized text.
func TestRenderMatchesTree(t *testing.T) {
	for name, a := range samples() {
		t.Run(name, func(t *testing.T) { checkRender(t, a) })
	}
	all, err := fixtures.All()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range all {
		t.Run(f.Name, func(t *testing.T) {
			for _, a := range f.Alerts {
				checkRender(t, a)
			}
		})
	}
	t.Run("generated", func(t *testing.T) {
		r := rand.New(rand.NewPCG(11, 7))
		for range 250 {
			if !checkRender(t, randomAlert(r)) {
				return
			}
		}
	})
	t.Run("header over the cleaning's bound", func(t *testing.T) {
		for _, title := range []string{
			"a" + strings.Repeat(" ", text.MaxInput-6) + "hello",
			strings.Repeat("é", text.MaxInput/2),
			strings.Repeat(" ", text.MaxInput-10) + "x" + strings.Repeat("y", 20),
		} {
			checkRender(t, alert.Alert{Severity: alert.Critical, Title: title})
		}
	})
}

// FuzzRenderMatchesTree: whatever the alert holds, the direct writer writes the tree's bytes.
func FuzzRenderMatchesTree(f *testing.F) {
	f.Add("a\"b\\c", "\u2028\xff<&>", "```\x00", 3, 2)
	f.Add("", "", "", 0, 0)
	f.Add(strings.Repeat("🚨", 200), "\x00\xff\u202e", "@here", 40, 30)
	f.Add(hostile, "*bold* _it_ `code` \r\n\t", "<https://evil.example|x> &amp;", 25, 39)
	f.Add(strings.Repeat("&<>", 700), strings.Repeat("é\"", 900), "\xe2\x80", 119, 27)
	f.Add(" \u00a0 ", "\u200e\u061c\u0085", "  @channel  ", 11, 1)
	f.Fuzz(func(t *testing.T, a, b, c string, facts, links int) {
		checkRender(t, fixtures.FuzzAlert(a, b, c, facts, links))
	})
}

// checkRender compares the four renderings of a with the tree's; it reports whether they
// matched.
func checkRender(t *testing.T, a alert.Alert) bool {
	t.Helper()
	ok := true
	for _, c := range []struct {
		name    string
		render  func() ([]byte, error)
		m       chatops.Menu
		channel string
		bot     bool
	}{
		{"Render", func() ([]byte, error) { return Render(a) }, nil, "", false},
		{"RenderBot", func() ([]byte, error) { return RenderBot(a, "#alerts") }, nil, "#alerts", true},
		{"RenderWith", func() ([]byte, error) { return RenderWith(a, menu) }, menu, "", false},
		{"RenderBotWith", func() ([]byte, error) { return RenderBotWith(a, "C0\"FAKE", menu) }, menu, "C0\"FAKE", true},
	} {
		want, err := referenceRender(a, c.m, c.channel, c.bot)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := c.render(); err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s of %q: %v\n got %s\nwant %s\nfirst difference at byte %d", c.name, a.Title, err, got, want, firstDiff(got, want))
			ok = false
		}
	}
	return ok
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// pieces are what hostile or unlucky text is made of: JSON's escapes, Slack's markup and
// entities, control and invisible characters, broken and multibyte UTF-8, mentions, white
// space, and the ellipsis cuts end with.
var pieces = []string{
	"a", "word ", "Bob", `"`, `\`, "<", ">", "&", "&amp;", "`", "```", "*", "_", "~", "|",
	"\x00", "\x1f", "\x7f", "\b", "\f", "\r", "\n", "\r\n", "\t", "  ", " ", "\u00a0",
	"\xff", "\xe2\x80", "\xed\xa0\x80", "é", "日本", "🚨", "\u2028", "\u2029", "\u202e", "\u200b", "\u2060", "\u0085",
	"@here", "@Channel", "@everyone", "@", "…", "—", "•", "https://x.example/", ":warning:",
}

// randomText is 0 to about n runes of pieces, sometimes one piece repeated past Slack's limits.
func randomText(r *rand.Rand, n int) string {
	var b strings.Builder
	if r.IntN(8) == 0 {
		p := pieces[r.IntN(len(pieces))]
		return strings.Repeat(p, r.IntN(2*n+1))
	}
	for range r.IntN(n + 1) {
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.String()
}

// randomAlert fills every field the message shows with randomText, of lengths around each of
// Slack's limits and foghorn's budgets.
func randomAlert(r *rand.Rand) alert.Alert {
	sizes := []int{0, 3, 20, 80, 160, 500, 1200, 3200}
	txt := func() string { return randomText(r, sizes[r.IntN(len(sizes))]) }
	severities := []alert.Severity{alert.Critical, alert.Warning, alert.Info, alert.Resolved, "", "odd"}
	kinds := []alert.Kind{alert.KindGeneric, alert.KindLog, alert.KindDeployment, alert.Kind(txt())}
	a := alert.Alert{
		Severity: severities[r.IntN(len(severities))], Kind: kinds[r.IntN(len(kinds))],
		Title: txt(), Summary: txt(), Origin: txt(),
		Identity: alert.Identity{Region: txt(), Account: txt(), Cluster: txt(), Service: txt()},
		Reason:   alert.Reason{Text: txt(), StopCode: txt(), StoppedReason: txt(), Deployment: txt(), Alarm: txt()},
		Excerpt:  txt(),
		Count:    r.IntN(3) * r.IntN(1000),
	}
	if r.IntN(2) == 0 {
		a.Time = time.Date(2026, 8, 30, 12, 0, 0, 0, time.FixedZone("x", 3600)).Add(time.Duration(r.Int64N(1e15)))
	}
	for range r.IntN(3) {
		c := alert.Container{Name: txt(), Reason: txt(), Status: txt()}
		if r.IntN(2) == 0 {
			code := r.IntN(256)
			c.ExitCode = &code
		}
		a.Reason.Containers = append(a.Reason.Containers, c)
	}
	for range r.IntN(4) * r.IntN(12) {
		a.Facts = append(a.Facts, alert.Fact{Label: txt(), Value: txt()})
	}
	urls := []string{"https://console.aws.example/a?b=1&c=2", "http://x.example/日本", "javascript:alert(1)",
		"https://x.example/" + strings.Repeat("p", 3000), "https://x.example/a b", ""}
	for range r.IntN(3) * r.IntN(14) {
		a.Links = append(a.Links, alert.Link{Label: txt(), URL: urls[r.IntN(len(urls))] + randomText(r, 2)})
	}
	for range r.IntN(3) * r.IntN(30) {
		a.LogLines = append(a.LogLines, txt())
	}
	return a
}

// hasEscapes agrees with strings.ContainsAny, whichever of a word's bytes is escaped.
func TestHasEscapesByWords(t *testing.T) {
	edges := []byte{'&', '<', '>', '`', '=', '?', '>' ^ 2, '<' ^ 1, 0x00, 0x80, 0xff, 0x25, 0x27, 0x5f, 0x61, 'a', 'a', 'a', 'a', 'a'}
	r := rand.New(rand.NewPCG(2, 2))
	for range 200000 {
		b := make([]byte, r.IntN(20))
		for i := range b {
			b[i] = edges[r.IntN(len(edges))]
		}
		if got, want := hasEscapes(string(b)), strings.ContainsAny(string(b), "&<>`"); got != want {
			t.Fatalf("hasEscapes(%q) = %v, want %v", b, got, want)
		}
	}
}

func TestHasEscapes(t *testing.T) {
	for _, s := range []string{"", "plain text", "a & b", "<", "x>", "`code`", "é🚨\u2028", "\x00\xff"} {
		if got, want := hasEscapes(s), strings.ContainsAny(s, "&<>`"); got != want {
			t.Errorf("hasEscapes(%q) = %v, want %v", s, got, want)
		}
	}
}

// appendEscapeCut writes what escapeCut makes, JSON-escaped, and counts its runes right.
func TestAppendEscapeCut(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	for range 20000 {
		s := randomText(r, 30)
		if r.IntN(4) > 0 {
			s = clean(s, r.IntN(2) == 0)
		}
		checkEscapeCut(t, s, r.IntN(70)-2)
	}
}

func FuzzAppendEscapeCut(f *testing.F) {
	f.Add("a&b<c>d`e", 5)
	f.Add("é\xff🚨\"\\\n&&&", 4)
	f.Fuzz(checkEscapeCut)
}

func checkEscapeCut(t *testing.T, s string, n int) {
	t.Helper()
	want := escapeCut(s, n)
	got, runes := appendEscapeCut([]byte("x"), s, n, true)
	if w := chat.AppendStringContents([]byte("x"), want); !bytes.Equal(got, w) || runes != utf8.RuneCountInString(want) {
		t.Fatalf("appendEscapeCut(%q, %d) = %s (%d runes), escapeCut makes %s (%d runes)", s, n, got[1:], runes, w[1:], utf8.RuneCountInString(want))
	}
}

// appendDateTime writes what AppendFormat writes with time.DateTime, in and out of the years
// it writes itself.
func TestAppendDateTime(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 1))
	for _, tm := range []time.Time{{}, time.Date(-1, 12, 31, 23, 59, 59, 0, time.UTC), time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), fixtures.Epoch} {
		checkDateTime(t, tm)
	}
	for range 100000 {
		checkDateTime(t, time.Unix(r.Int64N(1<<40)-1<<39, 0).UTC())
	}
}

func checkDateTime(t *testing.T, tm time.Time) {
	t.Helper()
	if got, want := appendDateTime(nil, tm), tm.AppendFormat(nil, time.DateTime); !bytes.Equal(got, want) {
		t.Fatalf("appendDateTime(%v) = %s, want %s", tm, got, want)
	}
}
