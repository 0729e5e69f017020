package classify

import (
	"strconv"
	"strings"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/event"
)

func scalingActivity(a alert.Alert, ev event.EventBridge, d event.ScalingActivity) alert.Alert {
	for _, r := range ev.Resources {
		applyARN(&a.Identity, r)
	}
	if cluster, service, ok := serviceFromResourceID(d.ResourceID); ok && (d.ServiceNamespace == "ecs" || d.ServiceNamespace == "") {
		a.Identity.Cluster, a.Identity.Service = cluster, service
	} else {
		a.Identity.Resource = d.ResourceID
	}
	fillPartition(&a.Identity)
	if a.Time.IsZero() {
		a.Time = d.EndTime.Time()
	}
	a.Kind = alert.KindScaling
	a.Severity = alert.Info
	a.Event = "SCALING_ACTIVITY"
	a.Origin = ev.DetailType // SCALING_ACTIVITY and SCALED_TO_MAX are the notifier's words
	a.Status = d.StatusCode
	if d.ScaledToMax {
		// At its maximum the target cannot absorb more load: someone may need to raise it.
		a.Severity, a.Event = alert.Warning, "SCALED_TO_MAX"
	}
	if d.StatusCode != "" && d.StatusCode != "Successful" {
		a.Severity = alert.Warning
	}
	subject := subjectOr(a.Identity, "Auto Scaling target")
	if d.NewDesiredCapacity != nil && d.OldDesiredCapacity != nil {
		a.Scaling = &alert.Scaling{From: *d.OldDesiredCapacity, To: *d.NewDesiredCapacity, Min: deref(d.MinCapacity), Max: deref(d.MaxCapacity)}
		a.Title = scaledTitle(subject, a.Scaling)
	} else {
		a.Title = subject + ": scaling activity " + orDefault(d.StatusCode, "reported")
		if d.ScaledToMax {
			a.Title = subject + ": scaled to its maximum"
		}
	}
	a.Reason.Text = "Application Auto Scaling scaled " + subject
	if a.Scaling != nil {
		a.Reason.Text += " " + orDefault(strings.TrimPrefix(d.Direction, "scale-"), "out") + " from " + strconv.Itoa(a.Scaling.From) + " to " + strconv.Itoa(a.Scaling.To)
	}
	if d.ScaledToMax {
		a.Reason.Text += ", its maximum capacity; it cannot add more until the maximum is raised"
	}
	a.Reason.Text += "."
	a.Summary = a.Reason.Text
	bounds := ""
	if d.MinCapacity != nil && d.MaxCapacity != nil {
		bounds = strconv.Itoa(*d.MinCapacity) + " – " + strconv.Itoa(*d.MaxCapacity)
	}
	a.Facts = []alert.Fact{
		fact("Cluster", a.Identity.Cluster),
		fact("Dimension", d.ScalableDimension),
		fact("Capacity range", bounds),
		fact("Status", d.StatusCode),
	}
	a.Links = ecsLinks(a.Identity)
	return a
}

// scaledTitle says "checkout-api scaled 4 → 7", adding "(max 8)" when it reached the maximum.
func scaledTitle(subject string, s *alert.Scaling) string {
	t := subject + " scaled " + strconv.Itoa(s.From) + " → " + strconv.Itoa(s.To)
	if s.Max > 0 && s.To >= s.Max {
		t += " (max " + strconv.Itoa(s.Max) + ")"
	}
	return t
}

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// cloudTrail reads "AWS API Call via CloudTrail" events for ECS. UpdateService with a desired
// count is how Application Auto Scaling (or a person) scales a service; other calls are
// reported as service actions.
func cloudTrail(a alert.Alert, ev event.EventBridge, d event.CloudTrail) alert.Alert {
	req := d.RequestParameters
	var svc struct{ arn, name, cluster string }
	if r := d.ResponseElements; r != nil {
		svc.arn, svc.name, svc.cluster = r.Service.ServiceARN, r.Service.ServiceName, r.Service.ClusterARN
	}
	for _, s := range []string{svc.arn, svc.cluster, req.Service, req.Cluster} {
		applyARN(&a.Identity, s)
	}
	setIfEmpty(&a.Identity.Service, orDefault(svc.name, nameOf(req.Service)))
	if req.Cluster != "" {
		setIfEmpty(&a.Identity.Cluster, nameOf(req.Cluster))
	}
	setIfEmpty(&a.Identity.Region, d.AWSRegion)
	setIfEmpty(&a.Identity.Account, d.RecipientAccountID)
	fillPartition(&a.Identity)
	if a.Time.IsZero() {
		a.Time = d.EventTime.Time()
	}
	if a.EventID == "" {
		a.EventID = d.EventID
	}
	a.Event = orDefault(d.EventName, "APICall")
	who := caller(d)
	subject := subjectOr(a.Identity, "ECS service")
	a.Facts = []alert.Fact{fact("Cluster", a.Identity.Cluster), fact("Called by", who)}
	a.Links = ecsLinks(a.Identity)

	if d.EventName == "RunTask" {
		return runTask(a, d, who)
	}
	if d.EventName != "UpdateService" || req.DesiredCount == nil {
		a.Kind, a.Severity = alert.KindServiceAction, alert.Info
		a.Title = subject + ": " + a.Event + " by " + who
		a.Reason.Text = who + " called " + a.Event + "."
		if d.ErrorCode != "" {
			a.Severity = alert.Warning
			a.Reason.Text = who + " called " + a.Event + ", which failed: " + d.ErrorCode + inParens(d.ErrorMessage) + "."
		}
		a.Summary = a.Reason.Text
		return a
	}

	a.Kind, a.Severity = alert.KindScaling, alert.Info
	to := *req.DesiredCount
	running := -1
	if r := d.ResponseElements; r != nil && r.Service.RunningCount != nil {
		running = *r.Service.RunningCount
	}
	if running >= 0 {
		// The response describes the service as the call left it: runningCount is still the
		// number of tasks before the new desired count takes effect.
		a.Scaling = &alert.Scaling{From: running, To: to}
		a.Title = scaledTitle(subject, a.Scaling)
		a.Reason.Text = who + " set the desired count to " + strconv.Itoa(to) + " with " + plural(running, "task") + " running."
	} else {
		a.Scaling = nil
		a.Title = subject + ": desired count set to " + strconv.Itoa(to)
		a.Reason.Text = who + " set the desired count to " + strconv.Itoa(to) + "."
	}
	if d.ErrorCode != "" {
		a.Severity = alert.Warning
		a.Scaling = nil
		a.Title = subject + ": scaling to " + strconv.Itoa(to) + " failed (" + d.ErrorCode + ")"
		a.Reason.Text = who + " tried to set the desired count to " + strconv.Itoa(to) + " and failed: " + d.ErrorCode + inParens(d.ErrorMessage) + "."
	}
	a.Summary = a.Reason.Text
	a.Facts = append(a.Facts, fact("Desired count", strconv.Itoa(to)))
	return a
}

// caller names who made a CloudTrail-recorded call.
func caller(d event.CloudTrail) string {
	if d.ByApplicationAutoScaling() {
		return "Application Auto Scaling"
	}
	id := d.UserIdentity
	for _, s := range []string{id.UserName, id.SessionContext.SessionIssuer.UserName, id.InvokedBy} {
		if s != "" {
			return s
		}
	}
	if a, ok := event.ParseARN(id.ARN); ok {
		var buf [4]string
		if p := a.AppendResourcePath(buf[:0]); len(p) > 0 {
			return strings.Join(p, "/")
		}
	}
	return orDefault(id.Type, "someone")
}
