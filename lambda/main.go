// Command bootstrap is the foghorn notifier as it runs in AWS Lambda (provided.al2023, arm64).
// With FOGHORN_MODE=intake the same binary is the log intake instead (package intake): the
// function CloudWatch Logs subscription filters deliver to, which only puts each batch on the
// buffer queue named by FOGHORN_QUEUE_URL.
// At cold start it reads its config document and the secrets it names from SSM, and refuses
// to start, with one clear log line, if either is wrong; then it serves invocations: SQS
// batches from the buffer queue (answering with the partial batch response), or SNS,
// EventBridge and alarm payloads sent to it directly.
package main

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/foghornhq/foghorn/lambda/awsjson"
	"github.com/foghornhq/foghorn/lambda/awsjson/ecs"
	"github.com/foghornhq/foghorn/lambda/awsjson/logs"
	"github.com/foghornhq/foghorn/lambda/awsjson/sqs"
	"github.com/foghornhq/foghorn/lambda/chat/deliver"
	"github.com/foghornhq/foghorn/lambda/clock"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/deployments"
	"github.com/foghornhq/foghorn/lambda/intake"
	"github.com/foghornhq/foghorn/lambda/logtail"
	"github.com/foghornhq/foghorn/lambda/notifier"
	"github.com/foghornhq/foghorn/lambda/param"
	"github.com/foghornhq/foghorn/lambda/state"
)

// The function's environment: parameter and table names, never secrets.
const (
	// EnvConfigParam names the SSM parameter holding the config document.
	EnvConfigParam = "FOGHORN_CONFIG_PARAM"
	// EnvStateTable names the DynamoDB table holding stories and the delivery ledger.
	EnvStateTable = "FOGHORN_STATE_TABLE"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: logLevel(os.Getenv("FOGHORN_LOG_LEVEL"))}))
	if os.Getenv(intake.EnvMode) == intake.ModeIntake {
		in, err := setupIntake(context.Background(), log)
		if err != nil {
			// Lambda retries the delivery and then sends it to the on-failure destination.
			log.Error("foghorn intake cannot start", "error", err.Error())
			os.Exit(1)
		}
		lambda.Start(in.Handle)
		return
	}
	n, err := setup(context.Background(), log)
	if err != nil {
		// Exiting during init makes Lambda fail the invocation; SQS keeps the batch and
		// redelivers it, so nothing is lost while the configuration is being fixed.
		log.Error("foghorn cannot start", "error", err.Error())
		os.Exit(1)
	}
	lambda.Start(n) // a lambda.Handler: the payload is handed over as it came
}

func setup(ctx context.Context, log *slog.Logger) (*notifier.Notifier, error) {
	name := os.Getenv(EnvConfigParam)
	if name == "" {
		return nil, errors.New(EnvConfigParam + " is not set: it must name the SSM parameter holding the config document")
	}
	ctx, cancel := context.WithTimeout(ctx, 8*time.Second)
	defer cancel()
	// Region and credentials are the ones Lambda sets in the environment, and the AWS calls
	// are awsjson's: the SDK's service packages and LoadDefaultConfig (which links the SSO,
	// STS and sign-in clients too) cost most of a cold start in package init alone.
	cfg, err := awsjson.FromEnv(nil)
	if err != nil {
		return nil, err
	}
	store := param.NewStore(param.NewSSM(cfg))
	raw, err := store.Get(ctx, name)
	if err != nil {
		return nil, err
	}
	doc, err := config.Parse([]byte(raw))
	if err != nil {
		return nil, err
	}
	ecsClient := ecs.New(cfg)
	clk := clock.System
	opts := []notifier.Option{notifier.WithClock(clk), notifier.WithLogger(log),
		notifier.WithRevisions(deployments.Lookup{API: ecsClient}), notifier.WithPostMortem(deployments.PostMortem{API: ecsClient}),
		notifier.WithRegion(cfg.Region)}
	if len(doc.LogPatterns.Clusters) > 0 {
		opts = append(opts, notifier.WithLogSources(ecsClient))
	}
	if table := os.Getenv(EnvStateTable); table != "" {
		opts = append(opts, notifier.WithState(state.NewDynamo(state.NewDynamoDB(cfg), table, clk)))
	} else {
		// Stories then last as long as this container: crash loops still fold within it.
		log.Warn(EnvStateTable + " is not set: crash-loop stories and the delivery ledger are kept in memory only")
	}
	if doc.Logs.Enabled {
		tail, err := logtail.New(ecsClient, logs.New(cfg), doc.Logs)
		if err != nil {
			return nil, err
		}
		opts = append(opts, notifier.WithLogs(tail))
	}
	return notifier.FromDocument(ctx, doc, store.Get, &deliver.Client{Clock: clk}, opts...)
}

// setupIntake builds the log intake: an SQS client and the queue it sends to.
func setupIntake(ctx context.Context, log *slog.Logger) (*intake.Intake, error) {
	ctx, cancel := context.WithTimeout(ctx, 8*time.Second)
	defer cancel()
	cfg, err := awsjson.FromEnv(nil)
	if err != nil {
		return nil, err
	}
	return intake.New(sqs.New(cfg), os.Getenv(intake.EnvQueueURL), cfg.Region, log)
}

func logLevel(s string) slog.Level {
	switch strings.ToLower(s) {
	case "debug":
		return slog.LevelDebug
	case "warn":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	}
	return slog.LevelInfo
}
