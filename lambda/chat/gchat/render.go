package gchat

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/text"
)

// https://developers.google.com/workspace/chat/api/reference/rest/v1/spaces.messages: a
// message holds at most 32,000 bytes.
const sizeLimit = 32000

// MaxBody is the largest body Render produces, in bytes: sizeLimit less a margin for what
// Google adds to the stored message.
const MaxBody = sizeLimit - 2000

// Our budgets, in bytes.
const (
	textBudget      = 500
	titleBudget     = 300
	subtitleBudget  = 300
	reasonBudget    = 3000
	reasonLine      = 1000
	detailBudget    = 600
	containerBudget = 500
	factsShown      = 20
	factLabelBudget = 120
	factValueBudget = 1000
	excerptLines    = 30
	excerptLine     = 300
	logLines        = 50
	logLine         = 400
	maxButtons      = 6
	buttonBudget    = 60
	maxURL          = 2048
	contextBudget   = 500
	// https://developers.google.com/workspace/chat/api/reference/rest/v1/spaces.messages/create:
	// a threadKey holds at most 4000 characters; ours hold at most 200 bytes, a longer one
	// hashed down to it.
	maxThreadKey = 200
)

type message struct {
	Text    string       `json:"text"`
	CardsV2 []cardWithID `json:"cardsV2"`
	Thread  *thread      `json:"thread,omitempty"`
}

type thread struct {
	ThreadKey string `json:"threadKey"`
}

type cardWithID struct {
	CardID string `json:"cardId"`
	Card   card   `json:"card"`
}

type card struct {
	Header   header    `json:"header"`
	Sections []section `json:"sections"`
}

type header struct {
	Title    string `json:"title"`
	Subtitle string `json:"subtitle,omitempty"`
}

type section struct {
	Header                    string   `json:"header,omitempty"`
	Collapsible               bool     `json:"collapsible,omitempty"`
	UncollapsibleWidgetsCount int      `json:"uncollapsibleWidgetsCount,omitempty"`
	Widgets                   []widget `json:"widgets"`
}

// widget holds exactly one of its fields, as cardsV2 requires.
type widget struct {
	DecoratedText *decoratedText `json:"decoratedText,omitempty"`
	TextParagraph *textParagraph `json:"textParagraph,omitempty"`
	ButtonList    *buttonList    `json:"buttonList,omitempty"`
}

type decoratedText struct {
	TopLabel string `json:"topLabel,omitempty"`
	Text     string `json:"text"`
	WrapText bool   `json:"wrapText"`
}

type textParagraph struct {
	Text string `json:"text"`
}

type buttonList struct {
	Buttons []button `json:"buttons"`
}

type button struct {
	Text    string  `json:"text"`
	OnClick onClick `json:"onClick"`
}

type onClick struct {
	OpenLink openLink `json:"openLink"`
}

type openLink struct {
	URL string `json:"url"`
}

// parts is a message before it is laid out, in pieces shrink can drop.
type parts struct {
	text        string
	cardID      string
	title       string
	subtitle    string
	why         []string
	facts       []decoratedText
	factsLeft   int
	excerpt     []string
	logs        []string // oldest first
	logsDropped bool
	logHeading  string // "Last log lines", or a log pattern's "Sample lines"
	context     chat.Context
	buttons     []button
	linksLeft   int
	threadKey   string
}

// Render returns the webhook body for a: compact JSON of at most MaxBody bytes.
func Render(a alert.Alert) ([]byte, error) {
	p := build(a)
	return chat.Fit("gchat: the message", MaxBody, p.encode, p.shrink)
}

func build(a alert.Alert) *parts {
	l := chat.LookOf(a.Severity)
	prefix := l.Emoji + " " + l.Label + ": "
	p := &parts{
		text:      prefix + chatText(chat.Headline(a), textBudget-len(prefix)),
		cardID:    CardID(a),
		title:     plain(l.Emoji+" "+chat.Title(a), titleBudget),
		subtitle:  subtitle(a, l.Label),
		context:   chat.ContextOf(a),
		threadKey: ThreadKey(a),
	}
	for _, d := range chat.Why(a) {
		switch {
		case d.Label == "":
			p.why = append(p.why, chat.Within(cardLines(d.Text, reasonLine), reasonBudget)...)
		case d.Label == "•":
			p.why = append(p.why, "• "+cardText(d.Text, containerBudget))
		default:
			p.why = append(p.why, "<b>"+d.Label+":</b> "+cardText(d.Text, detailBudget))
		}
	}
	var facts []alert.Fact
	facts, p.factsLeft = chat.Facts(a.Facts, factsShown)
	for _, f := range facts {
		v := text.Or(strings.Join(cardLines(f.Value, factValueBudget), "<br>"), "—")
		p.facts = append(p.facts, decoratedText{TopLabel: cardText(f.Label, factLabelBudget), Text: cut(v, factValueBudget), WrapText: true})
	}
	p.excerpt = chat.Head(cardLines(a.Excerpt, excerptLine), excerptLines)
	p.logHeading = a.LogHeading()
	p.logs, p.logsDropped = chat.LastLines(a.LogLines, logLines, func(l string) string {
		return cut(strings.Join(cardLines(l, logLine), " "), logLine)
	})
	var links []alert.Link
	links, p.linksLeft = chat.Links(a.Links, maxButtons, maxURL)
	for _, ln := range links {
		label := text.Or(plain(ln.Label, buttonBudget), "Open")
		p.buttons = append(p.buttons, button{Text: label, OnClick: onClick{OpenLink: openLink{URL: ln.URL}}})
	}
	return p
}

