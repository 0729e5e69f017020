package slack

import (
	"path/filepath"
	"testing"

	"github.com/foghornhq/foghorn/lambda/internal/fixtures"
)

// TestGoldenBotFixtures: the bot's body for every shared AWS fixture, each accepted by the
// fake Slack.
func TestGoldenBotFixtures(t *testing.T) {
	bot := NewBot("xoxb-fake-token-for-tests", "C0FAKEALERTS", nil)
	fixtures.GoldenFixtures(t, filepath.Join("testdata", "bot", "fixtures"), bot.Render, assertAccepted)
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
