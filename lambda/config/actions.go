package config

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/foghornhq/foghorn/lambda/chatops"
)

// Actions configures what a team may do about an alert from chat: buttons on the Slack
// messages, and the endpoint (its own function) that acts on a click. Who may press which
// button is an allow-list per action; an action without one is not offered at all.
type Actions struct {
	Enabled bool `json:"enabled,omitempty"`
	// SigningSecretParam is the SSM SecureString parameter holding the Slack app's signing
	// secret, which the endpoint checks every request against.
	SigningSecretParam string `json:"signingSecretParam,omitempty"`
	// BotDestination names the slack-bot destination whose token the endpoint calls Slack's
	// API with: to resolve userGroups, and to reply once a click's response_url is spent.
	// Required when an allow-list names user groups.
	BotDestination string `json:"botDestination,omitempty"`
	// Services are the ECS services (ARNs) that continue and rollback may change, and the only
	// ones their IAM permissions name. Required when either is allowed.
	Services []string `json:"services,omitempty"`

	Silence     *Allow `json:"silence,omitempty"`
	Acknowledge *Allow `json:"acknowledge,omitempty"`
	// Logs fetches a container's last lines; it needs the log tail (logs.enabled), whose log
	// groups it reads.
	Logs     *Allow `json:"logs,omitempty"`
	Continue *Allow `json:"continue,omitempty"`
	Rollback *Allow `json:"rollback,omitempty"`
}

// Allow is who may take an action, and where: a click is allowed when its user is listed, or
// is a member of a listed user group, and its channel is listed. Everything else is refused.
type Allow struct {
	Users      []string `json:"users,omitempty"`      // Slack user ids: U0123ABCD, W0123ABCD
	UserGroups []string `json:"userGroups,omitempty"` // Slack user group ids: S0123ABCD
	Channels   []string `json:"channels,omitempty"`   // channel ids: C0123ABCD, G0123ABCD
}

// Allowed returns the allow-list of an action (chatops.Names); nil when nobody may take it.
// Lift is allowed to whoever may silence.
func (a *Actions) Allowed(action string) *Allow {
	if a == nil || !a.Enabled {
		return nil
	}
	switch action {
	case chatops.Silence, chatops.Lift:
		return a.Silence
	case chatops.Acknowledge:
		return a.Acknowledge
	case chatops.Logs:
		return a.Logs
	case chatops.Continue:
		return a.Continue
	case chatops.Rollback:
		return a.Rollback
	}
	return nil
}

// Menu is the set of actions the document allows to somebody: what a message with buttons
// offers.
func (d *Document) Menu() chatops.Menu {
	if !d.Actions.Enabled {
		return nil
	}
	m := chatops.Menu{}
	for _, n := range chatops.Names {
		if d.Actions.Allowed(n) != nil {
			m[n] = true
		}
	}
	return m
}

// ButtonsFor reports whether a destination's messages carry the action buttons: a slack-bot
// destination's do when actions are enabled (unless it says "buttons": false), a Slack
// webhook's only when it opts in with "buttons": true (its Slack app must have interactivity
// on), other targets' never.
func (d *Document) ButtonsFor(dst Destination) bool {
	if !d.Actions.Enabled {
		return false
	}
	switch dst.Target {
	case "slack-bot":
		return dst.Buttons == nil || *dst.Buttons
	case "slack":
		return dst.Buttons != nil && *dst.Buttons
	}
	return false
}

var (
	slackUserRE    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[UW][A-Z0-9]{2,20}$`) })
	slackGroupRE   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^S[A-Z0-9]{2,20}$`) })
	slackChannelRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[CGD][A-Z0-9]{2,20}$`) })
	// ServiceArnRE is an ECS service ARN in the long format: service/<cluster>/<name>.
	ServiceArnRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:service/[A-Za-z0-9_-]{1,255}/[A-Za-z0-9_-]{1,255}$`)
	})
)

