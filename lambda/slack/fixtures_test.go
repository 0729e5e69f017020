package slack

import (
	"path/filepath"
	"testing"

	"github.com/foghornhq/foghorn/lambda/fixtures"
)

// TestGoldenFixtures: the webhook's and the bot's body for every shared AWS fixture, each
// accepted by the fake Slack and safe.
func TestGoldenFixtures(t *testing.T) {
	all, err := fixtures.All()
	if err != nil {
		t.Fatal(err)
	}
	bot := NewBot("xoxb-fake-token-for-tests", "C0FAKEALERTS", nil)
	for _, f := range all {
		t.Run(f.Name, func(t *testing.T) {
			var hooks, bots [][]byte
			for _, a := range f.Alerts {
				body, err := Render(a)
				if err != nil {
					t.Fatal(err)
				}
				assertAccepted(t, body)
				assertSafe(t, body)
				hooks = append(hooks, body)
				body, err = bot.Render(a)
				if err != nil {
					t.Fatal(err)
				}
				assertAccepted(t, body)
				bots = append(bots, body)
			}
			fixtures.Golden(t, filepath.Join("testdata", "fixtures", f.Name+".golden.json"), fixtures.PrettyAll(t, hooks), *update)
			fixtures.Golden(t, filepath.Join("testdata", "bot", "fixtures", f.Name+".golden.json"), fixtures.PrettyAll(t, bots), *update)
		})
	}
}

// The bot's body is the webhook's with the channel first.
func TestBotRenderIsTheWebhooksWithAChannel(t *testing.T) {
	for name, a := range fixtures.Samples() {
		hook, err := Render(a)
		if err != nil {
			t.Fatal(err)
		}
		bot, err := NewBot("xoxb-fake-token-for-tests", "#alerts", nil).Render(a)
		if err != nil {
			t.Fatal(err)
		}
		if want := `{"channel":"#alerts",` + string(hook[1:]); string(bot) != want {
			t.Errorf("%s:\n got %s\nwant %s", name, bot, want)
		}
	}
}
