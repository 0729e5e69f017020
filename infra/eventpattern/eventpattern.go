package eventpattern

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/event"
	"github.com/foghornhq/foghorn/lambda/policy"
)

// Class is one kind of event, and one EventBridge rule.
type Class string

const (
	TaskState         Class = "task-state"         // ECS Task State Change
	ServiceAction     Class = "service-action"     // ECS Service Action
	Deployment        Class = "deployment"         // ECS Deployment State Change
	ContainerInstance Class = "container-instance" // ECS Container Instance State Change
	Alarm             Class = "alarm"              // CloudWatch Alarm State (and, if asked, Configuration) Change
	Health            Class = "health"             // AWS Health events about ECS
	Scaling           Class = "scaling"            // Application Auto Scaling + CloudTrail UpdateService by it
	Hook              Class = "hook"               // ECS Hook State Change: lifecycle hooks of service deployments
	Daemon            Class = "daemon"             // ECS Daemon Service Action and Daemon Deployment State Change
	InstanceHealth    Class = "instance-health"    // ECS Container Instance Health Change
	TaskLaunch        Class = "task-launch"        // CloudTrail RunTask calls whose response lists failures
)

// Classes is every class, in rule order.
var Classes = []Class{TaskState, ServiceAction, Deployment, ContainerInstance, Alarm, Health, Scaling, Hook, Daemon, InstanceHealth, TaskLaunch}

// ClassNames returns the classes as strings, for messages and config docs.
func ClassNames() []string {
	out := make([]string, len(Classes))
	for i, c := range Classes {
		out[i] = string(c)
	}
	return out
}

// Filter narrows what the rules deliver. The zero value delivers every event of every class
// in the account and region, less what the default noise policy suppresses.
type Filter struct {
	// ClusterArns limits ECS and scaling events to these clusters; empty means all clusters.
	ClusterArns []string
	// ServiceNames limits service-level events (tasks of a service, service actions,
	// deployments, scaling) to these service names; empty means all services. Tasks not started
	// by a service are dropped when it is set.
	ServiceNames []string
	// ServiceActionEvents and DeploymentEvents, when set, are allow-lists of event names. When
	// empty the rule delivers every name the noise policy lets through, including names AWS
	// adds later. Either way the service-action rule also delivers SERVICE_STEADY_STATE, which
	// ends crash-loop stories, and the deployment rule SERVICE_DEPLOYMENT_IN_PROGRESS and
	// SERVICE_DEPLOYMENT_COMPLETED, which begin and end them (the noise rules still keep their
	// messages out of chat).
	ServiceActionEvents []string
	DeploymentEvents    []string
	// AlarmNamePrefixes limits alarm events to alarms whose names start with one of these.
	AlarmNamePrefixes []string
	// ExcludeAlarmPrefix keeps the stack's own watchdog alarms out of the alarm rule: they go to
	// the ops topic, never through the notifier they watch.
	ExcludeAlarmPrefix string
	// Noise overrides the noise policy's defaults by rule name, as in the config document.
	Noise map[string]bool
}

// MaxPatternSize is EventBridge's default quota on an event pattern, in characters. It can be
// raised to 4096 on request; foghorn stays within the default so a fresh account deploys.
const MaxPatternSize = 2048

// Rule is one EventBridge rule to create.
type Rule struct {
	Class       Class
	Description string
	Pattern     string // JSON
}

