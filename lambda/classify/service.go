package classify

import (
	"strconv"
	"strings"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/console"
	"github.com/foghornhq/foghorn/lambda/event"
)

// serviceActionJudgement is how each ECS Service Action is reported: its severity and the title
// after "<service>: ". Severity is judged per event name, whatever eventType ECS sent.
var serviceActionJudgement = map[string]struct {
	severity alert.Severity
	what     string
	why      string
}{
	// The service cannot keep its tasks running: usually a crash loop, a bad image or a failing
	// health check, and users see it.
	"SERVICE_TASK_START_IMPAIRED": {alert.Critical, "tasks keep failing to start",
		"The service is unable to consistently start tasks successfully; look at its stopped tasks for the reason."},
	// Tasks cannot be placed, so the service runs below its desired count. (Spot shortages are
	// softened to warning below: they are common and pass.)
	"SERVICE_TASK_PLACEMENT_FAILURE": {alert.Critical, "cannot place tasks",
		"The scheduler cannot place a task"},
	// A configuration error (a role ECS cannot assume, tags the account has not opted in to)
	// never heals by itself.
	"SERVICE_TASK_CONFIGURATION_FAILURE": {alert.Critical, "task configuration error",
		"The scheduler cannot place a task because of a configuration error"},
	// One task is unhealthy in the registry; the scheduler replaces it.
	"SERVICE_DISCOVERY_INSTANCE_UNHEALTHY": {alert.Warning, "task unhealthy in service discovery",
		"A task in the service's Cloud Map registry is unhealthy; the scheduler replaces it."},
	"VPC_LATTICE_TARGET_UNHEALTHY": {alert.Warning, "VPC Lattice target unhealthy",
		"A VPC Lattice target of the service is unhealthy."},
	// Throttling slows the scheduler down but heals by itself; repeated, it delays deployments.
	"ECS_OPERATION_THROTTLED": {alert.Warning, "scheduler throttled by the ECS API",
		"The service scheduler was throttled by the ECS API limits; scaling and deployments slow down until it passes."},
	"SERVICE_DISCOVERY_OPERATION_THROTTLED": {alert.Warning, "scheduler throttled by Cloud Map",
		"The service scheduler was throttled by the Cloud Map API limits; registrations are delayed."},
	// A daemon task sits on an instance it no longer fits; nothing is down yet.
	"SERVICE_DAEMON_PLACEMENT_CONSTRAINT_VIOLATED": {alert.Warning, "daemon task violates placement constraints",
		"A task of this DAEMON service no longer meets the service's placement constraints."},
	"TASKS_STOPPED": {alert.Info, "service stopped running tasks",
		"The service stopped running tasks."},
	// ECS cannot read its tasks' health (load balancer or Cloud Map health data): it cannot
	// tell a healthy task from a failing one, so deployments and replacements may stall.
	"SERVICE_HEALTH_UNKNOWN": {alert.Warning, "task health unknown to ECS",
		"The service was unable to describe the health data for its tasks; ECS cannot tell healthy tasks from failing ones until it can, so deployments and replacements of unhealthy tasks may stall."},
	"SERVICE_STEADY_STATE": {alert.Info, "steady state",
		"The service is healthy and at its desired number of tasks."},
	"TASKSET_STEADY_STATE": {alert.Info, "task set steady state",
		"The task set is healthy and at its desired number of tasks."},
	"CAPACITY_PROVIDER_STEADY_STATE": {alert.Info, "capacity provider steady state",
		"A capacity provider of the service reached a steady state."},
}

