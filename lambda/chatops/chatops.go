// Package chatops names what a team can do about an alert from chat — silence it, acknowledge
// it, fetch more of its logs, continue or roll back a deployment — and which alerts offer
// which. It is shared by the side that draws the buttons (the renderers) and the side that
// acts on a click (package actions), so the two cannot disagree about what a button means.
//
// A button carries a Value: the action and the ids it needs (service, deployment, hook,
// task), never a secret, as small JSON well within Slack's 2,000 characters. The endpoint
// trusts a value only as far as Slack's signature on the request goes, and checks it again
// (the action is allowed for this user and channel, the service is one it may change).
package chatops

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/event"
)

// Actions, as the config document's allow-lists name them.
const (
	Silence     = "silence"     // keep a service's alerts of a kind out of chat for a while
	Acknowledge = "acknowledge" // say who took the alert; the crash-loop story keeps it
	Logs        = "logs"        // the container's last 50 log lines, in the thread
	Continue    = "continue"    // let a paused deployment go on (ContinueServiceDeployment)
	Rollback    = "rollback"    // roll back a paused, failing or failed deployment
	// Lift ends a silence. Whoever may silence may lift; it has no allow-list of its own.
	Lift = "lift"
)

// Names lists the actions that have allow-lists, in the order buttons show them.
var Names = []string{Silence, Acknowledge, Logs, Continue, Rollback}

// Silence lengths a button offers, and the one that lasts until a deployment completes.
const (
	ForDeployment = "deployment"
	// DeploymentCap bounds a silence "until its deployment completes": a deployment whose
	// completion never arrives must not silence a service for ever.
	DeploymentCap = 24 * time.Hour
)

// Durations are the fixed silence lengths, by the value a button carries.
var Durations = map[string]time.Duration{"1h": time.Hour, "4h": 4 * time.Hour}

// SilencedKinds are what a silence from a task failure or a crash loop covers: the service's
// task failures and the crash loops they make, so a silence is of the deployment's trouble,
// not of one task.
var SilencedKinds = []alert.Kind{alert.KindTaskStopped, alert.KindCrashLoop}

// Menu is the set of actions a destination's messages offer: those the document allows to
// somebody, for targets that can carry buttons. A nil Menu offers nothing.
type Menu map[string]bool

// ActionIDPrefix starts the action_id of every button foghorn draws; the endpoint ignores
// clicks on anything else (the URL buttons of links, another app's buttons).
const ActionIDPrefix = "foghorn:"

// BlockID names the block holding the buttons, so the endpoint can find and change it.
const BlockID = "foghorn-actions"

// Button is one button to draw.
type Button struct {
	ActionID string
	Label    string
	// Style is "primary", "danger" or "".
	Style   string
	Value   Value
	Confirm *Confirm
}

// Confirm is the dialog Slack shows before it sends a destructive click.
type Confirm struct {
	Title, Text, OK, Deny string
}

// Offer returns the buttons an alert offers under m, in display order: none for an alert
// nothing can be done about, or that names no service.
func Offer(a *alert.Alert, m Menu) []Button {
	if len(m) == 0 {
		return nil
	}
	id := a.Identity
	base := Value{Partition: id.Partition, Account: id.Account, Region: id.Region, Cluster: id.Cluster, Service: id.Service}
	var out []Button
	add := func(action, suffix, label, style string, v Value, c *Confirm) {
		if !m[action] {
			return
		}
		v.Action = action
		aid := ActionIDPrefix + action
		if suffix != "" {
			aid += ":" + suffix
		}
		out = append(out, Button{ActionID: aid, Label: label, Style: style, Value: v, Confirm: c})
	}
	switch {
	case failure(a):
		deployment := deploymentOf(a)
		for _, d := range []string{"1h", "4h"} {
			v := base
			v.For, v.Kinds = d, SilencedKinds
			add(Silence, d, "Silence "+d, "", v, nil)
		}
		if deployment != "" {
			v := base
			v.For, v.Kinds, v.Deployment = ForDeployment, SilencedKinds, deployment
			add(Silence, ForDeployment, "Silence until deployed", "", v, nil)
		}
		if a.AckedBy == "" {
			v := base
			v.Story = a.Kind == alert.KindCrashLoop
			add(Acknowledge, "", "Acknowledge", "primary", v, nil)
		}
		if id.TaskID != "" && id.TaskFamily != "" && id.TaskRevision > 0 {
			v := base
			v.Task, v.TaskDefinition, v.Container = id.TaskID, id.TaskDefinition(), failedContainer(a)
			add(Logs, "", "More logs", "", v, nil)
		}
		if a.Kind == alert.KindCrashLoop && deployment != "" {
			v := base
			v.Deployment = deployment
			add(Rollback, "", "Roll back", "danger", v, rollbackConfirm(id.Service, "Stop deployment "+deployment+
				" and return "+id.Service+" to the revision it ran before?"))
		}
	case a.Kind == alert.KindDeployment && a.Event == event.HookAwaitingAction && id.ServiceDeployment != "" && id.Hook != "":
		v := base
		v.ServiceDeployment, v.Hook = id.ServiceDeployment, id.Hook
		add(Continue, "", "Continue", "primary", v, &Confirm{
			Title: "Continue the deployment?",
			Text:  "ECS goes on with the paused deployment of " + id.Service + " past its lifecycle hook.",
			OK:    "Continue", Deny: "Cancel",
		})
		add(Rollback, "", "Roll back", "danger", v, rollbackConfirm(id.Service, "ECS rolls the paused deployment of "+id.Service+
			" back to the revision it ran before."))
	case a.Kind == alert.KindDeployment && a.Event == event.DeploymentFailed && id.Service != "" && id.Cluster != "" && !rollingBack(a):
		v := base
		v.Deployment = id.DeploymentID
		add(Rollback, "", "Roll back", "danger", v, rollbackConfirm(id.Service, "Return "+id.Service+
			" to the task definition it ran before the failed deployment?"))
	}
	return out
}

