package deployments

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/foghornhq/foghorn/lambda/awsjson/ecs"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/console"
	"github.com/foghornhq/foghorn/lambda/event"
)

// The deployment post-mortem: when a deployment fails, rolls back, or is held by a lifecycle
// hook, ask ECS's service deployments API what a responder needs — the strategy, the source
// and target revisions, the lifecycle stage reached, the circuit breaker's failure count
// against its threshold, the alarms that triggered the rollback, a pause's timeout action.
// DescribeServices stays (Lookup) for what this API cannot answer: the task definition each
// deployment runs.

// ServiceDeploymentsAPI is what the post-mortem calls; *ecs.Client satisfies it.
type ServiceDeploymentsAPI interface {
	ListServiceDeployments(ctx context.Context, in *ecs.ListServiceDeploymentsInput, opts ...func(*ecs.Options)) (*ecs.ListServiceDeploymentsOutput, error)
	DescribeServiceDeployments(ctx context.Context, in *ecs.DescribeServiceDeploymentsInput, opts ...func(*ecs.Options)) (*ecs.DescribeServiceDeploymentsOutput, error)
}

// PostMortem finds what ECS says of an alert's service deployment.
type PostMortem struct {
	API ServiceDeploymentsAPI
	// Timeout bounds both calls together: the message goes out without the post-mortem rather
	// than late. Default DefaultPostMortemTimeout.
	Timeout time.Duration
}

// DefaultPostMortemTimeout is PostMortem's bound when Timeout is zero.
const DefaultPostMortemTimeout = 2 * time.Second

// lookBack is how long before its failure a deployment may have been created: a paused
// deployment may wait 14 days for its hook.
const lookBack = 15 * 24 * time.Hour

// Wants reports whether an alert is worth a post-mortem: a deployment that failed or rolls
// back, or one held or rolled back by a lifecycle hook, of a service the alert names.
func Wants(a *alert.Alert) bool {
	if a.Kind != alert.KindDeployment {
		return false
	}
	id := a.Identity
	if id.ServiceDeployment == "" && (id.Cluster == "" || id.Service == "") {
		return false
	}
	switch a.Event {
	case event.DeploymentFailed, event.HookAwaitingAction, event.HookFailed, event.HookTimedOut:
		return true
	case event.DeploymentInProgress:
		return strings.Contains(strings.ToLower(a.Reason.Deployment), "rolling back")
	}
	return false
}

