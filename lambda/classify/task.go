package classify

import (
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/event"
	"github.com/foghornhq/foghorn/lambda/policy"
)

func taskStateChange(a alert.Alert, ev event.EventBridge, t event.Task) alert.Alert {
	for _, s := range []string{t.ClusterARN, t.TaskARN, t.TaskDefinitionARN, t.ContainerInstanceARN} {
		applyARN(&a.Identity, s)
	}
	for _, r := range ev.Resources {
		applyARN(&a.Identity, r)
	}
	a.Identity.Service = serviceFromGroup(t.Group)
	if strings.HasPrefix(t.StartedBy, "ecs-svc/") {
		a.Identity.DeploymentID = t.StartedBy
	}
	fillPartition(&a.Identity)
	if a.Time.IsZero() {
		for _, ts := range []event.Timestamp{t.UpdatedAt, t.StoppedAt, t.StoppingAt, t.ExecutionStoppedAt, t.StartedAt, t.CreatedAt} {
			if a.Time = ts.Time(); !a.Time.IsZero() {
				break
			}
		}
	}
	a.Group, a.StartedBy = t.Group, t.StartedBy
	a.Status, a.DesiredStatus = t.LastStatus, t.DesiredStatus
	a.Reason.StopCode, a.Reason.StoppedReason = t.StopCode, t.StoppedReason
	if len(t.Containers) > 0 {
		a.Reason.Containers = make([]alert.Container, 0, len(t.Containers))
	}
	for _, c := range t.Containers {
		a.Reason.Containers = append(a.Reason.Containers, alert.Container{
			Name: c.Name, Image: c.Image, ExitCode: c.ExitCode.Ptr(), Reason: c.Reason, Status: c.LastStatus,
		})
	}
	a.Facts = taskFacts(a.Identity, t)
	a.Links = ecsLinks(a.Identity)

	subject := subjectOr(a.Identity, "ECS task")
	spot := t.StopCode == event.StopCodeSpotInterruption || t.StopCode == event.StopCodeTerminationNotice
	stopped := t.LastStatus == "STOPPED" || (t.LastStatus == "" && t.DesiredStatus == "STOPPED" && t.StopCode != "")
	if !stopped && !spot {
		// The intermediate stopping states (DEACTIVATING, STOPPING, DEPROVISIONING) are task
		// states too: the STOPPED event that follows carries the whole story, once.
		a.Kind, a.Severity = alert.KindTaskState, alert.Info
		a.Event = t.LastStatus
		if a.Event == "" {
			a.Event = "TaskStateChange"
		}
		a.Title = subject + ": task " + strings.TrimSpace(shortID(a.Identity.TaskID)+" "+statusWord(t.LastStatus, t.DesiredStatus))
		a.Reason.Text = "The task moved to " + orUnknown(t.LastStatus) + " (desired " + orUnknown(t.DesiredStatus) + ")."
		a.Summary = taskSummary(a.Identity, "is "+orUnknown(t.LastStatus), "")
		if sidecar := exitedSidecar(t); sidecar != "" {
			a.Reason.Text = sidecar
		}
		return a
	}

	a.Kind = alert.KindTaskStopped
	a.Event = t.StopCode
	if a.Event == "" {
		a.Event = "TaskStopped"
	}
	v := judgeStop(t, a.Identity)
	a.Severity, a.Reason.Text = v.severity, v.why
	a.Title = subject + ": " + v.what
	a.Summary = taskSummary(a.Identity, v.verb, t.StoppedReason)
	return a
}

// verdict is what a stopped task amounts to.
type verdict struct {
	severity alert.Severity
	what     string // title after "<subject>: "
	why      string // Reason.Text
	verb     string // for the summary: "stopped", "failed to start", …
}

