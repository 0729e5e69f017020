// Package destination builds what a config document's destination needs, by its target:
// the renderer of its messages, which needs no secret (Renderer), and, from the values of its
// secret parameters, the chat target that posts them (New): Slack (incoming webhook or bot
// token), Discord, Microsoft Teams, Google Chat or the generic signed webhook. Its errors name
// the SSM parameter at fault, never the value.
package destination

import (
	"errors"
	"fmt"
	"strings"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/chat/deliver"
	"github.com/foghornhq/foghorn/lambda/chat/discord"
	"github.com/foghornhq/foghorn/lambda/chat/gchat"
	"github.com/foghornhq/foghorn/lambda/chat/slack"
	"github.com/foghornhq/foghorn/lambda/chat/teams"
	"github.com/foghornhq/foghorn/lambda/chat/webhook"
	"github.com/foghornhq/foghorn/lambda/config"
)

// Renderer returns the renderer of d's messages: the same bodies the target New builds posts.
// It needs no secret, so that the CLI can show a message for any document.
func Renderer(d config.Destination) (chat.Renderer, error) {
	switch d.Target {
	case config.Slack:
		return chat.RenderFunc(slack.Render), nil
	case config.SlackBot:
		return chat.RenderFunc(func(a alert.Alert) ([]byte, error) { return slack.RenderBot(a, d.Channel) }), nil
	case config.Discord:
		return chat.RenderFunc(discord.Render), nil
	case config.Teams:
		return chat.RenderFunc(teams.Render), nil
	case config.GoogleChat:
		return chat.RenderFunc(gchat.Render), nil
	case config.Webhook:
		return chat.RenderFunc(webhook.Render), nil
	}
	return nil, fmt.Errorf("unknown target %q", d.Target)
}

// Threaded reports whether d's target can edit a message and reply in its thread (Slack with
// a bot token): the chat.Target New builds for it is then a chat.Threaded.
func Threaded(d config.Destination) bool { return d.Target == config.SlackBot }

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
