package classify

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/console"
	"github.com/foghornhq/foghorn/lambda/event"
)

// The ECS event types newer than the four of 2020: lifecycle hooks, managed daemons and
// container instance health. Severity is judged per event name (and failure type, health
// status), never by ECS's eventType: every hook event is INFO, even a rollback.

func hookStateChange(a alert.Alert, ev event.EventBridge, d event.HookStateChange) alert.Alert {
	for _, s := range [...]string{d.ServiceDeploymentARN, d.ServiceARN, d.ClusterARN} {
		applyARN(&a.Identity, s)
	}
	for _, s := range ev.Resources {
		applyARN(&a.Identity, s)
	}
	fillPartition(&a.Identity)
	if a.Time.IsZero() {
		a.Time = d.UpdatedAt.Time()
	}
	a.Kind = alert.KindDeployment
	a.Event = d.EventName
	a.Status = strings.TrimPrefix(d.EventName, "HOOK_")
	a.Identity.Hook = d.HookID
	subject := subjectOr(a.Identity, "ECS service")
	dep := "deployment " + orDefault(lastPart(a.Identity.ServiceDeployment), "(unknown)")
	stage := orDefault(d.LifecycleStage, "an unknown stage")
	pause := d.HookType == "PAUSE"
	hook := "lifecycle hook"
	switch d.HookType {
	case "PAUSE":
		hook = "pause hook"
	case "AWS_LAMBDA":
		hook = "Lambda hook"
	}
	expires := d.ExpiresAt.Time()
	deadline := ""
	if !expires.IsZero() {
		deadline = expires.UTC().Format("2006-01-02 15:04:05 UTC")
		if !a.Time.IsZero() && expires.After(a.Time) {
			deadline += " (" + span(expires.Sub(a.Time)) + " after this event)"
		}
	}
	// The event does not carry the hook's timeout action; the post-mortem asks ECS for it.
	const timeoutAction = "the hook's timeout action (ROLLBACK unless the hook was configured to CONTINUE)"

	switch d.EventName {
	case event.HookAwaitingAction:
		// A decision is needed: nobody is paged by ECS, and at the deadline the deployment
		// rolls back (or goes on) without anyone having looked.
		a.Severity = alert.Warning
		a.Expires = expires
		a.Title = subject + ": " + dep + " paused at " + stage + ", waiting for a decision"
		if !expires.IsZero() {
			a.Title += " until " + expires.UTC().Format("2006-01-02 15:04 UTC")
		}
		a.Reason.Text = "A " + hook + " holds " + dep + " of " + subject + " at " + stage + " until someone continues it or rolls it back."
		if deadline != "" {
			a.Reason.Text += " It times out at " + deadline + "; then ECS applies " + timeoutAction + "."
		} else {
			a.Reason.Text += " When it times out, ECS applies " + timeoutAction + "."
		}
	case event.HookInProgress:
		a.Severity = alert.Info
		a.Title = subject + ": " + hook + " running at " + stage + " of " + dep
		a.Reason.Text = "ECS started the " + hook + " of " + dep + " at " + stage + "."
	case event.HookSucceeded:
		a.Severity = alert.Resolved
		if pause {
			a.Title = subject + ": " + dep + " continued past " + stage
			a.Reason.Text = "Someone continued " + dep + " past its pause at " + stage + "; the deployment goes on."
		} else {
			a.Title = subject + ": " + hook + " succeeded at " + stage + " of " + dep
			a.Reason.Text = "The " + hook + " of " + dep + " at " + stage + " succeeded; the deployment goes on."
		}
	case event.HookFailed:
		// Whether a person chose ROLLBACK or a Lambda hook failed, the deployment rolls back
		// (every hook of a stage must succeed).
		a.Severity = alert.Critical
		if pause {
			a.Title = subject + ": " + dep + " rolled back at " + stage
			a.Reason.Text = "Someone chose to roll back " + dep + " at its pause at " + stage + "; ECS rolls the whole deployment back."
		} else {
			a.Title = subject + ": " + hook + " failed at " + stage + "; " + dep + " rolls back"
			a.Reason.Text = "The " + hook + " of " + dep + " at " + stage + " failed; ECS rolls the whole deployment back."
		}
	case event.HookTimedOut:
		a.Severity = alert.Critical
		a.Title = subject + ": " + dep + " timed out at " + stage + ": nobody decided"
		a.Reason.Text = "Nobody continued or rolled back " + dep + " before its " + hook + " at " + stage + " expired"
		if !expires.IsZero() {
			a.Reason.Text += " at " + expires.UTC().Format("2006-01-02 15:04:05 UTC")
		}
		a.Reason.Text += ", so ECS applied " + timeoutAction + "."
	default:
		a.Severity = alert.Warning
		a.Title = subject + ": " + orDefault(d.EventName, "lifecycle hook state change") + " at " + stage
		a.Reason.Text = "ECS reported " + orDefault(d.EventName, "a lifecycle hook state change") + " for " + dep + " at " + stage + "."
	}
	a.Summary = serviceSummary(subject, a.Identity.Cluster, trimSubject(a.Title, subject))
	a.Facts = make([]alert.Fact, 0, 6) // at its size: two more while a decision is awaited
	a.Facts = append(a.Facts,
		fact("Cluster", a.Identity.Cluster),
		fact("Lifecycle stage", d.LifecycleStage),
		fact("Hook", strings.TrimSpace(d.HookType+" "+d.HookID)),
		fact("Service deployment", a.Identity.ServiceDeployment),
	)
	if d.EventName == event.HookAwaitingAction {
		a.Facts = append(a.Facts,
			fact("Times out", deadline),
			fact("To decide", "aws ecs continue-service-deployment with the service deployment ARN, the hook id and --action CONTINUE or ROLLBACK"))
	}
	a.Links = []alert.Link{
		link("Deployments", console.Deployments(a.Identity.Partition, a.Identity.Region, a.Identity.Cluster, a.Identity.Service)),
		link("Service", console.Service(a.Identity.Partition, a.Identity.Region, a.Identity.Cluster, a.Identity.Service)),
	}
	return a
}

