package envelope

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

func read(t *testing.T, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSplitRealEnvelopes(t *testing.T) {
	tests := []struct {
		file string
		want []Record // Body compared as text; "*" means the payload itself
	}{
		{"lambda-sqs-event-basic.json", []Record{{ItemID: "MessageID_1", Via: ViaSQS, Body: []byte("Message Body")}}},
		{"lambda-sqs-event-sns-envelope-not-raw.json", []Record{{
			ItemID: "79406a00-bf15-46ca-978c-22c3613fcb30", MessageID: "d88d4479-6ec0-54fe-b63f-1cf9df4bb16e", Via: ViaSQSSNS,
			Body: []byte(`{"message": "hello world", "username": "lessa"}`),
		}}},
		{"lambda-sns-event-basic.json", []Record{{MessageID: "95df01b4-ee98-5cb9-9903-4c221d41eb5e", Subject: "TestInvoke", Via: ViaSNS, Body: []byte("Hello from SNS!")}}},
		{"lambda-sns-event-cloudwatch-alarm-ok-logmetrics.json", []Record{{
			MessageID: "f86e3c5b-cd17-1ab8-80e9-c0776d4f1e7a", Subject: `'OK: "DBMigrationRequired" in EU (London)`, Via: ViaSNS,
			Body: []byte(`{"AlarmName": "DBMigrationRequired",`),
		}}},
		{"eventbridge-cloudwatch-alarm-state-change-metric-math.json", []Record{{Via: ViaDirect, Body: []byte("*")}}},
		{"ecs-task-state-change-fargate-running.json", []Record{{Via: ViaDirect, Body: []byte("*")}}},
		{"lambda-alarm-action-composite-alarm.json", []Record{{Via: ViaDirect, Body: []byte("*")}}},
		{"sns-message-cloudwatch-alarm-minimal-no-trigger.json", []Record{{Via: ViaDirect, Body: []byte("*")}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			payload := read(t, "aws", tt.file)
			got, err := Split(payload)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d records, want %d", len(got), len(tt.want))
			}
			for i, w := range tt.want {
				g := got[i]
				if g.ItemID != w.ItemID || g.MessageID != w.MessageID || g.Subject != w.Subject || g.Via != w.Via {
					t.Errorf("record %d = %+v, want %+v", i, g, w)
				}
				switch {
				case string(w.Body) == "*":
					if !bytes.Equal(g.Body, payload) {
						t.Errorf("record %d body is not the payload", i)
					}
				case strings.HasSuffix(string(w.Body), ","):
					if !bytes.HasPrefix(g.Body, w.Body) {
						t.Errorf("record %d body = %.80s…", i, g.Body)
					}
				case !bytes.Equal(g.Body, w.Body):
					t.Errorf("record %d body = %q, want %q", i, g.Body, w.Body)
				}
			}
		})
	}
}

// The production path: EventBridge → SNS → SQS (raw delivery off) → Lambda. The derived fixture
// is the real SNS-in-SQS sample with the SNS Message replaced by a real ECS event (compacted, as
// EventBridge publishes it), so the body must come out as that same event.
func TestSplitNestedSQSSNSEventBridge(t *testing.T) {
	payload := read(t, "aws-derived", "lambda-sqs-event-sns-envelope-ecs-task-stopped-elb-health-check.json")
	inner := read(t, "aws", "ecs-task-state-change-stopped-elb-health-check-fargate.json")
	recs, err := Split(payload)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || recs[0].Via != ViaSQSSNS || recs[0].ItemID == "" || recs[0].MessageID == "" {
		t.Fatalf("got %+v", recs)
	}
	if !jsonEqual(t, recs[0].Body, inner) {
		t.Errorf("body differs from the inner event:\n%s", recs[0].Body)
	}

}

// Round trip: wrap every real fixture body in each envelope shape and get it back unchanged.
func TestRoundTripEveryFixture(t *testing.T) {
	entries, err := os.ReadDir(filepath.Join("..", "testdata", "aws"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".json") || strings.HasPrefix(e.Name(), "lambda-s") {
			continue
		}
		body := read(t, "aws", e.Name())
		wrapped := map[string][]byte{
			ViaSQS:    sqsEvent(t, "item-1", string(body)),
			ViaSQSSNS: sqsEvent(t, "item-1", snsNotificationJSON(t, "msg-1", "example subject", string(body))),
			ViaSNS:    snsEvent(t, "msg-1", string(body)),
		}
		for via, payload := range wrapped {
			recs, err := Split(payload)
			if err != nil {
				t.Fatalf("%s via %s: %v", e.Name(), via, err)
			}
			if len(recs) != 1 || recs[0].Via != via || !bytes.Equal(recs[0].Body, body) {
				t.Errorf("%s via %s: got %+v", e.Name(), via, recs)
			}
		}
	}
}

