package config

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/foghornhq/foghorn/lambda/classify"
)

var update = flag.Bool("update", false, "rewrite README.md's generated blocks")

// TestReadmeBlocks keeps README.md's generated blocks true: the table of event names is
// classify.Events, and the example of Validation is what Parse says of testdata/invalid.json.
// go test -update rewrites them.
func TestReadmeBlocks(t *testing.T) {
	var table strings.Builder
	table.WriteString("| `kind` | `event` |\n|---|---|\n")
	for _, k := range classify.Events {
		names := make([]string, len(k.Events))
		for i, e := range k.Events {
			names[i] = "`" + e + "`"
		}
		fmt.Fprintf(&table, "| `%s` | %s |\n", k.Kind, strings.Join(names, ", "))
	}
	data, err := os.ReadFile("testdata/invalid.json")
	if err != nil {
		t.Fatal(err)
	}
	_, perr := Parse(data)
	if perr == nil {
		t.Fatal("testdata/invalid.json parses")
	}
	blocks := []struct{ marker, want string }{
		{"events", table.String()},
		{"invalid", "```\n" + perr.Error() + "\n```\n"},
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	for _, b := range blocks {
		open, closing := "<!-- "+b.marker+" -->\n", "<!-- /"+b.marker+" -->"
		before, rest, ok := strings.Cut(text, open)
		got, after, ok2 := strings.Cut(rest, closing)
		if !ok || !ok2 {
			t.Fatalf("README.md has no %s…%s block", open, closing)
		}
		if got != b.want {
			if *update {
				text = before + open + b.want + closing + after
				continue
			}
			t.Errorf("README.md's %s block is out of date (go test -update); want:\n%s", b.marker, b.want)
		}
	}
	if *update && text != string(readme) {
		if err := os.WriteFile("README.md", []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
