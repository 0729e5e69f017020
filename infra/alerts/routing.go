package alerts

import (
	"fmt"
	"regexp"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/foghornhq/foghorn/lambda/config"
)

// The arguments that name where alerts go. They mirror the config document's destinations,
// routes and default (lambda/config, whose README documents every key), except that a
// destination carries its secrets themselves: the component stores each in an SSM
// SecureString parameter of its own and writes only the parameter's name into the document.

// DestinationArgs is one named place alerts go.
type DestinationArgs struct {
	// Name is what routes and Default refer to: 1 to 64 letters, digits, '-' and '_' (it also
	// names the stack config key of its secret, destinationSecrets.<name>).
	Name string `pulumi:"name"`
	// Target is the chat service (lambda/config.Targets): slack, slack-bot, discord, teams,
	// gchat or webhook.
	Target string `pulumi:"target"`
	// Secret is the webhook URL, or for slack-bot the bot token. Required. It is treated as a
	// secret whatever is passed (config.RequireSecret is the usual source), and must have the
	// shape the notifier takes for Target (lambda/config.CheckSecrets), or the deployment fails.
	Secret pulumi.StringInput `pulumi:"secret"`
	// Channel is the channel id (or #name) a slack-bot destination posts to. Required for
	// slack-bot, refused for the other targets.
	Channel string `pulumi:"channel,optional"`
	// SigningSecret is the key a webhook destination signs its requests with (HMAC-SHA256),
	// also kept in a SecureString parameter of its own. Required for webhook, refused for the
	// other targets. A key shorter than lambda/config.MinSigningKey bytes or with surrounding
	// white space fails the deployment, as the notifier would refuse to start on it.
	SigningSecret pulumi.StringInput `pulumi:"signingSecret,optional"`
	// Buttons turns the action buttons on or off (ActionsEnabled): on by default for
	// slack-bot, off for a Slack webhook, whose app must have interactivity on to take them.
	Buttons *bool `pulumi:"buttons,optional"`
}

// RouteArgs sends matching alerts to destinations; config.Route documents each field. The
// JSON names are the document's, so the stack program reads routes straight from config.
type RouteArgs struct {
	Name         string         `pulumi:"name,optional" json:"name,omitempty"`
	Match        RouteMatchArgs `pulumi:"match,optional" json:"match"`
	Destinations []string       `pulumi:"destinations" json:"destinations"`
	Continue     bool           `pulumi:"continue,optional" json:"continue,omitempty"`
	Mute         []MuteArgs     `pulumi:"mute,optional" json:"mute,omitempty"`
}

// RouteMatchArgs selects alerts; config.Match documents each field.
type RouteMatchArgs struct {
	Environment []string `pulumi:"environment,optional" json:"environment,omitempty"`
	Account     []string `pulumi:"account,optional" json:"account,omitempty"`
	Region      []string `pulumi:"region,optional" json:"region,omitempty"`
	Cluster     []string `pulumi:"cluster,optional" json:"cluster,omitempty"`
	Service     []string `pulumi:"service,optional" json:"service,omitempty"`
	Kind        []string `pulumi:"kind,optional" json:"kind,omitempty"`
	Event       []string `pulumi:"event,optional" json:"event,omitempty"`
	MinSeverity string   `pulumi:"minSeverity,optional" json:"minSeverity,omitempty"`
	Severity    []string `pulumi:"severity,optional" json:"severity,omitempty"`
}

// MuteArgs is a maintenance window on a route; config.Mute documents each field.
type MuteArgs struct {
	Reason string          `pulumi:"reason" json:"reason"`
	Start  string          `pulumi:"start,optional" json:"start,omitempty"`
	End    string          `pulumi:"end,optional" json:"end,omitempty"`
	Weekly *WeeklyMuteArgs `pulumi:"weekly,optional" json:"weekly,omitempty"`
}

// WeeklyMuteArgs is a window that comes back every week; config.Weekly documents each field.
type WeeklyMuteArgs struct {
	Days     []string `pulumi:"days" json:"days"`
	Start    string   `pulumi:"start" json:"start"`
	End      string   `pulumi:"end" json:"end"`
	Timezone string   `pulumi:"timezone,optional" json:"timezone,omitempty"`
}

// DefaultDestination names the one destination the webhookUrl shortcut makes.
const DefaultDestination = "default"

