package alerts_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/foghornhq/foghorn/infra/alerts"
)

const (
	tApi         = "aws:apigatewayv2/api:Api"
	tIntegration = "aws:apigatewayv2/integration:Integration"
	tRoute       = "aws:apigatewayv2/route:Route"
	tStage       = "aws:apigatewayv2/stage:Stage"
	// Slack's documentation placeholder: obviously not a real app's secret.
	fakeSlackSigningSecret = "8f742231b10e8888abcd99yyyzzz85a5"
)

var (
	checkoutService = "arn:aws:ecs:" + testRegion + ":" + testAccount + ":service/prod-a/checkout-api"
	paymentsService = "arn:aws:ecs:" + testRegion + ":" + testAccount + ":service/prod-a/payments"
)

// actionsArgs is routedArgs with every action on: silence for two people, acknowledge for the
// on-call group, logs, continue and rollback of two services.
func actionsArgs(t *testing.T) alerts.EcsChatAlertsArgs {
	a := routedArgs(t)
	a.LogTailEnabled = true
	a.LogGroupPrefixes = []string{"/ecs/"}
	a.ActionsEnabled = true
	a.ActionsSigningSecret = secret(fakeSlackSigningSecret)
	a.ActionsBotDestination = "oncall-bot"
	a.ActionsServices = []string{checkoutService, paymentsService}
	ch := []string{"C0FAKE0001"}
	a.ActionsAllow = alerts.ActionsAllowArgs{
		Silence:     &alerts.AllowArgs{Users: []string{"U0ANA", "U0BOB"}, Channels: ch},
		Acknowledge: &alerts.AllowArgs{UserGroups: []string{"S0ONCALL"}, Channels: ch},
		Logs:        &alerts.AllowArgs{Users: []string{"U0ANA"}, Channels: ch},
		Continue:    &alerts.AllowArgs{Users: []string{"U0ANA"}, Channels: ch},
		Rollback:    &alerts.AllowArgs{Users: []string{"U0ANA"}, Channels: ch},
	}
	yes := true
	a.Destinations[0].Buttons = &yes // prod-slack's app has interactivity on
	return a
}

func fnNamed(t *testing.T, r *recorder, fn string) registered {
	t.Helper()
	for _, f := range r.of(tFunction) {
		if str(t, f.Inputs, "name") == fn {
			return f
		}
	}
	t.Fatalf("no function %s", fn)
	return registered{}
}

func envOf(f registered) map[string]string {
	out := map[string]string{}
	for k, v := range f.Inputs["environment"].ObjectValue()["variables"].ObjectValue() {
		if v.IsString() {
			out[string(k)] = v.StringValue()
		} else {
			out[string(k)] = fmt.Sprint(v)
		}
	}
	return out
}

