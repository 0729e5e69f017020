// Package config is the one document that tells the notifier where alerts go and what is
// noise: named destinations, an ordered list of routes and the noise policy. The Pulumi
// component writes it into an SSM parameter, the function reads it at cold start, and the CLI
// reads it from a file; all three validate it with the same code. It holds parameter names,
// never secrets.
package config

import (
	"cmp"

	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/foghornhq/foghorn/lambda/policy"
)

// Version is the document version this notifier reads.
const Version = 1

// Document is the whole configuration.
type Document struct {
	Version int `json:"version"`
	// Environment names the stack (dev, prod); routes can match on it.
	Environment  string        `json:"environment,omitempty"`
	Destinations []Destination `json:"destinations"`
	// Routes are tried in order; the first match wins unless it says continue.
	Routes []Route `json:"routes,omitempty"`
	// Default names the destinations for alerts no route matched. It is required when there
	// are routes (unless the last one matches everything). With no routes and no default,
	// every destination receives every alert.
	Default []string `json:"default,omitempty"`
	Noise   Noise    `json:"noise,omitempty"`
	// CrashLoop tunes how task failures fold into crash-loop and deployment stories.
	CrashLoop CrashLoop `json:"crashLoop,omitempty"`
	// Logs says whether and how the dying container's last log lines join its alert.
	Logs Logs `json:"logs,omitempty"`
	// LogPatterns says how application log lines become pattern alerts (logpatterns.go).
	LogPatterns LogPatterns `json:"logPatterns,omitempty"`
	// Deliveries says how long the function remembers what it delivered.
	Deliveries Deliveries `json:"deliveries,omitempty"`
	// Actions says what may be done about an alert from chat, and by whom (actions.go).
	Actions Actions `json:"actions,omitempty"`
}

// Deliveries configures the delivery ledger.
type Deliveries struct {
	// RememberFor is how long a delivery is remembered, so that a record SQS hands back posts
	// nothing twice: at least as long as the dead-letter queue keeps records, since a redrive
	// can bring one back that late. The Pulumi component writes the DLQ's retention here.
	// Default: 14 days, the longest SQS keeps a message.
	RememberFor Duration `json:"rememberFor,omitempty"`
}

// DefaultRememberFor is SQS's longest message retention, which the stack's DLQ uses.
const DefaultRememberFor = 14 * 24 * time.Hour

// Keep is how long deliveries are remembered.
func (d Deliveries) Keep() time.Duration {
	return cmp.Or(time.Duration(d.RememberFor), DefaultRememberFor)
}

// Destination is one place messages go.
type Destination struct {
	Name   string `json:"name"`
	Target string `json:"target"`
	// SecretParam is the SSM SecureString parameter holding the webhook URL or token.
	SecretParam string `json:"secretParam"`
	// Channel is where a slack-bot destination posts: a channel id (C0123ABCD) or #name the
	// bot is a member of. Only slack-bot uses it, and requires it.
	Channel string `json:"channel,omitempty"`
	// SigningSecretParam is the SSM SecureString parameter holding the key a webhook
	// destination signs its requests with. Only webhook uses it, and requires it.
	SigningSecretParam string `json:"signingSecretParam,omitempty"`
	// Buttons turns the action buttons on or off for a Slack destination (actions.go,
	// ButtonsFor): on by default for slack-bot, off for slack webhooks.
	Buttons *bool `json:"buttons,omitempty"`
}

// SecretParams lists the SSM parameters the destination reads: its secret, and a webhook's
// signing key.
func (d Destination) SecretParams() []string {
	out := []string{d.SecretParam}
	if d.SigningSecretParam != "" {
		out = append(out, d.SigningSecretParam)
	}
	return out
}

// Route sends matching alerts to destinations. README.md beside this file documents every key.
type Route struct {
	// Name labels the route in logs, suppressions (mute:<name>) and `foghorn routes`; unnamed
	// routes are labelled by position, routes[i].
	Name         string   `json:"name,omitempty"`
	Match        Match    `json:"match"`
	Destinations []string `json:"destinations"`
	// Continue keeps trying the routes after this one when it matched.
	Continue bool `json:"continue,omitempty"`
	// Mute lists maintenance windows during which the route matches but posts nothing.
	Mute []Mute `json:"mute,omitempty"`
}

// Match selects alerts; every non-empty field must match, and within a field any value may.
// Environment, account, region, cluster, service and event are globs (path.Match syntax) that
// never match an unknown (empty) value; kind and severity are exact.
type Match struct {
	Environment []string `json:"environment,omitempty"` // the document's environment
	Account     []string `json:"account,omitempty"`
	Region      []string `json:"region,omitempty"`
	Cluster     []string `json:"cluster,omitempty"`
	Service     []string `json:"service,omitempty"`
	Kind        []string `json:"kind,omitempty"`  // alert.Kinds
	Event       []string `json:"event,omitempty"` // alert.Alert.Event
	// MinSeverity is a floor: critical, warning or info (resolved ranks with info).
	MinSeverity string `json:"minSeverity,omitempty"`
	// Severity is a set: critical, warning, info, resolved.
	Severity []string `json:"severity,omitempty"`

	// unread marks a match Parse could not read whole (a misspelt matcher): that is reported,
	// and the match must not also count as one that takes every alert.
	unread bool
}

// Noise switches noise rules on or off by name; unnamed rules keep their defaults.
type Noise struct {
	Rules map[string]bool `json:"rules,omitempty"`
	// MutedPatterns are log patterns the muted-log-pattern rule keeps out, by fingerprint.
	MutedPatterns []policy.MutedPattern `json:"mutedPatterns,omitempty"`
}

