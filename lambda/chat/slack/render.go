package slack

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/chatops"
)

// Slack's limits, in characters; chatfake enforces the same.
const (
	// https://api.slack.com/reference/block-kit/blocks#header: text, at most 150 characters.
	MaxHeaderText = 150
	// https://api.slack.com/reference/block-kit/blocks#section: text at most 3000 characters;
	// at most 10 fields, each at most 2000.
	MaxSectionText = 3000
	MaxFields      = 10
	MaxFieldText   = 2000
	// https://api.slack.com/reference/block-kit/blocks: at most 50 blocks in a message.
	MaxBlocks = 50
	// https://api.slack.com/reference/block-kit/block-elements#button: text at most 75
	// characters, url at most 3000, action_id at most 255.
	MaxButtonText   = 75
	MaxURL          = 3000
	MaxActionIDText = 255
	// https://api.slack.com/reference/block-kit/blocks#actions: at most 25 elements.
	MaxActions = 25
	// https://api.slack.com/reference/block-kit/blocks#context: at most 10 elements.
	MaxContext = 10
	// https://api.slack.com/reference/block-kit/composition-objects#text: a text object not
	// covered above (a context element) holds at most 3000 characters.
	MaxTextObject = 3000
	// https://api.slack.com/changelog/2018-04-truncating-really-long-messages: a message's text
	// is truncated past 40,000 characters.
	MaxMessageText = 40000
)

// Our own budgets, well inside the limits, so an alert stays short enough to read.
const (
	topTextBudget   = 500  // the notification line
	reasonBudget    = 1500 // Reason.Text within the why section
	detailBudget    = 600  // stop code, stopped reason, deployment and alarm reasons
	containerBudget = 400  // one container's line
	factLabelBudget = 100
	factValueBudget = 1000          // Slack allows 2000 per field; a fact longer than this is not a fact
	factsShown      = 2 * MaxFields // two sections of fields; the rest are counted, not shown
	contextBudget   = 120           // region, account
	logLineBudget   = 400
)

type message struct {
	Text        string       `json:"text"`
	Attachments []attachment `json:"attachments"`
}

type attachment struct {
	Color    string  `json:"color"`
	Fallback string  `json:"fallback"`
	Blocks   []block `json:"blocks"`
}

// block is any Block Kit block; the concrete structs keep each block's JSON exact.
type block interface{ blockType() string }

type textObject struct {
	Type  string `json:"type"`
	Text  string `json:"text"`
	Emoji bool   `json:"emoji,omitempty"` // plain_text only
	// Verbatim stops Slack's automatic parsing of URLs, channel names and mentions in
	// mrkdwn, a second guard on top of escaping.
	Verbatim bool `json:"verbatim,omitempty"` // mrkdwn only
}

func plainText(s string) textObject  { return textObject{Type: "plain_text", Text: s, Emoji: true} }
func mrkdwnText(s string) textObject { return textObject{Type: "mrkdwn", Text: s, Verbatim: true} }

type headerBlock struct {
	Type string     `json:"type"`
	Text textObject `json:"text"`
}

type sectionBlock struct {
	Type   string       `json:"type"`
	Text   *textObject  `json:"text,omitempty"`
	Fields []textObject `json:"fields,omitempty"`
}

type contextBlock struct {
	Type     string       `json:"type"`
	Elements []textObject `json:"elements"`
}

type button struct {
	Type     string     `json:"type"`
	Text     textObject `json:"text"`
	URL      string     `json:"url"`
	ActionID string     `json:"action_id"`
}

type actionsBlock struct {
	Type     string   `json:"type"`
	Elements []button `json:"elements"`
}

func (headerBlock) blockType() string  { return "header" }
func (sectionBlock) blockType() string { return "section" }
func (contextBlock) blockType() string { return "context" }
func (actionsBlock) blockType() string { return "actions" }

// emoji is how a severity shows in Slack: its shortcode. The bar's colour and the severity's
// word are chat's, as on every target.
var emoji = map[alert.Severity]string{
	alert.Critical: ":rotating_light:",
	alert.Warning:  ":warning:",
	alert.Info:     ":information_source:",
	alert.Resolved: ":white_check_mark:",
}

// colors are the bars' colours as Slack takes them, made once for each severity.
var colors = func() map[alert.Severity]string {
	m := map[alert.Severity]string{}
	for _, s := range []alert.Severity{alert.Critical, alert.Warning, alert.Info, alert.Resolved} {
		m[s] = hexColor(s)
	}
	return m
}()

