// Package intake is the notifier's second mode: the small function CloudWatch Logs
// subscription filters deliver to. Delivery to Lambda is an asynchronous invoke, which has no
// batch item failures and no queue of its own, so the intake does as little as it can: it
// decodes the awslogs payload and puts the batch onto the stack's buffer queue as decoded
// DATA_MESSAGE documents (cut to fit a queue message), where log alerts share the
// notifier's batching, rate-limit handling, delivery ledger and dead-letter queue.
//
// Nothing is dropped. A payload that cannot be decoded is enqueued as it arrived (cut to a
// queue message if it must be), and reaches chat as a generic alert. Only CloudWatch Logs'
// reachability checks (CONTROL_MESSAGE) go no further. If the queue cannot take a batch, the
// invocation fails: Lambda retries it, and then sends the event to the function's
// on-failure destination, the dead-letter queue, where the watchdog alarm sees it and a
// redrive brings it to the notifier, which reads that record too.
package intake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/foghornhq/foghorn/lambda/awsjson/sqs"

	"github.com/foghornhq/foghorn/lambda/awslogs"
)

// The intake's environment: a mode and a queue URL, never a secret. The Pulumi component
// sets them from its own copy of these names (infra/alerts, tested to match), so that a stack
// does not link the SQS client.
const (
	// EnvMode selects the mode of the bootstrap binary: ModeIntake runs the intake.
	EnvMode    = "FOGHORN_MODE"
	ModeIntake = "intake"
	// EnvQueueURL is the buffer queue the intake sends to.
	EnvQueueURL = "FOGHORN_QUEUE_URL"
)

// Sender is the SQS call the intake makes; *sqs.Client satisfies it.
type Sender interface {
	SendMessage(ctx context.Context, in *sqs.SendMessageInput, optFns ...func(*sqs.Options)) (*sqs.SendMessageOutput, error)
}

// Intake enqueues log deliveries.
type Intake struct {
	sqs      Sender
	queueURL string
	region   string
	log      *slog.Logger
	// MaxBody is the largest message body sent; default awslogs.MaxSQSBody.
	MaxBody int
}

// New returns an intake sending to queueURL. region is where the function runs; it is
// written into each batch, since CloudWatch Logs' own document names none.
func New(client Sender, queueURL, region string, log *slog.Logger) (*Intake, error) {
	if client == nil || queueURL == "" {
		return nil, errors.New("intake: an SQS client and " + EnvQueueURL + " are required")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Intake{sqs: client, queueURL: queueURL, region: region, log: log}, nil
}

// Result says what an invocation did, for tests and the log line.
type Result struct {
	Shape    awslogs.Shape
	Control  bool
	Events   int // log events in the batch
	Messages int // messages sent to the queue
}

// Handle is the Lambda entry point. An error makes Lambda retry the event, then hand it to
// the on-failure destination.
func (in *Intake) Handle(ctx context.Context, payload json.RawMessage) error {
	_, err := in.Enqueue(ctx, payload)
	return err
}

// Enqueue puts one delivery on the queue.
func (in *Intake) Enqueue(ctx context.Context, payload json.RawMessage) (Result, error) {
	b, shape, err := awslogs.Read(payload)
	res := Result{Shape: shape}
	var bodies [][]byte
	switch {
	case err != nil || shape == awslogs.NotLogs:
		// The notifier tells it as a generic alert, saying what was wrong.
		why := "not a CloudWatch Logs delivery"
		if err != nil {
			why = err.Error()
		}
		in.log.Warn("intake: payload is not a readable log delivery; enqueued as it arrived, to be told as a generic alert", "why", why, "bytes", len(payload))
		bodies = [][]byte{in.fit(payload)}
	case b.Control():
		res.Control = true
		in.log.Info("intake: CloudWatch Logs checked the destination is reachable", "message", b.MessageType)
		return res, nil
	default:
		res.Events = len(b.LogEvents)
		if b.Region == "" {
			b.Region = in.region
		}
		if bodies, err = awslogs.Chunks(b, in.maxBody()); err != nil {
			return res, fmt.Errorf("intake: %w", err)
		}
	}
	for i, body := range bodies {
		if _, err := in.sqs.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(in.queueURL), MessageBody: aws.String(string(body))}); err != nil {
			// The messages already sent stay: the notifier recognises their lines when the
			// retried invocation sends them again, and counts them once.
			return res, fmt.Errorf("intake: sending part %d of %d to the queue: %w", i+1, len(bodies), err)
		}
		res.Messages++
	}
	in.log.Info("intake: enqueued", "log_group", b.LogGroup, "log_stream", b.LogStream, "events", res.Events, "messages", res.Messages)
	return res, nil
}

func (in *Intake) maxBody() int {
	if in.MaxBody > 0 {
		return in.MaxBody
	}
	return awslogs.MaxSQSBody
}

// fit makes a payload a valid queue message: cut to the size limit, and, since SQS refuses
// some characters, made valid UTF-8 JSON-safe text. What is cut is said in the message.
func (in *Intake) fit(payload []byte) []byte {
	s := strings.ToValidUTF8(string(payload), "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r != 0xFFFE && r != 0xFFFF {
			return r
		}
		return '\uFFFD'
	}, s)
	const note = "…[cut by the foghorn intake: the payload did not fit in one queue message]"
	if len(s) > in.maxBody() {
		cut := in.maxBody() - len(note)
		for cut > 0 && (s[cut]&0xC0) == 0x80 {
			cut--
		}
		s = s[:cut] + note
	}
	return []byte(s)
}
