// Command foghorn runs the notifier's pipeline on a laptop, with no AWS:
//
//	foghorn render [--target slack] [--config FILE] [--format json|text] [--explain] FILE|-
//	foghorn routes CONFIG FILE|-
//	foghorn send [--target slack] [--webhook-url URL | --token TOKEN --channel C] FILE|-
//	foghorn demo [--fast]
//	foghorn silences list|lift --table TABLE [--region REGION] [ID...]
//	foghorn version
//
// render prints the messages the function would post (JSON, or drawn as the channel shows
// them); routes says, for each alert, which destinations a config document sends it to and by
// which route, or what kept it back; send posts them for real, so a webhook can be tried
// before deploying; demo replays a realistic incident into a fake chat and shows what the
// channel would show; silences lists and lifts the silences set from chat, in the stack's
// state table. `foghorn help` and `foghorn COMMAND --help` say the rest.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"

	"github.com/foghornhq/foghorn/lambda/config"
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

// command is one of foghorn's commands: what its help says, and what it does.
type command struct {
	name    string
	args    string // the synopsis after the flags
	short   string // one line, for the command list
	long    string // what it does, for its help
	example string
	// flags registers the command's flags; nil for none.
	flags func(fs *flag.FlagSet, o *options)
	run   func(ctx context.Context, o *options, args []string, stdin io.Reader, stdout, stderr io.Writer) error
}

// options holds every flag a command may have; each command registers those it takes.
type options struct {
	target, config, format, channel string
	webhookURL, token, slackAPIURL  string
	table, region, endpointURL      string
	explain, fast, asJSON           bool
}

var commands []command

