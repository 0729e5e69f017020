package actions

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/chat/slack"
	"github.com/foghornhq/foghorn/lambda/chatops"
	"github.com/foghornhq/foghorn/lambda/console"
	"github.com/foghornhq/foghorn/lambda/logtail"
	"github.com/foghornhq/foghorn/lambda/silence"
	"github.com/foghornhq/foghorn/lambda/story"
)

// ECS is the calls the deployment actions make; *ecs.Client satisfies it. Continue uses
// ContinueServiceDeployment (with the hook's id); a rollback of a paused deployment is the same
// call with action ROLLBACK, and of a failing one StopServiceDeployment with stopType ROLLBACK,
// ECS's own rollback to the revision the service ran before, on the deployment in progress
// that ListServiceDeployments finds, once DescribeServices shows that it is still the one the
// alert is about.
type ECS interface {
	ContinueServiceDeployment(ctx context.Context, in *ecs.ContinueServiceDeploymentInput, opts ...func(*ecs.Options)) (*ecs.ContinueServiceDeploymentOutput, error)
	StopServiceDeployment(ctx context.Context, in *ecs.StopServiceDeploymentInput, opts ...func(*ecs.Options)) (*ecs.StopServiceDeploymentOutput, error)
	ListServiceDeployments(ctx context.Context, in *ecs.ListServiceDeploymentsInput, opts ...func(*ecs.Options)) (*ecs.ListServiceDeploymentsOutput, error)
	DescribeServices(ctx context.Context, in *ecs.DescribeServicesInput, opts ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error)
}

// LogLines is how many log lines "More logs" fetches.
const LogLines = 50

func (e *Endpoint) silence(ctx context.Context, c Click) result {
	v := c.Value
	now := e.clock.Now()
	x := silence.Silence{Partition: v.Partition, Account: v.Account, Region: v.Region, Cluster: v.Cluster, Service: v.Service,
		Kinds: v.Kinds, By: silence.User{ID: c.UserID, Name: c.UserName}}
	if d, ok := chatops.Durations[v.For]; ok {
		x.Until = now.Add(d)
	} else {
		x.Until, x.Deployment = now.Add(chatops.DeploymentCap), v.Deployment
	}
	s, err := e.silences.Add(ctx, x)
	if err != nil {
		e.try(ctx, "thread", e.reply.Thread(ctx, c, slack.Reply{Text: fmt.Sprintf(":warning: %s tried to silence the alerts%s; it did not take: %s",
			mention(c), of(v), slack.Escape(err.Error(), 300))}))
		return result{"failed", err.Error()}
	}
	until := "until " + e.at(s.Until)
	if s.Deployment != "" {
		until = "until deployment " + slack.Escape(s.Deployment, 60) + " completes (" + e.at(s.Until) + " at the latest)"
	}
	lift := chatops.Button{ActionID: chatops.ActionIDPrefix + chatops.Lift, Label: "Lift",
		Value: chatops.Value{Action: chatops.Lift, Silence: s.ID, Partition: v.Partition, Account: v.Account, Region: v.Region, Cluster: v.Cluster, Service: v.Service}}
	both(ctx,
		func(ctx context.Context) error {
			return e.reply.Thread(ctx, c, slack.Reply{Text: fmt.Sprintf(":no_bell: %s silenced %s of%s %s. `foghorn silences lift %s` or the button ends it sooner.",
				mention(c), kindsText(s.Kinds), about(v), until, s.ID), Buttons: []chatops.Button{lift}})
		},
		func(ctx context.Context) error {
			return e.edit(ctx, c, ":no_bell: Silenced by "+mention(c)+" "+until, keepAll)
		},
		e.try)
	return result{"done", "silence " + s.ID + " " + until}
}