func TestSplitEdges(t *testing.T) {
	// Text that cannot be an envelope is handed on whole: the classifier shows it as it came.
	if recs, err := Split([]byte("Hello from SNS!")); err != nil || len(recs) != 1 || recs[0].Via != ViaDirect {
		t.Errorf("plain text: %+v, %v; want one direct record", recs, err)
	}
	if _, err := Split([]byte(`{"Records": [`)); !errors.Is(err, ErrNotJSON) {
		t.Errorf("broken envelope: err = %v", err)
	}
	if _, err := Split(nil); !errors.Is(err, ErrNotJSON) {
		t.Errorf("empty payload: err = %v", err)
	}
	recs, err := Split([]byte(`{"Records":[]}`))
	if err != nil || len(recs) != 0 {
		t.Errorf("empty batch: %v %+v", err, recs)
	}
	for _, doc := range []string{
		`{"Records":[{"eventSource":"aws:s3","s3":{}}]}`, // another Lambda event stays whole
		`{"Records":"x"}`,
		`[1,2,3]`,
		`"just a string"`,
		`{"Type":"Notification"}`, // no Message
		`{"message":"hi","Type":"Other","MessageId":"x"}`,
	} {
		recs, err := Split([]byte(doc))
		if err != nil || len(recs) != 1 || recs[0].Via != ViaDirect || string(recs[0].Body) != doc {
			t.Errorf("%s: %v %+v", doc, err, recs)
		}
	}
	// A body that is not a string and a Message that is an object are kept as JSON text.
	recs, err = Split([]byte(`{"Records":[{"messageId":"m1","body":{"a":1}},{"Sns":{"MessageId":"s1","Message":{"b":2}}}]}`))
	if err != nil || len(recs) != 2 || string(recs[0].Body) != `{"a":1}` || string(recs[1].Body) != `{"b":2}` || recs[1].Via != ViaSNS {
		t.Errorf("inline objects: %v %+v", err, recs)
	}
	// A malformed attribute or timestamp must not lose the message.
	recs, err = Split([]byte(`{"Records":[{"messageId":"m1","body":"x","messageAttributes":{"a":{"binaryValue":"%%%","dataType":"Binary"}}},{"EventSource":"aws:sns","Sns":{"MessageId":"s1","Timestamp":"yesterday","Message":"y"}}]}`))
	if err != nil || len(recs) != 2 || string(recs[0].Body) != "x" || recs[0].ItemID != "m1" || string(recs[1].Body) != "y" {
		t.Errorf("malformed fields: %v %+v", err, recs)
	}
	// SQS with raw delivery carries bodies that are not JSON, as they are.
	recs, err = Split(sqsEvent(t, "m2", "plain \x00 text"))
	if err != nil || len(recs) != 1 || string(recs[0].Body) != "plain \x00 text" || recs[0].Via != ViaSQS {
		t.Errorf("raw text body: %v %+v", err, recs)
	}
}

func sqsEvent(t *testing.T, id, body string) []byte {
	t.Helper()
	b, err := json.Marshal(events.SQSEvent{Records: []events.SQSMessage{{MessageId: id, Body: body, EventSource: "aws:sqs"}}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func snsNotificationJSON(t *testing.T, id, subject, message string) string {
	t.Helper()
	b, err := json.Marshal(map[string]string{
		"Type": "Notification", "MessageId": id, "TopicArn": "arn:aws:sns:us-east-1:111122223333:example-topic",
		"Subject": subject, "Message": message, "Timestamp": "2024-01-01T00:00:00.000Z",
	})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func snsEvent(t *testing.T, id, message string) []byte {
	t.Helper()
	b, err := json.Marshal(events.SNSEvent{Records: []events.SNSEventRecord{{EventSource: "aws:sns", SNS: events.SNSEntity{MessageID: id, Type: "Notification", Message: message}}}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return bytes.Equal(xa, ya)
}
