// Package lambda is the AWS Lambda call the chat actions endpoint makes (Invoke, of itself,
// asynchronously), with the SDK's names and shapes, signed by awsjson. Lambda speaks REST-JSON:
// the function is named in the path, the payload is the body.
package lambda

import (
	"context"
	"net/http"
	"net/url"

	"github.com/foghornhq/foghorn/lambda/awsjson"
)

// Options changes one call: Region sends it to another region than the client's.
type Options struct{ Region string }

// Client calls Lambda.
type Client struct{ c *awsjson.Client }

// New returns a Lambda client.
func New(cfg awsjson.Config) *Client {
	return &Client{awsjson.New(cfg, awsjson.Service{Endpoint: "lambda", EnvID: "LAMBDA"})}
}

// InvocationType is how a function is invoked.
type InvocationType string

// The invocation types.
const (
	InvocationTypeEvent           InvocationType = "Event"
	InvocationTypeRequestResponse InvocationType = "RequestResponse"
	InvocationTypeDryRun          InvocationType = "DryRun"
)

// InvokeInput invokes a function with a payload.
type InvokeInput struct {
	FunctionName   *string
	InvocationType InvocationType
	Payload        []byte
}

// InvokeOutput is Lambda's answer: 202 for an invocation queued.
type InvokeOutput struct {
	StatusCode    int32
	FunctionError *string
	Payload       []byte
}

// Invoke calls Invoke.
func (c *Client) Invoke(ctx context.Context, in *InvokeInput, optFns ...func(*Options)) (*InvokeOutput, error) {
	var o Options
	for _, f := range optFns {
		f(&o)
	}
	name := ""
	if in.FunctionName != nil {
		name = *in.FunctionName
	}
	header := http.Header{"Content-Type": {"application/json"}}
	if in.InvocationType != "" {
		header.Set("X-Amz-Invocation-Type", string(in.InvocationType))
	}
	path := "/2015-03-31/functions/" + url.PathEscape(name) + "/invocations"
	status, h, body, err := c.c.Request(ctx, o.Region, "Invoke", http.MethodPost, path, header, in.Payload)
	if err != nil {
		return nil, err
	}
	if status/100 != 2 {
		return nil, c.c.JSONError("Invoke", status, h, body)
	}
	out := &InvokeOutput{StatusCode: int32(status), Payload: body}
	if fe := h.Get("X-Amz-Function-Error"); fe != "" {
		out.FunctionError = &fe
	}
	return out, nil
}
