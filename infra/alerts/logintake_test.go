package alerts_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/foghornhq/foghorn/infra/alerts"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/intake"
)

const (
	tInvokeCfg  = "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig"
	tPermission = "aws:lambda/permission:Permission"
	tSubFilter  = "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter"
	tAcctPolicy = "aws:cloudwatch/logAccountPolicy:LogAccountPolicy"
)

// The log groups the mocked account holds, as getLogGroups lists them: among them
// foghorn's own, which no subscription may include.
var accountLogGroups = []string{
	"/ecs/payments-api", "/ecs/payments-worker", "/ecs/checkout-api",
	"/aws/lambda/" + alerts.FunctionName(testProjct, testStack, name),
	"/aws/lambda/" + alerts.IntakeFunctionName(testProjct, testStack, name),
	"/aws/lambda/other-team",
}

func logGroupsUnder(prefix string) resource.PropertyMap {
	var names []resource.PropertyValue
	for _, g := range accountLogGroups {
		if strings.HasPrefix(g, prefix) {
			names = append(names, resource.NewStringProperty(g))
		}
	}
	return resource.PropertyMap{"id": resource.NewStringProperty(testRegion), "logGroupNames": resource.NewArrayProperty(names), "arns": resource.NewArrayProperty(nil)}
}

func logAlertArgs(t *testing.T) alerts.EcsChatAlertsArgs {
	a := fullArgs(t)
	a.LogAlertsEnabled = true
	a.LogAlertGroups = []string{"/ecs/checkout-api", "/ecs/payments-*", "/aws/lambda/*"}
	a.LogAlertServices = []alerts.LogServiceArgs{{LogGroup: "/ecs/payments-*", Cluster: "prod-a", Service: "payments"}}
	a.LogAlertMutedPatterns = []alerts.MutedPatternArgs{{Fingerprint: "lp1-0123456789abcdef", Reason: "known, OPS-42"}}
	return a
}

func intakeFunction(t *testing.T, r *recorder) registered {
	t.Helper()
	for _, f := range r.of(tFunction) {
		if str(t, f.Inputs, "name") == alerts.IntakeFunctionName(testProjct, testStack, name) {
			return f
		}
	}
	t.Fatal("no intake function")
	return registered{}
}

