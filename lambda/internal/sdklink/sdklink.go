// Package sdklink tells which aws-sdk-go-v2 service packages a program links, for tests that
// keep a binary's start light: Go runs the initialisation of every package linked, and each
// service package builds its tables there (ECS's ~10 ms and 930 KB), whether a client is
// made or not.
package sdklink

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const (
	sdkService = "github.com/aws/aws-sdk-go-v2/service/"
	module     = "github.com/foghornhq/foghorn/"
)

// Services lists the SDK services (ecs, sts, …) the package in dir links, as `go list -deps`
// finds them with the given build tags, each with the packages of this module that link it
// (those importing a package of the service, or a package of another module that leads to
// it). The SDK's helper packages under service/internal are not services.
func Services(t testing.TB, dir string, tags ...string) map[string][]string {
	t.Helper()
	args := []string{"list", "-deps", "-f", "{{.ImportPath}}{{range .Imports}} {{.}}{{end}}"}
	if len(tags) > 0 {
		args = append(args, "-tags", strings.Join(tags, ","))
	}
	cmd := exec.Command("go", append(args, ".")...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("go list -deps: %v\n%s", err, stderr)
	}
	importers := map[string][]string{}
	var services []string
	for line := range strings.Lines(string(out)) {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		for _, imp := range f[1:] {
			importers[imp] = append(importers[imp], f[0])
		}
		if rest, ok := strings.CutPrefix(f[0], sdkService); ok {
			if name, _, _ := strings.Cut(rest, "/"); name != "internal" {
				services = append(services, f[0])
			}
		}
	}
	linked := map[string][]string{}
	for _, pkg := range services {
		name, _, _ := strings.Cut(strings.TrimPrefix(pkg, sdkService), "/")
		for _, by := range ours(pkg, importers) {
			if !slices.Contains(linked[name], by) {
				linked[name] = append(linked[name], by)
			}
		}
		if _, ok := linked[name]; !ok {
			linked[name] = nil
		}
	}
	for name := range linked {
		slices.Sort(linked[name])
	}
	return linked
}

// ours walks up from pkg through its importers to the first packages of this module.
func ours(pkg string, importers map[string][]string) []string {
	var found []string
	seen := map[string]bool{pkg: true}
	queue := []string{pkg}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, by := range importers[p] {
			switch {
			case seen[by]:
			case strings.HasPrefix(by, module):
				seen[by] = true
				found = append(found, strings.TrimPrefix(by, module))
			default:
				seen[by] = true
				queue = append(queue, by)
			}
		}
	}
	return found
}
