package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/envelope"
	"github.com/foghornhq/foghorn/lambda/notifier"
)

func TestRender(t *testing.T) {
	circuit := fixture("aws/ecs-deployment-state-change-failed-circuit-breaker.json")
	tests := []cliCase{
		{name: "one alert", args: []string{"render", circuit}, messages: 1,
			stdout: []string{`"destination":"slack"`, `"target":"slack"`, `servicetest`, `circuit breaker`}},
		{name: "flags after the file", args: []string{"render", circuit, "--explain"}, messages: 1,
			stderr: []string{"1 record(s): 1 message(s), 0 folded into stories, 0 suppressed"}},
		{name: "all suppressed", args: []string{"render", "--explain", fixture("aws/ecs-service-action-service-steady-state.json")}, messages: 0,
			stderr: []string{"by rule steady-state"}},
		{name: "stdin batch", args: []string{"render", "-"}, stdin: mustRead(t, fixture("aws/lambda-sns-event-cloudwatch-alarm-single-metric.json")), messages: 1},
		// A deployment, five failed starts of its tasks and its failure: three messages.
		{name: "a bad deployment's batch", args: []string{"render", "--explain", filepath.Join("testdata", "bad-deployment-batch.json")}, messages: 3,
			stdout: []string{"is failing: 5 tasks failed", "exit 1 ×5", "rolling back to ecs-svc/9204318811052734410"},
			stderr: []string{"9 record(s): 3 message(s), 5 folded into stories, 1 suppressed"}},
		// Three failures, a steady state and a fourth failure of one service in one batch:
		// this batch used to panic the story stage.
		{name: "a crash loop ended and begun again in one batch", args: []string{"render", "--explain", fixture("batches/crash-loop-steady-then-failure.json")}, messages: 3,
			stdout: []string{"is crash-looping: 3 tasks failed", "recovered: steady again", "container app exited with code 1"},
			stderr: []string{"5 record(s): 3 message(s), 2 folded into stories, 0 suppressed"}},
		{name: "every target of a document renders without secrets", args: []string{"render", "--config", filepath.Join("testdata", "every-target.json"), circuit}, messages: 6,
			stdout: []string{`"target":"slack-bot"`, `"target":"discord"`, `"target":"teams"`, `"target":"gchat"`, `"schema":"foghorn.alert/v1"`}},
		// CloudWatch Logs subscription deliveries: the Lambda event (compressed) and the decoded
		// DATA_MESSAGE are one pattern message each; a reachability check posts nothing; a
		// payload that cannot be decoded is a generic alert.
		{name: "awslogs event", args: []string{"render", "--explain", fixture("logs/lambda-cloudwatch-logs-event-awslogs.json")}, messages: 2,
			stdout: []string{"testLogGroup: new error pattern: [ERROR] First test message", "Sample lines", "testLogGroup: new error pattern: [ERROR] Second test message"},
			stderr: []string{"1 record(s): 2 message(s), 2 folded into stories, 0 suppressed"}},
		{name: "decoded DATA_MESSAGE", args: []string{"render", fixture("logs/cloudwatch-logs-data-message-error-processor.json")}, messages: 1,
			stdout: []string{"new error pattern: <ts> <uuid> ERROR", "lp1-"}},
		{name: "CONTROL_MESSAGE", args: []string{"render", "--explain", fixture("logs/derived/lambda-cloudwatch-logs-event-awslogs-control-message.json")}, messages: 0,
			stderr: []string{"by rule logs-control-message"}},
		{name: "undecodable awslogs payload", args: []string{"render", fixture("logs/lambda-cloudwatch-logs-event-docs-truncated-not-gzip.json")}, messages: 1,
			stdout: []string{"could not be decoded", "not base64"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.check(t) })
	}
}

