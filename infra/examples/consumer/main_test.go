package main

import (
	"archive/zip"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

type mocks struct {
	mu    sync.Mutex
	types map[string][]resource.PropertyMap
}

func (m *mocks) NewResource(a pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	outs := a.Inputs.Copy()
	name := a.Name + "-1a2b3c4"
	if v, ok := a.Inputs["name"]; ok && v.IsString() {
		name = v.StringValue()
	}
	svc := strings.SplitN(strings.TrimPrefix(a.TypeToken, "aws:"), "/", 2)[0]
	outs["name"] = resource.NewStringProperty(name)
	outs["arn"] = resource.NewStringProperty("arn:aws:" + svc + ":eu-west-1:123456789012:" + name)
	outs["url"] = resource.NewStringProperty("https://sqs.eu-west-1.amazonaws.com/123456789012/" + name)
	m.mu.Lock()
	m.types[a.TypeToken] = append(m.types[a.TypeToken], a.Inputs)
	m.mu.Unlock()
	return a.Name + "-id", outs, nil
}

func (m *mocks) Call(a pulumi.MockCallArgs) (resource.PropertyMap, error) { return a.Args, nil }

// TestConsumerStack runs this module's program as `pulumi preview` would: the component
// validates, builds the notifier from this module's context, and yields the stack.
func TestConsumerStack(t *testing.T) {
	m := &mocks{types: map[string][]resource.PropertyMap{}}
	err := pulumi.RunErr(program, pulumi.WithMocks("payments-platform", "staging", m), func(ri *pulumi.RunInfo) {
		ri.Config = map[string]string{
			"payments-platform:slackWebhook": "https://hooks.slack.example/services/T00000000/B00000000/FAKEFAKEFAKEFAKE",
			"payments-platform:teamsWebhook": "https://teams.example/workflows/FAKEFAKEFAKEFAKE",
			"payments-platform:clusterArn":   "arn:aws:ecs:eu-west-1:123456789012:cluster/payments",
		}
		ri.ConfigSecretKeys = []string{"payments-platform:slackWebhook", "payments-platform:teamsWebhook"}
		ri.DryRun = true
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(m.types["foghorn:index:EcsChatAlerts"]); n != 1 {
		t.Fatalf("%d EcsChatAlerts components", n)
	}
	for typ, want := range map[string]int{
		"aws:lambda/function:Function": 1,
		"aws:sqs/queue:Queue":          2,
		"aws:sns/topic:Topic":          2,
		// Every class but task-launch, which a stack naming services has no rule for.
		"aws:cloudwatch/eventRule:EventRule": 10,
		"aws:dynamodb/table:Table":           1,
		// The config document and one SecureString per destination.
		"aws:ssm/parameter:Parameter": 3,
	} {
		if got := len(m.types[typ]); got != want {
			t.Errorf("%d × %s, want %d", got, typ, want)
		}
	}
	fn := m.types["aws:lambda/function:Function"][0]
	zr, err := zip.OpenReader(fn["code"].ArchiveValue().Path)
	if err != nil {
		t.Fatalf("the notifier was not built in this module's context: %v", err)
	}
	defer zr.Close()
	if len(zr.File) != 1 || zr.File[0].Name != "bootstrap" {
		t.Errorf("zip entries %v", zr.File)
	}
	for _, rule := range m.types["aws:cloudwatch/eventRule:EventRule"] {
		if p := rule["eventPattern"].StringValue(); strings.Contains(p, "ecs") && strings.Contains(p, "clusterArn") && !strings.Contains(p, "cluster/payments") {
			t.Errorf("rule not filtered to the payments cluster: %s", p)
		}
	}
}

// TestReadmeShowsThisProgram keeps the README's import example honest: it must be this file.
func TestReadmeShowsThisProgram(t *testing.T) {
	readme, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "```go\n"+string(src)+"```") {
		t.Error("README.md's import example differs from infra/examples/consumer/main.go; paste the file into the Deploy section")
	}
}
