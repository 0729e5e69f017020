package intake

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/foghornhq/foghorn/lambda/awsjson"
	"github.com/foghornhq/foghorn/lambda/awsjson/sqs"

	"github.com/foghornhq/foghorn/lambda/awslogs"
	"github.com/foghornhq/foghorn/lambda/internal/awsfake"
	"github.com/foghornhq/foghorn/lambda/internal/fixtures"
)

const queueURL = "https://sqs.us-east-1.amazonaws.com/123456789012/foghorn-queue-1a2b3c4"

// read returns a CloudWatch Logs sample under lambda/testdata/logs.
func read(t *testing.T, rel string) []byte { return fixtures.Read(t, filepath.Join("logs", rel)) }

func newIntake(t *testing.T, fake *awsfake.SQS) *Intake {
	t.Helper()
	in, err := New(fake.Client(), queueURL, "eu-west-1", nil)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func TestEnqueueDelivery(t *testing.T) {
	fake := awsfake.NewSQS(queueURL)
	defer fake.Close()
	in := newIntake(t, fake)
	res, err := in.Enqueue(context.Background(), read(t, "lambda-cloudwatch-logs-event-awslogs.json"))
	if err != nil || res.Events != 2 || res.Messages != 1 {
		t.Fatalf("Enqueue = %+v, %v", res, err)
	}
	msgs := fake.Messages()
	if len(msgs) != 1 || msgs[0].QueueURL != queueURL {
		t.Fatalf("messages %+v", msgs)
	}
	b, shape, err := awslogs.Read([]byte(msgs[0].Body))
	if err != nil || shape != awslogs.Decoded || b.LogGroup != "testLogGroup" || b.Region != "eu-west-1" || len(b.LogEvents) != 2 {
		t.Errorf("the queued body reads as %v %v %+v", shape, err, b)
	}
	for _, p := range fake.Problems() {
		t.Error(p)
	}
}

// A delivery larger than a queue message is cut into several, every event in one of them.
func TestEnqueueCutsLargeDeliveries(t *testing.T) {
	fake := awsfake.NewSQS(queueURL)
	defer fake.Close()
	in := newIntake(t, fake)
	d := events.CloudwatchLogsData{Owner: "123456789012", LogGroup: "/ecs/checkout-api", LogStream: "ecs/app/0123", MessageType: awslogs.DataMessage}
	for i := range 4000 {
		d.LogEvents = append(d.LogEvents, events.CloudwatchLogsLogEvent{ID: fmt.Sprint(i), Timestamp: 1767225600000, Message: fmt.Sprintf("ERROR order %d not found %s", i, strings.Repeat("x", 200))})
	}
	ev, err := awslogs.Encode(d)
	if err != nil {
		t.Fatal(err)
	}
	res, err := in.Enqueue(context.Background(), ev)
	if err != nil || res.Messages < 4 {
		t.Fatalf("Enqueue = %+v, %v; want several messages", res, err)
	}
	n := 0
	for _, m := range fake.Messages() {
		b, _, err := awslogs.Read([]byte(m.Body))
		if err != nil {
			t.Fatal(err)
		}
		n += len(b.LogEvents)
	}
	if n != 4000 {
		t.Errorf("%d events queued, want 4000", n)
	}
	for _, p := range fake.Problems() {
		t.Error(p)
	}
}

func TestControlMessageGoesNoFurther(t *testing.T) {
	fake := awsfake.NewSQS(queueURL)
	defer fake.Close()
	res, err := newIntake(t, fake).Enqueue(context.Background(), read(t, "derived/lambda-cloudwatch-logs-event-awslogs-control-message.json"))
	if err != nil || !res.Control || len(fake.Messages()) != 0 {
		t.Fatalf("Enqueue = %+v, %v; %d messages sent", res, err, len(fake.Messages()))
	}
}

// An undecodable payload is enqueued as it arrived, to reach chat as a generic alert.
func TestUndecodableIsEnqueued(t *testing.T) {
	fake := awsfake.NewSQS(queueURL)
	defer fake.Close()
	in := newIntake(t, fake)
	payload := read(t, "lambda-cloudwatch-logs-event-docs-truncated-not-gzip.json")
	if _, err := in.Enqueue(context.Background(), payload); err != nil {
		t.Fatal(err)
	}
	// Too large for a queue message, with characters SQS refuses: cut and cleaned, not lost.
	huge := []byte(`{"awslogs":{"data":"` + strings.Repeat("\x01A", 200_000) + `"}}`)
	if _, err := in.Enqueue(context.Background(), huge); err != nil {
		t.Fatal(err)
	}
	msgs := fake.Messages()
	if len(msgs) != 2 || msgs[0].Body != string(payload) {
		t.Fatalf("messages %d; first %q", len(msgs), msgs[0].Body)
	}
	if len(msgs[1].Body) > awslogs.MaxSQSBody || !strings.Contains(msgs[1].Body, "cut by the foghorn intake") {
		t.Errorf("the large payload was sent as %d bytes", len(msgs[1].Body))
	}
	for _, p := range fake.Problems() {
		t.Error(p)
	}
}

// When the queue fails, the invocation fails, so Lambda retries it and then hands it to the
// on-failure destination; a retry after a partial send sends everything again.
func TestQueueFailureFailsTheInvocation(t *testing.T) {
	fake := awsfake.NewSQS(queueURL)
	defer fake.Close()
	// The client tries three times: three failures fail the send.
	in := newIntake(t, fake)
	fake.FailNext(awsfake.Unavailable(), awsfake.Unavailable(), awsfake.Unavailable())
	payload := read(t, "lambda-cloudwatch-logs-event-awslogs.json")
	if err := in.Handle(context.Background(), payload); err == nil || !strings.Contains(err.Error(), "sending part 1 of 1") {
		t.Fatalf("Handle = %v, want the queue's failure", err)
	}
	if err := in.Handle(context.Background(), payload); err != nil {
		t.Fatal(err)
	}
	if len(fake.Messages()) != 1 {
		t.Errorf("%d messages after the retry, want 1", len(fake.Messages()))
	}
	wrong, err := New(fake.Client(), queueURL+"-gone", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := wrong.Handle(context.Background(), payload); err == nil {
		t.Error("a missing queue did not fail the invocation")
	}
}

func TestNewNeedsAQueue(t *testing.T) {
	if _, err := New(nil, queueURL, "", nil); err == nil {
		t.Error("no client accepted")
	}
	if _, err := New(sqs.New(awsjson.Config{Region: "us-east-1", Credentials: awsfake.Credentials}), "", "", nil); err == nil {
		t.Error("no queue accepted")
	}
}
