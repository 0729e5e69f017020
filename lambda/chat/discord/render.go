package discord

import (
	"strings"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/text"
)

// Discord's limits, in characters; chatfake enforces the same.
const (
	// https://discord.com/developers/docs/resources/webhook#execute-webhook: content at most
	// 2000 characters, at most 10 embeds.
	MaxContent = 2000
	MaxEmbeds  = 10
	// https://discord.com/developers/docs/resources/message#embed-object-embed-limits: title
	// 256, description 4096, 25 fields of name 256 and value 1024, footer text 2048, and 6000
	// for the title, description, field names and values, footer and author together.
	MaxTitle       = 256
	MaxDescription = 4096
	MaxFields      = 25
	MaxFieldName   = 256
	MaxFieldValue  = 1024
	MaxFooter      = 2048
	MaxEmbedTotal  = 6000
	// Not documented: links longer than this are left out.
	maxURL = 2000
)

// Our own budgets, well inside the limits, so an alert stays short enough to read.
const (
	contentBudget   = 300
	whyBudget       = 2400 // the why section as a whole; with the two code blocks it fits in 4096
	reasonBudget    = 1200
	detailBudget    = 400
	containerBudget = 300
	excerptBudget   = 800
	logBudget       = 800
	logLineBudget   = 300
	factNameBudget  = 100
	factValueBudget = 400
	minFactValue    = 16 // a fact cut shorter than this says nothing: leave it out instead
	linkLabelBudget = 80
	footerBudget    = 240
	notesBudget     = 60 // "n more facts not shown • n links not shown", kept out of the fields' share
	inlineName      = 24 // a fact this short in name and value sits beside others
	inlineValue     = 40
)

type message struct {
	Content         string          `json:"content,omitempty"`
	Embeds          []embed         `json:"embeds"`
	AllowedMentions allowedMentions `json:"allowed_mentions"`
}

// allowedMentions with an empty, non-nil Parse: nothing in the message may ping.
type allowedMentions struct {
	Parse []string `json:"parse"`
}

type embed struct {
	Title       string  `json:"title"`
	URL         string  `json:"url,omitempty"`
	Description string  `json:"description,omitempty"`
	Color       uint32  `json:"color"`
	Fields      []field `json:"fields,omitempty"`
	Footer      *footer `json:"footer,omitempty"`
	Timestamp   string  `json:"timestamp,omitempty"`
}

type field struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Inline bool   `json:"inline,omitempty"`
}

type footer struct {
	Text string `json:"text"`
}

// Render returns the webhook body for a: compact JSON, within every Discord limit.
func Render(a alert.Alert) ([]byte, error) {
	return chat.Encode("discord: encoding the message", build(a))
}

func build(a alert.Alert) message {
	l := chat.LookOf(a.Severity)
	prefix := l.Emoji + " **" + l.Label + "** "
	e := embed{
		Title:       md(chat.Title(a), MaxTitle),
		Color:       l.Color,
		Description: description(a),
		Timestamp:   timestamp(a),
	}
	if u, ok := firstLink(a.Links); ok {
		e.URL = u
	}
	small := footerText(a)
	left := MaxEmbedTotal - units(e.Title) - units(e.Description) - units(small) - notesBudget
	fields, factsLeft := factFields(a.Facts, &left)
	links, linksLeft := linkField(a.Links, left)
	if links != nil {
		fields = append(fields, *links)
	}
	e.Fields = fields
	notes := []string{small}
	if n := chat.NotShown(factsLeft, "more fact", "more facts"); n != "" {
		notes = append(notes, n)
	}
	if n := chat.NotShown(linksLeft, "link", "links"); n != "" {
		notes = append(notes, n)
	}
	e.Footer = &footer{Text: strings.Join(notes, " • ")}
	return message{
		Content:         prefix + md(chat.Headline(a), contentBudget-units(prefix)),
		Embeds:          []embed{e},
		AllowedMentions: allowedMentions{Parse: []string{}},
	}
}

// description is the why, then the raw excerpt and the log tail as code blocks, in that order
// of importance: a later part gets what the earlier ones left, or is left out.
func description(a alert.Alert) string {
	var parts []string
	left := MaxDescription
	room := func() int {
		if len(parts) > 0 {
			return left - 2 // the blank line between parts
		}
		return left
	}
	add := func(s string) {
		if s == "" {
			return
		}
		left = room() - units(s)
		parts = append(parts, s)
	}
	add(why(a))
	add(codeBlock("Raw event", func(n int) string { return code(a.Excerpt, true, min(excerptBudget, n)) }, room()))
	add(codeBlock(a.LogHeading(), func(n int) string { return logTail(a.LogLines, min(logBudget, n)) }, room()))
	return strings.Join(parts, "\n\n")
}

