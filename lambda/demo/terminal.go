package demo

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// Terminal draws a Slack message payload the way the channel would show it, in plain text
// with an optional ANSI colour bar: the header, the text, the fields in two columns, code
// blocks, the context line and the buttons.
type Terminal struct {
	W     io.Writer
	Color bool
}

type slackPayload struct {
	Text        string       `json:"text"`
	Blocks      []slackBlock `json:"blocks"`
	Attachments []struct {
		Color  string       `json:"color"`
		Blocks []slackBlock `json:"blocks"`
		Text   string       `json:"text"`
	} `json:"attachments"`
}

type slackText struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

type slackBlock struct {
	Type     string      `json:"type"`
	Text     *slackText  `json:"text"`
	Fields   []slackText `json:"fields"`
	Elements []struct {
		Type string          `json:"type"`
		Text json.RawMessage `json:"text"`
		URL  string          `json:"url"`
	} `json:"elements"`
}

const (
	ansiReset = "\033[0m"
	ansiBold  = "\033[1m"
	ansiDim   = "\033[2m"
)

// colourFor maps a Slack attachment colour to the nearest ANSI colour.
func colourFor(c string) string {
	switch strings.ToLower(c) {
	case "danger":
		return "\033[31m"
	case "warning":
		return "\033[33m"
	case "good":
		return "\033[32m"
	}
	var r, g, b int
	if _, err := fmt.Sscanf(strings.TrimPrefix(c, "#"), "%02x%02x%02x", &r, &g, &b); err != nil {
		return "\033[37m"
	}
	switch {
	case r > 180 && g < 120:
		return "\033[31m"
	case r > 180 && g >= 120 && b < 120:
		return "\033[33m"
	case g > r && g > b:
		return "\033[32m"
	case b > r && b > g:
		return "\033[34m"
	}
	return "\033[37m"
}

// Draw renders one payload; a payload it cannot parse is shown raw.
func (t Terminal) Draw(body []byte) {
	var p slackPayload
	if err := json.Unmarshal(body, &p); err != nil {
		fmt.Fprintf(t.W, "  %s\n", body)
		return
	}
	bar := "┃ "
	blocks := p.Blocks
	for _, a := range p.Attachments {
		if a.Color != "" && t.Color {
			bar = colourFor(a.Color) + "┃" + ansiReset + " "
		}
		blocks = append(blocks, a.Blocks...)
	}
	line := func(s string) { fmt.Fprintf(t.W, "  %s%s\n", bar, s) }
	if len(blocks) == 0 {
		line(mrkdwn(p.Text))
	}
	for _, b := range blocks {
		switch b.Type {
		case "header":
			if b.Text != nil {
				line(t.style(ansiBold, emoji.Replace(b.Text.Text)))
			}
		case "section":
			if b.Text != nil {
				for _, l := range strings.Split(t.codeAware(b.Text.Text), "\n") {
					line(l)
				}
			}
			t.fields(line, b.Fields)
		case "context":
			var parts []string
			for _, e := range b.Elements {
				var txt string
				if json.Unmarshal(e.Text, &txt) == nil {
					parts = append(parts, mrkdwn(txt))
				}
			}
			line(t.style(ansiDim, strings.Join(parts, "  ")))
		case "actions":
			var buttons []string
			for _, e := range b.Elements {
				var txt slackText
				if json.Unmarshal(e.Text, &txt) == nil {
					buttons = append(buttons, "[ "+txt.Text+" ]")
				}
			}
			line(strings.Join(buttons, " "))
		case "divider":
			line(t.style(ansiDim, strings.Repeat("─", 40)))
		}
	}
	fmt.Fprintln(t.W)
}

func (t Terminal) fields(line func(string), fields []slackText) {
	for i := 0; i < len(fields); i += 2 {
		left := oneLine(mrkdwn(fields[i].Text))
		right := ""
		if i+1 < len(fields) {
			right = oneLine(mrkdwn(fields[i+1].Text))
		}
		line(fmt.Sprintf("%-38s %s", left, right))
	}
}

// oneLine turns "*Label*\nvalue" into "Label: value".
func oneLine(s string) string {
	label, value, ok := strings.Cut(s, "\n")
	if !ok {
		return s
	}
	return label + ": " + strings.ReplaceAll(value, "\n", " ")
}

func (t Terminal) style(code, s string) string {
	if !t.Color {
		return s
	}
	return code + s + ansiReset
}

// codeAware renders ``` blocks dimmed and indented, and the rest as mrkdwn.
func (t Terminal) codeAware(s string) string {
	parts := strings.Split(s, "```")
	for i := range parts {
		if i%2 == 1 {
			var b strings.Builder
			for _, l := range strings.Split(strings.Trim(parts[i], "\n"), "\n") {
				b.WriteString("\n    " + t.style(ansiDim, unescape(l)))
			}
			parts[i] = b.String() + "\n"
		} else {
			parts[i] = mrkdwn(parts[i])
		}
	}
	return strings.TrimRight(strings.Join(parts, ""), "\n")
}

var linkRE = regexp.MustCompile(`<([^|>]+)\|([^>]+)>`)

// mrkdwn strips Slack's markup for the terminal: *bold*, links, and the three escapes.
func mrkdwn(s string) string {
	s = linkRE.ReplaceAllString(s, "$2")
	s = strings.NewReplacer("*", "", "`", "").Replace(s)
	return unescape(s)
}

func unescape(s string) string {
	return entities.Replace(s)
}

// emojiCodes are the codes the renderers use, drawn as emoji.
var emojiCodes = []string{"\u200b", "", "\u2060", "", ":rotating_light:", "🚨", ":warning:", "⚠️ ", ":information_source:", "ℹ️ ", ":white_check_mark:", "✅", ":grey_question:", "❔"}

var (
	emoji = strings.NewReplacer(emojiCodes...)
	// entities undoes Slack's three mrkdwn escapes, and draws emoji.
	entities = strings.NewReplacer(append([]string{"&lt;", "<", "&gt;", ">", "&amp;", "&"}, emojiCodes...)...)
)
