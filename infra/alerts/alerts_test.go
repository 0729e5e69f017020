package alerts_test

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/foghornhq/foghorn/infra/alerts"
	"github.com/foghornhq/foghorn/infra/eventpattern"
	"github.com/foghornhq/foghorn/infra/eventpattern/patterntest"
)

const (
	tTopic     = "aws:sns/topic:Topic"
	tTopicPol  = "aws:sns/topicPolicy:TopicPolicy"
	tSub       = "aws:sns/topicSubscription:TopicSubscription"
	tRule      = "aws:cloudwatch/eventRule:EventRule"
	tTarget    = "aws:cloudwatch/eventTarget:EventTarget"
	tQueue     = "aws:sqs/queue:Queue"
	tQueuePol  = "aws:sqs/queuePolicy:QueuePolicy"
	tRedrive   = "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy"
	tParam     = "aws:ssm/parameter:Parameter"
	tLogGroup  = "aws:cloudwatch/logGroup:LogGroup"
	tRole      = "aws:iam/role:Role"
	tRolePol   = "aws:iam/rolePolicy:RolePolicy"
	tFunction  = "aws:lambda/function:Function"
	tMapping   = "aws:lambda/eventSourceMapping:EventSourceMapping"
	tAlarm     = "aws:cloudwatch/metricAlarm:MetricAlarm"
	tKey       = "aws:kms/key:Key"
	tTable     = "aws:dynamodb/table:Table"
	name       = "foghorn"
	testStack  = "dev"
	testProjct = "foghorn"
)

type result struct {
	rec  *recorder
	outs map[string]string
	// secretOuts names the outputs that came back secret.
	secretOuts []string
}

// run creates the component under mocks and waits for every registration and apply.
func run(t *testing.T, args alerts.EcsChatAlertsArgs, dryRun bool) (result, error) {
	t.Helper()
	return runWith(t, args, runOpts{dryRun: dryRun})
}

// runOpts vary a mock run: preview or not, the recorder (whose region is the stack's
// aws:region, testRegion when unset), no aws:region at all, and a log stream to keep
// the warnings in.
type runOpts struct {
	dryRun   bool
	rec      *recorder
	noRegion bool
	log      *logRecorder
}

func runWith(t *testing.T, args alerts.EcsChatAlertsArgs, o runOpts) (result, error) {
	t.Helper()
	rec := o.rec
	if rec == nil {
		rec = &recorder{}
	}
	res := result{rec: rec, outs: map[string]string{}}
	var mu sync.Mutex
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		if o.log != nil {
			ctx.Log = o.log
		}
		c, err := alerts.NewEcsChatAlerts(ctx, name, args)
		if err != nil {
			return err
		}
		for key, o := range map[string]pulumi.StringOutput{
			"topicArn": c.TopicArn, "queueArn": c.QueueArn, "deadLetterQueueArn": c.DeadLetterQueueArn,
			"functionName": c.FunctionName, "opsTopicArn": c.OpsTopicArn, "configParameterName": c.ConfigParameterName,
			"actionsUrl": c.ActionsUrl,
		} {
			secret := pulumi.IsSecret(o)
			o.ApplyT(func(v string) string {
				mu.Lock()
				res.outs[key] = v
				if secret {
					res.secretOuts = append(res.secretOuts, key)
				}
				mu.Unlock()
				return v
			})
		}
		return nil
	}, pulumi.WithMocks(testProjct, testStack, rec), func(ri *pulumi.RunInfo) {
		ri.DryRun = o.dryRun
		if !o.noRegion {
			ri.Config = map[string]string{"aws:region": cmp.Or(rec.region, testRegion)}
		}
	})
	return res, err
}

