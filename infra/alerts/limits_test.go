package alerts_test

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/foghornhq/foghorn/infra/alerts"
)

// The AWS limits preview checks. Each is tested at the limit (accepted, and what up would
// store is that size) and one past it (refused, naming the key, the size and the limit).

// oneArgError asserts err holds exactly one argument error, naming key and saying each of says.
func oneArgError(t *testing.T, err error, key string, says ...string) {
	t.Helper()
	aes := argErrors(err)
	if len(aes) != 1 {
		t.Fatalf("got %d argument errors in %v, want one naming %s", len(aes), err, key)
	}
	msg := aes[0].Error()
	if aes[0].Key != key || strings.Contains(msg, "\n") {
		t.Errorf("error %q, want one line naming %q", msg, key)
	}
	for _, s := range says {
		if !strings.Contains(msg, s) {
			t.Errorf("error %q does not say %q", msg, s)
		}
	}
	t.Logf("%v", aes[0])
}

// withMuteReason makes the config document grow by one character per unit of pad: a route
// muted for a reason of pad x's.
func withMuteReason(a alerts.EcsChatAlertsArgs, pad int) alerts.EcsChatAlertsArgs {
	routed(&a)
	a.Routes[0].Mute = []alerts.MuteArgs{{
		Reason: "x" + strings.Repeat("x", pad),
		Weekly: &alerts.WeeklyMuteArgs{Days: []string{"sun"}, Start: "02:00", End: "04:00"},
	}}
	return a
}

// TestConfigDocumentTier: the document goes into a Standard parameter up to 4,096 characters,
// an Intelligent-Tiering one up to 8,192, and past that preview refuses it naming the key
// that takes the most room. The size is that of the stored document, the parameter names
// auto-naming gives included.
func TestConfigDocumentTier(t *testing.T) {
	base := mustRun(t, withMuteReason(minimalArgs(t), 0)).rec
	size0 := len(str(t, base.named(t, tParam, name+"-config").Inputs, "value"))
	for _, c := range []struct {
		size int
		tier string
	}{
		{alerts.MaxStandardParameter, alerts.TierStandard},
		{alerts.MaxStandardParameter + 1, alerts.TierIntelligentTiering},
		{alerts.MaxAdvancedParameter, alerts.TierIntelligentTiering},
	} {
		for _, dry := range []bool{false, true} {
			res, err := runWith(t, withMuteReason(minimalArgs(t), c.size-size0), runOpts{dryRun: dry})
			if err != nil {
				t.Fatalf("%d characters: %v", c.size, err)
			}
			cfg := res.rec.named(t, tParam, name+"-config").Inputs
			if got := str(t, cfg, "tier"); got != c.tier {
				t.Errorf("%d characters (preview %v): tier %s, want %s", c.size, dry, got, c.tier)
			}
			if !dry {
				if got := len(str(t, cfg, "value")); got != c.size {
					t.Errorf("stored document of %d characters, want %d", got, c.size)
				}
				document(t, res.rec) // the notifier reads it
			}
		}
	}
	over := alerts.MaxAdvancedParameter + 1
	res, err := runWith(t, withMuteReason(minimalArgs(t), over-size0), runOpts{dryRun: true})
	oneArgError(t, err, "routes", strconv.Itoa(over), strconv.Itoa(alerts.MaxAdvancedParameter))
	if len(res.rec.resources) != 0 {
		t.Errorf("%d resources registered before the document was refused", len(res.rec.resources))
	}
}

// TestConfigDocumentNamesTheLargestKey: the refusal names the key that makes the document
// large, whichever it is.
func TestConfigDocumentNamesTheLargestKey(t *testing.T) {
	a := minimalArgs(t)
	a.LogTailEnabled = true
	for i := 0; i < 20; i++ {
		a.LogGroupPrefixes = append(a.LogGroupPrefixes, fmt.Sprintf("/ecs/%02d-%s", i, strings.Repeat("p", 400)))
	}
	_, err := run(t, a, true)
	oneArgError(t, err, "logGroupPrefixes", "logGroupPrefixes take", strconv.Itoa(alerts.MaxAdvancedParameter))
}