func init() {
	commands = []command{
		{
			name: "render", args: "FILE|-",
			short: "print the messages the function would post for events; needs no secret",
			long: `Prints the messages the function would post for the events in FILE (- reads stdin), in
the order it would post them. With --format json (the default), one JSON object per line:
{"destination", "target", "routes", "payload"}, the payload being the exact request body.
With --format text, each message is drawn as the channel shows it. Posts nothing.
Exits 0 when every alert was suppressed (nothing printed; --explain says why).`,
			example: "foghorn render --format text lambda/testdata/aws-derived/ecs-task-state-change-stopped-oom.json\n" +
				"  foghorn render --target teams lambda/testdata/aws/ecs-deployment-state-change-failed-circuit-breaker.json | jq .payload",
			flags: func(fs *flag.FlagSet, o *options) {
				o.targetFlags(fs)
				fs.StringVar(&o.config, "config", "", "a config document (JSON) of destinations, routes and noise rules, instead of --target")
				fs.StringVar(&o.format, "format", "json", "json: the request bodies; text: each message drawn as the channel shows it")
				fs.BoolVar(&o.explain, "explain", false, "say on stderr why each alert was posted, folded, muted or suppressed")
			},
			run: render,
		},
		{
			name: "routes", args: "CONFIG FILE|-",
			short: "say where a config document sends each alert, and why",
			long: `Prints, for each alert in FILE (- reads stdin), the routes of the config document CONFIG
that matched, the destinations with the routes that chose them, or what kept the alert back
(a noise rule, a duplicate, a mute window). Needs no secret and posts nothing.`,
			example: "foghorn routes lambda/config/testdata/example.json lambda/testdata/aws-derived/ecs-task-state-change-stopped-oom.json",
			run:     routes,
		},
		{
			name: "send", args: "FILE|-",
			short: "post the messages for events to a chat webhook or a Slack channel, for real",
			long: `Posts the messages for the events in FILE (- reads stdin) to one destination of
--target, so a webhook can be tried before deploying. Webhook targets take the URL from
--webhook-url or ` + envWebhookURL + ` (which keeps it out of shell history); slack-bot takes the
bot token from --token or ` + envSlackToken + `, and --channel. The generic webhook signs
with ` + envSigningKey + `, or else the test key "` + testSigningKey + `".
While it works it says on stderr which message it is posting, and each failed attempt
with its class and the wait before the next; never the URL or the token.
Exits 1 when a message could not be delivered.`,
			example: "FOGHORN_WEBHOOK_URL=https://hooks.slack.com/services/T0000/B0000/XXXX \\\n" +
				"    foghorn send lambda/testdata/aws-derived/ecs-task-state-change-stopped-oom.json",
			flags: func(fs *flag.FlagSet, o *options) {
				o.targetFlags(fs)
				fs.StringVar(&o.webhookURL, "webhook-url", "", "the webhook to post to (or "+envWebhookURL+")")
				fs.StringVar(&o.token, "token", "", "slack-bot: the bot token, xoxb-… (or "+envSlackToken+")")
				fs.StringVar(&o.slackAPIURL, "slack-api-url", "", "slack-bot: the Web API's base URL (default https://slack.com/api/)")
				fs.BoolVar(&o.explain, "explain", false, "say on stderr why each alert was posted, folded, muted or suppressed")
			},
			run: send,
		},
		{
			name: "demo", short: "replay an incident into a fake Slack, and draw what the channel shows",
			long: `Replays a bad deployment, an out-of-memory kill, an alarm and the log lines of the
incident through the real pipeline into a fake Slack on 127.0.0.1, and draws in the terminal
what the channel would show. With ` + envDemoWebhook + ` set, posts to that webhook instead.`,
			example: "foghorn demo --fast",
			flags: func(fs *flag.FlagSet, o *options) {
				fs.BoolVar(&o.fast, "fast", false, "no pauses between the steps of the story")
			},
			run: runDemo,
		},
		{
			name: "silences", args: "list|lift [ID...]",
			short: "list or lift the silences set from chat, in the stack's state table (AWS credentials)",
			long: `Lists the silences set from chat (their id, service, what they cover, who set them and
until when), or lifts the ones named by id, in the stack's state table, through the AWS SDK
with the usual credentials (AWS_PROFILE, or the AWS_ACCESS_KEY_ID pair). The table is the
stack's stateTableName output.`,
			example: `foghorn silences list --table "$(pulumi stack output stateTableName)" --region eu-west-1` + "\n" +
				`  foghorn silences lift --table "$(pulumi stack output stateTableName)" --region eu-west-1 ej4tbsp3pj`,
			flags: func(fs *flag.FlagSet, o *options) {
				fs.StringVar(&o.table, "table", "", "the state table, `pulumi stack output stateTableName` (or "+envStateTable+")")
				fs.StringVar(&o.region, "region", "", "the table's region (default: the AWS SDK's, from AWS_REGION or the profile)")
				fs.StringVar(&o.endpointURL, "endpoint-url", "", "a DynamoDB endpoint other than AWS's (a local emulator)")
				fs.BoolVar(&o.asJSON, "json", false, "list: one JSON object per silence, for scripts")
			},
			run: silences,
		},
		{
			name: "version", short: "print the module version and commit this binary was built from",
			long:    `Prints the module version and the commit foghorn was built from, as the build recorded them.`,
			example: "foghorn version",
			run:     version,
		},
		{
			name: "help", args: "[COMMAND]", short: "this text, or a command's help (also: foghorn COMMAND --help)",
			long:    `Prints the list of commands, or the help of one.`,
			example: "foghorn help render",
			run:     help,
		},
	}
}

// The environment variables the commands read.
const (
	envWebhookURL  = "FOGHORN_WEBHOOK_URL"
	envSlackToken  = "FOGHORN_SLACK_TOKEN"
	envSigningKey  = "FOGHORN_SIGNING_KEY"
	envDemoWebhook = "SLACK_WEBHOOK_URL"
	envStateTable  = "FOGHORN_STATE_TABLE"
)

// targetFlags registers --target and --channel, which render and send share.
func (o *options) targetFlags(fs *flag.FlagSet) {
	fs.StringVar(&o.target, "target", config.Slack, "the chat target: "+strings.Join(config.Targets, ", "))
	fs.StringVar(&o.channel, "channel", "", "slack-bot: the channel to post to, an id (C0123ABCD) or #name")
}

const usage = `foghorn puts ECS and CloudWatch events into chat. These commands run the notifier's own
pipeline on your machine, with no AWS.

usage: foghorn COMMAND [flags] [arguments]

Commands:
%s
Input: FILE, or - for stdin, holds one event, a JSON array of events, or one event per line
(jq -c, log exports), each in any shape the function receives: an EventBridge event, an SNS
or SQS envelope or batch, CloudWatch alarm JSON, a CloudWatch Logs delivery.

Targets (--target): %s.

Environment:
  ` + envWebhookURL + `   send: the webhook URL (instead of --webhook-url)
  ` + envSlackToken + `   send --target slack-bot: the bot token (instead of --token)
  ` + envSigningKey + `   send --target webhook: the signing key (default: a test key)
  ` + envDemoWebhook + `     demo: post to this Slack webhook instead of the fake
  ` + envStateTable + `   silences: the state table (instead of --table)
  NO_COLOR              no colour in render --format text and demo

Exit codes:
  0  done; render and routes also when every alert was suppressed
  1  send could not deliver every message, silences could not do its work, or the demo failed
  2  the command line or an input is wrong; nothing was sent

foghorn COMMAND --help says more about each.`

