package alerts_test

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/foghornhq/foghorn/infra/alerts"
	"github.com/foghornhq/foghorn/lambda/config"
)

// Obviously fake credentials, one per destination, and the webhook's signing key.
var fakeSecrets = map[string]string{
	"prod-slack": "https://hooks.slack.example/services/T00000000/B00000000/FAKEPRODSLACK",
	"prod-teams": "https://teams.example/workflows/FAKEPRODTEAMS",
	"oncall-bot": "xoxb-0000-FAKEONCALLBOT",
	"audit-hook": "https://hooks.example/foghorn/FAKEAUDITHOOK",
}

const fakeSigningKey = "FAKESIGNINGKEY-0000000000000000000000000000"

func secret(v string) pulumi.StringOutput {
	return pulumi.ToSecret(pulumi.String(v)).(pulumi.StringOutput)
}

// routedArgs is prod's routing: failures to Slack and Teams, crash loops also to the on-call
// bot's channel, everything also to a signed audit webhook, the rest to Slack.
func routedArgs(t *testing.T) alerts.EcsChatAlertsArgs {
	a := minimalArgs(t)
	a.WebhookUrl = nil
	a.Environment = "prod"
	a.Destinations = []alerts.DestinationArgs{
		{Name: "prod-slack", Target: "slack", Secret: secret(fakeSecrets["prod-slack"])},
		{Name: "prod-teams", Target: "teams", Secret: secret(fakeSecrets["prod-teams"])},
		{Name: "oncall-bot", Target: "slack-bot", Secret: secret(fakeSecrets["oncall-bot"]), Channel: "C0FAKE0001"},
		{Name: "audit-hook", Target: "webhook", Secret: secret(fakeSecrets["audit-hook"]), SigningSecret: secret(fakeSigningKey)},
	}
	a.Routes = []alerts.RouteArgs{
		{Name: "audit", Destinations: []string{"audit-hook"}, Continue: true},
		{
			Name:         "crash-loops",
			Match:        alerts.RouteMatchArgs{Kind: []string{"crash-loop"}},
			Destinations: []string{"oncall-bot", "prod-slack"},
			Mute: []alerts.MuteArgs{{
				Reason: "weekly patching",
				Weekly: &alerts.WeeklyMuteArgs{Days: []string{"sun"}, Start: "02:00", End: "04:00", Timezone: "Europe/Berlin"},
			}},
		},
		{
			Name:         "prod-failures",
			Match:        alerts.RouteMatchArgs{Environment: []string{"prod"}, MinSeverity: "warning", Service: []string{"checkout-*"}},
			Destinations: []string{"prod-slack", "prod-teams"},
		},
	}
	a.Default = []string{"prod-slack"}
	return a
}

// wantParams maps each secret parameter's logical name to the value it must hold.
func wantParams() map[string]string {
	out := map[string]string{name + "-signing-audit-hook": fakeSigningKey}
	for dest, v := range fakeSecrets {
		out[name+"-secret-"+dest] = v
	}
	return out
}

