package main

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"

	"github.com/foghornhq/foghorn/infra/alerts"
	"github.com/foghornhq/foghorn/infra/eventpattern"
	"github.com/foghornhq/foghorn/lambda/config"
)

const (
	fakeWebhook    = "https://hooks.slack.example/services/T00000000/B00000000/FAKEFAKEFAKEFAKE"
	fakeSigningKey = "FAKEFAKE-signing-key-0000000000000000000000"
)

// fakeSecrets are fake secrets of the shape each target takes (config.CheckSecrets).
var fakeSecrets = map[string]string{
	"slack":     fakeWebhook,
	"slack-bot": "xoxb-FAKEFAKEFAKE",
	"discord":   "https://discord.example/api/webhooks/0000/FAKEFAKEFAKE",
	"teams":     "https://prod-00.westeurope.logic.example:443/workflows/0000/triggers/manual/paths/invoke?sig=FAKEFAKEFAKE",
	"gchat":     "https://chat.googleapis.example/v1/spaces/AAAA/messages?key=FAKEFAKE&token=FAKEFAKEFAKE",
	"webhook":   "https://hooks.example/FAKEFAKEFAKE",
}

// routedConfig is a stack config with one destination, ops, a route to it and a default,
// with overrides applied (an empty value removes a key).
func routedConfig(overrides map[string]string) map[string]string {
	cfg := map[string]string{
		"destinations":       `[{"name": "ops", "target": "slack"}]`,
		"destinationSecrets": `{"ops": "` + fakeWebhook + `"}`,
		"routes":             `[{"name": "web", "match": {"service": ["web"]}, "destinations": ["ops"]}]`,
		"default":            `["ops"]`,
	}
	for k, v := range overrides {
		cfg[k] = v
	}
	return cfg
}

// mocks records registrations and returns provider-shaped ARNs and names.
type mocks struct {
	mu     sync.Mutex
	inputs map[string][]resource.PropertyMap // by type token
}

func (m *mocks) NewResource(a pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	outs := a.Inputs.Copy()
	name := a.Name + "-1a2b3c4"
	if v, ok := a.Inputs["name"]; ok && v.IsString() {
		name = v.StringValue()
	}
	svc := strings.SplitN(strings.TrimPrefix(a.TypeToken, "aws:"), "/", 2)[0]
	outs["name"] = resource.NewStringProperty(name)
	outs["arn"] = resource.NewStringProperty(fmt.Sprintf("arn:aws:%s:eu-west-1:123456789012:%s", svc, name))
	outs["url"] = resource.NewStringProperty("https://sqs.eu-west-1.amazonaws.com/123456789012/" + name)
	m.mu.Lock()
	if m.inputs == nil {
		m.inputs = map[string][]resource.PropertyMap{}
	}
	m.inputs[a.TypeToken] = append(m.inputs[a.TypeToken], a.Inputs)
	m.mu.Unlock()
	return a.Name + "-id", outs, nil
}

func (m *mocks) Call(a pulumi.MockCallArgs) (resource.PropertyMap, error) {
	switch a.Token {
	case "aws:index/getCallerIdentity:getCallerIdentity":
		return resource.PropertyMap{"accountId": resource.NewStringProperty("123456789012")}, nil
	case "aws:index/getPartition:getPartition":
		return resource.PropertyMap{"partition": resource.NewStringProperty("aws")}, nil
	case "aws:index/getRegion:getRegion":
		return resource.PropertyMap{"name": resource.NewStringProperty("eu-west-1")}, nil
	}
	return a.Args, nil
}

// runProgram runs the program under mocks with cfg as the stack config (keys without the
// project prefix; keys of other namespaces, such as aws:region, whole). webhookUrl,
// destinationSecrets, destinationSigningSecrets and actionsSigningSecret are set as secrets
// unless named in plain;
// without destinations or a webhookUrl in cfg, a secret webhookUrl is added. The project has
// no root directory, so no other stack file is seen.
func runProgram(t *testing.T, cfg map[string]string, dryRun bool, plain ...string) (*mocks, error) {
	t.Helper()
	return runProgramIn(t, "", "dev", cfg, dryRun, plain...)
}

