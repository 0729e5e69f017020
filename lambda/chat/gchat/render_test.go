package gchat

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/internal/chatfake"
	"github.com/foghornhq/foghorn/lambda/internal/fixtures"
)

func TestGolden(t *testing.T) {
	fixtures.GoldenRenders(t, "testdata", fixtures.Samples(), Render, assertAccepted, assertSafe)
}

func assertAccepted(t *testing.T, body []byte) {
	t.Helper()
	if len(body) > MaxBody {
		t.Fatalf("body of %d bytes, more than %d", len(body), MaxBody)
	}
	if c := chatfake.CheckGoogleChatMessage(body); c.Status != 200 {
		t.Fatalf("fake Google Chat: %d %s: %s", c.Status, c.Code, c.Problem)
	}
}

// assertSafe: the text cannot mention anyone or form a link, card text holds only foghorn's
// own tags (<b>, <br>), and every string is valid UTF-8.
func assertSafe(t *testing.T, body []byte) {
	t.Helper()
	var m message
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<users/", "<http", "@all", "@everyone"} {
		if strings.Contains(strings.ToLower(m.Text), bad) {
			t.Errorf("text: %q in %q", bad, m.Text)
		}
	}
	if len(m.CardsV2) != 1 || m.CardsV2[0].CardID == "" {
		t.Fatalf("cards %+v", m.CardsV2)
	}
	check := func(where, s string) {
		t.Helper()
		if !utf8.ValidString(s) {
			t.Errorf("%s: invalid UTF-8", where)
		}
		rest := strings.NewReplacer("<b>", "", "</b>", "", "<br>", "").Replace(s)
		if strings.ContainsAny(rest, "<>") {
			t.Errorf("%s: a tag foghorn did not write: %q", where, s)
		}
		for i := strings.IndexByte(rest, '&'); i >= 0; i = strings.IndexByte(rest, '&') {
			if !strings.HasPrefix(rest[i:], "&amp;") && !strings.HasPrefix(rest[i:], "&lt;") && !strings.HasPrefix(rest[i:], "&gt;") {
				t.Errorf("%s: bare & in %q", where, s)
				break
			}
			rest = rest[i+1:]
		}
	}
	for _, sec := range m.CardsV2[0].Card.Sections {
		for _, w := range sec.Widgets {
			if w.DecoratedText != nil {
				check("decoratedText", w.DecoratedText.Text)
				check("topLabel", w.DecoratedText.TopLabel)
			}
			if w.TextParagraph != nil {
				check("textParagraph", w.TextParagraph.Text)
			}
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
		"<\u200busers/all>",                       // no mention in the text
		"&lt;users/all&gt;",                       // nor in a card
		`&lt;a href=\"https://evil.example\"&gt;`, // no link in a card (as JSON)
		"@\u2060everyone",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("rendering lacks %q:\n%s", want, s)
		}
	}
}

func TestThreadKey(t *testing.T) {
	svc := alert.Identity{Account: "111122223333", Region: "eu-west-1", Cluster: "prod", Service: "checkout-api"}
	for _, tc := range []struct {
		id   alert.Identity
		want string
	}{
		{svc, "foghorn/111122223333/eu-west-1/service/prod/checkout-api"},
		{alert.Identity{Account: "1", Region: "r", AlarmName: "HighCPU"}, "foghorn/1/r/alarm/HighCPU"},
		{alert.Identity{Region: "r", Cluster: "prod"}, "foghorn/-/r/cluster/prod"},
		{alert.Identity{}, ""},
	} {
		if got := ThreadKey(alert.Alert{Identity: tc.id}); got != tc.want {
			t.Errorf("ThreadKey(%+v) = %q, want %q", tc.id, got, tc.want)
		}
	}
	// Every task of a service shares its thread, whatever else differs.
	a := ThreadKey(alert.Alert{Identity: svc, Title: "x"})
	b := svc
	b.TaskID, b.TaskFamily = "other", "other"
	if ThreadKey(alert.Alert{Identity: b, Kind: alert.KindDeployment}) != a {
		t.Error("two alerts of one service got different threads")
	}
	long1, long2 := svc, svc
	long1.Service = strings.Repeat("s", 300) + "1"
	long2.Service = strings.Repeat("s", 300) + "2"
	k1, k2 := ThreadKey(alert.Alert{Identity: long1}), ThreadKey(alert.Alert{Identity: long2})
	if len(k1) > maxThreadKey || k1 == k2 {
		t.Errorf("long keys %q and %q", k1, k2)
	}
}

func TestShrinkOrder(t *testing.T) {
	body, err := Render(fixtures.Samples()["huge"])
	if err != nil {
		t.Fatal(err)
	}
	if len(body) > MaxBody || len(body) < MaxBody-3000 {
		t.Errorf("body of %d bytes, want just under %d", len(body), MaxBody)
	}
	a, newest := fixtures.LongLogTail()
	body, err = Render(a)
	if err != nil {
		t.Fatal(err)
	}
	if len(body) > MaxBody || !strings.Contains(string(body), `"topLabel":"Cluster"`) {
		t.Errorf("facts lost or body too big (%d)", len(body))
	}
	if !strings.Contains(string(body), newest) {
		t.Error("the newest log line was dropped")
	}
}

func TestCutKeepsEntitiesWhole(t *testing.T) {
	s := html("a&b<c>d")
	for n := 0; n <= len(s); n++ {
		got := strings.TrimSuffix(cut(s, n), "…")
		if i := strings.LastIndexByte(got, '&'); i >= 0 && !strings.Contains(got[i:], ";") {
			t.Errorf("cut(%d) = %q splits an entity", n, got)
		}
	}
}

func FuzzRender(f *testing.F) {
	f.Add(strings.Repeat("🚨", 200), "\x00\xff\u202e", "<users/all>", 40, 30)
	f.Add("&amp;", "<b>x</b>", "<a href='x'>", 119, 39)
	fixtures.Fuzz(f, Render, assertAccepted, assertSafe)
}
