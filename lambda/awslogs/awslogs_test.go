package awslogs

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/foghornhq/foghorn/lambda/internal/fixtures"
)

// read returns a CloudWatch Logs sample under lambda/testdata/logs.
func read(t *testing.T, name string) []byte { return fixtures.Read(t, filepath.Join("logs", name)) }

func TestReadShapes(t *testing.T) {
	decoded := read(t, "cloudwatch-logs-data-message-aws-lambda-go-decoded.json")
	var want Batch
	if err := json.Unmarshal(decoded, &want); err != nil {
		t.Fatal(err)
	}
	event := read(t, "lambda-cloudwatch-logs-event-awslogs.json")
	// Lambda's on-failure record, as the intake's async invoke config writes it to the DLQ.
	failure := []byte(`{"version":"1.0","timestamp":"2026-03-01T10:00:00.000Z","requestContext":{"requestId":"00000000-0000-4000-8000-000000000000","functionArn":"arn:aws:lambda:eu-west-1:123456789012:function:foghorn-intake:$LATEST","condition":"RetriesExhausted","approximateInvokeCount":3},"requestPayload":` + string(event) + `,"responseContext":{"statusCode":200,"executedVersion":"$LATEST","functionError":"Unhandled"},"responsePayload":{"errorMessage":"boom"}}`)
	for _, tc := range []struct {
		name  string
		body  []byte
		shape Shape
	}{
		{"lambda event (aws-lambda-go testdata)", event, Event},
		{"decoded document", decoded, Decoded},
		{"on-failure record", failure, FailureRecord},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, shape, err := Read(tc.body)
			if err != nil || shape != tc.shape {
				t.Fatalf("Read = %v, %v; want %v, nil", shape, err, tc.shape)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestReadControlMessage(t *testing.T) {
	for _, name := range []string{"cloudwatch-logs-control-message-decoded.json", "derived/lambda-cloudwatch-logs-event-awslogs-control-message.json"} {
		b, _, err := Read(read(t, name))
		if err != nil || !b.Control() {
			t.Errorf("%s: control = %v, err = %v; want a control message", name, b.Control(), err)
		}
	}
}

func TestReadUndecodable(t *testing.T) {
	for _, tc := range []struct {
		name, body, reason string
		shape              Shape
	}{
		{"docs example: base64 JSON cut with ..., not gzip", string(read(t, "lambda-cloudwatch-logs-event-docs-truncated-not-gzip.json")), "not base64", Event},
		{"base64 of plain JSON", `{"awslogs":{"data":"eyJtZXNzYWdlVHlwZSI6IkRBVEFfTUVTU0FHRSJ9"}}`, "not gzip", Event},
		{"no data", `{"awslogs":{}}`, "missing", Event},
		{"unknown message type", `{"messageType":"OTHER","logGroup":"g","logEvents":[]}`, "neither", Decoded},
		{"no log group", `{"messageType":"DATA_MESSAGE","logEvents":[]}`, "no logGroup", Decoded},
		{"events of the wrong type", `{"messageType":"DATA_MESSAGE","logGroup":"g","logEvents":{"id":1}}`, "not the JSON", Decoded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, shape, err := Read([]byte(tc.body))
			var e *Error
			if !errors.As(err, &e) || shape != tc.shape || !strings.Contains(e.Reason, tc.reason) {
				t.Fatalf("Read = %v, %v; want shape %v and an *Error saying %q", shape, err, tc.shape, tc.reason)
			}
		})
	}
}

func TestReadIgnoresOtherBodies(t *testing.T) {
	for _, body := range []string{``, `not json`, `{"detail-type":"ECS Task State Change"}`, `[1,2]`, `{"awslogs": nope}`, `{"message":"awslogs"}`} {
		if _, shape, err := Read([]byte(body)); shape != NotLogs || err != nil {
			t.Errorf("Read(%q) = %v, %v; want NotLogs", body, shape, err)
		}
	}
}

func TestReadRefusesAGzipBomb(t *testing.T) {
	big := events.CloudwatchLogsData{MessageType: DataMessage, LogGroup: "g", LogEvents: []events.CloudwatchLogsLogEvent{{ID: "1", Message: strings.Repeat("A", MaxDecoded)}}}
	ev, err := Encode(big)
	if err != nil {
		t.Fatal(err)
	}
	if len(ev) > MaxSQSBody {
		t.Fatalf("the compressed payload is %d bytes; the test wants one that fits a queue message", len(ev))
	}
	_, _, err = Read(ev)
	var e *Error
	if !errors.As(err, &e) || !strings.Contains(e.Reason, "inflates to more than") {
		t.Fatalf("err = %v, want the size refusal", err)
	}
}

func TestEncodeRoundTrips(t *testing.T) {
	want := events.CloudwatchLogsData{Owner: "123456789012", LogGroup: "/ecs/checkout-api", LogStream: "ecs/app/0123", MessageType: DataMessage,
		SubscriptionFilters: []string{"foghorn"}, LogEvents: []events.CloudwatchLogsLogEvent{{ID: "1", Timestamp: 1767225600000, Message: "ERROR boom"}}}
	ev, err := Encode(want)
	if err != nil {
		t.Fatal(err)
	}
	got, shape, err := Read(ev)
	if err != nil || shape != Event || !reflect.DeepEqual(got.CloudwatchLogsData, want) {
		t.Fatalf("round trip: %+v, %v, %v", got, shape, err)
	}
}

func TestChunks(t *testing.T) {
	b := Batch{Region: "eu-west-1", CloudwatchLogsData: events.CloudwatchLogsData{Owner: "123456789012", LogGroup: "/ecs/checkout-api", LogStream: "ecs/app/0123",
		MessageType: DataMessage, SubscriptionFilters: []string{"foghorn"}}}
	for i := range 3000 {
		b.LogEvents = append(b.LogEvents, events.CloudwatchLogsLogEvent{ID: fmt.Sprint(i), Timestamp: 1767225600000 + int64(i), Message: fmt.Sprintf("ERROR order %d not found \"quoted\" <tag> \u00e9", i)})
	}
	// One line longer than a whole message, made of characters JSON escapes six-fold.
	b.LogEvents = append(b.LogEvents, events.CloudwatchLogsLogEvent{ID: "huge", Timestamp: 1767225700000, Message: "ERROR " + strings.Repeat("\x01", 100_000)})
	for _, limit := range []int{0, 64 * 1024, 4096} {
		chunks, err := Chunks(b, limit)
		if err != nil {
			t.Fatal(err)
		}
		if limit == 0 {
			limit = MaxSQSBody
		}
		var got []events.CloudwatchLogsLogEvent
		for i, c := range chunks {
			if len(c) > limit {
				t.Errorf("limit %d: chunk %d is %d bytes", limit, i, len(c))
			}
			part, shape, err := Read(c)
			if err != nil || shape != Decoded || part.LogGroup != b.LogGroup || part.Region != b.Region || part.Owner != b.Owner {
				t.Fatalf("limit %d: chunk %d reads as %v, %v, %+v", limit, i, shape, err, part)
			}
			got = append(got, part.LogEvents...)
		}
		if len(got) != len(b.LogEvents) {
			t.Fatalf("limit %d: %d events in the chunks, want %d", limit, len(got), len(b.LogEvents))
		}
		for i, e := range got {
			w := b.LogEvents[i]
			if e.ID != w.ID || e.Timestamp != w.Timestamp {
				t.Fatalf("limit %d: event %d is %s, want %s", limit, i, e.ID, w.ID)
			}
			if e.Message != w.Message && (!strings.HasSuffix(e.Message, CutMarker) || !strings.HasPrefix(w.Message, strings.TrimSuffix(e.Message, CutMarker))) {
				t.Fatalf("limit %d: event %s changed beyond a marked cut", limit, e.ID)
			}
		}
	}
}
