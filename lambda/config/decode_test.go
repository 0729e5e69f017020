package config

import (
	"strings"
	"testing"
	"time"
)

// TestParseProblems: every problem of a document at once, each on its own line, naming its
// key by JSON path and where it is, and for a misspelt key what it most likely meant.
func TestParseProblems(t *testing.T) {
	const dest = `{"name": "a", "target": "slack", "secretParam": "/p"}`
	tests := []struct {
		name string
		doc  string
		want []string // the error's lines, in order
	}{
		{
			name: "a misspelt matcher, and nothing said about the route it left empty",
			doc: `{
  "version": 1,
  "destinations": [` + dest + `],
  "routes": [
    {"match": {"servce": ["checkout-*"]}, "destinations": ["a"]},
    {"match": {"kind": ["alarm"]}, "destinations": ["a"]}
  ],
  "default": ["a"]
}`,
			want: []string{`config: routes[0].match.servce: unknown key (line 5, column 16); did you mean "service"?`},
		},
		{
			name: "every kind of problem at once",
			doc: `{
  "version": "1",
  "destinations": [` + dest + `, {"name": "b", "target": "slak", "secretParam": "/q"}],
  "routes": [{"match": {"kind": ["task-stoped"], "minSeverity": "warn"}, "destinations": ["a", "c"]}],
  "default": ["a"],
  "crashLoop": {"threshold": "3", "window": "10 minutes"},
  "noize": {"rules": {"steady-state": false}},
  "logs": {"lines": 500}
}`,
			want: []string{
				`config: version: want a whole number, got the string "1" (line 2, column 14)`,
				`config: crashLoop.threshold: want a whole number, got the string "3" (line 6, column 30)`,
				`config: crashLoop.window: time: unknown unit " minutes" in duration "10 minutes" (line 6, column 45)`,
				`config: noize: unknown key (line 7, column 3); did you mean "noise"?`,
				`config: destinations[1].target: "slak" is not a target (allowed: slack, slack-bot, discord, teams, gchat, webhook); did you mean "slack"?`,
				`config: routes[0].destinations: unknown destination "c"`,
				`config: routes[0].match.kind[0]: "task-stoped" is not a kind (allowed: task-stopped, task-state, service-action, deployment, scaling, container-instance, alarm, alarm-config, health, task-launch, crash-loop, log, generic); did you mean "task-stopped"?`,
				`config: routes[0].match.minSeverity: "warn" is not a severity (allowed: critical, warning, info); did you mean "warning"?`,
				`config: logs.lines: must be between 1 and 100 (0 for the default 20), got 500`,
			},
		},
		{
			name: "a key nothing is close to lists the keys known there",
			doc:  `{"version": 1, "destinations": [{"name": "a", "target": "slack", "secretParam": "/p", "webhook": "x"}]}`,
			want: []string{`config: destinations[0].webhook: unknown key (line 1, column 87); known here: name, target, secretParam, channel, signingSecretParam, buttons`},
		},
		{
			name: "a list where an object belongs, an object where a list belongs",
			doc:  `{"version": 1, "destinations": {"name": "a"}, "noise": []}`,
			want: []string{
				`config: destinations: want a list ([…]), got an object (line 1, column 32)`,
				`config: noise: want an object ({…}), got a list (line 1, column 56)`,
			},
		},
		{
			name: "a trailing comma",
			doc:  "{\n  \"version\": 1,\n  \"destinations\": [" + dest + "],\n}",
			want: []string{`config: line 4, column 1: invalid character '}' looking for beginning of object key string`},
		},
		{
			name: "cut short",
			doc:  "{\n  \"version\": 1,\n  \"destinations\": [",
			want: []string{`config: line 3, column 20: unexpected end of JSON input`},
		},
		{
			name: "two documents in one",
			doc:  `{"version": 1, "destinations": [` + dest + `]}` + "\n{}",
			want: []string{`config: line 2, column 1: invalid character '{' after top-level value`},
		},
		{
			name: "a misspelt event name",
			doc:  `{"version": 1, "destinations": [` + dest + `], "routes": [{"match": {"event": ["SERVICE_DEPLOYMENT_FAILD", "SERVICE_*", "AWS_ECS_*", "NOT_AN_EVENT*"]}, "destinations": ["a"]}], "default": ["a"]}`,
			want: []string{
				`config: routes[0].match.event[0]: "SERVICE_DEPLOYMENT_FAILD" matches no event an alert can carry; did you mean "SERVICE_DEPLOYMENT_FAILED"?`,
				`config: routes[0].match.event[3]: "NOT_AN_EVENT*" matches no event an alert can carry (see lambda/config/README.md, "Matching")`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc))
			if err == nil {
				t.Fatal("Parse succeeded")
			}
			got := strings.Split(err.Error(), "\n")
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("Parse =\n%s\nwant\n%s", err, strings.Join(tt.want, "\n"))
			}
		})
	}
}

// TestParseReads: what encoding/json accepts, Parse accepts too: keys in another case, null.
func TestParseReads(t *testing.T) {
	doc, err := Parse([]byte(`{"Version": 1, "destinations": [{"name": "a", "Target": "slack", "secretParam": "/p", "channel": null}], "crashLoop": {"window": "15m"}, "routes": null}`))
	if err != nil {
		t.Fatal(err)
	}
	if doc.Destinations[0].Target != "slack" || time.Duration(doc.CrashLoop.Window) != 15*time.Minute {
		t.Errorf("read %+v", doc)
	}
}

func TestClosest(t *testing.T) {
	keys := []string{"environment", "account", "region", "cluster", "service", "kind", "event", "minSeverity", "severity"}
	tests := []struct{ in, want string }{
		{"servce", "service"},
		{"services", "service"},
		{"sevrice", "service"}, // two letters swapped: one slip
		{"Service", "service"},
		{"minseverity", "minSeverity"},
		{"clusters", "cluster"},
		{"kinds", "kind"},
		{"type", ""}, // not a slip of anything
		{"ev", ""},
		{"environmnet", "environment"},
	}
	for _, tt := range tests {
		if got := Closest(tt.in, keys); got != tt.want {
			t.Errorf("Closest(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := Closest("x", nil); got != "" {
		t.Errorf("Closest with no candidates = %q", got)
	}
}
