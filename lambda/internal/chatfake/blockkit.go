package chatfake

import (
	"fmt"
	"net/url"
	"strconv"
	"unicode/utf8"
)

// Block Kit rules, shared by the Slack endpoints (webhook now; chat.postMessage and chat.update
// can reuse them). Lengths are counted in characters (runes), as Slack documents them.
const (
	slackMaxBlocks      = 50
	slackMaxAttachments = 100
	slackMaxText        = 40000
	slackMaxHeader      = 150
	slackMaxSection     = 3000
	slackMaxFields      = 10
	slackMaxField       = 2000
	slackMaxTextObject  = 3000
	slackMaxBlockID     = 255
	slackMaxActions     = 25
	slackMaxContext     = 10
	slackMaxButtonText  = 75
	slackMaxURL         = 3000
	slackMaxValue       = 2000
	// A confirmation dialog's title, text, and confirm and deny labels.
	slackMaxConfirmTitle  = 100
	slackMaxConfirmText   = 300
	slackMaxConfirmButton = 30
	slackMaxActionID      = 255
	slackMaxAltText       = 2000
	slackMaxMarkdown      = 12000
)

// SlackCheck is what the fake Slack makes of a message.
type SlackCheck struct {
	// Code is "" when the message is accepted, else Slack's error string:
	// invalid_payload, no_text, invalid_blocks or too_many_attachments.
	Code string
	// Problem says where and why, with a JSON pointer as Slack's own detail does.
	Problem string
	// Truncated: text over 40,000 characters, accepted and stored cut.
	Truncated bool
	// JSON is the decoded message (text cut when Truncated).
	JSON any
}

// CheckSlackMessage validates a message body as Slack's incoming webhook does. Renderer tests
// call it directly; the fake's endpoint answers with its Code.
func CheckSlackMessage(body []byte) SlackCheck {
	v, problem := decodeMessage(body)
	if problem != "" {
		return SlackCheck{Code: "invalid_payload", Problem: problem}
	}
	msg, ok := v.(map[string]any)
	if !ok {
		return SlackCheck{Code: "invalid_payload", Problem: "body is not a JSON object", JSON: v}
	}
	c := SlackCheck{JSON: msg}
	bk := &blockKit{}
	bk.message(msg, &c)
	if c.Code == "" && bk.code != "" {
		c.Code, c.Problem = bk.code, bk.problem
	}
	return c
}

type blockKit struct {
	code, problem string
}

func (b *blockKit) fail(code, pointer, format string, args ...any) {
	if b.code == "" {
		b.code = code
		b.problem = fmt.Sprintf(format, args...) + " [json-pointer:" + pointer + "]"
	}
}

func (b *blockKit) invalid(pointer, format string, args ...any) {
	b.fail("invalid_blocks", pointer, format, args...)
}

func (b *blockKit) message(msg map[string]any, c *SlackCheck) {
	text, hasText := msg["text"]
	ts, isString := text.(string)
	if hasText && !isString && text != nil {
		b.fail("invalid_payload", "/text", "text must be a string")
		return
	}
	blocks, hasBlocks := msg["blocks"]
	bl, blocksOK := blocks.([]any)
	if hasBlocks && !blocksOK && blocks != nil {
		b.invalid("/blocks", "blocks must be an array")
		return
	}
	atts, hasAtts := msg["attachments"]
	al, attsOK := atts.([]any)
	if hasAtts && !attsOK && atts != nil {
		b.fail("invalid_payload", "/attachments", "attachments must be an array")
		return
	}
	if ts == "" && len(bl) == 0 && len(al) == 0 {
		b.fail("no_text", "/text", "no text, blocks or attachments")
		return
	}
	if utf8.RuneCountInString(ts) > slackMaxText {
		c.Truncated = true
		msg["text"] = string([]rune(ts)[:slackMaxText])
	}
	b.blocks("/blocks", bl)
	if len(al) > slackMaxAttachments {
		b.fail("too_many_attachments", "/attachments", "%d attachments, more than %d", len(al), slackMaxAttachments)
		return
	}
	for i, a := range al {
		p := "/attachments/" + strconv.Itoa(i)
		am, ok := a.(map[string]any)
		if !ok {
			b.fail("invalid_payload", p, "attachment must be an object")
			return
		}
		if col, ok := am["color"]; ok {
			if _, ok := col.(string); !ok {
				b.fail("invalid_payload", p+"/color", "color must be a string")
			}
		}
		if ab, ok := am["blocks"]; ok {
			abl, ok := ab.([]any)
			if !ok {
				b.invalid(p+"/blocks", "blocks must be an array")
				continue
			}
			b.blocks(p+"/blocks", abl)
		}
	}
}

