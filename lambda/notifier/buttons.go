package notifier

import (
	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/chat/slack"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/destination"
)

// renderer is how a destination's messages render: as destination.Renderer says, with the
// action buttons of the document's menu on the Slack destinations that carry them
// (config.Document.ButtonsFor). Buttons need no secret either: they carry ids, never a token.
func renderer(doc *config.Document, d config.Destination) (chat.Renderer, error) {
	if !doc.ButtonsFor(d) {
		return destination.Renderer(d)
	}
	menu := doc.Menu()
	if d.Target == config.SlackBot {
		return chat.RenderFunc(func(a alert.Alert) ([]byte, error) { return slack.RenderBotWith(a, d.Channel, menu) }), nil
	}
	return chat.RenderFunc(func(a alert.Alert) ([]byte, error) { return slack.RenderWith(a, menu) }), nil
}