// Parse decodes and validates a document, reporting every problem at once: each key the
// document's types do not have (a typo would otherwise be ignored, and a misspelt matcher
// would widen its route to every alert), each value of the wrong type, and each invalid
// setting, one *Error per key at fault. Problems inside an object that could not be read
// whole (one with an unknown key or a value of the wrong type) are left out: what was read
// of it is incomplete, and the first fix may settle them. A text that is not JSON is one
// error saying where and why.
func Parse(data []byte) (*Document, error) {
	var d Document
	err := Decode(data, &d)
	problems := Problems(err)
	if err != nil && len(problems) == 0 {
		return nil, fmt.Errorf("config: %w", err)
	}
	errs := make([]error, 0, len(problems))
	for _, p := range problems {
		errs = append(errs, fmt.Errorf("config: %w", p))
		var i int
		if _, err := fmt.Sscanf(p.Key, "routes[%d].match", &i); err == nil && i < len(d.Routes) {
			d.Routes[i].Match.unread = true
		}
	}
	for _, p := range Problems(d.Validate()) {
		if !slices.ContainsFunc(problems, func(q *Error) bool { return within(p.Key, parent(q.Key)) || within(q.Key, p.Key) }) {
			errs = append(errs, fmt.Errorf("config: %w", p))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return &d, nil
}

// parent is the key of the object holding key: routes[0].match for routes[0].match.servce.
func parent(key string) string {
	if i := strings.LastIndexAny(key, ".["); i >= 0 {
		return key[:i]
	}
	return ""
}

// within reports whether key is inside (or is) the object or list at path.
func within(key, path string) bool {
	if path == "" {
		return false
	}
	rest, ok := strings.CutPrefix(key, path)
	return ok && (rest == "" || rest[0] == '.' || rest[0] == '[')
}

// Validate reports every problem in the document, each naming the key at fault.
func (d *Document) Validate() error {
	var errs []error
	report := func(e *Error) { errs = append(errs, fmt.Errorf("config: %w", e)) }
	bad := func(key, format string, args ...any) {
		report(&Error{Key: key, Message: fmt.Sprintf(format, hideURLs(args)...)})
	}
	if d.Version != Version {
		bad("version", "must be %d, got %d", Version, d.Version)
	}
	if len(d.Destinations) == 0 {
		bad("destinations", "at least one destination is required")
	}
	names := map[string]bool{}
	for i, dst := range d.Destinations {
		key := fmt.Sprintf("destinations[%d]", i)
		switch {
		case dst.Name == "":
			bad(key+".name", "is required")
		case names[dst.Name]:
			bad(key+".name", "%q is used by another destination", dst.Name)
		}
		names[dst.Name] = true
		if !slices.Contains(Targets, dst.Target) {
			bad(key+".target", "%q is not a target (allowed: %s)%s", dst.Target, strings.Join(Targets, ", "), didYouMean(dst.Target, Targets))
		}
		switch {
		case dst.SecretParam == "":
			bad(key+".secretParam", "is required: the SSM parameter holding the webhook URL or token")
		case !ParameterName(dst.SecretParam):
			bad(key+".secretParam", notAParameter)
		}
		switch {
		case dst.Target == SlackBot && strings.TrimSpace(dst.Channel) == "":
			bad(key+".channel", "is required for target slack-bot: the channel id (C0123ABCD) or #name to post to")
		case dst.Target != SlackBot && dst.Channel != "":
			bad(key+".channel", "is only used by target slack-bot")
		case strings.ContainsAny(dst.Channel, " \t\r\n"):
			bad(key+".channel", "%q is not a channel id or name: it contains white space", dst.Channel)
		}
		switch {
		case dst.Target == Webhook && dst.SigningSecretParam == "":
			bad(key+".signingSecretParam", "is required for target webhook: the SSM parameter holding the key requests are signed with")
		case dst.Target != Webhook && dst.SigningSecretParam != "":
			bad(key+".signingSecretParam", "is only used by target webhook")
		case dst.SigningSecretParam != "" && !ParameterName(dst.SigningSecretParam):
			bad(key+".signingSecretParam", notAParameter)
		}
	}
	known := func(key string, list []string) {
		for _, n := range list {
			if !names[n] {
				bad(key, "unknown destination %q", n)
			}
		}
	}
	d.validateRoutes(bad, known)
	for _, e := range d.CrashLoop.problems() {
		report(e)
	}
	_, logs := d.Logs.Compile()
	for _, e := range logs {
		report(&Error{Key: "logs." + e.Key, Message: e.Message})
	}
	if r := time.Duration(d.Deliveries.RememberFor); r != 0 && (r < time.Hour || r > 30*24*time.Hour) {
		bad("deliveries.rememberFor", "%s is out of range (allowed: 1h–720h; at least the dead-letter queue's retention)", r)
	}
	if err := policy.Validate(d.Noise.Rules); err != nil {
		bad("noise.rules", "%v", err)
	}
	for _, e := range append(mutedProblems(d.Noise.MutedPatterns), d.LogPatterns.problems()...) {
		report(e)
	}
	d.validateActions(bad)
	return errors.Join(errs...)
}

// Destination returns the named destination.
func (d *Document) Destination(name string) (Destination, bool) {
	i := slices.IndexFunc(d.Destinations, func(x Destination) bool { return x.Name == name })
	if i < 0 {
		return Destination{}, false
	}
	return d.Destinations[i], true
}
