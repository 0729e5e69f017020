// Package logs is the CloudWatch Logs call the notifier makes (GetLogEvents), with the SDK's
// names and shapes, over awsjson: the SDK's cloudwatchlogs package costs 4 ms at every cold
// start.
package logs

import (
	"context"

	"github.com/foghornhq/foghorn/lambda/awsjson"
)

// Options changes one call: Region sends it to another region than the client's.
type Options struct{ Region string }

// Client calls CloudWatch Logs.
type Client struct{ c *awsjson.Client }

// New returns a CloudWatch Logs client.
func New(cfg awsjson.Config) *Client {
	return &Client{awsjson.New(cfg, awsjson.Service{Endpoint: "logs", EnvID: "CLOUDWATCH_LOGS", Target: "Logs_20140328", JSONVersion: "1.1"})}
}

// GetLogEventsInput asks for a stream's events.
type GetLogEventsInput struct {
	LogGroupName  *string `json:"logGroupName,omitempty"`
	LogStreamName *string `json:"logStreamName"`
	Limit         *int32  `json:"limit,omitempty"`
	StartFromHead *bool   `json:"startFromHead,omitempty"`
	NextToken     *string `json:"nextToken,omitempty"`
}

// GetLogEventsOutput holds them.
type GetLogEventsOutput struct {
	Events            []OutputLogEvent
	NextForwardToken  *string
	NextBackwardToken *string
}

// OutputLogEvent is one log event.
type OutputLogEvent struct {
	Message                  *string
	Timestamp, IngestionTime *int64
}

// GetLogEvents calls GetLogEvents.
func (c *Client) GetLogEvents(ctx context.Context, in *GetLogEventsInput, optFns ...func(*Options)) (*GetLogEventsOutput, error) {
	var o Options
	for _, f := range optFns {
		f(&o)
	}
	out := new(GetLogEventsOutput)
	return out, c.c.Call(ctx, o.Region, "GetLogEvents", in, out)
}
