// Package slack renders alerts for Slack and posts them through incoming webhooks.
//
// Layout. Blocks have no colour bar, and a colour bar is what makes severity visible at a
// glance in a busy channel, so the message is a top-level text (the notification and
// accessibility fallback: emoji and summary) plus one legacy attachment that carries the colour
// and all the blocks. The bar then runs along the whole alert. The alternative, blocks at the
// top level and an extra attachment holding only the colour, draws a short bar under the message,
// detached from it. Slack calls attachments legacy but still renders them; Alertmanager relies
// on the same.
//
// Inside the attachment: a header (emoji and title), a section with the why (reason, stop code,
// stopped reason, each container's exit code and reason), sections of fields for the facts,
// code blocks for a generic alert's excerpt and the dying container's last log lines, URL
// buttons for the links, and a context line with severity, region, account and time.
//
// Every Slack limit is held by cutting with "…", never by failing, and every untrusted string
// is cleaned and, in mrkdwn, escaped (see text.go).
package slack

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/chattext"
)

// Slack's limits (Block Kit reference), in characters; fakechat enforces the same.
const (
	MaxHeaderText   = 150
	MaxSectionText  = 3000
	MaxFields       = 10
	MaxFieldText    = 2000
	MaxBlocks       = 50
	MaxButtonText   = 75
	MaxURL          = 3000
	MaxActions      = 25
	MaxContext      = 10
	MaxTextObject   = 3000 // any text object not covered above (context elements)
	MaxMessageText  = 40000
	MaxActionIDText = 255
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
// word are chattext's, as on every target.
var emoji = map[alert.Severity]string{
	alert.Critical: ":rotating_light:",
	alert.Warning:  ":warning:",
	alert.Info:     ":information_source:",
	alert.Resolved: ":white_check_mark:",
}

func emojiOf(s alert.Severity) string {
	if e, ok := emoji[s]; ok {
		return e
	}
	return ":grey_question:"
}

// Render returns the incoming-webhook body for a: compact JSON, within every Slack limit.
func Render(a alert.Alert) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// Keep &, < and > as themselves in the JSON: the mrkdwn entities stay readable in golden
	// files and logs, and the JSON is equally valid.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(build(a)); err != nil {
		return nil, fmt.Errorf("slack: encoding the message: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func build(a alert.Alert) message {
	em := emojiOf(a.Severity)
	headline := firstNonBlank(a.Summary, a.Title, string(a.Kind), "foghorn alert")
	title := firstNonBlank(a.Title, a.Summary, string(a.Kind), "foghorn alert")

	prefix := em + " "
	top := prefix + mrkdwn(headline, topTextBudget-utf8.RuneCountInString(prefix))

	blocks := []block{headerBlock{Type: "header", Text: plainText(plain(em+" "+title, MaxHeaderText))}}
	if why := whySection(a); why != "" {
		blocks = append(blocks, sectionBlock{Type: "section", Text: ptr(mrkdwnText(why))})
	}
	factBlocks, factsLeft := factSections(a.Facts)
	blocks = append(blocks, factBlocks...)
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
	blocks = append(blocks, contextLine(a, factsLeft, linksLeft))

	return message{
		Text: top,
		Attachments: []attachment{{
			Color:    fmt.Sprintf("#%06X", chattext.LookOf(a.Severity).Color),
			Fallback: top,
			Blocks:   blocks[:min(len(blocks), MaxBlocks)],
		}},
	}
}

// whySection says why, in AWS's words: the reason sentence, then the codes and reasons it came
// from, then each container's ending.
func whySection(a alert.Alert) string {
	r := a.Reason
	s := newSection(MaxSectionText)
	sep := ""
	next := func(m string) string { m = sep + m; sep = "\n"; return m }
	if strings.TrimSpace(r.Text) != "" {
		s.add(next(""), r.Text, reasonBudget, true)
	}
	for _, d := range []struct{ label, value string }{
		{"Stop code", r.StopCode},
		{"Stopped reason", r.StoppedReason},
		{"Deployment", r.Deployment},
		{"Alarm reason", r.Alarm},
	} {
		if strings.TrimSpace(d.value) == "" || strings.TrimSpace(d.value) == strings.TrimSpace(r.Text) {
			continue
		}
		s.add(next("*"+d.label+":* "), d.value, detailBudget, false)
	}
	for _, c := range r.Containers {
		s.add(next("• "), containerLine(c), containerBudget, false)
	}
	if s.String() == "" && strings.TrimSpace(a.Summary) != "" && a.Summary != a.Title {
		s.add("", a.Summary, MaxSectionText, true)
	}
	return s.String()
}

// containerLine is one container's ending as untrusted text: "web: exit 137: OutOfMemoryError…".
// It is escaped whole by the caller; the name is not set in bold because bold markup around
// untrusted text could be unbalanced by it. chattext.ContainerLine differs in what counts as a
// blank name (Slack's cleaning rules, see text.go).
func containerLine(c alert.Container) string {
	parts := []string{firstNonBlank(c.Name, "container")}
	if c.ExitCode != nil {
		parts = append(parts, fmt.Sprintf("exit %d", *c.ExitCode))
	} else if c.Status != "" {
		parts = append(parts, strings.ToLower(c.Status))
	}
	if c.Reason != "" {
		parts = append(parts, c.Reason)
	}
	return strings.Join(parts, ": ")
}

// factSections lays the facts out as fields, ten per section, at most factsShown; it returns how
// many were left out so the context line can say so.
func factSections(facts []alert.Fact) ([]block, int) {
	var fields []textObject
	left := 0
	for _, f := range facts {
		switch {
		case strings.TrimSpace(f.Label) == "" && strings.TrimSpace(f.Value) == "":
		case len(fields) == factsShown:
			left++
		default:
			fields = append(fields, mrkdwnText(fieldText(f)))
		}
	}
	var blocks []block
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
	label := "*" + mrkdwn(f.Label, factLabelBudget) + "*\n"
	return label + mrkdwnLines(value, min(factValueBudget, MaxFieldText-utf8.RuneCountInString(label)))
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

// logBlock shows the dying container's last log lines as code. The end of a log says most, so
// lines are dropped from the top, each line cut to logLineBudget.
func logBlock(heading string, lines []string) string {
	open, shut := "*"+heading+"*\n```\n", "\n```"
	show := func(l string) string {
		// Leading indentation (stack traces) is kept; a line break inside a line is not.
		return escapeCut(strings.ReplaceAll(clean(l, true), "\n", " "), logLineBudget)
	}
	empty := func(l string) bool { return l == "" } // a line of white space is kept
	kept := chattext.TailWithin(lines, MaxSectionText-runes(open)-runes(shut), show, runes, empty)
	if kept == nil {
		return ""
	}
	return open + strings.Join(kept, "\n") + shut
}

// actionBlock turns links into URL buttons, which open the link and need no app backend.
// A link whose URL is not an absolute http(s) URL within Slack's length is skipped rather than
// cut: a cut URL would lead somewhere else.
func actionBlock(links []alert.Link) (block, int) {
	var buttons []button
	skipped := 0
	for _, ln := range links {
		u, ok := buttonURL(ln.URL)
		if !ok || len(buttons) == MaxActions {
			skipped++
			continue
		}
		label := plain(ln.Label, MaxButtonText)
		if label == "" {
			label = "Open"
		}
		buttons = append(buttons, button{Type: "button", Text: plainText(label), URL: u,
			ActionID: fmt.Sprintf("link-%d", len(buttons))})
	}
	if len(buttons) == 0 {
		return nil, skipped
	}
	return actionsBlock{Type: "actions", Elements: buttons}, skipped
}

// buttonURL returns raw as a URL Slack takes for a button, or false. Characters that may not
// appear in a URL unencoded (RFC 3986) mean the link is not what it claims, so it is refused;
// non-ASCII (an IRI) is percent-encoded. chattext.LinkURL refuses more (see text.go).
func buttonURL(raw string) (string, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" || !utf8.ValidString(raw) {
		return "", false
	}
	for _, r := range raw {
		if r <= ' ' || r == 0x7f || strings.ContainsRune("<>\"{}|\\^`", r) || isBidiControl(r) {
			return "", false
		}
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", false
	}
	if len(raw) <= MaxURL && !hasNonASCII(raw) {
		return raw, true // nothing to percent-encode
	}
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c >= 0x80 {
			fmt.Fprintf(&b, "%%%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	if b.Len() > MaxURL {
		return "", false
	}
	return b.String(), true
}

// contextLine is the small print: severity • region • account • time • event count, plus what
// was left out.
func contextLine(a alert.Alert, factsLeft, linksLeft int) block {
	c := chattext.ContextOf(a)
	esc := func(s string) string { return mrkdwn(s, contextBudget) }
	return contextBlock{Type: "context", Elements: []textObject{mrkdwnText(c.SmallPrint("*"+c.Label+"*", esc, factsLeft, linksLeft))}}
}

// firstNonBlank is chattext.FirstNonBlank by Slack's cleaning rules (see text.go).
func firstNonBlank(ss ...string) string {
	for _, s := range ss {
		if line(s) != "" {
			return s
		}
	}
	return ""
}

func runes(s string) int { return utf8.RuneCountInString(s) }

func hasNonASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return true
		}
	}
	return false
}

func ptr[T any](v T) *T { return &v }
