package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag/colors"
	pconfig "github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/foghornhq/foghorn/infra/alerts"
	"github.com/foghornhq/foghorn/infra/eventpattern"
	"github.com/foghornhq/foghorn/lambda/config"
)

// Two stacks of this project in one account and region each get every event their rules
// match: where their scopes overlap, each posts the other's events labelled with its own
// environment. EventBridge gives no sign of it, so the program looks for it where it can be
// seen, in the project's other stack files, and refuses it.

// scope is what one stack's rules deliver, and where it deploys as far as its file says.
type scope struct {
	stack string
	file  string // the stack file, for messages; "" for the stack being deployed
	// region is aws:region, "" when the file does not say (then any region is possible).
	region string
	// accounts is aws:allowedAccountIds; empty means any account is possible.
	accounts []string
	events   []string
	// clusters, services and alarms are the filters; empty means every one.
	clusters, services, alarms []string
}

// eventsOf returns the event classes a stack asks for: all when events is empty.
func eventsOf(list []string) []string {
	if len(list) == 0 {
		return eventpattern.ClassNames()
	}
	return list
}

// ownScope is the scope of the stack being deployed.
func ownScope(ctx *pulumi.Context, args alerts.EcsChatAlertsArgs) scope {
	accounts, _ := ctx.GetConfig("aws:allowedAccountIds")
	return scope{
		stack:    ctx.Stack(),
		region:   args.Region,
		accounts: accountList(accounts),
		events:   eventsOf(args.Events),
		clusters: args.ClusterArns, services: args.ServiceNames, alarms: args.AlarmNamePrefixes,
	}
}

// accountList reads aws:allowedAccountIds, a list whose ids YAML may have turned into numbers.
func accountList(v string) []string {
	if v == "" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(v)))
	dec.UseNumber()
	var list []any
	if err := dec.Decode(&list); err != nil {
		return nil
	}
	var out []string
	for _, x := range list {
		out = append(out, fmt.Sprint(x))
	}
	return out
}

// siblingScopes reads the project's other stack files. A file that cannot be read is left to
// its own stack's preview.
func siblingScopes(ctx *pulumi.Context) []scope {
	root := ctx.RootDirectory()
	if root == "" {
		return nil
	}
	project, err := workspace.LoadProject(filepath.Join(root, "Pulumi.yaml"))
	if err != nil {
		return nil
	}
	dir := filepath.Join(root, project.StackConfigDir)
	files, _ := filepath.Glob(filepath.Join(dir, "Pulumi.*.yaml"))
	sort.Strings(files)
	sink := diag.DefaultSink(io.Discard, io.Discard, diag.FormatOptions{Color: colors.Never})
	var out []scope
	for _, f := range files {
		stack := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "Pulumi."), ".yaml")
		if stack == ctx.Stack() {
			continue
		}
		ps, err := workspace.LoadProjectStack(sink, project, f)
		if err != nil || !setUp(ps, ctx.Project()) {
			continue
		}
		get := func(key string) (string, bool) {
			k, err := pconfig.ParseKey(key)
			if err != nil {
				return "", false
			}
			v, ok := ps.Config[k]
			if !ok || v.Secure() {
				return "", false
			}
			s, err := v.Value(pconfig.NopDecrypter)
			return s, err == nil
		}
		r := &configReader{ns: ctx.Project(), get: get}
		region, _ := get("aws:region")
		accounts, _ := get("aws:allowedAccountIds")
		out = append(out, scope{
			stack:    stack,
			file:     relative(f),
			region:   region,
			accounts: accountList(accounts),
			events:   eventsOf(r.list("events")),
			clusters: r.list("clusterArns"), services: r.list("serviceNames"), alarms: r.list("alarmNamePrefixes"),
		})
	}
	return out
}

// setUp reports whether a stack file has been set up for a deployment: it names its region,
// holds a chat secret, or imports an ESC environment that may hold them. A file with none of
// these cannot deploy as it is (preview wants a webhook), such as dev and prod as the
// repository ships them: an example, not a stack whose events another would post. So a first
// stack beside them deploys without scoping, and they are compared from their first step.
func setUp(ps *workspace.ProjectStack, project string) bool {
	if ps.Environment != nil {
		return true
	}
	for _, key := range []string{"aws:region", project + ":webhookUrl", project + ":destinationSecrets"} {
		if k, err := pconfig.ParseKey(key); err == nil {
			if _, ok := ps.Config[k]; ok {
				return true
			}
		}
	}
	return false
}

