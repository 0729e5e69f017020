package classify

import (
	"strings"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/console"
	"github.com/foghornhq/foghorn/lambda/event"
)

func health(a alert.Alert, ev event.EventBridge, d event.Health) alert.Alert {
	a.Kind = alert.KindHealth
	a.Severity = alert.Warning
	a.Event = orDefault(d.EventTypeCode, "AWS_HEALTH_EVENT")
	a.Status = d.StatusCode
	if d.StatusCode == "closed" {
		a.Severity = alert.Resolved
	}
	setIfEmpty(&a.Identity.Region, d.EventRegion)
	if a.Time.IsZero() {
		a.Time = d.StartTime.Time()
	}

	// ECS events name their tasks in affectedEntities (task ARNs) and their services in
	// resources as "cluster|service".
	ecs := d.Service == "ECS" || strings.HasPrefix(d.EventTypeCode, "AWS_ECS_")
	var services, tasks, others []string
	for _, r := range ev.Resources {
		if cluster, service, ok := strings.Cut(r, "|"); ok && ecs {
			if a.Identity.Cluster == "" {
				a.Identity.Cluster, a.Identity.Service = cluster, service
			}
			services = appendNew(services, service)
			continue
		}
		others = appendNew(others, r)
	}
	for _, e := range d.AffectedEntities {
		v := orDefault(e.EntityValue, e.EntityARN)
		if arn, ok := event.ParseARN(v); ok && arn.Service == "ecs" && arn.ResourceType() == "task" {
			var id alert.Identity
			applyARN(&id, v)
			setIfEmpty(&a.Identity.Cluster, id.Cluster)
			setIfEmpty(&a.Identity.Partition, id.Partition)
			setIfEmpty(&a.Identity.Account, id.Account)
			tasks = appendNew(tasks, id.TaskID)
			continue
		}
		others = appendNew(others, v)
	}
	if a.Identity.Service == "" && len(others) > 0 {
		a.Identity.Resource = others[0]
	}
	if len(tasks) == 1 {
		a.Identity.TaskID = tasks[0]
	}
	fillPartition(&a.Identity)

	what := humanCode(d.EventTypeCode, d.Service)
	subject := subjectOr(a.Identity, orDefault(d.Service, "AWS"))
	switch {
	case d.EventTypeCode == "AWS_ECS_TASK_PATCHING_RETIREMENT":
		what = "tasks scheduled for retirement (Fargate patching)"
		if len(tasks) > 0 {
			what = plural(len(tasks), "task") + " scheduled for retirement (Fargate patching)"
		}
	case ecs:
		what = "ECS health event: " + what
	default:
		what = strings.TrimSpace(d.Service+" "+category(d.EventTypeCategory)) + ": " + what
	}
	a.Title = subject + ": " + what
	desc := d.Description()
	a.Reason.Text = firstSentence(strings.ReplaceAll(desc, `\n`, " "))
	if a.Reason.Text == "" {
		a.Reason.Text = "AWS Health reported " + a.Event + "."
	}
	a.Summary = "AWS Health: " + a.Title + "."
	if d.StartTime != "" {
		if t := d.StartTime.Time(); !t.IsZero() {
			a.Summary = "AWS Health: " + a.Title + ", from " + t.Format("2006-01-02 15:04 UTC") + "."
		}
	}
	affected := append(append(services, tasks...), others...)
	more := ""
	if len(affected) > 5 {
		more = " and " + plural(len(affected)-5, "more")
		affected = affected[:5]
	}
	a.Facts = []alert.Fact{
		fact("Event type", d.EventTypeCode),
		fact("Category", d.EventTypeCategory),
		fact("Status", d.StatusCode),
		fact("Starts", healthTime(d.StartTime)),
		fact("Ends", healthTime(d.EndTime)),
		fact("Cluster", a.Identity.Cluster),
		fact("Affected", strings.Join(affected, ", ")+more),
		fact("Region", a.Identity.Region),
	}
	if a.Identity.Service != "" {
		a.Links = []alert.Link{link("Service", console.Service(a.Identity.Partition, a.Identity.Region, a.Identity.Cluster, a.Identity.Service))}
	}
	return a
}

func healthTime(ts event.Timestamp) string {
	if t := ts.Time(); !t.IsZero() {
		return t.Format("2006-01-02 15:04 UTC")
	}
	return ""
}

// humanCode turns AWS_EC2_INSTANCE_STORE_DRIVE_PERFORMANCE_DEGRADED into "instance store drive
// performance degraded".
func humanCode(code, service string) string {
	s := strings.TrimPrefix(code, "AWS_")
	if service != "" {
		s = strings.TrimPrefix(s, strings.ToUpper(service)+"_")
	}
	s = strings.ToLower(strings.ReplaceAll(s, "_", " "))
	return orDefault(s, "health event")
}

func category(c string) string {
	switch c {
	case "issue":
		return "issue"
	case "scheduledChange":
		return "scheduled change"
	case "accountNotification":
		return "notification"
	}
	return c
}

func appendNew(list []string, s string) []string {
	if s == "" {
		return list
	}
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
