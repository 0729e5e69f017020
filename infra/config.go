package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/foghornhq/foghorn/infra/alerts"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/policy"
)

// componentName names the stack's one EcsChatAlerts. Changing it replaces every resource.
const componentName = "foghorn"

// configKeys is every key the program reads, each declared in Pulumi.yaml with its type,
// default and description (a test keeps the two in step).
var configKeys = []string{
	"webhookUrl", "chatTarget", "environment",
	"destinations", "destinationSecrets", "destinationSigningSecrets", "routes", "default",
	"events", "clusterArns", "serviceNames", "serviceActionEvents", "deploymentEvents", "alarmNamePrefixes",
	"noiseRulesOn", "noiseRulesOff",
	"logLevel", "memorySize", "timeout", "batchSize", "batchingWindow", "maxConcurrency", "maxReceiveCount", "logRetentionDays",
	"opsEmail", "oldestMessageAlarmSeconds",
	"crashLoopThreshold", "crashLoopWindow", "crashLoopDigestInterval", "stateTablePointInTimeRecovery",
	"logTailEnabled", "logTailLines", "logTailBudget", "logGroupPrefixes", "logGroupsAll", "logRegions", "logRedactPatterns",
	"logAlertsEnabled", "logAlertGroups", "logAlertFilterPattern", "logAlertSubscription", "logAlertExcludeGroups",
	"logAlertServices", "logAlertMutedPatterns", "logAlertDigestInterval", "logAlertQuietAfter", "logAlertDeploymentWindow",
	"createKmsKey", "kmsKeyArn", "notifierZip",
	"actionsEnabled", "actionsSigningSecret", "actionsAllow", "actionsServices", "actionsBotDestination",
}

// configReader reads the project's stack config, collecting one error per bad key.
type configReader struct {
	ctx  *pulumi.Context
	ns   string
	errs []error
	// get, when set, reads another stack's config (full keys) instead of ctx's.
	get func(key string) (string, bool)
}

func (r *configReader) full(key string) string { return r.ns + ":" + key }

func (r *configReader) bad(key, format string, a ...any) {
	r.errs = append(r.errs, &config.Error{Key: r.full(key), Message: fmt.Sprintf(format, a...)})
}

