package alerts_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/foghornhq/foghorn/infra/alerts"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/graph")

// TestGraph pins the whole resource graph the component registers, for a minimal stack and
// for stacks with every feature on: each resource's type, logical name, parent, dependencies
// and inputs (secrets redacted). A change to any of them changes a URN, replaces a resource or
// updates one in place on every deployed stack, so it must show here as a diff of the golden
// file, to be reviewed and rewritten with -update.
func TestGraph(t *testing.T) {
	cases := map[string]func(t *testing.T) alerts.EcsChatAlertsArgs{
		"minimal": minimalArgs,
		// Destinations of every kind, routes, a created key, the log tail, log alerts by
		// subscription filters and every chat action.
		"everything": func(t *testing.T) alerts.EcsChatAlertsArgs {
			a := actionsArgs(t)
			a.CreateKmsKey = true
			a.ClusterArns = []string{"arn:aws:ecs:eu-west-1:123456789012:cluster/prod-a"}
			a.ServiceNames = []string{"checkout-api", "payments"}
			a.OpsEmail = "oncall@example.com"
			a.LogRegions = []string{testRegion, "us-east-1"}
			a.LogAlertsEnabled = true
			a.LogAlertGroups = []string{"/ecs/checkout-api", "/ecs/payments-*", "/aws/lambda/*"}
			a.LogAlertServices = []alerts.LogServiceArgs{{LogGroup: "/ecs/payments-*", Cluster: "prod-a", Service: "payments"}}
			return a
		},
		// Log alerts by the account-level policy, with a key of the account's own.
		"account": func(t *testing.T) alerts.EcsChatAlertsArgs {
			a := logAlertArgs(t)
			a.CreateKmsKey = false
			a.KmsKeyArn = "arn:aws:kms:" + testRegion + ":" + testAccount + ":key/1234abcd-12ab-34cd-56ef-1234567890ab"
			a.LogAlertSubscription = alerts.SubscriptionAccount
			a.LogAlertGroups = nil
			a.LogAlertExcludeGroups = []string{"/aws/lambda/other-team"}
			return a
		},
	}
	for label, args := range cases {
		t.Run(label, func(t *testing.T) {
			got := graphJSON(t, mustRun(t, args(t)).rec)
			path := filepath.Join("testdata", "graph", label+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGraph -update to write it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("the resource graph differs from %s:\n%s", path, firstDifference(want, got))
			}
		})
	}
}

// graphNode is one registered resource as the golden file holds it.
type graphNode struct {
	Type   string         `json:"type"`
	Name   string         `json:"name"`
	Parent string         `json:"parent,omitempty"`
	Custom bool           `json:"custom"`
	Deps   []string       `json:"deps,omitempty"`
	Inputs map[string]any `json:"inputs,omitempty"`
}

func graphJSON(t *testing.T, r *recorder) []byte {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	nodes := make([]graphNode, 0, len(r.resources))
	for _, x := range r.resources {
		deps := slices.Clone(x.Deps)
		slices.Sort(deps)
		n := graphNode{Type: x.Type, Name: x.Name, Parent: x.Parent, Custom: x.Custom, Deps: deps, Inputs: map[string]any{}}
		for k, v := range x.Inputs {
			if strings.HasPrefix(string(k), "__") {
				continue // the SDK's bookkeeping (__defaults), not an input
			}
			n.Inputs[string(k)] = plainValue(v)
		}
		nodes = append(nodes, n)
	}
	// Registrations arrive from concurrent goroutines: order them by what names them.
	slices.SortFunc(nodes, func(a, b graphNode) int {
		return strings.Compare(a.Type+"\x00"+a.Name, b.Type+"\x00"+b.Name)
	})
	b, err := json.MarshalIndent(nodes, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// plainValue turns an input into plain JSON: secrets redacted, archives by file name (the
// test's zip lives in a temporary directory).
func plainValue(v resource.PropertyValue) any {
	switch {
	case v.IsSecret():
		return "[secret]"
	case v.IsOutput():
		o := v.OutputValue()
		switch {
		case o.Secret:
			return "[secret]"
		case !o.Known:
			return "[unknown]"
		}
		return plainValue(o.Element)
	case v.IsComputed():
		return "[unknown]"
	case v.IsArchive():
		return map[string]any{"archive": filepath.Base(v.ArchiveValue().Path)}
	case v.IsAsset():
		return map[string]any{"asset": filepath.Base(v.AssetValue().Path)}
	case v.IsResourceReference():
		return string(v.ResourceReferenceValue().URN)
	case v.IsObject():
		out := map[string]any{}
		for k, x := range v.ObjectValue() {
			out[string(k)] = plainValue(x)
		}
		return out
	case v.IsArray():
		out := []any{}
		for _, x := range v.ArrayValue() {
			out = append(out, plainValue(x))
		}
		return out
	}
	return v.V
}

// firstDifference shows the golden file and the graph from the first line they differ at.
func firstDifference(want, got []byte) string {
	w, g := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		if i >= len(w) || i >= len(g) || w[i] != g[i] {
			lo := max(0, i-8)
			return "want (line " + strconv.Itoa(lo+1) + "):\n" + strings.Join(w[lo:min(len(w), i+8)], "\n") +
				"\ngot:\n" + strings.Join(g[lo:min(len(g), i+8)], "\n")
		}
	}
	return ""
}
