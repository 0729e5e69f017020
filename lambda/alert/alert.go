// Package alert holds the one model every event becomes: what happened, to which resource, why,
// how bad it is and where to look. Decoders produce it, the noise policy and the router read it,
// and every chat target renders it. It has no behaviour beyond small accessors, so that each
// stage can be tested on plain values.
package alert

import (
	"strconv"
	"time"
)

// Severity orders how loudly an alert is said. It comes from the event name, stop code and exit
// code, never from ECS's eventType alone (placement failures have been seen tagged INFO).
type Severity string

const (
	Critical Severity = "critical" // something is broken now: a crash, an OOM kill, a failed deployment, an alarm firing
	Warning  Severity = "warning"  // something degraded or at risk: placement trouble, health-check kills, spot notice
	Info     Severity = "info"     // worth knowing: a deployment started, a service scaled
	Resolved Severity = "resolved" // the story ended well: alarm back to OK, deployment completed, crash loop recovered
)

// Rank orders severities for routing thresholds: Critical is highest. Resolved ranks with Info.
func (s Severity) Rank() int {
	switch s {
	case Critical:
		return 3
	case Warning:
		return 2
	case Info, Resolved:
		return 1
	}
	return 0
}

// Valid reports whether s is one of the four severities.
func (s Severity) Valid() bool { return s.Rank() > 0 }

// Kind is the class of event an alert came from. Routes and noise rules match on it.
type Kind string

const (
	KindTaskStopped       Kind = "task-stopped"       // a task stopped, or is being stopped (spot notice)
	KindTaskState         Kind = "task-state"         // any other task transition (PENDING, RUNNING, …)
	KindServiceAction     Kind = "service-action"     // ECS Service Action: placement, start impaired, steady state, …
	KindDeployment        Kind = "deployment"         // ECS Deployment State Change
	KindScaling           Kind = "scaling"            // desired count changed, scaled to max, target-tracking alarms
	KindContainerInstance Kind = "container-instance" // ECS Container Instance State Change
	KindAlarm             Kind = "alarm"              // CloudWatch alarm state change (any delivery path)
	KindAlarmConfig       Kind = "alarm-config"       // CloudWatch Alarm Configuration Change
	KindHealth            Kind = "health"             // AWS Health event
	KindTaskLaunch        Kind = "task-launch"        // RunTask could not start tasks (CloudTrail): a standalone or scheduled task that never ran
	KindCrashLoop         Kind = "crash-loop"         // several task failures of one service folded into one story
	KindLog               Kind = "log"                // application log lines of one error pattern of one service
	KindGeneric           Kind = "generic"            // not JSON, or of a kind nobody knows: never dropped
	// KindNotifier is foghorn telling of itself: a destination it cannot post to, a config
	// document it could not use. Such alerts go to every destination that works, whatever
	// the routes say, so it is not among the Kinds a route can match.
	KindNotifier Kind = "notifier"
)

// Kinds lists every kind, for validating configuration.
var Kinds = []Kind{
	KindTaskStopped, KindTaskState, KindServiceAction, KindDeployment, KindScaling,
	KindContainerInstance, KindAlarm, KindAlarmConfig, KindHealth, KindTaskLaunch, KindCrashLoop, KindLog, KindGeneric,
}

// Identity says which resource an alert is about. Empty fields are unknown, not wildcards.
type Identity struct {
	Partition    string `json:"partition,omitempty"` // aws, aws-cn, aws-us-gov
	Account      string `json:"account,omitempty"`
	Region       string `json:"region,omitempty"`
	Cluster      string `json:"cluster,omitempty"` // cluster name, not ARN
	Service      string `json:"service,omitempty"` // service name
	TaskFamily   string `json:"taskFamily,omitempty"`
	TaskRevision int    `json:"taskRevision,omitempty"`
	TaskID       string `json:"taskId,omitempty"`
	DeploymentID string `json:"deploymentId,omitempty"` // ecs-svc/<id>
	// ServiceDeployment is the ARN of a service deployment (ECS's service deployments API), as
	// lifecycle hook events name it.
	ServiceDeployment string `json:"serviceDeployment,omitempty"`
	// Hook is the id of a service deployment's lifecycle hook (ecs-pause-…).
	Hook string `json:"hook,omitempty"`
	// Daemon is the name of an ECS managed daemon.
	Daemon string `json:"daemon,omitempty"`
	// ContainerInstance is the container instance id (EC2 launch type).
	ContainerInstance string `json:"containerInstance,omitempty"`
	AlarmName         string `json:"alarmName,omitempty"`
	AlarmARN          string `json:"alarmArn,omitempty"`
	// Resource names anything else the alert is about: an Auto Scaling resource id, a Health entity.
	Resource string `json:"resource,omitempty"`
}

// TaskDefinition returns "family:revision", or the family alone when the revision is unknown.
func (id Identity) TaskDefinition() string {
	if id.TaskFamily == "" {
		return ""
	}
	if id.TaskRevision == 0 {
		return id.TaskFamily
	}
	return id.TaskFamily + ":" + strconv.Itoa(id.TaskRevision)
}

// Subject names the thing the alert is about, for titles and digests: the service, else the
// daemon, else the alarm, else the task definition family, else the resource.
func (id Identity) Subject() string {
	for _, s := range []string{id.Service, id.Daemon, id.AlarmName, id.TaskFamily, id.Resource, id.Cluster} {
		if s != "" {
			return s
		}
	}
	return ""
}