// runProgramIn is runProgram as stack, with root as the project's root directory, where the
// program finds the project's other stack files.
func runProgramIn(t *testing.T, root, stack string, cfg map[string]string, dryRun bool, plain ...string) (*mocks, error) {
	t.Helper()
	full := map[string]string{}
	secret := []string{}
	for _, k := range []string{"webhookUrl", "destinationSecrets", "destinationSigningSecrets", "actionsSigningSecret"} {
		if _, ok := cfg[k]; ok && !slices.Contains(plain, k) {
			secret = append(secret, "foghorn:"+k)
		}
	}
	_, routed := cfg["destinations"]
	if _, ok := cfg["webhookUrl"]; !ok && !routed {
		full["foghorn:webhookUrl"] = fakeWebhook
		secret = append(secret, "foghorn:webhookUrl")
	}
	if _, ok := cfg["notifierZip"]; !ok {
		full["foghorn:notifierZip"] = fakeZip(t)
	}
	for k, v := range cfg {
		if strings.Contains(k, ":") { // another namespace's key, such as aws:region
			full[k] = v
			continue
		}
		full["foghorn:"+k] = v
	}
	m := &mocks{}
	err := pulumi.RunErr(program, pulumi.WithMocks("foghorn", stack, m), func(ri *pulumi.RunInfo) {
		ri.Config = full
		ri.ConfigSecretKeys = secret
		ri.DryRun = dryRun
		ri.RootDirectory = root
	})
	return m, err
}