func TestOneParameterPerSecret(t *testing.T) {
	a := routedArgs(t)
	r := mustRun(t, a).rec
	params := map[string]registered{}
	for _, p := range r.of(tParam) {
		if p.Name != name+"-config" {
			params[p.Name] = p
		}
	}
	want := wantParams()
	if len(params) != len(want) {
		t.Errorf("%d secret parameters %v, want one per secret: %d", len(params), keysOf(params), len(want))
	}
	for logical, value := range want {
		p, ok := params[logical]
		if !ok {
			t.Errorf("no parameter %s", logical)
			continue
		}
		if str(t, p.Inputs, "type") != "SecureString" {
			t.Errorf("%s: type %s", logical, str(t, p.Inputs, "type"))
		}
		v := p.Inputs["value"]
		if !v.IsSecret() && !(v.IsOutput() && v.OutputValue().Secret) {
			t.Errorf("%s: value is not secret", logical)
		}
		if str(t, p.Inputs, "value") != value {
			t.Errorf("%s holds the wrong secret", logical)
		}
	}

	// The document names each parameter where the notifier looks for it.
	d := document(t, r)
	byName := map[string]config.Destination{}
	for _, x := range d.Destinations {
		byName[x.Name] = x
	}
	for _, dst := range a.Destinations {
		got := byName[dst.Name]
		if got.Target != dst.Target || got.Channel != dst.Channel || got.SecretParam != params[name+"-secret-"+dst.Name].Physical {
			t.Errorf("%s: document says %+v", dst.Name, got)
		}
	}
	if got := byName["audit-hook"].SigningSecretParam; got != params[name+"-signing-audit-hook"].Physical {
		t.Errorf("audit-hook's signing parameter %q", got)
	}
	if len(d.Destinations) != len(a.Destinations) {
		t.Errorf("document has %d destinations, want %d", len(d.Destinations), len(a.Destinations))
	}

	// The function reads exactly those parameters and its config.
	rp := parsePolicy(t, str(t, r.one(t, tRolePol).Inputs, "policy"))
	read := rp.stmt(t, "ReadConfigAndSecrets")
	wantArns := []any{paramArn(r.named(t, tParam, name+"-config").Physical)}
	for _, p := range params {
		wantArns = append(wantArns, paramArn(p.Physical))
	}
	var gotArns []any
	for _, x := range read.Resource {
		gotArns = append(gotArns, x)
	}
	if !slices.Equal(read.Action, []string{"ssm:GetParameter"}) || !sameSet(gotArns, wantArns) {
		t.Errorf("ssm:GetParameter on %v, want exactly %v", read.Resource, wantArns)
	}
	for _, s := range rp.Statement {
		if s.Sid != "ReadConfigAndSecrets" && slices.ContainsFunc(s.Action, func(a string) bool { return strings.HasPrefix(a, "ssm:") }) {
			t.Errorf("%s also grants SSM actions %v", s.Sid, s.Action)
		}
	}
	for _, s := range rp.Statement {
		if s.Sid == "DecryptSecretParameters" {
			t.Error("kms:Decrypt granted without a customer-managed key")
		}
	}
}

func TestRoutesInDocument(t *testing.T) {
	a := routedArgs(t)
	d := document(t, mustRun(t, a).rec)
	want := []config.Route{
		{Name: "audit", Destinations: []string{"audit-hook"}, Continue: true},
		{
			Name:         "crash-loops",
			Match:        config.Match{Kind: []string{"crash-loop"}},
			Destinations: []string{"oncall-bot", "prod-slack"},
			Mute: []config.Mute{{
				Reason: "weekly patching",
				Weekly: &config.Weekly{Days: []string{"sun"}, Start: "02:00", End: "04:00", Timezone: "Europe/Berlin"},
			}},
		},
		{
			Name:         "prod-failures",
			Match:        config.Match{Environment: []string{"prod"}, MinSeverity: "warning", Service: []string{"checkout-*"}},
			Destinations: []string{"prod-slack", "prod-teams"},
		},
	}
	if !reflect.DeepEqual(d.Routes, want) {
		g, _ := json.Marshal(d.Routes)
		w, _ := json.Marshal(want)
		t.Errorf("routes\n got %s\nwant %s", g, w)
	}
	if !slices.Equal(d.Default, []string{"prod-slack"}) || d.Environment != "prod" {
		t.Errorf("default %v, environment %q", d.Default, d.Environment)
	}
}

// TestRouteArgsMirrorConfig keeps the route args in step with the document's types: the same
// JSON keys with the same kinds, so every key lambda/config/README.md documents can be set
// from Pulumi and nothing else.
func TestRouteArgsMirrorConfig(t *testing.T) {
	pairs := []struct{ args, doc any }{
		{alerts.RouteArgs{}, config.Route{}},
		{alerts.RouteMatchArgs{}, config.Match{}},
		{alerts.MuteArgs{}, config.Mute{}},
		{alerts.WeeklyMuteArgs{}, config.Weekly{}},
	}
	for _, p := range pairs {
		a, d := jsonFields(reflect.TypeOf(p.args)), jsonFields(reflect.TypeOf(p.doc))
		if !reflect.DeepEqual(a, d) {
			t.Errorf("%T has fields %v\n%T has %v", p.args, a, p.doc, d)
		}
	}
}

// jsonFields maps each JSON key of a struct to its kind (structs and pointers by name only).
func jsonFields(typ reflect.Type) map[string]string {
	out := map[string]string{}
	for i := range typ.NumField() {
		f := typ.Field(i)
		key, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if key == "" || key == "-" {
			continue
		}
		out[key] = f.Type.Kind().String()
		if f.Type.Kind() == reflect.Slice {
			out[key] += " of " + f.Type.Elem().Kind().String()
		}
	}
	return out
}