func daemonServiceAction(a alert.Alert, ev event.EventBridge, d event.DaemonServiceAction) alert.Alert {
	for _, s := range append([]string{d.DaemonARN, d.ClusterARN, d.ContainerInstanceARN, d.TaskARN}, ev.Resources...) {
		applyARN(&a.Identity, s)
	}
	fillPartition(&a.Identity)
	if a.Time.IsZero() {
		a.Time = d.CreatedAt.Time()
	}
	a.Kind = alert.KindServiceAction
	a.Event = d.EventName
	subject := subjectOr(a.Identity, "ECS daemon")
	instance := "container instance " + orDefault(shortID(a.Identity.ContainerInstance), "(unknown)")
	taskDef := nameOf(d.DaemonTaskDefinitionARN)
	reason := orDefault(d.Reason, "no reason given")
	switch {
	case d.EventName != event.DaemonTaskStartImpaired:
		a.Severity = alert.Warning
		a.Title = subject + ": " + orDefault(d.EventName, "daemon service action")
		a.Reason.Text = "ECS reported " + orDefault(d.EventName, "a daemon service action") + ": " + reason + "."
	case d.FailureType == event.DaemonTaskFailedToRun:
		// The task was created and died before RUNNING: the cause is usually in the daemon's
		// task definition or image, so it repeats on every instance the daemon starts on.
		a.Severity = alert.Critical
		a.Title = subject + ": daemon task failed to run on " + instance
		// "Task failed to reach RUNNING status: CannotPullContainerError: …"
		if _, rest, ok := strings.Cut(d.Reason, ": "); ok {
			if m := errorCode().FindStringSubmatch(rest); m != nil {
				a.Title += " (" + m[1] + ")"
			}
		}
		a.Reason.Text = "A task of daemon " + subject + inParens(taskDef) + " failed to reach RUNNING on " + instance + ": " + reason + ". A failure to run usually lies in the daemon's task definition or image, so expect it on every instance the daemon starts on."
	case d.FailureType == event.DaemonTaskCreationFailed:
		// The instance has no room (or no fit) for the daemon: this instance goes without it.
		a.Severity = alert.Warning
		a.Title = subject + ": cannot start daemon task on " + instance
		code, _, _ := strings.Cut(d.Reason, " ")
		if strings.Contains(code, ":") {
			a.Title += " (" + code + ")"
		}
		a.Reason.Text = "ECS could not create a task of daemon " + subject + " on " + instance + ": " + reason + ". The instance runs without the daemon until it can be placed there."
	default:
		a.Severity = alert.Warning
		a.Title = subject + ": daemon task start impaired on " + instance
		a.Reason.Text = "A task of daemon " + subject + " could not start on " + instance + " (" + orDefault(d.FailureType, "no failure type") + "): " + reason + "."
	}
	a.Summary = daemonSummary(subject, a.Identity.Cluster, trimSubject(a.Title, subject))
	a.Facts = []alert.Fact{
		fact("Cluster", a.Identity.Cluster),
		fact("Container instance", a.Identity.ContainerInstance),
		fact("Failure type", d.FailureType),
		fact("Daemon task definition", taskDef),
		fact("Daemon revision", lastPart(d.DaemonRevisionARN)),
		fact("Capacity provider", d.CapacityProviderName),
	}
	a.Links = ecsLinks(a.Identity)
	if a.Identity.TaskID != "" {
		a.Links = append(a.Links, link("Cluster", console.Cluster(a.Identity.Partition, a.Identity.Region, a.Identity.Cluster)))
	}
	return a
}

