package classify

import (
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/event"
)

// KindEvents is the event names alerts of one kind carry.
type KindEvents struct {
	Kind   alert.Kind
	Events []string
}

// Events lists every event name (alert.Alert.Event) an alert can carry, by kind: the names
// the classifier gives, those the stories and log patterns give their own messages, and the
// generic alerts'. Routes match on them (match.event), and the config document refuses a
// name no alert can carry, so that a typo does not make a route that never matches. A test
// keeps the list and the classifier in step over every fixture.
//
// Two sets are open, and not listed whole: AWS Health's event type codes (AWS_<SERVICE>_…,
// new ones appear; HealthCode tells them) and the names of ECS events of a kind the
// classifier does not know yet, which carry whatever name ECS gave (route those by kind).
var Events = []KindEvents{
	{alert.KindTaskStopped, []string{
		event.StopCodeTaskFailedToStart, event.StopCodeEssentialContainerExited, event.StopCodeUserInitiated,
		event.StopCodeServiceSchedulerInitiated, event.StopCodeSpotInterruption, event.StopCodeTerminationNotice,
		"TaskStopped", // a stopped task without a stop code
	}},
	// A task's lastStatus, short of STOPPED (which is task-stopped, by stop code).
	{alert.KindTaskState, []string{"PROVISIONING", "PENDING", "ACTIVATING", "RUNNING", "DEACTIVATING", "STOPPING", "DEPROVISIONING", "TaskStateChange"}},
	{alert.KindServiceAction, concat(
		without(event.ServiceActionEvents, "SERVICE_DESIRED_COUNT_UPDATED"), // told as scaling
		event.DaemonServiceActionEvents,
	)},
	{alert.KindDeployment, concat(event.DeploymentEvents, event.HookEvents, event.DaemonDeploymentEvents)},
	{alert.KindScaling, []string{
		"SCALING_ACTIVITY", "SCALED_TO_MAX", // Application Auto Scaling
		"SERVICE_DESIRED_COUNT_UPDATED", // ECS service action
		"UpdateService",                 // CloudTrail: Application Auto Scaling changed the desired count
		"AlarmHigh", "AlarmLow",         // a target tracking policy's alarms
	}},
	// A container instance's status, or its health.
	{alert.KindContainerInstance, []string{
		"REGISTERING", "REGISTRATION_FAILED", "ACTIVE", "DRAINING", "DEREGISTERING", "DEREGISTRATION_FAILED", "INACTIVE",
		"AGENT_DISCONNECTED",
		event.HealthImpaired, event.HealthOK, event.HealthInitializing, event.HealthInsufficientData,
	}},
	{alert.KindAlarm, []string{event.AlarmStateAlarm, event.AlarmStateOK, event.AlarmStateInsufficientData, "UNKNOWN"}},
	// The operation of a configuration change.
	{alert.KindAlarmConfig, []string{"create", "update", "delete", "change"}},
	{alert.KindHealth, []string{"AWS_HEALTH_EVENT", "AWS_ECS_TASK_PATCHING_RETIREMENT", "AWS_ECS_OPERATIONAL_ISSUE"}},
	{alert.KindTaskLaunch, []string{"RunTask"}},
	{alert.KindCrashLoop, []string{"CRASH_LOOP", "CRASH_LOOP_FAILURES", "RECOVERED"}},
	{alert.KindLog, []string{"LOG_PATTERN", "LOG_PATTERN_OCCURRENCES"}},
	{alert.KindGeneric, []string{"NOT_JSON", "UNRECOGNISED", "UNREADABLE", "LOGS_UNDECODABLE", "RENDER_FAILED"}},
}

// EventNames lists every name of Events once, in order.
func EventNames() []string {
	var out []string
	for _, k := range Events {
		for _, e := range k.Events {
			if !slices.Contains(out, e) {
				out = append(out, e)
			}
		}
	}
	return out
}

// healthCode is the shape of an AWS Health event type code: AWS_<SERVICE>_<DESCRIPTION>.
var healthCode = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^AWS_[A-Z0-9]+_[A-Z0-9_]+$`) })

// HealthCode reports whether s has the shape of an AWS Health event type code.
func HealthCode(s string) bool { return healthCode().MatchString(s) }

// KnownEvent reports whether the glob (path.Match syntax) can match an event name an alert
// carries: a name of Events, or, for a glob starting AWS_, an AWS Health event type code
// (a literal one must have the shape of a code).
func KnownEvent(glob string) bool {
	for _, k := range Events {
		for _, e := range k.Events {
			if ok, _ := path.Match(glob, e); ok {
				return true
			}
		}
	}
	if !strings.ContainsAny(glob, `*?[\`) {
		return HealthCode(glob)
	}
	return strings.HasPrefix(glob, "AWS_")
}

func concat(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

func without(list []string, drop string) []string {
	return slices.DeleteFunc(slices.Clone(list), func(s string) bool { return s == drop })
}
