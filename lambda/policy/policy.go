// Package policy is the noise policy: named rules, each of which a user can switch on or off,
// that decide which alerts are not worth a message. Every suppression names the rule that made
// it, so a silent channel can always be explained.
package policy

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/event"
)

// Rule is one named reason not to post.
type Rule struct {
	Name        string
	Description string
	// Default is whether the rule is on when the configuration does not mention it.
	Default bool
	match   func(a *alert.Alert) bool
}

// Rules is every rule, in the order they are evaluated.
var Rules = []Rule{
	{
		Name:        "steady-state",
		Description: "a service, task set or capacity provider reached a steady state",
		Default:     true,
		match: func(a *alert.Alert) bool {
			return a.Kind == alert.KindServiceAction && strings.HasSuffix(a.Event, "_STEADY_STATE")
		},
	},
	{
		Name:        "task-not-stopped",
		Description: "a task moved to a state other than STOPPED (PROVISIONING, PENDING, RUNNING, …) and is not being stopped by a spot interruption",
		Default:     true,
		match: func(a *alert.Alert) bool {
			return a.Kind == alert.KindTaskState
		},
	},
	{
		Name:        "deployment-replacement",
		Description: "the ECS scheduler stopped a healthy task to replace it in a deployment or to scale in (\"Scaling activity initiated by …\")",
		Default:     true,
		match: func(a *alert.Alert) bool {
			return a.Kind == alert.KindTaskStopped && IsSchedulerReplacement(a.Reason.StopCode, a.Reason.StoppedReason)
		},
	},
	{
		Name:        "task-completed",
		Description: "a task that is not part of a service finished and all its containers exited with code 0",
		Default:     true,
		match: func(a *alert.Alert) bool {
			if a.Kind != alert.KindTaskStopped || strings.HasPrefix(a.Group, "service:") || a.Reason.StopCode != event.StopCodeEssentialContainerExited {
				return false
			}
			exited := false
			for _, c := range a.Reason.Containers {
				if c.ExitCode != nil {
					if *c.ExitCode != 0 {
						return false
					}
					exited = true
				}
			}
			return exited
		},
	},
	{
		Name:        "container-instance-routine",
		Description: "a container instance changed while ACTIVE with its agent connected (resource bookkeeping, not trouble), or its health checks are initializing or lack data",
		Default:     true,
		match: func(a *alert.Alert) bool {
			return a.Kind == alert.KindContainerInstance && a.Severity == alert.Info
		},
	},
	{
		Name:        "alarm-config-change",
		Description: "a CloudWatch alarm was created, updated or deleted (configuration, not state)",
		Default:     true,
		match: func(a *alert.Alert) bool {
			return a.Kind == alert.KindAlarmConfig
		},
	},
	{
		Name:        "alarm-muted",
		Description: "a CloudWatch alarm changed state while an alarm mute rule muted it (muteDetail): the maintenance the team declared in CloudWatch",
		Default:     true,
		match: func(a *alert.Alert) bool {
			return a.Kind == alert.KindAlarm && a.MutedBy != ""
		},
	},
	{
		Name:        "hook-routine",
		Description: "a deployment's lifecycle hook started (HOOK_IN_PROGRESS) or succeeded (HOOK_SUCCEEDED) with no paused deployment announced; a paused deployment's outcome still posts, in its thread",
		Default:     true,
		match: func(a *alert.Alert) bool {
			return a.Kind == alert.KindDeployment && (a.Event == event.HookInProgress || a.Event == event.HookSucceeded)
		},
	},
	{
		Name:        "daemon-deployment-routine",
		Description: "a daemon deployment is pending, started, completed or asked to stop; stops, rollbacks and failed rollbacks still post",
		Default:     true,
		match: func(a *alert.Alert) bool {
			return a.Kind == alert.KindDeployment && slices.Contains(RoutineDaemonDeploymentEvents, a.Event)
		},
	},
	{
		Name:        "instance-health-ok",
		Description: "a container instance's health checks report OK with no impairment announced; a recovery from IMPAIRED still posts, in its thread",
		Default:     true,
		match: func(a *alert.Alert) bool {
			return a.Kind == alert.KindContainerInstance && a.Event == event.HealthOK
		},
	},
	{
		Name:        RuleMutedPattern,
		Description: "a log pattern the team muted by its fingerprint (noise.mutedPatterns)",
		Default:     true,
		// The list of patterns is data: MutePatterns binds it.
		match: func(*alert.Alert) bool { return false },
	},
	{
		Name:        "deployment-in-progress",
		Description: "a deployment started (SERVICE_DEPLOYMENT_IN_PROGRESS); failures and completions still post",
		match: func(a *alert.Alert) bool {
			return a.Kind == alert.KindDeployment && a.Event == event.DeploymentInProgress
		},
	},
	{
		Name:        "deployment-completed",
		Description: "a deployment completed (SERVICE_DEPLOYMENT_COMPLETED)",
		match: func(a *alert.Alert) bool {
			return a.Kind == alert.KindDeployment && a.Event == event.DeploymentCompleted
		},
	},
	{
		Name:        "scaling",
		Description: "a service scaled out or in, or an Auto Scaling target reached its maximum",
		match: func(a *alert.Alert) bool {
			return a.Kind == alert.KindScaling
		},
	},
	{
		Name:        "alarm-ok",
		Description: "a CloudWatch alarm returned to OK",
		match: func(a *alert.Alert) bool {
			return a.Kind == alert.KindAlarm && a.Status == event.AlarmStateOK
		},
	},
	{
		Name:        "alarm-insufficient-data",
		Description: "a CloudWatch alarm moved to INSUFFICIENT_DATA",
		match: func(a *alert.Alert) bool {
			return a.Kind == alert.KindAlarm && a.Status == event.AlarmStateInsufficientData
		},
	},
	{
		Name:        "info",
		Description: "every alert of severity info (deployments started, scaling, …); warnings, criticals and recoveries still post",
		match: func(a *alert.Alert) bool {
			return a.Severity == alert.Info
		},
	},
}

