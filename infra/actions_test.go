package main

import (
	"slices"
	"strings"
	"testing"
)

// actionsConfig is a stack's config with chat actions on, as a user writes it.
func actionsConfig() map[string]string {
	return map[string]string{
		"destinations":          `[{"name": "oncall", "target": "slack-bot", "channel": "C0FAKE0001"}, {"name": "ops", "target": "slack", "buttons": true}]`,
		"destinationSecrets":    `{"oncall": "xoxb-FAKEFAKEFAKE", "ops": "` + fakeWebhook + `"}`,
		"actionsEnabled":        "true",
		"actionsSigningSecret":  "8f742231b10e8888abcd99yyyzzz85a5",
		"actionsBotDestination": "oncall",
		"actionsServices":       `["arn:aws:ecs:eu-west-1:123456789012:service/prod/checkout-api"]`,
		"actionsAllow": `{"silence": {"users": ["U0ANA"], "channels": ["C0FAKE0001"]},
			"acknowledge": {"userGroups": ["S0ONCALL"], "channels": ["C0FAKE0001"]},
			"rollback": {"users": ["U0ANA"], "channels": ["C0FAKE0001"]}}`,
	}
}

// TestActionsFromStackConfig: the stack config's actions keys reach the document and create
// the endpoint; the signing secret is stored only in its SecureString parameter.
func TestActionsFromStackConfig(t *testing.T) {
	m, err := runProgram(t, actionsConfig(), false)
	if err != nil {
		t.Fatal(err)
	}
	doc := m.document(t)
	a := doc.Actions
	if !a.Enabled || a.BotDestination != "oncall" || a.Rollback == nil || a.Continue != nil ||
		!slices.Equal(a.Acknowledge.UserGroups, []string{"S0ONCALL"}) || !strings.HasSuffix(a.SigningSecretParam, "-slack-signing-secret") {
		t.Errorf("document actions %+v", a)
	}
	if d, _ := doc.Destination("ops"); !doc.ButtonsFor(d) {
		t.Error("the webhook that opted in has no buttons")
	}
	var fns, signing int
	for _, f := range m.inputs["aws:lambda/function:Function"] {
		if v := f["environment"].ObjectValue()["variables"].ObjectValue()["FOGHORN_MODE"]; v.IsString() && v.StringValue() == "actions" {
			fns++
		}
	}
	for _, p := range m.inputs["aws:ssm/parameter:Parameter"] {
		if p["name"].IsString() && p["name"].StringValue() == a.SigningSecretParam {
			signing++
			if !p["value"].IsSecret() {
				t.Error("the signing secret's parameter value is not secret")
			}
		}
	}
	if fns != 1 || signing != 1 || len(m.inputs["aws:apigatewayv2/route:Route"]) != 1 {
		t.Errorf("%d endpoint functions, %d signing parameters, %d routes", fns, signing, len(m.inputs["aws:apigatewayv2/route:Route"]))
	}
}

// TestActionsConfigErrors: a plain-text signing secret and an allow-list of the wrong shape
// fail preview, each naming its key.
func TestActionsConfigErrors(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(map[string]string)
		plain []string
		want  string
	}{
		{"plain-text signing secret", func(map[string]string) {}, []string{"actionsSigningSecret"}, "foghorn:actionsSigningSecret: is stored in plain text"},
		{"unknown action", func(c map[string]string) { c["actionsAllow"] = `{"reboot": {"users": ["U0ANA"]}}` }, nil, "foghorn:actionsAllow.reboot: unknown key; known here: silence, acknowledge, logs, continue, rollback"},
		{"allow-list not an object", func(c map[string]string) { c["actionsAllow"] = `["U0ANA"]` }, nil, "foghorn:actionsAllow:"},
		{"user name", func(c map[string]string) {
			c["actionsAllow"] = `{"silence": {"users": ["ana"], "channels": ["C0FAKE0001"]}}`
		}, nil, "foghorn:actionsAllow.silence.users[0]"},
		{"no signing secret", func(c map[string]string) { delete(c, "actionsSigningSecret") }, nil, "foghorn:actionsSigningSecret: is required"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := actionsConfig()
			c.edit(cfg)
			_, err := runProgram(t, cfg, true, c.plain...)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want %q", err, c.want)
			}
			if err != nil && strings.Contains(err.Error(), "8f742231b10e8888abcd99yyyzzz85a5") {
				t.Error("the error shows the signing secret")
			}
		})
	}
}
