// Command foghorn runs the notifier's pipeline on a laptop, with no AWS:
//
//	foghorn render [--target slack] [--config FILE] [--explain] FILE|-
//	foghorn routes CONFIG FILE|-
//	foghorn send --webhook-url URL [--target slack] FILE|-
//	foghorn demo
//	foghorn silences list|lift --table TABLE [--region REGION]
//
// render prints one JSON object per message the function would post; routes says, for each
// alert, which destinations a config document sends it to and by which route, or what kept it
// back; send posts them for real, so a webhook can be tried before deploying; demo replays a
// realistic incident into a fake chat and shows what the channel would show; silences lists
// and lifts the silences set from chat, in the stack's state table.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
)

// usageError makes main exit 2, the code for "the input or the command line is wrong".
type usageError struct{ error }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	if err == nil {
		return
	}
	fmt.Fprintln(os.Stderr, "foghorn:", err)
	var ue usageError
	if errors.As(err, &ue) {
		os.Exit(2)
	}
	os.Exit(1)
}

const usage = `usage:
  foghorn render [--target slack] [--config FILE] [--explain] FILE|-
  foghorn routes CONFIG FILE|-
  foghorn send --webhook-url URL [--target slack] FILE|-
  foghorn demo [--fast]
` + silencesUsage

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{errors.New("no command\n" + usage)}
	}
	switch args[0] {
	case "render":
		return render(args[1:], stdin, stdout, stderr)
	case "routes":
		return routes(args[1:], stdin, stdout, stderr)
	case "send":
		return send(ctx, args[1:], stdin, stdout, stderr)
	case "demo":
		return runDemo(ctx, args[1:], stdout)
	case "silences":
		return silences(ctx, args[1:], stdout)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	return usageError{fmt.Errorf("unknown command %q\n%s", args[0], usage)}
}