// topUsage is the top-level help.
func topUsage() string {
	var list strings.Builder
	for _, c := range commands {
		fmt.Fprintf(&list, "  %-8s %s\n", c.name, c.short)
	}
	return fmt.Sprintf(usage, list.String(), strings.Join(config.Targets, ", "))
}

func find(name string) (command, bool) {
	i := slices.IndexFunc(commands, func(c command) bool { return c.name == name })
	if i < 0 {
		return command{}, false
	}
	return commands[i], true
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{errors.New("no command\n\n" + topUsage())}
	}
	switch args[0] {
	case "-h", "--help", "-help":
		fmt.Fprintln(stdout, topUsage())
		return nil
	case "--version", "-version":
		args[0] = "version"
	}
	c, ok := find(args[0])
	if !ok {
		return usageError{fmt.Errorf("unknown command %q%s (foghorn help lists them)", args[0], suggest(args[0]))}
	}
	var o options
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	if c.flags != nil {
		c.flags(fs, &o)
	}
	pos, err := positional(fs, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, c.help(fs))
		return nil
	}
	if err != nil {
		return usageError{fmt.Errorf("%s: %v (foghorn %s --help)", c.name, err, c.name)}
	}
	return c.run(ctx, &o, pos, stdin, stdout, stderr)
}

// suggest is ": did you mean …?" for a misspelt command.
func suggest(name string) string {
	names := make([]string, len(commands))
	for i, c := range commands {
		names[i] = c.name
	}
	if s := config.Closest(name, names); s != "" {
		return fmt.Sprintf("; did you mean %q?", s)
	}
	return ""
}

// synopsis is the command's usage line.
func (c command) synopsis() string {
	s := "foghorn " + c.name
	if c.flags != nil {
		s += " [flags]"
	}
	if c.args != "" {
		s += " " + c.args
	}
	return s
}

// help is the command's help: usage, what it does, its flags and an example.
func (c command) help(fs *flag.FlagSet) string {
	var b strings.Builder
	fmt.Fprintf(&b, "usage: %s\n\n%s\n", c.synopsis(), c.long)
	var flags []string
	fs.VisitAll(func(f *flag.Flag) {
		name := "--" + f.Name
		if _, isBool := f.Value.(interface{ IsBoolFlag() bool }); !isBool {
			name += " " + strings.ToUpper(placeholder(f.Name))
		}
		line := fmt.Sprintf("  %-24s %s", name, f.Usage)
		if f.DefValue != "" && f.DefValue != "false" {
			line += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		flags = append(flags, line)
	})
	if len(flags) > 0 {
		fmt.Fprintf(&b, "\nFlags:\n%s\n  %-24s %s\n", strings.Join(flags, "\n"), "-h, --help", "this help")
	}
	fmt.Fprintf(&b, "\nExample:\n  %s\n", c.example)
	return b.String()
}

// placeholder names a flag's value in help.
func placeholder(flag string) string {
	switch flag {
	case "webhook-url", "slack-api-url", "endpoint-url":
		return "url"
	case "config":
		return "file"
	}
	return flag
}

// positional parses flags wherever they are among the positional arguments, and returns those.
// "--" ends the flags: what follows is positional.
func positional(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		rest := fs.Args()
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// wantArgs checks the number of positional arguments.
func wantArgs(c string, args []string, n int, what string) error {
	if len(args) != n {
		cmd, _ := find(c)
		return usageError{fmt.Errorf("%s wants %s, got %d argument(s)\nusage: %s (foghorn %s --help)", c, what, len(args), cmd.synopsis(), c)}
	}
	return nil
}

func help(_ context.Context, _ *options, args []string, _ io.Reader, stdout, _ io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stdout, topUsage())
		return nil
	}
	c, ok := find(args[0])
	if !ok {
		return usageError{fmt.Errorf("no command %q%s (foghorn help lists them)", args[0], suggest(args[0]))}
	}
	var o options
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	if c.flags != nil {
		c.flags(fs, &o)
	}
	fmt.Fprint(stdout, c.help(fs))
	return nil
}