func fakeZip(t *testing.T) string {
	p := t.TempDir() + "/notifier.zip"
	if err := os.WriteFile(p, []byte("PK\x05\x06"+strings.Repeat("\x00", 18)), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestInvalidConfigFailsWithOneMessage(t *testing.T) {
	cases := []struct {
		name string
		cfg  map[string]string
		key  string
		says string
	}{
		{"unknown event class", map[string]string{"events": `["tasks"]`}, "events", "task-state"},
		{"events not a list", map[string]string{"events": `task-state`}, "events", "list of strings"},
		{"unknown event name", map[string]string{"serviceActionEvents": `["SERVICE_ON_FIRE"]`}, "serviceActionEvents", "SERVICE_TASK_PLACEMENT_FAILURE"},
		{"unknown deployment event", map[string]string{"deploymentEvents": `["FAILED"]`}, "deploymentEvents", "SERVICE_DEPLOYMENT_FAILED"},
		{"malformed cluster ARN", map[string]string{"clusterArns": `["arn:aws:ecs:eu-west-1:123456789012:prod"]`}, "clusterArns", "cluster/<name>"},
		{"bad service name", map[string]string{"serviceNames": `["web api"]`}, "serviceNames", "letters, digits"},
		{"retention AWS does not allow", map[string]string{"logRetentionDays": "10"}, "logRetentionDays", "14, 30"},
		{"retention not a number", map[string]string{"logRetentionDays": "a week"}, "logRetentionDays", "whole number"},
		{"missing webhook", map[string]string{"webhookUrl": ""}, "webhookUrl", "pulumi config set --secret"},
		{"webhook in plain text", map[string]string{"webhookUrl": fakeWebhook}, "webhookUrl", "--secret"},
		{"batching window too long", map[string]string{"batchingWindow": "301"}, "batchingWindow", "0-300"},
		{"batching window negative", map[string]string{"batchingWindow": "-1"}, "batchingWindow", "0-300"},
		{"unknown noise rule", map[string]string{"noiseRulesOn": `["quiet-hours"]`}, "noiseRulesOn", "steady-state"},
		{"noise rule both ways", map[string]string{"noiseRulesOn": `["scaling"]`, "noiseRulesOff": `["scaling"]`}, "noiseRulesOff", "both"},
		{"max concurrency 1", map[string]string{"maxConcurrency": "1"}, "maxConcurrency", "2-1000"},
		{"timeout too long", map[string]string{"timeout": "1200"}, "timeout", "1-900"},
		{"not a boolean", map[string]string{"createKmsKey": "yes please"}, "createKmsKey", "true or false"},
		{"AWS-managed key", map[string]string{"kmsKeyArn": "alias/aws/sns"}, "kmsKeyArn", "AWS-managed"},
		{"unknown chat target", map[string]string{"chatTarget": "pager"}, "chatTarget", "slack"},
		{"bad email", map[string]string{"opsEmail": "on-call"}, "opsEmail", "email"},
		{"log level", map[string]string{"logLevel": "verbose"}, "logLevel", "debug, info"},
		{"steady state allowed but suppressed", map[string]string{"serviceActionEvents": `["SERVICE_STEADY_STATE"]`}, "serviceActionEvents", "noise rule"},

		{"threshold of one", map[string]string{"crashLoopThreshold": "1"}, "crashLoopThreshold", "2–100"},
		{"threshold not a number", map[string]string{"crashLoopThreshold": "three"}, "crashLoopThreshold", "whole number"},
		{"window not a duration", map[string]string{"crashLoopWindow": "ten minutes"}, "crashLoopWindow", "10m"},
		{"digest interval too short", map[string]string{"crashLoopDigestInterval": "10s"}, "crashLoopDigestInterval", "1m–24h"},
		{"log tail without prefixes", map[string]string{"logTailEnabled": "true"}, "logGroupPrefixes", "required"},
		{"log tail budget too long", map[string]string{"logTailEnabled": "true", "logGroupPrefixes": `["/ecs/"]`, "logTailBudget": "1m"}, "logTailBudget", "10s"},
		{"redact pattern", map[string]string{"logRedactPatterns": `["(unclosed"]`}, "logRedactPatterns[0]", "missing closing"},
		{"log prefix of every group", map[string]string{"logTailEnabled": "true", "logGroupPrefixes": `["/"]`}, "logGroupPrefixes[0]", "logGroupsAll: true"},
		{"every group and prefixes", map[string]string{"logTailEnabled": "true", "logGroupsAll": "true", "logGroupPrefixes": `["/ecs/"]`}, "logGroupsAll", "must be empty"},
		{"logGroupsAll not a boolean", map[string]string{"logGroupsAll": "everything"}, "logGroupsAll", "true or false"},
		{"log region not a region", map[string]string{"logTailEnabled": "true", "logGroupPrefixes": `["/ecs/"]`, "logRegions": `["Ireland"]`}, "logRegions[0]", "region code"},
		{"log regions not a list", map[string]string{"logRegions": `eu-west-1`}, "logRegions", "list of strings"},
		{"KMS key by alias", map[string]string{"kmsKeyArn": "alias/foghorn"}, "kmsKeyArn", "cannot name a KMS key by alias"},
		{"KMS key in another region", map[string]string{"aws:region": "eu-west-1", "kmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/abcdabcd-1111-2222-3333-444455556666"}, "kmsKeyArn", "us-east-1"},
		{"oldest-message alarm past the retention", map[string]string{"oldestMessageAlarmSeconds": "400000"}, "oldestMessageAlarmSeconds", "never fire"},

		{"destinations not a list", routedConfig(map[string]string{"destinations": `{"name": "ops"}`}), "destinations", "list of objects"},
		{"destination with an unknown key", routedConfig(map[string]string{"destinations": `[{"name": "ops", "target": "slack", "url": "https://hooks.slack.example/x"}]`}), "destinations[0].url", "unknown key; known here: name, target, channel"},
		{"destination without its secret", routedConfig(map[string]string{"destinationSecrets": `{}`}), "destinationSecrets.ops", "pulumi config set --secret --path 'destinationSecrets.ops'"},
		{"secret of no destination", routedConfig(map[string]string{"destinationSecrets": `{"ops": "` + fakeWebhook + `", "opz": "` + fakeWebhook + `"}`}), "destinationSecrets.opz", "no destination"},
		{"secret not a URL", routedConfig(map[string]string{"destinationSecrets": `{"ops": "hooks.slack.example/FAKEFAKE"}`}), "destinationSecrets.ops", "https://"},
		{"bot token not a bot token", routedConfig(map[string]string{
			"destinations":       `[{"name": "ops", "target": "slack-bot", "channel": "C0FAKE0001"}]`,
			"destinationSecrets": `{"ops": "` + fakeWebhook + `"}`,
		}), "destinationSecrets.ops", "xoxb-"},
		{"webhook without a signing key", routedConfig(map[string]string{"destinations": `[{"name": "ops", "target": "webhook"}]`}), "destinationSigningSecrets.ops", "openssl rand"},
		{"signing key too short", routedConfig(map[string]string{
			"destinations":              `[{"name": "ops", "target": "webhook"}]`,
			"destinationSigningSecrets": `{"ops": "FAKEFAKE"}`,
		}), "destinationSigningSecrets.ops", strconv.Itoa(config.MinSigningKey)},
		{"signing key with surrounding white space", routedConfig(map[string]string{
			"destinations":              `[{"name": "ops", "target": "webhook"}]`,
			"destinationSigningSecrets": `{"ops": " ` + fakeSigningKey + `"}`,
		}), "destinationSigningSecrets.ops", "white space"},
		{"signing key for slack", routedConfig(map[string]string{"destinationSigningSecrets": `{"ops": "` + fakeSigningKey + `"}`}), "destinationSigningSecrets.ops", "only destinations of target webhook"},
		{"unknown target", routedConfig(map[string]string{"destinations": `[{"name": "ops", "target": "pagerduty"}]`}), "destinations[0].target", "slack-bot"},
		{"bot without a channel", routedConfig(map[string]string{
			"destinations":       `[{"name": "ops", "target": "slack-bot"}]`,
			"destinationSecrets": `{"ops": "xoxb-FAKEFAKEFAKE"}`,
		}), "destinations[0].channel", "required"},
		{"webhook and destinations", routedConfig(map[string]string{"webhookUrl": fakeWebhook}), "destinations", "not both"},
		{"route with a misspelt matcher", routedConfig(map[string]string{"routes": `[{"match": {"services": ["web"]}, "destinations": ["ops"]}]`}), "routes[0].match.services", `unknown key; did you mean "service"?`},
		{"route to an unknown destination", routedConfig(map[string]string{"routes": `[{"match": {"service": ["web"]}, "destinations": ["ops", "pager"]}]`}), "routes[0].destinations", `unknown destination "pager"`},
		{"routes without a default", routedConfig(map[string]string{"default": `[]`}), "default", "required when there are routes"},
		{"secrets in plain text", routedConfig(nil), "destinationSecrets", "plain text"},
		{"log service with a misspelt key", routedConfig(map[string]string{"logAlertsEnabled": "true", "logAlertGroups": `["/ecs/web"]`,
			"logAlertServices": `[{"logGroup": "/ecs/web", "services": "web"}]`}), "logAlertServices[0].services", `unknown key; did you mean "service"?`},
		{"log groups in account mode", routedConfig(map[string]string{"logAlertsEnabled": "true", "logAlertGroups": `["/ecs/web"]`,
			"logAlertSubscription": "account"}), "logAlertGroups", "logAlertExcludeGroups"},
		{"muted pattern without a reason", routedConfig(map[string]string{"logAlertsEnabled": "true", "logAlertGroups": `["/ecs/web"]`,
			"logAlertMutedPatterns": `[{"fingerprint": "lp1-0123456789abcdef"}]`}), "logAlertMutedPatterns[0].reason", "required"},
	}
	// The keys these cases set without --secret; every other secret key is set with it.
	plainKeys := map[string][]string{
		"webhook in plain text": {"webhookUrl"},
		"secrets in plain text": {"destinationSecrets"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := runProgram(t, c.cfg, true, plainKeys[c.name]...)
			if err == nil {
				t.Fatal("the program accepted it")
			}
			var errs []*config.Error
			collect(err, &errs)
			if len(errs) != 1 {
				t.Fatalf("want one message, got %d: %v", len(errs), err)
			}
			msg := errs[0].Error()
			if !strings.HasPrefix(msg, "foghorn:"+c.key+": ") || !strings.Contains(msg, c.says) || strings.Contains(msg, "\n") {
				t.Errorf("message %q: want one line naming foghorn:%s and saying %q", msg, c.key, c.says)
			}
			if strings.Contains(err.Error(), "FAKEFAKE") {
				t.Errorf("the error shows a secret: %v", err)
			}
			if len(m.inputs) != 0 {
				t.Errorf("resources were registered before the config was rejected: %v", keys(m.inputs))
			}
		})
	}
}

func collect(err error, out *[]*config.Error) {
	if ce, ok := err.(*config.Error); ok {
		*out = append(*out, ce)
		return
	}
	switch u := err.(type) {
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			collect(e, out)
		}
	case interface{ Unwrap() error }:
		if e := u.Unwrap(); e != nil {
			collect(e, out)
		}
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// projectFile is the part of Pulumi.yaml the tests read.
type projectFile struct {
	Name    string `yaml:"name"`
	Runtime string `yaml:"runtime"`
	Main    string `yaml:"main"`
	Config  map[string]struct {
		Type        string    `yaml:"type"`
		Secret      bool      `yaml:"secret"`
		Description string    `yaml:"description"`
		Default     yaml.Node `yaml:"default"`
		Items       *struct {
			Type string `yaml:"type"`
		} `yaml:"items"`
	} `yaml:"config"`
}

func readYAML(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// TestProjectFileDeclaresEveryKey keeps Pulumi.yaml, the program and the component's
// defaults in step.
func TestProjectFileDeclaresEveryKey(t *testing.T) {
	var p projectFile
	readYAML(t, "../Pulumi.yaml", &p)
	if p.Name != "foghorn" || p.Runtime != "go" || strings.TrimSuffix(p.Main, "/") != "infra" {
		t.Errorf("project %q runtime %q main %q", p.Name, p.Runtime, p.Main)
	}
	if got, want := keys(p.Config), slices.Sorted(slices.Values(configKeys)); !slices.Equal(got, want) {
		t.Errorf("Pulumi.yaml declares %v\nthe program reads %v", got, want)
	}
	defaults := map[string]string{
		"chatTarget": alerts.DefaultChatTarget, "environment": "", "logLevel": alerts.DefaultLogLevel,
		"memorySize": strconv.Itoa(alerts.DefaultMemorySize), "timeout": strconv.Itoa(alerts.DefaultTimeout),
		"batchSize": strconv.Itoa(alerts.DefaultBatchSize), "batchingWindow": strconv.Itoa(alerts.DefaultBatchingWindow),
		"maxConcurrency": strconv.Itoa(alerts.DefaultMaxConcurrency), "maxReceiveCount": strconv.Itoa(alerts.DefaultMaxReceiveCount),
		"logRetentionDays": strconv.Itoa(alerts.DefaultLogRetentionDays), "oldestMessageAlarmSeconds": strconv.Itoa(alerts.DefaultOldestMessageAlarmSeconds),
		"opsEmail": "", "createKmsKey": "false", "kmsKeyArn": "", "notifierZip": "",
		"events":      strings.Join(eventpattern.ClassNames(), ","),
		"clusterArns": "", "serviceNames": "", "serviceActionEvents": "", "deploymentEvents": "", "alarmNamePrefixes": "",
		"noiseRulesOn": "", "noiseRulesOff": "",
		"webhookUrl": "", "destinations": "", "destinationSecrets": "{}", "destinationSigningSecrets": "{}",
		"routes": "", "default": "",
		"crashLoopThreshold": strconv.Itoa(alerts.DefaultCrashLoopThreshold), "crashLoopWindow": alerts.DefaultCrashLoopWindow.String(),
		"crashLoopDigestInterval": alerts.DefaultCrashLoopDigestInterval.String(), "stateTablePointInTimeRecovery": "false",
		"logTailEnabled": "false", "logTailLines": strconv.Itoa(alerts.DefaultLogTailLines), "logTailBudget": alerts.DefaultLogTailBudget.String(),
		"logGroupPrefixes": "", "logGroupsAll": "false", "logRegions": "", "logRedactPatterns": "",
		"logAlertsEnabled": "false", "logAlertGroups": "", "logAlertFilterPattern": alerts.DefaultLogAlertFilterPattern,
		"logAlertSubscription": alerts.SubscriptionFilters, "logAlertExcludeGroups": "", "logAlertServices": "", "logAlertMutedPatterns": "",
		"logAlertDigestInterval": alerts.DefaultLogAlertDigestInterval.String(), "logAlertQuietAfter": alerts.DefaultLogAlertQuietAfter.String(),
		"logAlertDeploymentWindow": alerts.DefaultLogAlertDeploymentWindow.String(),
		"actionsEnabled":           "false", "actionsSigningSecret": "", "actionsAllow": "{}", "actionsServices": "", "actionsBotDestination": "",
	}
	durations := []string{"crashLoopWindow", "crashLoopDigestInterval", "logTailBudget", "logAlertDigestInterval", "logAlertQuietAfter", "logAlertDeploymentWindow"}
	for key, decl := range p.Config {
		if decl.Description == "" {
			t.Errorf("%s: no description", key)
		}
		switch decl.Type {
		case "string", "integer", "boolean", "object":
		case "array":
			if decl.Items == nil || (decl.Items.Type != "string" && decl.Items.Type != "object") {
				t.Errorf("%s: array without string or object items", key)
			}
		default:
			t.Errorf("%s: type %q", key, decl.Type)
		}
		// A secret key with a default fails every stack that does not set it (Pulumi checks
		// the default is encrypted), and one without a default is required of every stack:
		// the program checks secrecy itself instead.
		if decl.Secret {
			t.Errorf("%s: declared secret; the program refuses plain-text values itself", key)
		}
		if decl.Default.Kind == 0 {
			t.Errorf("%s: no default", key)
			continue
		}
		var got string
		switch decl.Type {
		case "array":
			var list []any
			if err := decl.Default.Decode(&list); err != nil {
				t.Errorf("%s: %v", key, err)
			}
			for i, x := range list {
				if i > 0 {
					got += ","
				}
				got += fmt.Sprint(x)
			}
		case "object":
			var m map[string]any
			if err := decl.Default.Decode(&m); err != nil {
				t.Errorf("%s: %v", key, err)
			}
			b, _ := json.Marshal(m)
			got = string(b)
		default:
			got = decl.Default.Value
		}
		if slices.Contains(durations, key) {
			if d, err := time.ParseDuration(got); err == nil {
				got = d.String()
			}
		}
		if want, ok := defaults[key]; !ok || got != want {
			t.Errorf("%s: Pulumi.yaml default %q, the component's %q", key, got, want)
		}
	}
	for _, key := range []string{"webhookUrl", "destinationSecrets", "destinationSigningSecrets", "actionsSigningSecret"} {
		if !strings.Contains(p.Config[key].Description, "--secret") {
			t.Errorf("%s: the description does not say to set it with --secret", key)
		}
	}
}

// document returns the config document the program wrote, as the notifier parses it.
func (m *mocks) document(t *testing.T) *config.Document {
	t.Helper()
	for _, p := range m.inputs["aws:ssm/parameter:Parameter"] {
		if p["type"].StringValue() != "String" {
			continue
		}
		v := p["value"]
		if v.IsSecret() { // pulumi-aws marks every parameter's value secret
			v = v.SecretValue().Element
		}
		d, err := config.Parse([]byte(v.StringValue()))
		if err != nil {
			t.Fatalf("the notifier would reject its config document: %v", err)
		}
		return d
	}
	t.Fatal("no config document")
	return nil
}

// TestPreviewBuildsTheNotifier runs the program as `pulumi preview` does, without a prebuilt
// zip: it must build the notifier and hand the function a zip with an executable bootstrap.
func TestPreviewBuildsTheNotifier(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiles the notifier")
	}
	m, err := runProgram(t, map[string]string{"notifierZip": ""}, true)
	if err != nil {
		t.Fatal(err)
	}
	fn := m.inputs["aws:lambda/function:Function"]
	if len(fn) != 1 || !fn[0]["code"].IsArchive() {
		t.Fatalf("function code: %v", fn)
	}
	path := fn[0]["code"].ArchiveValue().Path
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatalf("code %s: %v", path, err)
	}
	defer zr.Close()
	if len(zr.File) != 1 || zr.File[0].Name != "bootstrap" || zr.File[0].Mode().Perm() != 0o755 {
		t.Errorf("zip entries %v", zr.File)
	}
}

// TestRoutingFromStackConfig sets destinations, their secrets and routes the way the README
// does, with values as Pulumi stores them (an account id set with --path becomes a number).
func TestRoutingFromStackConfig(t *testing.T) {
	cfg := map[string]string{
		"destinations": `[{"name": "ops-slack", "target": "slack"},
			{"name": "oncall", "target": "slack-bot", "channel": "C0FAKE0001"},
			{"name": "audit", "target": "webhook"}]`,
		"destinationSecrets":        `{"ops-slack": "` + fakeWebhook + `", "oncall": "xoxb-FAKEFAKEFAKE", "audit": "https://audit.example/FAKEFAKEHOOK"}`,
		"destinationSigningSecrets": `{"audit": "` + fakeSigningKey + `"}`,
		"routes": `[{"name": "audit", "destinations": ["audit"], "continue": true},
			{"name": "payments", "match": {"account": [123456789012], "service": ["payments-*"]}, "destinations": ["oncall"],
			 "mute": [{"reason": "weekly patching", "weekly": {"days": ["sun"], "start": "02:00", "end": "04:00"}}]}]`,
		"default": `["ops-slack"]`,
	}
	m, err := runProgram(t, cfg, false)
	if err != nil {
		t.Fatal(err)
	}
	doc := m.document(t)
	if len(doc.Routes) != 2 || !slices.Equal(doc.Routes[1].Match.Account, []string{"123456789012"}) || !doc.Routes[0].Continue ||
		doc.Routes[1].Mute[0].Weekly == nil || !slices.Equal(doc.Default, []string{"ops-slack"}) {
		b, _ := json.Marshal(doc)
		t.Errorf("document %s", b)
	}
	if d, _ := doc.Destination("oncall"); d.Channel != "C0FAKE0001" || d.Target != "slack-bot" {
		t.Errorf("oncall %+v", d)
	}
	if d, _ := doc.Destination("audit"); d.SigningSecretParam == "" || d.SigningSecretParam == d.SecretParam {
		t.Errorf("audit %+v: want a signing parameter of its own", d)
	}
	var secure int
	for _, p := range m.inputs["aws:ssm/parameter:Parameter"] {
		if p["type"].StringValue() == "SecureString" {
			secure++
			if !p["value"].IsSecret() {
				t.Error("a destination secret's parameter value is not secret")
			}
		}
	}
	if secure != 4 {
		t.Errorf("%d SecureString parameters, want one per secret: 4", secure)
	}
	for typ, list := range m.inputs {
		for _, in := range list {
			b, _ := json.Marshal(in.Mappable())
			for _, s := range []string{"FAKEFAKEFAKE", "FAKEFAKEHOOK", fakeSigningKey} {
				if strings.Contains(string(b), s) && typ != "aws:ssm/parameter:Parameter" {
					t.Errorf("%s holds a secret in its inputs", typ)
				}
			}
		}
	}
}

// TestReadmeConfigKeys keeps the README's `pulumi config set` commands to keys the program
// reads, so a reader following them never sets a key that is silently ignored.
func TestReadmeConfigKeys(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	set := regexp.MustCompile(`pulumi config (?:set|rm)(?: --secret| --path)* '?([A-Za-z:]+)`)
	seen := 0
	for _, m := range set.FindAllStringSubmatch(string(b), -1) {
		key := m[1]
		if strings.HasPrefix(key, "aws:") {
			continue
		}
		seen++
		if !slices.Contains(configKeys, key) {
			t.Errorf("the README sets %q, which the program does not read", key)
		}
	}
	if seen < 20 {
		t.Errorf("found only %d config commands in the README", seen)
	}
	// The tables of stack settings ("| Key | Default | What it does |") name keys the program reads.
	rows := 0
	for _, table := range strings.Split(string(b), "| Key | Default |")[1:] {
		for _, line := range strings.Split(table, "\n")[2:] {
			if !strings.HasPrefix(line, "| `") {
				break
			}
			rows++
			key := strings.Trim(strings.Split(line, "|")[1], " `")
			if i := strings.IndexAny(key, ".["); i >= 0 {
				key = key[:i] // destinations[i].buttons: a key within destinations
			}
			if !slices.Contains(configKeys, key) {
				t.Errorf("the README's settings table names %q, which the program does not read", key)
			}
		}
	}
	if rows < 15 {
		t.Errorf("found only %d rows of settings tables in the README", rows)
	}
}

// TestPulumiAcceptsTheProjectFiles loads Pulumi.yaml as the CLI does (its JSON schema and
// checks) and checks each stack file's values against the declared types, as `pulumi preview`
// does before the program runs.
func TestPulumiAcceptsTheProjectFiles(t *testing.T) {
	proj, err := workspace.LoadProject("../Pulumi.yaml")
	if err != nil {
		t.Fatalf("Pulumi.yaml: %v", err)
	}
	for _, stack := range []string{"dev", "prod"} {
		var f struct {
			Config map[string]any `yaml:"config"`
		}
		readYAML(t, "../Pulumi."+stack+".yaml", &f)
		for k, v := range f.Config {
			decl, ok := proj.Config[strings.TrimPrefix(k, "foghorn:")]
			if !ok || decl.Type == nil {
				continue // aws:region and the like
			}
			if !workspace.ValidateConfigValue(*decl.Type, decl.Items, v) {
				t.Errorf("%s: %s is not of the declared type %s", stack, k, workspace.InferFullTypeName(*decl.Type, decl.Items))
			}
		}
	}
}

// TestSigningKeyMinimumIsTheNotifiers: the stack takes every signing key the notifier takes
// (lambda/config.MinSigningKey characters and up), and Pulumi.yaml and the README say so.
func TestSigningKeyMinimumIsTheNotifiers(t *testing.T) {
	key := fakeSigningKey[:config.MinSigningKey]
	cfg := routedConfig(map[string]string{
		"destinations":              `[{"name": "ops", "target": "webhook"}]`,
		"destinationSigningSecrets": `{"ops": "` + key + `"}`,
	})
	if _, err := runProgram(t, cfg, true); err != nil {
		t.Errorf("a signing key of %d characters: %v", len(key), err)
	}
	var p projectFile
	readYAML(t, "../Pulumi.yaml", &p)
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("at least %d characters", config.MinSigningKey)
	if !strings.Contains(p.Config["destinationSigningSecrets"].Description, want) {
		t.Errorf("Pulumi.yaml's destinationSigningSecrets does not say %q", want)
	}
	if !strings.Contains(string(readme), want) {
		t.Errorf("the README does not say %q", want)
	}
}

// TestSecretShapes runs the notifier's own secret-shape cases (lambda/config's
// testdata/secret-shapes.json, which lambda/destination runs at cold start) through the
// program: every secret the function would refuse, preview refuses, naming the key and never
// showing the value; every secret it takes, preview takes.
func TestSecretShapes(t *testing.T) {
	data, err := os.ReadFile("../lambda/config/testdata/secret-shapes.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Target     string
		Secret     string
		SigningKey string
		OK         bool
		Key        string
	}
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.Target+" "+c.Secret, func(t *testing.T) {
			dest := map[string]string{"name": "ops", "target": c.Target}
			if c.Target == "slack-bot" {
				dest["channel"] = "C0FAKE0001"
			}
			d, _ := json.Marshal([]map[string]string{dest})
			s, _ := json.Marshal(map[string]string{"ops": c.Secret})
			cfg := routedConfig(map[string]string{"destinations": string(d), "destinationSecrets": string(s)})
			if c.SigningKey != "" {
				k, _ := json.Marshal(map[string]string{"ops": c.SigningKey})
				cfg["destinationSigningSecrets"] = string(k)
			}
			_, err := runProgram(t, cfg, true)
			if c.OK {
				if err != nil {
					t.Fatalf("the notifier takes it, preview refused it: %v", err)
				}
				return
			}
			var errs []*config.Error
			collect(err, &errs)
			want := map[string]string{"secret": "destinationSecrets.ops", "signingSecret": "destinationSigningSecrets.ops"}[c.Key]
			if len(errs) != 1 || errs[0].Key != "foghorn:"+want {
				t.Fatalf("want one error naming foghorn:%s, got %v", want, err)
			}
			for _, secret := range []string{c.Secret, c.SigningKey} {
				if len(secret) > len("xoxb-") && strings.Contains(err.Error(), secret) {
					t.Errorf("the error shows the secret: %v", err)
				}
			}
		})
	}
}

// TestReadmePulumiVersion: the README's minimum Pulumi CLI is the first that takes the config
// types Pulumi.yaml declares: `object` (alone or as list items) needs 3.187.0, which first
// validated object values (3.186.0 accepted the type and refused every value).
func TestReadmePulumiVersion(t *testing.T) {
	var p projectFile
	readYAML(t, "../Pulumi.yaml", &p)
	objects := false
	for _, decl := range p.Config {
		objects = objects || decl.Type == "object" || (decl.Items != nil && decl.Items.Type == "object")
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if objects && !strings.Contains(string(readme), "3.187.0 or later") {
		t.Error("Pulumi.yaml declares object config, and the README does not ask for Pulumi 3.187.0 or later")
	}
	if strings.Contains(string(readme), "3.44 or later") {
		t.Error("the README still asks for Pulumi 3.44, which cannot read Pulumi.yaml")
	}
}
