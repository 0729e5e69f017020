package config

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"
)

// TestExample parses the documented example and checks it says what the README says.
func TestExample(t *testing.T) {
	data, err := os.ReadFile("testdata/example.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for i, r := range doc.Routes {
		names = append(names, RouteLabel(r, i))
		for j, m := range r.Mute {
			if _, err := m.Window(); err != nil {
				t.Errorf("routes[%d].mute[%d]: %v", i, j, err)
			}
		}
	}
	if got := strings.Join(names, ","); got != "payments-team,dev,prod-failures,prod-recoveries" {
		t.Errorf("routes = %s", got)
	}
	if !slices.Equal(doc.Default, []string{"ops-slack"}) || doc.Environment != "prod" {
		t.Errorf("default %v, environment %q", doc.Default, doc.Environment)
	}
	for _, want := range []string{"slack", "teams", "discord"} {
		if !slices.ContainsFunc(doc.Destinations, func(d Destination) bool { return d.Target == want }) {
			t.Errorf("the example has no %s destination", want)
		}
	}
}

// TestReadmeExample keeps the README's example and testdata/example.json identical.
func TestReadmeExample(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile("testdata/example.json")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := bytes.Cut(readme, []byte("```json\n"))
	block, _, closed := bytes.Cut(rest, []byte("```"))
	if !ok || !closed {
		t.Fatal("README.md has no ```json block")
	}
	if !bytes.Equal(bytes.TrimSpace(block), bytes.TrimSpace(example)) {
		t.Errorf("README.md's example differs from testdata/example.json:\n%s", block)
	}
}
