package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
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

// TestReadmeGoTestCommands keeps the README's go test commands runnable as written: each
// names a package that exists, each -fuzz a fuzz target of that package with -run '^$' (without
// it the package's other tests run first, and a failing one stops the fuzzing), and each
// -run or -bench of a single name a test or benchmark that exists.
func TestReadmeGoTestCommands(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := regexp.MustCompile("go test (\\./[^\\s`]+)([^\\n`]*)")
	flag := regexp.MustCompile(`-(fuzz|run|bench) ('[^']*'|\S+)`)
	fuzz := 0
	for _, m := range cmd.FindAllStringSubmatch(string(readme), -1) {
		pkg, rest := m[1], m[2]
		if strings.HasSuffix(pkg, "/...") {
			continue
		}
		dir := filepath.Join("..", filepath.FromSlash(strings.TrimPrefix(pkg, "./")))
		funcs, err := testFuncs(dir)
		if err != nil {
			t.Errorf("`go test %s%s`: %v", pkg, rest, err)
			continue
		}
		flags := map[string]string{}
		for _, f := range flag.FindAllStringSubmatch(rest, -1) {
			flags[f[1]] = strings.Trim(f[2], "'")
		}
		if name, ok := flags["fuzz"]; ok {
			fuzz++
			if flags["run"] != "^$" {
				t.Errorf("`go test %s%s` fuzzes without -run '^$'", pkg, rest)
			}
			if !slices.Contains(funcs, strings.Trim(name, "^$")) {
				t.Errorf("`go test %s%s`: %s has no fuzz target %s", pkg, rest, pkg, name)
			}
		}
		for _, kind := range []string{"run", "bench"} {
			name := flags[kind]
			if name == "" || name == "^$" || name == "XXX" || name == "." {
				continue
			}
			prefix := map[string]string{"run": "Test", "bench": "Benchmark"}[kind]
			if !slices.ContainsFunc(funcs, func(f string) bool {
				ok, _ := regexp.MatchString(name, f)
				return ok && strings.HasPrefix(f, prefix)
			}) {
				t.Errorf("`go test %s%s`: -%s %s matches nothing in %s", pkg, rest, kind, name, pkg)
			}
		}
	}
	if fuzz < 5 {
		t.Errorf("found %d fuzz commands in the README", fuzz)
	}
}

// testFuncs lists the Test, Benchmark and Fuzz functions of the package in dir.
func testFuncs(dir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no tests in %s", dir)
	}
	def := regexp.MustCompile(`(?m)^func ((?:Test|Benchmark|Fuzz)\w*)\(`)
	var out []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		for _, m := range def.FindAllStringSubmatch(string(b), -1) {
			out = append(out, m[1])
		}
	}
	return out, nil
}

// TestReadmePaths: every file of the repository the README names (a sample event, a config
// document, a source file) exists, but on a line showing a command that fails ("# exits").
func TestReadmePaths(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	path := regexp.MustCompile(`(?:lambda|infra)/[\w./-]+\.(?:json|ndjson|go|md|yaml)`)
	seen := 0
	for _, line := range strings.Split(string(readme), "\n") {
		if strings.Contains(line, "# exits") {
			continue
		}
		for _, p := range path.FindAllString(line, -1) {
			seen++
			if _, err := os.Stat(filepath.Join("..", filepath.FromSlash(p))); err != nil {
				t.Errorf("the README names %s, which does not exist", p)
			}
		}
	}
	if seen < 10 {
		t.Errorf("found only %d paths in the README", seen)
	}
}
