// Command bootstrap is the foghorn notifier as it runs in AWS Lambda (provided.al2023, arm64).
// With FOGHORN_MODE=intake the same binary is the log intake instead (package intake): the
// function CloudWatch Logs subscription filters deliver to, which only puts each batch on the
// buffer queue named by FOGHORN_QUEUE_URL. With FOGHORN_MODE=actions it is the chat actions
// endpoint (package actions, actions_main.go).
// At cold start it reads its config document and the secrets it names from SSM; then it
// serves invocations: SQS batches from the buffer queue (answering with the partial batch
// response), or SNS, EventBridge and alarm payloads sent to it directly.
//
// A bad config degrades it rather than silencing it (document.go): a destination whose secret
// is wrong is left out and the others post; a document that cannot be used is replaced by the
// last one that worked, kept in the state table. Both are told to the working destinations
// and the ops topic. Only with no document to run on at all does it refuse to start, with one
// clear log line.
package main

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/foghornhq/foghorn/lambda/chat/deliver"
	"github.com/foghornhq/foghorn/lambda/clock"
	"github.com/foghornhq/foghorn/lambda/deployments"
	"github.com/foghornhq/foghorn/lambda/intake"
	"github.com/foghornhq/foghorn/lambda/logtail"
	"github.com/foghornhq/foghorn/lambda/notifier"
	"github.com/foghornhq/foghorn/lambda/ops"
	"github.com/foghornhq/foghorn/lambda/param"
	"github.com/foghornhq/foghorn/lambda/silence"
	"github.com/foghornhq/foghorn/lambda/state"
)

// The function's environment: parameter, table and topic names, never secrets.
const (
	// EnvConfigParam names the SSM parameter holding the config document.
	EnvConfigParam = "FOGHORN_CONFIG_PARAM"
	// EnvStateTable names the DynamoDB table holding stories, the delivery ledger and the last
	// config document that worked.
	EnvStateTable = "FOGHORN_STATE_TABLE"
	// EnvOpsTopicArn names the stack's ops topic, where the notifier tells what is wrong with
	// its configuration.
	EnvOpsTopicArn = "FOGHORN_OPS_TOPIC_ARN"
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
	if os.Getenv(intake.EnvMode) == ModeActions {
		e, err := setupActions(context.Background(), log)
		if err != nil {
			log.Error("foghorn actions cannot start", "error", err.Error())
			os.Exit(1)
		}
		lambda.Start(e.Handle)
		return
	}
	n, err := setup(context.Background(), log)
	if err != nil {
		// Exiting during init makes Lambda fail the invocation; SQS keeps the batch and
		// redelivers it, so nothing is lost while the configuration is being fixed.
		log.Error("foghorn cannot start", "error", err.Error())
		os.Exit(1)
	}
	lambda.Start(n.Handle)
}

func setup(ctx context.Context, log *slog.Logger) (*notifier.Notifier, error) {
	name := os.Getenv(EnvConfigParam)
	if name == "" {
		return nil, errors.New(EnvConfigParam + " is not set: it must name the SSM parameter holding the config document")
	}
	ctx, cancel := context.WithTimeout(ctx, 8*time.Second)
	defer cancel()
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, err
	}
	clk := clock.System
	params := param.NewStore(ssm.NewFromConfig(awsCfg))
	var store state.Store
	if table := os.Getenv(EnvStateTable); table != "" {
		store = state.NewDynamo(dynamodb.NewFromConfig(awsCfg), table, clk)
	} else {
		// Stories then last as long as this container: crash loops still fold within it.
		log.Warn(EnvStateTable + " is not set: crash-loop stories and the delivery ledger are kept in memory only, and no config document is kept to fall back on")
	}
	var opsTopic notifier.Ops
	if arn := os.Getenv(EnvOpsTopicArn); arn != "" {
		opsTopic = ops.Topic{API: sns.NewFromConfig(awsCfg), ARN: arn}
	}

	src := documentSource{params: params, name: name, store: store, clock: clk}
	doc, fallback, err := src.load(ctx)
	if err != nil {
		if store != nil && opsTopic != nil {
			// Ops hears why, once across the cold starts that follow: the DLQ alarm alone
			// would say only that alerts are failing.
			if _, perr := notifier.TellOps(ctx, store, opsTopic, src.refusal(err), log); perr != nil {
				log.Warn("could not tell the ops topic", "error", perr.Error())
			}
		}
		return nil, err
	}

	ecsClient := ecs.NewFromConfig(awsCfg)
	opts := []notifier.Option{notifier.WithClock(clk), notifier.WithLogger(log),
		notifier.WithRevisions(deployments.Lookup{API: ecsClient}), notifier.WithPostMortem(deployments.PostMortem{API: ecsClient}),
		notifier.WithRegion(awsCfg.Region)}
	if len(doc.LogPatterns.Clusters) > 0 {
		opts = append(opts, notifier.WithLogSources(ecsClient))
	}
	if store != nil {
		// The silences set from chat live in the same table (lambda/silence).
		opts = append(opts, notifier.WithState(store), notifier.WithSilences(silence.New(store, clk)))
	}
	if opsTopic != nil {
		opts = append(opts, notifier.WithOps(opsTopic))
	} else {
		log.Warn(EnvOpsTopicArn + " is not set: problems with the configuration are told to the working destinations only")
	}
	if fallback != nil {
		log.Warn("the config document cannot be used; running on the last one that worked", "problem", fallback.Text)
		opts = append(opts, notifier.WithProblem(*fallback))
	}
	if doc.Logs.Enabled {
		logs := doc.Logs
		if len(logs.Regions) == 0 {
			// A document written before the regions were: the function's own region.
			logs.Regions = []string{awsCfg.Region}
		}
		tail, err := logtail.New(ecsClient, cloudwatchlogs.NewFromConfig(awsCfg), logs)
		if err != nil {
			return nil, err
		}
		opts = append(opts, notifier.WithLogs(tail))
	}
	// Secrets are read fresh: a broken destination's are read again once a minute.
	n, err := notifier.FromDocument(ctx, doc, params.Fresh, &deliver.Client{Clock: clk}, opts...)
	if err != nil {
		return nil, err
	}
	if fallback == nil {
		src.save(ctx, log)
	}
	return n, nil
}

// setupIntake builds the log intake: an SQS client and the queue it sends to.
func setupIntake(ctx context.Context, log *slog.Logger) (*intake.Intake, error) {
	ctx, cancel := context.WithTimeout(ctx, 8*time.Second)
	defer cancel()
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, err
	}
	return intake.New(sqs.NewFromConfig(awsCfg), os.Getenv(intake.EnvQueueURL), awsCfg.Region, log)
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