func serviceAction(a alert.Alert, ev event.EventBridge, d event.ServiceAction) alert.Alert {
	for _, r := range ev.Resources {
		applyARN(&a.Identity, r)
	}
	applyARN(&a.Identity, d.ClusterARN)
	for _, s := range []string{d.ServiceName, d.Service} {
		if s != "" {
			applyARN(&a.Identity, s)
			setIfEmpty(&a.Identity.Service, nameOf(s))
		}
	}
	fillPartition(&a.Identity)
	if a.Time.IsZero() {
		a.Time = d.CreatedAt.Time()
	}

	// ECS also reports deployments as service actions.
	if strings.HasPrefix(d.EventName, "SERVICE_DEPLOYMENT_") {
		return deployment(a, event.Deployment{EventType: d.EventType, EventName: d.EventName, Reason: d.Reason, UpdatedAt: d.CreatedAt})
	}

	a.Kind = alert.KindServiceAction
	a.Event = d.EventName
	subject := subjectOr(a.Identity, "ECS service")
	var buf [4]string
	providers := capacityProviders(buf[:0], d.CapacityProviderARNs)
	providerList := strings.Join(providers, ", ")
	a.Facts = make([]alert.Fact, 2, 3) // the list at its size: the container instances' fact is seldom there
	a.Facts[0], a.Facts[1] = fact("Cluster", a.Identity.Cluster), fact("Capacity providers", providerList)
	if n := len(d.ContainerInstanceARNs); n > 0 {
		ids := make([]string, 0, n)
		for _, ci := range d.ContainerInstanceARNs {
			ids = append(ids, lastPart(ci))
		}
		a.Facts = append(a.Facts, fact("Container instances", strings.Join(ids, ", ")))
	}
	a.Links = []alert.Link{
		link("Service events", console.ServiceEvents(a.Identity.Partition, a.Identity.Region, a.Identity.Cluster, a.Identity.Service)),
		link("Service", console.Service(a.Identity.Partition, a.Identity.Region, a.Identity.Cluster, a.Identity.Service)),
	}

	if d.EventName == "SERVICE_DESIRED_COUNT_UPDATED" {
		// ECS sends this only when its own scheduler (service auto scaling) changed the count.
		a.Kind, a.Severity = alert.KindScaling, alert.Info
		a.Title = subject + ": desired count updated by the scheduler"
		a.Reason.Text = "The service scheduler updated the service's computed desired count (scaling or a task set change)."
		a.Summary = "The ECS scheduler updated the desired count of " + subject + "."
		return a
	}

	j, known := serviceActionJudgement[d.EventName]
	if !known {
		// A name ECS added after this was written: say it plainly, and never call it info.
		a.Severity = alert.Warning
		a.Title = subject + ": " + orDefault(d.EventName, "service action")
		a.Reason.Text = orDefault(d.Reason, "ECS reported "+orDefault(d.EventName, "a service action")+" ("+orDefault(d.EventType, "no type")+")") + "."
		a.Summary = a.Reason.Text
		return a
	}
	a.Severity, a.Title, a.Reason.Text = j.severity, subject+": "+j.what, j.why
	switch d.EventName {
	case "SERVICE_TASK_PLACEMENT_FAILURE":
		// Each text is made in one piece, not grown a part at a time.
		why, provider := "", ""
		if w := placementReason(d.Reason); w != "" {
			a.Title = subject + ": " + j.what + " (" + d.Reason + ")"
			why = ": " + w
		}
		if len(providers) > 0 {
			provider = "; capacity provider "
		}
		a.Reason.Text = j.why + why + provider + providerList + "."
		if onlySpot(providers) {
			a.Severity = alert.Warning
		}
	case "SERVICE_TASK_CONFIGURATION_FAILURE":
		a.Reason.Text = j.why + ": " + orDefault(d.Reason, "no reason given") + "."
	}
	a.Summary = serviceSummary(subject, a.Identity.Cluster, j.what)
	return a
}

// placementReason explains the reason codes of SERVICE_TASK_PLACEMENT_FAILURE.
func placementReason(r string) string {
	switch {
	case r == "":
		return ""
	case r == "RESOURCE:FARGATE":
		return "no Fargate capacity was available (" + r + ")"
	case strings.HasPrefix(r, "RESOURCE:"):
		what := strings.ToLower(strings.TrimPrefix(r, "RESOURCE:"))
		switch what {
		case "ports", "ports_tcp", "ports_udp":
			what = "free ports"
		case "eni":
			what = "free network interfaces"
		case "gpu":
			what = "GPUs"
		case "cpu":
			what = "CPU"
		}
		return "no container instance had enough " + what + " (" + r + ")"
	case r == "AGENT":
		return "the ECS agent on the candidate instances is disconnected (AGENT)"
	case r == "ATTRIBUTE" || strings.HasPrefix(r, "ATTRIBUTE"):
		return "no container instance has the attributes the task requires (" + r + ")"
	case strings.HasPrefix(r, "MemberOf") || strings.Contains(r, "placement constraint"):
		return "no container instance meets the placement constraints (" + r + ")"
	}
	return r
}

// capacityProviders appends to names the capacity providers of their ARNs.
func capacityProviders(names, arns []string) []string {
	for _, s := range arns {
		names = append(names, nameOf(s))
	}
	return names
}

func onlySpot(providers []string) bool {
	for _, p := range providers {
		if !strings.Contains(strings.ToUpper(p), "SPOT") {
			return false
		}
	}
	return len(providers) > 0
}