func mustRun(t *testing.T, args alerts.EcsChatAlertsArgs) result {
	t.Helper()
	res, err := run(t, args, false)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func minimalArgs(t *testing.T) alerts.EcsChatAlertsArgs {
	return alerts.EcsChatAlertsArgs{
		WebhookUrl:  pulumi.ToSecret(pulumi.String(testWebhook)).(pulumi.StringOutput),
		NotifierZip: fakeZip(t),
	}
}

func fullArgs(t *testing.T) alerts.EcsChatAlertsArgs {
	a := minimalArgs(t)
	window := 20
	a.ClusterArns = []string{"arn:aws:ecs:eu-west-1:123456789012:cluster/prod-a", "arn:aws:ecs:eu-west-1:123456789012:cluster/prod-b"}
	a.ServiceNames = []string{"web", "worker"}
	a.AlarmNamePrefixes = []string{"prod-"}
	a.NoiseRules = map[string]bool{"deployment-in-progress": true, "alarm-ok": true, "scaling": true}
	a.LogLevel = "warn"
	a.MemorySize = 512
	a.Timeout = 60
	a.BatchSize = 50
	a.BatchingWindow = &window
	a.MaxConcurrency = 5
	a.MaxReceiveCount = 8
	a.LogRetentionDays = 90
	a.OpsEmail = "oncall@example.com"
	a.CreateKmsKey = true
	return a
}

func TestMinimalGraph(t *testing.T) {
	res := mustRun(t, minimalArgs(t))
	r := res.rec
	counts := map[string]int{
		alerts.Type: 1, "foghorn:index:EventRules": 1, "foghorn:index:Buffer": 1,
		"foghorn:index:Notifier": 1, "foghorn:index:Watchdog": 1, "foghorn:index:StateTable": 1,
		tTopic: 2, tTopicPol: 2, tSub: 1, tRule: len(eventpattern.Classes), tTarget: len(eventpattern.Classes),
		tQueue: 2, tQueuePol: 1, tRedrive: 1, tParam: 2, tLogGroup: 1, tRole: 1, tRolePol: 1,
		tFunction: 1, tMapping: 1, tAlarm: 4, tKey: 0, tTable: 1,
	}
	for typ, want := range counts {
		if got := len(r.of(typ)); got != want {
			t.Errorf("%d × %s, want %d", got, typ, want)
		}
	}
	for _, x := range r.resources {
		if x.Type == alerts.Type {
			continue
		}
		if !strings.Contains(x.Parent, "foghorn:index:") {
			t.Errorf("%s %s is not parented to a foghorn component (parent %q)", x.Type, x.Name, x.Parent)
		}
	}
	for _, key := range []string{"topicArn", "queueArn", "deadLetterQueueArn", "functionName", "opsTopicArn", "configParameterName"} {
		if res.outs[key] == "" {
			t.Errorf("output %s is empty", key)
		}
	}
}

func TestFunctionAndMapping(t *testing.T) {
	res := mustRun(t, fullArgs(t))
	r := res.rec
	fn := r.one(t, tFunction).Inputs
	if got := str(t, fn, "runtime"); got != "provided.al2023" {
		t.Errorf("runtime %s", got)
	}
	if got := str(t, fn, "handler"); got != "bootstrap" {
		t.Errorf("handler %s", got)
	}
	if arch := fn["architectures"].ArrayValue(); len(arch) != 1 || arch[0].StringValue() != "arm64" {
		t.Errorf("architectures %v", arch)
	}
	if num(t, fn, "memorySize") != 512 || num(t, fn, "timeout") != 60 {
		t.Errorf("memory/timeout %d/%d", num(t, fn, "memorySize"), num(t, fn, "timeout"))
	}
	if !fn["code"].IsArchive() {
		t.Errorf("code is not an archive: %v", fn["code"])
	}
	fnName := str(t, fn, "name")
	if fnName != alerts.FunctionName(testProjct, testStack, name) || len(fnName) > 64 {
		t.Errorf("function name %q", fnName)
	}

	env := fn["environment"].ObjectValue()["variables"].ObjectValue()
	var keys []string
	for k := range env {
		keys = append(keys, string(k))
	}
	slices.Sort(keys)
	if !slices.Equal(keys, []string{alerts.EnvConfigParam, alerts.EnvLogLevel, alerts.EnvOpsTopicArn, alerts.EnvStateTable}) {
		t.Errorf("environment holds %v, want only the config parameter, the log level, the ops topic and the state table", keys)
	}
	if got, ops := env[alerts.EnvOpsTopicArn].StringValue(), r.named(t, tTopic, name+"-watchdog").Physical; got != "arn:aws:sns:"+testRegion+":"+testAccount+":"+ops {
		t.Errorf("%s = %q, want the ops topic %s", alerts.EnvOpsTopicArn, got, ops)
	}
	if got, table := env[alerts.EnvStateTable].StringValue(), r.one(t, tTable).Physical; got != table {
		t.Errorf("%s = %q, want the state table %q", alerts.EnvStateTable, got, table)
	}
	cfgParam := r.named(t, tParam, name+"-config")
	if got := env[alerts.EnvConfigParam].StringValue(); got != cfgParam.Physical {
		t.Errorf("%s = %q, want the config parameter %q", alerts.EnvConfigParam, got, cfgParam.Physical)
	}
	if env[alerts.EnvLogLevel].StringValue() != "warn" {
		t.Errorf("log level %v", env[alerts.EnvLogLevel])
	}

	lg := r.one(t, tLogGroup).Inputs
	if str(t, lg, "name") != "/aws/lambda/"+fnName || num(t, lg, "retentionInDays") != 90 {
		t.Errorf("log group %v", lg)
	}

	m := r.one(t, tMapping).Inputs
	if num(t, m, "batchSize") != 50 || num(t, m, "maximumBatchingWindowInSeconds") != 20 {
		t.Errorf("mapping batch %v", m)
	}
	if rt := m["functionResponseTypes"].ArrayValue(); len(rt) != 1 || rt[0].StringValue() != "ReportBatchItemFailures" {
		t.Errorf("functionResponseTypes %v", rt)
	}
	if mc := m["scalingConfig"].ObjectValue()["maximumConcurrency"].NumberValue(); mc != 5 {
		t.Errorf("maximumConcurrency %v", mc)
	}
	queue := r.named(t, tQueue, name+"-queue")
	if got := str(t, m, "eventSourceArn"); !strings.HasSuffix(got, ":"+queue.Physical) {
		t.Errorf("mapping reads %s, not the buffer queue", got)
	}
}

func TestQueues(t *testing.T) {
	for _, args := range []alerts.EcsChatAlertsArgs{minimalArgs(t), fullArgs(t)} {
		r := mustRun(t, args).rec
		timeout := args.Timeout
		if timeout == 0 {
			timeout = alerts.DefaultTimeout
		}
		q := r.named(t, tQueue, name+"-queue").Inputs
		if vt := num(t, q, "visibilityTimeoutSeconds"); vt < 6*timeout || vt > 43200 {
			t.Errorf("visibility timeout %d with a %d s function timeout; AWS wants at least 6×", vt, timeout)
		}
		if !q["sqsManagedSseEnabled"].BoolValue() {
			t.Error("buffer queue without SSE")
		}
		dlq := r.named(t, tQueue, name+"-dlq")
		if !dlq.Inputs["sqsManagedSseEnabled"].BoolValue() || num(t, dlq.Inputs, "messageRetentionSeconds") != 1209600 {
			t.Errorf("DLQ %v: want SSE and 14 days", dlq.Inputs)
		}
		// The notifier remembers deliveries as long as the DLQ keeps records, so a redrive on
		// the last day posts nothing twice.
		if keep := document(t, r).Deliveries.Keep(); keep != time.Duration(num(t, dlq.Inputs, "messageRetentionSeconds"))*time.Second {
			t.Errorf("deliveries are remembered for %s; the DLQ keeps records %d s", keep, num(t, dlq.Inputs, "messageRetentionSeconds"))
		}
		var redrive struct {
			DeadLetterTargetArn string
			MaxReceiveCount     int
		}
		if err := jsonUnmarshal(str(t, q, "redrivePolicy"), &redrive); err != nil {
			t.Fatal(err)
		}
		want := args.MaxReceiveCount
		if want == 0 {
			want = alerts.DefaultMaxReceiveCount
		}
		if !strings.HasSuffix(redrive.DeadLetterTargetArn, ":"+dlq.Physical) || redrive.MaxReceiveCount != want {
			t.Errorf("redrive %+v", redrive)
		}
		sub := r.named(t, tSub, name).Inputs
		if str(t, sub, "protocol") != "sqs" || sub["rawMessageDelivery"].BoolValue() {
			t.Errorf("subscription %v: want sqs with the SNS envelope kept", sub)
		}
	}
}

func TestPoliciesAreScoped(t *testing.T) {
	r := mustRun(t, minimalArgs(t)).rec
	topic := r.named(t, tTopic, name)
	topicArn := "arn:aws:sns:" + testRegion + ":" + testAccount + ":" + topic.Physical
	var ruleArns []any
	for _, rule := range r.of(tRule) {
		ruleArns = append(ruleArns, "arn:aws:events:"+testRegion+":"+testAccount+":rule/"+rule.Physical)
	}

	tp := parsePolicy(t, str(t, r.named(t, tTopicPol, name).Inputs, "policy"))
	ev := tp.stmt(t, "EventBridgeRulesPublish")
	if ev.Principal["Service"] != "events.amazonaws.com" || !slices.Equal(ev.Action, []string{"sns:Publish"}) || !slices.Equal(ev.Resource, []string{topicArn}) {
		t.Errorf("EventBridge statement %+v", ev)
	}
	if ev.Condition["StringEquals"]["aws:SourceAccount"] != testAccount {
		t.Errorf("EventBridge statement lacks aws:SourceAccount: %v", ev.Condition)
	}
	if got, _ := ev.Condition["ArnEquals"]["aws:SourceArn"].([]any); !sameSet(got, ruleArns) {
		t.Errorf("EventBridge may publish from %v, want exactly the rules %v", got, ruleArns)
	}
	cw := tp.stmt(t, "CloudWatchAlarmsPublish")
	if cw.Principal["Service"] != "cloudwatch.amazonaws.com" || !slices.Equal(cw.Resource, []string{topicArn}) ||
		cw.Condition["StringEquals"]["aws:SourceAccount"] != testAccount ||
		cw.Condition["ArnLike"]["aws:SourceArn"] != "arn:aws:cloudwatch:"+testRegion+":"+testAccount+":alarm:*" {
		t.Errorf("CloudWatch statement %+v", cw)
	}
	if len(tp.Statement) != 2 {
		t.Errorf("topic policy has %d statements, want 2", len(tp.Statement))
	}

	queue := r.named(t, tQueue, name+"-queue")
	queueArn := "arn:aws:sqs:" + testRegion + ":" + testAccount + ":" + queue.Physical
	qp := parsePolicy(t, str(t, r.one(t, tQueuePol).Inputs, "policy"))
	sns := qp.stmt(t, "AlertTopicDelivers")
	if sns.Principal["Service"] != "sns.amazonaws.com" || !slices.Equal(sns.Action, []string{"sqs:SendMessage"}) ||
		!slices.Equal(sns.Resource, []string{queueArn}) || sns.Condition["ArnEquals"]["aws:SourceArn"] != topicArn {
		t.Errorf("queue policy %+v", sns)
	}

	r.named(t, tQueue, name+"-dlq")
	var allow struct {
		RedrivePermission string
		SourceQueueArns   []string
	}
	if err := jsonUnmarshal(str(t, r.one(t, tRedrive).Inputs, "redriveAllowPolicy"), &allow); err != nil {
		t.Fatal(err)
	}
	if allow.RedrivePermission != "byQueue" || !slices.Equal(allow.SourceQueueArns, []string{queueArn}) {
		t.Errorf("DLQ redrive allow policy %+v", allow)
	}

	trust := parsePolicy(t, str(t, r.one(t, tRole).Inputs, "assumeRolePolicy"))
	if s := trust.stmt(t, "LambdaAssumesRole"); s.Principal["Service"] != "lambda.amazonaws.com" || !slices.Equal(s.Action, []string{"sts:AssumeRole"}) {
		t.Errorf("trust policy %+v", s)
	}

	rp := parsePolicy(t, str(t, r.one(t, tRolePol).Inputs, "policy"))
	cfg := r.named(t, tParam, name+"-config")
	secret := r.named(t, tParam, name+"-webhook")
	fnName := alerts.FunctionName(testProjct, testStack, name)
	ownLogs := "arn:aws:logs:" + testRegion + ":" + testAccount + ":log-group:/aws/lambda/" + fnName + ":*"
	// No clusters configured: the rules deliver every cluster's events, so any service of the
	// account and region may roll back.
	allServices := "arn:aws:ecs:" + testRegion + ":" + testAccount + ":service/*"
	allDeployments := "arn:aws:ecs:" + testRegion + ":" + testAccount + ":service-deployment/*"
	ops := r.named(t, tTopic, name+"-watchdog")
	opsArn := "arn:aws:sns:" + testRegion + ":" + testAccount + ":" + ops.Physical
	checkRolePolicy(t, rp, map[string]grant{
		"ReadConfigAndSecrets": {[]string{"ssm:GetParameter"}, []string{paramArn(cfg.Physical), paramArn(secret.Physical)}},
		"TellOpsTopic":         {[]string{"sns:Publish"}, []string{opsArn}},
		"ConsumeBufferQueue":   {[]string{"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"}, []string{queueArn}},
		"WriteOwnLogs":         {[]string{"logs:CreateLogStream", "logs:PutLogEvents"}, []string{ownLogs}},
		"KeepStateInTable":     {[]string{"dynamodb:GetItem", "dynamodb:PutItem"}, []string{tableArn(r.one(t, tTable).Physical)}},
		"DescribeWatchedServices": {[]string{"ecs:DescribeServices", "ecs:ListServiceDeployments", "ecs:DescribeServiceDeployments"},
			[]string{allServices}},
		"DescribeWatchedServiceDeployments": {[]string{"ecs:DescribeServiceDeployments"}, []string{allDeployments}},
	}, ownLogs, allServices, allDeployments)

	op := parsePolicy(t, str(t, r.named(t, tTopicPol, name+"-watchdog").Inputs, "policy"))
	w := op.stmt(t, "WatchdogAlarmsPublish")
	if !slices.Equal(w.Resource, []string{opsArn}) ||
		w.Condition["ArnLike"]["aws:SourceArn"] != "arn:aws:cloudwatch:"+testRegion+":"+testAccount+":alarm:"+name+"-watchdog-*" {
		t.Errorf("ops topic policy %+v", w)
	}
}

func TestKmsKeyCreated(t *testing.T) {
	r := mustRun(t, fullArgs(t)).rec
	key := r.one(t, tKey).Inputs
	if !key["enableKeyRotation"].BoolValue() {
		t.Error("key rotation off")
	}
	kp := parsePolicy(t, str(t, key, "policy"))
	root := kp.stmt(t, "AccountAdministersKey")
	if root.Principal["AWS"] != "arn:aws:iam::"+testAccount+":root" {
		t.Errorf("key admin %v", root.Principal)
	}
	for sid, principal := range map[string]string{
		"EventBridgePublishesToEncryptedTopic":    "events.amazonaws.com",
		"CloudWatchAlarmsPublishToEncryptedTopic": "cloudwatch.amazonaws.com",
	} {
		s := kp.stmt(t, sid)
		if s.Principal["Service"] != principal || !slices.Equal(s.Action, []string{"kms:GenerateDataKey*", "kms:Decrypt"}) {
			t.Errorf("%s: %+v", sid, s)
		}
	}
	if c := kp.stmt(t, "EventBridgePublishesToEncryptedTopic").Condition; len(c) != 0 {
		t.Errorf("EventBridge's KMS requests carry no source context; a condition would drop every event: %v", c)
	}
	if kp.stmt(t, "CloudWatchAlarmsPublishToEncryptedTopic").Condition["StringEquals"]["aws:SourceAccount"] != testAccount {
		t.Error("CloudWatch key grant lacks aws:SourceAccount")
	}

	keyArn := "arn:aws:kms:" + testRegion + ":" + testAccount + ":key/1234abcd-12ab-34cd-56ef-1234567890ab"
	for _, topic := range r.of(tTopic) {
		if str(t, topic.Inputs, "kmsMasterKeyId") != keyArn {
			t.Errorf("topic %s not encrypted with the key", topic.Name)
		}
	}
	secret := r.named(t, tParam, name+"-webhook")
	if str(t, secret.Inputs, "keyId") != keyArn {
		t.Error("webhook parameter not encrypted with the key")
	}
	rp := parsePolicy(t, str(t, r.one(t, tRolePol).Inputs, "policy"))
	d := rp.stmt(t, "DecryptSecretParameters")
	if !slices.Equal(d.Action, []string{"kms:Decrypt"}) || !slices.Equal(d.Resource, []string{keyArn}) {
		t.Errorf("decrypt statement %+v", d)
	}
	eq := d.Condition["StringEquals"]
	if eq["kms:ViaService"] != "ssm."+testRegion+".amazonaws.com" ||
		!sameSet(anyList(eq["kms:EncryptionContext:PARAMETER_ARN"]), []any{paramArn(secret.Physical)}) {
		t.Errorf("decrypt statement not scoped to SSM and the webhook parameter: %v", eq)
	}
	// Publishing to the encrypted ops topic needs a data key: through SNS, for that topic.
	ops := "arn:aws:sns:" + testRegion + ":" + testAccount + ":" + r.named(t, tTopic, name+"-watchdog").Physical
	e := rp.stmt(t, "EncryptForOpsTopic")
	if !slices.Equal(e.Action, []string{"kms:GenerateDataKey", "kms:Decrypt"}) || !slices.Equal(e.Resource, []string{keyArn}) ||
		e.Condition["StringEquals"]["kms:ViaService"] != "sns."+testRegion+".amazonaws.com" ||
		e.Condition["StringEquals"]["kms:EncryptionContext:aws:sns:topicArn"] != ops {
		t.Errorf("ops topic encryption statement %+v", e)
	}
	if len(r.of(tSub)) != 2 {
		t.Errorf("want the queue and the ops email subscriptions, got %d", len(r.of(tSub)))
	}
	email := r.named(t, tSub, name+"-watchdog-email").Inputs
	if str(t, email, "protocol") != "email" || str(t, email, "endpoint") != "oncall@example.com" {
		t.Errorf("email subscription %v", email)
	}
}

func TestExistingKey(t *testing.T) {
	a := minimalArgs(t)
	a.KmsKeyArn = "arn:aws:kms:eu-west-1:123456789012:key/abcdabcd-1111-2222-3333-444455556666"
	r := mustRun(t, a).rec
	if len(r.of(tKey)) != 0 {
		t.Error("created a key although one was given")
	}
	rp := parsePolicy(t, str(t, r.one(t, tRolePol).Inputs, "policy"))
	if s := rp.stmt(t, "DecryptSecretParameters"); !slices.Equal(s.Resource, []string{a.KmsKeyArn}) {
		t.Errorf("decrypt on %v", s.Resource)
	}
}

func TestWebhookStaysSecret(t *testing.T) {
	for _, dry := range []bool{false, true} {
		res, err := run(t, fullArgs(t), dry)
		if err != nil {
			t.Fatal(err)
		}
		secret := res.rec.named(t, tParam, name+"-webhook")
		if str(t, secret.Inputs, "type") != "SecureString" {
			t.Errorf("webhook parameter type %s", str(t, secret.Inputs, "type"))
		}
		if v := secret.Inputs["value"]; !v.IsSecret() && !(v.IsOutput() && v.OutputValue().Secret) {
			t.Errorf("dryRun=%v: webhook parameter value is not secret", dry)
		}
		for _, x := range res.rec.resources {
			for k, v := range x.Inputs {
				walk(v, false, func(v resource.PropertyValue, secret bool) {
					if v.IsString() && strings.Contains(v.StringValue(), "hooks.slack.example") && !secret {
						t.Errorf("dryRun=%v: the webhook appears in plain input %s.%s of %s", dry, x.Name, k, x.Type)
					}
				})
			}
		}
		for k, v := range res.outs {
			if strings.Contains(v, "hooks.slack.example") {
				t.Errorf("the webhook appears in output %s", k)
			}
		}
		if len(res.secretOuts) != 0 {
			t.Errorf("outputs %v became secret; they should carry no secret at all", res.secretOuts)
		}
	}
}

func TestConfigDocument(t *testing.T) {
	r := mustRun(t, fullArgs(t)).rec
	d := document(t, r)
	secret := r.named(t, tParam, name+"-webhook")
	if len(d.Destinations) != 1 || d.Destinations[0].SecretParam != secret.Physical || d.Destinations[0].Target != "slack" {
		t.Errorf("destinations %+v", d.Destinations)
	}
	if d.Environment != testStack || !d.Noise.Rules["deployment-in-progress"] {
		t.Errorf("document %+v", d)
	}
}

func TestRulesFollowArgs(t *testing.T) {
	// The scaling noise rule on: no scaling rule. Services named: no RunTask rule, since
	// standalone tasks are no service's.
	r := mustRun(t, fullArgs(t)).rec
	if got := len(r.of(tRule)); got != len(eventpattern.Classes)-2 {
		t.Errorf("%d rules, want %d without scaling and task-launch", got, len(eventpattern.Classes)-2)
	}
	for _, rule := range r.of(tRule) {
		p := str(t, rule.Inputs, "eventPattern")
		if err := patterntest.Validate([]byte(p)); err != nil {
			t.Errorf("%s: %v", rule.Name, err)
		}
		if strings.Contains(rule.Name, "scaling") {
			t.Errorf("rule %s exists although scaling is noise", rule.Name)
		}
	}
	task := str(t, r.named(t, tRule, name+"-task-state").Inputs, "eventPattern")
	for _, want := range []string{"cluster/prod-a", "cluster/prod-b", "service:web", "service:worker"} {
		if !strings.Contains(task, want) {
			t.Errorf("task pattern lacks %s: %s", want, task)
		}
	}
	// The watchdog alarms must not reach the notifier they watch: the alarm rule excludes
	// their common prefix.
	alarmRule := str(t, r.named(t, tRule, name+"-alarm").Inputs, "eventPattern")
	for _, alarm := range r.of(tAlarm) {
		prefix := name + "-watchdog-"
		if !strings.HasPrefix(alarm.Physical, prefix) {
			t.Errorf("watchdog alarm %s does not start with %s", alarm.Physical, prefix)
		}
		event := `{"source":"aws.cloudwatch","detail-type":"CloudWatch Alarm State Change","detail":{"alarmName":"` + alarm.Physical + `","state":{"value":"ALARM"}}}`
		if hit, err := patterntest.Match([]byte(alarmRule), []byte(event)); err != nil || hit {
			t.Errorf("the alarm rule delivers the watchdog alarm %s (err %v)", alarm.Physical, err)
		}
	}
	if hit, _ := patterntest.Match([]byte(alarmRule), []byte(`{"source":"aws.cloudwatch","detail-type":"CloudWatch Alarm State Change","detail":{"alarmName":"prod-api-5xx","state":{"value":"ALARM"},"configuration":{}}}`)); !hit {
		t.Error("the alarm rule drops an ordinary alarm")
	}

	a := minimalArgs(t)
	a.Events = []string{"task-state", "deployment"}
	r = mustRun(t, a).rec
	if got := len(r.of(tRule)); got != 2 {
		t.Errorf("%d rules for two classes", got)
	}
	for _, tgt := range r.of(tTarget) {
		if !strings.HasSuffix(str(t, tgt.Inputs, "arn"), ":"+r.named(t, tTopic, name).Physical) {
			t.Errorf("target %s does not point at the alert topic", tgt.Name)
		}
	}
}

// TestNameLimits checks every auto-named resource against AWS's limit with the 8-character
// suffix, at the longest component name allowed.
func TestNameLimits(t *testing.T) {
	long := strings.Repeat("x", alerts.MaxNameLength)
	rec := &recorder{}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := alerts.NewEcsChatAlerts(ctx, long, minimalArgs(t))
		return err
	}, pulumi.WithMocks(testProjct, testStack, rec))
	if err != nil {
		t.Fatal(err)
	}
	limits := map[string]int{tFunction: 64, tRole: 64, tRule: 64, tQueue: 80, tTopic: 256, tAlarm: 255}
	for typ, limit := range limits {
		for _, x := range rec.of(typ) {
			if len(x.Physical) > limit {
				t.Errorf("%s %s: %d characters, over AWS's %d", typ, x.Physical, len(x.Physical), limit)
			}
		}
	}
	if err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := alerts.NewEcsChatAlerts(ctx, long+"x", minimalArgs(t))
		return err
	}, pulumi.WithMocks(testProjct, testStack, &recorder{})); err == nil || !strings.Contains(err.Error(), "at most") {
		t.Errorf("a name one over the limit: %v", err)
	}
	if alerts.VisibilityTimeout(900, 300) > 43200 {
		t.Error("the largest timeout and window overflow SQS's 12-hour visibility limit")
	}
}

