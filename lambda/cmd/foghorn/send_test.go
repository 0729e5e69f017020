package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/internal/chatfake"
)

// fakeSlackWebhook is a Slack webhook of a fake chat server that lives as long as the test.
func fakeSlackWebhook(t *testing.T) string {
	t.Helper()
	chat := chatfake.New(chatfake.Options{})
	t.Cleanup(chat.Close)
	return chat.SlackWebhookURL("try-it")
}

// quickRetries makes send's waits short: attempts time out after 300ms, and the waits between
// attempts are recorded, not slept.
func quickRetries(t *testing.T) *[]time.Duration {
	t.Helper()
	var waits []time.Duration
	oldTimeout, oldSleep := attemptTimeout, sleep
	attemptTimeout = 300 * time.Millisecond
	sleep = func(ctx context.Context, d time.Duration) error { waits = append(waits, d); return ctx.Err() }
	t.Cleanup(func() { attemptTimeout, sleep = oldTimeout, oldSleep })
	return &waits
}

// TestSend posts to every target of the fake chat server, through its faults, and checks what
// send says on the way: which message, each failed attempt's class and wait, and never the
// URL or the token.
func TestSend(t *testing.T) {
	quickRetries(t)
	chat := chatfake.New(chatfake.Options{})
	defer chat.Close()
	oom := fixture("aws-derived/ecs-task-state-change-stopped-oom.json")
	batch := filepath.Join("testdata", "bad-deployment.ndjson")
	slackHook := chat.SlackWebhookURL("try-it")
	token := chat.SlackBotToken("cli")
	channel := chat.SlackChannel("C0FAKE0001")
	signed := chat.WebhookURL("bridge", testSigningKey)
	ownKey := "FAKE-signing-key-0123456789"
	signedOwn := chat.WebhookURL("bridge-own", ownKey)
	secrets := []string{slackHook, strings.TrimPrefix(slackHook, chat.URL()), token, signed, ownKey}

	tests := []struct {
		cliCase
		script   []chatfake.Fault // faults for the destination, in order
		key      string           // the destination's key for the faults: its URL or channel
		requests int              // requests the fake must have received
	}{
		{cliCase: cliCase{name: "slack webhook, from the environment", args: []string{"send", oom}, env: map[string]string{envWebhookURL: slackHook},
			stdout: []string{"delivered: checkout-api: container app killed: out of memory"},
			stderr: []string{"sending 1 message(s) to slack: each attempt waits up to 300ms for an answer, at most 3 attempts", "[1/1] checkout-api: container app killed: out of memory"}},
			requests: 1},
		{cliCase: cliCase{name: "a batch from one event per line", args: []string{"send", "--webhook-url", slackHook, batch},
			stdout: []string{"delivered: checkout-api: deployment ecs-svc/4718350946203817256 of checkout-api:42 failed"},
			stderr: []string{"sending 3 message(s)", "[1/3] checkout-api: deployment ecs-svc/4718350946203817256 started", "[3/3] "}},
			requests: 3},
		{cliCase: cliCase{name: "discord", args: []string{"send", "--target", "discord", "--webhook-url", chat.DiscordWebhookURL("try-it"), oom},
			stdout: []string{"delivered: "}}, requests: 1},
		{cliCase: cliCase{name: "teams", args: []string{"send", "--target", "teams", "--webhook-url", chat.TeamsWorkflowURL("try-it"), oom},
			stdout: []string{"delivered: "}}, requests: 1},
		{cliCase: cliCase{name: "google chat", args: []string{"send", "--target", "gchat", "--webhook-url", chat.GoogleChatWebhookURL("try-it"), oom},
			stdout: []string{"delivered: "}}, requests: 1},
		{cliCase: cliCase{name: "generic webhook, signed with the test key", args: []string{"send", "--target", "webhook", "--webhook-url", signed, oom},
			stdout: []string{"delivered: "}, stderr: []string{`signing with the test key "foghorn-test-signing-key" (set FOGHORN_SIGNING_KEY to sign with yours)`}},
			requests: 1},
		{cliCase: cliCase{name: "generic webhook, signed with yours", args: []string{"send", "--target", "webhook", "--webhook-url", signedOwn, oom},
			env: map[string]string{envSigningKey: ownKey}, stdout: []string{"delivered: "}}, requests: 1},
		{cliCase: cliCase{name: "slack bot, token from the environment", args: []string{"send", "--target", "slack-bot", "--channel", channel, "--slack-api-url", chat.SlackAPIURL(), oom},
			env: map[string]string{envSlackToken: token}, stdout: []string{"delivered: "}}, requests: 1},
		{cliCase: cliCase{name: "slack bot, token from a flag", args: []string{"send", "--target", "slack-bot", "--channel", channel, "--token", token, "--slack-api-url", chat.SlackAPIURL(), batch},
			stdout: []string{"delivered: "}, stderr: []string{"[3/3] "}}, requests: 3},
		{cliCase: cliCase{name: "two 503s, then through", args: []string{"send", "--webhook-url", slackHook, oom}, stdout: []string{"delivered: "},
			stderr: []string{"  attempt 1: answered 503 (retryable); retrying in ", "  attempt 2: answered 503 (retryable); retrying in "}},
			script: []chatfake.Fault{chatfake.HTMLError(503), chatfake.HTMLError(503)}, key: slackHook, requests: 3},
		{cliCase: cliCase{name: "rate limited", args: []string{"send", "--webhook-url", slackHook, oom}, stdout: []string{"delivered: "},
			stderr: []string{"  attempt 1: answered 429 ratelimited (rate-limited); retrying in 2s"}},
			script: []chatfake.Fault{chatfake.RateLimited("2")}, key: slackHook, requests: 2},
		{cliCase: cliCase{name: "a webhook that hangs", args: []string{"send", "--webhook-url", slackHook, oom}, exit: 1,
			stderr: []string{"  attempt 1: no answer within 300ms (retryable); retrying in ", "  attempt 2: no answer within 300ms (retryable); retrying in ",
				"  attempt 3: no answer within 300ms (retryable); giving up: attempts exhausted", "1 of 1 messages not delivered"}},
			script: []chatfake.Fault{chatfake.Hang(), chatfake.Hang(), chatfake.Hang()}, key: slackHook, requests: 3},
		{cliCase: cliCase{name: "a reset connection", args: []string{"send", "--webhook-url", slackHook, oom}, stdout: []string{"delivered: "},
			stderr: []string{"  attempt 1: the request was sent before the connection failed, so it may have been posted; retrying anyway", "  attempt 1: connection reset (retryable); retrying in "}},
			script: []chatfake.Fault{chatfake.ResetConn()}, key: slackHook, requests: 2},
		{cliCase: cliCase{name: "a revoked webhook", args: []string{"send", "--webhook-url", slackHook, oom}, exit: 1,
			stderr: []string{"  attempt 1: answered 403 invalid_token (gone); giving up: not retryable", "1 of 1 messages not delivered"}},
			script: []chatfake.Fault{chatfake.Dies(chatfake.Revoked)}, key: slackHook, requests: 1},
		{cliCase: cliCase{name: "nobody listening", args: []string{"send", "--webhook-url", "http://127.0.0.1:1/services/T0000/B0000/XXXX", oom}, exit: 1,
			stderr: []string{"  attempt 1: connection refused (retryable); retrying in ", "giving up: attempts exhausted"}, never: []string{"T0000/B0000/XXXX"}}},
		{cliCase: cliCase{name: "no webhook", args: []string{"send", oom}, env: map[string]string{envWebhookURL: ""}, exit: 2,
			stderr: []string{"send needs the webhook URL: --webhook-url URL or FOGHORN_WEBHOOK_URL"}}},
		{cliCase: cliCase{name: "no token", args: []string{"send", "--target", "slack-bot", "--channel", channel, oom}, env: map[string]string{envSlackToken: ""}, exit: 2,
			stderr: []string{"send --target slack-bot needs the bot token: --token xoxb-… or FOGHORN_SLACK_TOKEN"}}},
		{cliCase: cliCase{name: "a token without a channel", args: []string{"send", "--target", "slack-bot", "--token", token, oom}, exit: 2,
			stderr: []string{"--target slack-bot needs --channel"}}},
		{cliCase: cliCase{name: "a webhook URL for the bot", args: []string{"send", "--target", "slack-bot", "--channel", channel, "--webhook-url", slackHook, oom}, exit: 2,
			stderr: []string{"--target slack-bot posts with a bot token"}}},
		{cliCase: cliCase{name: "a token for a webhook", args: []string{"send", "--token", token, "--webhook-url", slackHook, oom}, exit: 2,
			stderr: []string{"--token and --slack-api-url are for --target slack-bot"}}},
		{cliCase: cliCase{name: "a Slack URL for Discord", args: []string{"send", "--target", "discord", "--webhook-url", slackHook, oom}, exit: 2,
			stderr: []string{"--webhook-url: does not hold a Discord webhook URL (want https://discord.com/api/webhooks/<id>/<token>)"}}},
		{cliCase: cliCase{name: "not a bot token", args: []string{"send", "--target", "slack-bot", "--channel", channel, oom}, env: map[string]string{envSlackToken: "FAKE-not-a-token"}, exit: 2,
			stderr: []string{"FOGHORN_SLACK_TOKEN: does not hold a Slack bot token (want xoxb-…, with no white space)"}, never: []string{"FAKE-not-a-token"}}},
		{cliCase: cliCase{name: "a document", args: []string{"send", "--config", "x.json", oom}, exit: 2, stderr: []string{"send: flag provided but not defined: -config"}}},
		{cliCase: cliCase{name: "nothing to post", args: []string{"send", "--webhook-url", slackHook, fixture("aws/ecs-service-action-service-steady-state.json")},
			stdout: []string{"nothing to post: 1 record(s)"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chat.Reset()
			if len(tt.script) > 0 {
				chat.Script(tt.key, tt.script...)
			}
			tt.never = append(tt.never, secrets...)
			tt.messages = -1
			tt.check(t)
			if got := len(chat.Requests()); got != tt.requests {
				t.Errorf("the fake received %d requests, want %d", got, tt.requests)
			}
			if n := chat.InvalidAnswers(); n > 0 && tt.exit == 0 && len(tt.script) == 0 {
				t.Errorf("the fake refused %d requests", n)
			}
		})
	}
}
