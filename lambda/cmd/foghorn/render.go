package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/foghornhq/foghorn/lambda/chat/slack"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/demo"
	"github.com/foghornhq/foghorn/lambda/notifier"
	"golang.org/x/term"
)

// The parameter names the CLI's one-destination document gives its secrets. They are never
// read from SSM: send hands the values over itself.
const (
	cliSecretParam  = "cli"
	cliSigningParam = "cli-signing-key"
)

// document returns the config to run with: the --config file, or one destination of the
// --target, named after it.
func (o *options) document() (*config.Document, error) {
	if o.config != "" {
		if o.channel != "" {
			return nil, usageError{errors.New("--channel is for --target slack-bot; with --config, the document names each destination's channel")}
		}
		return readDocument(o.config)
	}
	d := config.Destination{Name: o.target, Target: o.target, SecretParam: cliSecretParam, Channel: o.channel}
	switch {
	case o.target == config.SlackBot && o.channel == "":
		return nil, usageError{errors.New("--target slack-bot needs --channel: the channel id (C0123ABCD) or #name the bot posts to")}
	case o.target != config.SlackBot && o.channel != "":
		return nil, usageError{fmt.Errorf("--channel is only for --target slack-bot, not %s", o.target)}
	case o.target == config.Webhook:
		d.SigningSecretParam = cliSigningParam
	}
	doc := &config.Document{Version: config.Version, Destinations: []config.Destination{d}}
	if err := doc.Validate(); err != nil {
		var msgs []string
		for _, p := range config.Problems(err) {
			msgs = append(msgs, p.Message)
		}
		return nil, usageError{fmt.Errorf("--target: %s", strings.Join(msgs, "; "))}
	}
	return doc, nil
}

func render(_ context.Context, o *options, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if err := wantArgs("render", args, 1, "one event file (or - for stdin)"); err != nil {
		return err
	}
	if o.format != "json" && o.format != "text" {
		return usageError{fmt.Errorf("--format %q: want json or text", o.format)}
	}
	doc, err := o.document()
	if err != nil {
		return err
	}
	recs, err := readInput(args[0], stdin)
	if err != nil {
		return err
	}
	// No targets: render needs no secret, and posts nothing.
	n, err := notifier.New(doc, notifier.WithClock(processing))
	if err != nil {
		return err
	}
	plan := n.Plan(context.Background(), recs)
	if o.explain {
		explain(stderr, plan)
	}
	if o.format == "text" {
		return drawMessages(stdout, plan, o.config != "", colour(stdout))
	}
	return printMessages(stdout, plan.Messages)
}

// printMessages writes one JSON object per message, the payload byte for byte.
func printMessages(w io.Writer, msgs []notifier.Message) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, m := range msgs {
		if err := enc.Encode(m); err != nil {
			return err
		}
	}
	return nil
}

// drawMessages draws each message as the demo draws the channel. Every target's message is
// drawn as Slack lays it out: the words, fields, code blocks and links are the same on each,
// only the markup differs. With named destinations, each message says where it goes.
func drawMessages(w io.Writer, plan notifier.Plan, named, color bool) error {
	term := demo.Terminal{W: w, Color: color}
	for _, m := range plan.Messages {
		if named {
			fmt.Fprintf(w, "→ %s (%s)%s%s\n", m.Destination, m.Target, routeNote(m.Routes), opNote(m.Op))
		}
		body := m.Payload
		if m.Target != config.Slack && m.Target != config.SlackBot {
			b, err := slack.Render(*m.Alert)
			if err != nil {
				return err
			}
			body = b
		}
		term.Draw(body)
	}
	if len(plan.Messages) == 0 {
		fmt.Fprintf(w, "nothing to post: %d record(s), every alert kept out of the channel (--explain says why)\n", plan.Records)
	}
	return nil
}

func routeNote(routes []string) string {
	if len(routes) == 0 {
		return ""
	}
	return " " + sendWhy(routes)
}

func opNote(op string) string {
	switch op {
	case "update":
		return ", edits the story's message"
	case "reply":
		return ", in the story's thread"
	}
	return ""
}

// colour reports whether to colour what goes to w: only a terminal, and not with NO_COLOR set
// (https://no-color.org).
func colour(w io.Writer) bool {
	return isTerminal(w) && os.Getenv("NO_COLOR") == ""
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func explain(w io.Writer, plan notifier.Plan) {
	fmt.Fprintf(w, "%d record(s): %d message(s), %d folded into stories, %d suppressed\n", plan.Records, len(plan.Messages), len(plan.Folded), len(plan.Suppressed))
	for _, m := range plan.Messages {
		a := m.Alert
		fmt.Fprintf(w, "post      %s → %s: %s [%s %s %s] %s\n", a.EventID, m.Destination, a.Title, a.Kind, a.Event, a.Severity, sendWhy(m.Routes))
	}
	// A muted route that continued: the alert posts elsewhere, and this says where it did not.
	for _, r := range plan.Routed {
		if _, all := r.Decision.Muted(); all {
			continue
		}
		for _, h := range r.Decision.Hits {
			if h.Muted != nil {
				fmt.Fprintf(w, "mute      %s → %s: %s\n", r.Alert.EventID, strings.Join(h.Destinations, ", "), h.Why())
			}
		}
	}
	for _, f := range plan.Folded {
		a := f.Alert
		fmt.Fprintf(w, "fold      %s: %s [%s %s] counted in %s\n", a.EventID, a.Title, a.Kind, a.Event, f.Story)
	}
	for _, s := range plan.Suppressed {
		a := s.Alert
		fmt.Fprintf(w, "suppress  %s: %s [%s %s] by rule %s: %s\n", a.EventID, a.Title, a.Kind, a.Event, s.Rule, s.Why)
	}
}