func TestSecretsStaySecret(t *testing.T) {
	for _, dry := range []bool{false, true} {
		a := routedArgs(t)
		a.CreateKmsKey = true
		res, err := run(t, a, dry)
		if err != nil {
			t.Fatal(err)
		}
		values := []string{fakeSigningKey}
		for _, v := range fakeSecrets {
			values = append(values, v)
		}
		for _, x := range res.rec.resources {
			for k, v := range x.Inputs {
				walk(v, false, func(v resource.PropertyValue, secret bool) {
					if !v.IsString() || secret {
						return
					}
					for _, s := range values {
						if strings.Contains(v.StringValue(), s) {
							t.Errorf("dryRun=%v: a secret appears in plain input %s.%s of %s", dry, x.Name, k, x.Type)
						}
					}
				})
			}
		}
		for k, v := range res.outs {
			if strings.Contains(v, "FAKE") {
				t.Errorf("dryRun=%v: a secret appears in output %s", dry, k)
			}
		}
		if len(res.secretOuts) != 0 {
			t.Errorf("outputs %v became secret; they should carry no secret at all", res.secretOuts)
		}
		if dry {
			continue // unknown ARNs leave the policy unknown in preview
		}
		keyArn := "arn:aws:kms:" + testRegion + ":" + testAccount + ":key/1234abcd-12ab-34cd-56ef-1234567890ab"
		var arns []any
		for logical := range wantParams() {
			p := res.rec.named(t, tParam, logical)
			if str(t, p.Inputs, "keyId") != keyArn {
				t.Errorf("%s not encrypted with the stack's key", logical)
			}
			arns = append(arns, paramArn(p.Physical))
		}
		rp := parsePolicy(t, str(t, res.rec.one(t, tRolePol).Inputs, "policy"))
		ctx := rp.stmt(t, "DecryptSecretParameters").Condition["StringEquals"]["kms:EncryptionContext:PARAMETER_ARN"]
		if !sameSet(anyList(ctx), arns) {
			t.Errorf("kms:Decrypt for parameters %v, want exactly %v", ctx, arns)
		}
	}
}

func keysOf[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// A secret of the wrong shape fails the deployment, naming its argument and not showing the
// value: the notifier would refuse to start on it (config.CheckSecrets is the one rule).
func TestSecretShapeRefused(t *testing.T) {
	for name, tc := range map[string]struct {
		edit func(a *alerts.EcsChatAlertsArgs)
		key  string
	}{
		"a Slack URL for Discord": {func(a *alerts.EcsChatAlertsArgs) {
			a.Destinations[1] = alerts.DestinationArgs{Name: "prod-teams", Target: "discord", Secret: secret("https://hooks.slack.example/services/T0/B0/FAKESHAPE")}
		}, "destinations[1].secret"},
		"a Google Chat URL without its token": {func(a *alerts.EcsChatAlertsArgs) {
			a.Destinations[1] = alerts.DestinationArgs{Name: "prod-teams", Target: "gchat", Secret: secret("https://chat.googleapis.example/v1/spaces/AAAA/messages?key=FAKESHAPE")}
		}, "destinations[1].secret"},
		"a short signing key": {func(a *alerts.EcsChatAlertsArgs) {
			a.Destinations[3].SigningSecret = secret("FAKESHAPE")
		}, "destinations[3].signingSecret"},
		"the shortcut's webhook": {func(a *alerts.EcsChatAlertsArgs) {
			*a = minimalArgs(t)
			a.WebhookUrl = secret("http://hooks.slack.example/FAKESHAPE")
		}, "webhookUrl"},
	} {
		t.Run(name, func(t *testing.T) {
			a := routedArgs(t)
			tc.edit(&a)
			_, err := run(t, a, true)
			if err == nil || !strings.Contains(err.Error(), tc.key+": does not hold") {
				t.Fatalf("err %v, want one naming %s", err, tc.key)

			}
			if strings.Contains(err.Error(), "FAKESHAPE") {
				t.Errorf("the error shows the secret: %v", err)
			}
		})
	}
	if _, err := run(t, routedArgs(t), true); err != nil {
		t.Errorf("secrets of the right shape: %v", err)
	}
}
