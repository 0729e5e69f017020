package slack

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/chatops"
	"github.com/foghornhq/foghorn/lambda/text"
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

// block is any Block Kit block of a reply (replies.go) or the action buttons (buttons.go); the
// concrete structs keep each block's JSON exact. An alert's message is written without them
// (render).
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

type sectionBlock struct {
	Type   string       `json:"type"`
	Text   *textObject  `json:"text,omitempty"`
	Fields []textObject `json:"fields,omitempty"`
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

func (sectionBlock) blockType() string { return "section" }
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

// unknownColor is the colour of every other severity.
var unknownColor = hexColor("")

func colorOf(s alert.Severity) string {
	if c, ok := colors[s]; ok {
		return c
	}
	return unknownColor
}

func hexColor(s alert.Severity) string { return fmt.Sprintf("#%06X", chat.LookOf(s).Color) }

func emojiOf(s alert.Severity) string {
	if e, ok := emoji[s]; ok {
		return e
	}
	return ":grey_question:"
}

// Render returns the incoming-webhook body for a: compact JSON, within every Slack limit.
func Render(a alert.Alert) ([]byte, error) { return render(&a, nil, "", false) }

// render writes the message's JSON straight from the alert into one buffer, the bot's body
// (the channel first) when bot is set; m adds the action buttons (buttons.go) the alert
// offers. No block is built on the way: each text is escaped into its place as it is made,
// and a text made of parts is written part by part, never joined first. The tests hold the
// bytes to those of the block tree Slack's Block Kit describes, encoded by reflection.
//
// The message is a top-level text and one attachment holding the colour bar and the blocks
// (doc.go): a header, the why, the facts, the excerpt, the log lines, the link buttons, the
// action buttons and the context line, at most 9 blocks of Slack's MaxBlocks.
func render(a *alert.Alert, m chatops.Menu, channel string, bot bool) ([]byte, error) {
	room := buffers.Get().(*[]byte)
	b := append((*room)[:0], '{')
	if bot {
		b = append(chat.AppendString(append(b, `"channel":`...), channel), ',')
	}
	em := emojiOf(a.Severity)

	b = append(b, `"text":"`...)
	top := len(b)
	b = append(append(b, em...), ' ')
	b = appendMrkdwn(b, chat.Headline(*a), topTextBudget-runes(em)-1, false)
	topEnd := len(b)
	b = append(b, `","attachments":[{"color":"`...)
	b = append(b, colorOf(a.Severity)...) // "#RRGGBB": nothing to escape
	b = append(b, `","fallback":"`...)
	b = append(b, b[top:topEnd]...) // the top text again, already escaped
	b = append(b, `","blocks":[{"type":"header","text":{"type":"plain_text","text":"`...)
	b = appendHeader(b, em, chat.Title(*a))
	b = append(b, `","emoji":true}}`...)

	b = appendWhy(b, a)
	b, factsLeft := appendFacts(b, a.Facts)
	b = appendExcerpt(b, a.Excerpt)
	b = appendLog(b, a.LogHeading(), a.LogLines)
	b, linksLeft := appendLinks(b, a.Links)
	if len(m) > 0 {
		if buttons := actionButtons(*a, m); buttons != nil {
			js, err := chat.Encode("slack: encoding the message", buttons) // rare: left to reflection
			if err != nil {
				return encoded(room, b, err)
			}
			b = append(append(b, ','), js...)
		}
	}
	b = appendContext(b, a, factsLeft, linksLeft)
	return encoded(room, append(b, "]}]}"...), nil)
}

// The blocks' JSON around their texts.
const (
	sectionOpen = `,{"type":"section","text":{"type":"mrkdwn","text":"`
	mrkdwnShut  = `","verbatim":true}`
)

// appendHeader writes the header's text: the emoji and the title, as plain cuts their join.
// plain's cleaning neither joins nor splits across the space after an emoji shortcode, and
// cutting by runes after a prefix of k runes is cutting the rest to n-k, so the title is
// cleaned and cut on its own; but for a title so long that the cleaning's bound on its input
// falls elsewhere once the prefix is on it.
func appendHeader(b []byte, em, title string) []byte {
	if len(em)+1+len(title) > text.MaxInput {
		return chat.AppendStringContents(b, plain(em+" "+title, MaxHeaderText))
	}
	b = append(append(b, em...), ' ')
	return chat.AppendStringContents(b, plain(title, MaxHeaderText-runes(em)-1))
}

// appendMrkdwn writes untrusted text cleaned, escaped for mrkdwn and cut to n runes (mrkdwn,
// or mrkdwnLines when multiline).
func appendMrkdwn(b []byte, s string, n int, multiline bool) []byte {
	b, _ = appendEscapeCut(b, clean(s, multiline), n, false)
	return b
}

// appendWhy writes the why section, when there is anything to say: AWS's words (chat.Why),
// the reason sentence, then the codes and reasons it came from, then each container's ending.
// A container's line is escaped whole: its name is not set in bold, because bold markup
// around untrusted text could be unbalanced by it.
func appendWhy(b []byte, a *alert.Alert) []byte {
	open := len(b)
	s := section{b: append(b, sectionOpen...), left: MaxSectionText}
	s.start = len(s.b)
	var room [8]chat.Detail // the reason, four codes and reasons, and three containers
	sep := ""
	for _, d := range chat.AppendWhy(room[:0], a) {
		switch d.Label {
		case "":
			s.add(sep, "", "", "", d.Text, reasonBudget, d.Multiline)
		case "•":
			s.add(sep, "• ", "", "", d.Text, containerBudget, false)
		default:
			s.add(sep, "*", d.Label, ":* ", d.Text, detailBudget, false)
		}
		sep = "\n"
	}
	if len(s.b) == s.start {
		return s.b[:open]
	}
	return append(s.b, mrkdwnShut+"}"...)
}

// appendFacts writes the facts worth showing (those with a label or a value) as fields, ten
// per section, at most factsShown; it returns how many more there were so the context line
// can say so.
func appendFacts(b []byte, facts []alert.Fact) ([]byte, int) {
	shown, left := 0, 0
	for _, f := range facts {
		switch {
		case text.Blank(f.Label) && text.Blank(f.Value):
			continue
		case shown == factsShown:
			left++
			continue
		case shown%MaxFields == 0:
			if shown > 0 {
				b = append(b, "]}"...)
			}
			b = append(b, `,{"type":"section","fields":[`...)
		default:
			b = append(b, ',')
		}
		b = append(b, `{"type":"mrkdwn","text":"`...)
		b = append(appendField(b, f), mrkdwnShut...)
		shown++
	}
	if shown > 0 {
		b = append(b, "]}"...)
	}
	return b, left
}

// A fact's label, escaped, is at most factLabelBudget runes, which leaves its value all of
// factValueBudget within MaxFieldText.
const _ = uint(MaxFieldText - factLabelBudget - len("**\n") - factValueBudget)

// appendField writes "*Label*\nvalue", the label escaped and cut short, the value given the
// rest; a fact without a label is its value alone.
func appendField(b []byte, f alert.Fact) []byte {
	value := f.Value
	if strings.TrimSpace(value) == "" {
		value = "—"
	}
	if strings.TrimSpace(f.Label) == "" {
		return appendMrkdwn(b, value, factValueBudget, true)
	}
	b = append(b, '*')
	b = appendMrkdwn(b, f.Label, factLabelBudget, false)
	b = append(b, `*\n`...)
	return appendMrkdwn(b, value, factValueBudget, true)
}

// appendExcerpt shows a generic alert's raw record as code, head kept.
func appendExcerpt(b []byte, excerpt string) []byte {
	const open, shut = "*Raw event*\n```\n", "\n```"
	body := escapeCut(clean(excerpt, true), MaxSectionText-runes(open)-runes(shut))
	if strings.TrimSpace(body) == "" {
		return b
	}
	b = chat.AppendStringContents(append(b, sectionOpen...), open)
	b = chat.AppendStringContents(b, body)
	b = chat.AppendStringContents(b, shut)
	return append(b, mrkdwnShut+"}"...)
}

// appendLog shows the alert's log lines as code under heading: a stopped task's last lines,
// or a log pattern's samples. The end of a log says most, so lines are dropped from the top,
// each line cut to logLineBudget.
func appendLog(b []byte, heading string, lines []string) []byte {
	if len(lines) == 0 {
		return b
	}
	const open, shut = "*\n```\n", "\n```" // open follows "*" and the heading
	show := func(l string) string {
		// Leading indentation (stack traces) is kept; a line break inside a line is not.
		return escapeCut(strings.ReplaceAll(clean(l, true), "\n", " "), logLineBudget)
	}
	empty := func(l string) bool { return l == "" } // a line of white space is kept
	room := MaxSectionText - 1 - runes(heading) - runes(open) - runes(shut)
	kept := chat.TailWithin(lines, room, show, runes, empty)
	if kept == nil {
		return b
	}
	b = append(append(b, sectionOpen...), '*')
	b = chat.AppendStringContents(b, heading)
	b = chat.AppendStringContents(b, open)
	for i, l := range kept {
		if i > 0 {
			b = append(b, `\n`...)
		}
		b = chat.AppendStringContents(b, l)
	}
	b = chat.AppendStringContents(b, shut)
	return append(b, mrkdwnShut+"}"...)
}

// appendLinks turns links into URL buttons, which open the link and need no app backend. A
// link whose URL is not an absolute http(s) URL within Slack's length is skipped rather than
// cut: a cut URL would lead somewhere else. It returns how many links were left out.
func appendLinks(b []byte, links []alert.Link) ([]byte, int) {
	shown, left := 0, 0
	for _, ln := range links {
		u, ok := text.LinkURL(ln.URL, MaxURL, "")
		if !ok || shown == MaxActions {
			left++
			continue
		}
		if shown == 0 {
			b = append(b, `,{"type":"actions","elements":[`...)
		} else {
			b = append(b, ',')
		}
		label := plain(ln.Label, MaxButtonText)
		if label == "" {
			label = "Open"
		}
		b = append(b, `{"type":"button","text":{"type":"plain_text","text":"`...)
		b = chat.AppendStringContents(b, label)
		b = append(b, `","emoji":true},"url":"`...)
		b = chat.AppendStringContents(b, u)
		b = append(b, `","action_id":"`...)
		b = append(b, linkIDs[shown]...)
		b = append(b, `"}`...)
		shown++
	}
	if shown > 0 {
		b = append(b, "]}"...)
	}
	return b, left
}

// appendContext writes the small print (chat.Context): severity • origin • region • account •
// time • event count, then what was left out; the blank parts dropped.
func appendContext(b []byte, a *alert.Alert, factsLeft, linksLeft int) []byte {
	const dot = " • "
	b = append(b, `,{"type":"context","elements":[{"type":"mrkdwn","text":"*`...)
	b = chat.AppendStringContents(b, chat.LookOf(a.Severity).Label)
	b = append(b, '*')
	for _, s := range [...]string{a.Origin, a.Identity.Region, a.Identity.Account} {
		n := len(b)
		if b = appendMrkdwn(append(b, dot...), s, contextBudget, false); len(b) == n+len(dot) {
			b = b[:n] // nothing to show, nor a dot before it
		}
	}
	if !a.Time.IsZero() {
		b = append(appendDateTime(append(b, dot...), a.Time.UTC()), " UTC"...)
	}
	if a.Count > 1 {
		b = append(strconv.AppendInt(append(b, dot...), int64(a.Count), 10), " events"...)
	}
	b = appendNotShown(b, dot, factsLeft, "more fact", "more facts")
	b = appendNotShown(b, dot, linksLeft, "link", "links")
	return append(b, mrkdwnShut+"]}"...)
}

// appendDateTime writes t as t.AppendFormat(b, time.DateTime) does, without reading the
// layout: digit by digit for the years 0 to 9999, by AppendFormat for any other.
func appendDateTime(b []byte, t time.Time) []byte {
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.AppendFormat(b, time.DateTime)
	}
	hour, minute, second := t.Clock()
	b = append(b, byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10), '-')
	b = append(b, byte('0'+month/10), byte('0'+month%10), '-', byte('0'+day/10), byte('0'+day%10), ' ')
	return append(b, byte('0'+hour/10), byte('0'+hour%10), ':', byte('0'+minute/10), byte('0'+minute%10), ':',
		byte('0'+second/10), byte('0'+second%10))
}

// appendNotShown writes sep and chat.NotShown's words when n is above zero.
func appendNotShown(b []byte, sep string, n int, one, many string) []byte {
	if n <= 0 {
		return b
	}
	b = strconv.AppendInt(append(b, sep...), int64(n), 10)
	if n == 1 {
		b = append(append(b, ' '), one...)
	} else {
		b = append(append(b, ' '), many...)
	}
	return append(b, " not shown"...)
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

func runes(s string) int { return utf8.RuneCountInString(s) }

func ptr[T any](v T) *T { return &v }