// Build returns a rule for each requested class the noise policy leaves anything to deliver
// for. Classes are emitted in the order of Classes.
func Build(classes []Class, f Filter) ([]Rule, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	pol, err := policy.New(f.Noise)
	if err != nil {
		return nil, err
	}
	b := builder{f: f, on: pol.Enabled}
	var out []Rule
	for _, c := range Classes {
		if !slices.Contains(classes, c) {
			continue
		}
		p, desc, ok := b.pattern(c)
		if !ok {
			continue
		}
		js, err := json.Marshal(p)
		if err != nil {
			return nil, fmt.Errorf("eventpattern: %s: %w", c, err)
		}
		if len(js) > MaxPatternSize {
			return nil, &config.Error{Key: f.longerList(), Message: fmt.Sprintf(
				"the %s rule's event pattern would be %d characters; EventBridge allows %d by default: list fewer clusters or services, or leave a list empty to match all",
				c, len(js), MaxPatternSize)}
		}
		out = append(out, Rule{Class: c, Description: desc, Pattern: string(js)})
	}
	return out, nil
}

var (
	clusterArnRE  = regexp.MustCompile(`^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:cluster/[A-Za-z0-9_-]{1,255}$`)
	serviceNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$`)
)

// ValidClusterArn reports whether s is an ECS cluster ARN (arn:<partition>:ecs:<region>:<account>:cluster/<name>).
func ValidClusterArn(s string) bool { return clusterArnRE.MatchString(s) }

// ValidServiceName reports whether s can be an ECS service name.
func ValidServiceName(s string) bool { return serviceNameRE.MatchString(s) }

// Validate reports every invalid field, each a *config.Error keyed by the field and worded for
// the user: the bad value and what is allowed.
func (f Filter) Validate() error {
	var errs []error
	bad := func(field, format string, a ...any) {
		errs = append(errs, &config.Error{Key: field, Message: fmt.Sprintf(format, a...)})
	}
	for _, a := range f.ClusterArns {
		if !ValidClusterArn(a) {
			bad("clusterArns", "%q is not an ECS cluster ARN (want arn:aws:ecs:<region>:<12-digit account>:cluster/<name>)", a)
		}
	}
	for _, s := range f.ServiceNames {
		if !ValidServiceName(s) {
			bad("serviceNames", "%q is not an ECS service name (1-255 letters, digits, hyphens and underscores)", s)
		}
	}
	pol, err := policy.New(f.Noise)
	if err != nil {
		bad("noise", "%v", err)
		pol = policy.Default()
	}
	checkNames := func(field string, names, known []string, suppressed map[string]string) {
		for _, n := range names {
			if !slices.Contains(known, n) {
				bad(field, "unknown event name %q (allowed: %s)", n, strings.Join(known, ", "))
				continue
			}
			if rule := suppressed[n]; rule != "" && pol.Enabled(rule) {
				bad(field, "%q is suppressed by the noise rule %q; switch the rule off or drop the name", n, rule)
			}
		}
	}
	checkNames("serviceActionEvents", f.ServiceActionEvents, ServiceActionEvents, serviceSuppressedBy())
	checkNames("deploymentEvents", f.DeploymentEvents, DeploymentEvents, deploymentSuppressedBy())
	for _, p := range f.AlarmNamePrefixes {
		if p == "" {
			bad("alarmNamePrefixes", "an empty prefix matches every alarm; leave the list empty instead")
			continue
		}
		if f.ExcludeAlarmPrefix != "" && strings.HasPrefix(f.ExcludeAlarmPrefix, p) {
			bad("alarmNamePrefixes", "%q also matches the stack's own watchdog alarms (%s…), which must not go through the notifier they watch", p, f.ExcludeAlarmPrefix)
		}
	}
	return errors.Join(errs...)
}

// longerList names the filter list that takes more room in the patterns, clusterArns or
// serviceNames: the one to shorten first when a pattern is over its limit.
func (f Filter) longerList() string {
	size := func(list []string) (n int) {
		for _, s := range list {
			n += len(s)
		}
		return n
	}
	if size(f.ServiceNames) > size(f.ClusterArns) {
		return "serviceNames"
	}
	return "clusterArns"
}

// serviceSuppressedBy maps a service action to the noise rule that suppresses it.
func serviceSuppressedBy() map[string]string {
	m := map[string]string{}
	for _, n := range steadyStateEvents {
		m[n] = "steady-state"
	}
	for _, n := range scalingServiceEvents {
		m[n] = "scaling"
	}
	for n, rule := range deploymentSuppressedBy() {
		m[n] = rule
	}
	return m
}

func deploymentSuppressedBy() map[string]string {
	return map[string]string{
		"SERVICE_DEPLOYMENT_IN_PROGRESS": "deployment-in-progress",
		"SERVICE_DEPLOYMENT_COMPLETED":   "deployment-completed",
	}
}

// obj is a pattern object; values are []any leaves, nested objs, or []obj under "$or".
type obj = map[string]any

type builder struct {
	f  Filter
	on func(rule string) bool
}

func (b builder) pattern(c Class) (obj, string, bool) {
	switch c {
	case TaskState:
		return b.taskState(), "ECS task stops and Fargate Spot interruption notices", true
	case ServiceAction:
		return b.serviceAction(), "ECS service actions: placement failures, start impairments, unhealthy targets, and steady states that end crash loops", true
	case Deployment:
		return b.deployment(), "ECS deployment state changes", true
	case ContainerInstance:
		return b.containerInstance(), "ECS container instances leaving ACTIVE or losing their agent", true
	case Alarm:
		return b.alarm(), "CloudWatch alarm state changes", true
	case Health:
		return b.health(), "AWS Health events about ECS", true
	case Scaling:
		// With the scaling rule on, every scaling alert is noise: no rule at all.
		if b.on("scaling") {
			return nil, "", false
		}
		return b.scaling(), "ECS service scaling: Auto Scaling at its maximum and UpdateService calls by Auto Scaling", true
	case Hook:
		return b.hook(), "ECS deployment lifecycle hooks: deployments paused for a decision, and how hooks end", true
	case Daemon:
		return b.daemon(), "ECS managed daemons: tasks that cannot start, and deployments that stop or roll back", true
	case InstanceHealth:
		return b.instanceHealth(), "ECS container instance health: impaired instances and their recovery", true
	case TaskLaunch:
		// Standalone tasks are not a service's: with services named, none is wanted.
		if len(b.f.ServiceNames) > 0 {
			return nil, "", false
		}
		return b.taskLaunch(), "RunTask calls that could not start every task (CloudTrail): standalone and scheduled tasks that never ran", true
	}
	return nil, "", false
}

func strs(ss ...string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func anythingBut(ss ...string) []any {
	if len(ss) == 1 {
		return []any{obj{"anything-but": ss[0]}}
	}
	return []any{obj{"anything-but": strs(ss...)}}
}

func absent() []any { return []any{obj{"exists": false}} }

// or sets "$or" on o, or merges the single branch into o when there is only one (EventBridge
// wants at least two branches in an $or).
func or(o obj, branches ...obj) {
	switch len(branches) {
	case 0:
	case 1:
		for k, v := range branches[0] {
			o[k] = v
		}
	default:
		o["$or"] = branches
	}
}

func (b builder) clusterNames() []string {
	out := make([]string, len(b.f.ClusterArns))
	for i, a := range b.f.ClusterArns {
		out[i] = a[strings.LastIndex(a, "/")+1:]
	}
	return out
}

// serviceResources filters service-level events by their service ARN in "resources":
// arn:<p>:ecs:<region>:<account>:service/<cluster>/<service>. Deployment events carry no
// clusterArn in their detail, so the ARN is the one field every service-level event has.
func (b builder) serviceResources() []any {
	var out []any
	switch {
	case len(b.f.ClusterArns) > 0 && len(b.f.ServiceNames) > 0:
		for _, c := range b.f.ClusterArns {
			for _, s := range b.f.ServiceNames {
				out = append(out, strings.Replace(c, ":cluster/", ":service/", 1)+"/"+s)
			}
		}
	case len(b.f.ClusterArns) > 0:
		for _, c := range b.f.ClusterArns {
			out = append(out, obj{"prefix": strings.Replace(c, ":cluster/", ":service/", 1) + "/"})
		}
	case len(b.f.ServiceNames) > 0:
		for _, s := range b.f.ServiceNames {
			out = append(out, obj{"suffix": "/" + s})
		}
	}
	return out
}

// clusterDetail is the detail of an ECS event of the watched clusters: every cluster's when
// none is listed.
func (b builder) clusterDetail() obj {
	detail := obj{}
	if len(b.f.ClusterArns) > 0 {
		detail["clusterArn"] = strs(b.f.ClusterArns...)
	}
	return detail
}

// ecsPattern matches ECS events of the detail types whose detail matches detail; with no
// condition on the detail, the pattern has none.
func ecsPattern(detail obj, detailTypes ...string) obj {
	p := obj{"source": strs(sourceECS), "detail-type": strs(detailTypes...)}
	if len(detail) > 0 {
		p["detail"] = detail
	}
	return p
}

func (b builder) taskState() obj {
	detail := b.clusterDetail()
	if len(b.f.ServiceNames) > 0 {
		var groups []string
		for _, s := range b.f.ServiceNames {
			groups = append(groups, "service:"+s)
		}
		detail["group"] = strs(groups...)
	}

	onlyStopped := b.on("task-not-stopped")
	dropReplacement := b.on("deployment-replacement")
	stopped := strs("STOPPED")
	var branches []obj
	if !onlyStopped && dropReplacement {
		// Every task change except a replacement stop: the changes short of STOPPED go
		// through whole, the stops through the branches below.
		branches = append(branches, obj{"lastStatus": anythingBut("STOPPED")})
	}
	if dropReplacement {
		// "Not a scheduler replacement" is NOT(stopCode = ServiceSchedulerInitiated AND
		// stoppedReason starts with policy.ReplacementReasonPrefix), spelled out as an $or.
		// anything-but never matches a field that is absent, so absence is its own branch.
		branches = append(branches,
			obj{"lastStatus": stopped, "stopCode": anythingBut("ServiceSchedulerInitiated")},
			obj{"lastStatus": stopped, "stopCode": absent()},
			obj{"lastStatus": stopped, "stoppedReason": []any{obj{"anything-but": obj{"prefix": policy.ReplacementReasonPrefix}}}},
			obj{"lastStatus": stopped, "stoppedReason": absent()},
		)
	} else if onlyStopped {
		branches = append(branches, obj{"lastStatus": stopped})
	}
	if onlyStopped {
		// A Fargate Spot interruption notice arrives while the task still runs: desiredStatus
		// STOPPED, stopCode TerminationNotice (older docs: SpotInterruption).
		branches = append(branches, obj{"desiredStatus": stopped, "stopCode": strs("TerminationNotice", "SpotInterruption")})
	}
	or(detail, branches...)
	return ecsPattern(detail, detailTaskState)
}

// eventNames is the eventName condition: the configured allow-list, or everything but the
// names switched-on noise rules suppress; the names in always are delivered in both cases.
func (b builder) eventNames(allow []string, suppressedBy map[string]string, known, always []string) []any {
	if len(allow) > 0 {
		names := slices.Clone(allow)
		for _, n := range always {
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
		return strs(names...)
	}
	var drop []string
	for _, n := range known {
		if rule := suppressedBy[n]; rule != "" && b.on(rule) && !slices.Contains(always, n) {
			drop = append(drop, n)
		}
	}
	if len(drop) == 0 {
		return nil
	}
	return anythingBut(drop...)
}

func (b builder) serviceLevel(detailType string, names []any) obj {
	p := obj{"source": strs(sourceECS), "detail-type": strs(detailType)}
	if r := b.serviceResources(); len(r) > 0 {
		p["resources"] = r
	}
	if names != nil {
		p["detail"] = obj{"eventName": names}
	}
	return p
}

func (b builder) serviceAction() obj {
	return b.serviceLevel(detailServiceAction, b.eventNames(b.f.ServiceActionEvents, serviceSuppressedBy(), ServiceActionEvents, storyEndEvents))
}

func (b builder) deployment() obj {
	return b.serviceLevel(detailDeployment, b.eventNames(b.f.DeploymentEvents, deploymentSuppressedBy(), DeploymentEvents, storyDeploymentEvents))
}

func (b builder) containerInstance() obj {
	detail := b.clusterDetail()
	if b.on("container-instance-routine") {
		// Routine is ACTIVE with the agent connected; anything else is worth a look.
		or(detail, obj{"status": anythingBut("ACTIVE")}, obj{"agentConnected": []any{false}})
	}
	return ecsPattern(detail, detailContainerInstance)
}

func (b builder) alarmName() []any {
	if len(b.f.AlarmNamePrefixes) > 0 {
		var out []any
		for _, pre := range b.f.AlarmNamePrefixes {
			out = append(out, obj{"prefix": pre})
		}
		return out
	}
	if b.f.ExcludeAlarmPrefix != "" {
		return []any{obj{"anything-but": obj{"prefix": b.f.ExcludeAlarmPrefix}}}
	}
	return nil
}

func (b builder) alarm() obj {
	states := []string{"ALARM"}
	if !b.on("alarm-ok") {
		states = append(states, "OK")
	}
	if !b.on("alarm-insufficient-data") {
		states = append(states, "INSUFFICIENT_DATA")
	}
	stateDetail := obj{}
	if len(states) < 3 {
		stateDetail["state"] = obj{"value": strs(states...)}
	}
	name := b.alarmName()
	if name != nil {
		stateDetail["alarmName"] = name
	}
	if b.on("scaling") {
		// Target tracking alarms tell of ordinary scaling. Their names are free-form prefixes
		// ("TargetTracking-…") that would clash with the alarmName condition above, but their
		// description is fixed; an alarm without a description is not one of them.
		or(stateDetail,
			obj{"configuration": obj{"description": []any{obj{"anything-but": obj{"prefix": targetTrackingDescription}}}}},
			obj{"configuration": obj{"description": absent()}},
		)
	}
	// A contributor (one resource of a multi-resource alarm) changes state as its alarm does.
	// Muted transitions are delivered on purpose: the notifier logs them and keeps them out of
	// chat (alarm-muted), so a quiet channel during a declared maintenance can be explained.
	stateBranch := obj{"detail-type": strs(detailAlarmState, detailAlarmContributor)}
	if len(stateDetail) > 0 {
		stateBranch["detail"] = stateDetail
	}
	p := obj{"source": strs(sourceCloudWatch)}
	if b.on("alarm-config-change") {
		or(p, stateBranch)
		return p
	}
	configBranch := obj{"detail-type": strs(detailAlarmConfig)}
	if name != nil {
		configBranch["detail"] = obj{"alarmName": name}
	}
	or(p, stateBranch, configBranch)
	return p
}

func (b builder) health() obj {
	return obj{"source": strs(sourceHealth), "detail-type": strs(detailHealth), "detail": obj{"service": strs("ECS")}}
}

func (b builder) scaling() obj {
	// Application Auto Scaling names an ECS service "service/<cluster>/<service>".
	var resourceID []any
	switch clusters, services := b.clusterNames(), b.f.ServiceNames; {
	case len(clusters) > 0 && len(services) > 0:
		for _, c := range clusters {
			for _, s := range services {
				resourceID = append(resourceID, "service/"+c+"/"+s)
			}
		}
	case len(clusters) > 0:
		for _, c := range clusters {
			resourceID = append(resourceID, obj{"prefix": "service/" + c + "/"})
		}
	case len(services) > 0:
		for _, s := range services {
			resourceID = append(resourceID, obj{"suffix": "/" + s})
		}
	default:
		resourceID = []any{obj{"prefix": "service/"}}
	}
	activity := obj{"serviceNamespace": strs("ecs"), "resourceId": resourceID}

	call := obj{
		"eventSource": strs("ecs.amazonaws.com"),
		"eventName":   strs("UpdateService"),
	}
	// CloudTrail marks a call made by a service through its service-linked role in more than
	// one field; accept any of them rather than bet on one.
	or(call,
		obj{"userIdentity": obj{"invokedBy": strs(autoScalingPrincipals...)}},
		obj{"sourceIPAddress": strs(autoScalingPrincipals...)},
		obj{"userIdentity": obj{"sessionContext": obj{"sessionIssuer": obj{"userName": strs(autoScalingRole)}}}},
	)
	params := obj{}
	if len(b.f.ClusterArns) > 0 {
		// The caller may name the cluster either way.
		params["cluster"] = strs(append(slices.Clone(b.f.ClusterArns), b.clusterNames()...)...)
	}
	if len(b.f.ServiceNames) > 0 {
		var svc []any
		for _, s := range b.f.ServiceNames {
			svc = append(svc, s, obj{"suffix": "/" + s})
		}
		params["service"] = svc
	}
	if len(params) > 0 {
		call["requestParameters"] = params
	}
	// Sources and detail types are listed side by side and the detail tells the two apart: a
	// scaling activity has serviceNamespace, a CloudTrail call has eventSource, and neither
	// source sends the other's detail type.
	detail := obj{}
	or(detail, activity, call)
	return obj{
		"source":      strs(sourceAutoScaling, sourceECS),
		"detail-type": strs(detailScalingActivity, detailCloudTrailCall),
		"detail":      detail,
	}
}

func (b builder) hook() obj {
	detail := obj{}
	if r := b.serviceResources(); len(r) > 0 {
		// A hook event's resources hold its service deployment (or nothing): its service is
		// in detail.serviceArn.
		detail["serviceArn"] = r
	}
	if b.on("hook-routine") {
		// HOOK_SUCCEEDED is routine too, but it ends a paused deployment's thread.
		detail["eventName"] = anythingBut(event.HookInProgress)
	}
	return ecsPattern(detail, detailHook)
}

func (b builder) daemon() obj {
	detail := b.clusterDetail()
	if b.on("daemon-deployment-routine") {
		// The daemon service action's one name, DAEMON_TASK_START_IMPAIRED, is never routine.
		detail["eventName"] = anythingBut(policy.RoutineDaemonDeploymentEvents...)
	}
	return ecsPattern(detail, detailDaemonServiceAction, detailDaemonDeployment)
}

func (b builder) instanceHealth() obj {
	detail := b.clusterDetail()
	if b.on("container-instance-routine") {
		// OK stays: it ends an impaired instance's thread (instance-health-ok keeps the rest
		// out of chat).
		detail["overallStatus"] = anythingBut(event.HealthInitializing, event.HealthInsufficientData)
	}
	return ecsPattern(detail, detailInstanceHealth)
}

func (b builder) taskLaunch() obj {
	call := obj{
		"eventSource": strs("ecs.amazonaws.com"),
		"eventName":   strs("RunTask"),
		// Only calls that could not start every task: failures[] lists why.
		"responseElements": obj{"failures": obj{"reason": []any{obj{"exists": true}}}},
	}
	if len(b.f.ClusterArns) > 0 {
		clusters := strs(append(slices.Clone(b.f.ClusterArns), b.clusterNames()...)...)
		if slices.Contains(b.clusterNames(), "default") {
			// A call that names no cluster runs in the default one.
			clusters = append(clusters, obj{"exists": false})
		}
		call["requestParameters"] = obj{"cluster": clusters}
	}
	return obj{"source": strs(sourceECS), "detail-type": strs(detailCloudTrailCall), "detail": call}
}
