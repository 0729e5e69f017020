package teams

import (
	"encoding/json"
	"strings"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/text"
)

// https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook:
// "The message size limit is 28 KB."
const sizeLimit = 28 << 10

// MaxBody is the largest body Render produces, in bytes: 20 KB, well under sizeLimit, because
// Teams has been seen refusing smaller bodies once it re-encodes them as UTF-16.
const MaxBody = sizeLimit - 8<<10

// CardVersion is the Adaptive Card schema version of every card.
const CardVersion = "1.4"

// Our budgets, in bytes, so that one long field cannot crowd out the rest before shrink runs.
const (
	headingBudget   = 400
	reasonBudget    = 3000 // the reason sentence, all its lines
	reasonLine      = 1000
	detailBudget    = 600
	containerBudget = 500
	factsShown      = 20
	factTitleBudget = 120
	factValueBudget = 800
	excerptLines    = 20
	excerptLine     = 300
	logLines        = 50
	logLine         = 400
	maxActions      = 5 // Teams renders at most a handful of actions side by side
	actionTitle     = 60
	maxURL          = 2048
	contextBudget   = 400
	fallbackBudget  = 300
)

type envelope struct {
	Type        string       `json:"type"`
	Attachments []attachment `json:"attachments"`
}

type attachment struct {
	ContentType string  `json:"contentType"`
	ContentURL  *string `json:"contentUrl"` // always null, as the template expects
	Content     card    `json:"content"`
}

type card struct {
	Schema       string    `json:"$schema"`
	Type         string    `json:"type"`
	Version      string    `json:"version"`
	FallbackText string    `json:"fallbackText,omitempty"`
	MSTeams      msteams   `json:"msteams"`
	Body         []element `json:"body"`
	Actions      []action  `json:"actions,omitempty"`
}

type msteams struct {
	Width string `json:"width"`
}

// element is a TextBlock or a FactSet; the concrete structs keep each element's JSON exact.
type element interface{ elementType() string }

type textBlock struct {
	Type      string `json:"type"`
	Text      string `json:"text"`
	Wrap      bool   `json:"wrap"`
	Weight    string `json:"weight,omitempty"`
	Size      string `json:"size,omitempty"`
	Color     string `json:"color,omitempty"`
	IsSubtle  bool   `json:"isSubtle,omitempty"`
	FontType  string `json:"fontType,omitempty"`
	Spacing   string `json:"spacing,omitempty"`
	Separator bool   `json:"separator,omitempty"`
}

type factSet struct {
	Type  string `json:"type"`
	Facts []fact `json:"facts"`
}

type fact struct {
	Title string `json:"title"`
	Value string `json:"value"`
}

type action struct {
	Type  string `json:"type"`
	Title string `json:"title"`
	URL   string `json:"url"`
}

func (textBlock) elementType() string { return "TextBlock" }
func (factSet) elementType() string   { return "FactSet" }

// colors are Teams' semantic colours for each severity; the emoji is chat's.
var colors = map[alert.Severity]string{
	alert.Critical: "Attention",
	alert.Warning:  "Warning",
	alert.Info:     "Accent",
	alert.Resolved: "Good",
}

func colorOf(s alert.Severity) string {
	if c, ok := colors[s]; ok {
		return c
	}
	return "Default"
}

// parts is a card before it is laid out, in pieces shrink can drop.
type parts struct {
	heading     textBlock
	fallback    string
	why         []textBlock
	facts       []fact
	factsLeft   int
	excerpt     []textBlock
	logs        []textBlock // oldest first
	logsDropped bool
	logHeading  string // "Last log lines", or a log pattern's "Sample lines"
	context     chat.Context
	actions     []action
	linksLeft   int
}

// Render returns the Workflows webhook body for a: compact JSON of at most MaxBody bytes.
func Render(a alert.Alert) ([]byte, error) {
	p := build(a)
	return chat.Fit("teams: the card", MaxBody, p.encode, p.shrink)
}

func build(a alert.Alert) *parts {
	p := &parts{
		heading: textBlock{Type: "TextBlock", Text: chat.LookOf(a.Severity).Emoji + " " + inline(chat.Title(a), headingBudget),
			Wrap: true, Weight: "Bolder", Size: "Medium", Color: colorOf(a.Severity)},
		fallback: plain(chat.Headline(a), fallbackBudget),
		context:  chat.ContextOf(a),
	}
	p.why = why(a)
	var facts []alert.Fact
	facts, p.factsLeft = chat.Facts(a.Facts, factsShown)
	for _, f := range facts {
		v := strings.Join(lines(f.Value, factValueBudget), " ")
		p.facts = append(p.facts, fact{Title: orDash(inline(f.Label, factTitleBudget)), Value: orDash(cut(v, factValueBudget))})
	}
	if ex := lines(a.Excerpt, excerptLine); len(ex) > 0 {
		p.excerpt = append(p.excerpt, label("Raw event"))
		for _, l := range chat.Head(ex, excerptLines) {
			p.excerpt = append(p.excerpt, mono(l))
		}
	}
	var logs []string
	p.logHeading = a.LogHeading()
	logs, p.logsDropped = chat.LastLines(a.LogLines, logLines, func(l string) string {
		return cut(strings.Join(lines(l, logLine), " "), logLine)
	})
	for _, l := range logs {
		p.logs = append(p.logs, mono(l))
	}
	var links []alert.Link
	links, p.linksLeft = chat.Links(a.Links, maxActions, maxURL)
	for _, ln := range links {
		title := text.Or(plain(ln.Label, actionTitle), "Open")
		p.actions = append(p.actions, action{Type: "Action.OpenUrl", Title: title, URL: ln.URL})
	}
	return p
}

