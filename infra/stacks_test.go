package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag/colors"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pconfig "github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"

	"github.com/foghornhq/foghorn/lambda/clock"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/envelope"
	"github.com/foghornhq/foghorn/lambda/notifier"
)

// The shipped stack files, as the README's walk-through changes them. Each step is done with
// Pulumi's own stack file code, as the CLI's commands do it: `pulumi stack init` and `pulumi
// config set` load the file, change it and save it back.

// projectCopy copies Pulumi.yaml and the shipped stack files into a fresh project directory.
func projectCopy(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	for _, f := range []string{"Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml"} {
		b, err := os.ReadFile(filepath.Join("..", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func loadStack(t *testing.T, root, stack string) (*workspace.ProjectStack, string) {
	t.Helper()
	proj, err := workspace.LoadProject(filepath.Join(root, "Pulumi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(root, "Pulumi."+stack+".yaml")
	ps, err := workspace.LoadProjectStack(diag.DefaultSink(os.Stderr, os.Stderr, diag.FormatOptions{Color: colors.Never}), proj, path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return ps, path
}

// stackInit does to the stack file what `pulumi stack init` does with the passphrase
// provider: it adds the encryption salt and saves the file.
func stackInit(t *testing.T, root, stack string) {
	t.Helper()
	ps, path := loadStack(t, root, stack)
	ps.EncryptionSalt = "v1:FAKEFAKEsalt=:v1:FAKEFAKE:FAKEFAKE"
	if err := ps.Save(path); err != nil {
		t.Fatal(err)
	}
}

// configSet does `pulumi config set [--path] key value` on the stack's file.
func configSet(t *testing.T, root, stack, key, value string) {
	t.Helper()
	ps, path := loadStack(t, root, stack)
	k, err := pconfig.ParseKey(key)
	if err != nil {
		t.Fatal(err)
	}
	if err := ps.Config.Set(k, pconfig.NewValue(value), strings.ContainsAny(key, ".[")); err != nil {
		t.Fatal(err)
	}
	if err := ps.Save(path); err != nil {
		t.Fatal(err)
	}
}

// stackConfig reads the stack file as the engine hands its values to the program: each as
// text, objects and lists as JSON; foghorn's keys without the namespace.
func stackConfig(t *testing.T, root, stack string) map[string]string {
	t.Helper()
	ps, _ := loadStack(t, root, stack)
	out := map[string]string{}
	for k, v := range ps.Config {
		s, err := v.Value(pconfig.NopDecrypter)
		if err != nil {
			t.Fatal(err)
		}
		if k.Namespace() == "foghorn" {
			out[k.Name()] = s
		} else {
			out[k.String()] = s
		}
	}
	return out
}

// withFakeSecrets adds what `pulumi config set --secret --path 'destinationSecrets.<name>'`
// would, for each of the stack's destinations.
func withFakeSecrets(t *testing.T, cfg map[string]string) map[string]string {
	t.Helper()
	var dests []struct{ Name, Target string }
	if err := json.Unmarshal([]byte(cfg["destinations"]), &dests); err != nil {
		t.Fatalf("destinations: %v", err)
	}
	secrets := map[string]string{}
	for _, d := range dests {
		secrets[d.Name] = fakeSecrets[d.Target]
	}
	b, _ := json.Marshal(secrets)
	cfg["destinationSecrets"] = string(b)
	return cfg
}

// walkthrough does the README's deployment steps for dev and prod in one account and region.
func walkthrough(t *testing.T) string {
	t.Helper()
	root := projectCopy(t)
	for _, stack := range []string{"dev", "prod"} {
		stackInit(t, root, stack)
		configSet(t, root, stack, "aws:region", "eu-west-1")
		configSet(t, root, stack, "foghorn:clusterArns[0]", "arn:aws:ecs:eu-west-1:123456789012:cluster/"+stack)
	}
	return root
}

// TestStackFiles runs the program on each stack file as the walk-through leaves it, the other
// stack's file beside it.
func TestStackFiles(t *testing.T) {
	root := walkthrough(t)
	for _, stack := range []string{"dev", "prod"} {
		t.Run(stack, func(t *testing.T) {
			cfg := stackConfig(t, root, stack)
			for key := range cfg {
				if k, ok := strings.CutPrefix(key, "aws:"); ok {
					if k != "region" {
						t.Errorf("%s: unexpected key %s", stack, key)
					}
					continue
				}
				if !slices.Contains(configKeys, key) {
					t.Errorf("%s: unknown key %s", stack, key)
				}
				if key == "webhookUrl" {
					t.Errorf("%s: the webhook belongs in the file only as `pulumi config set --secret` ciphertext", stack)
				}
			}
			m, err := runProgramIn(t, root, stack, withFakeSecrets(t, cfg), false)
			if err != nil {
				t.Fatal(err)
			}
			doc := m.document(t)
			var targets []string
			for _, d := range doc.Destinations {
				targets = append(targets, d.Name+"="+d.Target)
			}
			wantTargets := map[string][]string{
				"dev":  {"dev-discord=discord"},
				"prod": {"prod-slack=slack", "prod-teams=teams"},
			}[stack]
			if !slices.Equal(targets, wantTargets) {
				t.Errorf("%s: destinations %v, want %v", stack, targets, wantTargets)
			}
			if n := len(m.inputs["aws:ssm/parameter:Parameter"]); n != len(wantTargets)+1 {
				t.Errorf("%s: %d parameters, want the config and one per destination", stack, n)
			}
			if stack == "prod" {
				// The README's scenario: prod's failures reach a Slack and a Teams channel, and
				// their recoveries, an alarm back to OK included, Slack.
				r := doc.Routes[0]
				if r.Match.MinSeverity != "warning" || !slices.Equal(r.Destinations, []string{"prod-slack", "prod-teams"}) {
					t.Errorf("prod: first route %+v, want failures to Slack and Teams", r)
				}
				for file, want := range map[string]string{
					"aws/lambda-sns-event-cloudwatch-alarm-ok-logmetrics.json": "prod-slack",
					"aws/lambda-sns-event-cloudwatch-alarm-single-metric.json": "prod-slack prod-teams",
					"batches/crash-loop-steady-then-failure.json":              "prod-slack prod-teams prod-slack prod-slack prod-teams",
				} {
					if got := postedTo(t, doc, file); got != want {
						t.Errorf("prod: %s posts to %q, want %q", file, got, want)
					}
				}
			}
			if !doc.Logs.Enabled || len(doc.Logs.LogGroupPrefixes) == 0 {
				t.Errorf("%s: log tail %+v, want it on", stack, doc.Logs)
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
			// Each stack's rules: its own cluster, its own alarms, and AWS Health in prod only.
			var health bool
			for _, r := range m.inputs["aws:cloudwatch/eventRule:EventRule"] {
				p := r["eventPattern"].StringValue()
				switch {
				case strings.Contains(p, "aws.health"):
					health = true
				case strings.Contains(p, "aws.cloudwatch"):
					if !strings.Contains(p, `"prefix":"`+stack+`-"`) {
						t.Errorf("%s: the alarm rule is not scoped to %s- alarms: %s", stack, stack, p)
					}
				case strings.Contains(p, "clusterArn"):
					if !strings.Contains(p, "cluster/"+stack+`"`) {
						t.Errorf("%s: a rule is not scoped to the %s cluster: %s", stack, stack, p)
					}
				}
			}
			if health != (stack == "prod") {
				t.Errorf("%s: AWS Health rule %v", stack, health)
			}
		})
	}
}

// TestSharedAccount: two stacks of the project that may deploy to one account and region are
// refused while their rules could deliver the same events, each overlap named by the key that
// scopes it; scoped, or declared in different accounts or regions, they deploy.
func TestSharedAccount(t *testing.T) {
	shipped := func(t *testing.T) string {
		root := projectCopy(t)
		for _, stack := range []string{"dev", "prod"} {
			configSet(t, root, stack, "aws:region", "eu-west-1")
		}
		return root
	}
	run := func(t *testing.T, root, stack string) error {
		_, err := runProgramIn(t, root, stack, withFakeSecrets(t, stackConfig(t, root, stack)), true)
		return err
	}
	t.Run("as shipped", func(t *testing.T) {
		root := shipped(t)
		for _, c := range []struct{ stack, other string }{{"dev", "prod"}, {"prod", "dev"}} {
			err := run(t, root, c.stack)
			var errs []*config.Error
			collect(err, &errs)
			if len(errs) != 1 {
				t.Fatalf("%s: want one message, got %v", c.stack, err)
			}
			msg := errs[0].Error()
			for _, want := range []string{"foghorn:clusterArns: ", c.other, "Pulumi." + c.other + ".yaml", "every cluster", "aws:allowedAccountIds"} {
				if !strings.Contains(msg, want) {
					t.Errorf("%s: %q does not say %q", c.stack, msg, want)
				}
			}
			t.Log(msg)
		}
	})
	t.Run("walked through", func(t *testing.T) {
		root := walkthrough(t)
		for _, stack := range []string{"dev", "prod"} {
			if err := run(t, root, stack); err != nil {
				t.Errorf("%s: %v", stack, err)
			}
		}
	})
	t.Run("different accounts", func(t *testing.T) {
		root := shipped(t)
		configSet(t, root, "dev", "aws:allowedAccountIds[0]", "111111111111")
		configSet(t, root, "prod", "aws:allowedAccountIds[0]", "222222222222")
		if err := run(t, root, "dev"); err != nil {
			t.Error(err)
		}
		configSet(t, root, "prod", "aws:allowedAccountIds[1]", "111111111111")
		if err := run(t, root, "dev"); err == nil {
			t.Error("prod may deploy to dev's account, yet dev deploys unscoped")
		}
	})
	t.Run("different regions", func(t *testing.T) {
		root := shipped(t)
		configSet(t, root, "prod", "aws:region", "eu-central-1")
		if err := run(t, root, "dev"); err != nil {
			t.Error(err)
		}
	})
	t.Run("one cluster, alarms and health in both", func(t *testing.T) {
		root := walkthrough(t)
		configSet(t, root, "dev", "foghorn:clusterArns[0]", "arn:aws:ecs:eu-west-1:123456789012:cluster/prod")
		configSet(t, root, "dev", "foghorn:alarmNamePrefixes[0]", "prod-api-")
		configSet(t, root, "dev", "foghorn:events[10]", "health")
		var errs []*config.Error
		collect(run(t, root, "dev"), &errs)
		var keys []string
		for _, e := range errs {
			keys = append(keys, e.Key)
		}
		if want := []string{"foghorn:clusterArns", "foghorn:alarmNamePrefixes", "foghorn:events"}; !slices.Equal(keys, want) {
			t.Errorf("errors on %v, want %v: %v", keys, want, errs)
		}
	})
	t.Run("one cluster, other services", func(t *testing.T) {
		root := walkthrough(t)
		configSet(t, root, "dev", "foghorn:clusterArns[0]", "arn:aws:ecs:eu-west-1:123456789012:cluster/prod")
		configSet(t, root, "dev", "foghorn:serviceNames[0]", "web-canary")
		configSet(t, root, "prod", "foghorn:serviceNames[0]", "web")
		// Service events no longer overlap, but the cluster's container-instance events do.
		err := run(t, root, "dev")
		if err == nil || !strings.Contains(err.Error(), "container-instance events") {
			t.Errorf("got %v, want the shared cluster's container-instance events named", err)
		}
	})
}

// TestStackInitRewritesTypedValues: `pulumi stack init` saves the stack file back with its
// top-level numbers and booleans as quoted strings. Pulumi still takes them for their declared
// types, and the program makes the same stack of either form.
func TestStackInitRewritesTypedValues(t *testing.T) {
	root := projectCopy(t)
	before := withFakeSecrets(t, stackConfig(t, root, "dev"))
	stackInit(t, root, "dev")
	b, err := os.ReadFile(filepath.Join(root, "Pulumi.dev.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{`foghorn:logTailEnabled: "true"`, `foghorn:logRetentionDays: "7"`, `foghorn:batchingWindow: "2"`} {
		if !strings.Contains(string(b), line) {
			t.Errorf("the saved file lacks %s; Pulumi no longer rewrites typed values?\n%s", line, b)
		}
	}
	proj, err := workspace.LoadProject(filepath.Join(root, "Pulumi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	ps, _ := loadStack(t, root, "dev")
	for k, v := range ps.Config {
		decl, ok := proj.Config[k.Name()]
		if !ok || decl.Type == nil || k.Namespace() != "foghorn" {
			continue
		}
		// As the CLI checks a stack value against its declared type.
		s, _ := v.Value(pconfig.NopDecrypter)
		var content any = s
		if v.Object() {
			if err := json.Unmarshal([]byte(s), &content); err != nil {
				t.Fatal(err)
			}
		}
		if !workspace.ValidateConfigValue(*decl.Type, decl.Items, content) {
			t.Errorf("%s = %q is no longer of its declared type %s", k, s, *decl.Type)
		}
	}
	after := withFakeSecrets(t, stackConfig(t, root, "dev"))
	m1, err := runProgram(t, before, false)
	if err != nil {
		t.Fatal(err)
	}
	m2, err := runProgram(t, after, false)
	if err != nil {
		t.Fatal(err)
	}
	d1, _ := json.Marshal(m1.document(t))
	d2, _ := json.Marshal(m2.document(t))
	if string(d1) != string(d2) {
		t.Errorf("the rewritten file makes another document:\n%s\n%s", d1, d2)
	}
	for _, typ := range []string{"aws:cloudwatch/logGroup:LogGroup", "aws:lambda/eventSourceMapping:EventSourceMapping", "aws:sqs/queue:Queue"} {
		if j1, j2 := inputsJSON(m1.inputs[typ]), inputsJSON(m2.inputs[typ]); !slices.Equal(j1, j2) {
			t.Errorf("%s differs:\n%s\n%s", typ, j1, j2)
		}
	}
}

// inputsJSON is each resource's inputs as JSON, in a stable order.
func inputsJSON(list []resource.PropertyMap) []string {
	var out []string
	for _, in := range list {
		b, _ := json.Marshal(in.Mappable())
		out = append(out, string(b))
	}
	slices.Sort(out)
	return out
}

// postedTo plans the fixture file with the document, and lists the destinations of the
// messages, in order.
func postedTo(t *testing.T, doc *config.Document, file string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "lambda", "testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := envelope.Split(b)
	if err != nil {
		t.Fatal(err)
	}
	n, err := notifier.New(doc, notifier.WithClock(clock.NewFake(time.Date(2031, 6, 1, 9, 0, 0, 0, time.UTC))))
	if err != nil {
		t.Fatal(err)
	}
	var dests []string
	for _, m := range n.Plan(context.Background(), recs).Messages {
		dests = append(dests, m.Destination)
	}
	return strings.Join(dests, " ")
}
