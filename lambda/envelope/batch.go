package envelope

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// SQSBatch wraps messages the way production delivers them — each is the Message of an SNS
// notification (raw delivery off), which is the body of an SQS message — and returns the
// Lambda SQS event. The demo and the end-to-end tests use it so they take the real path.
// Message ids are "msg-1", "msg-2", … in order.
func SQSBatch(messages []json.RawMessage) ([]byte, error) {
	type snsNote struct {
		Type      string `json:"Type"`
		MessageID string `json:"MessageId"`
		TopicArn  string `json:"TopicArn"`
		Message   string `json:"Message"`
		Timestamp string `json:"Timestamp"`
	}
	type sqsMsg struct {
		MessageID      string            `json:"messageId"`
		ReceiptHandle  string            `json:"receiptHandle"`
		Body           string            `json:"body"`
		Attributes     map[string]string `json:"attributes"`
		EventSource    string            `json:"eventSource"`
		EventSourceARN string            `json:"eventSourceARN"`
		AWSRegion      string            `json:"awsRegion"`
	}
	recs := make([]sqsMsg, 0, len(messages))
	for i, m := range messages {
		var compact bytes.Buffer
		if err := json.Compact(&compact, m); err != nil {
			return nil, fmt.Errorf("message %d: %w", i+1, err)
		}
		note, err := json.Marshal(snsNote{
			Type: "Notification", MessageID: fmt.Sprintf("sns-%d", i+1),
			TopicArn: "arn:aws:sns:us-east-1:123456789012:foghorn-events", Message: compact.String(),
			Timestamp: "2026-01-01T00:00:00.000Z",
		})
		if err != nil {
			return nil, err
		}
		recs = append(recs, sqsMsg{
			MessageID: fmt.Sprintf("msg-%d", i+1), ReceiptHandle: "handle-" + fmt.Sprint(i+1), Body: string(note),
			Attributes:  map[string]string{"ApproximateReceiveCount": "1"},
			EventSource: "aws:sqs", EventSourceARN: "arn:aws:sqs:us-east-1:123456789012:foghorn-buffer", AWSRegion: "us-east-1",
		})
	}
	return json.Marshal(map[string]any{"Records": recs})
}