func deploymentStateChange(a alert.Alert, ev event.EventBridge, d event.Deployment) alert.Alert {
	for _, r := range ev.Resources {
		applyARN(&a.Identity, r)
	}
	fillPartition(&a.Identity)
	if a.Time.IsZero() {
		a.Time = d.UpdatedAt.Time()
	}
	return deployment(a, d)
}

func deployment(a alert.Alert, d event.Deployment) alert.Alert {
	a.Kind = alert.KindDeployment
	a.Event = d.EventName
	a.Status = strings.TrimPrefix(d.EventName, "SERVICE_DEPLOYMENT_")
	a.Identity.DeploymentID = d.DeploymentID
	a.Reason.Deployment = d.Reason
	subject := subjectOr(a.Identity, "ECS service")
	name := "deployment"
	if d.DeploymentID != "" {
		name += " " + d.DeploymentID
	}
	reason := lower(d.Reason)
	circuitBreaker := strings.Contains(reason, "circuit breaker")
	switch d.EventName {
	case event.DeploymentInProgress:
		a.Severity, a.Title = alert.Info, subject+": "+name+" started"
		if strings.Contains(reason, "rolling back") {
			// A rollback starting means the previous deployment failed.
			a.Severity, a.Title = alert.Warning, subject+": rolling back ("+name+")"
		}
	case event.DeploymentCompleted:
		a.Severity, a.Title = alert.Resolved, subject+": "+name+" completed"
	case event.DeploymentFailed:
		a.Severity, a.Title = alert.Critical, subject+": "+name+" failed"
		if circuitBreaker {
			a.Title += ": circuit breaker rolled back"
		}
	default:
		a.Severity, a.Title = alert.Warning, subject+": "+orDefault(d.EventName, "deployment state change")
	}
	a.Reason.Text = orDefault(d.Reason, "ECS reported "+orDefault(d.EventName, "a deployment state change")) + "."
	if d.EventName == event.DeploymentFailed && circuitBreaker {
		a.Reason.Text += " The deployment circuit breaker stopped the deployment and, with rollback on, returns the service to its last completed deployment."
	}
	a.Summary = serviceSummary(subject, a.Identity.Cluster, trimSubject(a.Title, subject))
	a.Facts = []alert.Fact{fact("Cluster", a.Identity.Cluster), fact("Deployment", d.DeploymentID)}
	a.Links = []alert.Link{
		link("Deployments", console.Deployments(a.Identity.Partition, a.Identity.Region, a.Identity.Cluster, a.Identity.Service)),
		link("Service events", console.ServiceEvents(a.Identity.Partition, a.Identity.Region, a.Identity.Cluster, a.Identity.Service)),
	}
	return a
}

func containerInstanceStateChange(a alert.Alert, ev event.EventBridge, d event.ContainerInstance) alert.Alert {
	applyARN(&a.Identity, d.ClusterARN)
	applyARN(&a.Identity, d.ContainerInstanceARN)
	for _, r := range ev.Resources {
		applyARN(&a.Identity, r)
	}
	fillPartition(&a.Identity)
	if a.Time.IsZero() {
		a.Time = d.UpdatedAt.Time()
	}
	a.Identity.Resource = d.EC2InstanceID
	setIfEmpty(&a.Identity.Resource, a.Identity.ContainerInstance)
	a.Kind = alert.KindContainerInstance
	a.Status = d.Status
	a.Event = d.Status
	// The event has no name of its own: its status is what a channel searches for.
	a.Origin = ev.DetailType + ": " + orDefault(d.Status, "status unknown")
	cluster := orDefault(a.Identity.Cluster, "ECS")
	instance := "container instance " + orDefault(a.Identity.Resource, "(unknown)")
	disconnected := d.AgentConnected != nil && !*d.AgentConnected
	switch {
	case d.Status == "DRAINING":
		a.Severity = alert.Warning
		a.Title = cluster + ": " + instance + " is draining"
		a.Reason.Text = "The container instance is DRAINING: ECS moves its service tasks elsewhere and places no new ones on it."
	case d.Status == "INACTIVE" || d.Status == "DEREGISTERING":
		a.Severity = alert.Warning
		a.Title = cluster + ": " + instance + " deregistered (" + d.Status + ")"
		a.Reason.Text = "The container instance left the cluster (" + d.Status + "); its tasks no longer run there."
	case disconnected:
		// The agent reconnects several times an hour as part of normal operation, but a
		// disconnected agent also means no task can be placed there until it is back.
		a.Severity = alert.Warning
		a.Event = "AGENT_DISCONNECTED"
		a.Title = cluster + ": ECS agent disconnected on " + instance
		a.Reason.Text = "The ECS container agent on the instance is disconnected; ECS cannot place or track tasks there until it reconnects."
	case d.Status == "ACTIVE" || d.Status == "REGISTERING":
		a.Severity = alert.Info
		a.Title = cluster + ": " + instance + " " + d.Status
		a.Reason.Text = "The container instance is " + d.Status + " with its agent connected: resource bookkeeping."
	default:
		a.Severity = alert.Warning
		a.Title = cluster + ": " + instance + " is " + orDefault(d.Status, "in an unknown state")
		a.Reason.Text = "The container instance is " + orDefault(d.Status, "in an unknown state") + "."
	}
	if d.StatusReason != "" {
		a.Reason.Text += " " + d.StatusReason
	}
	a.Summary = strings.TrimSuffix(a.Title, ".") + "."
	agent := ""
	if d.AgentConnected != nil {
		agent = "disconnected"
		if *d.AgentConnected {
			agent = "connected"
		}
		if d.VersionInfo.AgentVersion != "" {
			agent += " (" + d.VersionInfo.AgentVersion + ")"
		}
	}
	a.Facts = []alert.Fact{
		fact("Cluster", a.Identity.Cluster),
		fact("Container instance", a.Identity.ContainerInstance),
		fact("Agent", agent),
		fact("Free CPU", remaining(d, "CPU", "units")),
		fact("Free memory", remaining(d, "MEMORY", "MiB")),
	}
	if d.RunningTasksCount != nil {
		a.Facts = append(a.Facts, fact("Running tasks", strconv.Itoa(*d.RunningTasksCount)))
	}
	a.Links = []alert.Link{link("Cluster", console.Cluster(a.Identity.Partition, a.Identity.Region, a.Identity.Cluster))}
	return a
}

