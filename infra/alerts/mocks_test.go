package alerts_test

import (
	"cmp"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/foghornhq/foghorn/infra/alerts"
)

// Obviously fake values.
const (
	testAccount = "123456789012"
	testRegion  = "eu-west-1"
	testWebhook = "https://hooks.slack.example/services/T00000000/B00000000/FAKEFAKEFAKEFAKE"
)

// registered is one resource the program registered.
type registered struct {
	Type, Name, Parent string
	Custom             bool
	Inputs             resource.PropertyMap
	Physical           string
	// Deps are the URNs the resource depends on: DependsOn and the inputs' resources.
	Deps []string
}

// recorder is a mock resource monitor that records every registration and returns outputs
// shaped like the provider's (ARNs, names, URLs), so applies on them run as in a deployment.
type recorder struct {
	mu        sync.Mutex
	resources []registered
	// partition and region shape the ARNs it returns: "aws" and testRegion when empty.
	partition, region string
}

func (r *recorder) NewResource(a pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	outs := a.Inputs.Copy()
	physical := a.Name + "-1a2b3c4" // what auto-naming would add
	if v, ok := a.Inputs["name"]; ok && v.IsString() && v.StringValue() != "" {
		physical = v.StringValue()
	}
	region := cmp.Or(r.region, testRegion)
	prefix := "arn:" + cmp.Or(r.partition, "aws") + ":"
	arn := ""
	switch a.TypeToken {
	case "aws:sns/topic:Topic":
		arn = prefix + "sns:" + region + ":" + testAccount + ":" + physical
	case "aws:sqs/queue:Queue":
		arn = prefix + "sqs:" + region + ":" + testAccount + ":" + physical
		outs["url"] = resource.NewStringProperty("https://sqs." + region + ".amazonaws.com/" + testAccount + "/" + physical)
	case "aws:cloudwatch/eventRule:EventRule":
		arn = prefix + "events:" + region + ":" + testAccount + ":rule/" + physical
	case "aws:ssm/parameter:Parameter":
		arn = prefix + "ssm:" + region + ":" + testAccount + ":parameter/" + physical
	case "aws:cloudwatch/logGroup:LogGroup":
		arn = prefix + "logs:" + region + ":" + testAccount + ":log-group:" + physical
	case "aws:iam/role:Role":
		arn = prefix + "iam::" + testAccount + ":role/" + physical
	case "aws:lambda/function:Function":
		arn = prefix + "lambda:" + region + ":" + testAccount + ":function:" + physical
	case "aws:kms/key:Key":
		arn = prefix + "kms:" + region + ":" + testAccount + ":key/1234abcd-12ab-34cd-56ef-1234567890ab"
	case "aws:dynamodb/table:Table":
		arn = prefix + "dynamodb:" + region + ":" + testAccount + ":table/" + physical
	case "aws:cloudwatch/metricAlarm:MetricAlarm":
		arn = prefix + "cloudwatch:" + region + ":" + testAccount + ":alarm:" + physical
	case "aws:apigatewayv2/api:Api":
		// An HTTP API's id names its endpoint and its execution ARN.
		outs["apiEndpoint"] = resource.NewStringProperty("https://a1b2c3d4e5.execute-api." + region + ".amazonaws.com")
		outs["executionArn"] = resource.NewStringProperty(prefix + "execute-api:" + region + ":" + testAccount + ":a1b2c3d4e5")
	}
	if arn != "" {
		outs["arn"] = resource.NewStringProperty(arn)
		outs["name"] = resource.NewStringProperty(physical)
	}
	parent := ""
	var deps []string
	if a.RegisterRPC != nil {
		parent = a.RegisterRPC.GetParent()
		deps = a.RegisterRPC.GetDependencies()
	}
	r.mu.Lock()
	r.resources = append(r.resources, registered{Type: a.TypeToken, Name: a.Name, Parent: parent, Custom: a.Custom, Inputs: a.Inputs, Physical: physical, Deps: deps})
	r.mu.Unlock()
	return a.Name + "-id", outs, nil
}

func (r *recorder) Call(a pulumi.MockCallArgs) (resource.PropertyMap, error) {
	switch a.Token {
	case "aws:index/getCallerIdentity:getCallerIdentity":
		return resource.PropertyMap{"accountId": resource.NewStringProperty(testAccount), "arn": resource.NewStringProperty("arn:aws:iam::" + testAccount + ":user/ci"), "id": resource.NewStringProperty(testAccount), "userId": resource.NewStringProperty("AIDAFAKE")}, nil
	case "aws:index/getPartition:getPartition":
		return resource.PropertyMap{"partition": resource.NewStringProperty("aws"), "dnsSuffix": resource.NewStringProperty("amazonaws.com"), "id": resource.NewStringProperty("aws")}, nil
	case "aws:index/getRegion:getRegion":
		return resource.PropertyMap{"name": resource.NewStringProperty(testRegion), "id": resource.NewStringProperty(testRegion)}, nil
	case "aws:cloudwatch/getLogGroups:getLogGroups":
		return logGroupsUnder(a.Args["logGroupNamePrefix"].StringValue()), nil
	}
	return a.Args, nil
}

// of returns the registered resources of one type.
func (r *recorder) of(typ string) []registered {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []registered
	for _, x := range r.resources {
		if x.Type == typ {
			out = append(out, x)
		}
	}
	return out
}

func (r *recorder) one(t *testing.T, typ string) registered {
	t.Helper()
	rs := r.of(typ)
	if len(rs) != 1 {
		t.Fatalf("%d resources of type %s, want 1", len(rs), typ)
	}
	return rs[0]
}