// why is one TextBlock per line of the reason sentence, then one per detail.
func why(a alert.Alert) []textBlock {
	var out []textBlock
	for _, d := range chat.Why(a) {
		switch {
		case d.Label == "":
			for _, l := range chat.Within(lines(d.Text, reasonLine), reasonBudget) {
				out = append(out, textBlock{Type: "TextBlock", Text: l, Wrap: true, Spacing: "Small"})
			}
		case d.Label == "•":
			out = append(out, textBlock{Type: "TextBlock", Text: "• " + inline(d.Text, containerBudget), Wrap: true, Spacing: "None"})
		default:
			out = append(out, textBlock{Type: "TextBlock", Text: "**" + d.Label + ":** " + inline(d.Text, detailBudget), Wrap: true, Spacing: "Small"})
		}
	}
	return out
}

func label(s string) textBlock {
	return textBlock{Type: "TextBlock", Text: "**" + s + "**", Wrap: true, Spacing: "Medium"}
}

func mono(s string) textBlock {
	return textBlock{Type: "TextBlock", Text: s, Wrap: true, FontType: "Monospace", Size: "Small", Spacing: "None"}
}

func orDash(s string) string { return text.Or(s, "—") }

// card lays the parts out.
func (p *parts) card() card {
	body := []element{p.heading}
	for _, b := range p.why {
		body = append(body, b)
	}
	if len(p.facts) > 0 {
		body = append(body, factSet{Type: "FactSet", Facts: p.facts})
	}
	for _, b := range p.excerpt {
		body = append(body, b)
	}
	if len(p.logs) > 0 {
		body = append(body, label(p.logHeading))
		if p.logsDropped {
			body = append(body, mono("…"))
		}
		for _, b := range p.logs {
			body = append(body, b)
		}
	}
	body = append(body, p.small())
	return card{
		Schema:       "http://adaptivecards.io/schemas/adaptive-card.json",
		Type:         "AdaptiveCard",
		Version:      CardVersion,
		FallbackText: p.fallback,
		MSTeams:      msteams{Width: "Full"},
		Body:         body,
		Actions:      p.actions,
	}
}

// small is the small print: severity • region • account • time • count • what was left out.
func (p *parts) small() textBlock {
	esc := func(s string) string { return inline(s, 100) }
	small := p.context.SmallPrint("**"+p.context.Label+"**", esc, p.factsLeft, p.linksLeft)
	return textBlock{Type: "TextBlock", Text: cut(small, contextBudget), Wrap: true,
		IsSubtle: true, Size: "Small", Separator: true}
}

func (p *parts) encode() ([]byte, error) {
	return chat.Encode("teams: encoding the card", envelope{Type: "message", Attachments: []attachment{{
		ContentType: "application/vnd.microsoft.card.adaptive",
		Content:     p.card(),
	}}})
}

// size is what one element costs in the body: its JSON and a comma.
func size(v any) int {
	b, _ := json.Marshal(v)
	return len(b) + 1
}

// shrink drops at least over bytes' worth of the card, in this order: the log tail's oldest
// lines, the excerpt's last lines, the facts from the last, the why from its last detail, the
// links from the last, then the heading is cut. It reports false when nothing is left to drop.
func (p *parts) shrink(over int) bool {
	dropped := 0
	take := func(n int) { dropped += n }
	for len(p.logs) > 0 && dropped < over {
		take(size(p.logs[0]))
		p.logs = p.logs[1:]
		p.logsDropped = true
	}
	for len(p.excerpt) > 0 && dropped < over {
		take(size(p.excerpt[len(p.excerpt)-1]))
		p.excerpt = p.excerpt[:len(p.excerpt)-1]
		if len(p.excerpt) == 1 { // the label alone says nothing
			take(size(p.excerpt[0]))
			p.excerpt = nil
		}
	}
	for len(p.facts) > 0 && dropped < over {
		take(size(p.facts[len(p.facts)-1]))
		p.facts = p.facts[:len(p.facts)-1]
		p.factsLeft++
	}
	for len(p.why) > 0 && dropped < over {
		take(size(p.why[len(p.why)-1]))
		p.why = p.why[:len(p.why)-1]
	}
	for len(p.actions) > 0 && dropped < over {
		take(size(p.actions[len(p.actions)-1]))
		p.actions = p.actions[:len(p.actions)-1]
		p.linksLeft++
	}
	if dropped < over && len(p.heading.Text) > 100 {
		n := max(100, len(p.heading.Text)-(over-dropped))
		dropped += len(p.heading.Text) - len(cut(p.heading.Text, n))
		p.heading.Text = cut(p.heading.Text, n)
	}
	return dropped > 0
}
