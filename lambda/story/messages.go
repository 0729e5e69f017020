package story

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/foghornhq/foghorn/lambda/alert"
)

// base is the part every story message shares: identity, the last failure's containers and
// links, and the story's facts.
func (t *Tracker) base(s *Story) alert.Alert {
	a := alert.Alert{Source: "foghorn", Kind: alert.KindCrashLoop, Identity: s.Identity, Count: s.Total}
	if lf := s.LastFailure; lf != nil {
		a.Identity = lf.Identity
		a.Reason.Containers = lf.Reason.Containers
		a.Reason.StopCode = lf.Reason.StopCode
		a.Reason.StoppedReason = lf.Reason.StoppedReason
		// Clipped: a story's messages share the last failure's links (a story kept as a
		// value is read without a copy), and a log tail appends to a message's own.
		a.Links = slices.Clip(lf.Links)
		a.Group, a.StartedBy = lf.Group, lf.StartedBy
		a.Time = lf.Time
		// The small print names the AWS event behind the message: the last failure's.
		a.Origin = lf.Origin
	}
	if s.Deployment != "" {
		a.Identity.DeploymentID = s.Deployment
	}
	a.Facts = t.facts(s)
	if s.Acked != nil {
		a.AckedBy = s.Acked.By
	}
	return a
}

func (t *Tracker) facts(s *Story) []alert.Fact {
	var f []alert.Fact
	add := func(label, value string) {
		if value != "" {
			f = append(f, alert.Fact{Label: label, Value: value})
		}
	}
	add("Cluster", s.Identity.Cluster)
	add("Task definition", s.FromRevision)
	if lf := s.LastFailure; lf != nil {
		for _, c := range lf.Reason.Containers {
			if c.Image != "" && c.ExitCode != nil && *c.ExitCode != 0 {
				add("Image", c.Image)
				break
			}
		}
	}
	add("Deployment", s.Deployment)
	add("Failures", causes(s.Causes))
	add("New log patterns", patternNotes(s.NewPatterns))
	if !s.First.IsZero() {
		add("Since", s.First.UTC().Format("2006-01-02 15:04:05 UTC"))
	}
	if n := len(s.Failures); n > 0 {
		add("Last failure", s.Failures[n-1].Time.UTC().Format("2006-01-02 15:04:05 UTC"))
	}
	if ack := s.Acked; ack != nil {
		add("Acknowledged", "by @"+ack.By+" at "+ack.At.UTC().Format("2006-01-02 15:04 UTC"))
	}
	return f
}

