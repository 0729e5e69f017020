package gchat

import (
	"strings"

	"github.com/foghornhq/foghorn/lambda/text"
)

// Google Chat parses two markups. The message's text uses its own: *bold*, _italic_, ~strike~,
// `code`, <url|label> links and <users/…> mentions (<users/all> notifies everyone). There a
// zero-width space after every "<", "*", "~" and "`" keeps untrusted text from forming any of
// them. Card text (decoratedText, textParagraph) is a subset of HTML, so there untrusted text
// is HTML-escaped. Card headers and button labels are plain text and are only cleaned.
//
// Sizes are in bytes, because Google Chat's limit is on the message in bytes.

const zws = text.ZeroWidthSpace

var broadcasts = []string{"all", "everyone", "here"}

// chatText cleans and guards untrusted one-line text for the message's text, cut to n bytes.
func chatText(s string, n int) string {
	s = text.BreakMentions(text.Line(s), broadcasts...)
	var b strings.Builder
	for _, r := range s {
		b.WriteRune(r)
		if strings.ContainsRune("<*~`", r) {
			b.WriteString(zws)
		}
	}
	return cut(b.String(), n)
}

// html escapes clean text for card text.
func html(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// cardText cleans and HTML-escapes untrusted one-line text for card text, cut to n bytes.
func cardText(s string, n int) string {
	return cut(html(text.BreakMentions(text.Line(s), broadcasts...)), n)
}

// cardLines is cardText for each non-blank line of multiline text, leading indentation kept.
func cardLines(s string, n int) []string {
	var out []string
	for _, l := range text.Lines(s) {
		out = append(out, cut(html(text.BreakMentions(l, broadcasts...)), n))
	}
	return out
}

// plain cleans untrusted text for plain-text places (header, button labels), cut to n bytes.
func plain(s string, n int) string {
	return text.Bytes(text.BreakMentions(text.Line(s), broadcasts...), n)
}

// cut cuts escaped text to n bytes with "…", never inside a rune, an entity or before the
// zero-width space that guards a character.
func cut(s string, n int) string { return text.CutEscaped(s, n, insideEntity) }

// insideEntity reports whether byte i of escaped text is within an entity: every "&" of
// escaped text starts one of at most five bytes (&amp;).
func insideEntity(s string, i int) bool {
	j := strings.LastIndexByte(s[:i], '&')
	return j >= 0 && i-j < 5 && !strings.Contains(s[j:i], ";")
}