// withServices makes the role policy grow by one character per unit of pad: n services named
// (without clusters, so each is one ARN), pad characters longer in all. Only the alarm rule
// is asked for, so no event pattern holds the names (EventBridge's own limit would come first).
func withServices(a alerts.EcsChatAlertsArgs, n, pad int) alerts.EcsChatAlertsArgs {
	a.Events = []string{"alarm"}
	a.ServiceNames = nil
	for i := 0; i < n; i++ {
		s := fmt.Sprintf("service-%03d-%s", i, strings.Repeat("s", 100))
		grow := min(pad, 255-len(s)) // ECS's longest service name
		pad -= grow
		a.ServiceNames = append(a.ServiceNames, s+strings.Repeat("s", grow))
	}
	return a
}

// rolePolicySize runs args and returns the stored role policy's length.
func rolePolicySize(t *testing.T, args alerts.EcsChatAlertsArgs, o runOpts) int {
	t.Helper()
	res, err := runWith(t, args, o)
	if err != nil {
		t.Fatal(err)
	}
	js := str(t, res.rec.one(t, tRolePol).Inputs, "policy")
	parsePolicy(t, js)
	if strings.ContainsAny(js, " \n\t") {
		t.Errorf("the policy holds white space, which IAM would not count: %s", js)
	}
	return len(js)
}

// TestRolePolicyAtTheLimit: a policy of exactly 10,240 characters deploys; one character
// more, in its most compact form, is refused naming the key that makes it large. The size
// preview measures is the size up stores.
func TestRolePolicyAtTheLimit(t *testing.T) {
	const n = 50
	size0 := rolePolicySize(t, withServices(minimalArgs(t), n, 0), runOpts{})
	pad := alerts.MaxRolePolicy - size0
	if got := rolePolicySize(t, withServices(minimalArgs(t), n, pad), runOpts{}); got != alerts.MaxRolePolicy {
		t.Errorf("stored policy of %d characters, want %d", got, alerts.MaxRolePolicy)
	}
	res, err := runWith(t, withServices(minimalArgs(t), n, pad+1), runOpts{dryRun: true})
	oneArgError(t, err, "serviceNames", strconv.Itoa(alerts.MaxRolePolicy+1), strconv.Itoa(alerts.MaxRolePolicy))
	if len(res.rec.resources) != 0 {
		t.Errorf("%d resources registered before the policy was refused", len(res.rec.resources))
	}
}

// TestRolePolicyWorstCase: without the stack's region, preview measures every ARN at its
// longest (partition, region, auto-names), so a stack in the longest partition and region
// stores exactly what preview measured, and a policy preview accepts never exceeds the limit.
func TestRolePolicyWorstCase(t *testing.T) {
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	worst := func() runOpts {
		return runOpts{noRegion: true, rec: &recorder{partition: "aws-us-gov", region: "xx-xxxxxxxxxx-16"}}
	}
	const n = 45
	a := withServices(minimalArgs(t), n, 0)
	a.CreateKmsKey = true // the key's ARN is unknown at preview too
	size0 := rolePolicySize(t, a, worst())
	pad := alerts.MaxRolePolicy - size0
	a = withServices(a, n, pad)
	if err := alerts.ValidateArgs(name, testStack, a); err != nil {
		t.Fatalf("preview refuses a policy of %d characters: %v", alerts.MaxRolePolicy, err)
	}
	if got := rolePolicySize(t, a, worst()); got != alerts.MaxRolePolicy {
		t.Errorf("stored policy of %d characters, want %d", got, alerts.MaxRolePolicy)
	}
	// A shorter region stores less than preview measured, never more.
	if got := rolePolicySize(t, a, runOpts{noRegion: true}); got >= alerts.MaxRolePolicy {
		t.Errorf("in eu-west-1 the policy is %d characters, not under the worst case", got)
	}
	// One character more no longer fits as written exactly: the decryption grant loses its list
	// of parameters (the same grant in effect) and the policy fits again.
	res, err := runWith(t, withServices(a, n, pad+1), worst())
	if err != nil {
		t.Fatal(err)
	}
	js := str(t, res.rec.one(t, tRolePol).Inputs, "policy")
	eq := parsePolicy(t, js).stmt(t, "DecryptSecretParameters").Condition["StringEquals"]
	if _, listed := eq["kms:EncryptionContext:PARAMETER_ARN"]; listed || len(js) > alerts.MaxRolePolicy {
		t.Errorf("policy of %d characters, decrypting on %v", len(js), eq)
	}
}