// IsSchedulerReplacement reports whether a task stop is the ECS scheduler replacing or
// scaling in a task on purpose: stop code ServiceSchedulerInitiated with a stopped reason of
// "Scaling activity initiated by …". A scheduler stop for any other reason (failed ELB or
// container health checks, for instance) is not a replacement and still alerts.
func IsSchedulerReplacement(stopCode, stoppedReason string) bool {
	return stopCode == event.StopCodeServiceSchedulerInitiated && strings.HasPrefix(stoppedReason, ReplacementReasonPrefix)
}

// RoutineDaemonDeploymentEvents are the daemon deployment states the daemon-deployment-routine
// rule suppresses: a deployment going as planned.
var RoutineDaemonDeploymentEvents = []string{
	event.DaemonDeploymentPending, event.DaemonDeploymentInProgress,
	event.DaemonDeploymentSuccessful, event.DaemonDeploymentStopRequested,
}

// ReplacementReasonPrefix starts the stoppedReason of tasks the scheduler stops on purpose.
const ReplacementReasonPrefix = "Scaling activity initiated by"

// Names returns every rule name, sorted.
func Names() []string {
	names := make([]string, len(Rules))
	for i, r := range Rules {
		names[i] = r.Name
	}
	sort.Strings(names)
	return names
}

// Policy is a set of switched-on rules.
type Policy struct {
	on []Rule
}

// New builds a policy from the defaults and a map of overrides (rule name → on). An unknown
// rule name is an error naming the allowed ones.
func New(overrides map[string]bool) (*Policy, error) {
	if err := Validate(overrides); err != nil {
		return nil, err
	}
	p := &Policy{}
	for _, r := range Rules {
		on := r.Default
		if v, ok := overrides[r.Name]; ok {
			on = v
		}
		if on {
			p.on = append(p.on, r)
		}
	}
	return p, nil
}

// Default is the policy with every rule at its default.
func Default() *Policy {
	p, _ := New(nil)
	return p
}

// Validate checks that every overridden rule exists.
func Validate(overrides map[string]bool) error {
	var unknown []string
	for name := range overrides {
		if !slices.ContainsFunc(Rules, func(r Rule) bool { return r.Name == name }) {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return fmt.Errorf("unknown noise rule %s (known rules: %s)", strings.Join(unknown, ", "), strings.Join(Names(), ", "))
	}
	return nil
}

// Enabled reports whether the named rule is on.
func (p *Policy) Enabled(name string) bool {
	return slices.ContainsFunc(p.on, func(r Rule) bool { return r.Name == name })
}

// Decision is the policy's verdict on one alert.
type Decision struct {
	Suppress bool
	Rule     string // the rule that suppressed it; empty when the alert posts
	Why      string // the rule's description, for --explain and logs
}

// Decide returns whether a is suppressed, and by which rule. Alerts that stand for a crash
// loop or a generic record are never suppressed: the first is the point of the product, the
// second may be anything.
func (p *Policy) Decide(a *alert.Alert) Decision {
	if a.Kind == alert.KindCrashLoop || a.Kind == alert.KindGeneric {
		return Decision{}
	}
	for _, r := range p.on {
		if r.match(a) {
			return Decision{Suppress: true, Rule: r.Name, Why: r.Description}
		}
	}
	return Decision{}
}
