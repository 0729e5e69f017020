package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/foghornhq/foghorn/infra/alerts"
	"github.com/foghornhq/foghorn/lambda/policy"
)

// componentName names the stack's one EcsChatAlerts. Changing it replaces every resource.
const componentName = "foghorn"

// configKeys is every key the program reads, each declared in Pulumi.yaml with its type,
// default and description (a test keeps the two in step).
var configKeys = []string{
	"webhookUrl", "chatTarget", "environment",
	"events", "clusterArns", "serviceNames", "serviceActionEvents", "deploymentEvents", "alarmNamePrefixes",
	"noiseRulesOn", "noiseRulesOff",
	"logLevel", "memorySize", "timeout", "batchSize", "batchingWindow", "maxConcurrency", "maxReceiveCount", "logRetentionDays",
	"opsEmail", "oldestMessageAlarmSeconds",
	"createKmsKey", "kmsKeyArn", "notifierZip",
}

// configError is one invalid stack config value: the full key and what is allowed.
type configError struct {
	key, msg string
}

func (e *configError) Error() string { return e.key + ": " + e.msg }

// configReader reads the project's stack config, collecting one error per bad key.
type configReader struct {
	ctx  *pulumi.Context
	ns   string
	errs []error
}

func (r *configReader) full(key string) string { return r.ns + ":" + key }

func (r *configReader) bad(key, format string, a ...any) {
	r.errs = append(r.errs, &configError{key: r.full(key), msg: fmt.Sprintf(format, a...)})
}

func (r *configReader) raw(key string) (string, bool) {
	v, ok := r.ctx.GetConfig(r.full(key))
	return v, ok && v != ""
}

func (r *configReader) str(key string) string {
	v, _ := r.raw(key)
	return v
}

// intVal reads an integer key; unset keys return 0, which the component replaces by its default.
func (r *configReader) intVal(key string) int {
	v, ok := r.raw(key)
	if !ok {
		return 0
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		r.bad(key, "%q is not a whole number", v)
	}
	return n
}

func (r *configReader) intPtr(key string) *int {
	if _, ok := r.raw(key); !ok {
		return nil
	}
	n := r.intVal(key)
	return &n
}

func (r *configReader) boolVal(key string) bool {
	v, ok := r.raw(key)
	if !ok {
		return false
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		r.bad(key, "%q is not true or false", v)
	}
	return b
}

// list reads an array key: Pulumi stores arrays as JSON (`pulumi config set --path 'key[0]' v`).
func (r *configReader) list(key string) []string {
	v, ok := r.raw(key)
	if !ok {
		return nil
	}
	var out []string
	if err := json.Unmarshal([]byte(v), &out); err != nil {
		r.bad(key, "must be a list of strings, e.g. [\"a\", \"b\"]; got %q", v)
		return nil
	}
	return out
}

// noiseRules merges noiseRulesOn and noiseRulesOff into the overrides map the notifier's
// config document holds. Pulumi's config schema has no map type, hence two lists.
func (r *configReader) noiseRules() map[string]bool {
	known := policy.Names()
	rules := map[string]bool{}
	for _, k := range []struct {
		key string
		on  bool
	}{{"noiseRulesOn", true}, {"noiseRulesOff", false}} {
		for _, n := range r.list(k.key) {
			switch prev, seen := rules[n]; {
			case !slices.Contains(known, n):
				r.bad(k.key, "unknown noise rule %q (known rules: %s)", n, strings.Join(known, ", "))
			case seen && prev != k.on:
				r.bad(k.key, "%q is in both noiseRulesOn and noiseRulesOff", n)
			default:
				rules[n] = k.on
			}
		}
	}
	if len(rules) == 0 {
		return nil
	}
	return rules
}

// webhook reads the secret webhook URL. Its value never appears in a message.
func (r *configReader) webhook() pulumi.StringInput {
	const key = "webhookUrl"
	v, ok := r.raw(key)
	if !ok {
		r.bad(key, "is required: run `pulumi config set --secret %s <webhook URL>`", key)
		return nil
	}
	if !r.ctx.IsConfigSecret(r.full(key)) {
		r.bad(key, "is stored in plain text: set it again with `pulumi config set --secret %s <webhook URL>`", key)
		return nil
	}
	if u, err := url.Parse(v); err != nil || u.Scheme != "https" || u.Host == "" {
		r.bad(key, "is not an https:// URL (the value is not shown because it is secret)")
		return nil
	}
	return pulumi.ToSecret(pulumi.String(v)).(pulumi.StringOutput)
}

// loadArgs reads the stack config into the component's arguments and validates them as the
// component will. Every problem is one line naming the key (project:key) and what is allowed;
// returning them fails `pulumi preview` before anything is planned.
func loadArgs(ctx *pulumi.Context) (alerts.EcsChatAlertsArgs, error) {
	r := &configReader{ctx: ctx, ns: ctx.Project()}
	args := alerts.EcsChatAlertsArgs{
		WebhookUrl:                r.webhook(),
		ChatTarget:                r.str("chatTarget"),
		Environment:               r.str("environment"),
		Events:                    r.list("events"),
		ClusterArns:               r.list("clusterArns"),
		ServiceNames:              r.list("serviceNames"),
		ServiceActionEvents:       r.list("serviceActionEvents"),
		DeploymentEvents:          r.list("deploymentEvents"),
		AlarmNamePrefixes:         r.list("alarmNamePrefixes"),
		NoiseRules:                r.noiseRules(),
		LogLevel:                  r.str("logLevel"),
		MemorySize:                r.intVal("memorySize"),
		Timeout:                   r.intVal("timeout"),
		BatchSize:                 r.intVal("batchSize"),
		BatchingWindow:            r.intPtr("batchingWindow"),
		MaxConcurrency:            r.intVal("maxConcurrency"),
		MaxReceiveCount:           r.intVal("maxReceiveCount"),
		LogRetentionDays:          r.intVal("logRetentionDays"),
		OpsEmail:                  r.str("opsEmail"),
		OldestMessageAlarmSeconds: r.intVal("oldestMessageAlarmSeconds"),
		CreateKmsKey:              r.boolVal("createKmsKey"),
		KmsKeyArn:                 r.str("kmsKeyArn"),
		NotifierZip:               r.str("notifierZip"),
	}
	if len(r.errs) > 0 {
		// Type errors first: range checks on a value that did not parse would only add noise.
		return args, errors.Join(r.errs...)
	}
	if err := alerts.ValidateArgs(componentName, ctx.Stack(), args); err != nil {
		return args, r.namespaced(err)
	}
	return args, nil
}

// namespaced rewrites the component's argument errors to name the stack config keys.
func (r *configReader) namespaced(err error) error {
	list := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	}
	var out []error
	for _, e := range list {
		var ae *alerts.ArgError
		if !errors.As(e, &ae) {
			out = append(out, e)
			continue
		}
		out = append(out, &configError{key: r.full(ae.Key), msg: ae.Message})
	}
	return errors.Join(out...)
}
