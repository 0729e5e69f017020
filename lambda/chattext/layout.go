package chattext

import (
	"fmt"
	"slices"
	"strings"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/textlimit"
)

// Lines are the non-blank lines of untrusted multiline text, cleaned, leading indentation
// kept (a stack trace).
func Lines(s string) []string {
	var out []string
	for _, l := range strings.Split(Clean(s, true), "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// CutEscaped cuts escaped text to n bytes with "…", never inside a rune and never between a
// character and the ZeroWidthSpace that guards it; inside, when not nil, reports more places a
// cut may not fall (within an HTML entity). n too small to hold the "…" gives "".
func CutEscaped(s string, n int, inside func(s string, i int) bool) string {
	if len(s) <= n {
		return s
	}
	if n < len(textlimit.Ellipsis) {
		return ""
	}
	i := n - len(textlimit.Ellipsis)
	for i > 0 && !canCut(s, i, inside) {
		i--
	}
	return s[:i] + textlimit.Ellipsis
}

func canCut(s string, i int, inside func(s string, i int) bool) bool {
	if i < len(s) && (s[i]&0xC0) == 0x80 {
		return false // inside a rune
	}
	if strings.HasPrefix(s[i:], ZeroWidthSpace) {
		return false
	}
	return inside == nil || !inside(s, i)
}

// Within returns the leading lines whose lengths in bytes add up to at most budget.
func Within(lines []string, budget int) []string {
	for i, l := range lines {
		if budget -= len(l); budget < 0 {
			return lines[:i]
		}
	}
	return lines
}

// Head returns the first n lines, and a "…" line after them when there were more.
func Head(lines []string, n int) []string {
	if len(lines) <= n {
		return lines
	}
	return append(slices.Clip(lines[:n]), textlimit.Ellipsis)
}

// LastLines keeps the end of a log: the newest n lines as show makes them, oldest first,
// leaving out those it makes blank. dropped reports that older lines were left out.
func LastLines(lines []string, n int, show func(string) string) (kept []string, dropped bool) {
	for i := len(lines) - 1; i >= 0; i-- {
		l := show(lines[i])
		if l == "" {
			continue
		}
		if len(kept) == n {
			dropped = true
			break
		}
		kept = append(kept, l)
	}
	slices.Reverse(kept)
	return kept, dropped
}

// TailWithin keeps the end of a log within budget, for targets that size a log tail by its
// text: walking back from the newest line, each line as show makes it is kept while its size,
// plus one for its line break, fits in budget less two, the room of a "…" line that goes on
// top when older lines are left out. Lines blank says nothing of are skipped at the end of
// the log. The kept lines are oldest first; none were kept gives nil.
func TailWithin(lines []string, budget int, show func(string) string, size func(string) int, blank func(string) bool) []string {
	var kept []string
	used := 0
	dropped := false
	for i := len(lines) - 1; i >= 0; i-- {
		l := show(lines[i])
		if blank(l) && len(kept) == 0 {
			continue // trailing blank lines say nothing
		}
		cost := size(l) + 1
		if used+cost > budget-2 {
			dropped = true
			break
		}
		kept = append(kept, l)
		used += cost
	}
	if len(kept) == 0 {
		return nil
	}
	if dropped {
		kept = append(kept, textlimit.Ellipsis)
	}
	slices.Reverse(kept)
	return kept
}

// Facts returns the facts worth showing (those with a label or a value), at most n, and how
// many more there were.
func Facts(facts []alert.Fact, n int) (shown []alert.Fact, left int) {
	for _, f := range facts {
		switch {
		case Line(f.Label) == "" && Line(f.Value) == "":
		case len(shown) == n:
			left++
		default:
			shown = append(shown, f)
		}
	}
	return shown, left
}

// Links returns the links a target can show as buttons, at most n, each URL as LinkURL makes
// it within maxURL bytes (labels stay untrusted), and how many were left out.
func Links(links []alert.Link, n, maxURL int) (shown []alert.Link, left int) {
	for _, ln := range links {
		u, ok := LinkURL(ln.URL, maxURL, "")
		if !ok || len(shown) == n {
			left++
			continue
		}
		shown = append(shown, alert.Link{Label: ln.Label, URL: u})
	}
	return shown, left
}

// Or returns s, or fallback when s is blank.
func Or(s, fallback string) string {
	if strings.TrimSpace(s) == "" {
		return fallback
	}
	return s
}

// SmallPrint is the small print in order: label (set as the target sets it), origin, region and
// account (as esc makes them of the untrusted text), time and event count, then how many facts
// and links were left out; the blank parts dropped, the rest joined by " • ".
func (c Context) SmallPrint(label string, esc func(string) string, factsLeft, linksLeft int) string {
	parts := []string{label}
	for _, s := range []string{esc(c.Origin), esc(c.Region), esc(c.Account), c.Time, c.Count,
		NotShown(factsLeft, "more fact", "more facts"), NotShown(linksLeft, "link", "links")} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " • ")
}

// Fit encodes a message and, while its body is over maxBytes, asks shrink to drop at least
// the excess and encodes again. what names the message in the error given when shrink has
// nothing left to drop ("gchat: the message").
func Fit(what string, maxBytes int, encode func() ([]byte, error), shrink func(over int) bool) ([]byte, error) {
	body, err := encode()
	if err != nil {
		return nil, err
	}
	for len(body) > maxBytes {
		if !shrink(len(body) - maxBytes) {
			return nil, fmt.Errorf("%s is %d bytes after every cut, more than %d", what, len(body), maxBytes)
		}
		if body, err = encode(); err != nil {
			return nil, err
		}
	}
	return body, nil
}
