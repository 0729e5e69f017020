package main

import (
	"context"
	"io"
	"os"
	"time"

	"github.com/foghornhq/foghorn/lambda/demo"
)

func runDemo(ctx context.Context, opts *options, args []string, _ io.Reader, stdout, _ io.Writer) error {
	if err := wantArgs("demo", args, 0, "no arguments"); err != nil {
		return err
	}
	o := demo.Options{Out: stdout, WebhookURL: os.Getenv(envDemoWebhook), Color: colour(stdout), Clock: processing}
	if !opts.fast && isTerminal(stdout) {
		o.Pause = 1200 * time.Millisecond
	}
	_, err := demo.Run(ctx, o)
	return err
}
