package notifier

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/chat/deliver"
	"github.com/foghornhq/foghorn/lambda/clock"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/envelope"
	"github.com/foghornhq/foghorn/lambda/internal/chatfake"
	fx "github.com/foghornhq/foghorn/lambda/internal/fixtures"
)

// processed is the processing time of every test that does not say otherwise.
var processed = time.Date(2031, 6, 1, 9, 0, 0, 0, time.UTC)

// ages are how late a scenario's events arrive: processing time is fixed, and the events are
// dated that much earlier. A backlog, a throttled queue and a DLQ redrive must be told as the
// same events arriving on time.
var ages = []struct {
	name string
	age  time.Duration
}{
	{"on time", 0},
	{"71 minutes late", 71 * time.Minute},
	{"26 hours late", 26 * time.Hour},
	{"13 days late", 13 * 24 * time.Hour},
}

// fixtures lists every real AWS sample and every sample derived from one.
func fixtures(t testing.TB) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, dir := range []string{"aws", "aws-derived"} {
		paths, err := filepath.Glob(filepath.Join("..", "testdata", dir, "*.json"))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			out[strings.TrimSuffix(filepath.Base(p), ".json")] = b
		}
	}
	if len(out) < 27 {
		t.Fatalf("found %d fixtures, want at least the 27 real ones", len(out))
	}
	return out
}

// slackNotifier renders for one Slack destination named "alerts" posting to url.
//
// Every notifier in these tests processes at processed, years after the fixtures' dates, so
// that a test confusing event time with processing time fails whatever the day it runs.
func slackNotifier(t testing.TB, url string, client *deliver.Client, doc *config.Document, opts ...Option) *Notifier {
	t.Helper()
	if doc == nil {
		doc = &config.Document{Version: 1, Destinations: []config.Destination{{Name: "alerts", Target: "slack", SecretParam: "/test/webhook"}}}
	}
	if client == nil {
		client = &deliver.Client{}
	}
	secret := func(context.Context, string) (string, error) { return url, nil }
	n, err := FromDocument(context.Background(), doc, secret, client, append([]Option{WithClock(clock.NewFake(processed))}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

type goldenPlan struct {
	Messages   []Message          `json:"messages"`
	Suppressed []goldenSuppressed `json:"suppressed,omitempty"`
}

type goldenSuppressed struct {
	EventID string `json:"eventId"`
	Title   string `json:"title"`
	Rule    string `json:"rule"`
}

// TestGoldenSlack renders every fixture through the whole pipeline as `foghorn render` does
// and compares with testdata/golden. Each record must either post a message that Slack
// accepts and that names its subject and reason, or be suppressed by a named rule.
func TestGoldenSlack(t *testing.T) {
	for name, payload := range fixtures(t) {
		t.Run(name, func(t *testing.T) {
			// Each fixture is told on its own: a notifier remembers the stories it saw.
			n := slackNotifier(t, "https://hooks.slack.example/services/TFAKE/BFAKE/fake-secret-for-tests", nil, nil)
			recs, err := envelope.Split(payload)
			if err != nil {
				t.Fatal(err)
			}
			plan := n.Plan(context.Background(), recs)
			if got := len(plan.Messages) + len(plan.Suppressed); got < len(recs) {
				t.Fatalf("%d records became %d messages and suppressions: something was dropped", len(recs), got)
			}
			g := goldenPlan{Messages: plan.Messages}
			for _, m := range plan.Messages {
				check := chatfake.CheckSlackMessage(m.Payload)
				if check.Code != "" {
					t.Errorf("Slack would refuse the message: %s (%s)", check.Code, check.Problem)
				}
				if m.Alert.Kind == alert.KindGeneric {
					continue
				}
				if s := m.Alert.Identity.Subject(); s == "" || !bytes.Contains(m.Payload, []byte(s)) {
					t.Errorf("the message does not name its subject %q", s)
				}
				if m.Alert.Reason.Text == "" {
					t.Errorf("alert %q has no reason", m.Alert.Title)
				}
			}
			for _, s := range plan.Suppressed {
				if s.Rule == "" {
					t.Errorf("suppression of %q names no rule", s.Alert.Title)
				}
				g.Suppressed = append(g.Suppressed, goldenSuppressed{EventID: s.Alert.EventID, Title: s.Alert.Title, Rule: s.Rule})
			}
			fx.Golden(t, filepath.Join("testdata", "golden", name+".json"), fx.JSON(t, g))
		})
	}
}
