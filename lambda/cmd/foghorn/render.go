package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"os"
	"strings"

	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/chat/deliver"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/envelope"
	"github.com/foghornhq/foghorn/lambda/notifier"
)

type common struct {
	target  string
	config  string
	explain bool
}

func (c *common) register(fs *flag.FlagSet) {
	fs.StringVar(&c.target, "target", "slack", "chat target to render for when no --config is given")
	fs.StringVar(&c.config, "config", "", "config document (JSON): destinations, routes and noise policy")
	fs.BoolVar(&c.explain, "explain", false, "say on stderr why each alert was posted or suppressed")
}

// parse accepts flags before and after the one positional argument.
func parse(fs *flag.FlagSet, args []string) (string, error) {
	pos, err := positional(fs, args)
	if err != nil {
		return "", err
	}
	if len(pos) != 1 {
		return "", usageError{fmt.Errorf("want exactly one input file (or - for stdin), got %d\n%s", len(pos), usage)}
	}
	return pos[0], nil
}

// positional parses flags wherever they are among the positional arguments, and returns those.
func positional(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, usageError{err}
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// readInput reads the file (or stdin) and splits it into records; both failures exit 2.
func readInput(path string, stdin io.Reader) ([]envelope.Record, error) {
	var recs []envelope.Record
	err := streamInput(path, stdin, func(records iter.Seq2[envelope.Record, error]) error {
		for r, err := range records {
			if err != nil {
				return err
			}
			recs = append(recs, r)
		}
		return nil
	})
	return recs, err
}

// streamInput opens the file (or stdin) and hands its records to use as they are read, so a
// large batch is never held whole. A file that cannot be read, or is not JSON, is a usage
// error: the function shows a record that is not JSON as a generic alert, but a file given to
// the CLI that is not JSON is a mistake to report.
func streamInput(path string, stdin io.Reader, use func(iter.Seq2[envelope.Record, error]) error) error {
	in := stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return usageError{fmt.Errorf("cannot read input: %w", err)}
		}
		defer f.Close()
		in = f
	}
	err := use(envelope.Stream(in))
	var pathErr *os.PathError
	switch {
	case errors.Is(err, envelope.ErrNotJSON):
		return usageError{fmt.Errorf("%s is not JSON", displayName(path))}
	case errors.As(err, &pathErr):
		return usageError{fmt.Errorf("cannot read input: %w", err)}
	}
	return err
}

func displayName(path string) string {
	if path == "-" {
		return "stdin"
	}
	return path
}

// document returns the config to run with: the --config file, or one destination of the
// chosen target.
func (c *common) document() (*config.Document, error) {
	if c.config == "" {
		doc := &config.Document{Version: config.Version, Destinations: []config.Destination{{Name: c.target, Target: c.target, SecretParam: "cli"}}}
		if err := doc.Validate(); err != nil {
			return nil, usageError{fmt.Errorf("--target: %w", err)}
		}
		return doc, nil
	}
	return readDocument(c.config, "--config "+c.config)
}

func render(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var c common
	fs := flag.NewFlagSet("render", flag.ContinueOnError)
	c.register(fs)
	path, err := parse(fs, args)
	if err != nil {
		return err
	}
	doc, err := c.document()
	if err != nil {
		return err
	}
	// No targets: render needs no secret, and posts nothing.
	n, err := notifier.New(doc, notifier.WithClock(processing))
	if err != nil {
		return err
	}
	// Records are read, and messages written, one at a time: a batch of ten thousand records
	// is rendered in a few megabytes.
	out := bufio.NewWriter(stdout)
	var plan notifier.Plan
	err = streamInput(path, stdin, func(recs iter.Seq2[envelope.Record, error]) (err error) {
		plan, err = n.Stream(context.Background(), recs, func(m notifier.Message) error { return printMessage(out, m) })
		return err
	})
	if err != nil {
		return err
	}
	if err := out.Flush(); err != nil {
		return err
	}
	if c.explain {
		explain(stderr, plan)
	}
	return nil
}

// printMessage writes one JSON object per message, the payload byte for byte.
func printMessage(w io.Writer, m notifier.Message) error {
	b, err := chat.Encode("render: encoding the message", m)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
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

func send(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var c common
	var webhook string
	fs := flag.NewFlagSet("send", flag.ContinueOnError)
	c.register(fs)
	fs.StringVar(&webhook, "webhook-url", "", "webhook URL to post to (or set FOGHORN_WEBHOOK_URL, which keeps it out of shell history)")
	path, err := parse(fs, args)
	if err != nil {
		return err
	}
	if webhook == "" {
		webhook = os.Getenv("FOGHORN_WEBHOOK_URL")
	}
	if webhook == "" && c.config == "" {
		return usageError{errors.New("send needs --webhook-url URL (or FOGHORN_WEBHOOK_URL)")}
	}
	if c.config != "" {
		return usageError{errors.New("send posts to one webhook: use --webhook-url, not --config")}
	}
	doc, err := c.document()
	if err != nil {
		return err
	}
	recs, err := readInput(path, stdin)
	if err != nil {
		return err
	}
	secret := func(context.Context, string) (string, error) { return webhook, nil }
	n, err := notifier.FromDocument(ctx, doc, secret, &deliver.Client{Clock: processing}, notifier.WithClock(processing))
	if err != nil {
		return usageError{fmt.Errorf("--webhook-url: %w", err)}
	}
	for _, why := range n.Broken() {
		// The one destination is the URL given: a wrong one is the user's to fix now.
		return usageError{fmt.Errorf("--webhook-url: %w", why)}
	}
	plan := n.Plan(ctx, recs)
	if c.explain {
		explain(stderr, plan)
	}
	res := n.Deliver(ctx, plan)
	var failed []string
	for _, o := range res.Outcomes {
		if o.Err != nil {
			failed = append(failed, fmt.Sprintf("%s (%s)", o.Message.Alert.Title, o.Err))
			continue
		}
		fmt.Fprintf(stdout, "delivered: %s\n", o.Message.Alert.Title)
	}
	if len(plan.Messages) == 0 {
		fmt.Fprintf(stdout, "nothing to post: %d record(s), all suppressed (use --explain)\n", plan.Records)
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d messages not delivered:\n  %s", len(failed), len(plan.Messages), strings.Join(failed, "\n  "))
	}
	return nil
}