// daemonDeploymentJudgement is how each daemon deployment state is told: severity and what
// happened. Only a failed rollback is critical: the daemon may be gone from instances, or left
// on the revision that failed.
var daemonDeploymentJudgement = map[string]struct {
	severity  alert.Severity
	what, why string
}{
	event.DaemonDeploymentPending:       {alert.Info, "daemon deployment pending", "A deployment of the daemon is waiting to start."},
	event.DaemonDeploymentInProgress:    {alert.Info, "daemon deployment started", "A deployment of the daemon is rolling out to the cluster's instances."},
	event.DaemonDeploymentSuccessful:    {alert.Resolved, "daemon deployment completed", "The daemon's new revision runs on the cluster's instances."},
	event.DaemonDeploymentStopRequested: {alert.Info, "daemon deployment stop requested", "Someone asked ECS to stop the daemon's deployment."},
	event.DaemonDeploymentStopped: {alert.Warning, "daemon deployment stopped before it finished",
		"The daemon's deployment stopped before it finished; instances may run different revisions of the daemon."},
	event.DaemonDeploymentRollbackInProgress: {alert.Warning, "daemon deployment failed, rolling back",
		"The daemon's deployment failed and ECS is rolling it back to the previous revision."},
	event.DaemonDeploymentRollbackSuccessful: {alert.Resolved, "daemon deployment rolled back",
		"ECS rolled the daemon back to its previous revision after the deployment failed."},
	event.DaemonDeploymentRollbackFailed: {alert.Critical, "daemon rollback failed",
		"The daemon's deployment failed and so did its rollback: instances may run the failed revision, or no daemon at all, until someone deploys a working revision."},
}

func daemonDeployment(a alert.Alert, ev event.EventBridge, d event.DaemonDeployment) alert.Alert {
	for _, s := range append([]string{d.DaemonARN, d.DaemonDeploymentARN, d.ClusterARN}, ev.Resources...) {
		applyARN(&a.Identity, s)
	}
	fillPartition(&a.Identity)
	if a.Time.IsZero() {
		a.Time = d.UpdatedAt.Time()
	}
	a.Kind = alert.KindDeployment
	a.Event = d.EventName
	a.Status = strings.TrimPrefix(d.EventName, "DAEMON_DEPLOYMENT_")
	subject := subjectOr(a.Identity, "ECS daemon")
	dep := lastPart(d.DaemonDeploymentARN)
	j, known := daemonDeploymentJudgement[d.EventName]
	if !known {
		j.severity, j.what = alert.Warning, orDefault(d.EventName, "daemon deployment state change")
		j.why = "ECS reported " + j.what + "."
	}
	a.Severity = j.severity
	a.Title = subject + ": " + j.what + inParens(dep)
	a.Reason.Deployment = d.Reason
	a.Reason.Text = j.why
	if d.Reason != "" {
		a.Reason.Text += " ECS says: " + d.Reason
	}
	a.Summary = daemonSummary(subject, a.Identity.Cluster, j.what)
	a.Facts = []alert.Fact{
		fact("Cluster", a.Identity.Cluster),
		fact("Daemon deployment", dep),
		fact("Target revision", lastPart(d.TargetDaemonRevisionARN)),
	}
	a.Links = []alert.Link{link("Cluster", console.Cluster(a.Identity.Partition, a.Identity.Region, a.Identity.Cluster))}
	return a
}

