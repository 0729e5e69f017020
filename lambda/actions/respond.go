package actions

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/chat/deliver"
	"github.com/foghornhq/foghorn/lambda/chat/slack"
	"github.com/foghornhq/foghorn/lambda/chatops"
)

// The endpoint answers through the click's response_url, which Slack gives with every click
// and which works for bot and webhook messages alike, up to five times in thirty minutes: an
// ephemeral line to the person who clicked, a reply in the alert's thread, or the alert
// replaced by an edited copy. ("Handling user interaction", docs.slack.dev: the booleans are
// written as the strings "true" and "false", as the docs do.) When a post through the
// response_url fails and a bot token is configured, thread replies go through chat.postMessage.

// responseBody is a post to a response_url.
type responseBody struct {
	Text            string            `json:"text"`
	Blocks          []json.RawMessage `json:"blocks,omitempty"`
	Attachments     []map[string]any  `json:"attachments,omitempty"`
	ResponseType    string            `json:"response_type,omitempty"`
	ReplaceOriginal string            `json:"replace_original,omitempty"`
	ThreadTS        string            `json:"thread_ts,omitempty"`
}

// Responder posts to response URLs. The URLs are never logged or put in errors.
type Responder struct {
	Client *deliver.Client
	// Bot, if set, posts thread replies when a response_url post fails.
	Bot *slack.Bot
}

// CheckResponse classifies a response_url answer: 200 with "ok" or {"ok":true} is delivered;
// 404 and 410 (the URL expired or was used five times) are gone; the rest as any webhook.
func CheckResponse(resp deliver.Response) deliver.Verdict {
	if resp.Status == http.StatusOK {
		var v struct {
			OK    bool   `json:"ok"`
			Error string `json:"error"`
		}
		if string(resp.Body) == "ok" || (json.Unmarshal(resp.Body, &v) == nil && v.OK) {
			return deliver.Verdict{Class: deliver.Delivered}
		}
	}
	return slack.Check(resp)
}

func (r *Responder) post(ctx context.Context, responseURL string, b responseBody) error {
	body, err := json.Marshal(b)
	if err != nil {
		return err
	}
	h := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
	_, err = r.Client.Do(ctx, deliver.Request{URL: responseURL, Header: h, Body: body}, CheckResponse)
	return deliver.Redact(err)
}

// Ephemeral shows text to the person who clicked, and to nobody else.
func (r *Responder) Ephemeral(ctx context.Context, c Click, text string) error {
	return r.post(ctx, c.ResponseURL, responseBody{Text: text, ResponseType: "ephemeral", ReplaceOriginal: "false"})
}

// Thread posts a reply in the clicked alert's thread, for the whole channel to see.
func (r *Responder) Thread(ctx context.Context, c Click, reply slack.Reply) error {
	m := reply.Message()
	err := r.post(ctx, c.ResponseURL, responseBody{Text: m.Text, Blocks: m.Blocks, ResponseType: "in_channel", ReplaceOriginal: "false", ThreadTS: c.ThreadTS})
	if err == nil || r.Bot == nil {
		return err
	}
	body, jerr := json.Marshal(m)
	if jerr != nil {
		return err
	}
	if berr := r.Bot.Reply(ctx, chat.Ref{Channel: c.Channel, ID: c.ThreadTS}, body); berr != nil {
		return errors.Join(err, berr)
	}
	return nil
}

// Replace swaps the clicked message for its edited copy (see annotate).
func (r *Responder) Replace(ctx context.Context, c Click, edited responseBody) error {
	edited.ReplaceOriginal = "true"
	return r.post(ctx, c.ResponseURL, edited)
}

// annotate is the clicked message with a line of mrkdwn added above its small print and the
// buttons whose action_id drop names taken out (an action block left empty goes). It keeps
// the message's text, colour and blocks as Slack sent them, and nothing Slack added (ids,
// timestamps, the bot's name).
func annotate(message json.RawMessage, line string, drop func(actionID string) bool) (responseBody, bool) {
	var m struct {
		Text        string           `json:"text"`
		Blocks      []map[string]any `json:"blocks"`
		Attachments []map[string]any `json:"attachments"`
	}
	if len(message) == 0 || json.Unmarshal(message, &m) != nil {
		return responseBody{}, false
	}
	out := responseBody{Text: m.Text}
	note := map[string]any{"type": "context", "elements": []any{map[string]any{"type": "mrkdwn", "text": line}}}
	edit := func(blocks []map[string]any) []map[string]any {
		blocks = slices.DeleteFunc(blocks, func(b map[string]any) bool {
			if b["block_id"] != chatops.BlockID {
				return false
			}
			els, _ := b["elements"].([]any)
			els = slices.DeleteFunc(els, func(e any) bool {
				em, _ := e.(map[string]any)
				id, _ := em["action_id"].(string)
				return drop(id)
			})
			b["elements"] = els
			return len(els) == 0
		})
		at := len(blocks)
		if at > 0 && blocks[at-1]["type"] == "context" {
			at-- // above the small print
		}
		if len(blocks) < slack.MaxBlocks {
			blocks = slices.Insert(blocks, at, note)
		}
		return blocks
	}
	if len(m.Attachments) > 0 {
		for i, a := range m.Attachments {
			keep := map[string]any{}
			for _, k := range []string{"color", "fallback", "text", "blocks", "mrkdwn_in"} {
				if v, ok := a[k]; ok {
					keep[k] = v
				}
			}
			if i == 0 {
				var blocks []map[string]any
				if raw, err := json.Marshal(keep["blocks"]); err == nil {
					_ = json.Unmarshal(raw, &blocks)
				}
				keep["blocks"] = edit(blocks)
			}
			out.Attachments = append(out.Attachments, keep)
		}
	} else {
		for _, b := range edit(m.Blocks) {
			js, err := json.Marshal(b)
			if err == nil {
				out.Blocks = append(out.Blocks, js)
			}
		}
	}
	return out, true
}

// dropIDs returns a drop function for annotate taking out the buttons of the given actions.
func dropIDs(actions ...string) func(string) bool {
	return func(id string) bool {
		for _, a := range actions {
			if id == chatops.ActionIDPrefix+a || strings.HasPrefix(id, chatops.ActionIDPrefix+a+":") {
				return true
			}
		}
		return false
	}
}

// keepAll drops no button.
func keepAll(string) bool { return false }
