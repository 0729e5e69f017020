package notifierzip_test

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/infra/notifierzip"
)

// The first cross-compile for linux/arm64 can take a couple of minutes on a small machine.
func buildCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func sum(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func TestBuildIsReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiles the notifier")
	}
	ctx := buildCtx(t)
	// Two different output directories: the path must not leak into the bytes.
	a, err := notifierzip.Build(ctx, notifierzip.Options{Output: filepath.Join(t.TempDir(), "a", "notifier.zip")})
	if err != nil {
		t.Fatal(err)
	}
	b, err := notifierzip.Build(ctx, notifierzip.Options{Output: filepath.Join(t.TempDir(), "b.zip")})
	if err != nil {
		t.Fatal(err)
	}
	if sa, sb := sum(t, a), sum(t, b); sa != sb {
		t.Fatalf("two builds of the same source differ: %s vs %s", sa, sb)
	}

	zr, err := zip.OpenReader(a)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	if len(zr.File) != 1 {
		t.Fatalf("zip has %d entries, want exactly bootstrap", len(zr.File))
	}
	f := zr.File[0]
	if f.Name != "bootstrap" {
		t.Errorf("entry %q, want bootstrap", f.Name)
	}
	if got := f.Mode().Perm(); got != 0o755 {
		t.Errorf("bootstrap mode %v, want 0755 (Lambda execs it)", got)
	}
	if !f.Modified.Equal(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("bootstrap mtime %v, want the fixed 2020-01-01", f.Modified)
	}
	if f.Method != zip.Deflate {
		t.Errorf("method %d, want deflate", f.Method)
	}
	// The binary must be a Linux arm64 ELF: magic, then e_machine 183 (EM_AARCH64).
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	head := make([]byte, 20)
	if _, err := rc.Read(head); err != nil {
		t.Fatal(err)
	}
	if string(head[:4]) != "\x7fELF" || head[18] != 183 {
		t.Errorf("bootstrap is not an arm64 ELF binary (header % x)", head)
	}
}

func TestBuildReportsCompilerOutput(t *testing.T) {
	_, err := notifierzip.Build(buildCtx(t), notifierzip.Options{
		Package: "github.com/foghornhq/foghorn/infra/notifierzip/nosuchpackage",
		Output:  filepath.Join(t.TempDir(), "x.zip"),
	})
	if err == nil {
		t.Fatal("building a missing package succeeded")
	}
	if !strings.Contains(err.Error(), "nosuchpackage") {
		t.Errorf("error does not carry go build's output: %v", err)
	}
}

func TestBuildOutsideAModuleNeedsAnOutput(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("GOFLAGS", "-buildvcs=false")
	t.Setenv("GO111MODULE", "on")
	_, err := notifierzip.Build(buildCtx(t), notifierzip.Options{Dir: dir})
	if err == nil || !strings.Contains(err.Error(), "not inside a Go module") {
		t.Fatalf("want a clear error outside a module, got %v", err)
	}
}

func TestBuildArgsAndEnv(t *testing.T) {
	args := strings.Join(notifierzip.BuildArgs("/out/bootstrap", notifierzip.Package), " ")
	for _, want := range []string{"-tags lambda.norpc", "-trimpath", "-buildvcs=false", "-s -w -buildid=", "-o /out/bootstrap", "github.com/foghornhq/foghorn/lambda"} {
		if !strings.Contains(args, want) {
			t.Errorf("go build args %q lack %q", args, want)
		}
	}
	env := strings.Join(notifierzip.BuildEnv(), " ")
	if env != "GOOS=linux GOARCH=arm64 CGO_ENABLED=0" {
		t.Errorf("build env %q", env)
	}
}
