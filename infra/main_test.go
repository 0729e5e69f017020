package main

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"

	"github.com/foghornhq/foghorn/infra/alerts"
	"github.com/foghornhq/foghorn/infra/eventpattern"
)

const fakeWebhook = "https://hooks.slack.example/services/T00000000/B00000000/FAKEFAKEFAKEFAKE"

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
// project prefix); the webhook is set as a secret unless cfg says otherwise.
func runProgram(t *testing.T, cfg map[string]string, dryRun bool) (*mocks, error) {
	t.Helper()
	full := map[string]string{}
	secret := []string{}
	if _, ok := cfg["webhookUrl"]; !ok {
		full["foghorn:webhookUrl"] = fakeWebhook
		secret = append(secret, "foghorn:webhookUrl")
	}
	if _, ok := cfg["notifierZip"]; !ok {
		full["foghorn:notifierZip"] = fakeZip(t)
	}
	for k, v := range cfg {
		full["foghorn:"+k] = v
	}
	m := &mocks{}
	err := pulumi.RunErr(program, pulumi.WithMocks("foghorn", "dev", m), func(ri *pulumi.RunInfo) {
		ri.Config = full
		ri.ConfigSecretKeys = secret
		ri.DryRun = dryRun
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
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := runProgram(t, c.cfg, true)
			if err == nil {
				t.Fatal("the program accepted it")
			}
			var errs []*configError
			collect(err, &errs)
			if len(errs) != 1 {
				t.Fatalf("want one message, got %d: %v", len(errs), err)
			}
			msg := errs[0].Error()
			if !strings.HasPrefix(msg, "foghorn:"+c.key+": ") || !strings.Contains(msg, c.says) || strings.Contains(msg, "\n") {
				t.Errorf("message %q: want one line naming foghorn:%s and saying %q", msg, c.key, c.says)
			}
			if strings.Contains(err.Error(), "FAKEFAKE") {
				t.Errorf("the error shows the webhook: %v", err)
			}
			if len(m.inputs) != 0 {
				t.Errorf("resources were registered before the config was rejected: %v", keys(m.inputs))
			}
		})
	}
}

func collect(err error, out *[]*configError) {
	if ce, ok := err.(*configError); ok {
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
	}
	for key, decl := range p.Config {
		if decl.Description == "" {
			t.Errorf("%s: no description", key)
		}
		switch decl.Type {
		case "string", "integer", "boolean":
		case "array":
			if decl.Items == nil || decl.Items.Type != "string" {
				t.Errorf("%s: array without string items", key)
			}
		default:
			t.Errorf("%s: type %q", key, decl.Type)
		}
		if key == "webhookUrl" {
			if !decl.Secret || decl.Default.Kind != 0 {
				t.Errorf("webhookUrl must be secret and have no default")
			}
			continue
		}
		if decl.Default.Kind == 0 {
			t.Errorf("%s: no default", key)
			continue
		}
		var got string
		if decl.Type == "array" {
			var list []string
			if err := decl.Default.Decode(&list); err != nil {
				t.Errorf("%s: %v", key, err)
			}
			got = strings.Join(list, ",")
		} else {
			got = decl.Default.Value
		}
		if want, ok := defaults[key]; !ok || got != want {
			t.Errorf("%s: Pulumi.yaml default %q, the component's %q", key, got, want)
		}
	}
}

// TestStackFiles runs the program with each stack file's settings.
func TestStackFiles(t *testing.T) {
	for _, stack := range []string{"dev", "prod"} {
		t.Run(stack, func(t *testing.T) {
			var f struct {
				Config map[string]any `yaml:"config"`
			}
			readYAML(t, "../Pulumi."+stack+".yaml", &f)
			cfg := map[string]string{}
			for k, v := range f.Config {
				key, ok := strings.CutPrefix(k, "foghorn:")
				if !ok {
					t.Fatalf("%s: key %s outside the project namespace", stack, k)
				}
				if !slices.Contains(configKeys, key) {
					t.Errorf("%s: unknown key %s", stack, key)
				}
				if key == "webhookUrl" {
					t.Errorf("%s: the webhook belongs in the file only as `pulumi config set --secret` ciphertext", stack)
				}
				switch v := v.(type) {
				case []any:
					b, _ := json.Marshal(v)
					cfg[key] = string(b)
				default:
					cfg[key] = fmt.Sprint(v)
				}
			}
			m, err := runProgram(t, cfg, true)
			if err != nil {
				t.Fatal(err)
			}
			lg := m.inputs["aws:cloudwatch/logGroup:LogGroup"][0]
			if got := lg["retentionInDays"].NumberValue(); (stack == "dev") != (got < 30) {
				t.Errorf("%s: retention %v days", stack, got)
			}
			if stack == "prod" {
				if len(m.inputs["aws:kms/key:Key"]) != 1 || len(m.inputs["aws:sns/topicSubscription:TopicSubscription"]) != 2 {
					t.Error("prod: want the KMS key and the ops email subscription")
				}
			}
		})
	}
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
