package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// Package initialisation runs at every cold start, whatever the invocation. A table built at
// start (one strings.Replacer per field name once cost 2 MB and 6 ms) is found here by the
// bytes it allocates, which do not move with the machine's load as times do.
func TestInitAllocatesLittle(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the bootstrap")
	}
	const (
		perPackage = 32 << 10  // the largest now is well under 16 KB
		total      = 256 << 10 // about 90 KB now, most of it the standard library's
	)
	bin := buildShipped(t)
	cmd := exec.Command(bin)
	// No runtime API: the bootstrap initialises, then stops at its first request.
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1", "AWS_LAMBDA_RUNTIME_API=")
	out, _ := cmd.CombinedOutput()
	sum, seen := 0, 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		// init github.com/…/lambda/event @5.6 ms, 0.15 ms clock, 9480 bytes, 12 allocs
		f := strings.Fields(sc.Text())
		if len(f) < 11 || f[0] != "init" || f[8] != "bytes," {
			continue
		}
		n, err := strconv.Atoi(f[7])
		if err != nil {
			t.Fatalf("cannot read %q: %v", sc.Text(), err)
		}
		seen++
		sum += n
		if strings.HasPrefix(f[1], "github.com/foghornhq/foghorn/") && n > perPackage {
			t.Errorf("%s allocates %d bytes at start (at most %d): build its tables at first use", f[1], n, perPackage)
		}
	}
	if seen == 0 {
		t.Fatalf("no initialisation trace in the bootstrap's output:\n%s", out)
	}
	if sum > total {
		t.Errorf("package initialisation allocates %d bytes in all (at most %d)", sum, total)
	}
}
