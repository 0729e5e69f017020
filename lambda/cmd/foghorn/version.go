package main

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
)

// readBuildInfo is runtime/debug.ReadBuildInfo; tests replace it.
var readBuildInfo = debug.ReadBuildInfo

func version(_ context.Context, _ *options, args []string, _ io.Reader, stdout, _ io.Writer) error {
	if err := wantArgs("version", args, 0, "no arguments"); err != nil {
		return err
	}
	info, ok := readBuildInfo()
	fmt.Fprint(stdout, versionText(info, ok))
	return nil
}

// versionText says what the build recorded: the module version, the commit, and the Go that
// built it. There are no release tags yet: a binary installed with go install …@<commit>
// carries a pseudo-version naming the commit; one built in a checkout carries the commit in
// its VCS stamp (go build) or nothing at all (go run, go build -buildvcs=false), and then says
// so rather than guess.
func versionText(info *debug.BuildInfo, ok bool) string {
	if !ok || info == nil {
		return "foghorn: no build information (a binary built without module support)\n"
	}
	v := info.Main.Version
	if v == "" {
		v = "(devel)"
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	var b strings.Builder
	fmt.Fprintf(&b, "foghorn %s", v)
	switch rev := settings["vcs.revision"]; {
	case rev != "":
		fmt.Fprintf(&b, ", commit %s", rev)
		var notes []string
		if t := settings["vcs.time"]; t != "" {
			notes = append(notes, "committed "+t)
		}
		if settings["vcs.modified"] == "true" {
			notes = append(notes, "with uncommitted changes")
		}
		if len(notes) > 0 {
			fmt.Fprintf(&b, " (%s)", strings.Join(notes, ", "))
		}
	case pseudoCommit(v) != "":
		fmt.Fprintf(&b, ", commit %s", pseudoCommit(v))
	case v == "(devel)":
		b.WriteString(": built from a checkout, which recorded no commit (go run does not; go build does)")
	}
	b.WriteString("\n")
	goos, goarch := settings["GOOS"], settings["GOARCH"]
	fmt.Fprintf(&b, "built with %s", info.GoVersion)
	if goos != "" && goarch != "" {
		fmt.Fprintf(&b, " for %s/%s", goos, goarch)
	}
	b.WriteString("\n")
	return b.String()
}

// pseudoCommit is the commit a pseudo-version names (v0.0.0-20260501100000-1a2b3c4d5e6f), or "".
func pseudoCommit(v string) string {
	v = strings.TrimSuffix(v, "+dirty")
	i := strings.LastIndexByte(v, '-')
	if i < 0 || len(v)-i-1 != 12 {
		return ""
	}
	rev := v[i+1:]
	if strings.Trim(rev, "0123456789abcdef") != "" {
		return ""
	}
	// The part before is the timestamp: 14 digits, after "-" or "." (v1.2.4-0.2026…).
	ts := v[:i]
	if j := strings.LastIndexAny(ts, "-."); j < 0 || len(ts)-j-1 != 14 || strings.Trim(ts[j+1:], "0123456789") != "" {
		return ""
	}
	return rev
}
