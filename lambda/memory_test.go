package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/envelope"
	"github.com/foghornhq/foghorn/lambda/internal/awsfake"
	"github.com/foghornhq/foghorn/lambda/internal/chatfake"
	"github.com/foghornhq/foghorn/lambda/internal/fixtures"
)

// BenchmarkFunctionMemory runs the real bootstrap binary, built as it ships, on 10,000
// events in 1,000 invocations of SQS batches of ten SNS-wrapped EventBridge events (every
// fixture in turn, each copy with an id of its own), against a Lambda Runtime API fake, an
// SSM fake, ECS and CloudWatch Logs fakes and the Slack webhook
// fake, and reads the process's memory from /proc: its peak
// resident set (VmHWM) after the first 100 invocations and after all 1,000, and the growth
// between, per 1,000 events. A function that kept something of every event would grow with
// the invocations; what the delivery ledger keeps (an entry per delivered message, for
// deliveries.rememberFor) is all that should.
func BenchmarkFunctionMemory(b *testing.B) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		b.Skip("reads the process's memory from /proc")
	}
	bin := filepath.Join(b.TempDir(), "bootstrap")
	build := exec.Command("go", "build", "-tags", "lambda.norpc", "-trimpath", "-buildvcs=false", "-ldflags", "-s -w -buildid=", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("build bootstrap: %v\n%s", err, out)
	}
	const invocations, perBatch, first = 1000, 10, 100
	events := memoryEvents(b, invocations*perBatch)
	batches := make([][]byte, invocations)
	for i := range batches {
		batch, err := envelope.SQSBatch(events[i*perBatch : (i+1)*perBatch])
		if err != nil {
			b.Fatal(err)
		}
		batches[i] = batch
	}
	var peak, early, posts float64
	for i := 0; i < b.N; i++ {
		chat := chatfake.New(chatfake.Options{})
		doc := `{"version":1,"destinations":[{"name":"ops","target":"slack","secretParam":"/foghorn/test/webhook"}]}`
		ssm := ssmFake(b, map[string]string{"/foghorn/test/config": doc, "/foghorn/test/webhook": chat.SlackWebhookURL("ops")})
		// The post-mortems and log tails ask ECS and CloudWatch Logs, which know nothing of
		// these events: they answer at once, and the alerts go without.
		ecs, logs := awsfake.NewECS(), awsfake.NewLogs()
		api := newRuntimeAPI(batches...)
		rt := serve(b, api)
		cmd := exec.Command(bin)
		cmd.Env = []string{
			"AWS_LAMBDA_RUNTIME_API=" + strings.TrimPrefix(rt.URL, "http://"),
			"AWS_LAMBDA_FUNCTION_NAME=foghorn-bench", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256", "AWS_REGION=us-east-1",
			"AWS_ACCESS_KEY_ID=AKIDFAKEFORTESTS", "AWS_SECRET_ACCESS_KEY=fake-secret-key", "AWS_SESSION_TOKEN=fake-session-token",
			"AWS_ENDPOINT_URL_SSM=" + ssm.URL(), "AWS_ENDPOINT_URL_ECS=" + ecs.URL(), "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS=" + logs.URL(),
			"FOGHORN_CONFIG_PARAM=/foghorn/test/config", "FOGHORN_LOG_LEVEL=warn",
		}
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		for n := 1; n <= invocations; n++ {
			select {
			case <-api.done:
			case <-time.After(60 * time.Second):
				cmd.Process.Kill()
				cmd.Wait()
				b.Fatalf("invocation %d never answered; logs:\n%s", n, out.String())
			}
			if n == first {
				early = vmHWM(b, cmd.Process.Pid)
			}
		}
		peak = vmHWM(b, cmd.Process.Pid)
		cmd.Process.Kill()
		cmd.Wait()
		api.mu.Lock()
		failed := len(api.errors)
		for id, resp := range api.responses {
			if !bytes.Contains(resp, []byte(`"batchItemFailures":[]`)) {
				b.Fatalf("invocation %s failed records: %s", id, resp)
			}
		}
		api.mu.Unlock()
		if failed > 0 {
			b.Fatalf("%d invocations failed; logs:\n%s", failed, out.String())
		}
		posts = float64(len(chat.Requests()))
		chat.Close()
		ecs.Close()
		logs.Close()
	}
	b.ReportMetric(peak/1024, "peak-MiB")
	b.ReportMetric(early/1024, "peak-MiB-at-100")
	b.ReportMetric((peak-early)/float64((invocations-first)*perBatch)*1000, "KiB-growth/1000events")
	b.ReportMetric(posts, "posts")
	b.ReportMetric(0, "ns/op")
}

// memoryEvents returns n EventBridge events: the fixtures in turn, each copy with its own id.
func memoryEvents(b *testing.B, n int) []json.RawMessage {
	var kinds [][]byte
	for _, dir := range fixtures.Dirs {
		paths, err := filepath.Glob(filepath.Join("testdata", dir, "*.json"))
		if err != nil {
			b.Fatal(err)
		}
		for _, p := range paths {
			raw, err := os.ReadFile(p)
			if err != nil {
				b.Fatal(err)
			}
			var probe struct{ Source, ID string }
			if json.Unmarshal(raw, &probe) == nil && probe.Source != "" && probe.ID != "" {
				kinds = append(kinds, raw)
			}
		}
	}
	if len(kinds) == 0 {
		b.Fatal("no EventBridge fixtures under testdata")
	}
	out := make([]json.RawMessage, n)
	for i := range out {
		var ev map[string]any
		if err := json.Unmarshal(kinds[i%len(kinds)], &ev); err != nil {
			b.Fatal(err)
		}
		ev["id"] = fmt.Sprintf("%s-%06d", ev["id"], i)
		raw, err := json.Marshal(ev)
		if err != nil {
			b.Fatal(err)
		}
		out[i] = raw
	}
	return out
}

// vmHWM is the process's peak resident set so far, in KiB.
func vmHWM(b *testing.B, pid int) float64 {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kib, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			if err != nil {
				b.Fatal(err)
			}
			return kib
		}
	}
	b.Fatal("no VmHWM in /proc status")
	return 0
}