var (
	targetGroupName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`targetgroup/([^/\s)]+)`) })
	errorCode       = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([A-Z][A-Za-z]+Error)\b`) })
)

// judgeStop decides how bad a stopped task is from its stop code, stopped reason and the exit
// codes and reasons of its containers.
func judgeStop(t event.Task, id alert.Identity) verdict {
	c, hasCulprit := culprit(t.Containers)
	switch t.StopCode {
	case event.StopCodeSpotInterruption, event.StopCodeTerminationNotice:
		what := "Spot task interrupted"
		if t.LastStatus != "STOPPED" {
			what = "Spot task is being interrupted"
		}
		return verdict{alert.Warning, what,
			"AWS reclaimed the Spot capacity the task ran on (" + orDefault(t.StoppedReason, t.StopCode) + "); a service starts a replacement if capacity allows.",
			"was interrupted"}

	case event.StopCodeUserInitiated:
		return verdict{alert.Info, "task stopped by a user",
			"Someone stopped the task with StopTask: " + orDefault(t.StoppedReason, "no reason given") + ".", "was stopped by a user"}

	case event.StopCodeTaskFailedToStart:
		return failedToStart(t)

	case event.StopCodeServiceSchedulerInitiated:
		reason := t.StoppedReason
		switch {
		case policy.IsSchedulerReplacement(t.StopCode, reason):
			return verdict{alert.Info, "task replaced by the scheduler" + inParens(deploymentIn(reason)),
				"The ECS scheduler stopped a healthy task on purpose (" + reason + ").", "was replaced"}
		case strings.Contains(reason, "ELB health check"):
			why := "ECS stopped the task because it failed the load balancer's health checks"
			if m := targetGroupName().FindStringSubmatch(reason); m != nil {
				why += " in target group " + m[1]
			}
			return verdict{alert.Warning, "task failed ELB health checks", why + afterStop(t.Containers) + ".", "failed ELB health checks"}
		case strings.Contains(lower(reason), "container health check"):
			why := "ECS stopped the task because a container's health check failed"
			return verdict{alert.Warning, "task failed container health checks", why + afterStop(t.Containers) + ".", "failed container health checks"}
		}
		return verdict{alert.Warning, "task stopped by the ECS scheduler",
			"The ECS scheduler stopped the task: " + orDefault(reason, "no reason given") + afterStop(t.Containers) + ".", "was stopped by the scheduler"}

	case event.StopCodeEssentialContainerExited:
		if hasCulprit {
			return containerVerdict(c, id)
		}
		name := "its essential container"
		if len(t.Containers) > 0 {
			name = "container " + t.Containers[0].Name
		}
		if id.Service == "" && allExitedZero(t.Containers) {
			return verdict{alert.Info, "task completed",
				"Every container exited with code 0: the task ran to completion.", "completed"}
		}
		if allExitedZero(t.Containers) {
			// A service task is meant to keep running, so even a clean exit takes capacity away.
			return verdict{alert.Warning, name + " exited with code 0",
				"The essential " + strings.TrimPrefix(name, "its essential ") + " exited with code 0 although the task belongs to a service that expects it to keep running.", "exited"}
		}
		return verdict{alert.Critical, "essential container exited",
			"An essential container exited, so ECS stopped the task: " + orDefault(t.StoppedReason, "no reason given") + ".", "stopped"}
	}

	// No stop code (older events) or one ECS added later: judge by the containers.
	if hasCulprit {
		return containerVerdict(c, id)
	}
	if m := errorCode().FindStringSubmatch(t.StoppedReason); m != nil {
		return verdict{alert.Critical, "task stopped: " + m[1], "ECS stopped the task: " + t.StoppedReason + ".", "stopped"}
	}
	return verdict{alert.Warning, "task stopped",
		"ECS stopped the task: " + orDefault(t.StoppedReason, "no reason given") + afterStop(t.Containers) + ".", "stopped"}
}

// containerVerdict describes a task stopped because of one container's exit.
func containerVerdict(c event.Container, id alert.Identity) verdict {
	name := "container " + c.Name
	if isOOM(c) {
		return verdict{alert.Critical, name + " killed: out of memory",
			"Container " + c.Name + " used more memory than its limit and was killed (" + c.Reason + exitSuffix(c) + ").", "was killed for running out of memory"}
	}
	if !c.ExitCode.Known {
		return verdict{alert.Critical, name + " stopped: " + errorName(c.Reason),
			"Container " + c.Name + " stopped: " + c.Reason + ".", "stopped"}
	}
	code := c.ExitCode.N
	what := name + " exited with code " + strconv.Itoa(code)
	if sig := signalName(code); sig != "" {
		what = name + " exited with code " + strconv.Itoa(code) + " (" + sig + ")"
	}
	return verdict{alert.Critical, what, "Essential container " + c.Name + " " + exitMeaning(c) + ", so ECS stopped the task.", "stopped"}
}

// failedToStart describes a TaskFailedToStart stop: the task never ran, usually because its
// image, secrets or log configuration could not be fetched.
func failedToStart(t event.Task) verdict {
	reason := t.StoppedReason
	image := ""
	for _, c := range t.Containers {
		if c.Reason != "" && (reason == "" || errorCode().FindString(reason) == "") {
			reason = c.Reason
		}
		if strings.Contains(c.Reason, "CannotPullContainerError") || (image == "" && c.Image != "") {
			image = c.Image
		}
	}
	if strings.Contains(t.StoppedReason, "CannotPullContainerError") {
		reason = t.StoppedReason
	}
	what := "task failed to start"
	switch {
	case strings.Contains(reason, "CannotPullContainerError"):
		what += ": cannot pull image"
		if image != "" {
			what += " " + shortImage(image)
		}
	case strings.Contains(reason, "ResourceInitializationError"):
		switch r := lower(reason); {
		case strings.Contains(r, "secret"):
			what += ": cannot fetch secrets"
		case strings.Contains(r, "registry auth"):
			what += ": cannot fetch registry credentials"
		case strings.Contains(r, "log"):
			what += ": cannot set up logging"
		default:
			what += ": cannot initialise task resources"
		}
	case strings.Contains(reason, "CannotStartContainerError"):
		what += ": container cannot start"
	case errorCode().MatchString(reason):
		what += ": " + errorCode().FindStringSubmatch(reason)[1]
	}
	return verdict{alert.Critical, what, "The task never started: " + orDefault(reason, "no reason given") + ".", "failed to start"}
}

// culprit picks the container that explains a stop: one killed for memory, else one that
// exited non-zero, else one with a reason.
func culprit(cs []event.Container) (event.Container, bool) {
	for _, c := range cs {
		if isOOM(c) {
			return c, true
		}
	}
	for _, c := range cs {
		if c.ExitCode.Known && c.ExitCode.N != 0 {
			return c, true
		}
	}
	for _, c := range cs {
		if c.Reason != "" {
			return c, true
		}
	}
	return event.Container{}, false
}

func isOOM(c event.Container) bool {
	return strings.Contains(c.Reason, "OutOfMemory") || strings.Contains(lower(c.Reason), "out of memory")
}

func allExitedZero(cs []event.Container) bool {
	exited := false
	for _, c := range cs {
		if c.ExitCode.Known {
			if c.ExitCode.N != 0 {
				return false
			}
			exited = true
		}
	}
	return exited
}

// signalName names the signal behind an exit code of 128+n.
func signalName(code int) string {
	switch code {
	case 137:
		return "SIGKILL"
	case 143:
		return "SIGTERM"
	case 139:
		return "SIGSEGV"
	case 134:
		return "SIGABRT"
	case 130:
		return "SIGINT"
	}
	return ""
}

// exitMeaning says in words how a container ended.
func exitMeaning(c event.Container) string {
	if !c.ExitCode.Known {
		return "stopped without an exit code"
	}
	code := c.ExitCode.N
	var s string
	switch code {
	case 137:
		s = "was killed with SIGKILL (exit 137): it did not stop within the stop timeout after SIGTERM, or something else killed it; no out-of-memory reason was reported"
	case 143:
		s = "exited on SIGTERM (exit 143): it was asked to stop"
	case 139:
		s = "crashed with a segmentation fault (exit 139, SIGSEGV)"
	case 134:
		s = "aborted (exit 134, SIGABRT)"
	case 126:
		s = "could not run its command (exit 126: not executable)"
	case 127:
		s = "could not find its command (exit 127)"
	default:
		s = "exited with code " + strconv.Itoa(code)
	}
	if c.Reason != "" {
		s += " (" + c.Reason + ")"
	}
	return s
}

// afterStop says how the containers ended once ECS stopped the task, when that adds anything.
func afterStop(cs []event.Container) string {
	var parts []string
	for _, c := range cs {
		if c.ExitCode.Known {
			p := c.Name + " exited with code " + strconv.Itoa(c.ExitCode.N)
			if sig := signalName(c.ExitCode.N); sig != "" {
				p += " (" + sig + ")"
			}
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "; then " + strings.Join(parts, ", ")
}

func exitSuffix(c event.Container) string {
	if !c.ExitCode.Known {
		return ""
	}
	return ", exit " + strconv.Itoa(c.ExitCode.N)
}

// exitedSidecar describes a non-essential container that exited while its task runs on.
func exitedSidecar(t event.Task) string {
	for _, c := range t.Containers {
		if c.LastStatus == "STOPPED" && c.ExitCode.Known {
			return "The task is " + orUnknown(t.LastStatus) + "; its container " + c.Name + " " + exitMeaning(c) + "."
		}
	}
	return ""
}

func errorName(reason string) string {
	if m := errorCode().FindStringSubmatch(reason); m != nil {
		return m[1]
	}
	return shorten(reason, 60)
}

// deploymentIn finds "ecs-svc/…" in a scheduler reason.
func deploymentIn(reason string) string {
	i := strings.Index(reason, "ecs-svc/")
	if i < 0 {
		return ""
	}
	end := strings.IndexAny(reason[i:], ") ")
	if end < 0 {
		return "deployment " + reason[i:]
	}
	return "deployment " + reason[i:i+end]
}

// shortImage drops the registry host from an image reference: the repository and tag are what a
// person recognises.
func shortImage(image string) string {
	if i := strings.LastIndex(image, "/"); i >= 0 {
		return image[i+1:]
	}
	return image
}

func statusWord(last, desired string) string {
	switch {
	case last == "":
		return "changed state"
	case desired != "" && desired != last:
		return "is " + last + " (desired " + desired + ")"
	}
	return "is " + last
}

func taskSummary(id alert.Identity, verb, reason string) string {
	// Written part by part into a builder of the summary's size: one string is made.
	var b strings.Builder
	b.Grow(len("Task  of service  in cluster  : .") + len(shortID(id.TaskID)) + len(id.Service) + len(id.TaskFamily) + 12 +
		len(id.Cluster) + len(verb) + len(reason))
	b.WriteString("Task")
	if id.TaskID != "" {
		b.WriteString(" ")
		b.WriteString(shortID(id.TaskID))
	}
	switch {
	case id.Service != "":
		b.WriteString(" of service ")
		b.WriteString(id.Service)
	case id.TaskFamily != "":
		b.WriteString(" of ")
		b.WriteString(id.TaskFamily)
		if id.TaskRevision != 0 {
			b.WriteString(":")
			b.WriteString(strconv.Itoa(id.TaskRevision))
		}
	}
	if id.Cluster != "" {
		b.WriteString(" in cluster ")
		b.WriteString(id.Cluster)
	}
	b.WriteString(" ")
	b.WriteString(verb)
	if reason != "" {
		b.WriteString(": ")
		b.WriteString(strings.TrimRight(reason, "."))
	}
	b.WriteString(".")
	return b.String()
}

func taskFacts(id alert.Identity, t event.Task) []alert.Fact {
	// The list is made at its size: at most eight facts.
	facts := make([]alert.Fact, 0, 8)
	facts = append(facts,
		fact("Cluster", id.Cluster),
		fact("Task definition", id.TaskDefinition()),
		fact("Task", id.TaskID),
	)
	if id.DeploymentID != "" {
		facts = append(facts, fact("Deployment", id.DeploymentID))
	} else if t.StartedBy != "" {
		facts = append(facts, fact("Started by", t.StartedBy))
	}
	if exits := exitCodes(t.Containers); exits != "" {
		facts = append(facts, fact("Exit codes", exits))
	}
	launch := t.LaunchType
	if t.CapacityProviderName != "" {
		launch = strings.TrimSpace(launch + " " + inParens(t.CapacityProviderName))
	}
	facts = append(facts, fact("Launch type", launch), fact("Availability zone", t.AvailabilityZone))
	if id.ContainerInstance != "" {
		facts = append(facts, fact("Container instance", id.ContainerInstance))
	}
	return facts
}

// exitCodes lists, when more than one container has one, each container's exit code (or,
// without one, its error): "app 1, envoy 0". It is written into one buffer.
func exitCodes(cs []event.Container) string {
	n := 0
	for _, c := range cs {
		if c.ExitCode.Known || c.Reason != "" {
			n++
		}
	}
	if n < 2 {
		return ""
	}
	b := make([]byte, 0, 16*n)
	for _, c := range cs {
		if !c.ExitCode.Known && c.Reason == "" {
			continue
		}
		if len(b) > 0 {
			b = append(b, ", "...)
		}
		b = append(b, c.Name...)
		b = append(b, ' ')
		if c.ExitCode.Known {
			b = strconv.AppendInt(b, int64(c.ExitCode.N), 10)
		} else {
			b = append(b, errorName(c.Reason)...)
		}
	}
	return string(b)
}

func inParens(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

func orDefault(s, def string) string {
	if s = strings.TrimRight(strings.TrimSpace(s), "."); s == "" {
		return def
	}
	return s
}

func orUnknown(s string) string { return orDefault(s, "an unknown state") }
