package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/foghornhq/foghorn/lambda/actions"
	"github.com/foghornhq/foghorn/lambda/chat/deliver"
	"github.com/foghornhq/foghorn/lambda/chat/slack"
	"github.com/foghornhq/foghorn/lambda/clock"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/destination"
	"github.com/foghornhq/foghorn/lambda/logtail"
	"github.com/foghornhq/foghorn/lambda/param"
	"github.com/foghornhq/foghorn/lambda/state"
)

// The same binary serves the chat actions endpoint when its environment says so: one zip,
// two functions, two roles. The mode is not a secret; the signing secret is read from the SSM
// parameter the config document names.
const (
	// ModeActions is the value of FOGHORN_MODE (intake.EnvMode) that selects the endpoint.
	ModeActions = "actions"
	// EnvFunctionName is set by Lambda: the function's own name, which it invokes for slow
	// actions.
	EnvFunctionName = "AWS_LAMBDA_FUNCTION_NAME"
)

// logsBudget bounds "More logs": it runs after the click is answered, so it may take longer
// than the alert's own log tail.
const logsBudget = 8 * time.Second

func setupActions(ctx context.Context, log *slog.Logger) (*actions.Endpoint, error) {
	name := os.Getenv(EnvConfigParam)
	if name == "" {
		return nil, errors.New(EnvConfigParam + " is not set: it must name the SSM parameter holding the config document")
	}
	table := os.Getenv(EnvStateTable)
	if table == "" {
		return nil, errors.New(EnvStateTable + " is not set: the actions endpoint records clicks and silences in the state table")
	}
	ctx, cancel := context.WithTimeout(ctx, 8*time.Second)
	defer cancel()
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, err
	}
	params := param.NewStore(ssm.NewFromConfig(awsCfg))
	raw, err := params.Get(ctx, name)
	if err != nil {
		return nil, err
	}
	doc, err := config.Parse([]byte(raw))
	if err != nil {
		return nil, err
	}
	if !doc.Actions.Enabled {
		return nil, errors.New("the config document does not enable actions (actions.enabled), yet this function serves them")
	}
	clk := clock.System
	secret, err := params.Get(ctx, doc.Actions.SigningSecretParam)
	if err != nil {
		return nil, fmt.Errorf("actions.signingSecretParam: %w", err)
	}
	verifier, err := actions.NewVerifier(secret, clk)
	if err != nil {
		return nil, fmt.Errorf("parameter %q: %w", doc.Actions.SigningSecretParam, err)
	}
	client := &deliver.Client{Clock: clk, Log: log}
	responder := &actions.Responder{Client: client}
	var groups actions.GroupMembers
	if d := doc.Actions.BotDestination; d != "" {
		dst, _ := doc.Destination(d)
		token, err := params.Get(ctx, dst.SecretParam)
		if err != nil {
			return nil, fmt.Errorf("actions.botDestination %q: %w", d, err)
		}
		t, err := destination.New(dst, config.Secrets{Value: token}, client)
		if err != nil {
			return nil, fmt.Errorf("actions.botDestination %q: %w", d, err)
		}
		if bot, ok := t.(*slack.Bot); ok {
			responder.Bot, groups = bot, bot
		}
	}
	ecsClient := ecs.NewFromConfig(awsCfg)
	var logs *logtail.Fetcher
	if doc.Actions.Logs != nil {
		opts := doc.Logs
		opts.Lines, opts.Budget = actions.LogLines, config.Duration(logsBudget)
		if len(opts.Regions) == 0 {
			// A document written before the regions were: the function's own region.
			opts.Regions = []string{awsCfg.Region}
		}
		if logs, err = logtail.New(ecsClient, cloudwatchlogs.NewFromConfig(awsCfg), opts); err != nil {
			return nil, err
		}
	}
	return actions.New(actions.Options{
		Doc: doc, Verifier: verifier, Store: state.NewDynamo(dynamodb.NewFromConfig(awsCfg), table, clk),
		Responder: responder, Groups: groups, ECS: ecsClient, Logs: logs,
		Invoke: actions.LambdaInvoker{API: awslambda.NewFromConfig(awsCfg), Function: os.Getenv(EnvFunctionName)},
		Clock:  clk, Log: log,
	})
}
