package classify

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/envelope"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// fixture is one input file: a real one from lambda/testdata/aws or a derived one from
// lambda/testdata/aws-derived.
type fixture struct {
	name string // file name without .json; also the golden file's name
	path string
}

func fixtures(t *testing.T) []fixture {
	t.Helper()
	var out []fixture
	for _, dir := range []string{"aws", "aws-derived"} {
		entries, err := os.ReadDir(filepath.Join("..", "testdata", dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".json") {
				out = append(out, fixture{strings.TrimSuffix(e.Name(), ".json"), filepath.Join("..", "testdata", dir, e.Name())})
			}
		}
	}
	if len(out) < 27 {
		t.Fatalf("found %d fixtures, expected at least the 27 real ones", len(out))
	}
	return out
}

// alertsOf splits a fixture and classifies every record.
func alertsOf(t *testing.T, path string) []alert.Alert {
	t.Helper()
	payload, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := envelope.Split(payload)
	if err != nil {
		t.Fatal(err)
	}
	alerts := make([]alert.Alert, len(recs))
	for i, r := range recs {
		alerts[i] = Classify(r)
	}
	return alerts
}

func TestGolden(t *testing.T) {
	for _, f := range fixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false) // keep "<", ">" and "&" readable in the golden files
			enc.SetIndent("", "  ")
			if err := enc.Encode(alertsOf(t, f.path)); err != nil {
				t.Fatal(err)
			}
			got := buf.Bytes()
			golden := filepath.Join("testdata", "golden", f.name+".json")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./lambda/classify -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("alert differs from %s (run go test ./lambda/classify -update and review the diff):\n%s", golden, got)
			}
		})
	}
}

// TestMutedAndContributorAlarms: a muted alarm names its mute rule, and a contributor's alarm
// names the resource that breached.
func TestMutedAndContributorAlarms(t *testing.T) {
	tests := []struct {
		fixture           string
		mutedBy, resource string
		fact, factValue   string
	}{
		{"eventbridge-cloudwatch-alarm-state-change-single-metric-muted", "testMute", "", "Muted by", "testMute (2026-01-01 10:00 – 12:00 UTC)"},
		{"eventbridge-cloudwatch-alarm-state-change-composite-suppressed-muted", "testMute", "", "Muted by", "testMute (2026-01-01 10:00 – 12:00 UTC)"},
		{"eventbridge-cloudwatch-alarm-contributor-state-change-metrics-insights-muted", "testMute", "TableName=example-dynamodb-table-name", "Contributor", "TableName=example-dynamodb-table-name"},
		{"eventbridge-cloudwatch-alarm-contributor-state-change-log-alarm", "", "endpoint=/api/orders", "Log groups", "/aws/lambda/my-function, /aws/ecs/my-service"},
		{"eventbridge-cloudwatch-alarm-state-change-single-metric-ec2-cpu", "", "", "Metric", "AWS/EC2 CPUUtilization (InstanceId=i-12345678901234567)"},
	}
	all := map[string]fixture{}
	for _, f := range fixtures(t) {
		all[f.name] = f
	}
	for _, tt := range tests {
		a := alertsOf(t, all[tt.fixture].path)[0]
		if a.MutedBy != tt.mutedBy || a.Identity.Resource != tt.resource {
			t.Errorf("%s: muted by %q, resource %q; want %q, %q", tt.fixture, a.MutedBy, a.Identity.Resource, tt.mutedBy, tt.resource)
		}
		found := false
		for _, f := range a.Facts {
			found = found || (f.Label == tt.fact && f.Value == tt.factValue)
		}
		if !found {
			t.Errorf("%s: no fact %s = %q in %v", tt.fixture, tt.fact, tt.factValue, a.Facts)
		}
		if tt.resource != "" && !strings.Contains(a.Title, tt.resource) {
			t.Errorf("%s: title %q does not name the contributor", tt.fixture, a.Title)
		}
	}
}