func rollbackConfirm(service, text string) *Confirm {
	return &Confirm{Title: "Roll back " + cut(service, 80) + "?", Text: text, OK: "Roll back", Deny: "Cancel"}
}

// failure: a service's task failure or crash loop that is not over.
func failure(a *alert.Alert) bool {
	if a.Identity.Service == "" || a.Identity.Cluster == "" {
		return false
	}
	switch a.Kind {
	case alert.KindTaskStopped:
		return a.Severity == alert.Critical || a.Severity == alert.Warning
	case alert.KindCrashLoop:
		// The story's own message, not the thread replies that list further failures: one
		// set of buttons per crash loop.
		return a.Severity != alert.Resolved && a.Event == "CRASH_LOOP"
	}
	return false
}

// deploymentOf is the deployment an alert's failures belong to: the story's, or the one that
// started the task.
func deploymentOf(a *alert.Alert) string {
	if d := a.Identity.DeploymentID; strings.HasPrefix(d, "ecs-svc/") {
		return d
	}
	if strings.HasPrefix(a.StartedBy, "ecs-svc/") {
		return a.StartedBy
	}
	return ""
}

// rollingBack reports a failed deployment ECS already rolls back on its own.
func rollingBack(a *alert.Alert) bool {
	return strings.Contains(strings.ToLower(a.Reason.Deployment+" "+a.Title), "rolling back")
}

// failedContainer names the container whose logs say most: one that exited non-zero, not by
// the SIGTERM ECS sends the others once one fails.
func failedContainer(a *alert.Alert) string {
	first := ""
	for _, c := range a.Reason.Containers {
		if c.ExitCode == nil || *c.ExitCode == 0 {
			continue
		}
		if *c.ExitCode != 143 {
			return c.Name
		}
		if first == "" {
			first = c.Name
		}
	}
	return first
}

// Value is what a button carries. Short JSON keys keep it small.
type Value struct {
	Action string `json:"a"`
	// For is a silence's length ("1h", "4h") or ForDeployment.
	For       string       `json:"f,omitempty"`
	Partition string       `json:"p,omitempty"`
	Account   string       `json:"ac,omitempty"`
	Region    string       `json:"r,omitempty"`
	Cluster   string       `json:"c,omitempty"`
	Service   string       `json:"s,omitempty"`
	Kinds     []alert.Kind `json:"k,omitempty"`
	// Deployment is the ECS deployment (ecs-svc/…) a silence waits for or a rollback stops.
	Deployment string `json:"d,omitempty"`
	// ServiceDeployment and Hook name a paused deployment's lifecycle hook.
	ServiceDeployment string `json:"sd,omitempty"`
	Hook              string `json:"h,omitempty"`
	// Task, TaskDefinition (family:revision) and Container say whose logs to fetch.
	Task           string `json:"t,omitempty"`
	TaskDefinition string `json:"td,omitempty"`
	Container      string `json:"ct,omitempty"`
	// Story: the alert is a crash-loop story, which keeps the acknowledgement.
	Story bool `json:"st,omitempty"`
	// Silence is the id a Lift ends.
	Silence string `json:"id,omitempty"`
}

