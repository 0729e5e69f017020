package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/foghornhq/foghorn/lambda/envelope"
)

// TestRenderStreamsAFile: a file holding one JSON object is rendered a record and a message
// at a time; what it prints (and explains) is exactly what the same input read whole from
// stdin prints. Files of another shape, and files that are not JSON, take the whole-input
// path and its explanations.
func TestRenderStreamsAFile(t *testing.T) {
	var events []json.RawMessage
	for _, f := range []string{"ecs-deployment-state-change-failed-circuit-breaker.json", "ecs-service-action-service-steady-state.json", "eventbridge-cloudwatch-alarm-state-change-single-metric-ec2-cpu.json"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "aws", f))
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, b)
	}
	batch, err := envelope.SQSBatch(events)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, content := range map[string]string{
		"batch.json":  string(batch),
		"lines.json":  string(events[0]) + "\n" + string(events[1]),
		"array.json":  "[" + string(events[0]) + "," + string(events[2]) + "]",
		"broken.json": string(batch[:len(batch)/2]),
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		file := runCLI(t, "", "render", "--explain", path)
		whole := runCLI(t, content, "render", "--explain", "-")
		if file.exit != whole.exit || file.stdout != whole.stdout || strings.ReplaceAll(file.stderr, path, "stdin") != whole.stderr {
			t.Errorf("%s: from the file (exit %d):\n%s%s\nfrom stdin (exit %d):\n%s%s", name, file.exit, file.stdout, file.stderr, whole.exit, whole.stdout, whole.stderr)
		}
		if name == "batch.json" && strings.Count(file.stdout, "\n") < 2 {
			t.Errorf("the batch rendered %q", file.stdout)
		}
	}
}