// validateActions reports every problem of the actions section, each naming its key.
func (d *Document) validateActions(bad func(key, format string, args ...any)) {
	a := &d.Actions
	for i, dst := range d.Destinations {
		if dst.Buttons == nil {
			continue
		}
		key := fmt.Sprintf("destinations[%d].buttons", i)
		switch {
		case dst.Target != "slack" && dst.Target != "slack-bot":
			bad(key, "only Slack destinations (slack, slack-bot) carry buttons")
		case *dst.Buttons && !a.Enabled:
			bad(key, "buttons need actions.enabled: true (and the endpoint it deploys)")
		}
	}
	allows := map[string]*Allow{
		chatops.Silence: a.Silence, chatops.Acknowledge: a.Acknowledge, chatops.Logs: a.Logs,
		chatops.Continue: a.Continue, chatops.Rollback: a.Rollback,
	}
	if !a.Enabled {
		set := a.SigningSecretParam != "" || a.BotDestination != "" || len(a.Services) > 0
		for _, al := range allows {
			set = set || al != nil
		}
		if set {
			bad("actions.enabled", "is false, yet other actions keys are set: set it to true, or remove them")
		}
		return
	}
	if a.SigningSecretParam == "" {
		bad("actions.signingSecretParam", "is required: the SSM parameter holding the Slack app's signing secret")
	}
	groups := false
	offered := false
	for _, name := range chatops.Names {
		al := allows[name]
		if al == nil {
			continue
		}
		offered = true
		key := "actions." + name
		if len(al.Users)+len(al.UserGroups) == 0 {
			bad(key, "allows nobody: list users or userGroups (or remove %s to offer no such button)", key)
		}
		if len(al.Channels) == 0 {
			bad(key+".channels", "is required: the channel ids (C0123ABCD) where the action may be taken")
		}
		check := func(field string, list []string, re func() *regexp.Regexp, what string) {
			seen := map[string]bool{}
			for i, v := range list {
				k := fmt.Sprintf("%s.%s[%d]", key, field, i)
				switch {
				case !re().MatchString(v):
					bad(k, "%q is not %s", v, what)
				case seen[v]:
					bad(k, "%q is listed twice", v)
				}
				seen[v] = true
			}
		}
		check("users", al.Users, slackUserRE, "a Slack user id (U0123ABCD or W0123ABCD; names change, ids do not)")
		check("userGroups", al.UserGroups, slackGroupRE, "a Slack user group id (S0123ABCD)")
		check("channels", al.Channels, slackChannelRE, "a Slack channel id (C0123ABCD or G0123ABCD, not #name)")
		groups = groups || len(al.UserGroups) > 0
	}
	if !offered {
		bad("actions", "is enabled but allows no action: give at least one of %v an allow-list", chatops.Names)
	}
	if a.BotDestination != "" {
		dst, ok := d.Destination(a.BotDestination)
		switch {
		case !ok:
			bad("actions.botDestination", "unknown destination %q", a.BotDestination)
		case dst.Target != "slack-bot":
			bad("actions.botDestination", "%q is a %s destination; it must be a slack-bot one (its token calls Slack's API)", a.BotDestination, dst.Target)
		}
	} else if groups {
		bad("actions.botDestination", "is required when an allow-list names userGroups: the slack-bot destination whose token reads their members (scope usergroups:read)")
	}
	if a.Logs != nil && !d.Logs.Enabled {
		bad("actions.logs", "needs the log tail (logs.enabled: true), whose log groups it reads")
	}
	changes := a.Continue != nil || a.Rollback != nil
	if changes && len(a.Services) == 0 {
		bad("actions.services", "is required when continue or rollback is allowed: the ECS service ARNs they may change")
	}
	seen := map[string]bool{}
	for i, s := range a.Services {
		k := fmt.Sprintf("actions.services[%d]", i)
		switch {
		case !ServiceArnRE().MatchString(s):
			bad(k, "%q is not an ECS service ARN (arn:aws:ecs:<region>:<account>:service/<cluster>/<service>)", s)
		case seen[s]:
			bad(k, "%q is listed twice", s)
		}
		seen[s] = true
	}
	if len(a.Services) > 0 && !changes {
		bad("actions.services", "is only used by continue and rollback, and neither is allowed")
	}
}

// MayChange reports whether continue and rollback may change the service cluster/name in
// account and region (empty account or region: any).
func (a *Actions) MayChange(account, region, cluster, service string) bool {
	return slices.ContainsFunc(a.Services, func(arn string) bool {
		p := ParseServiceArn(arn)
		return p.Cluster == cluster && p.Service == service &&
			(account == "" || p.Account == account) && (region == "" || p.Region == region)
	})
}

// ServiceArn is a parsed ECS service ARN.
type ServiceArn struct {
	Partition, Region, Account, Cluster, Service string
}

// ParseServiceArn reads an ARN that ServiceArnRE matches; anything else is the zero value.
func ParseServiceArn(arn string) ServiceArn {
	if !ServiceArnRE().MatchString(arn) {
		return ServiceArn{}
	}
	parts := strings.SplitN(arn, ":", 6)
	seg := strings.SplitN(parts[5], "/", 3)
	return ServiceArn{Partition: parts[1], Region: parts[3], Account: parts[4], Cluster: seg[1], Service: seg[2]}
}