// TestActionsEndpoint: with actions on, the component creates the endpoint: its own function
// (the notifier's zip, FOGHORN_MODE=actions, no secret in its environment), its own role, the
// signing secret's SecureString parameter, and an HTTP API whose one route invokes it, with a
// permission naming that route and a request URL exported in plain text.
func TestActionsEndpoint(t *testing.T) {
	res := mustRun(t, actionsArgs(t))
	r := res.rec
	if n := len(r.of("foghorn:index:Actions")); n != 1 {
		t.Fatalf("%d Actions components", n)
	}
	fnName := alerts.ActionsFunctionName(testProjct, testStack, name)
	fn := fnNamed(t, r, fnName)
	notifier := fnNamed(t, r, alerts.FunctionName(testProjct, testStack, name))
	if !fn.Inputs["code"].IsArchive() || fn.Inputs["code"].ArchiveValue().Path != notifier.Inputs["code"].ArchiveValue().Path {
		t.Error("the endpoint is not built from the notifier's zip")
	}
	if str(t, fn.Inputs, "role") == str(t, notifier.Inputs, "role") {
		t.Error("the endpoint runs with the notifier's role")
	}
	cfg := r.named(t, tParam, name+"-config")
	env := envOf(fn)
	want := map[string]string{
		alerts.EnvMode: alerts.ModeActions, alerts.EnvConfigParam: cfg.Physical, alerts.EnvLogLevel: "info",
		alerts.EnvStateTable: r.one(t, tTable).Physical,
	}
	if !mapsEqual(env, want) {
		t.Errorf("environment %v, want %v", env, want)
	}
	if len(fnName) > 64 {
		t.Errorf("function name %q over Lambda's 64", fnName)
	}

	p := r.named(t, tParam, name+"-actions-signing-secret")
	if str(t, p.Inputs, "type") != "SecureString" || str(t, p.Inputs, "name") != alerts.SigningSecretParameterName(testProjct, testStack, name) {
		t.Errorf("signing secret parameter %v", p.Inputs)
	}
	if v := p.Inputs["value"]; !v.IsSecret() || str(t, p.Inputs, "value") != fakeSlackSigningSecret {
		t.Errorf("the signing secret's value is not the secret, or not marked secret: %v", v)
	}
	d := document(t, r)
	if d.Actions.SigningSecretParam != alerts.SigningSecretParameterName(testProjct, testStack, name) {
		t.Errorf("the document names %q for the signing secret", d.Actions.SigningSecretParam)
	}
	if !d.Actions.Enabled || d.Actions.BotDestination != "oncall-bot" || !slices.Equal(d.Actions.Services, []string{checkoutService, paymentsService}) ||
		d.Actions.Acknowledge == nil || !slices.Equal(d.Actions.Acknowledge.UserGroups, []string{"S0ONCALL"}) {
		t.Errorf("document actions %+v", d.Actions)
	}
	if dst, _ := d.Destination("prod-slack"); !d.ButtonsFor(dst) {
		t.Error("the webhook that opted in carries no buttons")
	}
	if dst, _ := d.Destination("oncall-bot"); !d.ButtonsFor(dst) {
		t.Error("the bot carries no buttons")
	}

	api := r.one(t, tApi)
	if str(t, api.Inputs, "protocolType") != "HTTP" {
		t.Errorf("api %v", api.Inputs)
	}
	in := r.one(t, tIntegration).Inputs
	fnArn := "arn:aws:lambda:" + testRegion + ":" + testAccount + ":function:" + fnName
	if str(t, in, "integrationType") != "AWS_PROXY" || str(t, in, "integrationUri") != fnArn || str(t, in, "payloadFormatVersion") != "2.0" {
		t.Errorf("integration %v", in)
	}
	if rt := r.one(t, tRoute).Inputs; str(t, rt, "routeKey") != "POST /slack/actions" || str(t, rt, "target") != "integrations/"+name+"-actions-id" {
		t.Errorf("route %v", rt)
	}
	st := r.one(t, tStage).Inputs
	rs := st["defaultRouteSettings"].ObjectValue()
	if str(t, st, "name") != "$default" || !st["autoDeploy"].BoolValue() || rs["throttlingBurstLimit"].NumberValue() <= 0 || rs["throttlingRateLimit"].NumberValue() <= 0 {
		t.Errorf("stage %v", st)
	}
	perm := r.one(t, tPermission).Inputs
	if str(t, perm, "principal") != "apigateway.amazonaws.com" || str(t, perm, "action") != "lambda:InvokeFunction" ||
		str(t, perm, "sourceArn") != "arn:aws:execute-api:"+testRegion+":"+testAccount+":a1b2c3d4e5/*/POST/slack/actions" {
		t.Errorf("permission %v: only API Gateway, for this API's route, may invoke the endpoint", perm)
	}
	if ic := r.one(t, tInvokeCfg).Inputs; ic["maximumRetryAttempts"].NumberValue() != 0 {
		t.Errorf("the asynchronous invocation is retried: %v", ic)
	}
	for _, lg := range r.of(tLogGroup) {
		if str(t, lg.Inputs, "name") == "/aws/lambda/"+fnName {
			goto logged
		}
	}
	t.Error("the endpoint has no log group of its own")
logged:
	for _, x := range r.resources {
		if strings.HasPrefix(x.Name, name+"-actions") && x.Type != "foghorn:index:Actions" && !strings.Contains(x.Parent, "foghorn:index:Actions") {
			t.Errorf("%s %s is not parented to the Actions component", x.Type, x.Name)
		}
	}
}