func TestLogIntakeFilters(t *testing.T) {
	r := mustRun(t, logAlertArgs(t)).rec
	intakeName := alerts.IntakeFunctionName(testProjct, testStack, name)
	queueURL := "https://sqs." + testRegion + ".amazonaws.com/" + testAccount + "/" + name + "-queue-1a2b3c4"

	// The same zip as the notifier, in intake mode, with no secret in its environment: the
	// names lambda/intake reads (the component keeps its own copy, so that a stack does not
	// link the intake's SQS client).
	fn := intakeFunction(t, r)
	env := fn.Inputs["environment"].ObjectValue()["variables"].ObjectValue()
	if alerts.EnvMode != intake.EnvMode || alerts.ModeIntake != intake.ModeIntake || alerts.EnvQueueURL != intake.EnvQueueURL {
		t.Errorf("the component sets %s=%s and %s, the intake reads %s=%s and %s", alerts.EnvMode, alerts.ModeIntake, alerts.EnvQueueURL, intake.EnvMode, intake.ModeIntake, intake.EnvQueueURL)
	}
	if env[intake.EnvMode].StringValue() != intake.ModeIntake || env[intake.EnvQueueURL].StringValue() != queueURL || len(env) != 3 {
		t.Errorf("intake environment %v", env)
	}
	if str(t, fn.Inputs, "runtime") != "provided.al2023" || str(t, fn.Inputs, "handler") != "bootstrap" {
		t.Errorf("intake runtime %v", fn.Inputs)
	}

	// Its role may send to the queue and the DLQ (its on-failure destination) and write its
	// own log group, nothing else.
	var intakePolicy policyDoc
	for _, p := range r.of(tRolePol) {
		if p.Name == name+"-logs-intake" {
			intakePolicy = parsePolicy(t, str(t, p.Inputs, "policy"))
		}
	}
	queueArn := "arn:aws:sqs:" + testRegion + ":" + testAccount + ":" + name + "-queue-1a2b3c4"
	dlqArn := "arn:aws:sqs:" + testRegion + ":" + testAccount + ":" + name + "-dlq-1a2b3c4"
	checkRolePolicy(t, intakePolicy, map[string]grant{
		"EnqueueLogBatches": {[]string{"sqs:SendMessage"}, []string{queueArn, dlqArn}},
		"WriteOwnLogs":      {[]string{"logs:CreateLogStream", "logs:PutLogEvents"}, []string{"arn:aws:logs:" + testRegion + ":" + testAccount + ":log-group:/aws/lambda/" + intakeName + ":*"}},
	}, "arn:aws:logs:"+testRegion+":"+testAccount+":log-group:/aws/lambda/"+intakeName+":*")

	// Failed asynchronous invocations go to the DLQ after Lambda's retries.
	cfg := r.one(t, tInvokeCfg)
	dest := cfg.Inputs["destinationConfig"].ObjectValue()["onFailure"].ObjectValue()["destination"].StringValue()
	if dest != dlqArn || num(t, cfg.Inputs, "maximumRetryAttempts") != 2 {
		t.Errorf("invoke config: on failure %s, retries %v", dest, cfg.Inputs["maximumRetryAttempts"])
	}

	// One filter per group: the named one and those under the prefixes, never foghorn's own.
	var groups []string
	for _, f := range r.of(tSubFilter) {
		groups = append(groups, str(t, f.Inputs, "logGroup"))
		if str(t, f.Inputs, "filterPattern") != alerts.DefaultLogAlertFilterPattern || str(t, f.Inputs, "name") != intakeName ||
			!strings.HasSuffix(str(t, f.Inputs, "destinationArn"), ":function:"+intakeName) {
			t.Errorf("filter %v", f.Inputs)
		}
	}
	sort.Strings(groups)
	if want := []string{"/aws/lambda/other-team", "/ecs/checkout-api", "/ecs/payments-api", "/ecs/payments-worker"}; !slices.Equal(groups, want) {
		t.Errorf("subscribed %v, want %v", groups, want)
	}
	if len(r.of(tAcctPolicy)) != 0 {
		t.Error("an account policy in filters mode")
	}

	// CloudWatch Logs may invoke the intake only for those groups, from this account.
	var sources []string
	for _, p := range r.of(tPermission) {
		if str(t, p.Inputs, "principal") != "logs.amazonaws.com" || str(t, p.Inputs, "action") != "lambda:InvokeFunction" ||
			str(t, p.Inputs, "sourceAccount") != testAccount || str(t, p.Inputs, "function") != intakeName {
			t.Errorf("permission %v", p.Inputs)
		}
		sources = append(sources, str(t, p.Inputs, "sourceArn"))
	}
	sort.Strings(sources)
	base := "arn:aws:logs:" + testRegion + ":" + testAccount + ":log-group:"
	if want := []string{base + "/aws/lambda/*:*", base + "/ecs/checkout-api:*", base + "/ecs/payments-*:*"}; !slices.Equal(sources, want) {
		t.Errorf("permissions for %v, want %v", sources, want)
	}

	// The notifier may place streams through the watched clusters' tasks.
	var mapping policyDoc
	for _, p := range r.of(tRolePol) {
		if p.Name == name+"-notifier-log-streams" {
			mapping = parsePolicy(t, str(t, p.Inputs, "policy"))
			if str(t, p.Inputs, "role") != name+"-notifier-1a2b3c4" {
				t.Errorf("mapping policy on role %s", str(t, p.Inputs, "role"))
			}
		}
	}
	checkRolePolicy(t, mapping, map[string]grant{
		"DescribeWatchedTasks":             {[]string{"ecs:DescribeTasks"}, []string{"arn:aws:ecs:eu-west-1:123456789012:task/prod-a/*", "arn:aws:ecs:eu-west-1:123456789012:task/prod-b/*"}},
		"ReadTaskDefinitionsForLogStreams": {[]string{"ecs:DescribeTaskDefinition"}, []string{"*"}},
	}, "*", "arn:aws:ecs:eu-west-1:123456789012:task/prod-a/*", "arn:aws:ecs:eu-west-1:123456789012:task/prod-b/*")

	// The document tells the notifier the services, clusters and mutes.
	var doc config.Document
	for _, p := range r.of(tParam) {
		if p.Name == name+"-config" {
			if err := json.Unmarshal([]byte(str(t, p.Inputs, "value")), &doc); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(doc.LogPatterns.Services) != 1 || doc.LogPatterns.Services[0].Service != "payments" || len(doc.LogPatterns.Clusters) != 2 ||
		len(doc.Noise.MutedPatterns) != 1 || doc.LogPatterns.DigestInterval == 0 {
		t.Errorf("document logPatterns %+v, muted %+v", doc.LogPatterns, doc.Noise.MutedPatterns)
	}
}

func TestLogIntakeAccountPolicy(t *testing.T) {
	a := logAlertArgs(t)
	a.LogAlertGroups = nil
	a.LogAlertSubscription = alerts.SubscriptionAccount
	a.LogAlertExcludeGroups = []string{"/aws/lambda/noisy-batch"}
	a.LogAlertFilterPattern = `{ $.level = "error" }`
	r := mustRun(t, a).rec
	intakeName := alerts.IntakeFunctionName(testProjct, testStack, name)
	if len(r.of(tSubFilter)) != 0 {
		t.Error("subscription filters in account mode")
	}
	p := r.one(t, tAcctPolicy)
	if str(t, p.Inputs, "policyType") != "SUBSCRIPTION_FILTER_POLICY" || str(t, p.Inputs, "scope") != "ALL" {
		t.Errorf("account policy %v", p.Inputs)
	}
	// The exclusion AWS warns about: foghorn's own log groups, or it feeds itself. The actions endpoint's group too, whether actions are on or not: it may be turned on later.
	want := `LogGroupName NOT IN ["/aws/lambda/` + alerts.FunctionName(testProjct, testStack, name) + `", "/aws/lambda/` + intakeName +
		`", "/aws/lambda/` + alerts.ActionsFunctionName(testProjct, testStack, name) + `", "/aws/lambda/noisy-batch"]`
	if got := str(t, p.Inputs, "selectionCriteria"); got != want {
		t.Errorf("selection %s\nwant %s", got, want)
	}
	var pd map[string]string
	if err := json.Unmarshal([]byte(str(t, p.Inputs, "policyDocument")), &pd); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(pd["DestinationArn"], ":function:"+intakeName) || pd["FilterPattern"] != `{ $.level = "error" }` {
		t.Errorf("policy document %v", pd)
	}
	perm := r.one(t, tPermission)
	if got := str(t, perm.Inputs, "sourceArn"); got != "arn:aws:logs:"+testRegion+":"+testAccount+":log-group:*:*" || str(t, perm.Inputs, "sourceAccount") != testAccount {
		t.Errorf("account-mode permission for %s", got)
	}
}

func TestLogAlertsOffCreateNothing(t *testing.T) {
	r := mustRun(t, fullArgs(t)).rec
	for _, typ := range []string{tInvokeCfg, tPermission, tSubFilter, tAcctPolicy} {
		if n := len(r.of(typ)); n != 0 {
			t.Errorf("%d %s with log alerts off", n, typ)
		}
	}
	if n := len(r.of(tFunction)); n != 1 {
		t.Errorf("%d functions, want the notifier alone", n)
	}
}

func TestInvalidLogAlertArgs(t *testing.T) {
	cases := map[string]struct {
		edit func(*alerts.EcsChatAlertsArgs)
		key  string
	}{
		"groups without the switch": {func(a *alerts.EcsChatAlertsArgs) { a.LogAlertsEnabled = false }, "logAlertsEnabled"},
		"no groups":                 {func(a *alerts.EcsChatAlertsArgs) { a.LogAlertGroups = nil }, "logAlertGroups"},
		"bad group":                 {func(a *alerts.EcsChatAlertsArgs) { a.LogAlertGroups = []string{"/ecs/a b"} }, "logAlertGroups[0]"},
		"group twice":               {func(a *alerts.EcsChatAlertsArgs) { a.LogAlertGroups = []string{"/ecs/a", "/ecs/a"} }, "logAlertGroups[1]"},
		"own group": {func(a *alerts.EcsChatAlertsArgs) {
			a.LogAlertGroups = []string{"/aws/lambda/" + alerts.FunctionName(testProjct, testStack, name)}
		}, "logAlertGroups[0]"},
		"unknown mode":         {func(a *alerts.EcsChatAlertsArgs) { a.LogAlertSubscription = "stream" }, "logAlertSubscription"},
		"groups with account":  {func(a *alerts.EcsChatAlertsArgs) { a.LogAlertSubscription = alerts.SubscriptionAccount }, "logAlertGroups"},
		"exclude with filters": {func(a *alerts.EcsChatAlertsArgs) { a.LogAlertExcludeGroups = []string{"/x"} }, "logAlertExcludeGroups"},
		"empty pattern":        {func(a *alerts.EcsChatAlertsArgs) { a.LogAlertFilterPattern = " " }, "logAlertFilterPattern"},
		"bad duration":         {func(a *alerts.EcsChatAlertsArgs) { a.LogAlertDigestInterval = "soon" }, "logAlertDigestInterval"},
		"digest out of range":  {func(a *alerts.EcsChatAlertsArgs) { a.LogAlertDigestInterval = "5s" }, "logAlertDigestInterval"},
		"window out of range":  {func(a *alerts.EcsChatAlertsArgs) { a.LogAlertDeploymentWindow = "3h" }, "logAlertDeploymentWindow"},
		"service without name": {func(a *alerts.EcsChatAlertsArgs) {
			a.LogAlertServices = []alerts.LogServiceArgs{{LogGroup: "/ecs/x"}}
		}, "logAlertServices[0].service"},
		"bad fingerprint": {func(a *alerts.EcsChatAlertsArgs) {
			a.LogAlertMutedPatterns = []alerts.MutedPatternArgs{{Fingerprint: "abc", Reason: "x"}}
		}, "logAlertMutedPatterns[0].fingerprint"},
		"mute without reason": {func(a *alerts.EcsChatAlertsArgs) {
			a.LogAlertMutedPatterns = []alerts.MutedPatternArgs{{Fingerprint: "lp1-0123456789abcdef"}}
		}, "logAlertMutedPatterns[0].reason"},
	}
	for label, tc := range cases {
		t.Run(label, func(t *testing.T) {
			a := logAlertArgs(t)
			tc.edit(&a)
			_, err := run(t, a, true)
			if err == nil {
				t.Fatal("accepted")
			}
			var keys []string
			for _, ae := range argErrors(err) {
				keys = append(keys, ae.Key)
			}
			if !slices.Contains(keys, tc.key) {
				t.Errorf("errors name %v, want %s: %v", keys, tc.key, err)
			}
		})
	}
}

// TestAccountPolicyExclusions: the account-level policy excludes foghorn's own three log
// groups and at most 47 more (50 in all); the 48th is refused under logAlertExcludeGroups, as
// Pulumi.yaml says.
func TestAccountPolicyExclusions(t *testing.T) {
	for _, tc := range []struct {
		groups int
		ok     bool
	}{{1, true}, {47, true}, {48, false}} {
		a := logAlertArgs(t)
		a.LogAlertSubscription = alerts.SubscriptionAccount
		a.LogAlertGroups = nil
		for i := range tc.groups {
			a.LogAlertExcludeGroups = append(a.LogAlertExcludeGroups, fmt.Sprintf("/aws/lambda/batch-%02d", i))
		}
		err := alerts.ValidateArgs(name, testStack, a)
		var keys []string
		for _, ae := range argErrors(err) {
			keys = append(keys, ae.Key)
		}
		switch {
		case tc.ok && err != nil:
			t.Errorf("%d excluded groups: %v", tc.groups, err)
		case !tc.ok && !slices.Equal(keys, []string{"logAlertExcludeGroups"}):
			t.Errorf("%d excluded groups: errors name %v, want logAlertExcludeGroups: %v", tc.groups, keys, err)
		}
	}
}

// Preview runs with log alerts on: the prefixes are listed and the graph planned.
func TestLogAlertsPreview(t *testing.T) {
	res, err := run(t, logAlertArgs(t), true)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(res.rec.of(tSubFilter)); n != 4 {
		t.Errorf("%d subscription filters planned, want 4", n)
	}
}