// Find asks ECS about the alert's service deployment: the one the alert names (lifecycle
// hooks do), else the service's newest deployment that failed, stopped or rolls back, created
// before the alert's event.
func (p PostMortem) Find(ctx context.Context, a alert.Alert) (*Report, error) {
	timeout := p.Timeout
	if timeout == 0 {
		timeout = DefaultPostMortemTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	id := a.Identity
	var opts []func(*ecs.Options)
	if id.Region != "" {
		// The service may live in another region than the function's client was made for.
		opts = append(opts, func(o *ecs.Options) { o.Region = id.Region })
	}
	arn := id.ServiceDeployment
	if arn == "" {
		in := &ecs.ListServiceDeploymentsInput{
			Cluster: aws.String(id.Cluster), Service: aws.String(id.Service), MaxResults: aws.Int32(20),
			Status: []ecs.ServiceDeploymentStatus{
				ecs.ServiceDeploymentStatusRollbackRequested, ecs.ServiceDeploymentStatusRollbackInProgress,
				ecs.ServiceDeploymentStatusRollbackSuccessful, ecs.ServiceDeploymentStatusRollbackFailed,
				ecs.ServiceDeploymentStatusStopRequested, ecs.ServiceDeploymentStatusStopped,
				ecs.ServiceDeploymentStatusInProgress,
			},
		}
		if !a.Time.IsZero() {
			// Created before the event (a minute's grace for clocks), and not so long before
			// that it is another incident's.
			in.CreatedAt = &ecs.CreatedAt{After: aws.Time(a.Time.Add(-lookBack)), Before: aws.Time(a.Time.Add(time.Minute))}
		}
		out, err := p.API.ListServiceDeployments(ctx, in, opts...)
		if err != nil {
			return nil, fmt.Errorf("post-mortem: list deployments of %s/%s: %w", id.Cluster, id.Service, err)
		}
		briefs := out.ServiceDeployments
		if len(briefs) == 0 {
			return nil, fmt.Errorf("post-mortem: ECS lists no failed or rolled back deployment of %s/%s before %s", id.Cluster, id.Service, a.Time.UTC().Format(time.RFC3339))
		}
		// ECS documents no order: the newest is the one the event tells of.
		sort.SliceStable(briefs, func(i, j int) bool {
			return aws.ToTime(briefs[i].CreatedAt).After(aws.ToTime(briefs[j].CreatedAt))
		})
		arn = aws.ToString(briefs[0].ServiceDeploymentArn)
	}
	out, err := p.API.DescribeServiceDeployments(ctx, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{arn}}, opts...)
	if err != nil {
		return nil, fmt.Errorf("post-mortem: describe %s: %w", arn, err)
	}
	for _, d := range out.ServiceDeployments {
		if aws.ToString(d.ServiceDeploymentArn) == arn {
			r := reportOf(d, id.Hook)
			return &r, nil
		}
	}
	for _, f := range out.Failures {
		// MISSING: ECS keeps no history of deployments whose revision predates 2024-10-25.
		return nil, fmt.Errorf("post-mortem: ECS cannot describe %s: %s%s", arn, aws.ToString(f.Reason), inParens(aws.ToString(f.Detail)))
	}
	return nil, errors.New("post-mortem: ECS did not describe " + arn)
}

// Report is what ECS says of one service deployment, in the words a message uses.
type Report struct {
	ARN            string
	Status         string // ROLLBACK_SUCCESSFUL, ROLLBACK_FAILED, …
	StatusReason   string
	Strategy       string // "BLUE_GREEN (bake time 10 min)"
	Stage          string // the lifecycle stage reached
	Source, Target string // "4980306466373577095 (3 running)"
	// CircuitBreaker is "3 failed tasks of a threshold of 3 (TRIGGERED)", or "".
	CircuitBreaker  string
	BreakerTripped  bool
	FailureCount    int
	Threshold       int
	AlarmsTriggered []string // the alarms that triggered the rollback
	AlarmsWatched   []string
	RolledBackTo    string // the service revision the rollback returns to
	RollbackReason  string
	// TimeoutAction and HookExpires are the paused hook's, when the alert names one.
	TimeoutAction string
	HookExpires   time.Time
}

func reportOf(d ecs.ServiceDeployment, hookID string) Report {
	r := Report{
		ARN: aws.ToString(d.ServiceDeploymentArn), Status: string(d.Status), StatusReason: aws.ToString(d.StatusReason),
		Stage: string(d.LifecycleStage), Target: revisionText(d.TargetServiceRevision),
	}
	var sources []string
	for i := range d.SourceServiceRevisions {
		sources = append(sources, revisionText(&d.SourceServiceRevisions[i]))
	}
	r.Source = strings.Join(sources, ", ")
	if c := d.DeploymentConfiguration; c != nil {
		r.Strategy = strategyText(c)
	}
	if cb := d.DeploymentCircuitBreaker; cb != nil && cb.Status != ecs.ServiceDeploymentRollbackMonitorsStatusDisabled {
		r.FailureCount, r.Threshold = int(cb.FailureCount), int(cb.Threshold)
		r.BreakerTripped = cb.Status == ecs.ServiceDeploymentRollbackMonitorsStatusTriggered
		r.CircuitBreaker = fmt.Sprintf("%s of a threshold of %d (%s)", plural(r.FailureCount, "failed task"), r.Threshold, cb.Status)
	}
	if al := d.Alarms; al != nil {
		r.AlarmsTriggered, r.AlarmsWatched = al.TriggeredAlarmNames, al.AlarmNames
		if al.Status == ecs.ServiceDeploymentRollbackMonitorsStatusTriggered && len(r.AlarmsTriggered) == 0 {
			r.AlarmsTriggered = []string{"(an alarm ECS did not name)"}
		}
	}
	if rb := d.Rollback; rb != nil {
		r.RolledBackTo, r.RollbackReason = lastPart(aws.ToString(rb.ServiceRevisionArn)), aws.ToString(rb.Reason)
	}
	for _, h := range d.LifecycleHookDetails {
		if hookID != "" && aws.ToString(h.HookId) == hookID {
			r.TimeoutAction, r.HookExpires = string(h.TimeoutAction), aws.ToTime(h.ExpiresAt)
		}
	}
	return r
}