// TestActionsOff: without actionsEnabled nothing of the endpoint exists, and the document
// offers no buttons.
func TestActionsOff(t *testing.T) {
	r := mustRun(t, routedArgs(t)).rec
	for _, typ := range []string{"foghorn:index:Actions", tApi, tIntegration, tRoute, tStage} {
		if n := len(r.of(typ)); n != 0 {
			t.Errorf("%d × %s with actions off", n, typ)
		}
	}
	if d := document(t, r); d.Actions.Enabled || d.Menu() != nil {
		t.Errorf("document actions %+v", d.Actions)
	}
}

func rolePolicyNamed(t *testing.T, r *recorder, logical string) policyDoc {
	t.Helper()
	return parsePolicy(t, str(t, r.named(t, tRolePol, logical).Inputs, "policy"))
}

// TestActionsRolePolicy: the endpoint's role holds exactly what each allowed action needs, on
// exactly the configured services; the notifier's role gains nothing.
func TestActionsRolePolicy(t *testing.T) {
	a := actionsArgs(t)
	r := mustRun(t, a).rec
	arn := func(svc, kind string) string {
		return "arn:aws:" + svc + ":" + testRegion + ":" + testAccount + ":" + kind
	}
	fnName := alerts.ActionsFunctionName(testProjct, testStack, name)
	params := map[string]string{}
	for _, p := range r.of(tParam) {
		params[p.Name] = p.Physical
	}
	deploy := func(s string) string { return strings.Replace(s, ":service/", ":service-deployment/", 1) + "/*" }
	services := []string{checkoutService, paymentsService}
	both := []string{checkoutService, paymentsService, deploy(checkoutService), deploy(paymentsService)}
	stream := arn("logs", "log-group:/ecs/*:log-stream:*")
	want := map[string]grant{
		"ReadConfigAndSecrets": {[]string{"ssm:GetParameter"}, []string{paramArn(params[name+"-config"]),
			paramArn(alerts.SigningSecretParameterName(testProjct, testStack, name)), paramArn(params[name+"-secret-oncall-bot"])}},
		"WriteOwnLogs":              {[]string{"logs:CreateLogStream", "logs:PutLogEvents"}, []string{arn("logs", "log-group:/aws/lambda/"+fnName+":*")}},
		"RecordClicksAndSilences":   {[]string{"dynamodb:GetItem", "dynamodb:PutItem"}, []string{tableArn(r.one(t, tTable).Physical)}},
		"InvokeItself":              {[]string{"lambda:InvokeFunction"}, []string{arn("lambda", "function:"+fnName)}},
		"ReadTaskDefinitions":       {[]string{"ecs:DescribeTaskDefinition"}, []string{"*"}},
		"ReadTaskLogTails":          {[]string{"logs:GetLogEvents"}, []string{stream}},
		"DecidePausedDeployments":   {[]string{"ecs:ContinueServiceDeployment"}, both},
		"RollBackDeployments":       {[]string{"ecs:StopServiceDeployment"}, both},
		"FindDeploymentsInProgress": {[]string{"ecs:DescribeServices", "ecs:ListServiceDeployments"}, services},
	}
	rp := rolePolicyNamed(t, r, name+"-actions")
	checkRolePolicy(t, rp, want, "*", stream, deploy(checkoutService), deploy(paymentsService), arn("logs", "log-group:/aws/lambda/"+fnName+":*"))
	for _, s := range rp.Statement {
		for _, act := range s.Action {
			if act == "ecs:UpdateService" || act == "iam:PassRole" {
				t.Errorf("%s grants %s: rollbacks are ECS's own, and need neither", s.Sid, act)
			}
		}
	}

	// Only silence allowed: no ECS, no logs.
	a.ActionsAllow = alerts.ActionsAllowArgs{Silence: a.ActionsAllow.Silence}
	a.ActionsServices, a.ActionsBotDestination = nil, ""
	r = mustRun(t, a).rec
	rp = rolePolicyNamed(t, r, name+"-actions")
	var sids []string
	for _, s := range rp.Statement {
		sids = append(sids, s.Sid)
		for _, act := range s.Action {
			if strings.HasPrefix(act, "ecs:") || act == "logs:GetLogEvents" {
				t.Errorf("silence only, yet %s grants %s", s.Sid, act)
			}
		}
	}
	if !slices.Equal(sids, []string{"ReadConfigAndSecrets", "WriteOwnLogs", "RecordClicksAndSilences", "InvokeItself"}) {
		t.Errorf("silence only: statements %v", sids)
	}
	if res := rp.stmt(t, "ReadConfigAndSecrets").Resource; len(res) != 2 {
		t.Errorf("without a bot destination the endpoint reads %v", res)
	}
}