func (e *Endpoint) lift(ctx context.Context, c Click) result {
	s, err := e.silences.Lift(ctx, c.Value.Silence)
	switch {
	case errors.Is(err, silence.ErrNotFound):
		e.try(ctx, "thread", e.reply.Thread(ctx, c, slack.Reply{Text: fmt.Sprintf(":bell: %s tried to lift a silence%s that had already ended.", mention(c), of(c.Value))}))
		e.try(ctx, "edit", e.edit(ctx, c, ":bell: Ended", dropIDs(chatops.Lift)))
		return result{"noop", "silence " + c.Value.Silence + " had ended"}
	case err != nil:
		e.try(ctx, "thread", e.reply.Thread(ctx, c, slack.Reply{Text: fmt.Sprintf(":warning: %s tried to lift the silence%s; it did not take: %s", mention(c), of(c.Value), slack.Escape(err.Error(), 300))}))
		return result{"failed", err.Error()}
	}
	both(ctx,
		func(ctx context.Context) error {
			return e.reply.Thread(ctx, c, slack.Reply{Text: fmt.Sprintf(":bell: %s lifted the silence%s that @%s set; its alerts post again.",
				mention(c), of(c.Value), slack.Escape(s.By.Name, 80))})
		},
		func(ctx context.Context) error {
			return e.edit(ctx, c, ":bell: Lifted by "+mention(c)+" at "+e.at(e.clock.Now()), dropIDs(chatops.Lift))
		},
		e.try)
	return result{"done", "silence " + s.ID + " lifted"}
}

func (e *Endpoint) acknowledge(ctx context.Context, c Click) result {
	v := c.Value
	now := e.clock.Now()
	if v.Story {
		ack, err := e.stories.Acknowledge(ctx, identity(v), story.Ack{By: c.UserName, User: c.UserID, At: now})
		switch {
		case errors.Is(err, story.ErrNoStory):
			// The story is over: the message is still edited, and nothing later rewrites it.
		case err != nil:
			e.try(ctx, "thread", e.reply.Thread(ctx, c, slack.Reply{Text: fmt.Sprintf(":warning: %s tried to acknowledge%s; it did not take: %s", mention(c), about(v), slack.Escape(err.Error(), 300))}))
			return result{"failed", err.Error()}
		case ack.User != c.UserID:
			e.try(ctx, "ephemeral", e.reply.Ephemeral(ctx, c, "@"+slack.Escape(ack.By, 80)+" acknowledged it already, at "+e.at(ack.At)+"."))
			e.try(ctx, "thread", e.reply.Thread(ctx, c, slack.Reply{Text: fmt.Sprintf(":white_check_mark: %s also looked: @%s took it at %s.", mention(c), slack.Escape(ack.By, 80), e.at(ack.At))}))
			return result{"noop", "acknowledged by " + ack.By + " already"}
		}
	}
	both(ctx,
		func(ctx context.Context) error {
			return e.reply.Thread(ctx, c, slack.Reply{Text: fmt.Sprintf(":white_check_mark: %s acknowledged%s: on it.", mention(c), about(v))})
		},
		func(ctx context.Context) error {
			return e.edit(ctx, c, ":white_check_mark: Acknowledged by "+mention(c)+" at "+e.at(now), dropIDs(chatops.Acknowledge))
		},
		e.try)
	return result{"done", "acknowledged"}
}

func (e *Endpoint) moreLogs(ctx context.Context, c Click) result {
	v := c.Value
	if e.logs == nil {
		e.try(ctx, "thread", e.reply.Thread(ctx, c, slack.Reply{Text: fmt.Sprintf(":warning: %s asked for more logs%s; the log tail is off.", mention(c), of(v))}))
		return result{"failed", "the log tail is off"}
	}
	family, rev, _ := strings.Cut(v.TaskDefinition, ":")
	a := alert.Alert{Identity: identity(v), Time: e.clock.Now()}
	a.Identity.TaskID, a.Identity.TaskFamily = v.Task, family
	fmt.Sscan(rev, &a.Identity.TaskRevision)
	if v.Container != "" {
		one := 1
		a.Reason.Containers = []alert.Container{{Name: v.Container, ExitCode: &one}}
	}
	r := e.logs.Tail(ctx, a)
	task := slack.Escape(shortTask(v.Task), 40)
	if len(r.Lines) == 0 {
		e.try(ctx, "thread", e.reply.Thread(ctx, c, slack.Reply{Text: fmt.Sprintf(":scroll: No log lines of task %s for %s: %s.", task, mention(c), slack.Escape(r.Reason, 400)), Links: r.Links}))
		outcome := "noop"
		if r.Outcome == logtail.Failed || r.Outcome == logtail.TimedOut {
			outcome = "failed"
		}
		return result{outcome, string(r.Outcome) + ": " + r.Reason}
	}
	e.try(ctx, "thread", e.reply.Thread(ctx, c, slack.Reply{
		Text:     fmt.Sprintf(":scroll: The last %d log lines of %s in task %s, for %s (redacted):", len(r.Lines), slack.Escape(r.Container, 80), task, mention(c)),
		Sections: slack.LogSections(r.Lines), Links: r.Links,
	}))
	return result{"done", fmt.Sprintf("%d lines of %s", len(r.Lines), r.LogStream)}
}