// TestEveryTargetWithoutConfig: each target renders from the command line alone; the ones
// that need more say which flag.
func TestEveryTargetWithoutConfig(t *testing.T) {
	oom := fixture("aws-derived/ecs-task-state-change-stopped-oom.json")
	tests := []cliCase{
		{name: "slack", args: []string{"render", oom}, messages: 1, stdout: []string{`"target":"slack"`, `"blocks"`}},
		{name: "slack-bot", args: []string{"render", "--target", "slack-bot", "--channel", "C0FAKE0001", oom}, messages: 1,
			stdout: []string{`"target":"slack-bot"`, `"channel":"C0FAKE0001"`}},
		{name: "discord", args: []string{"render", "--target", "discord", oom}, messages: 1, stdout: []string{`"target":"discord"`, `"embeds"`}},
		{name: "teams", args: []string{"render", "--target", "teams", oom}, messages: 1, stdout: []string{`"target":"teams"`, `AdaptiveCard`}},
		{name: "gchat", args: []string{"render", "--target", "gchat", oom}, messages: 1, stdout: []string{`"target":"gchat"`, `"cardsV2"`}},
		{name: "webhook", args: []string{"render", "--target", "webhook", oom}, messages: 1, stdout: []string{`"target":"webhook"`, `"schema":"foghorn.alert/v1"`}},
		{name: "slack-bot without a channel", args: []string{"render", "--target", "slack-bot", oom}, exit: 2,
			stderr: []string{"--target slack-bot needs --channel: the channel id (C0123ABCD) or #name the bot posts to"}},
		{name: "a channel for a webhook", args: []string{"render", "--channel", "C0FAKE0001", oom}, exit: 2,
			stderr: []string{"--channel is only for --target slack-bot, not slack"}},
		{name: "a channel and a document", args: []string{"render", "--config", filepath.Join("testdata", "every-target.json"), "--channel", "C0FAKE0001", oom}, exit: 2,
			stderr: []string{"--channel is for --target slack-bot; with --config"}},
		{name: "a misspelt target", args: []string{"render", "--target", "slak", oom}, exit: 2,
			stderr: []string{`--target: "slak" is not a target (allowed: slack, slack-bot, discord, teams, gchat, webhook); did you mean "slack"?`}},
		{name: "an unknown target", args: []string{"render", "--target", "pager", oom}, exit: 2, stderr: []string{`"pager" is not a target`}},
	}
	for _, tt := range tests {
		if tt.exit != 0 {
			tt.messages = -1
		}
		t.Run(tt.name, func(t *testing.T) { tt.check(t) })
	}
}

// TestInputFormats: an event, a JSON array of events, one event per line and values one
// after another are each one batch, told exactly as the same events in an SQS batch; input
// that is not JSON says where and why.
func TestInputFormats(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	lines := strings.Split(strings.TrimSpace(mustRead(t, filepath.Join("testdata", "bad-deployment.ndjson"))), "\n")
	var events []json.RawMessage
	for _, l := range lines {
		events = append(events, json.RawMessage(l))
	}
	array, err := json.MarshalIndent(events, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	var pretty bytes.Buffer
	for _, e := range events {
		json.Indent(&pretty, e, "", "  ")
		pretty.WriteString("\n")
	}
	batch, err := envelope.SQSBatch(events[:4])
	if err != nil {
		t.Fatal(err)
	}
	sqsThenEvents := append(append(batch, '\n'), []byte(strings.Join(lines[4:], "\n"))...)

	want := runCLI(t, "", "render", filepath.Join("testdata", "bad-deployment-batch.json")).stdout
	if messageLines(t, want) != 3 {
		t.Fatalf("the SQS batch renders as:\n%s", want)
	}
	for _, tt := range []struct{ name, file string }{
		{"one event per line", filepath.Join("testdata", "bad-deployment.ndjson")},
		{"a JSON array", write("array.json", array)},
		{"pretty-printed, one after another", write("pretty.json", pretty.Bytes())},
		{"one per line, CRLF", write("crlf.ndjson", []byte(strings.Join(lines, "\r\n")))},
		{"an SQS batch, then events", write("mixed.json", sqsThenEvents)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, "", "render", tt.file)
			if r.exit != 0 || r.stdout != want {
				t.Errorf("exit %d; stdout differs from the SQS batch's:\n%s\nstderr: %s", r.exit, r.stdout, r.stderr)
			}
			if s := runCLI(t, mustRead(t, tt.file), "render", "-"); s.stdout != want {
				t.Errorf("from stdin:\n%s", s.stdout)
			}
		})
	}

	notJSON := write("garbage.txt", []byte("this is not json"))
	secondBad := strings.Join(lines[:1], "\n") + "\n{\"version\": \"0\", ]}\n"
	for _, c := range []cliCase{
		{name: "an empty array", args: []string{"render", "--explain", write("empty-array.json", []byte("[]"))}, stderr: []string{"0 record(s): 0 message(s)"}},
		{name: "routes takes one event per line", args: []string{"routes", "../../config/testdata/example.json", filepath.Join("testdata", "bad-deployment.ndjson")}, messages: -1,
			stdout: []string{"9 record(s) (environment prod): 6 message(s) to 3 destination(s), 2 suppressed"}},
		{name: "not JSON", args: []string{"render", notJSON}, exit: 2, messages: -1,
			stderr: []string{"garbage.txt is not JSON: line 1, column 2: invalid character 'h' in literal true (expecting 'r')"}},
		{name: "the second line is broken", args: []string{"render", "-"}, stdin: secondBad, exit: 2, messages: -1,
			stderr: []string{"stdin is not JSON: line 2, column 18: invalid character ']' looking for beginning of object key string"}},
		{name: "an array cut short", args: []string{"render", "-"}, stdin: "[\n" + lines[0] + ",\n", exit: 2, messages: -1,
			stderr: []string{"stdin is not JSON: line 3, column 1: unexpected end of JSON input"}},
		{name: "binary", args: []string{"render", "-"}, stdin: "\x00\x01\x02", exit: 2, messages: -1,
			stderr: []string{"stdin is not JSON: line 1, column 1: invalid character '\\x00' looking for beginning of value"}},
		{name: "empty", args: []string{"render", write("empty.json", nil)}, exit: 2, messages: -1,
			stderr: []string{"empty.json is empty: want one event, a JSON array of events, or one event per line"}},
		{name: "blank stdin", args: []string{"render", "-"}, stdin: " \n\t\n", exit: 2, messages: -1, stderr: []string{"stdin is empty"}},
		{name: "a directory", args: []string{"render", dir}, exit: 2, messages: -1, stderr: []string{"cannot read input:", "is a directory"}},
		{name: "missing", args: []string{"render", filepath.Join(dir, "nope.json")}, exit: 2, messages: -1, stderr: []string{"cannot read input:", "no such file"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := c.check(t)
			if c.exit == 2 && strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
				t.Errorf("the error is not one line:\n%s", r.stderr)
			}
		})
	}
}