func (b *blockKit) blocks(p string, list []any) {
	if len(list) > slackMaxBlocks {
		b.invalid(p, "%d blocks, more than %d", len(list), slackMaxBlocks)
		return
	}
	for i, v := range list {
		b.block(p+"/"+strconv.Itoa(i), v)
	}
}

func (b *blockKit) block(p string, v any) {
	m, ok := v.(map[string]any)
	if !ok {
		b.invalid(p, "block must be an object")
		return
	}
	if id, ok := m["block_id"]; ok {
		s, isString := id.(string)
		if !isString || s == "" || utf8.RuneCountInString(s) > slackMaxBlockID {
			b.invalid(p+"/block_id", "block_id must be a string of 1 to %d characters", slackMaxBlockID)
		}
	}
	typ, _ := m["type"].(string)
	switch typ {
	case "header":
		b.text(p+"/text", m["text"], true, slackMaxHeader)
	case "section":
		_, hasText := m["text"]
		fields, hasFields := m["fields"]
		if !hasText && !hasFields {
			b.invalid(p, "section needs text or fields")
		}
		if hasText {
			b.text(p+"/text", m["text"], false, slackMaxSection)
		}
		if hasFields {
			fl, ok := fields.([]any)
			if !ok || len(fl) == 0 || len(fl) > slackMaxFields {
				b.invalid(p+"/fields", "fields must be an array of 1 to %d text objects", slackMaxFields)
				return
			}
			for i, f := range fl {
				b.text(p+"/fields/"+strconv.Itoa(i), f, false, slackMaxField)
			}
		}
		if acc, ok := m["accessory"]; ok {
			b.element(p+"/accessory", acc, map[string]bool{})
		}
	case "divider":
	case "context":
		el, ok := m["elements"].([]any)
		if !ok || len(el) == 0 || len(el) > slackMaxContext {
			b.invalid(p+"/elements", "context needs 1 to %d elements", slackMaxContext)
			return
		}
		for i, e := range el {
			ep := p + "/elements/" + strconv.Itoa(i)
			em, _ := e.(map[string]any)
			switch t, _ := em["type"].(string); t {
			case "plain_text", "mrkdwn":
				b.text(ep, e, false, slackMaxTextObject)
			case "image":
				b.image(ep, em)
			default:
				b.invalid(ep+"/type", "context element type %q is not image, plain_text or mrkdwn", t)
			}
		}
	case "actions":
		el, ok := m["elements"].([]any)
		if !ok || len(el) == 0 || len(el) > slackMaxActions {
			b.invalid(p+"/elements", "actions needs 1 to %d elements", slackMaxActions)
			return
		}
		ids := map[string]bool{}
		for i, e := range el {
			b.element(p+"/elements/"+strconv.Itoa(i), e, ids)
		}
	case "image":
		b.image(p, m)
	case "markdown":
		s, ok := m["text"].(string)
		if !ok || s == "" || utf8.RuneCountInString(s) > slackMaxMarkdown {
			b.invalid(p+"/text", "markdown text must be 1 to %d characters", slackMaxMarkdown)
		}
	case "rich_text":
		if _, ok := m["elements"].([]any); !ok {
			b.invalid(p+"/elements", "rich_text needs elements")
		}
	case "input", "file", "video", "table", "context_actions":
		// Known to Slack; not used by foghorn, so only their type is checked.
	default:
		b.invalid(p+"/type", "unknown block type %q", typ)
	}
}