func relative(path string) string {
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, path); err == nil && !strings.HasPrefix(rel, "..") {
			return rel
		}
	}
	return filepath.Base(path)
}

// overlapErrors reports each kind of event both stacks would deliver when they may share an
// account and a region, one error per key to change.
func overlapErrors(ns string, own scope, others []scope) []error {
	var errs []error
	reported := map[string]bool{}
	for _, o := range others {
		if !mayShare(own, o) {
			continue
		}
		both := func(classes ...string) bool {
			return slices.ContainsFunc(classes, func(c string) bool { return slices.Contains(own.events, c) }) &&
				slices.ContainsFunc(classes, func(c string) bool { return slices.Contains(o.events, c) })
		}
		where := "in the same region"
		if own.region != "" && own.region == o.region {
			where = "in " + own.region
		}
		report := func(key, what, scopes, fix string) {
			if reported[key] {
				return
			}
			reported[key] = true
			errs = append(errs, &config.Error{Key: ns + ":" + key, Message: fmt.Sprintf(
				"stacks %s and %s (%s) %s would both deliver %s (%s): in one account each posts the other's events labelled with its own environment. If they share an account, %s; if they deploy to different accounts, say so with aws:allowedAccountIds in each stack file",
				own.stack, o.stack, o.file, where, what, scopes, fix)})
		}
		clusters := fmt.Sprintf("%s: %s; %s: %s", own.stack, describe(own.clusters, "every cluster", "clusters"), o.stack, describe(o.clusters, "every cluster", "clusters"))
		switch {
		case both("task-state", "service-action", "deployment", "scaling", "hook") && overlaps(own.clusters, o.clusters, equal) && overlaps(own.services, o.services, equal):
			report("clusterArns", "ECS events", clusters, "give each stack its own clusterArns (or, in a shared cluster, its own serviceNames)")
		case both("container-instance", "instance-health", "daemon") && overlaps(own.clusters, o.clusters, equal):
			// Container instances and daemons belong to a cluster, not a service.
			report("clusterArns", "container-instance events", clusters, "give each stack its own clusterArns, or leave container-instance, instance-health and daemon out of one stack's events")
		case both("task-launch") && len(own.services) == 0 && len(o.services) == 0 && overlaps(own.clusters, o.clusters, equal):
			// Standalone tasks belong to no service: a stack naming services has no such rule.
			report("clusterArns", "failed RunTask calls", clusters, "give each stack its own clusterArns, or leave task-launch out of one stack's events")
		}
		if both("alarm") && overlaps(own.alarms, o.alarms, nested) {
			report("alarmNamePrefixes", "CloudWatch alarm state changes",
				fmt.Sprintf("%s: %s; %s: %s", own.stack, describe(own.alarms, "every alarm", "alarms named"), o.stack, describe(o.alarms, "every alarm", "alarms named")),
				"give each stack alarmNamePrefixes that no alarm name matches both of (dev-, prod-)")
		}
		if both("health") {
			report("events", "AWS Health events about ECS", "they are account-wide", "keep health in one stack's events")
		}
	}
	return errs
}

// mayShare reports whether two stacks may deploy to one account and region, as far as their
// files say.
func mayShare(a, b scope) bool {
	if a.region != "" && b.region != "" && a.region != b.region {
		return false
	}
	if len(a.accounts) > 0 && len(b.accounts) > 0 && !slices.ContainsFunc(a.accounts, func(x string) bool { return slices.Contains(b.accounts, x) }) {
		return false
	}
	return true
}

// overlaps reports whether two filters match something in common: an empty one matches
// everything.
func overlaps(a, b []string, same func(x, y string) bool) bool {
	if len(a) == 0 || len(b) == 0 {
		return true
	}
	for _, x := range a {
		for _, y := range b {
			if same(x, y) {
				return true
			}
		}
	}
	return false
}

func equal(x, y string) bool { return x == y }

// nested reports whether two name prefixes match a name in common.
func nested(x, y string) bool { return strings.HasPrefix(x, y) || strings.HasPrefix(y, x) }

func describe(list []string, all, some string) string {
	if len(list) == 0 {
		return all
	}
	return some + " " + strings.Join(list, ", ")
}
