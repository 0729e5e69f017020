package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/foghornhq/foghorn/lambda/internal/chatfake"
)

func fixture(name string) string { return filepath.Join("..", "..", "testdata", name) }

func TestRender(t *testing.T) {
	notJSON := filepath.Join(t.TempDir(), "garbage.txt")
	os.WriteFile(notJSON, []byte("this is not json"), 0o644)

	tests := []struct {
		name         string
		args         []string
		stdin        string
		wantUsage    bool // exit 2
		wantMessages int
		wantStdout   []string
		wantStderr   []string
	}{
		{name: "one alert", args: []string{"render", fixture("aws/ecs-deployment-state-change-failed-circuit-breaker.json")}, wantMessages: 1,
			wantStdout: []string{`"destination":"slack"`, `"target":"slack"`, `servicetest`, `circuit breaker`}},
		{name: "flags after the file", args: []string{"render", fixture("aws/ecs-deployment-state-change-failed-circuit-breaker.json"), "--explain"}, wantMessages: 1,
			wantStderr: []string{"1 record(s): 1 message(s), 0 folded into stories, 0 suppressed"}},
		{name: "all suppressed", args: []string{"render", "--explain", fixture("aws/ecs-service-action-service-steady-state.json")}, wantMessages: 0,
			wantStderr: []string{"by rule steady-state"}},
		{name: "stdin batch", args: []string{"render", "-"}, stdin: mustRead(t, fixture("aws/lambda-sns-event-cloudwatch-alarm-single-metric.json")), wantMessages: 1},
		// A deployment, five failed starts of its tasks and its failure: three messages.
		{name: "a bad deployment's batch", args: []string{"render", "--explain", filepath.Join("testdata", "bad-deployment-batch.json")}, wantMessages: 3,
			wantStdout: []string{"is failing: 5 tasks failed", "exit 1 ×5", "rolling back to ecs-svc/9204318811052734410"},
			wantStderr: []string{"9 record(s): 3 message(s), 5 folded into stories, 1 suppressed"}},
		// Three failures, a steady state and a fourth failure of one service in one batch:
		// this batch used to panic the story stage.
		{name: "a crash loop ended and begun again in one batch", args: []string{"render", "--explain", fixture("batches/crash-loop-steady-then-failure.json")}, wantMessages: 3,
			wantStdout: []string{"is crash-looping: 3 tasks failed", "recovered: steady again", "container app exited with code 1"},
			wantStderr: []string{"5 record(s): 3 message(s), 2 folded into stories, 0 suppressed"}},
		{name: "every target renders without secrets", args: []string{"render", "--config", filepath.Join("testdata", "every-target.json"), fixture("aws/ecs-deployment-state-change-failed-circuit-breaker.json")}, wantMessages: 6,
			wantStdout: []string{`"target":"slack-bot"`, `"target":"discord"`, `"target":"teams"`, `"target":"gchat"`, `"schema":"foghorn.alert/v1"`}},
		// CloudWatch Logs subscription deliveries: the Lambda event (compressed) and the decoded
		// DATA_MESSAGE are one pattern message each; a reachability check posts nothing; a
		// payload that cannot be decoded is a generic alert.
		{name: "awslogs event", args: []string{"render", "--explain", fixture("logs/lambda-cloudwatch-logs-event-awslogs.json")}, wantMessages: 2,
			wantStdout: []string{"testLogGroup: new error pattern: [ERROR] First test message", "Sample lines", "testLogGroup: new error pattern: [ERROR] Second test message"},
			wantStderr: []string{"1 record(s): 2 message(s), 2 folded into stories, 0 suppressed"}},
		{name: "decoded DATA_MESSAGE", args: []string{"render", fixture("logs/cloudwatch-logs-data-message-error-processor.json")}, wantMessages: 1,
			wantStdout: []string{"new error pattern: <ts> <uuid> ERROR", "lp1-"}},
		{name: "CONTROL_MESSAGE", args: []string{"render", "--explain", fixture("logs/derived/lambda-cloudwatch-logs-event-awslogs-control-message.json")}, wantMessages: 0,
			wantStderr: []string{"by rule logs-control-message"}},
		{name: "undecodable awslogs payload", args: []string{"render", fixture("logs/lambda-cloudwatch-logs-event-docs-truncated-not-gzip.json")}, wantMessages: 1,
			wantStdout: []string{"could not be decoded", "not base64"}},
		{name: "not JSON", args: []string{"render", notJSON}, wantUsage: true},
		{name: "missing file", args: []string{"render", "no/such/file.json"}, wantUsage: true},
		{name: "no file", args: []string{"render"}, wantUsage: true},
		{name: "unknown target", args: []string{"render", "--target", "pager", fixture("aws/ecs-deployment-state-change-failed-circuit-breaker.json")}, wantUsage: true},
		{name: "unknown command", args: []string{"frobnicate"}, wantUsage: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tt.args, strings.NewReader(tt.stdin), &stdout, &stderr)
			var ue usageError
			if tt.wantUsage {
				if !errors.As(err, &ue) {
					t.Fatalf("err = %v, want a usage error (exit 2)", err)
				}
				if strings.Count(strings.TrimSpace(strings.SplitN(err.Error(), "\n", 2)[0]), "\n") != 0 {
					t.Errorf("error is not one line: %q", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
			if stdout.Len() == 0 {
				lines = nil
			}
			if len(lines) != tt.wantMessages {
				t.Fatalf("%d lines, want %d:\n%s", len(lines), tt.wantMessages, stdout.String())
			}
			for _, l := range lines {
				var m struct {
					Destination string          `json:"destination"`
					Target      string          `json:"target"`
					Payload     json.RawMessage `json:"payload"`
				}
				if err := json.Unmarshal([]byte(l), &m); err != nil || m.Destination == "" || len(m.Payload) == 0 {
					t.Errorf("line is not {destination, target, payload}: %s", l)
				}
			}
			for _, w := range tt.wantStdout {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout.String())
				}
			}
			for _, w := range tt.wantStderr {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr.String())
				}
			}
		})
	}
}

