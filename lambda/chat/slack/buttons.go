package slack

import (
	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/chatops"
)

// The action buttons: silence, acknowledge, more logs, continue or roll back, as
// chatops.Offer chooses them for an alert. They send a click to the Slack app's interactivity
// request URL (the actions endpoint), so they go only on messages of destinations whose app
// has interactivity on: slack-bot ones, and webhooks that opt in. Each destructive one asks
// for confirmation in Slack's own dialog before the click is sent.

// RenderWith is Render with the buttons of m: the incoming-webhook body of a destination that
// opted in to buttons.
func RenderWith(a alert.Alert, m chatops.Menu) ([]byte, error) { return render(&a, m, "", false) }

// RenderBotWith is RenderBot with the buttons of m.
func RenderBotWith(a alert.Alert, channel string, m chatops.Menu) ([]byte, error) {
	return render(&a, m, channel, true)
}

// Slack's limits on a confirmation dialog (Block Kit reference: confirmation dialog object).
const (
	MaxConfirmTitle  = 100
	MaxConfirmText   = 300
	MaxConfirmButton = 30
)

type actionButton struct {
	Type     string         `json:"type"`
	Text     textObject     `json:"text"`
	ActionID string         `json:"action_id"`
	Value    string         `json:"value"`
	Style    string         `json:"style,omitempty"`
	Confirm  *confirmDialog `json:"confirm,omitempty"`
}

type confirmDialog struct {
	Title   textObject `json:"title"`
	Text    textObject `json:"text"`
	Confirm textObject `json:"confirm"`
	Deny    textObject `json:"deny"`
	Style   string     `json:"style,omitempty"`
}

// buttonsBlock is the actions block of interactive buttons.
type buttonsBlock struct {
	Type     string         `json:"type"`
	BlockID  string         `json:"block_id"`
	Elements []actionButton `json:"elements"`
}

func (buttonsBlock) blockType() string { return "actions" }

// actionButtons returns the block of the buttons a offers under m, or nil. A button whose
// value cannot be encoded (it would not fit Slack's limit) is left out rather than cut: a cut
// value would act on something else.
func actionButtons(a alert.Alert, m chatops.Menu) block {
	var els []actionButton
	for _, b := range chatops.Offer(&a, m) {
		v, err := b.Value.Encode()
		if err != nil || len(els) == MaxActions {
			continue
		}
		el := actionButton{Type: "button", Text: plainText(plain(b.Label, MaxButtonText)), ActionID: b.ActionID, Value: v, Style: b.Style}
		if c := b.Confirm; c != nil {
			el.Confirm = &confirmDialog{
				Title:   plainText(plain(c.Title, MaxConfirmTitle)),
				Text:    plainText(plain(c.Text, MaxConfirmText)),
				Confirm: plainText(plain(c.OK, MaxConfirmButton)),
				Deny:    plainText(plain(c.Deny, MaxConfirmButton)),
			}
			if b.Style == "danger" {
				el.Confirm.Style = "danger"
			}
		}
		els = append(els, el)
	}
	if len(els) == 0 {
		return nil
	}
	return buttonsBlock{Type: "actions", BlockID: chatops.BlockID, Elements: els}
}
