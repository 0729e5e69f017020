// Command lambda is the notifier's entry point: the `bootstrap` binary the Lambda runtime runs.
//
// Placeholder until the notifier lands. It fails every invocation on purpose, so that a stack
// deployed with it never swallows a batch: SQS redelivers and finally keeps the records in
// the dead-letter queue, where the watchdog alarm sees them.
package main

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	lambda.Start(func(context.Context, json.RawMessage) error {
		return errors.New("not implemented")
	})
}
