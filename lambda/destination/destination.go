// Package destination builds, from a config document's destination and the values of its
// secret parameters, the chat target that posts for it: Slack (incoming webhook or bot token),
// Discord, Microsoft Teams, Google Chat or the generic signed webhook. Its errors name the SSM
// parameter at fault, never the value.
package destination

import (
	"errors"
	"fmt"
	"strings"

	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/chat/deliver"
	"github.com/foghornhq/foghorn/lambda/chat/discord"
	"github.com/foghornhq/foghorn/lambda/chat/gchat"
	"github.com/foghornhq/foghorn/lambda/chat/slack"
	"github.com/foghornhq/foghorn/lambda/chat/teams"
	"github.com/foghornhq/foghorn/lambda/chat/webhook"
	"github.com/foghornhq/foghorn/lambda/config"
)

// New builds the target for d. The destination must be valid (config.Document.Validate), and
// its secrets of the shape config.CheckSecrets wants: errors say what is wrong with a secret's
// shape and name its parameter, never its value.
func New(d config.Destination, s config.Secrets, client *deliver.Client) (chat.Target, error) {
	if d.Target == config.Webhook && d.SigningSecretParam == "" {
		return nil, fmt.Errorf("destination %q: a webhook destination needs signingSecretParam", d.Name)
	}
	if err := config.CheckSecrets(d.Target, s); err != nil {
		// Named by parameter: the function's operator knows them, not the document's keys.
		param := map[string]string{config.KeySecret: d.SecretParam, config.KeySigningSecret: d.SigningSecretParam}
		var errs []error
		for _, e := range config.Problems(err) {
			errs = append(errs, fmt.Errorf("parameter %q: %s", param[e.Key], e.Message))
		}
		return nil, errors.Join(errs...)
	}
	switch d.Target {
	case config.Slack:
		return slack.NewWebhook(s.Value, client), nil
	case config.SlackBot:
		if strings.TrimSpace(d.Channel) == "" {
			return nil, fmt.Errorf("destination %q: a slack-bot destination needs a channel", d.Name)
		}
		return slack.NewBot(s.Value, d.Channel, client), nil
	case config.Discord:
		return discord.NewWebhook(s.Value, client), nil
	case config.Teams:
		return teams.NewWorkflow(s.Value, client), nil
	case config.GoogleChat:
		return gchat.NewWebhook(s.Value, client), nil
	case config.Webhook:
		return webhook.NewWebhook(s.Value, s.SigningKey, client), nil
	}
	return nil, fmt.Errorf("unknown target %q", d.Target)
}

// RenderOnly returns secrets of the right shape for a target, for building targets that only
// render and never post (the CLI's render and routes commands). The hosts are under .invalid,
// which never resolves.
func RenderOnly(targetName string) config.Secrets {
	s := config.Secrets{Value: "https://render-only.invalid/", SigningKey: "render-only-signing-key"}
	switch targetName {
	case config.SlackBot:
		s.Value = "xoxb-render-only"
	case config.Discord:
		s.Value = "https://render-only.invalid/api/webhooks/0/render-only"
	case config.GoogleChat:
		s.Value = "https://render-only.invalid/v1/spaces/RENDER/messages?key=render-only&token=render-only"
	}
	return s
}