func colorOf(s alert.Severity) string {
	if c, ok := colors[s]; ok {
		return c
	}
	return hexColor(s)
}

func hexColor(s alert.Severity) string { return fmt.Sprintf("#%06X", chat.LookOf(s).Color) }

func emojiOf(s alert.Severity) string {
	if e, ok := emoji[s]; ok {
		return e
	}
	return ":grey_question:"
}

// Render returns the incoming-webhook body for a: compact JSON, within every Slack limit.
func Render(a alert.Alert) ([]byte, error) {
	return encodeMessage(build(a, nil))
}

// build lays out the message; m adds the action buttons (buttons.go) the alert offers.
func build(a alert.Alert, m chatops.Menu) message {
	em := emojiOf(a.Severity)
	headline, title := chat.Headline(a), chat.Title(a)

	prefix := em + " "
	top := prefix + mrkdwn(headline, topTextBudget-utf8.RuneCountInString(prefix))

	// Room for every block build can make (header, why, two of facts, excerpt, log, links,
	// buttons, context): the list is made once.
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

// whySection says why, in AWS's words (chat.Why): the reason sentence, then the codes and
// reasons it came from, then each container's ending. A container's line is escaped whole: its
// name is not set in bold, because bold markup around untrusted text could be unbalanced by it.
func whySection(a alert.Alert) string {
	s := newSection(MaxSectionText)
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

// factSections lays the facts out as fields, ten per section, at most factsShown, appended to
// blocks; it returns how many were left out so the context line can say so.
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

// fieldText is "*Label*\nvalue", the label escaped and cut short, the value given the rest.
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
	return "*" + label + "*\n" + mrkdwnLines(value, min(factValueBudget, room)) // one string made, not two
}

// excerptBlock shows a generic alert's raw record as code, head kept.
func excerptBlock(excerpt string) string {
	const open, shut = "*Raw event*\n```\n", "\n```"
	body := escapeCut(clean(excerpt, true), MaxSectionText-runes(open)-runes(shut))
	if strings.TrimSpace(body) == "" {
		return ""
	}
	return open + body + shut
}

// logBlock shows the alert's log lines as code under heading: a stopped task's last lines, or
// a log pattern's samples. The end of a log says most, so lines are dropped from the top, each
// line cut to logLineBudget.
func logBlock(heading string, lines []string) string {
	open, shut := "*"+heading+"*\n```\n", "\n```"
	show := func(l string) string {
		// Leading indentation (stack traces) is kept; a line break inside a line is not.
		return escapeCut(strings.ReplaceAll(clean(l, true), "\n", " "), logLineBudget)
	}
	empty := func(l string) bool { return l == "" } // a line of white space is kept
	kept := chat.TailWithin(lines, MaxSectionText-runes(open)-runes(shut), show, runes, empty)
	if kept == nil {
		return ""
	}
	return open + strings.Join(kept, "\n") + shut
}

// actionBlock turns links into URL buttons, which open the link and need no app backend.
// A link whose URL is not an absolute http(s) URL within Slack's length is skipped rather than
// cut: a cut URL would lead somewhere else.
func actionBlock(links []alert.Link) (block, int) {
	shown, skipped := chat.Links(links, MaxActions, MaxURL)
	if len(shown) == 0 {
		return nil, skipped
	}
	buttons := make([]button, len(shown))
	for i, ln := range shown {
		label := plain(ln.Label, MaxButtonText)
		if label == "" {
			label = "Open"
		}
		buttons[i] = button{Type: "button", Text: plainText(label), URL: ln.URL, ActionID: linkIDs[i]}
	}
	return actionsBlock{Type: "actions", Elements: buttons}, skipped
}

// linkIDs are the link buttons' action ids, "link-0" to "link-24", made once.
var linkIDs = func() (ids [MaxActions]string) {
	for i := range ids {
		ids[i] = "link-" + strconv.Itoa(i)
	}
	return ids
}()

// contextLine is the small print: severity • region • account • time • event count, plus what
// was left out.
func contextLine(a alert.Alert, factsLeft, linksLeft int) block {
	c := chat.ContextOf(a)
	esc := func(s string) string { return mrkdwn(s, contextBudget) }
	return contextBlock{Type: "context", Elements: []textObject{mrkdwnText(c.SmallPrint("*"+c.Label+"*", esc, factsLeft, linksLeft))}}
}

func runes(s string) int { return utf8.RuneCountInString(s) }

func ptr[T any](v T) *T { return &v }