// subtitle names what the alert is about: service or alarm, and where.
func subtitle(a alert.Alert, label string) string {
	id := a.Identity
	parts := []string{label}
	for _, s := range []string{id.Subject(), id.Cluster} {
		if !text.Blank(s) && !slices.Contains(parts, text.Line(s)) {
			parts = append(parts, text.Line(s))
		}
	}
	return plain(strings.Join(parts, " • "), subtitleBudget)
}

// CardID names the card after the event, in the characters a card id may safely hold.
func CardID(a alert.Alert) string {
	var b strings.Builder
	for _, r := range a.EventID {
		if b.Len() == 40 {
			break
		}
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "foghorn-alert"
	}
	return "foghorn-" + b.String()
}

// ThreadKey is the thread an alert belongs in: its service (account, region, cluster, service),
// else its alarm, else its cluster or resource. Alerts about nothing nameable get "" and start
// threads of their own. Keys longer than maxThreadKey bytes keep a readable start and end in a
// hash, so two long names never share a thread.
func ThreadKey(a alert.Alert) string {
	id := a.Identity
	part := func(s string) string {
		if s = text.Line(s); s == "" {
			return "-"
		}
		return s
	}
	where := "foghorn/" + part(id.Account) + "/" + part(id.Region)
	var key string
	switch {
	case !text.Blank(id.Service):
		key = where + "/service/" + part(id.Cluster) + "/" + part(id.Service)
	case !text.Blank(id.AlarmName):
		key = where + "/alarm/" + part(id.AlarmName)
	case !text.Blank(id.Cluster):
		key = where + "/cluster/" + part(id.Cluster)
	case !text.Blank(id.Resource):
		key = where + "/resource/" + part(id.Resource)
	default:
		return ""
	}
	if len(key) <= maxThreadKey {
		return key
	}
	sum := sha256.Sum256([]byte(key))
	return plain(key, maxThreadKey-1-2*16) + "#" + hex.EncodeToString(sum[:16])
}

// card lays the parts out.
func (p *parts) message() message {
	var sections []section
	if len(p.why) > 0 {
		sections = append(sections, section{Widgets: []widget{{TextParagraph: &textParagraph{Text: strings.Join(p.why, "<br>")}}}})
	}
	if len(p.facts) > 0 {
		var ws []widget
		for i := range p.facts {
			ws = append(ws, widget{DecoratedText: &p.facts[i]})
		}
		sections = append(sections, section{Widgets: ws})
	}
	if len(p.excerpt) > 0 {
		sections = append(sections, section{Header: "Raw event", Collapsible: true,
			Widgets: []widget{{TextParagraph: &textParagraph{Text: strings.Join(p.excerpt, "<br>")}}}})
	}
	if len(p.logs) > 0 {
		logs := p.logs
		if p.logsDropped {
			logs = append([]string{"…"}, logs...)
		}
		sections = append(sections, section{Header: p.logHeading, Collapsible: true,
			Widgets: []widget{{TextParagraph: &textParagraph{Text: strings.Join(logs, "<br>")}}}})
	}
	last := []widget{{TextParagraph: &textParagraph{Text: p.small()}}}
	if len(p.buttons) > 0 {
		last = append(last, widget{ButtonList: &buttonList{Buttons: p.buttons}})
	}
	sections = append(sections, section{Widgets: last})
	m := message{
		Text:    p.text,
		CardsV2: []cardWithID{{CardID: p.cardID, Card: card{Header: header{Title: p.title, Subtitle: p.subtitle}, Sections: sections}}},
	}
	if p.threadKey != "" {
		m.Thread = &thread{ThreadKey: p.threadKey}
	}
	return m
}

// small is the small print: severity • region • account • time • count • what was left out.
func (p *parts) small() string {
	esc := func(s string) string { return cardText(s, 100) }
	return cut(p.context.SmallPrint("<b>"+p.context.Label+"</b>", esc, p.factsLeft, p.linksLeft), contextBudget)
}

func (p *parts) encode() ([]byte, error) {
	return chat.Encode("gchat: encoding the message", p.message())
}

// cost is what a string costs in the body: itself, its JSON escapes and a separator.
func cost(s string) int {
	b, _ := json.Marshal(s)
	return len(b) + 4
}

// shrink drops at least over bytes' worth of the message, in this order: the log tail's oldest
// lines, the excerpt's last lines, the facts from the last, the why from its last line, the
// buttons from the last, then the title is cut. It reports false when nothing is left to drop.
func (p *parts) shrink(over int) bool {
	dropped := 0
	for len(p.logs) > 0 && dropped < over {
		dropped += cost(p.logs[0])
		p.logs = p.logs[1:]
		p.logsDropped = true
	}
	for len(p.excerpt) > 0 && dropped < over {
		dropped += cost(p.excerpt[len(p.excerpt)-1])
		p.excerpt = p.excerpt[:len(p.excerpt)-1]
	}
	for len(p.facts) > 0 && dropped < over {
		f := p.facts[len(p.facts)-1]
		dropped += cost(f.TopLabel) + cost(f.Text) + 40
		p.facts = p.facts[:len(p.facts)-1]
		p.factsLeft++
	}
	for len(p.why) > 0 && dropped < over {
		dropped += cost(p.why[len(p.why)-1])
		p.why = p.why[:len(p.why)-1]
	}
	for len(p.buttons) > 0 && dropped < over {
		b := p.buttons[len(p.buttons)-1]
		dropped += cost(b.Text) + cost(b.OnClick.OpenLink.URL) + 40
		p.buttons = p.buttons[:len(p.buttons)-1]
		p.linksLeft++
	}
	if dropped < over && len(p.title) > 100 {
		n := max(100, len(p.title)-(over-dropped))
		dropped += len(p.title) - len(cut(p.title, n))
		p.title = cut(p.title, n)
	}
	return dropped > 0
}