// healthCheckMeaning says what a failing container instance health check means for tasks.
var healthCheckMeaning = map[string]string{
	"CONTAINER_RUNTIME":   "the container runtime on the instance is not responding, so tasks there cannot be started or stopped reliably",
	"ACCELERATED_COMPUTE": "an accelerator (GPU) on the instance failed its check, so tasks that use it fail or run degraded",
	"DAEMON":              "a daemon task on the instance is unhealthy, so what it provides (logs, metrics, a proxy) is missing there",
	"AGENT_CONNECTIVITY":  "the ECS agent on the instance cannot reach ECS, so tasks cannot be placed or tracked there",
}

func containerInstanceHealth(a alert.Alert, ev event.EventBridge, d event.ContainerInstanceHealth) alert.Alert {
	for _, s := range append([]string{d.ClusterARN, d.ContainerInstanceARN}, ev.Resources...) {
		applyARN(&a.Identity, s)
	}
	fillPartition(&a.Identity)
	a.Identity.Resource = d.EC2InstanceID
	setIfEmpty(&a.Identity.Resource, a.Identity.ContainerInstance)
	a.Kind = alert.KindContainerInstance
	a.Event = d.OverallStatus
	a.Status = d.OverallStatus
	cluster := orDefault(a.Identity.Cluster, "ECS")
	instance := "container instance " + orDefault(a.Identity.Resource, "(unknown)")
	var failing, checks []string
	var meanings []string
	for _, c := range d.HealthChecks {
		s := c.Type + " " + c.Status
		if c.StatusReason != "" {
			s += " (" + c.StatusReason + ")"
		}
		checks = append(checks, s)
		if c.Status == event.HealthImpaired {
			f := c.Type
			if c.StatusReason != "" {
				f += " (" + c.StatusReason + ")"
			}
			failing = append(failing, f)
			if m, ok := healthCheckMeaning[c.Type]; ok {
				meanings = append(meanings, m)
			}
		}
		if t := c.LastStatusChange.Time(); a.Time.IsZero() && !t.IsZero() {
			a.Time = t
		}
	}
	switch d.OverallStatus {
	case event.HealthImpaired:
		a.Severity = alert.Warning
		a.Title = cluster + ": " + instance + " impaired"
		if len(failing) > 0 {
			a.Title += ": " + strings.Join(failing, ", ")
		}
		a.Reason.Text = "ECS reports the container instance IMPAIRED"
		if len(failing) > 0 {
			a.Reason.Text += ": " + strings.Join(failing, ", ") + " failed"
		}
		if len(meanings) > 0 {
			a.Reason.Text += "; " + strings.Join(meanings, "; ")
		}
		a.Reason.Text += "."
	case event.HealthOK:
		a.Severity = alert.Resolved
		a.Title = cluster + ": " + instance + " healthy again"
		a.Reason.Text = "Every health check of the container instance reports OK."
	case event.HealthInitializing, event.HealthInsufficientData:
		// A new instance's checks start here; nothing is wrong yet.
		a.Severity = alert.Info
		a.Title = cluster + ": " + instance + " health " + lower(strings.ReplaceAll(d.OverallStatus, "_", " "))
		a.Reason.Text = "The container instance's health checks report " + d.OverallStatus + ": not enough data to judge it yet."
	default:
		a.Severity = alert.Warning
		a.Title = cluster + ": " + instance + " health " + orDefault(d.OverallStatus, "unknown")
		a.Reason.Text = "ECS reports the container instance's health as " + orDefault(d.OverallStatus, "unknown") + "."
	}
	a.Summary = strings.TrimSuffix(a.Title, ".") + "."
	a.Facts = []alert.Fact{
		fact("Cluster", a.Identity.Cluster),
		fact("Container instance", a.Identity.ContainerInstance),
		fact("EC2 instance", d.EC2InstanceID),
		fact("Capacity provider", d.CapacityProviderName),
		fact("Health checks", strings.Join(checks, ", ")),
	}
	a.Links = []alert.Link{
		link("Cluster", console.Cluster(a.Identity.Partition, a.Identity.Region, a.Identity.Cluster)),
		link("EC2 instance", console.EC2Instance(a.Identity.Partition, a.Identity.Region, d.EC2InstanceID)),
	}
	return a
}

