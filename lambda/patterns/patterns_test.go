package patterns

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/awslogs"
	"github.com/foghornhq/foghorn/lambda/logsource"
)

func batch(msgs ...string) awslogs.Batch {
	b := awslogs.Batch{Region: "eu-west-1", CloudwatchLogsData: events.CloudwatchLogsData{Owner: "123456789012", LogGroup: "/ecs/checkout-api",
		LogStream: "ecs/app/0123456789abcdef0123456789abcdef", MessageType: awslogs.DataMessage}}
	for i, m := range msgs {
		b.LogEvents = append(b.LogEvents, events.CloudwatchLogsLogEvent{ID: string(rune('a' + i)), Timestamp: 1767225600000 + int64(i)*1000, Message: m})
	}
	return b
}

func TestAlertsOnePerPattern(t *testing.T) {
	r := New(nil, logsource.New([]logsource.Mapping{{LogGroup: "/ecs/*", Cluster: "prod", Service: "checkout-api"}}, nil, nil))
	b := batch(
		"ERROR order 1 not found", "ERROR order 2 not found", "panic: boom",
		"ERROR order 3 not found", "ERROR order 4 not found", "ERROR order 4 not found",
	)
	got := r.Alerts(context.Background(), b)
	if len(got) != 2 {
		t.Fatalf("%d alerts, want 2", len(got))
	}
	orders, panics := got[0], got[1]
	lp := orders.Log
	if lp.Pattern != "ERROR order <num> not found" || lp.Occurrences != 5 || lp.Lines != 5 || orders.Count != 5 || orders.Severity != alert.Warning {
		t.Errorf("orders: %+v", lp)
	}
	// The first two samples, and the latest distinct one.
	if want := []string{"ERROR order 1 not found", "ERROR order 2 not found", "ERROR order 4 not found"}; strings.Join(orders.LogLines, "|") != strings.Join(want, "|") {
		t.Errorf("samples %q", orders.LogLines)
	}
	if panics.Severity != alert.Critical || panics.Log.Exception != "panic" {
		t.Errorf("panic: %+v", panics)
	}
	// The small print names the AWS event, as every message's does.
	if orders.Origin != "CloudWatch Logs subscription: DATA_MESSAGE" || panics.Origin != orders.Origin {
		t.Errorf("origin %q, %q", orders.Origin, panics.Origin)
	}
	id := orders.Identity
	if id.Service != "checkout-api" || id.Cluster != "prod" || id.Account != "123456789012" || id.Region != "eu-west-1" || id.Partition != "aws" {
		t.Errorf("identity %+v", id)
	}
	if !lp.First.Before(lp.Last) || lp.LogStream != b.LogStream || !strings.Contains(lp.Query, "like /ERROR order.*not found/") {
		t.Errorf("times, stream or query: %+v", lp)
	}
	var labels []string
	for _, l := range orders.Links {
		labels = append(labels, l.Label)
	}
	if strings.Join(labels, ",") != "Log stream,Logs Insights" {
		t.Errorf("links %v", labels)
	}
	// The same batch again (a redelivery) gives the same ids; another stream, others.
	again := r.Alerts(context.Background(), b)
	if again[0].EventID != orders.EventID || again[1].EventID != panics.EventID || orders.EventID == panics.EventID {
		t.Error("event ids are not stable and distinct")
	}
	b.LogStream = "ecs/app/ffff"
	if other := r.Alerts(context.Background(), b); other[0].EventID == orders.EventID {
		t.Error("another stream's alert has the same id")
	}
}

func TestUndecodable(t *testing.T) {
	body := []byte(`{"awslogs":{"data":"not base64 <@channel>"}}`)
	_, _, err := awslogs.Read(body)
	a := Undecodable(body, err, "sqs")
	if a.Kind != alert.KindGeneric || a.Event != "LOGS_UNDECODABLE" || !strings.Contains(a.Reason.Text, "not base64") ||
		!strings.Contains(a.Excerpt, "awslogs") || a.EventID != Undecodable(body, err, "sqs").EventID || a.Origin != "CloudWatch Logs subscription" {
		t.Errorf("%+v", a)
	}
	if b := Undecodable([]byte("x"), errors.New("odd"), ""); b.EventID == a.EventID || len(b.Facts) != 0 {
		t.Errorf("%+v", b)
	}
}