// span says how long failures have been going on: "in 6 min".
func (s *Story) span() string {
	if n := len(s.Failures); n > 0 {
		d := s.Failures[n-1].Time.Sub(s.First)
		switch {
		case d < time.Minute:
			return "within a minute"
		case d < time.Hour:
			return fmt.Sprintf("in %d min", int(d.Round(time.Minute)/time.Minute))
		default:
			return fmt.Sprintf("in %s", d.Round(time.Minute))
		}
	}
	return ""
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// ofDeployment reports whether the story's failures are tasks of a deployment seen in
// progress. Tasks of a deployment that completed long ago crash-loop for other reasons, and
// blaming the deployment would mislead.
func (s *Story) ofDeployment() bool {
	return s.Deployment != "" && s.LastFailure != nil && s.LastFailure.StartedBy == s.Deployment &&
		(s.DeploymentState == "IN_PROGRESS" || s.DeploymentState == "FAILED")
}

// crashAlert is the story as one message: announcement, digest, or the state to edit in.
// announced is the id of the event that announced it, which names the message for good.
func (t *Tracker) crashAlert(s *Story, key, announced string) alert.Alert {
	a := t.base(s)
	a.Event = "CRASH_LOOP"
	a.Severity = alert.Critical
	a.EventID = "crashloop:" + key + ":" + announced
	svc := s.Identity.Service
	failed := plural(s.Total, "task failed", "tasks failed")
	if s.ofDeployment() {
		a.Title = fmt.Sprintf("%s: deployment %s of %s is failing: %s", svc, s.Deployment, orService(s.FromRevision, svc), failed)
		a.Summary = fmt.Sprintf("%s is crash-looping since deployment %s of %s: %s %s (%s).", svc, s.Deployment, orService(s.FromRevision, svc), failed, s.span(), causes(s.Causes))
	} else {
		a.Title = fmt.Sprintf("%s is crash-looping: %s %s", svc, failed, s.span())
		a.Summary = fmt.Sprintf("%s is crash-looping: %s %s (%s).", svc, failed, s.span(), causes(s.Causes))
	}
	a.Reason.Text = t.reasonText(s)
	return a
}

// reasonText says what keeps failing and, from the last failure, why.
func (t *Tracker) reasonText(s *Story) string {
	var b strings.Builder
	have := "have"
	if s.Total == 1 {
		have = "has"
	}
	fmt.Fprintf(&b, "%s of %s %s failed since %s (%s).", plural(s.Total, "task", "tasks"), orService(s.FromRevision, s.Identity.Service), have,
		s.First.UTC().Format("15:04 UTC"), causes(s.Causes))
	if lf := s.LastFailure; lf != nil && lf.Reason.Text != "" {
		b.WriteString(" Last: " + lf.Reason.Text)
	}
	if s.Pending > 0 {
		fmt.Fprintf(&b, " %s since the last message.", plural(s.Pending, "more failure", "more failures"))
	}
	return b.String()
}

// foldReply is the thread reply (or digest detail) listing the failures a batch added.
func (t *Tracker) foldReply(s *Story, folded []Input) alert.Alert {
	a := t.base(s)
	a.Event = "CRASH_LOOP_FAILURES"
	a.Severity = alert.Critical
	last := folded[len(folded)-1].Alert
	a.Origin = last.Origin
	a.EventID = "fold:" + last.EventID
	counts := map[string]int{}
	for _, f := range folded {
		counts[Cause(&f.Alert)]++
	}
	a.Title = fmt.Sprintf("%s: %s more (%s)", s.Identity.Service, plural(len(folded), "task failed", "tasks failed"), causes(counts))
	a.Summary = fmt.Sprintf("%s: %s more; %d in all.", s.Identity.Service, plural(len(folded), "task failed", "tasks failed"), s.Total)
	a.Reason = last.Reason
	a.Facts = nil
	a.Count = len(folded)
	a.Time = last.Time
	return a
}

// deploymentFailedAlert is a deployment failure told with the failures that caused it.
func (t *Tracker) deploymentFailedAlert(s *Story, ev alert.Alert) alert.Alert {
	a := t.base(s)
	a.EventID = ev.EventID
	a.Kind = alert.KindDeployment
	a.Event = ev.Event
	a.Origin = ev.Origin
	a.Severity = alert.Critical
	a.Status = ev.Status
	a.Time = ev.Time
	a.Links = ev.Links
	svc := s.Identity.Service
	from := orService(s.FromRevision, svc)
	rollback := ""
	if s.RollbackTo != "" || strings.Contains(ev.Reason.Deployment, "circuit breaker") {
		rollback = "; rolling back to " + firstNonEmpty(s.ToRevision, s.RollbackTo, "the last completed deployment")
	}
	a.Title = fmt.Sprintf("%s: deployment %s of %s failed%s", svc, s.Deployment, from, rollback)
	a.Summary = fmt.Sprintf("Deployment %s of %s failed: %s (%s)%s.", s.Deployment, from, plural(s.Total, "task failed", "tasks failed"), causes(s.Causes), rollback)
	if s.Announced != nil {
		// The crash loop's message already showed the logs and the task; this one tells the end.
		a.Identity.TaskID = ""
	}
	a.Reason.Deployment = ev.Reason.Deployment
	a.Reason.Text = strings.TrimSpace(ev.Reason.Deployment + " " + t.reasonText(s))
	return a
}

// resolvedAlert ends the story.
func (t *Tracker) resolvedAlert(s *Story, key string, ev alert.Alert, how string) alert.Alert {
	a := t.base(s)
	a.EventID = "resolved:" + key + ":" + ev.EventID
	a.Event = "RECOVERED"
	a.Origin = ev.Origin
	a.Severity = alert.Resolved
	a.Time = ev.Time
	a.Reason.Containers = nil
	a.Reason.StopCode, a.Reason.StoppedReason = "", ""
	svc := s.Identity.Service
	switch {
	case s.DeploymentState == "FAILED" || s.RollbackTo != "":
		a.Title = fmt.Sprintf("%s: rolled back to %s; steady again", svc, firstNonEmpty(s.ToRevision, s.RollbackTo, "the last completed deployment"))
	case how != "":
		a.Title = fmt.Sprintf("%s recovered: %s", svc, how)
	default:
		a.Title = fmt.Sprintf("%s recovered: deployment %s completed", svc, firstNonEmpty(ev.Identity.DeploymentID, s.Deployment))
	}
	a.Summary = fmt.Sprintf("%s. %s between %s and %s (%s).", a.Title, plural(s.Total, "task failed", "tasks failed"),
		s.First.UTC().Format("15:04"), lastTime(s).UTC().Format("15:04 UTC"), causes(s.Causes))
	a.Reason.Text = a.Summary
	if len(ev.Links) > 0 {
		a.Links = ev.Links
	}
	return a
}

func lastTime(s *Story) time.Time {
	if n := len(s.Failures); n > 0 {
		return s.Failures[n-1].Time
	}
	return s.First
}

func orService(taskDef, service string) string {
	if taskDef != "" {
		return taskDef
	}
	return service
}
