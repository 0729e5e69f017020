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
	in, err := openInput(args[0], stdin)
	if err != nil {
		return err
	}
	defer in.close()
	out := bufio.NewWriter(stdout)
	emit := func(m notifier.Message) error { return printMessage(out, m) }
	if o.format == "text" {
		d := drawer{term: demo.Terminal{W: out, Color: colour(stdout)}, named: o.config != ""}
		emit = d.draw
	}
	plan, err := renderInput(doc, in, emit, o.explain)
	if err == nil && o.format == "text" && len(plan.Messages) == 0 {
		nothingToPost(out, plan)
	}
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		return err
	}
	if o.explain {
		explain(stderr, plan)
	}
	return nil
}

// renderInput renders the input's records, handing each message to emit as it is rendered,
// and returns the plan (its messages without their payloads). The input is read a record at
// a time (input.readers), so that neither a batch of ten thousand records nor its messages
// are ever held whole. The notifier emits only once every record is read: an input that one
// way cannot read has had nothing emitted for it, and is read the next way, last of all
// whole (readAll), which says, with line and column, what is wrong with JSON that does not
// parse. Without explain, the plan keeps only what render prints when nothing is posted
// (notifier.Stream), and each alert is let go once its messages are written.
func renderInput(doc *config.Document, in *input, emit func(notifier.Message) error, explain bool) (notifier.Plan, error) {
	// No targets: render needs no secret, and posts nothing. Each attempt starts afresh.
	newNotifier := func() (*notifier.Notifier, error) { return notifier.New(doc, notifier.WithClock(processing)) }
	for _, records := range in.readers() {
		f, err := os.Open(in.path)
		if err != nil {
			break // readAll says why
		}
		n, err := newNotifier()
		if err != nil {
			f.Close()
			return notifier.Plan{}, err
		}
		plan, err := n.Stream(context.Background(), records(bufio.NewReader(f)), emit, explain)
		f.Close()
		if !errors.As(err, new(errStreamInput)) {
			return plan, err
		}
	}
	recs, err := in.readAll()
	if err != nil {
		return notifier.Plan{}, err
	}
	n, err := newNotifier()
	if err != nil {
		return notifier.Plan{}, err
	}
	plan := n.Plan(context.Background(), recs)
	for i := range plan.Messages {
		if err := emit(plan.Messages[i]); err != nil {
			return plan, err
		}
	}
	return plan, nil
}

// printMessage writes one message as a line of JSON, as encoding/json's Encoder with HTML
// escaping off would (chat.Encode writes the same bytes, in a third of the instructions).
// The body was written as JSON by its renderer: it is copied as it is (chat.Verbatim), not
// read and written again, and the few fields around it are written by hand, straight into
// the buffered writer: a line built first was a copy of every payload, made only to be thrown
// away while the batch's alerts are still held.
func printMessage(w io.Writer, m notifier.Message) error {
	if m.Ref == nil && chat.Verbatim(m.Payload) {
		bw, ok := w.(*bufio.Writer)
		if !ok {
			bw = bufio.NewWriter(w)
		}
		b := chat.AppendString(append(bw.AvailableBuffer(), `{"destination":`...), m.Destination)
		b = chat.AppendString(append(b, `,"target":`...), m.Target)
		for i, r := range m.Routes {
			if i == 0 {
				b = append(b, `,"routes":[`...)
			} else {
				b = append(b, ',')
			}
			b = chat.AppendString(b, r)
		}
		if len(m.Routes) > 0 {
			b = append(b, ']')
		}
		if m.Op != "" {
			b = chat.AppendString(append(b, `,"op":`...), m.Op)
		}
		bw.Write(append(b, `,"payload":`...))
		bw.Write(m.Payload)
		if _, err := bw.WriteString("}\n"); err != nil || ok {
			return err
		}
		return bw.Flush()
	}
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
	d := drawer{term: demo.Terminal{W: w, Color: color}, named: named}
	for _, m := range plan.Messages {
		if err := d.draw(m); err != nil {
			return err
		}
	}
	if len(plan.Messages) == 0 {
		nothingToPost(w, plan)
	}
	return nil
}

// drawer draws messages one at a time, as drawMessages does.
type drawer struct {
	term  demo.Terminal
	named bool
}

func (d drawer) draw(m notifier.Message) error {
	if d.named {
		fmt.Fprintf(d.term.W, "→ %s (%s)%s%s\n", m.Destination, m.Target, routeNote(m.Routes), opNote(m.Op))
	}
	body := m.Payload
	if m.Target != config.Slack && m.Target != config.SlackBot {
		b, err := slack.Render(*m.Alert)
		if err != nil {
			return err
		}
		body = b
	}
	d.term.Draw(body)
	return nil
}

func nothingToPost(w io.Writer, plan notifier.Plan) {
	fmt.Fprintf(w, "nothing to post: %d record(s), every alert kept out of the channel (--explain says why)\n", plan.Records)
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