// MaxValue is Slack's limit on a button's value.
const MaxValue = 2000

// Encode writes v as a button's value.
func (v Value) Encode() (string, error) {
	if err := v.Validate(); err != nil {
		return "", err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	if len(b) > MaxValue {
		return "", fmt.Errorf("chatops: a %s button's value is %d bytes, over Slack's %d", v.Action, len(b), MaxValue)
	}
	return string(b), nil
}

// Decode reads a button's value, refusing anything Encode would not have written.
func Decode(s string) (Value, error) {
	var v Value
	if len(s) > MaxValue {
		return v, errors.New("chatops: the button's value is too long")
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return Value{}, fmt.Errorf("chatops: the button's value is not one foghorn wrote: %w", err)
	}
	if dec.More() {
		return Value{}, errors.New("chatops: the button's value has trailing data")
	}
	return v, v.Validate()
}

// Identifiers are AWS names and ids: no spaces, no markup, nothing a message could be
// forged with when a value is quoted back. The expressions are compiled when first used: Go
// runs a package's initialisation at every cold start, whichever mode the binary runs in.
var (
	arnRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:service-deployment/[A-Za-z0-9_-]+/[A-Za-z0-9_-]+/[A-Za-z0-9_-]+$`)
	})
	silenceIDRE  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9]{1,40}$`) })
	accountRE    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]{12}$`) })
	deploymentRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^ecs-svc/[0-9]{1,32}$`) })
)

// validName is ^[A-Za-z0-9][A-Za-z0-9_.:/+=@-]{0,254}$ written out: as an expression, its
// 254-fold repetition takes a millisecond to compile.
func validName(s string) bool {
	if len(s) == 0 || len(s) > 255 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case i > 0 && strings.IndexByte("_.:/+=@-", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// Validate checks that v holds what its action needs, each field well-formed.
func (v Value) Validate() error {
	bad := func(field, why string) error {
		return fmt.Errorf("chatops: %s button: %s %s", v.Action, field, why)
	}
	check := func(field, s string, valid func(string) bool, required bool) error {
		switch {
		case s == "" && required:
			return bad(field, "is missing")
		case s != "" && !valid(s):
			return bad(field, "is malformed")
		}
		return nil
	}
	if v.Action != Lift && !slices.Contains(Names, v.Action) {
		return fmt.Errorf("chatops: unknown action %q", v.Action)
	}
	service := v.Action != Lift
	errs := []error{
		check("account", v.Account, accountRE().MatchString, false),
		check("region", v.Region, validName, false),
		check("partition", v.Partition, validName, false),
		check("cluster", v.Cluster, validName, service),
		check("service", v.Service, validName, service),
		check("deployment", v.Deployment, deploymentRE().MatchString, false),
		check("serviceDeployment", v.ServiceDeployment, arnRE().MatchString, false),
		check("hook", v.Hook, validName, false),
		check("task", v.Task, validName, v.Action == Logs),
		check("taskDefinition", v.TaskDefinition, validName, v.Action == Logs),
		check("container", v.Container, validName, false),
		check("silence", v.Silence, silenceIDRE().MatchString, v.Action == Lift),
	}
	for _, k := range v.Kinds {
		if !slices.Contains(alert.Kinds, k) {
			errs = append(errs, bad("kind", fmt.Sprintf("%q is unknown", k)))
		}
	}
	switch v.Action {
	case Silence:
		if _, ok := Durations[v.For]; !ok && v.For != ForDeployment {
			errs = append(errs, bad("length", fmt.Sprintf("%q is not one a button offers", v.For)))
		}
		if v.For == ForDeployment && v.Deployment == "" {
			errs = append(errs, bad("deployment", "is missing"))
		}
		if len(v.Kinds) == 0 {
			errs = append(errs, bad("kinds", "are missing"))
		}
	case Continue:
		if v.ServiceDeployment == "" || v.Hook == "" {
			errs = append(errs, bad("hook", "and its service deployment are missing"))
		}
	}
	return errors.Join(errs...)
}

// Subject names the service a value is about, cluster/service.
func (v Value) Subject() string {
	if v.Service == "" {
		return ""
	}
	return v.Cluster + "/" + v.Service
}

func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// Verb says what an action does, for replies: "silence alerts", "roll back deployments".
func Verb(action string) string {
	switch action {
	case Silence:
		return "silence alerts"
	case Lift:
		return "lift silences"
	case Acknowledge:
		return "acknowledge alerts"
	case Logs:
		return "fetch logs"
	case Continue:
		return "continue deployments"
	case Rollback:
		return "roll back deployments"
	}
	return "do that"
}