// text checks a text object; plainOnly for headers and button labels.
func (b *blockKit) text(p string, v any, plainOnly bool, max int) {
	m, ok := v.(map[string]any)
	if !ok {
		b.invalid(p, "must be a text object")
		return
	}
	typ, _ := m["type"].(string)
	switch {
	case typ != "plain_text" && typ != "mrkdwn":
		b.invalid(p+"/type", "text type %q is not plain_text or mrkdwn", typ)
		return
	case plainOnly && typ != "plain_text":
		b.invalid(p+"/type", "must be plain_text")
		return
	}
	if e, ok := m["emoji"]; ok {
		if _, isBool := e.(bool); !isBool || typ != "plain_text" {
			b.invalid(p+"/emoji", "emoji is a boolean, for plain_text only")
		}
	}
	if e, ok := m["verbatim"]; ok {
		if _, isBool := e.(bool); !isBool || typ != "mrkdwn" {
			b.invalid(p+"/verbatim", "verbatim is a boolean, for mrkdwn only")
		}
	}
	s, ok := m["text"].(string)
	if n := utf8.RuneCountInString(s); !ok || n < 1 || n > max {
		b.invalid(p+"/text", "must be 1 to %d characters, is %d", max, n)
	}
}

func (b *blockKit) image(p string, m map[string]any) {
	u, _ := m["image_url"].(string)
	_, file := m["slack_file"]
	if !file && !validURL(u) {
		b.invalid(p+"/image_url", "image needs a valid image_url")
	}
	alt, ok := m["alt_text"].(string)
	if !ok || alt == "" || utf8.RuneCountInString(alt) > slackMaxAltText {
		b.invalid(p+"/alt_text", "image needs alt_text of 1 to %d characters", slackMaxAltText)
	}
}

var interactive = map[string]bool{
	"button": true, "checkboxes": true, "datepicker": true, "datetimepicker": true, "timepicker": true,
	"overflow": true, "radio_buttons": true, "static_select": true, "external_select": true,
	"users_select": true, "conversations_select": true, "channels_select": true, "multi_static_select": true,
	"multi_external_select": true, "multi_users_select": true, "multi_conversations_select": true,
	"multi_channels_select": true, "image": true, "workflow_button": true, "rich_text_input": true,
}

// element checks an interactive element; buttons fully, the rest by type. ids collects
// action_ids, which must be unique within a block.
func (b *blockKit) element(p string, v any, ids map[string]bool) {
	m, ok := v.(map[string]any)
	if !ok {
		b.invalid(p, "element must be an object")
		return
	}
	typ, _ := m["type"].(string)
	if !interactive[typ] {
		b.invalid(p+"/type", "unknown element type %q", typ)
		return
	}
	if id, ok := m["action_id"]; ok {
		s, isString := id.(string)
		if !isString || s == "" || utf8.RuneCountInString(s) > slackMaxActionID {
			b.invalid(p+"/action_id", "action_id must be 1 to %d characters", slackMaxActionID)
		} else if ids[s] {
			b.invalid(p+"/action_id", "action_id %q is not unique", s)
		}
		ids[s] = true
	}
	if typ != "button" {
		return
	}
	b.text(p+"/text", m["text"], true, slackMaxButtonText)
	if u, ok := m["url"]; ok {
		s, isString := u.(string)
		if !isString || utf8.RuneCountInString(s) > slackMaxURL || !validURL(s) {
			b.invalid(p+"/url", "url must be a valid URL of at most %d characters", slackMaxURL)
		}
	}
	if val, ok := m["value"]; ok {
		s, isString := val.(string)
		if !isString || utf8.RuneCountInString(s) > slackMaxValue {
			b.invalid(p+"/value", "value must be at most %d characters", slackMaxValue)
		}
	}
	if st, ok := m["style"]; ok && st != "primary" && st != "danger" {
		b.invalid(p+"/style", "style must be primary or danger")
	}
	if c, ok := m["confirm"]; ok {
		b.confirm(p+"/confirm", c)
	}
}

// confirm checks a confirmation dialog: plain-text title, confirm and deny, a text, within
// Slack's limits (Block Kit reference: confirmation dialog object).
func (b *blockKit) confirm(p string, v any) {
	m, ok := v.(map[string]any)
	if !ok {
		b.invalid(p, "confirm must be an object")
		return
	}
	b.text(p+"/title", m["title"], true, slackMaxConfirmTitle)
	b.text(p+"/text", m["text"], false, slackMaxConfirmText)
	b.text(p+"/confirm", m["confirm"], true, slackMaxConfirmButton)
	b.text(p+"/deny", m["deny"], true, slackMaxConfirmButton)
	if st, ok := m["style"]; ok && st != "primary" && st != "danger" {
		b.invalid(p+"/style", "style must be primary or danger")
	}
}

func validURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme != "" && (u.Host != "" || u.Opaque != "")
}
