package actions

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// InvokeAPI is the one Lambda call the endpoint makes; *lambda.Client satisfies it.
type InvokeAPI interface {
	Invoke(ctx context.Context, in *lambda.InvokeInput, opts ...func(*lambda.Options)) (*lambda.InvokeOutput, error)
}

// LambdaInvoker starts the function's own asynchronous invocation (InvocationType Event):
// Lambda queues the job and answers at once, so the click is answered within Slack's three
// seconds while the slow work runs for up to the function's timeout. The role may invoke
// this function and no other.
type LambdaInvoker struct {
	API      InvokeAPI
	Function string // the function's own name (AWS_LAMBDA_FUNCTION_NAME) or ARN
}

// InvokeAsync implements Invoker.
func (l LambdaInvoker) InvokeAsync(ctx context.Context, payload []byte) error {
	if l.Function == "" {
		return errors.New("actions: the function does not know its own name (AWS_LAMBDA_FUNCTION_NAME)")
	}
	out, err := l.API.Invoke(ctx, &lambda.InvokeInput{
		FunctionName:   aws.String(l.Function),
		InvocationType: types.InvocationTypeEvent,
		Payload:        payload,
	})
	if err != nil {
		return fmt.Errorf("actions: invoke itself: %w", err)
	}
	if out.StatusCode != 202 {
		return fmt.Errorf("actions: invoke itself: status %d, want 202", out.StatusCode)
	}
	return nil
}
