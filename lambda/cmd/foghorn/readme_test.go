package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/foghornhq/foghorn/lambda/internal/chatfake"
)

// standIns are files the READMEs' commands read that an earlier command of theirs makes
// from a deployed stack; the test reads a file of the same kind from the repository instead.
var standIns = map[string]string{
	"prod-config.json": "lambda/config/testdata/example.json", // the deployed document, from aws ssm get-parameter
}

// TestReadmeCommands runs every foghorn command in the READMEs' code blocks, as written (from
// the repository's root), and wants the exit code the line states: "# exits N", else 0. send
// posts to a fake chat server, whose webhook stands in for FOGHORN_WEBHOOK_URL.
func TestReadmeCommands(t *testing.T) {
	chdirRoot(t)
	chat := chatfake.New(chatfake.Options{})
	defer chat.Close()
	hooks := map[string]string{
		"slack": chat.SlackWebhookURL("readme"), "discord": chat.DiscordWebhookURL("readme"), "teams": chat.TeamsWorkflowURL("readme"),
		"gchat": chat.GoogleChatWebhookURL("readme"), "webhook": chat.WebhookURL("readme", testSigningKey),
	}
	table := fakeStateTable(t)
	exits := regexp.MustCompile(`#\s*exits (\d)`)
	n := 0
	for _, readme := range []string{"README.md", "lambda/config/README.md"} {
		for _, line := range codeLines(t, readme) {
			cmd := strings.TrimSpace(line)
			if !strings.HasPrefix(cmd, "go run ./lambda/cmd/foghorn ") && !strings.HasPrefix(cmd, "foghorn ") {
				continue
			}
			want := 0
			if m := exits.FindStringSubmatch(cmd); m != nil {
				want, _ = strconv.Atoi(m[1])
			}
			if i := strings.Index(cmd, " #"); i >= 0 {
				cmd = cmd[:i]
			}
			n++
			t.Run(readme+": "+cmd, func(t *testing.T) {
				env, args := splitCommand(t, strings.Join(exampleLines(cmd), " "))
				target := "slack"
				for i, a := range args {
					if a == "--target" && i+1 < len(args) {
						target = args[i+1]
					}
					if s, ok := standIns[a]; ok {
						args[i] = s
					}
				}
				t.Setenv(envWebhookURL, hooks[target])
				runExample(t, env, args, table, want)
			})
		}
	}
	if n < 10 {
		t.Errorf("found only %d foghorn commands in the READMEs", n)
	}
}

// codeLines returns the lines of the file's fenced code blocks.
func codeLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.FromSlash(path))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	in := false
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "```") {
			in = !in
			continue
		}
		if in {
			out = append(out, l)
		}
	}
	return out
}