// ApplyTo adds the report to an alert: what stopped the deployment goes in the title, the rest
// in the reason, facts and links. A rollback that failed makes the alert critical.
func (r *Report) ApplyTo(a *alert.Alert) {
	var cause string
	switch {
	case len(r.AlarmsTriggered) > 0:
		cause = "alarm " + strings.Join(r.AlarmsTriggered, ", ") + " went off"
	case r.BreakerTripped:
		cause = fmt.Sprintf("circuit breaker tripped at %d of %d failed tasks", r.FailureCount, r.Threshold)
	}
	isHook := strings.HasPrefix(a.Event, "HOOK_")
	if cause != "" && !isHook {
		// Classify's own guess from the event's reason gives way to what ECS counted.
		a.Title = strings.TrimSuffix(a.Title, ": circuit breaker rolled back") + ": " + cause
		a.Summary = strings.TrimSuffix(strings.TrimSuffix(a.Summary, "."), ": circuit breaker rolled back") + ": " + cause + "."
	}
	if r.Status == string(ecs.ServiceDeploymentStatusRollbackFailed) {
		a.Severity = alert.Critical
		a.Title += "; rollback failed"
		a.Summary = strings.TrimSuffix(a.Summary, ".") + "; the rollback failed."
	}

	var says []string
	if r.Strategy != "" || r.Stage != "" {
		s := "the " + orDefault(strings.Fields(r.Strategy + " ")[0], "service") + " deployment"
		if r.Stage != "" {
			s += " reached " + r.Stage
		}
		says = append(says, s)
	}
	if len(r.AlarmsTriggered) > 0 {
		says = append(says, "alarm "+strings.Join(r.AlarmsTriggered, ", ")+" went into ALARM and triggered the rollback")
	}
	if r.BreakerTripped {
		says = append(says, fmt.Sprintf("the circuit breaker counted %s against its threshold of %d and stopped it", plural(r.FailureCount, "failed task"), r.Threshold))
	}
	switch r.Status {
	case string(ecs.ServiceDeploymentStatusRollbackFailed):
		says = append(says, "the rollback FAILED: the service may run neither the old revision nor the new one in full until someone deploys")
	case string(ecs.ServiceDeploymentStatusRollbackSuccessful):
		says = append(says, "the rollback to revision "+orDefault(r.RolledBackTo, "(unknown)")+" succeeded")
	case string(ecs.ServiceDeploymentStatusRollbackInProgress), string(ecs.ServiceDeploymentStatusRollbackRequested):
		says = append(says, "it is rolling back to revision "+orDefault(r.RolledBackTo, "(unknown)"))
	}
	if r.TimeoutAction != "" {
		s := "if nobody decides, ECS will " + r.TimeoutAction
		if !r.HookExpires.IsZero() {
			s += " at " + r.HookExpires.UTC().Format("2006-01-02 15:04:05 UTC")
		}
		says = append(says, s)
	}
	if len(says) > 0 {
		a.Reason.Text = strings.TrimSpace(a.Reason.Text + " ECS says: " + strings.Join(says, "; ") + ".")
	}

	facts := []alert.Fact{
		{Label: "Service deployment", Value: lastPart(r.ARN)},
		{Label: "Deployment status", Value: r.Status + inParens(r.StatusReason)},
		{Label: "Strategy", Value: r.Strategy},
		{Label: "Lifecycle stage", Value: r.Stage},
		{Label: "Source revision", Value: r.Source},
		{Label: "Target revision", Value: r.Target},
		{Label: "Circuit breaker", Value: r.CircuitBreaker},
		{Label: "Alarms that triggered", Value: strings.Join(r.AlarmsTriggered, ", ")},
		{Label: "Deployment alarms", Value: strings.Join(r.AlarmsWatched, ", ")},
		{Label: "Rolled back to", Value: r.RolledBackTo},
		{Label: "On timeout", Value: r.TimeoutAction},
	}
	for _, f := range facts {
		if f.Value == "" {
			continue
		}
		// A fact the alert already has (the lifecycle stage of a hook event) is not said twice.
		if i := slices.IndexFunc(a.Facts, func(g alert.Fact) bool { return g.Label == f.Label }); i >= 0 {
			a.Facts[i].Value = f.Value
			continue
		}
		a.Facts = append(a.Facts, f)
	}
	for _, name := range r.AlarmsTriggered {
		if u := console.Alarm(a.Identity.Partition, a.Identity.Region, name); u != "" {
			a.Links = append(a.Links, alert.Link{Label: "Alarm " + name, URL: u})
		}
	}
}