type hookAction string

const (
	continueAction hookAction = "CONTINUE"
	rollbackAction hookAction = "ROLLBACK"
)

func (e *Endpoint) region(v chatops.Value) []func(*ecs.Options) {
	if v.Region == "" {
		return nil
	}
	return []func(*ecs.Options){func(o *ecs.Options) { o.Region = v.Region }}
}

// continueDeployment continues a paused deployment, or rolls it back, at its lifecycle hook.
func (e *Endpoint) continueDeployment(ctx context.Context, c Click, act hookAction) result {
	v := c.Value
	verb, did, mark := "continue", "continued", ":arrow_forward: Continued"
	if act == rollbackAction {
		verb, did, mark = "roll back", "rolled back", ":leftwards_arrow_with_hook: Rolled back"
	}
	if e.ecs == nil {
		return e.ecsFailed(ctx, c, verb, errors.New("no ECS client"))
	}
	_, err := e.ecs.ContinueServiceDeployment(ctx, &ecs.ContinueServiceDeploymentInput{
		ServiceDeploymentArn: aws.String(v.ServiceDeployment), HookId: aws.String(v.Hook),
		Action: types.DeploymentLifecycleHookAction(act),
	}, e.region(v)...)
	if err != nil {
		return e.ecsFailed(ctx, c, verb, err)
	}
	what := "ECS goes on past its lifecycle hook"
	if act == rollbackAction {
		what = "ECS returns the service to the revision it ran before"
	}
	both(ctx,
		func(ctx context.Context) error {
			return e.reply.Thread(ctx, c, slack.Reply{Text: fmt.Sprintf(":white_check_mark: %s %s the paused deployment%s: %s.", mention(c), did, of(v), what)})
		},
		func(ctx context.Context) error {
			return e.edit(ctx, c, mark+" by "+mention(c)+" at "+e.at(e.clock.Now()), dropIDs(chatops.Continue, chatops.Rollback))
		},
		e.try)
	return result{"done", did + " " + v.ServiceDeployment}
}

