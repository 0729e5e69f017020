package main

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// BenchmarkColdStart starts the real bootstrap binary, built as it ships (the flags of
// infra's notifier build, for this machine's architecture), once per op, against a Lambda
// Runtime API fake and an SSM fake holding its config, and measures the time from process
// start to its first /next request: init, the config read from SSM, and the handler ready.
// It reports the median and the fastest of the starts.
func BenchmarkColdStart(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "bootstrap")
	build := exec.Command("go", "build", "-tags", "lambda.norpc", "-trimpath", "-buildvcs=false", "-ldflags", "-s -w -buildid=", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("build bootstrap: %v\n%s", err, out)
	}
	hook := "https://hooks.slack.example/services/TFAKE/BFAKE/fake-secret-for-tests"
	ssm := ssmFake(b, map[string]string{"/foghorn/test/config": opsDoc, "/foghorn/test/webhook": hook})
	ready := make(chan struct{}, 1)
	rt := serve(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/invocation/next") {
			ready <- struct{}{}
			<-r.Context().Done() // no work: the process is killed
			return
		}
		http.NotFound(w, r)
	}))
	env := []string{
		"AWS_LAMBDA_RUNTIME_API=" + strings.TrimPrefix(rt.URL, "http://"),
		"AWS_LAMBDA_FUNCTION_NAME=foghorn-bench", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256", "AWS_REGION=us-east-1",
		"AWS_ACCESS_KEY_ID=AKIDFAKEFORTESTS", "AWS_SECRET_ACCESS_KEY=fake-secret-key", "AWS_SESSION_TOKEN=fake-session-token",
		"AWS_ENDPOINT_URL_SSM=" + ssm.URL(), "FOGHORN_CONFIG_PARAM=/foghorn/test/config", "FOGHORN_LOG_LEVEL=warn",
	}
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(bin)
		cmd.Env = env
		start := time.Now()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		select {
		case <-ready:
			times = append(times, time.Since(start))
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			b.Fatal("the bootstrap never asked for an invocation")
		}
		cmd.Process.Kill()
		cmd.Wait()
	}
	b.StopTimer()
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-median")
	b.ReportMetric(float64(times[0].Microseconds())/1000, "ms-min")
	b.ReportMetric(0, "ns/op")
}