// why is the reason sentence, then each detail on its own line, within its budgets.
func why(a alert.Alert) string {
	var lines []string
	left := whyBudget
	for _, d := range chat.Why(a) {
		var label, text string
		switch {
		case d.Label == "":
			text = mdLines(d.Text, min(reasonBudget, left))
		case d.Label == "•":
			label = "• "
			text = md(d.Text, min(containerBudget, left-units(label)))
		default:
			label = "**" + d.Label + ":** "
			text = md(d.Text, min(detailBudget, left-units(label)))
		}
		if strings.TrimSpace(text) == "" {
			break // out of room
		}
		lines = append(lines, label+text)
		left -= units(label+text) + 1
	}
	return strings.Join(lines, "\n")
}

// minCode is the least room worth a code block: less than this says nothing.
const minCode = 40

// codeBlock is a heading and a code block whose body is rendered to fit room units in all.
func codeBlock(heading string, body func(n int) string, room int) string {
	open, shut := "**"+heading+"**\n```\n", "\n```"
	n := room - units(open) - units(shut)
	if n < minCode {
		return ""
	}
	b := body(n)
	if strings.TrimSpace(b) == "" {
		return ""
	}
	return open + b + shut
}

// logTail keeps the last lines that fit in budget units, each cut to logLineBudget, with a "…"
// line on top when lines were dropped: the end of a log says most.
func logTail(lines []string, budget int) string {
	show := func(l string) string { return code(l, false, logLineBudget) }
	blank := func(l string) bool { return strings.TrimSpace(l) == "" }
	return strings.Join(chat.TailWithin(lines, budget, show, units, blank), "\n")
}

// factFields lays the facts out as fields within *left units of the embed's total, keeping one
// field free for the links; it returns how many facts were left out.
func factFields(facts []alert.Fact, left *int) ([]field, int) {
	var out []field
	skipped := 0
	for _, f := range facts {
		if text.Blank(f.Label) && text.Blank(f.Value) {
			continue
		}
		name := md(f.Label, factNameBudget)
		if name == "" {
			name = "—"
		}
		room := min(factValueBudget, *left-units(name))
		if len(out) == MaxFields-1 || room < minFactValue {
			skipped++
			continue
		}
		value := mdLines(f.Value, room)
		if strings.TrimSpace(value) == "" {
			value = "—"
		}
		out = append(out, field{Name: name, Value: value,
			Inline: units(name) <= inlineName && units(value) <= inlineValue && !strings.Contains(value, "\n")})
		*left -= units(name) + units(value)
	}
	return out, skipped
}

// linkField puts the links in one field as masked links, as many as fit in left units.
func linkField(links []alert.Link, left int) (*field, int) {
	const name = "Links"
	room := min(MaxFieldValue, left-units(name))
	var parts []string
	used, skipped := 0, 0
	for _, ln := range links {
		u, ok := text.LinkURL(ln.URL, maxURL, "()")
		label := md(ln.Label, linkLabelBudget)
		if label == "" {
			label = "Open"
		}
		s := "[" + label + "](" + u + ")"
		cost := units(s)
		if len(parts) > 0 {
			cost += 3 // " • "
		}
		if !ok || used+cost > room {
			skipped++
			continue
		}
		parts = append(parts, s)
		used += cost
	}
	if len(parts) == 0 {
		return nil, skipped
	}
	return &field{Name: name, Value: strings.Join(parts, " • ")}, skipped
}

func firstLink(links []alert.Link) (string, bool) {
	for _, ln := range links {
		if u, ok := text.LinkURL(ln.URL, maxURL, ""); ok {
			return u, true
		}
	}
	return "", false
}

// footerText is the small print: severity • AWS event • region • account • event count. The
// time is the embed's timestamp, which Discord shows in each reader's own time zone.
func footerText(a alert.Alert) string {
	c := chat.ContextOf(a)
	parts := []string{c.Label}
	for _, s := range []string{plain(c.Origin, 120), plain(c.Region, 60), plain(c.Account, 60), c.Count} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return join(plainTokens(strings.Join(parts, " • ")), footerBudget)
}

// timestamp is the event time in ISO 8601 with milliseconds, as Discord documents it; a time
// outside years 1–9999 cannot be written so and is left out.
func timestamp(a alert.Alert) string {
	t := a.Time.UTC()
	if a.Time.IsZero() || t.Year() < 1 || t.Year() > 9999 {
		return ""
	}
	return t.Format("2006-01-02T15:04:05.000Z07:00")
}