// rollback rolls back a paused deployment at its hook, or stops the service's deployment in
// progress with ECS's own rollback.
func (e *Endpoint) rollback(ctx context.Context, c Click) result {
	v := c.Value
	if v.Hook != "" {
		return e.continueDeployment(ctx, c, rollbackAction)
	}
	if e.ecs == nil {
		return e.ecsFailed(ctx, c, "roll back", errors.New("no ECS client"))
	}
	opts := e.region(v)
	if v.Deployment != "" {
		out, err := e.ecs.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(v.Cluster), Services: []string{v.Service}}, opts...)
		if err != nil {
			return e.ecsFailed(ctx, c, "roll back", err)
		}
		if primary := primaryDeployment(out); primary != "" && primary != v.Deployment {
			e.try(ctx, "thread", e.reply.Thread(ctx, c, slack.Reply{Text: fmt.Sprintf(
				":leftwards_arrow_with_hook: Nothing rolled back: %s asked to roll back deployment %s%s, but the service has moved on to %s since. Look at it again before acting.",
				mention(c), slack.Escape(v.Deployment, 60), of(v), slack.Escape(primary, 60))}))
			return result{"noop", "deployment " + v.Deployment + " is no longer the newest (" + primary + ")"}
		}
	}
	list, err := e.ecs.ListServiceDeployments(ctx, &ecs.ListServiceDeploymentsInput{
		Cluster: aws.String(v.Cluster), Service: aws.String(v.Service),
		Status: []types.ServiceDeploymentStatus{types.ServiceDeploymentStatusPending, types.ServiceDeploymentStatusInProgress,
			types.ServiceDeploymentStatusRollbackRequested, types.ServiceDeploymentStatusRollbackInProgress},
	}, opts...)
	if err != nil {
		return e.ecsFailed(ctx, c, "roll back", err)
	}
	briefs := list.ServiceDeployments
	// ECS documents no order: the newest is the one in question.
	sort.SliceStable(briefs, func(i, j int) bool { return aws.ToTime(briefs[i].CreatedAt).After(aws.ToTime(briefs[j].CreatedAt)) })
	if len(briefs) == 0 {
		link := []alert.Link{}
		if u := console.Service(v.Partition, v.Region, v.Cluster, v.Service); u != "" {
			link = append(link, alert.Link{Label: "Open service", URL: u})
		}
		e.try(ctx, "thread", e.reply.Thread(ctx, c, slack.Reply{Text: fmt.Sprintf(
			":leftwards_arrow_with_hook: Nothing rolled back: no deployment%s is in progress (%s asked), and ECS rolls back only a deployment in progress. To return to an earlier task definition, update the service.",
			of(v), mention(c)), Links: link}))
		return result{"noop", "no deployment in progress"}
	}
	newest := briefs[0]
	arn := aws.ToString(newest.ServiceDeploymentArn)
	if s := newest.Status; s == types.ServiceDeploymentStatusRollbackRequested || s == types.ServiceDeploymentStatusRollbackInProgress {
		e.try(ctx, "thread", e.reply.Thread(ctx, c, slack.Reply{Text: fmt.Sprintf(":leftwards_arrow_with_hook: %s asked to roll back the deployment%s: ECS is rolling it back already (%s).", mention(c), of(v), string(s))}))
		return result{"noop", "already " + string(s) + ": " + arn}
	}
	if _, err := e.ecs.StopServiceDeployment(ctx, &ecs.StopServiceDeploymentInput{
		ServiceDeploymentArn: aws.String(arn), StopType: types.StopServiceDeploymentStopTypeRollback,
	}, opts...); err != nil {
		return e.ecsFailed(ctx, c, "roll back", err)
	}
	both(ctx,
		func(ctx context.Context) error {
			return e.reply.Thread(ctx, c, slack.Reply{Text: fmt.Sprintf(":white_check_mark: %s rolled back the deployment%s: ECS stops it and returns the service to the revision it ran before.", mention(c), of(v))})
		},
		func(ctx context.Context) error {
			return e.edit(ctx, c, ":leftwards_arrow_with_hook: Rolled back by "+mention(c)+" at "+e.at(e.clock.Now()), dropIDs(chatops.Rollback))
		},
		e.try)
	return result{"done", "stopped " + arn + " with rollback"}
}

// primaryDeployment is the id (ecs-svc/…) of the service's newest deployment.
func primaryDeployment(out *ecs.DescribeServicesOutput) string {
	if out == nil || len(out.Services) == 0 {
		return ""
	}
	i := slices.IndexFunc(out.Services[0].Deployments, func(d types.Deployment) bool { return aws.ToString(d.Status) == "PRIMARY" })
	if i < 0 {
		return ""
	}
	return aws.ToString(out.Services[0].Deployments[i].Id)
}

// ecsFailed says in the thread that ECS refused, in its own words.
func (e *Endpoint) ecsFailed(ctx context.Context, c Click, verb string, err error) result {
	why := err.Error()
	var api smithy.APIError
	if errors.As(err, &api) {
		why = api.ErrorCode() + ": " + api.ErrorMessage()
	} else if errors.Is(err, context.DeadlineExceeded) {
		why = "ECS did not answer in time"
	}
	e.try(ctx, "thread", e.reply.Thread(ctx, c, slack.Reply{Text: fmt.Sprintf(":warning: ECS refused to %s the deployment%s (%s asked): %s",
		verb, of(c.Value), mention(c), slack.Escape(why, 400))}))
	return result{"failed", why}
}

// edit replaces the clicked message with a copy that says what happened; a click whose message
// was not kept (too large to hand on) leaves it as it is.
func (e *Endpoint) edit(ctx context.Context, c Click, line string, drop func(string) bool) error {
	body, ok := annotate(c.Message, line, drop)
	if !ok {
		return nil
	}
	return e.reply.Replace(ctx, c, body)
}

// kindsText names what a silence covers.
func kindsText(kinds []alert.Kind) string {
	if slices.Equal(kinds, chatops.SilencedKinds) {
		return "the task failures and crash loops"
	}
	var names []string
	for _, k := range kinds {
		names = append(names, string(k))
	}
	return "the " + strings.Join(names, ", ") + " alerts"
}

func shortTask(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