func (r *configReader) raw(key string) (string, bool) {
	get := r.get
	if get == nil {
		get = r.ctx.GetConfig
	}
	v, ok := get(r.full(key))
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

// webhook reads the secret webhook URL of the one-destination shortcut. Its value never
// appears in a message. It is required unless there are destinations.
func (r *configReader) webhook(required bool) pulumi.StringInput {
	const key = "webhookUrl"
	v, ok := r.raw(key)
	if !ok {
		if required {
			r.bad(key, "is required unless destinations are set: run `pulumi config set --secret %s <webhook URL>`", key)
		}
		return nil
	}
	if !r.ctx.IsConfigSecret(r.full(key)) {
		r.bad(key, "is stored in plain text: set it again with `pulumi config set --secret %s <webhook URL>`", key)
		return nil
	}
	shape := config.CheckSecrets(cmp.Or(r.str("chatTarget"), alerts.DefaultChatTarget), config.Secrets{Value: v})
	if r.badShape(key, shape, config.KeySecret) {
		return nil
	}
	return secretString(v)
}

func secretString(v string) pulumi.StringOutput {
	return pulumi.ToSecret(pulumi.String(v)).(pulumi.StringOutput)
}

// destinationEntry is one element of the destinations key. Its secrets are set apart, under
// destinationSecrets and destinationSigningSecrets, so they can be encrypted one by one with
// `pulumi config set --secret --path` while the rest stays readable in the stack file.
type destinationEntry struct {
	Name    string `json:"name"`
	Target  string `json:"target"`
	Channel string `json:"channel,omitempty"`
	// Buttons turns the chat action buttons on or off for a Slack destination.
	Buttons *bool `json:"buttons,omitempty"`
}

// objects reads a key holding a list of objects, as raw JSON each.
func (r *configReader) objects(key, example string) []json.RawMessage {
	v, ok := r.raw(key)
	if !ok {
		return nil
	}
	var out []json.RawMessage
	if err := json.Unmarshal([]byte(v), &out); err != nil {
		r.bad(key, "must be a list of objects, e.g. %s", example)
		return nil
	}
	return out
}

// strict decodes one object of the stack config at key, refusing keys the type does not
// have: a misspelt key would otherwise be dropped silently (and a misspelt matcher would
// widen its route to every alert). Each problem is reported under its own key
// (routes[0].match.servce), with the key it most likely meant, then hint. Stack config turns
// values such as account ids into numbers; every value these objects hold is a string or a
// boolean, so numbers are read back as the text they were written as. It reports whether the
// object was read whole; what could be read is in v either way.
func (r *configReader) strict(key string, raw json.RawMessage, v any, hint string) bool {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var generic any
	if err := dec.Decode(&generic); err != nil {
		r.bad(key, "%v%s", err, hint)
		return false
	}
	b, err := json.Marshal(numbersAsText(generic))
	if err != nil {
		r.bad(key, "%v%s", err, hint)
		return false
	}
	err = config.DecodeValue(b, v)
	if err == nil {
		return true
	}
	problems := config.Problems(err)
	if len(problems) == 0 {
		r.bad(key, "%v%s", err, hint)
	}
	for _, p := range problems {
		k := key
		switch {
		case p.Key == "":
		case p.Key[0] == '[':
			k += p.Key
		default:
			k += "." + p.Key
		}
		r.bad(k, "%s%s", p.Message, hint)
	}
	return false
}

func numbersAsText(v any) any {
	switch v := v.(type) {
	case json.Number:
		return v.String()
	case map[string]any:
		for k, x := range v {
			v[k] = numbersAsText(x)
		}
	case []any:
		for i, x := range v {
			v[i] = numbersAsText(x)
		}
	}
	return v
}

// secrets reads a secret object of strings by destination name (destinationSecrets,
// destinationSigningSecrets). Values are never shown.
// ok is false when the key is unusable (and reported), so that its destinations are not
// reported once more each.
func (r *configReader) secrets(key string) (_ map[string]string, ok bool) {
	v, set := r.raw(key)
	if !set {
		return nil, true
	}
	var out map[string]string
	if err := json.Unmarshal([]byte(v), &out); err != nil {
		r.bad(key, "must map destination names to secrets: `pulumi config set --secret --path '%s.<destination>' <value>`", key)
		return nil, false
	}
	if len(out) > 0 && !r.ctx.IsConfigSecret(r.full(key)) {
		r.bad(key, "is stored in plain text: set each value again with `pulumi config set --secret --path '%s.<destination>' <value>`", key)
		return nil, false
	}
	return out, true
}

// destinations reads the destinations and their secrets. A destination's secrets are checked
// for the shape its target needs, by the notifier's own rule, without ever being shown.
// set says whether the key holds anything, valid or not, so that webhookUrl is not asked for
// on top of an invalid destinations value.
func (r *configReader) destinations() (_ []alerts.DestinationArgs, set bool) {
	if v, ok := r.raw("destinations"); !ok || v == "[]" {
		return nil, false
	}
	raw := r.objects("destinations", `[{"name": "prod-slack", "target": "slack"}]`)
	if len(raw) == 0 {
		return nil, true
	}
	secrets, secretsOK := r.secrets("destinationSecrets")
	signing, signingOK := r.secrets("destinationSigningSecrets")
	var out []alerts.DestinationArgs
	names := map[string]bool{}
	for i, m := range raw {
		key := fmt.Sprintf("destinations[%d]", i)
		var e destinationEntry
		if !r.strict(key, m, &e, " (a destination has name, target and, for slack-bot, channel; Slack ones may say buttons; its secrets go under destinationSecrets and destinationSigningSecrets)") {
			names[e.Name] = true // its name, if it has one, so its secrets are not reported as strays
			continue
		}
		d := alerts.DestinationArgs{Name: e.Name, Target: e.Target, Channel: e.Channel, Buttons: e.Buttons}
		names[e.Name] = true
		// The component reports a missing or malformed name; a secret can only be looked up
		// under a well-formed one.
		shape := config.CheckSecrets(e.Target, config.Secrets{Value: secrets[e.Name], SigningKey: signing[e.Name]})
		if alerts.ValidDestinationName(e.Name) && secretsOK {
			d.Secret = r.destinationSecret(e, secrets, shape)
		}
		if alerts.ValidDestinationName(e.Name) && signingOK {
			d.SigningSecret = r.signingSecret(e, signing, shape)
		}
		out = append(out, d)
	}
	for _, k := range []struct {
		key    string
		values map[string]string
	}{{"destinationSecrets", secrets}, {"destinationSigningSecrets", signing}} {
		for _, n := range slices.Sorted(maps.Keys(k.values)) {
			if !names[n] {
				r.bad(k.key+"."+n, "no destination is named %q: remove it with `pulumi config rm --path '%s.%s'`", n, k.key, n)
			}
		}
	}
	return out, true
}

// destinationSecret and signingSecret read a destination's secrets, given what
// config.CheckSecrets, the notifier's own rule, says of their shapes: a secret it refuses stops
// the function at cold start, so the stack refuses exactly those, at preview.
func (r *configReader) destinationSecret(e destinationEntry, secrets map[string]string, shape error) pulumi.StringInput {
	key := "destinationSecrets." + e.Name
	v, ok := secrets[e.Name]
	what := "webhook URL"
	if e.Target == config.SlackBot {
		what = "bot token"
	}
	if !ok || v == "" {
		r.bad(key, "is required: run `pulumi config set --secret --path '%s' <%s>`", key, what)
		return nil
	}
	if r.badShape(key, shape, config.KeySecret) {
		return nil
	}
	return secretString(v)
}

func (r *configReader) signingSecret(e destinationEntry, signing map[string]string, shape error) pulumi.StringInput {
	key := "destinationSigningSecrets." + e.Name
	v, ok := signing[e.Name]
	switch {
	case e.Target != config.Webhook:
		if ok {
			r.bad(key, "only destinations of target webhook sign their requests")
		}
		return nil
	case !ok || v == "":
		r.bad(key, "is required for target webhook: run `pulumi config set --secret --path '%s' \"$(openssl rand -hex 32)\"`", key)
		return nil
	case r.badShape(key, shape, config.KeySigningSecret):
		return nil
	}
	return secretString(v)
}

// badShape reports, under key, the problem of shape (config.CheckSecrets's error) keyed
// which, if there is one. The value is never shown.
func (r *configReader) badShape(key string, shape error, which string) bool {
	for _, p := range config.Problems(shape) {
		if p.Key == which {
			r.bad(key, "%s (the value is not shown because it is secret)", p.Message)
			return true
		}
	}
	return false
}

// routes reads the routes, each an object with the config document's keys
// (lambda/config/README.md).
func (r *configReader) routes() []alerts.RouteArgs {
	raw := r.objects("routes", `[{"name": "prod", "match": {"minSeverity": "warning"}, "destinations": ["prod-slack"]}]`)
	var out []alerts.RouteArgs
	for i, m := range raw {
		var route alerts.RouteArgs
		if !r.strict(fmt.Sprintf("routes[%d]", i), m, &route, " (the keys are the config document's: lambda/config/README.md)") {
			continue
		}
		out = append(out, route)
	}
	return out
}

// logObjects reads a list of objects of one type, refusing unknown keys in each.
func logObjects[T any](r *configReader, key, example string) []T {
	var out []T
	for i, m := range r.objects(key, example) {
		var v T
		if !r.strict(fmt.Sprintf("%s[%d]", key, i), m, &v, " (e.g. "+example+")") {
			continue
		}
		out = append(out, v)
	}
	return out
}

// loadArgs reads the stack config into the component's arguments, reporting what only the
// stack config can get wrong: values of the wrong type, secrets stored in plain text or of the
// wrong shape. The component checks the rest (namespaced names those errors' keys). Every
// problem is one line naming the key (project:key) and what is allowed; returning them fails
// `pulumi preview` before anything is planned.
func loadArgs(ctx *pulumi.Context) (alerts.EcsChatAlertsArgs, error) {
	r := &configReader{ctx: ctx, ns: ctx.Project()}
	destinations, routed := r.destinations()
	args := alerts.EcsChatAlertsArgs{
		WebhookUrl:                    r.webhook(!routed),
		ChatTarget:                    r.str("chatTarget"),
		Destinations:                  destinations,
		Routes:                        r.routes(),
		Default:                       r.list("default"),
		Environment:                   r.str("environment"),
		Events:                        r.list("events"),
		ClusterArns:                   r.list("clusterArns"),
		ServiceNames:                  r.list("serviceNames"),
		ServiceActionEvents:           r.list("serviceActionEvents"),
		DeploymentEvents:              r.list("deploymentEvents"),
		AlarmNamePrefixes:             r.list("alarmNamePrefixes"),
		NoiseRules:                    r.noiseRules(),
		LogLevel:                      r.str("logLevel"),
		MemorySize:                    r.intVal("memorySize"),
		Timeout:                       r.intVal("timeout"),
		BatchSize:                     r.intVal("batchSize"),
		BatchingWindow:                r.intPtr("batchingWindow"),
		MaxConcurrency:                r.intVal("maxConcurrency"),
		MaxReceiveCount:               r.intVal("maxReceiveCount"),
		LogRetentionDays:              r.intVal("logRetentionDays"),
		OpsEmail:                      r.str("opsEmail"),
		OldestMessageAlarmSeconds:     r.intVal("oldestMessageAlarmSeconds"),
		CrashLoopThreshold:            r.intVal("crashLoopThreshold"),
		CrashLoopWindow:               r.str("crashLoopWindow"),
		CrashLoopDigestInterval:       r.str("crashLoopDigestInterval"),
		StateTablePointInTimeRecovery: r.boolVal("stateTablePointInTimeRecovery"),
		LogTailEnabled:                r.boolVal("logTailEnabled"),
		LogTailLines:                  r.intVal("logTailLines"),
		LogTailBudget:                 r.str("logTailBudget"),
		LogGroupPrefixes:              r.list("logGroupPrefixes"),
		LogGroupsAll:                  r.boolVal("logGroupsAll"),
		LogRegions:                    r.list("logRegions"),
		LogRedactPatterns:             r.list("logRedactPatterns"),
		LogAlertsEnabled:              r.boolVal("logAlertsEnabled"),
		LogAlertGroups:                r.list("logAlertGroups"),
		LogAlertFilterPattern:         r.str("logAlertFilterPattern"),
		LogAlertSubscription:          r.str("logAlertSubscription"),
		LogAlertExcludeGroups:         r.list("logAlertExcludeGroups"),
		LogAlertServices:              logObjects[alerts.LogServiceArgs](r, "logAlertServices", `[{"logGroup": "/ecs/checkout-api", "cluster": "prod", "service": "checkout-api"}]`),
		LogAlertMutedPatterns:         logObjects[alerts.MutedPatternArgs](r, "logAlertMutedPatterns", `[{"fingerprint": "lp1-0123456789abcdef", "reason": "known, OPS-42"}]`),
		LogAlertDigestInterval:        r.str("logAlertDigestInterval"),
		LogAlertQuietAfter:            r.str("logAlertQuietAfter"),
		LogAlertDeploymentWindow:      r.str("logAlertDeploymentWindow"),
		CreateKmsKey:                  r.boolVal("createKmsKey"),
		KmsKeyArn:                     r.str("kmsKeyArn"),
		NotifierZip:                   r.str("notifierZip"),
	}
	r.actions(&args)
	// Type errors first: range checks on a value that did not parse would only add noise.
	return args, errors.Join(r.errs...)
}

// namespaced rewrites the component's argument errors to name the stack config keys
// (project:key); other errors pass through.
func namespaced(project string, err error) error {
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
		out = append(out, &config.Error{Key: project + ":" + ae.Key, Message: ae.Message})
	}
	return errors.Join(out...)
}