func TestInvalidArgs(t *testing.T) {
	neg := -1
	big := 301
	cases := map[string]struct {
		edit func(*alerts.EcsChatAlertsArgs)
		key  string
	}{
		"no webhook":           {func(a *alerts.EcsChatAlertsArgs) { a.WebhookUrl = nil }, "webhookUrl"},
		"unknown target":       {func(a *alerts.EcsChatAlertsArgs) { a.ChatTarget = "irc" }, "chatTarget"},
		"unknown class":        {func(a *alerts.EcsChatAlertsArgs) { a.Events = []string{"task"} }, "events"},
		"bad cluster":          {func(a *alerts.EcsChatAlertsArgs) { a.ClusterArns = []string{"prod"} }, "clusterArns"},
		"unknown event name":   {func(a *alerts.EcsChatAlertsArgs) { a.ServiceActionEvents = []string{"SERVICE_ON_FIRE"} }, "serviceActionEvents"},
		"unknown noise rule":   {func(a *alerts.EcsChatAlertsArgs) { a.NoiseRules = map[string]bool{"hush": true} }, "noiseRules"},
		"retention":            {func(a *alerts.EcsChatAlertsArgs) { a.LogRetentionDays = 10 }, "logRetentionDays"},
		"window negative":      {func(a *alerts.EcsChatAlertsArgs) { a.BatchingWindow = &neg }, "batchingWindow"},
		"window too long":      {func(a *alerts.EcsChatAlertsArgs) { a.BatchingWindow = &big }, "batchingWindow"},
		"big batch, no window": {func(a *alerts.EcsChatAlertsArgs) { zero := 0; a.BatchSize = 100; a.BatchingWindow = &zero }, "batchingWindow"},
		"concurrency 1":        {func(a *alerts.EcsChatAlertsArgs) { a.MaxConcurrency = 1 }, "maxConcurrency"},
		"timeout":              {func(a *alerts.EcsChatAlertsArgs) { a.Timeout = 901 }, "timeout"},
		"memory":               {func(a *alerts.EcsChatAlertsArgs) { a.MemorySize = 64 }, "memorySize"},
		"receive count":        {func(a *alerts.EcsChatAlertsArgs) { a.MaxReceiveCount = 1001 }, "maxReceiveCount"},
		"log level":            {func(a *alerts.EcsChatAlertsArgs) { a.LogLevel = "loud" }, "logLevel"},
		"email":                {func(a *alerts.EcsChatAlertsArgs) { a.OpsEmail = "oncall" }, "opsEmail"},
		"aws/sns key":          {func(a *alerts.EcsChatAlertsArgs) { a.KmsKeyArn = "alias/aws/sns" }, "kmsKeyArn"},
		"aws/sns key as ARN":   {func(a *alerts.EcsChatAlertsArgs) { a.KmsKeyArn = "arn:aws:kms:eu-west-1:123456789012:alias/aws/sns" }, "kmsKeyArn"},
		"key twice": {func(a *alerts.EcsChatAlertsArgs) {
			a.KmsKeyArn = "arn:aws:kms:eu-west-1:123456789012:alias/foghorn"
			a.CreateKmsKey = true
		}, "kmsKeyArn"},
		"key alias":     {func(a *alerts.EcsChatAlertsArgs) { a.KmsKeyArn = "alias/foghorn" }, "kmsKeyArn"},
		"key alias ARN": {func(a *alerts.EcsChatAlertsArgs) { a.KmsKeyArn = "arn:aws:kms:eu-west-1:123456789012:alias/foghorn" }, "kmsKeyArn"},
		"bare key id":   {func(a *alerts.EcsChatAlertsArgs) { a.KmsKeyArn = "abcdabcd-1111-2222-3333-444455556666" }, "kmsKeyArn"},
		"key in another region": {func(a *alerts.EcsChatAlertsArgs) {
			a.KmsKeyArn = "arn:aws:kms:us-east-1:123456789012:key/abcdabcd-1111-2222-3333-444455556666"
		}, "kmsKeyArn"},
		"oldest message at the queue's retention": {func(a *alerts.EcsChatAlertsArgs) { a.OldestMessageAlarmSeconds = alerts.QueueRetentionSeconds }, "oldestMessageAlarmSeconds"},
		"oldest message under a minute":           {func(a *alerts.EcsChatAlertsArgs) { a.OldestMessageAlarmSeconds = 59 }, "oldestMessageAlarmSeconds"},
		"watchdog alarm prefix":                   {func(a *alerts.EcsChatAlertsArgs) { a.AlarmNamePrefixes = []string{"fog"} }, "alarmNamePrefixes"},
		"shortcut to a bot":                       {func(a *alerts.EcsChatAlertsArgs) { a.ChatTarget = "slack-bot" }, "chatTarget"},

		// The state store's and the log tail's settings.
		"threshold out of range": {func(a *alerts.EcsChatAlertsArgs) { a.CrashLoopThreshold = 101 }, "crashLoopThreshold"},
		"threshold of one":       {func(a *alerts.EcsChatAlertsArgs) { a.CrashLoopThreshold = 1 }, "crashLoopThreshold"},
		"window not a duration":  {func(a *alerts.EcsChatAlertsArgs) { a.CrashLoopWindow = "ten minutes" }, "crashLoopWindow"},
		"window too short":       {func(a *alerts.EcsChatAlertsArgs) { a.CrashLoopWindow = "30s" }, "crashLoopWindow"},
		"digest every two days":  {func(a *alerts.EcsChatAlertsArgs) { a.CrashLoopDigestInterval = "48h" }, "crashLoopDigestInterval"},
		"logs without prefixes":  {func(a *alerts.EcsChatAlertsArgs) { a.LogTailEnabled = true }, "logGroupPrefixes"},
		"log prefix with a space": {func(a *alerts.EcsChatAlertsArgs) {
			a.LogTailEnabled, a.LogGroupPrefixes = true, []string{"/ecs/", "my logs"}
		}, "logGroupPrefixes[1]"},
		"log prefix of every group": {func(a *alerts.EcsChatAlertsArgs) {
			a.LogTailEnabled, a.LogGroupPrefixes = true, []string{"/ecs/", "/"}
		}, "logGroupPrefixes[1]"},
		"log prefix of slashes": {func(a *alerts.EcsChatAlertsArgs) { a.LogTailEnabled, a.LogGroupPrefixes = true, []string{"//"} }, "logGroupPrefixes[0]"},
		"empty log prefix":      {func(a *alerts.EcsChatAlertsArgs) { a.LogTailEnabled, a.LogGroupPrefixes = true, []string{""} }, "logGroupPrefixes[0]"},
		"blank log prefix":      {func(a *alerts.EcsChatAlertsArgs) { a.LogTailEnabled, a.LogGroupPrefixes = true, []string{"  "} }, "logGroupPrefixes[0]"},
		"every group and prefixes": {func(a *alerts.EcsChatAlertsArgs) {
			a.LogTailEnabled, a.LogGroupsAll, a.LogGroupPrefixes = true, true, []string{"/ecs/"}
		}, "logGroupsAll"},
		"log region not a region": {func(a *alerts.EcsChatAlertsArgs) {
			a.LogTailEnabled, a.LogGroupPrefixes, a.LogRegions = true, []string{"/ecs/"}, []string{"ireland"}
		}, "logRegions[0]"},
		"log region twice": {func(a *alerts.EcsChatAlertsArgs) {
			a.LogTailEnabled, a.LogGroupPrefixes, a.LogRegions = true, []string{"/ecs/"}, []string{testRegion, testRegion}
		}, "logRegions[1]"},
		"log region of another partition": {func(a *alerts.EcsChatAlertsArgs) {
			a.LogTailEnabled, a.LogGroupPrefixes, a.LogRegions = true, []string{"/ecs/"}, []string{testRegion, "cn-north-1"}
		}, "logRegions[1]"},
		"too many log lines": {func(a *alerts.EcsChatAlertsArgs) {
			a.LogTailEnabled, a.LogGroupPrefixes, a.LogTailLines = true, []string{"/ecs/"}, 500
		}, "logTailLines"},
		"log budget over 10s": {func(a *alerts.EcsChatAlertsArgs) {
			a.LogTailEnabled, a.LogGroupPrefixes, a.LogTailBudget = true, []string{"/ecs/"}, "20s"
		}, "logTailBudget"},
		"log budget past the timeout": {func(a *alerts.EcsChatAlertsArgs) {
			a.LogTailEnabled, a.LogGroupPrefixes, a.LogTailBudget, a.Timeout = true, []string{"/ecs/"}, "5s", 5
		}, "logTailBudget"},
		"redact pattern that does not compile": {func(a *alerts.EcsChatAlertsArgs) {
			a.LogTailEnabled, a.LogGroupPrefixes, a.LogRedactPatterns = true, []string{"/ecs/"}, []string{"token=(\\S+"}
		}, "logRedactPatterns[0]"},

		// Destinations and routes.
		"webhook and destinations": {func(a *alerts.EcsChatAlertsArgs) {
			a.Destinations = []alerts.DestinationArgs{{Name: "ops", Target: "slack", Secret: secret(testWebhook)}}
		}, "destinations"},
		"destination to an unknown target": {func(a *alerts.EcsChatAlertsArgs) {
			routed(a, alerts.DestinationArgs{Name: "ops", Target: "pager", Secret: secret(testWebhook)})
		}, "destinations[1].target"},
		"missing secret": {func(a *alerts.EcsChatAlertsArgs) {
			routed(a, alerts.DestinationArgs{Name: "ops", Target: "discord"})
		}, "destinations[1].secret"},
		"bot without a channel": {func(a *alerts.EcsChatAlertsArgs) {
			routed(a, alerts.DestinationArgs{Name: "ops", Target: "slack-bot", Secret: secret("xoxb-FAKE")})
		}, "destinations[1].channel"},
		"channel on a webhook target": {func(a *alerts.EcsChatAlertsArgs) {
			routed(a, alerts.DestinationArgs{Name: "ops", Target: "teams", Secret: secret(testWebhook), Channel: "C0FAKE0001"})
		}, "destinations[1].channel"},
		"webhook without a signing secret": {func(a *alerts.EcsChatAlertsArgs) {
			routed(a, alerts.DestinationArgs{Name: "ops", Target: "webhook", Secret: secret(testWebhook)})
		}, "destinations[1].signingSecret"},
		"signing secret on slack": {func(a *alerts.EcsChatAlertsArgs) {
			routed(a, alerts.DestinationArgs{Name: "ops", Target: "slack", Secret: secret(testWebhook), SigningSecret: secret("FAKE")})
		}, "destinations[1].signingSecret"},
		"name twice": {func(a *alerts.EcsChatAlertsArgs) {
			routed(a, alerts.DestinationArgs{Name: "prod", Target: "slack", Secret: secret(testWebhook)})
		}, "destinations[1].name"},
		"name with a space": {func(a *alerts.EcsChatAlertsArgs) {
			routed(a, alerts.DestinationArgs{Name: "ops team", Target: "slack", Secret: secret(testWebhook)})
		}, "destinations[1].name"},
		"route to an unknown destination": {func(a *alerts.EcsChatAlertsArgs) {
			routed(a)
			a.Routes[0].Destinations = []string{"prod", "pagerduty"}
		}, "routes[0].destinations"},
		"route on an unknown kind": {func(a *alerts.EcsChatAlertsArgs) {
			routed(a)
			a.Routes[0].Match.Kind = []string{"crashloop"}
		}, "routes[0].match.kind[0]"},
		"mute without a reason": {func(a *alerts.EcsChatAlertsArgs) {
			routed(a)
			a.Routes[0].Mute = []alerts.MuteArgs{{Start: "2026-01-01T00:00:00Z", End: "2026-01-01T01:00:00Z"}}
		}, "routes[0].mute[0].reason"},
		"routes without a default": {func(a *alerts.EcsChatAlertsArgs) {
			routed(a)
			a.Default = nil
		}, "default"},
	}
	for label, c := range cases {
		a := minimalArgs(t)
		c.edit(&a)
		rec := &recorder{}
		_, err := runWith(t, a, runOpts{rec: rec, dryRun: true})
		aes := argErrors(err)
		if len(aes) != 1 {
			t.Errorf("%s: got %d argument errors in %v, want one message", label, len(aes), err)
			continue
		}
		t.Logf("%s: %v", label, aes[0])
		if aes[0].Key != c.key || strings.Contains(aes[0].Error(), "\n") {
			t.Errorf("%s: error %q, want one line naming %q", label, aes[0], c.key)
		}
		if len(rec.resources) != 0 {
			t.Errorf("%s: %d resources registered before the args were rejected", label, len(rec.resources))
		}
	}
}

func TestPreview(t *testing.T) {
	res, err := run(t, fullArgs(t), true)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(res.rec.of(tFunction)); got != 1 {
		t.Errorf("preview registered %d functions", got)
	}
}

// routed switches args from the webhook shortcut to one destination, "prod", with a route to
// it and a default, and appends extra destinations.
func routed(a *alerts.EcsChatAlertsArgs, extra ...alerts.DestinationArgs) {
	a.WebhookUrl = nil
	a.Destinations = append([]alerts.DestinationArgs{{Name: "prod", Target: "slack", Secret: secret(testWebhook)}}, extra...)
	a.Routes = []alerts.RouteArgs{{Name: "services", Match: alerts.RouteMatchArgs{Service: []string{"checkout-*"}}, Destinations: []string{"prod"}}}
	a.Default = []string{"prod"}
}