// TestRenderText: --format text draws each message as the demo draws the channel, for any
// input and any target; colour only on a terminal.
func TestRenderText(t *testing.T) {
	batch := filepath.Join("testdata", "bad-deployment-batch.json")
	var got strings.Builder
	for _, args := range [][]string{
		{"render", "--format", "text", batch},
		{"render", "--format", "text", "--config", "../../config/testdata/example.json", fixture("aws-derived/ecs-task-state-change-stopped-oom.json")},
		{"render", "--format", "text", "--target", "teams", fixture("logs/lambda-cloudwatch-logs-event-awslogs.json")},
		{"render", "--format", "text", fixture("aws/ecs-service-action-service-steady-state.json")},
	} {
		r := runCLI(t, "", args...)
		if r.exit != 0 || r.stderr != "" {
			t.Fatalf("%v: exit %d, stderr %s", args, r.exit, r.stderr)
		}
		if strings.Contains(r.stdout, "\033[") {
			t.Errorf("%v: colour codes written to a non-terminal", args)
		}
		got.WriteString("$ foghorn " + strings.Join(args, " ") + "\n" + r.stdout + "\n")
	}
	golden(t, "render-text.golden", got.String())
	for _, want := range []string{"┃ 🚨 checkout-api: deployment ecs-svc/4718350946203817256 of checkout-api:42 is failing: 5 tasks failed",
		"→ prod-slack (slack) by route prod-failures", "→ prod-teams (teams) by route prod-failures",
		"new error pattern: [ERROR] First test message", "nothing to post: 1 record(s)"} {
		if !strings.Contains(got.String(), want) {
			t.Errorf("text output lacks %q", want)
		}
	}

	// On a terminal the bar takes the severity's colour.
	recs, err := readInput(batch, nil)
	if err != nil {
		t.Fatal(err)
	}
	n, err := notifier.New(mustDoc(t), notifier.WithClock(processing))
	if err != nil {
		t.Fatal(err)
	}
	var coloured bytes.Buffer
	if err := drawMessages(&coloured, n.Plan(context.Background(), recs), false, true); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(coloured.String(), "\033[31m┃\033[0m") {
		t.Errorf("no red bar in colour:\n%q", coloured.String())
	}

	// /dev/null is a character device but not a terminal; a buffer is neither.
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	if isTerminal(null) || isTerminal(&coloured) {
		t.Error("isTerminal says yes to /dev/null or a buffer")
	}
	t.Setenv("NO_COLOR", "1")
	if colour(os.Stdout) {
		t.Error("colour with NO_COLOR set")
	}
}

func mustDoc(t *testing.T) *config.Document {
	t.Helper()
	o := options{target: "slack"}
	doc, err := o.document()
	if err != nil {
		t.Fatal(err)
	}
	return doc
}
