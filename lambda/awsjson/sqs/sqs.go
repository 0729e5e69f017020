// Package sqs is the Amazon SQS call the log intake makes (SendMessage), with the SDK's names
// and shapes, over awsjson (SQS speaks the JSON protocol).
package sqs

import (
	"context"

	"github.com/foghornhq/foghorn/lambda/awsjson"
)

// Options changes one call: Region sends it to another region than the client's.
type Options struct{ Region string }

// Client calls SQS.
type Client struct{ c *awsjson.Client }

// New returns an SQS client.
func New(cfg awsjson.Config) *Client {
	return &Client{awsjson.New(cfg, awsjson.Service{Endpoint: "sqs", EnvID: "SQS", Target: "AmazonSQS", JSONVersion: "1.0"})}
}

// SendMessageInput is a message for a queue.
type SendMessageInput struct {
	QueueUrl     *string
	MessageBody  *string
	DelaySeconds int32 `json:",omitempty"`
}

// SendMessageOutput is what SQS says of it.
type SendMessageOutput struct {
	MessageId        *string
	MD5OfMessageBody *string
}

// SendMessage calls SendMessage.
func (c *Client) SendMessage(ctx context.Context, in *SendMessageInput, optFns ...func(*Options)) (*SendMessageOutput, error) {
	var o Options
	for _, f := range optFns {
		f(&o)
	}
	out := new(SendMessageOutput)
	return out, c.c.Call(ctx, o.Region, "SendMessage", in, out)
}