func TestSend(t *testing.T) {
	chat := chatfake.New(chatfake.Options{})
	defer chat.Close()
	hook := chat.SlackWebhookURL("try-it")
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"send", "--webhook-url", hook, fixture("aws-derived/ecs-task-state-change-stopped-oom.json")}, nil, &stdout, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(chat.Requests()); got != 1 {
		t.Errorf("posted %d messages, want 1", got)
	}
	if !strings.Contains(stdout.String(), "delivered: checkout-api") {
		t.Errorf("stdout = %q", stdout.String())
	}

	chat.SetState(strings.TrimPrefix(hook, chat.URL()), chatfake.Revoked)
	stdout.Reset()
	err = run(context.Background(), []string{"send", "--webhook-url", hook, fixture("aws-derived/ecs-task-state-change-stopped-oom.json")}, nil, &stdout, &stderr)
	if err == nil {
		t.Fatal("send to a revoked webhook succeeded")
	}
	if strings.Contains(err.Error(), hook) || strings.Contains(err.Error(), "try-it") {
		t.Errorf("the error leaks the webhook URL: %v", err)
	}

	if err := run(context.Background(), []string{"send", fixture("aws-derived/ecs-task-state-change-stopped-oom.json")}, nil, &stdout, &stderr); err == nil {
		t.Error("send without a webhook succeeded")
	}
}

func TestDemo(t *testing.T) {
	var out bytes.Buffer
	t.Setenv("SLACK_WEBHOOK_URL", "")
	if err := run(context.Background(), []string{"demo", "--fast"}, nil, &out, &out); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"deployment ecs-svc/4718350946203817256 of checkout-api:42 is failing: 5 tasks failed",
		"ConfigError: missing required env DATABASE_URL", "redis://checkout:***@", // the log tail, redacted
		"rolling back to checkout-api:41", "rolled back to checkout-api:41; steady again",
		"out of memory", "checkout-api-5xx-rate", "back to OK",
		"checkout-api: new since deployment ecs-svc/4718350946203817256 of checkout-api:42: fatal: configuration invalid",
		"Exception: ConfigError", "Sample lines", "New log patterns: 2",
		"14 AWS events and 10 log lines → 9 chat messages; 9 folded into crash-loop, deployment and log-pattern stories; 2 kept out of the channel",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the demo does not tell %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "\033[") {
		t.Error("colour codes written to a non-terminal")
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
