package main

import (
	"context"
	"flag"
	"io"
	"os"
	"time"

	"github.com/foghornhq/foghorn/lambda/demo"
)

func runDemo(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fast := fs.Bool("fast", false, "no pauses between the steps of the story")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	o := demo.Options{Out: stdout, WebhookURL: os.Getenv("SLACK_WEBHOOK_URL"), Color: isTerminal(stdout) && os.Getenv("NO_COLOR") == "", Clock: processing}
	if !*fast && isTerminal(stdout) {
		o.Pause = 1200 * time.Millisecond
	}
	_, err := demo.Run(ctx, o)
	return err
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
