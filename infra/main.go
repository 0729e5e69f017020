// Command infra is foghorn's Pulumi program: it reads the stack config, creates the
// EcsChatAlerts component and exports what other stacks and operators need.
//
// Pulumi.yaml at the repository root points here (main: infra/). Invalid config fails
// `pulumi preview` with one line per bad key, and so does a stack whose events overlap with
// another stack file's of the project that may share its account and region (overlap.go).
package main

import (
	"cmp"
	"errors"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/foghornhq/foghorn/infra/alerts"
)

func main() {
	pulumi.Run(program)
}

func program(ctx *pulumi.Context) error {
	args, err := loadArgs(ctx)
	if err != nil {
		return err
	}
	args.Region = cmp.Or(args.Region, alerts.StackRegion(ctx))
	if errs := overlapErrors(ctx.Project(), ownScope(ctx, args), siblingScopes(ctx)); len(errs) > 0 {
		// With the component's own findings, so that one preview shows every problem; nothing
		// has been created.
		if err := alerts.ValidateArgs(componentName, ctx.Stack(), args); err != nil {
			errs = append(errs, namespaced(ctx.Project(), err))
		}
		return errors.Join(errs...)
	}
	// The component validates the args before it creates anything.
	stack, err := alerts.NewEcsChatAlerts(ctx, componentName, args)
	if err != nil {
		return namespaced(ctx.Project(), err)
	}
	// topicArn is the stack's public input: other stacks read it through a StackReference
	// and point their alarm actions at it.
	ctx.Export("topicArn", stack.TopicArn)
	ctx.Export("queueArn", stack.QueueArn)
	ctx.Export("deadLetterQueueArn", stack.DeadLetterQueueArn)
	ctx.Export("functionName", stack.FunctionName)
	ctx.Export("opsTopicArn", stack.OpsTopicArn)
	ctx.Export("configParameterName", stack.ConfigParameterName)
	ctx.Export("stateTableName", stack.StateTableName)
	if args.ActionsEnabled {
		// The Slack app's interactivity request URL (not a secret: Slack signs its requests).
		ctx.Export("actionsUrl", stack.ActionsUrl)
	}
	return nil
}