// TestRolePolicyCompacts: a policy over the limit as written exactly is written more compactly
// instead of refused: regions of the log tail by condition, decryption through SSM without the
// list of parameters, then, widening, services by cluster. The 5 clusters × 20
// services deploy.
func TestRolePolicyCompacts(t *testing.T) {
	clusters := func(n int) []string {
		var out []string
		for i := 0; i < n; i++ {
			out = append(out, fmt.Sprintf("arn:aws:ecs:%s:%s:cluster/prod-cluster-%02d", testRegion, testAccount, i))
		}
		return out
	}
	services := func(n int) []string {
		var out []string
		for i := 0; i < n; i++ {
			out = append(out, fmt.Sprintf("payments-service-with-a-long-name-%02d", i))
		}
		return out
	}
	t.Run("services by cluster", func(t *testing.T) {
		a := minimalArgs(t)
		a.Events = []string{"task-state", "alarm"} // the service rules' patterns would hold clusters × services
		a.ClusterArns, a.ServiceNames = clusters(5), services(20)
		r := mustRun(t, a).rec
		js := str(t, r.one(t, tRolePol).Inputs, "policy")
		if len(js) > alerts.MaxRolePolicy {
			t.Errorf("policy of %d characters", len(js))
		}
		s := parsePolicy(t, js).stmt(t, "DescribeWatchedServices")
		if len(s.Resource) != 5 || !strings.HasSuffix(s.Resource[0], ":service/prod-cluster-00/*") {
			t.Errorf("services %v, want one wildcard per cluster", s.Resource)
		}
		// Just under the limit the exact pairs stay.
		a.ServiceNames = services(5)
		s = parsePolicy(t, str(t, mustRun(t, a).rec.one(t, tRolePol).Inputs, "policy")).stmt(t, "DescribeWatchedServices")
		if len(s.Resource) != 25 {
			t.Errorf("%d services, want the 25 pairs", len(s.Resource))
		}
	})
	t.Run("log regions by condition", func(t *testing.T) {
		a := minimalArgs(t)
		a.LogTailEnabled = true
		a.LogRegions = []string{testRegion, "us-east-1", "us-west-2", "ap-southeast-2", "eu-central-1"}
		for i := 0; i < 12; i++ {
			a.LogGroupPrefixes = append(a.LogGroupPrefixes, fmt.Sprintf("/ecs/team-%02d-%s/", i, strings.Repeat("g", 120)))
		}
		js := str(t, mustRun(t, a).rec.one(t, tRolePol).Inputs, "policy")
		if len(js) > alerts.MaxRolePolicy {
			t.Errorf("policy of %d characters", len(js))
		}
		s := parsePolicy(t, js).stmt(t, "ReadTaskLogTails")
		if len(s.Resource) != 12 || !strings.Contains(s.Resource[0], ":logs:*:") ||
			!sameSet(anyList(s.Condition["StringEquals"]["aws:RequestedRegion"]), []any{testRegion, "us-east-1", "us-west-2", "ap-southeast-2", "eu-central-1"}) {
			t.Errorf("log tails %v if %v, want each prefix in any region, the regions by condition", s.Resource, s.Condition)
		}
	})
	t.Run("decryption through SSM", func(t *testing.T) {
		a := minimalArgs(t)
		a.WebhookUrl = nil
		a.CreateKmsKey = true
		for i := 0; i < 40; i++ {
			a.Destinations = append(a.Destinations, alerts.DestinationArgs{
				Name: fmt.Sprintf("team-%02d-%s", i, strings.Repeat("d", 50)), Target: "slack", Secret: secret(testWebhook),
			})
		}
		r := mustRun(t, a).rec
		js := str(t, r.one(t, tRolePol).Inputs, "policy")
		rp := parsePolicy(t, js)
		if len(js) > alerts.MaxRolePolicy || len(rp.stmt(t, "ReadConfigAndSecrets").Resource) != 41 {
			t.Errorf("policy of %d characters", len(js))
		}
		eq := rp.stmt(t, "DecryptSecretParameters").Condition["StringEquals"]
		if _, listed := eq["kms:EncryptionContext:PARAMETER_ARN"]; listed || eq["kms:ViaService"] != "ssm."+testRegion+".amazonaws.com" {
			t.Errorf("decrypt condition %v, want kms:ViaService alone", eq)
		}
	})
}