// revisionText says a service revision: its id and its tasks, "1485800978477494678 (0 of 3
// running, 1 pending)".
func revisionText(s *ecs.ServiceRevisionSummary) string {
	if s == nil || aws.ToString(s.Arn) == "" {
		return ""
	}
	t := fmt.Sprintf("%d of %d running", s.RunningTaskCount, s.RequestedTaskCount)
	if s.PendingTaskCount > 0 {
		t += fmt.Sprintf(", %d pending", s.PendingTaskCount)
	}
	if w := s.RequestedProductionTrafficWeight; w != nil {
		t += ", " + strconv.FormatFloat(*w, 'f', -1, 64) + "% of production traffic"
	}
	return lastPart(aws.ToString(s.Arn)) + " (" + t + ")"
}

// strategyText says a deployment's strategy with its steps: "BLUE_GREEN (bake time 10 min)",
// "CANARY (5% for 10 min)", "LINEAR (steps of 10%, 5 min each)".
func strategyText(c *ecs.DeploymentConfiguration) string {
	s := string(c.Strategy)
	var how []string
	switch c.Strategy {
	case ecs.DeploymentStrategyCanary:
		if cc := c.CanaryConfiguration; cc != nil && cc.CanaryPercent != nil {
			how = append(how, strconv.FormatFloat(*cc.CanaryPercent, 'f', -1, 64)+"% first"+minutes(" for %d min", cc.CanaryBakeTimeInMinutes))
		}
	case ecs.DeploymentStrategyLinear:
		if lc := c.LinearConfiguration; lc != nil && lc.StepPercent != nil {
			how = append(how, "steps of "+strconv.FormatFloat(*lc.StepPercent, 'f', -1, 64)+"%"+minutes(", %d min each", lc.StepBakeTimeInMinutes))
		}
	}
	if c.BakeTimeInMinutes != nil {
		how = append(how, fmt.Sprintf("bake time %d min", *c.BakeTimeInMinutes))
	}
	if s == "" {
		return ""
	}
	if len(how) > 0 {
		s += " (" + strings.Join(how, ", ") + ")"
	}
	return s
}

func minutes(format string, n *int32) string {
	if n == nil {
		return ""
	}
	return fmt.Sprintf(format, *n)
}

func lastPart(s string) string {
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		return s[i+1:]
	}
	return s
}

func inParens(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
