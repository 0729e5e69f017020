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