func (r *recorder) named(t *testing.T, typ, name string) registered {
	t.Helper()
	for _, x := range r.of(typ) {
		if x.Name == name {
			return x
		}
	}
	t.Fatalf("no %s named %s", typ, name)
	return registered{}
}

func str(t *testing.T, in resource.PropertyMap, key string) string {
	t.Helper()
	v, ok := in[resource.PropertyKey(key)]
	if !ok {
		t.Fatalf("input %q not set", key)
	}
	if v.IsSecret() {
		v = v.SecretValue().Element
	}
	if !v.IsString() {
		t.Fatalf("input %q is %v, not a string", key, v)
	}
	return v.StringValue()
}

func num(t *testing.T, in resource.PropertyMap, key string) int {
	t.Helper()
	v, ok := in[resource.PropertyKey(key)]
	if !ok || !v.IsNumber() {
		t.Fatalf("input %q is %v, not a number", key, v)
	}
	return int(v.NumberValue())
}

// policyDoc parses a policy document input.
type policyDoc struct {
	Version   string
	Statement []statement
}

type statement struct {
	Sid       string
	Effect    string
	Principal map[string]any
	Action    []string
	Resource  []string
	Condition map[string]map[string]any
}

func parsePolicy(t *testing.T, js string) policyDoc {
	t.Helper()
	var d policyDoc
	dec := json.NewDecoder(strings.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("policy is not a valid document: %v\n%s", err, js)
	}
	if d.Version != "2012-10-17" || len(d.Statement) == 0 {
		t.Fatalf("policy version %q with %d statements", d.Version, len(d.Statement))
	}
	for _, s := range d.Statement {
		if s.Sid == "" || s.Effect != "Allow" || len(s.Action) == 0 {
			t.Errorf("statement %+v: want a Sid, Allow and actions", s)
		}
	}
	return d
}

func (d policyDoc) stmt(t *testing.T, sid string) statement {
	t.Helper()
	for _, x := range d.Statement {
		if x.Sid == sid {
			return x
		}
	}
	t.Fatalf("no statement %s", sid)
	return statement{}
}

// fakeZip stands in for the notifier's zip in tests that do not build it.
func fakeZip(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "notifier.zip")
	if err := os.WriteFile(p, []byte("PK\x05\x06"+strings.Repeat("\x00", 18)), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// walk calls fn for every value under v, with whether a secret wraps it.
func walk(v resource.PropertyValue, secret bool, fn func(v resource.PropertyValue, secret bool)) {
	if v.IsSecret() {
		walk(v.SecretValue().Element, true, fn)
		return
	}
	fn(v, secret)
	switch {
	case v.IsObject():
		for _, x := range v.ObjectValue() {
			walk(x, secret, fn)
		}
	case v.IsArray():
		for _, x := range v.ArrayValue() {
			walk(x, secret, fn)
		}
	case v.IsOutput():
		walk(v.OutputValue().Element, secret || v.OutputValue().Secret, fn)
	}
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

func sameSet(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// argErrors collects every *alerts.ArgError in err's tree.
func argErrors(err error) []*alerts.ArgError {
	var out []*alerts.ArgError
	var visit func(error)
	visit = func(e error) {
		if e == nil {
			return
		}
		if ae, ok := e.(*alerts.ArgError); ok {
			out = append(out, ae)
			return
		}
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			for _, x := range u.Unwrap() {
				visit(x)
			}
		case interface{ Unwrap() error }:
			visit(u.Unwrap())
		}
	}
	visit(err)
	return out
}

func paramArn(physical string) string {
	return "arn:aws:ssm:" + testRegion + ":" + testAccount + ":parameter/" + physical
}

func tableArn(physical string) string {
	return "arn:aws:dynamodb:" + testRegion + ":" + testAccount + ":table/" + physical
}

// anyList reads a policy value that may be one string or a list of them.
func anyList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	return []any{v}
}

// grant is what one role policy statement allows.
type grant struct {
	actions, resources []string
}

// checkRolePolicy asserts the role policy holds exactly the statements in want, each with
// exactly its actions and resources (in order), and no wildcard beyond those in allowed.
func checkRolePolicy(t *testing.T, rp policyDoc, want map[string]grant, allowed ...string) {
	t.Helper()
	if len(rp.Statement) != len(want) {
		var sids []string
		for _, s := range rp.Statement {
			sids = append(sids, s.Sid)
		}
		t.Errorf("role policy has statements %v, want %d", sids, len(want))
	}
	for sid, w := range want {
		s := rp.stmt(t, sid)
		if s.Effect != "Allow" || !slices.Equal(s.Action, w.actions) || !slices.Equal(s.Resource, w.resources) {
			t.Errorf("%s: %v on %v, want %v on %v", sid, s.Action, s.Resource, w.actions, w.resources)
		}
	}
	for _, s := range rp.Statement {
		for _, res := range s.Resource {
			if strings.Contains(res, "*") && !slices.Contains(allowed, res) {
				t.Errorf("%s: wildcard resource %s", s.Sid, res)
			}
		}
		for _, a := range s.Action {
			if strings.Contains(a, "*") {
				t.Errorf("%s: wildcard action %s", s.Sid, a)
			}
		}
	}
}

// logRecorder stands in for the engine's log stream, keeping the warnings.
type logRecorder struct {
	mu       sync.Mutex
	warnings []string
}

func (l *logRecorder) Debug(string, *pulumi.LogArgs) error { return nil }
func (l *logRecorder) Info(string, *pulumi.LogArgs) error  { return nil }
func (l *logRecorder) Error(string, *pulumi.LogArgs) error { return nil }
func (l *logRecorder) Warn(msg string, _ *pulumi.LogArgs) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.warnings = append(l.warnings, msg)
	return nil
}