// destinationNameRE keeps names usable in stack config paths and resource names.
var destinationNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$`)

// ValidDestinationName reports whether s can name a destination.
func ValidDestinationName(s string) bool { return destinationNameRE.MatchString(s) }

// DestinationSecrets are one destination's credentials as the Notifier stores them: each in
// an SSM SecureString parameter of its own, whose name it writes into the document.
type DestinationSecrets struct {
	// Destination is the destination's name in the document.
	Destination string `pulumi:"destination"`
	// Secret is the webhook URL or token; SecretParam is the logical name of its parameter.
	Secret      pulumi.StringInput `pulumi:"secret"`
	SecretParam string             `pulumi:"secretParam"`
	// SigningSecret, for a webhook destination, is its signing key; SigningSecretParam is the
	// logical name of its parameter.
	SigningSecret      pulumi.StringInput `pulumi:"signingSecret,optional"`
	SigningSecretParam string             `pulumi:"signingSecretParam,optional"`
}

// destination is one destination as the component deploys it: what the document says, with
// placeholder parameter names, the secrets behind it, and the argument key its secrets are
// reported under.
type destination struct {
	doc     config.Destination
	secrets DestinationSecrets
	key     string // webhookUrl, or destinations[i]
}

// checked returns the destination's secrets, each failing the deployment with an *ArgError
// once its value is known if it has not the shape the notifier takes (config.CheckSecrets):
// the function would refuse to start on it. A value the stack config holds is known at
// preview; one computed by another resource, at update.
func (d destination) checked() DestinationSecrets {
	s := d.secrets
	secretKey := d.key + ".secret"
	if d.key == "webhookUrl" {
		secretKey = d.key
	}
	s.Secret = checkShape(s.Secret, d.doc.Target, config.KeySecret, secretKey)
	s.SigningSecret = checkShape(s.SigningSecret, d.doc.Target, config.KeySigningSecret, d.key+".signingSecret")
	return s
}

func checkShape(secret pulumi.StringInput, target, which, key string) pulumi.StringInput {
	if secret == nil {
		return nil
	}
	return secret.ToStringOutput().ApplyT(func(v string) (string, error) {
		s := config.Secrets{Value: v}
		if which == config.KeySigningSecret {
			s = config.Secrets{SigningKey: v}
		}
		for _, p := range config.Problems(config.CheckSecrets(target, s)) {
			if p.Key == which {
				return "", &ArgError{Key: key, Message: p.Message + " (the value is not shown because it is secret)"}
			}
		}
		return v, nil
	}).(pulumi.StringOutput)
}

// destinations resolves the args' destinations under the component's name: the webhookUrl
// shortcut's single destination, or the listed ones.
func (a EcsChatAlertsArgs) destinations(name string) []destination {
	if len(a.Destinations) == 0 {
		return []destination{{
			doc: config.Destination{Name: DefaultDestination, Target: a.ChatTarget, SecretParam: placeholderParam},
			key: "webhookUrl",
			secrets: DestinationSecrets{
				Destination: DefaultDestination,
				Secret:      a.WebhookUrl,
				// The parameter's logical name from before there were destinations, so
				// stacks deployed then keep their parameter.
				SecretParam: name + "-webhook",
			},
		}}
	}
	out := make([]destination, len(a.Destinations))
	for i, d := range a.Destinations {
		out[i] = destination{
			doc: config.Destination{Name: d.Name, Target: d.Target, Channel: d.Channel, SecretParam: placeholderParam, Buttons: d.Buttons},
			key: fmt.Sprintf("destinations[%d]", i),
			secrets: DestinationSecrets{
				Destination: d.Name,
				Secret:      d.Secret,
				SecretParam: name + "-secret-" + d.Name,
			},
		}
		if d.SigningSecret != nil {
			out[i].doc.SigningSecretParam = placeholderParam
			out[i].secrets.SigningSecret = d.SigningSecret
			out[i].secrets.SigningSecretParam = name + "-signing-" + d.Name
		}
	}
	return out
}

// validateDestinations reports what the document's validation cannot see: the secrets
// themselves, and names fit for parameters and config paths. Each error names its key.
func (a EcsChatAlertsArgs) validateDestinations(bad func(key, format string, v ...any)) {
	if len(a.Destinations) == 0 {
		switch {
		case a.WebhookUrl == nil:
			bad("webhookUrl", "is required unless destinations are given: set it with `pulumi config set --secret webhookUrl <url>`")
		case a.ChatTarget == config.SlackBot || a.ChatTarget == config.Webhook:
			bad("chatTarget", "%s needs more than a URL (a channel, a signing secret): declare it under destinations instead of webhookUrl", a.ChatTarget)
		}
		return
	}
	if a.WebhookUrl != nil {
		bad("destinations", "give either webhookUrl (one destination named %q) or destinations, not both", DefaultDestination)
	}
	for i, d := range a.Destinations {
		key := fmt.Sprintf("destinations[%d]", i)
		if d.Name != "" && !ValidDestinationName(d.Name) {
			bad(key+".name", "%q: use 1 to 64 letters, digits, '-' and '_', starting with a letter or digit", d.Name)
		}
		if d.Secret == nil {
			bad(key+".secret", "is required: the webhook URL, or the bot token for slack-bot")
		}
		switch {
		case d.Target == "webhook" && d.SigningSecret == nil:
			bad(key+".signingSecret", "is required for target webhook: the key its requests are signed with")
		case d.Target != "webhook" && d.SigningSecret != nil:
			bad(key+".signingSecret", "is only used by target webhook")
		}
	}
}

// routes converts the route args to the document's routes.
func (a EcsChatAlertsArgs) routes() []config.Route {
	if len(a.Routes) == 0 {
		return nil
	}
	out := make([]config.Route, len(a.Routes))
	for i, r := range a.Routes {
		m := r.Match
		out[i] = config.Route{
			Name: r.Name,
			Match: config.Match{
				Environment: m.Environment, Account: m.Account, Region: m.Region,
				Cluster: m.Cluster, Service: m.Service, Kind: m.Kind, Event: m.Event,
				MinSeverity: m.MinSeverity, Severity: m.Severity,
			},
			Destinations: r.Destinations,
			Continue:     r.Continue,
		}
		for _, w := range r.Mute {
			mute := config.Mute{Reason: w.Reason, Start: w.Start, End: w.End}
			if w.Weekly != nil {
				mute.Weekly = &config.Weekly{Days: w.Weekly.Days, Start: w.Weekly.Start, End: w.Weekly.End, Timezone: w.Weekly.Timezone}
			}
			out[i].Mute = append(out[i].Mute, mute)
		}
	}
	return out
}
