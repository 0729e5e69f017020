package notifier

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/foghornhq/foghorn/lambda/envelope"
)

// replyMargin is kept back from the invocation's deadline so the function can still answer
// with its batch item failures after the last delivery attempt gives up.
const replyMargin = 1500 * time.Millisecond

// Handle is the Lambda entry point. It accepts every shape the function can receive. For an
// SQS batch it answers with the partial batch response, listing the records that failed so
// SQS redelivers them (and finally moves them to the DLQ). For any other shape, which has no
// per-record retry, it returns an error when anything failed, so Lambda's own retry applies.
//
// A panic anywhere in the pipeline (there should be none) is recovered and logged with its
// stack, and every record of the batch comes back as a failure to be tried again: the process
// lives on, and nothing is lost.
func (n *Notifier) Handle(ctx context.Context, payload json.RawMessage) (resp *events.SQSEventResponse, err error) {
	recs, err := envelope.Split(payload)
	if err != nil {
		// Not an envelope after all: say what arrived, as a generic alert, rather than lose it.
		recs = []envelope.Record{{Via: envelope.ViaDirect, Body: payload}}
	}
	if dl, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, dl.Add(-replyMargin))
		defer cancel()
	}
	defer func() {
		if v := recover(); v != nil {
			n.log.Error("the pipeline panicked; the whole batch goes back to the queue", "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			resp, err = failAll(recs)
		}
	}()
	// What is wrong with the configuration is told first, once (problems.go).
	n.recheck(ctx)
	n.tellOps(ctx)
	plan := n.Plan(ctx, recs)
	n.LogSuppressed(plan)
	plan.Messages = append(n.problemMessages(), plan.Messages...)
	res := n.Deliver(ctx, plan)
	n.markTold(res.Outcomes)

	fromSQS := len(recs) > 0 && recs[0].ItemID != ""
	if fromSQS {
		resp := &events.SQSEventResponse{BatchItemFailures: []events.SQSBatchItemFailure{}}
		for _, id := range res.Failed {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: id})
		}
		return resp, nil
	}
	failed := 0
	for _, o := range res.Outcomes {
		if o.Err != nil && o.Message.problem == "" {
			failed++
		}
	}
	if failed > 0 {
		return nil, fmt.Errorf("%d of %d messages were not delivered", failed, len(res.Outcomes))
	}
	return nil, nil
}

// failAll hands every record back: SQS records as batch item failures, anything else as an
// error, so Lambda retries it.
func failAll(recs []envelope.Record) (*events.SQSEventResponse, error) {
	if len(recs) == 0 || recs[0].ItemID == "" {
		return nil, errors.New("the pipeline failed; the invocation is retried")
	}
	resp := &events.SQSEventResponse{}
	for _, r := range recs {
		resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: r.ItemID})
	}
	return resp, nil
}