// TestComponentNames: SSM refuses parameter names beginning with aws or ssm in any case, and
// every parameter the component creates begins with its name.
func TestComponentNames(t *testing.T) {
	for _, n := range []string{"awsAlerts", "AWS-alerts", "ssm", "Ssm-alerts", "sSMx"} {
		err := alerts.ValidateArgs(n, testStack, minimalArgs(t))
		aes := argErrors(err)
		if len(aes) != 1 || aes[0].Key != "name" || !strings.Contains(aes[0].Message, "aws or ssm") {
			t.Errorf("%s: %v, want one error naming the name and SSM's rule", n, err)
		}
	}
	// Names that only look alike deploy, and every parameter, of every kind of secret, is
	// named after the component.
	for _, n := range []string{"aw-alerts", "sms-alerts", "my-aws-alerts", "alerts-ssm"} {
		a := minimalArgs(t)
		routed(&a, alerts.DestinationArgs{Name: "audit", Target: "webhook", Secret: secret(testWebhook), SigningSecret: secret(fakeSigningKey)})
		rec := &recorder{}
		err := pulumi.RunErr(func(ctx *pulumi.Context) error {
			_, err := alerts.NewEcsChatAlerts(ctx, n, a)
			return err
		}, pulumi.WithMocks(testProjct, testStack, rec))
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		params := rec.of(tParam)
		if len(params) != 4 {
			t.Fatalf("%s: %d parameters, want the config, two secrets and a signing key", n, len(params))
		}
		for _, p := range params {
			if !strings.HasPrefix(p.Physical, n+"-") {
				t.Errorf("parameter %s does not begin with the component's name %s", p.Physical, n)
			}
		}
	}
}

// TestKmsKeyRegion: a key in the stack's region is taken; in another, refused; with no region
// known to the program (no aws:region, no AWS_REGION), the check cannot be made.
func TestKmsKeyRegion(t *testing.T) {
	const key = "arn:aws:kms:%s:123456789012:key/mrk-0123456789abcdef0123456789abcdef"
	a := minimalArgs(t)
	a.KmsKeyArn = fmt.Sprintf(key, testRegion)
	if _, err := run(t, a, true); err != nil {
		t.Errorf("a key in the stack's region: %v", err)
	}
	a.KmsKeyArn = fmt.Sprintf(key, "eu-west-2")
	_, err := run(t, a, true)
	oneArgError(t, err, "kmsKeyArn", "eu-west-2", testRegion)

	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "eu-west-2")
	if _, err := runWith(t, a, runOpts{dryRun: true, noRegion: true}); err != nil {
		t.Errorf("a key in AWS_DEFAULT_REGION's region: %v", err)
	}
	t.Setenv("AWS_DEFAULT_REGION", "")
	if _, err := runWith(t, a, runOpts{dryRun: true, noRegion: true}); err != nil {
		t.Errorf("no region known: %v", err)
	}
	a.Region = testRegion // an explicit Region wins over the environment
	_, err = runWith(t, a, runOpts{dryRun: true, noRegion: true})
	oneArgError(t, err, "kmsKeyArn", "eu-west-2")
}

// TestOldestMessageAlarmBelowRetention: the alarm threshold goes up to a second below the
// queue's retention, and the alarm gets it.
func TestOldestMessageAlarmBelowRetention(t *testing.T) {
	a := minimalArgs(t)
	a.OldestMessageAlarmSeconds = alerts.QueueRetentionSeconds - 1
	r := mustRun(t, a).rec
	q := r.named(t, tQueue, name+"-queue").Inputs
	alarm := r.named(t, tAlarm, name+"-watchdog-oldest-message").Inputs
	if num(t, q, "messageRetentionSeconds") != alerts.QueueRetentionSeconds || num(t, alarm, "threshold") != alerts.QueueRetentionSeconds-1 {
		t.Errorf("retention %d, threshold %d", num(t, q, "messageRetentionSeconds"), num(t, alarm, "threshold"))
	}
	a.OldestMessageAlarmSeconds = alerts.QueueRetentionSeconds
	_, err := run(t, a, true)
	oneArgError(t, err, "oldestMessageAlarmSeconds", strconv.Itoa(alerts.QueueRetentionSeconds), "never fire")
}

