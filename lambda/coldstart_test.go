package main

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/internal/awsfake"
)

// BenchmarkColdStart starts the real bootstrap binary, built as it ships (the flags of
// infra's notifier build, for this machine's architecture), once per op, against a Lambda
// Runtime API fake and an SSM fake holding its config, and measures the time from process
// start to its first /next request: init, the config read from SSM, and the handler ready.
// It reports the median and the fastest of the starts.
func BenchmarkColdStart(b *testing.B) {
	bin := buildShipped(b)
	ssm := coldStartSSM(b)
	ready := make(chan struct{}, 1)
	rt := serve(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/invocation/next") {
			ready <- struct{}{}
			<-r.Context().Done() // no work: the process is killed
			return
		}
		http.NotFound(w, r)
	}))
	env := append(coldStartEnv(ssm.URL()), "AWS_LAMBDA_RUNTIME_API="+strings.TrimPrefix(rt.URL, "http://"))
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
	reportStarts(b, times)
}

// BenchmarkColdStartRIE measures the same start under AWS's Lambda Runtime Interface
// Emulator, the binary FOGHORN_RIE names (make bench installs it; skipped without one). The
// emulator runs the bootstrap unchanged, as Lambda does, and times the init phase itself:
// each op starts an emulator, invokes it once (which starts the bootstrap) and reads its INIT
// REPORT, the time from starting the bootstrap to its first request for an invocation.
func BenchmarkColdStartRIE(b *testing.B) {
	rie := os.Getenv("FOGHORN_RIE")
	if rie == "" {
		b.Skip("FOGHORN_RIE names no emulator binary (make bench installs one in build/)")
	}
	bin := buildShipped(b)
	env := coldStartEnv(coldStartSSM(b).URL())
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d, err := initUnderRIE(rie, bin, env)
		if err != nil {
			b.Fatal(err)
		}
		times = append(times, d)
	}
	b.StopTimer()
	reportStarts(b, times)
}

// initReport is the emulator's log line closing the init phase.
var initReport = regexp.MustCompile(`INIT REPORT\(durationMs: ([0-9.]+)\)`)

// initUnderRIE starts the emulator on bin, invokes the function once and returns the init
// phase's duration as the emulator reports it.
func initUnderRIE(rie, bin string, env []string) (time.Duration, error) {
	addr, api := freeAddr(), freeAddr()
	cmd := exec.Command(rie, "--runtime-interface-emulator-address", addr, "--runtime-api-address", api, bin)
	cmd.Env = env
	var out lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	url := "http://" + addr + "/2015-03-31/functions/function/invocations"
	for deadline := time.Now().Add(30 * time.Second); ; {
		// An SQS batch of no records: the notifier answers without posting anything.
		resp, err := http.Post(url, "application/json", strings.NewReader(`{"Records":[]}`))
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			return 0, fmt.Errorf("the emulator never answered: %v\n%s", err, out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	// Its log is read once it has exited: Wait returns when all of it has been copied.
	cmd.Process.Kill()
	cmd.Wait()
	m := initReport.FindStringSubmatch(out.String())
	if m == nil {
		return 0, fmt.Errorf("the emulator reported no init phase:\n%s", out.String())
	}
	ms, err := strconv.ParseFloat(m[1], 64)
	return time.Duration(ms * float64(time.Millisecond)), err
}

// freeAddr is a loopback address no one listens on.
func freeAddr() string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// lockedBuffer collects a process's stdout and stderr, written by two goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// buildShipped builds the bootstrap as it ships: the flags of infra's notifier build, for this
// machine's architecture.
func buildShipped(b testing.TB) string {
	bin := filepath.Join(b.TempDir(), "bootstrap")
	build := exec.Command("go", "build", "-tags", "lambda.norpc", "-trimpath", "-buildvcs=false", "-ldflags", "-s -w -buildid=", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("build bootstrap: %v\n%s", err, out)
	}
	return bin
}

// coldStartSSM serves the config document and the secret it names.
func coldStartSSM(b *testing.B) *awsfake.SSM {
	hook := "https://hooks.slack.example/services/TFAKE/BFAKE/fake-secret-for-tests"
	return ssmFake(b, map[string]string{"/foghorn/test/config": opsDoc, "/foghorn/test/webhook": hook})
}

// coldStartEnv is the function's environment, less the runtime API's address.
func coldStartEnv(ssmURL string) []string {
	return []string{
		"AWS_LAMBDA_FUNCTION_NAME=foghorn-bench", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256", "AWS_REGION=us-east-1",
		"AWS_ACCESS_KEY_ID=AKIDFAKEFORTESTS", "AWS_SECRET_ACCESS_KEY=fake-secret-key", "AWS_SESSION_TOKEN=fake-session-token",
		"AWS_ENDPOINT_URL_SSM=" + ssmURL, "FOGHORN_CONFIG_PARAM=/foghorn/test/config", "FOGHORN_LOG_LEVEL=warn",
	}
}

// reportStarts reports the median and the fastest of the starts.
func reportStarts(b *testing.B, times []time.Duration) {
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-median")
	b.ReportMetric(float64(times[0].Microseconds())/1000, "ms-min")
	b.ReportMetric(0, "ns/op")
}
