package main

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestReadmeFiveCommands replays the README's first deployment, its five commands as written,
// in a copy of the project beside the shipped dev and prod stack files: it must preview
// cleanly and make one destination of the webhook, which gets every alert. It then checks
// that the shipped files count once set up, as "dev and prod in one account" says.
func TestReadmeFiveCommands(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "<!-- five-commands -->")
	block, _, ok2 := strings.Cut(rest, "<!-- /five-commands -->")
	if !ok || !ok2 {
		t.Fatal("README.md has no five-commands block")
	}
	var cmds []string
	for _, l := range strings.Split(block, "\n") {
		if l, _, _ = strings.Cut(l, "#"); strings.HasPrefix(strings.TrimSpace(l), "pulumi ") {
			cmds = append(cmds, strings.Fields(l)[1:]...)
			cmds = append(cmds, "\n")
		}
	}
	lines := strings.Split(strings.TrimSpace(strings.ReplaceAll(strings.Join(cmds, " "), " \n", "\n")), "\n")
	if len(lines) != 5 {
		t.Fatalf("the block has %d pulumi commands, want five: %q", len(lines), lines)
	}
	root := projectCopy(t)
	stack := ""
	secrets := map[string]string{}
	previewed := false
	setRe := regexp.MustCompile(`^config set( --secret)?( --path)? (\S+) (\S+)$`)
	for _, l := range lines {
		l = strings.TrimSpace(l)
		switch {
		case l == "login --local":
		case strings.HasPrefix(l, "stack init "):
			stack = strings.TrimPrefix(l, "stack init ")
			stackInit(t, root, stack)
		case setRe.MatchString(l):
			m := setRe.FindStringSubmatch(l)
			if m[1] != "" {
				secrets[strings.TrimPrefix(m[3], "foghorn:")] = fakeWebhook // the README's URL is a placeholder
				continue
			}
			configSet(t, root, stack, m[3], m[4])
		case l == "up" || l == "preview":
			cfg := stackConfig(t, root, stack)
			for k, v := range secrets {
				cfg[k] = v
			}
			m, err := runProgramIn(t, root, stack, cfg, true)
			if err != nil {
				t.Fatalf("pulumi %s: %v", l, err)
			}
			doc := m.document(t)
			if len(doc.Destinations) != 1 || doc.Destinations[0].Target != "slack" || len(doc.Routes) != 0 {
				t.Errorf("the stack posts to %+v by routes %+v, want one Slack webhook for every alert", doc.Destinations, doc.Routes)
			}
			previewed = true
		default:
			t.Errorf("the test does not know `pulumi %s`", l)
		}
	}
	if !previewed || !slices.Contains([]string{"alerts"}, stack) {
		t.Fatalf("the commands did not create and deploy a stack (stack %q)", stack)
	}

	// Once the shipped dev file is being set up, the new stack's unscoped rules overlap it.
	configSet(t, root, "dev", "aws:region", "eu-west-1")
	cfg := stackConfig(t, root, stack)
	for k, v := range secrets {
		cfg[k] = v
	}
	if _, err := runProgramIn(t, root, stack, cfg, true); err == nil || !strings.Contains(err.Error(), "stacks alerts and dev") {
		t.Errorf("dev set up beside an unscoped stack: %v, want the overlap refused", err)
	}
}