// TestMaxReceiveCountWarns: below AWS's advised 5 the stack deploys as asked, with a warning
// naming the key; from 5, silently.
func TestMaxReceiveCountWarns(t *testing.T) {
	for _, c := range []struct {
		count int
		warn  bool
	}{{4, true}, {1, true}, {alerts.MinAdvisedReceiveCount, false}, {8, false}} {
		a := minimalArgs(t)
		a.MaxReceiveCount = c.count
		log := &logRecorder{}
		res, err := runWith(t, a, runOpts{log: log})
		if err != nil {
			t.Fatalf("maxReceiveCount %d: %v", c.count, err)
		}
		if !strings.Contains(str(t, res.rec.named(t, tQueue, name+"-queue").Inputs, "redrivePolicy"), fmt.Sprintf(`"maxReceiveCount":%d`, c.count)) {
			t.Errorf("maxReceiveCount %d not in the redrive policy", c.count)
		}
		if c.warn != (len(log.warnings) == 1) || len(log.warnings) > 1 {
			t.Errorf("maxReceiveCount %d: warnings %q", c.count, log.warnings)
		}
		for _, w := range log.warnings {
			if !strings.HasPrefix(w, "maxReceiveCount: ") || !strings.Contains(w, "5") {
				t.Errorf("warning %q does not name the key and AWS's advice", w)
			}
		}
		if got := alerts.Warnings(name, testStack, a); len(got) != len(log.warnings) {
			t.Errorf("Warnings says %q, the run warned %q", got, log.warnings)
		}
	}
}

// TestLogScope: the log tail reads the groups under the prefixes in the stack's region by
// default, in each listed region when logRegions is set, and every group only when
// logGroupsAll says so.
func TestLogScope(t *testing.T) {
	stream := func(region, group string) string {
		return "arn:aws:logs:" + region + ":" + testAccount + ":log-group:" + group + "*:log-stream:*"
	}
	cases := []struct {
		label    string
		edit     func(*alerts.EcsChatAlertsArgs)
		want     []string
		docGroup []string
		warn     bool
	}{
		{"default region", func(a *alerts.EcsChatAlertsArgs) { a.LogGroupPrefixes = []string{"/ecs/"} },
			[]string{stream(testRegion, "/ecs/")}, []string{"/ecs/"}, false},
		{"regions", func(a *alerts.EcsChatAlertsArgs) {
			a.LogGroupPrefixes, a.LogRegions = []string{"/ecs/", "/app/"}, []string{testRegion, "us-east-1"}
		}, []string{stream(testRegion, "/ecs/"), stream(testRegion, "/app/"), stream("us-east-1", "/ecs/"), stream("us-east-1", "/app/")}, []string{"/ecs/", "/app/"}, false},
		{"regions without the stack's", func(a *alerts.EcsChatAlertsArgs) {
			a.LogGroupPrefixes, a.LogRegions = []string{"/ecs/"}, []string{"us-east-1"}
		}, []string{stream("us-east-1", "/ecs/")}, []string{"/ecs/"}, true},
		{"every group", func(a *alerts.EcsChatAlertsArgs) { a.LogGroupsAll = true },
			[]string{stream(testRegion, "")}, nil, false},
		{"every group, two regions", func(a *alerts.EcsChatAlertsArgs) {
			a.LogGroupsAll, a.LogRegions = true, []string{testRegion, "eu-central-1"}
		}, []string{stream(testRegion, ""), stream("eu-central-1", "")}, nil, false},
	}
	for _, c := range cases {
		a := minimalArgs(t)
		a.LogTailEnabled = true
		c.edit(&a)
		log := &logRecorder{}
		res, err := runWith(t, a, runOpts{log: log})
		if err != nil {
			t.Fatalf("%s: %v", c.label, err)
		}
		s := parsePolicy(t, str(t, res.rec.one(t, tRolePol).Inputs, "policy")).stmt(t, "ReadTaskLogTails")
		if !slices.Equal(s.Resource, c.want) || len(s.Condition) != 0 {
			t.Errorf("%s: log tails on %v if %v, want %v", c.label, s.Resource, s.Condition, c.want)
		}
		if d := document(t, res.rec); !slices.Equal(d.Logs.LogGroupPrefixes, c.docGroup) {
			t.Errorf("%s: the document's prefixes %v, want %v", c.label, d.Logs.LogGroupPrefixes, c.docGroup)
		}
		if c.warn != (len(log.warnings) == 1) || (c.warn && !strings.HasPrefix(log.warnings[0], "logRegions: ")) {
			t.Errorf("%s: warnings %q", c.label, log.warnings)
		}
	}
}