// remaining returns "1988 of 2048 units" for a container instance resource.
func remaining(d event.ContainerInstance, name, unit string) string {
	var reg, rem *event.Resource
	for i := range d.RegisteredResources {
		if d.RegisteredResources[i].Name == name {
			reg = &d.RegisteredResources[i]
		}
	}
	for i := range d.RemainingResources {
		if d.RemainingResources[i].Name == name {
			rem = &d.RemainingResources[i]
		}
	}
	if reg == nil || rem == nil {
		return ""
	}
	return strconv.FormatInt(rem.IntegerValue, 10) + " of " + strconv.FormatInt(reg.IntegerValue, 10) + " " + unit
}

// otherECS is an aws.ecs event of a detail type this package does not know yet. It is still
// about ECS, so it is reported as a service action rather than a generic record.
func otherECS(a alert.Alert, ev event.EventBridge) alert.Alert {
	var d struct {
		EventType  string `json:"eventType"`
		EventName  string `json:"eventName"`
		ClusterARN string `json:"clusterArn"`
		Reason     string `json:"reason"`
	}
	_ = event.Decode(ev.Detail, &d)
	for _, r := range ev.Resources {
		applyARN(&a.Identity, r)
	}
	applyARN(&a.Identity, d.ClusterARN)
	// Whatever ARN the detail carries may name the service, daemon or cluster.
	for _, r := range arnsIn(ev.Detail) {
		applyARN(&a.Identity, r)
	}
	fillPartition(&a.Identity)
	a.Kind = alert.KindServiceAction
	a.Severity = alert.Warning
	a.Event = orDefault(d.EventName, ev.DetailType)
	a.Title = subjectOr(a.Identity, "ECS") + ": " + orDefault(ev.DetailType, "ECS event") + inParens(d.EventName)
	a.Reason.Text = orDefault(d.Reason, "ECS sent "+orDefault(ev.DetailType, "an event")+", a kind the notifier does not know yet") + "."
	a.Summary = a.Reason.Text
	a.Facts = []alert.Fact{fact("Cluster", a.Identity.Cluster), fact("Detail type", ev.DetailType)}
	a.Links = ecsLinks(a.Identity)
	return a
}

// serviceSummary is "ECS service <subject> in cluster <cluster>: <what>.", without the cluster
// when it is unknown, made in one piece.
func serviceSummary(subject, cluster, what string) string {
	if cluster != "" {
		return "ECS service " + subject + " in cluster " + cluster + ": " + what + "."
	}
	return "ECS service " + subject + ": " + what + "."
}

// trimSubject is title without the "<subject>: " it starts with, if it does: strings.TrimPrefix
// of subject+": ", without making that string.
func trimSubject(title, subject string) string {
	if len(title) >= len(subject)+2 && title[:len(subject)] == subject && title[len(subject):len(subject)+2] == ": " {
		return title[len(subject)+2:]
	}
	return title
}
