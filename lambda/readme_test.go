package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestReadmeMapsTheTree keeps the README's map of the repository (its "Development" section)
// true: every directory holding Go code is on it, and everything on it is a directory that
// holds Go code, groups entries that do, or holds test data.
func TestReadmeMapsTheTree(t *testing.T) {
	root := filepath.Join("..")
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	mapped, err := readmeMap(string(readme))
	if err != nil {
		t.Fatal(err)
	}
	var packages []string
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch name := d.Name(); {
			case path != root && strings.HasPrefix(name, "."), name == "testdata", name == "build", name == "node_modules":
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(path, ".go") {
			dir, _ := filepath.Rel(root, filepath.Dir(path))
			if dir = filepath.ToSlash(dir); !slices.Contains(packages, dir) {
				packages = append(packages, dir)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(packages) < 10 {
		t.Fatalf("found only %d packages under %s: the walk is wrong", len(packages), root)
	}
	for _, p := range packages {
		if !slices.Contains(mapped, p) {
			t.Errorf("README.md's map leaves out %s/", p)
		}
	}
	for _, m := range mapped {
		grouping := slices.ContainsFunc(mapped, func(o string) bool { return strings.HasPrefix(o, m+"/") })
		switch {
		case slices.Contains(packages, m):
		case strings.Contains(m, "testdata"), grouping:
			if st, err := os.Stat(filepath.Join(root, m)); err != nil || !st.IsDir() {
				t.Errorf("README.md's map names %s/, which is not a directory", m)
			}
		default:
			t.Errorf("README.md's map names %s/, which holds no Go code", m)
		}
	}
}

// readmeMap reads the paths of the map between <!-- layout --> and <!-- /layout -->: one
// entry a line, its path relative to the entry above it that is one level (two spaces) less
// indented.
func readmeMap(readme string) ([]string, error) {
	_, after, ok := strings.Cut(readme, "<!-- layout -->")
	block, _, ok2 := strings.Cut(after, "<!-- /layout -->")
	if !ok || !ok2 {
		return nil, os.ErrNotExist
	}
	var out, parents []string
	for _, line := range strings.Split(block, "\n") {
		trimmed := strings.TrimLeft(line, " ")
		first, _, _ := strings.Cut(trimmed, " ")
		if !strings.HasSuffix(first, "/") {
			continue // the code fence
		}
		depth := (len(line) - len(trimmed)) / 2
		if depth > len(parents) {
			depth = len(parents)
		}
		parents = parents[:depth]
		path := strings.TrimSuffix(strings.Join(append(slices.Clone(parents), first), ""), "/")
		out = append(out, path)
		parents = append(parents, first)
	}
	return out, nil
}
