package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/foghornhq/foghorn/lambda/envelope"
)

// TestRenderStreamsAFile: a file is rendered a record and a message at a time; what it
// prints (and explains) is exactly what the same input given on stdin prints. Files that are
// not JSON take the whole-input path and its explanations.
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

// TestRenderHoldsOneRecordAtATime: render reads a batch of thousands of records, in each form
// it takes (one SQS batch, a JSON array of events, one event per line, and stdin), in the
// memory of one record. The records are read as render reads them (input.readers, the first
// way that reads the input), and dropped; the live heap, measured after a collection every
// few hundred records, must stay far below the input's size. Reading the input whole, or
// keeping what was read, fails it.
func TestRenderHoldsOneRecordAtATime(t *testing.T) {
	var events []json.RawMessage
	for _, f := range []string{"ecs-deployment-state-change-failed-circuit-breaker.json", "ecs-task-state-change-stopped-elb-health-check-fargate.json", "eventbridge-cloudwatch-alarm-state-change-single-metric-ec2-cpu.json"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "aws", f))
		if err != nil {
			t.Fatal(err)
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, b); err != nil {
			t.Fatal(err)
		}
		events = append(events, compact.Bytes())
	}
	const records = 3000
	list := make([]json.RawMessage, records)
	for i := range list {
		list[i] = events[i%len(events)]
	}
	batch, err := envelope.SQSBatch(list)
	if err != nil {
		t.Fatal(err)
	}
	array, err := json.Marshal(list)
	if err != nil {
		t.Fatal(err)
	}
	var lines []byte
	for _, e := range list {
		lines = append(append(lines, e...), '\n')
	}
	dir := t.TempDir()
	for _, tt := range []struct {
		name  string
		data  []byte
		stdin bool
	}{
		{"batch", batch, false},
		{"array", array, false},
		{"lines", lines, false},
		{"batch on stdin", batch, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+".json")
			var stdin io.Reader
			if tt.stdin {
				path, stdin = "-", bytes.NewReader(tt.data)
			} else if err := os.WriteFile(path, tt.data, 0o600); err != nil {
				t.Fatal(err)
			}
			in, err := openInput(path, stdin)
			if err != nil {
				t.Fatal(err)
			}
			defer in.close()
			base := liveHeap()
			var most uint64
			for i, read := range in.readers() {
				f, err := os.Open(in.path)
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				for _, err = range read(bufio.NewReader(f)) {
					if err != nil {
						break
					}
					if n++; n%250 == 0 {
						most = max(most, liveHeap())
					}
				}
				f.Close()
				if err == nil {
					if n != records {
						t.Errorf("read %d records the %d. way, want %d", n, i+1, records)
					}
					break
				}
				if !errors.As(err, new(errStreamInput)) {
					t.Fatal(err)
				}
				n = 0
			}
			if most == 0 {
				t.Fatalf("no way of reading a record at a time read the %s (%d bytes): render reads it whole", tt.name, len(tt.data))
			}
			if grew := int64(most) - int64(base); grew > int64(len(tt.data)/10) {
				t.Errorf("reading %d records (%d bytes) the live heap grew by %d bytes: the input is held, not streamed", records, len(tt.data), grew)
			}
		})
	}
}

// liveHeap is the heap in use just after a collection: what is still referenced.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