// runTask tells a RunTask call whose response lists failures: which task definition could not
// be run, where, and why. Standalone and scheduled tasks that never start produce no ECS event;
// this CloudTrail record is their only trace.
func runTask(a alert.Alert, d event.CloudTrail, who string) alert.Alert {
	req := d.RequestParameters
	applyARN(&a.Identity, req.Cluster)
	applyARN(&a.Identity, req.TaskDefinition)
	// An unnamed cluster is the default one, as ECS reads the call.
	setIfEmpty(&a.Identity.Cluster, orDefault(nameOf(req.Cluster), "default"))
	if a.Identity.TaskFamily == "" && req.TaskDefinition != "" {
		family, rev, _ := strings.Cut(req.TaskDefinition, ":")
		a.Identity.TaskFamily = family
		if n, err := strconv.Atoi(rev); err == nil {
			a.Identity.TaskRevision = n
		}
	}
	var failures []event.Failure
	started := 0
	if r := d.ResponseElements; r != nil {
		failures, started = r.Failures, len(r.Tasks)
	}
	if len(failures) == 1 {
		applyARN(&a.Identity, failures[0].ARN)
	}
	setIfEmpty(&a.Identity.Region, d.AWSRegion)
	setIfEmpty(&a.Identity.Account, d.RecipientAccountID)
	fillPartition(&a.Identity)
	a.Kind = alert.KindTaskLaunch
	a.Event = d.EventName
	asked := max(req.Count, 1)
	taskDef := orDefault(a.Identity.TaskDefinition(), orDefault(req.TaskDefinition, "a task definition"))
	where := "cluster " + a.Identity.Cluster
	if how := launchText(req); how != "" {
		where += " (" + how + ")"
	}
	a.Facts = []alert.Fact{
		fact("Cluster", a.Identity.Cluster),
		fact("Task definition", taskDef),
		fact("Called by", who),
		fact("Started by", req.StartedBy),
		fact("Launch", launchText(req)),
		fact("Tasks", strconv.Itoa(asked)+" asked, "+strconv.Itoa(started)+" started"),
	}
	a.Links = []alert.Link{link("Cluster", console.Cluster(a.Identity.Partition, a.Identity.Region, a.Identity.Cluster))}

	switch {
	case d.ErrorCode != "":
		a.Severity = alert.Warning
		a.Title = taskDef + ": " + a.Event + " failed (" + d.ErrorCode + ")"
		a.Reason.Text = who + " called " + a.Event + " for " + plural(asked, "task") + " of " + taskDef + " in " + where + ", and the call failed: " + d.ErrorCode + inParens(d.ErrorMessage) + "."
	case len(failures) == 0:
		a.Severity = alert.Info
		a.Title = taskDef + ": " + a.Event + " started " + plural(started, "task")
		a.Reason.Text = who + " called " + a.Event + " for " + plural(asked, "task") + " of " + taskDef + " in " + where + "; ECS started " + startedText(started) + "."
	default:
		// None started: the job did not run at all. Some started: it runs short-handed.
		a.Severity = alert.Critical
		if started > 0 {
			a.Severity = alert.Warning
		}
		if started == 0 {
			a.Title = taskDef + ": task not started in cluster " + a.Identity.Cluster
			if asked > 1 {
				a.Title = taskDef + ": none of " + strconv.Itoa(asked) + " tasks started in cluster " + a.Identity.Cluster
			}
		} else {
			a.Title = taskDef + ": " + strconv.Itoa(started) + " of " + strconv.Itoa(asked) + " tasks started in cluster " + a.Identity.Cluster
		}
		if r := failures[0].Reason; r != "" {
			a.Title += " (" + r + ")"
		}
		var why []string
		for i, f := range failures {
			if i == 3 {
				why = append(why, "and "+strconv.Itoa(len(failures)-3)+" more")
				break
			}
			why = append(why, failureText(f))
		}
		a.Reason.Text = who + " called " + a.Event + " for " + plural(asked, "task") + " of " + taskDef + " in " + where + "; ECS started " + startedText(started) + ": " + strings.Join(why, "; ") + "."
		a.Facts = append(a.Facts, fact("Failures", fmt.Sprint(len(failures))))
	}
	a.Summary = a.Reason.Text
	return a
}