// Container is one container of a stopped task: what ECS says about how it ended.
type Container struct {
	Name     string `json:"name"`
	Image    string `json:"image,omitempty"`
	ExitCode *int   `json:"exitCode,omitempty"` // nil when the container never ran or is still running
	Reason   string `json:"reason,omitempty"`   // e.g. "OutOfMemoryError: Container killed due to memory usage"
	Status   string `json:"status,omitempty"`   // lastStatus
}

// Reason is why it happened, in AWS's own words, kept apart from the prose so renderers can lay it out.
type Reason struct {
	StopCode      string      `json:"stopCode,omitempty"`      // ECS task stopCode
	StoppedReason string      `json:"stoppedReason,omitempty"` // ECS task stoppedReason
	Containers    []Container `json:"containers,omitempty"`
	Deployment    string      `json:"deployment,omitempty"` // deployment state change reason
	Alarm         string      `json:"alarm,omitempty"`      // alarm state reason
	// Text is the one human sentence a renderer shows as "why", derived from the fields above.
	Text string `json:"text,omitempty"`
}

// Fact is a labelled value shown as a field.
type Fact struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// Link is a place to look, usually a console deep link.
type Link struct {
	Label string `json:"label"`
	URL   string `json:"url"`
}

// Scaling carries the counts of a scaling event when the event has them.
type Scaling struct {
	From int `json:"from"`
	To   int `json:"to"`
	Min  int `json:"min,omitempty"`
	Max  int `json:"max,omitempty"`
}

// Alert is one thing to tell a channel.
type Alert struct {
	// EventID is the source event's id (EventBridge id, SNS MessageId, or a stable hash for
	// payloads that carry none); it is the deduplication key.
	EventID string `json:"eventId"`
	// Source is the AWS event source (aws.ecs, aws.cloudwatch, …) or "unknown".
	Source string `json:"source"`
	// DetailType is the EventBridge detail-type, or a descriptive name for other shapes.
	DetailType string `json:"detailType,omitempty"`
	Kind       Kind   `json:"kind"`
	// Event is the specific event name: SERVICE_DEPLOYMENT_FAILED, an ECS stop code, an alarm
	// state (ALARM, OK, INSUFFICIENT_DATA), a Health eventTypeCode. Routes and rules match on it.
	Event string `json:"event"`
	// Origin names the AWS event the alert tells of, as its detail-type and event name
	// ("ECS Service Action: SERVICE_TASK_PLACEMENT_FAILURE"). Every message's small print shows
	// it, so a team can search its channel for an event. Stories carry the origin of the event
	// that made their message.
	Origin   string   `json:"origin,omitempty"`
	Severity Severity `json:"severity"`
	// Status is the resource's state as the event reports it: a task's lastStatus, an alarm's
	// state, a container instance's status. Noise rules read it.
	Status string `json:"status,omitempty"`
	// DesiredStatus is a task's desiredStatus; with Status it tells a spot notice from a stop.
	DesiredStatus string `json:"desiredStatus,omitempty"`
	// Group is the ECS task group ("service:checkout-api", "family:batch").
	Group string `json:"group,omitempty"`
	// StartedBy is who started a task; for service tasks "ecs-svc/<deployment id>".
	StartedBy string `json:"startedBy,omitempty"`
	// MutedBy names the CloudWatch alarm mute rule that muted the alarm when it changed state.
	// The alarm-muted noise rule keeps such alerts out of chat.
	MutedBy string `json:"mutedBy,omitempty"`
	// Expires is when a decision the alert asks for falls to its default: a paused
	// deployment's lifecycle hook times out and ECS applies the hook's timeout action.
	Expires time.Time `json:"expires,omitzero"`

	Title    string    `json:"title"`   // concise: "checkout-api: task exited with code 1"
	Summary  string    `json:"summary"` // one plain sentence for notifications and fallbacks
	Identity Identity  `json:"identity"`
	Reason   Reason    `json:"reason"`
	Facts    []Fact    `json:"facts,omitempty"`
	Links    []Link    `json:"links,omitempty"`
	Scaling  *Scaling  `json:"scaling,omitempty"`
	Time     time.Time `json:"time"`

	// Excerpt holds the raw record, truncated, for generic alerts: the text is untrusted and
	// every renderer escapes it.
	Excerpt string `json:"excerpt,omitempty"`
	// LogLines is the tail of the dying container's log, already redacted.
	LogLines []string `json:"logLines,omitempty"`
	// Count is how many events this alert stands for (1 unless folded into a digest).
	Count int `json:"count,omitempty"`
	// Log is what a log-pattern alert (KindLog) is about; nil for every other kind.
	Log *LogPattern `json:"log,omitempty"`
	// AckedBy names who acknowledged the alert from chat (a crash-loop story keeps it), so
	// its message no longer offers the Acknowledge button.
	AckedBy string `json:"ackedBy,omitempty"`
}

// Generic returns an alert of kind generic: something foghorn cannot tell in its usual form,
// shown as it arrived. title says what it is, event names why (NOT_JSON, UNRECOGNISED,
// RENDER_FAILED), and excerpt is the start of what arrived: untrusted text, which every
// renderer escapes. The caller adds what else it knows (the event id and time, the identity,
// facts, the reason).
func Generic(title, event, excerpt string) Alert {
	return Alert{Source: "unknown", Kind: KindGeneric, Event: event, Severity: Warning, Title: title, Summary: title, Excerpt: excerpt, Count: 1}
}