// TestActionsDecryptWithKey: with a customer-managed key, the endpoint may decrypt the signing
// secret and the bot's token through SSM, and nothing else.
func TestActionsDecryptWithKey(t *testing.T) {
	a := actionsArgs(t)
	a.CreateKmsKey = true
	r := mustRun(t, a).rec
	params := map[string]string{}
	for _, p := range r.of(tParam) {
		params[p.Name] = p.Physical
	}
	s := rolePolicyNamed(t, r, name+"-actions").stmt(t, "DecryptSecretParameters")
	cond := s.Condition["StringEquals"]
	want := []any{paramArn(alerts.SigningSecretParameterName(testProjct, testStack, name)), paramArn(params[name+"-secret-oncall-bot"])}
	if !slices.Equal(s.Action, []string{"kms:Decrypt"}) || cond["kms:ViaService"] != "ssm."+testRegion+".amazonaws.com" || !sameSet(anyList(cond["kms:EncryptionContext:PARAMETER_ARN"]), want) {
		t.Errorf("decrypt %+v", s)
	}
	if k := r.named(t, tParam, name+"-actions-signing-secret").Inputs["keyId"]; k.IsNull() {
		t.Error("the signing secret is not encrypted with the stack's key")
	}
}

// TestNotifierRoleGainsNothing: turning actions on changes nothing in the notifier's role.
func TestNotifierRoleGainsNothing(t *testing.T) {
	off := rolePolicyNamed(t, mustRun(t, routedArgs(t)).rec, name+"-notifier")
	a := actionsArgs(t)
	a.LogTailEnabled, a.LogGroupPrefixes, a.ActionsAllow.Logs = false, nil, nil
	on := rolePolicyNamed(t, mustRun(t, a).rec, name+"-notifier")
	offJS, _ := json.Marshal(off)
	onJS, _ := json.Marshal(on)
	if string(offJS) != string(onJS) {
		t.Errorf("the notifier's role changed with actions on:\noff %s\non  %s", offJS, onJS)
	}
	for _, s := range on.Statement {
		for _, res := range s.Resource {
			if strings.Contains(res, "slack-signing-secret") {
				t.Errorf("the notifier may read the signing secret: %s", s.Sid)
			}
		}
	}
}

// TestActionsSecretsStaySecret: the signing secret and the bot token appear only inside
// secret-wrapped inputs, never in an environment, a plain input or the stack's outputs; the
// request URL is plain.
func TestActionsSecretsStaySecret(t *testing.T) {
	res := mustRun(t, actionsArgs(t))
	secrets := []string{fakeSlackSigningSecret, fakeSecrets["oncall-bot"]}
	for _, x := range res.rec.resources {
		for k, v := range x.Inputs {
			walk(v, false, func(v resource.PropertyValue, wrapped bool) {
				if !v.IsString() || wrapped {
					return
				}
				for _, s := range secrets {
					if strings.Contains(v.StringValue(), s) {
						t.Errorf("%s %s: input %s holds a secret in plain text", x.Type, x.Name, k)
					}
				}
			})
		}
	}
	for k, v := range res.outs {
		for _, s := range secrets {
			if strings.Contains(v, s) {
				t.Errorf("output %s holds a secret", k)
			}
		}
	}
	if res.outs["actionsUrl"] != "https://a1b2c3d4e5.execute-api."+testRegion+".amazonaws.com/slack/actions" || slices.Contains(res.secretOuts, "actionsUrl") {
		t.Errorf("actionsUrl %q (secret: %v)", res.outs["actionsUrl"], res.secretOuts)
	}
}