// startedText says how many tasks started: "none", "1".
func startedText(n int) string {
	if n == 0 {
		return "none"
	}
	return strconv.Itoa(n)
}

// failureText says one RunTask failure: where, and why in words. A failure names the container
// instance (or capacity provider) it is about when there is one.
func failureText(f event.Failure) string {
	arn, ok := event.ParseARN(f.ARN)
	if !ok {
		return orDefault(placementReason(f.Reason), orDefault(f.Reason, "no reason given")) + inParens(f.Detail)
	}
	where := strings.ReplaceAll(arn.ResourceType(), "-", " ") + " " + shortID(lastPart(f.ARN))
	why := orDefault(f.Reason, "no reason given")
	switch r := f.Reason; {
	case strings.HasPrefix(r, "RESOURCE:"):
		what := strings.ToLower(strings.TrimPrefix(r, "RESOURCE:"))
		if what == "cpu" || what == "gpu" || what == "eni" {
			what = strings.ToUpper(what)
		}
		why = "not enough " + what + " (" + r + ")"
	case r == "AGENT":
		why = "its ECS agent is disconnected (AGENT)"
	case strings.HasPrefix(r, "ATTRIBUTE"):
		why = "it lacks an attribute the task requires (" + r + ")"
	case r == "MISSING":
		why = "not found (MISSING)"
	}
	if f.Detail != "" {
		why += " (" + f.Detail + ")"
	}
	return where + ": " + why
}

// launchText names how a RunTask call asked for capacity: a launch type or capacity providers.
func launchText(req event.CallRequest) string {
	if len(req.CapacityProviderStrategy) > 0 {
		var names []string
		for _, c := range req.CapacityProviderStrategy {
			names = append(names, c.CapacityProvider)
		}
		return "capacity provider " + strings.Join(names, ", ")
	}
	if req.LaunchType != "" {
		return "launch type " + req.LaunchType
	}
	return ""
}

// arnsIn returns the ARNs among the string values of a JSON document, in a stable order, at
// most 50: an ECS event of a kind the classifier does not know still names what it is about.
func arnsIn(raw json.RawMessage) []string {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return nil
	}
	var out []string
	var walk func(v any)
	walk = func(v any) {
		if len(out) >= 50 {
			return
		}
		switch x := v.(type) {
		case string:
			if strings.HasPrefix(x, "arn:") {
				out = append(out, x)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				walk(x[k])
			}
		}
	}
	walk(v)
	return out
}

// lastPart returns what follows the last "/" of an ARN: a deployment's or revision's id.
func lastPart(s string) string {
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// span says a duration the way a deadline is read: "10 min", "2 h", "3 days 4 h".
func span(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "under a minute"
	case d < time.Hour:
		return strconv.Itoa(int(d.Round(time.Minute)/time.Minute)) + " min"
	case d < 24*time.Hour:
		h := d.Round(time.Minute)
		if m := int(h%time.Hour) / int(time.Minute); m != 0 {
			return strconv.Itoa(int(h/time.Hour)) + " h " + strconv.Itoa(m) + " min"
		}
		return strconv.Itoa(int(h/time.Hour)) + " h"
	}
	days := int(d / (24 * time.Hour))
	hours := int(d % (24 * time.Hour) / time.Hour)
	s := plural(days, "day")
	if hours > 0 {
		s += " " + strconv.Itoa(hours) + " h"
	}
	return s
}

// daemonSummary is "ECS daemon <subject> in cluster <cluster>: <what>.", without the cluster
// when it is unknown, made in one piece.
func daemonSummary(subject, cluster, what string) string {
	if cluster != "" {
		return "ECS daemon " + subject + " in cluster " + cluster + ": " + what + "."
	}
	return "ECS daemon " + subject + ": " + what + "."
}
