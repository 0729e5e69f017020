// Package notifierzip builds the notifier's deployment package: the Lambda `bootstrap` binary
// for linux/arm64 inside a zip that is byte-identical for the same source and toolchain.
//
// Pulumi hashes a .zip FileArchive by its raw bytes, so any drift in the zip (mtime, mode,
// compression) would show as a code change on every `pulumi up`. `make build` and the Pulumi
// program both call Build, so there is one definition of how the notifier is packaged.
//
// The package is plain Go with no Pulumi imports, so it can be tested and reused on its own.
package notifierzip

import (
	"archive/zip"
	"bytes"
	"cmp"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Package is the notifier's main package. It is built by import path, not by directory, so the
// build also works from a consumer module that merely requires foghorn.
const Package = "github.com/foghornhq/foghorn/lambda"

// DefaultOutput is where Build writes the zip when Options.Output is empty, relative to the root
// of the module Build runs in. The directory is git-ignored.
const DefaultOutput = ".build/notifier/notifier.zip"

// modTime is the fixed modification time of the zip entry. Any fixed value works; this one is
// after 1980 (the zip epoch) and has no sub-second part to round.
var modTime = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// Options tunes a build. The zero value builds Package from the current directory's module into
// DefaultOutput.
type Options struct {
	// Dir is the directory `go build` runs in; its module decides which foghorn version is
	// built. Empty means the current directory.
	Dir string
	// Package overrides the import path of the main package to build.
	Package string
	// Output is the path of the zip to write. Empty means DefaultOutput under Dir's module root.
	Output string
	// Go is the go command to run. Empty means "go" on PATH.
	Go string
	// Stderr, when set, receives the go command's output as it runs (the error carries it too).
	Stderr io.Writer
}

// Build compiles the notifier and writes the deterministic zip, returning the zip's absolute path.
func Build(ctx context.Context, o Options) (string, error) {
	goCmd := o.Go
	if goCmd == "" {
		goCmd = "go"
	}
	pkg := o.Package
	if pkg == "" {
		pkg = Package
	}
	dir, err := filepath.Abs(cmp.Or(o.Dir, "."))
	if err != nil {
		return "", fmt.Errorf("notifierzip: %w", err)
	}
	out := o.Output
	if out == "" {
		root, err := moduleRoot(ctx, goCmd, dir)
		if err != nil {
			return "", err
		}
		out = filepath.Join(root, filepath.FromSlash(DefaultOutput))
	}
	if out, err = filepath.Abs(out); err != nil {
		return "", fmt.Errorf("notifierzip: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return "", fmt.Errorf("notifierzip: %w", err)
	}

	// Each build gets its own scratch directory so concurrent builds (tests, two stacks in one
	// process) never see each other's half-written binary.
	tmp, err := os.MkdirTemp(filepath.Dir(out), ".bootstrap-")
	if err != nil {
		return "", fmt.Errorf("notifierzip: %w", err)
	}
	defer os.RemoveAll(tmp)

	bin := filepath.Join(tmp, "bootstrap")
	cmd := exec.CommandContext(ctx, goCmd, BuildArgs(bin, pkg)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), BuildEnv()...)
	var buf bytes.Buffer
	cmd.Stdout = &buf
	cmd.Stderr = &buf
	if o.Stderr != nil {
		cmd.Stdout = io.MultiWriter(&buf, o.Stderr)
		cmd.Stderr = cmd.Stdout
	}
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("notifierzip: go build %s (in %s): %w\n%s", pkg, dir, err, strings.TrimSpace(buf.String()))
	}

	zipTmp := filepath.Join(tmp, "notifier.zip")
	if err := writeZip(zipTmp, bin); err != nil {
		return "", err
	}
	// Rename is atomic within a directory, so a reader sees either the old zip or the new one.
	if err := os.Rename(zipTmp, out); err != nil {
		return "", fmt.Errorf("notifierzip: %w", err)
	}
	return out, nil
}

// BuildArgs is the go command line that compiles pkg to bin. Every flag is there for
// reproducibility or for the provided.al2023 runtime:
//   - lambda.norpc drops aws-lambda-go's net/rpc path, which only the retired go1.x runtime used;
//   - -trimpath and -buildvcs=false keep the build directory and VCS state out of the binary;
//   - -s -w strip symbols, -buildid= removes the one remaining per-build value.
func BuildArgs(bin, pkg string) []string {
	return []string{"build", "-tags", "lambda.norpc", "-trimpath", "-buildvcs=false",
		"-ldflags", "-s -w -buildid=", "-o", bin, pkg}
}

// BuildEnv is the environment the build adds: Lambda's arm64 (Graviton) Linux, statically linked.
func BuildEnv() []string {
	return []string{"GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0"}
}

// writeZip writes one entry, `bootstrap`, with fixed metadata and a fixed compressor, so the
// bytes depend only on the binary.
func writeZip(path, bin string) (err error) {
	data, err := os.ReadFile(bin)
	if err != nil {
		return fmt.Errorf("notifierzip: %w", err)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("notifierzip: %w", err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("notifierzip: %w", cerr)
		}
	}()
	zw := zip.NewWriter(f)
	// Pin the compression level rather than trusting the package default to stay put.
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestCompression)
	})
	h := &zip.FileHeader{Name: "bootstrap", Method: zip.Deflate, Modified: modTime}
	// Lambda runs bootstrap as an executable, so the mode bits must travel in the zip.
	h.SetMode(0o755)
	w, err := zw.CreateHeader(h)
	if err != nil {
		return fmt.Errorf("notifierzip: %w", err)
	}
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("notifierzip: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("notifierzip: %w", err)
	}
	return nil
}

// moduleRoot returns the directory of the go.mod governing dir.
func moduleRoot(ctx context.Context, goCmd, dir string) (string, error) {
	cmd := exec.CommandContext(ctx, goCmd, "env", "GOMOD")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", fmt.Errorf("notifierzip: go env GOMOD (in %s): %w: %s", dir, err, strings.TrimSpace(string(ee.Stderr)))
		}
		return "", fmt.Errorf("notifierzip: go env GOMOD (in %s): %w", dir, err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("notifierzip: %s is not inside a Go module; run from a module that requires %s, or set Output", dir, Package)
	}
	return filepath.Dir(gomod), nil
}
