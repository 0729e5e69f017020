package slack

import (
	"encoding/json"
	"strings"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/chatops"
)

// Replies are the short messages the actions endpoint posts about a click: in the alert's
// thread, to the person who clicked, or as an edit of the alert. Their prose is the endpoint's
// own mrkdwn; anything untrusted in it (a service name, an error from ECS, a log line) goes
// through Escape or LogSections first, so a reply can no more ping @channel or forge a link
// than an alert can.

// Escape makes untrusted text safe in mrkdwn: cleaned, on one line, &, < and > as entities,
// cut to n runes.
func Escape(s string, n int) string { return mrkdwn(s, n) }

// maxLogSections bounds a log reply: 50 lines of up to logLineBudget runes take at most a
// few sections of MaxSectionText.
const maxLogSections = 10

// LogSections lays log lines out as code blocks, oldest first, each section within Slack's
// limit, at most maxLogSections of them; when they cannot all fit, the newest are kept.
func LogSections(lines []string) []string {
	const open, shut = "```\n", "\n```"
	room := MaxSectionText - runes(open) - runes(shut)
	var shown []string
	for _, l := range lines {
		s := escapeCut(strings.ReplaceAll(clean(l, true), "\n", " "), logLineBudget)
		if s == "" {
			s = " "
		}
		shown = append(shown, s)
	}
	var out []string
	var cur []string
	used := 0
	flush := func() {
		if len(cur) > 0 {
			out = append(out, open+strings.Join(cur, "\n")+shut)
			cur, used = nil, 0
		}
	}
	for _, s := range shown {
		if used+runes(s)+1 > room {
			flush()
		}
		cur = append(cur, s)
		used += runes(s) + 1
	}
	flush()
	if len(out) > maxLogSections {
		out = out[len(out)-maxLogSections:]
	}
	return out
}

// Reply is a reply's body: Text (the notification line and the first section), more mrkdwn
// sections, URL buttons for links, and action buttons.
type Reply struct {
	Text     string
	Sections []string
	Links    []alert.Link
	Buttons  []chatops.Button
}

// ReplyMessage is a reply as Slack takes it, in chat.postMessage and in a response_url post.
type ReplyMessage struct {
	Text   string            `json:"text"`
	Blocks []json.RawMessage `json:"blocks"`
}

// Message lays the reply out as blocks, within Slack's limits.
func (r Reply) Message() ReplyMessage {
	var blocks []block
	first := r.Text
	if runes(first) > MaxSectionText {
		first = string([]rune(first)[:MaxSectionText-1]) + "…"
	}
	blocks = append(blocks, sectionBlock{Type: "section", Text: ptr(mrkdwnText(first))})
	for _, s := range r.Sections {
		if len(blocks) >= MaxBlocks-2 {
			break
		}
		blocks = append(blocks, sectionBlock{Type: "section", Text: ptr(mrkdwnText(s))})
	}
	if links, _ := actionBlock(r.Links); links != nil {
		blocks = append(blocks, links)
	}
	var els []actionButton
	for _, b := range r.Buttons {
		v, err := b.Value.Encode()
		if err != nil {
			continue
		}
		els = append(els, actionButton{Type: "button", Text: plainText(plain(b.Label, MaxButtonText)), ActionID: b.ActionID, Value: v, Style: b.Style})
	}
	if len(els) > 0 {
		blocks = append(blocks, buttonsBlock{Type: "actions", BlockID: chatops.BlockID, Elements: els})
	}
	m := ReplyMessage{Text: first}
	for _, b := range blocks {
		js, err := encode(b)
		if err == nil {
			m.Blocks = append(m.Blocks, js)
		}
	}
	return m
}