// TestActionsValidation: each mistake fails preview with one message naming its key.
func TestActionsValidation(t *testing.T) {
	cases := []struct {
		name string
		edit func(a *alerts.EcsChatAlertsArgs)
		key  string
	}{
		{"no signing secret", func(a *alerts.EcsChatAlertsArgs) { a.ActionsSigningSecret = nil }, "actionsSigningSecret"},
		{"keys with actions off", func(a *alerts.EcsChatAlertsArgs) { a.ActionsEnabled = false }, "actionsEnabled"},
		{"a user name, not an id", func(a *alerts.EcsChatAlertsArgs) { a.ActionsAllow.Silence.Users = []string{"@ana"} }, "actionsAllow.silence.users[0]"},
		{"a channel name", func(a *alerts.EcsChatAlertsArgs) { a.ActionsAllow.Logs.Channels = []string{"#alerts"} }, "actionsAllow.logs.channels[0]"},
		{"nobody allowed", func(a *alerts.EcsChatAlertsArgs) { a.ActionsAllow.Continue.Users = nil }, "actionsAllow.continue"},
		{"no services for rollback", func(a *alerts.EcsChatAlertsArgs) { a.ActionsServices = nil }, "actionsServices"},
		{"a service name, not an ARN", func(a *alerts.EcsChatAlertsArgs) { a.ActionsServices = []string{"prod-a/checkout-api"} }, "actionsServices[0]"},
		{"groups without a bot", func(a *alerts.EcsChatAlertsArgs) { a.ActionsBotDestination = "" }, "actionsBotDestination"},
		{"a webhook as the bot", func(a *alerts.EcsChatAlertsArgs) { a.ActionsBotDestination = "prod-slack" }, "actionsBotDestination"},
		{"logs without the log tail", func(a *alerts.EcsChatAlertsArgs) { a.LogTailEnabled, a.LogGroupPrefixes = false, nil }, "actionsAllow.logs"},
		{"buttons on Teams", func(a *alerts.EcsChatAlertsArgs) { yes := true; a.Destinations[1].Buttons = &yes }, "destinations[1].buttons"},
		{"too many services", func(a *alerts.EcsChatAlertsArgs) {
			a.ActionsServices = nil
			for i := range 60 {
				a.ActionsServices = append(a.ActionsServices, fmt.Sprintf("arn:aws:ecs:%s:%s:service/prod-a/service-with-a-long-name-%03d", testRegion, testAccount, i))
			}
		}, "actionsServices"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := actionsArgs(t)
			c.edit(&a)
			_, err := run(t, a, true)
			errs := argErrors(err)
			if len(errs) == 0 || !slices.ContainsFunc(errs, func(e *alerts.ArgError) bool { return e.Key == c.key }) {
				t.Errorf("errors %v, want one naming %s", err, c.key)
			}
		})
	}
	// A signing secret of the wrong shape fails once known, without showing it.
	a := actionsArgs(t)
	a.ActionsSigningSecret = secret("short")
	_, err := run(t, a, false)
	if err == nil || !strings.Contains(err.Error(), "actionsSigningSecret") || strings.Contains(err.Error(), "short\"") {
		t.Errorf("a short signing secret: %v", err)
	}
}

// TestActionsPreview: preview plans the endpoint with its outputs unknown.
func TestActionsPreview(t *testing.T) {
	if _, err := run(t, actionsArgs(t), true); err != nil {
		t.Fatal(err)
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
