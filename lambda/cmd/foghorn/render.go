package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/chat/slack"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/demo"
	"github.com/foghornhq/foghorn/lambda/envelope"
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
	if o.format == "json" {
		if done, err := renderStream(doc, args[0], stdout, stderr, o.explain); done || err != nil {
			return err
		}
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

// renderStream renders a file holding one JSON object (an event, an envelope, a whole SQS
// batch) reading its records, and writing its messages, one at a time, so that a batch of
// ten thousand records is never held whole, nor are its messages. It reports false, having
// written nothing, for any other input (stdin, an array, one event per line, a file that is
// not JSON), which readInput then reads whole and explains.
func renderStream(doc *config.Document, path string, stdout, stderr io.Writer, explainToo bool) (bool, error) {
	if path == "-" {
		return false, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return false, nil // readInput says why
	}
	defer f.Close()
	in := bufio.NewReader(f)
	if first, err := firstByte(in); err != nil || first != '{' {
		return false, nil
	}
	n, err := notifier.New(doc, notifier.WithClock(processing))
	if err != nil {
		return true, err
	}
	out := bufio.NewWriter(stdout)
	// Messages are emitted only once every record is read: a file that turns out to hold more
	// than one value has had nothing written for it.
	plan, err := n.Stream(context.Background(), envelope.Stream(in), func(m notifier.Message) error { return printMessage(out, m) })
	if errors.Is(err, envelope.ErrNotJSON) {
		return false, nil
	}
	if err != nil {
		return true, err
	}
	if err := out.Flush(); err != nil {
		return true, err
	}
	if explainToo {
		explain(stderr, plan)
	}
	return true, nil
}

// firstByte peeks at the first byte that is not white space.
func firstByte(r *bufio.Reader) (byte, error) {
	for i := 1; ; i++ {
		b, err := r.Peek(i)
		if err != nil {
			return 0, err
		}
		if c := b[i-1]; c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return c, nil
		}
	}
}

// printMessages writes one JSON object per message, the payload byte for byte.
func printMessages(w io.Writer, msgs []notifier.Message) error {
	for _, m := range msgs {
		if err := printMessage(w, m); err != nil {
			return err
		}
	}
	return nil
}

// printMessage writes one message as a line of JSON, as encoding/json's Encoder with HTML
// escaping off would (chat.Encode writes the same bytes, in a third of the instructions).
func printMessage(w io.Writer, m notifier.Message) error {
	b, err := chat.Encode("render: encoding the message", m)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
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
