package slack

import (
	"strings"
	"unicode/utf8"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/chatops"
	"github.com/foghornhq/foghorn/lambda/text"
)

// The reference rendering: the message as a tree of blocks, encoded by reflection. This is how
// foghorn rendered an alert before it wrote the JSON straight from the alert (render.go); the
// tests hold the direct writer to it, byte for byte.

type message struct {
	Text        string       `json:"text"`
	Attachments []attachment `json:"attachments"`
}

type attachment struct {
	Color    string  `json:"color"`
	Fallback string  `json:"fallback"`
	Blocks   []block `json:"blocks"`
}

type headerBlock struct {
	Type string     `json:"type"`
	Text textObject `json:"text"`
}

type contextBlock struct {
	Type     string       `json:"type"`
	Elements []textObject `json:"elements"`
}

func (headerBlock) blockType() string  { return "header" }
func (contextBlock) blockType() string { return "context" }

// botMessage is the webhook's message with the Web API's arguments beside it.
type botMessage struct {
	Channel string `json:"channel"`
	message
}

// referenceRender is Render, RenderBot, RenderWith and RenderBotWith as the tree makes them:
// the bot's body when bot is set.
func referenceRender(a alert.Alert, m chatops.Menu, channel string, bot bool) ([]byte, error) {
	if bot {
		return chat.Encode("slack: encoding the message", botMessage{Channel: channel, message: build(a, m)})
	}
	return chat.Encode("slack: encoding the message", build(a, m))
}

// build lays out the message; m adds the action buttons (buttons.go) the alert offers.
func build(a alert.Alert, m chatops.Menu) message {
	em := emojiOf(a.Severity)
	headline, title := chat.Headline(a), chat.Title(a)

	prefix := em + " "
	top := prefix + mrkdwn(headline, topTextBudget-utf8.RuneCountInString(prefix))

	blocks := make([]block, 1, 9)
	blocks[0] = headerBlock{Type: "header", Text: plainText(plain(em+" "+title, MaxHeaderText))}
	if why := whySection(a); why != "" {
		blocks = append(blocks, sectionBlock{Type: "section", Text: ptr(mrkdwnText(why))})
	}
	blocks, factsLeft := factSections(blocks, a.Facts)
	if code := excerptBlock(a.Excerpt); code != "" {
		blocks = append(blocks, sectionBlock{Type: "section", Text: ptr(mrkdwnText(code))})
	}
	if code := logBlock(a.LogHeading(), a.LogLines); code != "" {
		blocks = append(blocks, sectionBlock{Type: "section", Text: ptr(mrkdwnText(code))})
	}
	actions, linksLeft := actionBlock(a.Links)
	if actions != nil {
		blocks = append(blocks, actions)
	}
	if buttons := actionButtons(a, m); buttons != nil {
		blocks = append(blocks, buttons)
	}
	blocks = append(blocks, contextLine(a, factsLeft, linksLeft))

	return message{
		Text: top,
		Attachments: []attachment{{
			Color:    colorOf(a.Severity),
			Fallback: top,
			Blocks:   blocks[:min(len(blocks), MaxBlocks)],
		}},
	}
}

func whySection(a alert.Alert) string {
	s := newTreeSection(MaxSectionText)
	sep := ""
	next := func(m string) string { m = sep + m; sep = "\n"; return m }
	for _, d := range chat.Why(a) {
		switch d.Label {
		case "":
			s.add(next(""), d.Text, reasonBudget, d.Multiline)
		case "•":
			s.add(next("• "), d.Text, containerBudget, false)
		default:
			s.add(next("*"+d.Label+":* "), d.Text, detailBudget, false)
		}
	}
	return s.String()
}

func factSections(blocks []block, facts []alert.Fact) ([]block, int) {
	shown, left := chat.Facts(facts, factsShown)
	fields := make([]textObject, 0, len(shown))
	for _, f := range shown {
		fields = append(fields, mrkdwnText(fieldText(f)))
	}
	for len(fields) > 0 {
		n := min(len(fields), MaxFields)
		blocks = append(blocks, sectionBlock{Type: "section", Fields: fields[:n]})
		fields = fields[n:]
	}
	return blocks, left
}

func fieldText(f alert.Fact) string {
	value := f.Value
	if strings.TrimSpace(value) == "" {
		value = "—"
	}
	if strings.TrimSpace(f.Label) == "" {
		return mrkdwnLines(value, factValueBudget)
	}
	label := mrkdwn(f.Label, factLabelBudget)
	room := MaxFieldText - utf8.RuneCountInString(label) - len("**\n")
	return "*" + label + "*\n" + mrkdwnLines(value, min(factValueBudget, room))
}

func excerptBlock(excerpt string) string {
	const open, shut = "*Raw event*\n```\n", "\n```"
	body := escapeCut(clean(excerpt, true), MaxSectionText-runes(open)-runes(shut))
	if strings.TrimSpace(body) == "" {
		return ""
	}
	return open + body + shut
}

func logBlock(heading string, lines []string) string {
	open, shut := "*"+heading+"*\n```\n", "\n```"
	show := func(l string) string {
		return escapeCut(strings.ReplaceAll(clean(l, true), "\n", " "), logLineBudget)
	}
	empty := func(l string) bool { return l == "" }
	kept := chat.TailWithin(lines, MaxSectionText-runes(open)-runes(shut), show, runes, empty)
	if kept == nil {
		return ""
	}
	return open + strings.Join(kept, "\n") + shut
}

func contextLine(a alert.Alert, factsLeft, linksLeft int) block {
	c := chat.ContextOf(a)
	esc := func(s string) string { return mrkdwn(s, contextBudget) }
	return contextBlock{Type: "context", Elements: []textObject{mrkdwnText(c.SmallPrint("*"+c.Label+"*", esc, factsLeft, linksLeft))}}
}

// treeSection is the why section as a string, built out of trusted markup and untrusted
// pieces within a rune budget.
type treeSection struct {
	b    strings.Builder
	left int
	full bool
}

func newTreeSection(budget int) *treeSection { return &treeSection{left: budget} }

func (s *treeSection) markup(m string) bool {
	if s.full {
		return false
	}
	if n := utf8.RuneCountInString(m); n+1 <= s.left {
		s.b.WriteString(m)
		s.left -= n
		return true
	}
	s.stop()
	return false
}

func (s *treeSection) text(esc string) {
	if s.full {
		return
	}
	s.b.WriteString(esc)
	s.left -= utf8.RuneCountInString(esc)
	if s.left <= 0 {
		s.full = true
	}
}

func (s *treeSection) add(m, untrusted string, max int, multiline bool) {
	if !s.markup(m) {
		return
	}
	limit := min(max, s.left)
	var esc string
	if multiline {
		esc = mrkdwnLines(untrusted, limit)
	} else {
		esc = mrkdwn(untrusted, limit)
	}
	s.text(esc)
	if limit < max && strings.HasSuffix(esc, text.Ellipsis) {
		s.full = true
	}
}

func (s *treeSection) stop() {
	if !s.full && s.left >= 1 && !strings.HasSuffix(s.b.String(), text.Ellipsis) {
		s.b.WriteString(text.Ellipsis)
		s.left--
	}
	s.full = true
}

func (s *treeSection) String() string { return s.b.String() }
