package chat

import (
	"fmt"
	"slices"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/text"
)

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
	return append(slices.Clip(lines[:n]), text.Ellipsis)
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
		kept = append(kept, text.Ellipsis)
	}
	slices.Reverse(kept)
	return kept
}

// Facts returns the facts worth showing (those with a label or a value), at most n, and how
// many more there were.
func Facts(facts []alert.Fact, n int) (shown []alert.Fact, left int) {
	if len(facts) > 0 {
		shown = make([]alert.Fact, 0, min(len(facts), n)) // made once, not grown by doubling
	}
	for _, f := range facts {
		switch {
		case text.Blank(f.Label) && text.Blank(f.Value):
		case len(shown) == n:
			left++
		default:
			shown = append(shown, f)
		}
	}
	if len(shown) == 0 {
		shown = nil
	}
	return shown, left
}

// Links returns the links a target can show as buttons, at most n, each URL as LinkURL makes
// it within maxURL bytes (labels stay untrusted), and how many were left out.
func Links(links []alert.Link, n, maxURL int) (shown []alert.Link, left int) {
	if len(links) > 0 {
		shown = make([]alert.Link, 0, min(len(links), n))
	}
	for _, ln := range links {
		u, ok := text.LinkURL(ln.URL, maxURL, "")
		if !ok || len(shown) == n {
			left++
			continue
		}
		shown = append(shown, alert.Link{Label: ln.Label, URL: u})
	}
	if len(shown) == 0 {
		shown = nil
	}
	return shown, left
}

// SmallPrint is the small print in order: label (set as the target sets it), origin, region and
// account (as esc makes them of the untrusted text), time and event count, then how many facts
// and links were left out; the blank parts dropped, the rest joined by " • ".
func (c Context) SmallPrint(label string, esc func(string) string, factsLeft, linksLeft int) string {
	parts := make([]string, 1, 8) // room for every part: a slice that does not grow stays off the heap
	parts[0] = label
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

// Encode writes v as a request body: compact JSON without a trailing newline, with <, > and &
// kept as they are, so that markup entities stay readable in golden files and logs, cost one
// byte instead of six, and the JSON is equally valid. what names the body in the error
// ("slack: encoding the message").
//
// The bytes are encoding/json's (its omitempty, its null for a nil slice, its escapes of
// U+2028 and U+2029), written by the JSON v2 encoder, which does the same work in a third of
// the instructions.
func Encode(what string, v any) ([]byte, error) {
	b, err := jsonv2.Marshal(v, encodeOptions)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return b, nil
}

var encodeOptions = jsonv2.JoinOptions(jsonv1.DefaultOptionsV1(), jsontext.EscapeForHTML(false))
