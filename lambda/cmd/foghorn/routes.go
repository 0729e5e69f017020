package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/clock"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/notifier"
	"github.com/foghornhq/foghorn/lambda/route"
)

// processing is the command's one clock: it is the time records are processed at, which mute
// windows are read on for alerts that carry no time of their own. Tests set it.
var processing clock.Clock = clock.System

// routes prints, for each alert in EVENT, which destinations the document at FILE sends it to
// and by which route, or what kept it back.
func routes(_ context.Context, _ *options, args []string, stdin io.Reader, stdout, _ io.Writer) error {
	if err := wantArgs("routes", args, 2, "a config document and an event file (or -)"); err != nil {
		return err
	}
	doc, err := readDocument(args[0])
	if err != nil {
		return err
	}
	recs, err := readInput(args[1], stdin)
	if err != nil {
		return err
	}
	n, err := notifier.New(doc, notifier.WithClock(processing))
	if err != nil {
		return usageError{fmt.Errorf("%s: %v", args[0], err)}
	}
	printRoutes(stdout, doc, n.Plan(context.Background(), recs))
	return nil
}

// readDocument reads and validates a config document. A document that cannot be read is one
// line; an invalid one is one line per key at fault, each naming it by its JSON path.
func readDocument(path string) (*config.Document, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, usageError{fmt.Errorf("cannot read config document: %w", err)}
	}
	doc, err := config.Parse(data)
	if err == nil {
		return doc, nil
	}
	var lines []string
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			lines = append(lines, strings.TrimPrefix(e.Error(), "config: "))
		}
	} else {
		lines = []string{strings.TrimPrefix(err.Error(), "config: ")}
	}
	if len(lines) == 1 {
		return nil, usageError{fmt.Errorf("%s: %s", path, lines[0])}
	}
	return nil, usageError{fmt.Errorf("%s: %d problems:\n  %s", path, len(lines), strings.Join(lines, "\n  "))}
}

func printRoutes(w io.Writer, doc *config.Document, plan notifier.Plan) {
	dests := map[string]bool{}
	for _, m := range plan.Messages {
		dests[m.Destination] = true
	}
	env := ""
	if doc.Environment != "" {
		env = " (environment " + doc.Environment + ")"
	}
	fmt.Fprintf(w, "%d record(s)%s: %d message(s) to %d destination(s), %d suppressed\n",
		plan.Records, env, len(plan.Messages), len(dests), len(plan.Suppressed))
	routed := map[string]bool{}
	k := 0
	for _, r := range plan.Routed {
		routed[r.Alert.EventID] = true
		k++
		printAlert(w, k, *r.Alert)
		printDecision(w, r.Decision)
	}
	for _, s := range plan.Suppressed {
		if strings.HasPrefix(s.Rule, route.MuteRulePrefix) && routed[s.Alert.EventID] {
			continue // shown above, with its route
		}
		k++
		printAlert(w, k, s.Alert)
		switch s.Rule {
		case notifier.RuleDuplicate, notifier.RuleSameTransition:
			fmt.Fprintf(w, "    posts nothing: %s (%s)\n", s.Why, s.Rule)
		default:
			fmt.Fprintf(w, "    posts nothing: suppressed by noise rule %s: %s\n", s.Rule, s.Why)
		}
	}
}

func printAlert(w io.Writer, k int, a alert.Alert) {
	fmt.Fprintf(w, "\n%d. %s\n", k, a.Title)
	facts := []string{string(a.Kind), a.Event, string(a.Severity)}
	id := a.Identity
	for _, f := range [][2]string{{"account", id.Account}, {"region", id.Region}, {"cluster", id.Cluster}, {"service", id.Service}} {
		if f[1] != "" {
			facts = append(facts, f[0]+" "+f[1])
		}
	}
	if !a.Time.IsZero() {
		facts = append(facts, "at "+a.Time.UTC().Format(time.RFC3339))
	}
	fmt.Fprintf(w, "    %s\n", strings.Join(facts, " · "))
}

func printDecision(w io.Writer, d route.Decision) {
	switch {
	case d.Implicit:
		fmt.Fprintln(w, "    no routes in the document: every destination")
	case d.Default:
		fmt.Fprintln(w, "    no route matched: the default route")
	}
	for _, h := range d.Hits {
		line := fmt.Sprintf("    matched %s", h.Label)
		if h.Label != fmt.Sprintf("routes[%d]", h.Index) {
			line += fmt.Sprintf(" (routes[%d])", h.Index)
		}
		if h.Muted != nil {
			line += fmt.Sprintf(": muted, %s (%s)", h.Muted.Reason, h.Muted)
		} else {
			line += " → " + strings.Join(h.Destinations, ", ")
		}
		if h.Continue {
			line += "; continue"
		}
		fmt.Fprintln(w, line)
	}
	if h, muted := d.Muted(); muted {
		fmt.Fprintf(w, "    posts nothing: muted by route %s (rule %s)\n", h.Label, h.Rule())
		return
	}
	width := 0
	for _, s := range d.Sends {
		width = max(width, len(s.Destination))
	}
	for _, s := range d.Sends {
		fmt.Fprintf(w, "    → %-*s  %s\n", width, s.Destination, sendWhy(s.Routes))
	}
}

// sendWhy says which routes chose a destination.
func sendWhy(routes []string) string {
	switch {
	case len(routes) == 0:
		return "every destination (no routes)"
	case len(routes) == 1 && routes[0] == route.Default:
		return "by the default route"
	case len(routes) == 1:
		return "by route " + routes[0]
	}
	return "by routes " + strings.Join(routes, ", ")
}
