package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

func fixture(name string) string { return filepath.Join("..", "..", "testdata", name) }

// result is what one run of the command shows: its exit code, stdout and stderr, as main
// would leave them (main prints a failing run's error on stderr after "foghorn: ").
type result struct {
	exit           int
	stdout, stderr string
}

func runCLI(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(stdin), &stdout, &stderr)
	r := result{stdout: stdout.String()}
	if err != nil {
		fmt.Fprintln(&stderr, "foghorn:", err)
		r.exit = 1
		var ue usageError
		if errors.As(err, &ue) {
			r.exit = 2
		}
	}
	r.stderr = stderr.String()
	return r
}

// cliCase is one run of the command and what it must show.
type cliCase struct {
	name   string
	args   []string
	stdin  string
	env    map[string]string
	exit   int
	stdout []string // each must appear on stdout
	stderr []string // each must appear on stderr
	// never may appear on either: secrets, and for failures anything on stdout
	never []string
	// messages, when not negative, is how many JSON messages stdout must hold.
	messages int
}

func (c cliCase) check(t *testing.T) result {
	t.Helper()
	for k, v := range c.env {
		t.Setenv(k, v)
	}
	r := runCLI(t, c.stdin, c.args...)
	if r.exit != c.exit {
		t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.exit, c.exit, r.stdout, r.stderr)
	}
	for _, w := range c.stdout {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("stdout lacks %q:\n%s", w, r.stdout)
		}
	}
	for _, w := range c.stderr {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
		}
	}
	for _, n := range c.never {
		if n != "" && (strings.Contains(r.stdout, n) || strings.Contains(r.stderr, n)) {
			t.Errorf("the output shows %q:\nstdout:\n%s\nstderr:\n%s", n, r.stdout, r.stderr)
		}
	}
	if c.messages >= 0 {
		if got := messageLines(t, r.stdout); got != c.messages {
			t.Errorf("%d messages, want %d:\n%s", got, c.messages, r.stdout)
		}
	}
	if c.exit == 2 && r.stdout != "" {
		t.Errorf("a refused command wrote to stdout:\n%s", r.stdout)
	}
	return r
}

// messageLines counts render's JSON lines, checking each is {destination, target, payload}.
func messageLines(t *testing.T, stdout string) int {
	t.Helper()
	n := 0
	for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
		if l == "" {
			continue
		}
		var m struct {
			Destination string          `json:"destination"`
			Target      string          `json:"target"`
			Payload     json.RawMessage `json:"payload"`
		}
		if err := json.Unmarshal([]byte(l), &m); err != nil || m.Destination == "" || m.Target == "" || len(m.Payload) == 0 {
			t.Errorf("line is not {destination, target, payload}: %s", l)
		}
		n++
	}
	return n
}

// golden compares got with testdata/name, which go test -update rewrites.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update creates it)", err)
	}
	if got != string(want) {
		t.Errorf("%s changed (go test -update, then review the diff); got:\n%s", path, got)
	}
}

// TestHelp: every command's help, however asked for, exits 0 and shows its flags and an
// example; the top-level usage names the commands, targets, environment and exit codes.
func TestHelp(t *testing.T) {
	top := runCLI(t, "", "--help")
	if top.exit != 0 || top.stderr != "" {
		t.Fatalf("--help: exit %d, stderr %q", top.exit, top.stderr)
	}
	golden(t, "help/foghorn.golden", top.stdout)
	for _, want := range []string{"render", "routes", "send", "demo", "version", "help",
		"slack, slack-bot, discord, teams, gchat, webhook", envWebhookURL, envSlackToken, envSigningKey, envDemoWebhook, "NO_COLOR",
		"Exit codes:", "  0 ", "  1 ", "  2 "} {
		if !strings.Contains(top.stdout, want) {
			t.Errorf("the usage does not name %q", want)
		}
	}
	for _, args := range [][]string{{"-h"}, {"help"}} {
		if r := runCLI(t, "", args...); r.exit != 0 || r.stdout != top.stdout {
			t.Errorf("%v: exit %d, or not the same usage as --help", args, r.exit)
		}
	}
	for _, c := range commands {
		t.Run(c.name, func(t *testing.T) {
			r := runCLI(t, "", c.name, "--help")
			if r.exit != 0 || r.stderr != "" {
				t.Fatalf("exit %d, stderr %q", r.exit, r.stderr)
			}
			golden(t, "help/"+c.name+".golden", r.stdout)
			for _, args := range [][]string{{c.name, "-h"}, {"help", c.name}, {c.name, "x", "--help"}} {
				if again := runCLI(t, "", args...); again.exit != 0 || again.stdout != r.stdout {
					t.Errorf("%v: exit %d, or not the same help as --help", args, again.exit)
				}
			}
			_, example, _ := strings.Cut(r.stdout, "\nExample:\n")
			if !strings.Contains(r.stdout, "usage: foghorn "+c.name) || !strings.Contains(strings.ReplaceAll(example, "\n", " "), "foghorn "+c.name+" ") {
				t.Errorf("help lacks its usage line or an example:\n%s", r.stdout)
			}
			fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
			if c.flags != nil {
				c.flags(fs, &options{})
			}
			fs.VisitAll(func(f *flag.Flag) {
				if !strings.Contains(r.stdout, "--"+f.Name) {
					t.Errorf("help does not show --%s", f.Name)
				}
			})
		})
	}
}

