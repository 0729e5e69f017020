package main

import (
	"encoding/json"
	"strings"

	"github.com/foghornhq/foghorn/infra/alerts"
)

// actions reads the chat actions' keys into args. The signing secret must be stored as a
// secret; its value is never shown.
func (r *configReader) actions(args *alerts.EcsChatAlertsArgs) {
	args.ActionsEnabled = r.boolVal("actionsEnabled")
	args.ActionsServices = r.list("actionsServices")
	args.ActionsBotDestination = r.str("actionsBotDestination")
	if v, ok := r.raw("actionsAllow"); ok {
		var allow alerts.ActionsAllowArgs
		hint := ` (e.g. {"silence": {"users": ["U0123ABCD"], "channels": ["C0123ABCD"]}}; actions: ` +
			strings.Join([]string{"silence", "acknowledge", "logs", "continue", "rollback"}, ", ") + ")"
		if r.strict("actionsAllow", json.RawMessage(v), &allow, hint) {
			args.ActionsAllow = allow
		}
	}
	const key = "actionsSigningSecret"
	v, ok := r.raw(key)
	switch {
	case !ok:
	case !r.ctx.IsConfigSecret(r.full(key)):
		r.bad(key, "is stored in plain text: set it again with `pulumi config set --secret %s <the Slack app's signing secret>`", key)
	default:
		args.ActionsSigningSecret = secretString(v)
	}
}