// TestHelpExamples runs every example the help shows, as written, and wants exit 0.
func TestHelpExamples(t *testing.T) {
	chdirRoot(t)
	hook := fakeSlackWebhook(t)
	table := fakeStateTable(t)
	for _, c := range commands {
		for _, line := range exampleLines(c.example) {
			t.Run(line, func(t *testing.T) {
				env, args := splitCommand(t, line)
				if _, ok := env[envWebhookURL]; ok {
					env[envWebhookURL] = hook // the example's URL is a placeholder
				}
				runExample(t, env, args, table, 0)
			})
		}
	}
}

// runExample runs a documented command as written, with env set, the demo fast and silences
// on the fake state table (table stands its arguments in), and wants exit code want.
func runExample(t *testing.T, env map[string]string, args []string, table func([]string) []string, want int) {
	t.Helper()
	for k, v := range env {
		t.Setenv(k, v)
	}
	switch args[0] {
	case "demo":
		args = append(args, "--fast")
	case "silences":
		args = table(args)
	}
	if r := runCLI(t, "", args...); r.exit != want {
		t.Errorf("exit %d, want %d\nstderr:\n%s", r.exit, want, r.stderr)
	}
}

// exampleLines joins continued lines and drops what a pipe hands elsewhere.
func exampleLines(example string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(example, "\\\n", " "), "\n") {
		l, _, _ = strings.Cut(strings.TrimSpace(l), " | ")
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

// splitCommand reads "VAR=value foghorn args…" (or "go run ./lambda/cmd/foghorn args…") into
// the environment and the arguments after the command's name, unquoting '…' and "…".
func splitCommand(t *testing.T, line string) (map[string]string, []string) {
	t.Helper()
	env := map[string]string{}
	words := shellWords(t, line)
	for len(words) > 0 && strings.Contains(words[0], "=") && !strings.HasPrefix(words[0], "-") {
		k, v, _ := strings.Cut(words[0], "=")
		env[k] = v
		words = words[1:]
	}
	switch {
	case len(words) > 0 && words[0] == "foghorn":
		return env, words[1:]
	case len(words) > 2 && words[0] == "go" && words[1] == "run" && words[2] == "./lambda/cmd/foghorn":
		return env, words[3:]
	}
	t.Fatalf("not a foghorn command: %s", line)
	return nil, nil
}

func shellWords(t *testing.T, s string) []string {
	t.Helper()
	var words []string
	var cur strings.Builder
	in := false
	var quote rune
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '\'' || r == '"':
			quote, in = r, true
		case r == ' ' || r == '\t':
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if quote != 0 {
		t.Fatalf("unclosed quote in %s", s)
	}
	if in {
		words = append(words, cur.String())
	}
	return words
}

// chdirRoot runs the test from the repository's root, where the README's and the help's
// paths start.
func chdirRoot(t *testing.T) {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(root)
}

func TestCommandLineMistakes(t *testing.T) {
	oom := fixture("aws-derived/ecs-task-state-change-stopped-oom.json")
	for _, c := range []cliCase{
		{name: "no command", exit: 2, stderr: []string{"foghorn: no command", "Commands:", "Exit codes:"}},
		{name: "unknown command", args: []string{"rendr", oom}, exit: 2, stderr: []string{`unknown command "rendr"; did you mean "render"?`}},
		{name: "help on no such command", args: []string{"help", "sned"}, exit: 2, stderr: []string{`no command "sned"; did you mean "send"?`}},
		{name: "unknown flag", args: []string{"render", "--frmat", "text", oom}, exit: 2, stderr: []string{"render: flag provided but not defined: -frmat (foghorn render --help)"}},
		{name: "no file", args: []string{"render"}, exit: 2, stderr: []string{"render wants one event file (or - for stdin), got 0 argument(s)", "usage: foghorn render [flags] FILE|-"}},
		{name: "two files", args: []string{"render", oom, oom}, exit: 2, stderr: []string{"got 2 argument(s)"}},
		{name: "a file after --", args: []string{"render", "--", "--explain"}, exit: 2, stderr: []string{"cannot read input: open --explain"}},
		{name: "unknown format", args: []string{"render", "--format", "yaml", oom}, exit: 2, stderr: []string{`--format "yaml": want json or text`}},
		{name: "version takes no arguments", args: []string{"version", "now"}, exit: 2, stderr: []string{"version wants no arguments"}},
		{name: "demo takes no arguments", args: []string{"demo", "now"}, exit: 2, stderr: []string{"demo wants no arguments"}},
	} {
		c.messages = -1
		t.Run(c.name, func(t *testing.T) { c.check(t) })
	}
}

func TestVersion(t *testing.T) {
	for _, c := range []cliCase{
		{name: "version", args: []string{"version"}, stdout: []string{"foghorn ", "built with go"}},
		{name: "--version", args: []string{"--version"}, stdout: []string{"foghorn ", "built with go"}},
	} {
		c.messages = -1
		t.Run(c.name, func(t *testing.T) { c.check(t) })
	}

	settings := func(kv ...string) []debug.BuildSetting {
		var out []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			out = append(out, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return out
	}
	info := func(version string, s []debug.BuildSetting) *debug.BuildInfo {
		return &debug.BuildInfo{GoVersion: "go1.26.6", Main: debug.Module{Path: "github.com/foghornhq/foghorn", Version: version}, Settings: s}
	}
	for _, tt := range []struct {
		name string
		info *debug.BuildInfo
		ok   bool
		want string
	}{
		{"go run in a checkout", info("(devel)", settings("GOOS", "linux", "GOARCH", "amd64")), true,
			"foghorn (devel): built from a checkout, which recorded no commit (go run does not; go build does)\nbuilt with go1.26.6 for linux/amd64\n"},
		{"go build in a checkout with changes", info("v0.0.0-20260501100000-1a2b3c4d5e6f+dirty", settings("vcs.revision", "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b", "vcs.time", "2026-05-01T10:00:00Z", "vcs.modified", "true", "GOOS", "darwin", "GOARCH", "arm64")), true,
			"foghorn v0.0.0-20260501100000-1a2b3c4d5e6f+dirty, commit 1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b (committed 2026-05-01T10:00:00Z, with uncommitted changes)\nbuilt with go1.26.6 for darwin/arm64\n"},
		{"go install at a commit", info("v0.0.0-20260501100000-1a2b3c4d5e6f", nil), true,
			"foghorn v0.0.0-20260501100000-1a2b3c4d5e6f, commit 1a2b3c4d5e6f\nbuilt with go1.26.6\n"},
		{"go install after a tag", info("v1.2.4-0.20260501100000-1a2b3c4d5e6f", nil), true,
			"foghorn v1.2.4-0.20260501100000-1a2b3c4d5e6f, commit 1a2b3c4d5e6f\nbuilt with go1.26.6\n"},
		{"a tagged release", info("v1.2.3", nil), true, "foghorn v1.2.3\nbuilt with go1.26.6\n"},
		{"no build information", nil, false, "foghorn: no build information (a binary built without module support)\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := versionText(tt.info, tt.ok); got != tt.want {
				t.Errorf("versionText =\n%s\nwant\n%s", got, tt.want)
			}
		})
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
