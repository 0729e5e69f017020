// Package envelope splits what the notifier receives into records: a Lambda SQS batch whose
// bodies are SNS notifications (the production path), SQS with raw delivery, a Lambda SNS event,
// an SNS notification document, or a bare message (an EventBridge event, an alarm notification,
// the alarm's Lambda-action payload, anything at all). It only unwraps; the classify package
// decides what a body is.
package envelope

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/aws/aws-lambda-go/events"
)

// How a record reached the notifier.
const (
	ViaSQSSNS = "sqs+sns" // SQS message whose body is an SNS notification (raw delivery off)
	ViaSQS    = "sqs"     // SQS message whose body is the message itself
	ViaSNS    = "sns"     // Lambda SNS event, or an SNS notification document
	ViaDirect = "direct"  // the payload itself
)

// Record is one message to classify.
type Record struct {
	ItemID    string // SQS messageId: the id reported back in batchItemFailures; "" when not from SQS
	MessageID string // SNS MessageId when the record came through SNS
	Subject   string // SNS Subject, if any
	Via       string // "sqs+sns", "sqs", "sns", "direct"
	Body      []byte // the innermost message: an EventBridge event, alarm JSON, or anything at all
}

// ErrNotJSON is returned by Split for a payload that is not JSON at all.
var ErrNotJSON = errors.New("envelope: payload is not JSON")

// Split returns the records in a payload. It fails only when the payload is not JSON; a JSON
// document of no known envelope shape is one record holding the document. A Lambda event
// whose Records list is empty is an empty batch: no records and no error.
func Split(payload []byte) ([]Record, error) {
	if !json.Valid(payload) {
		return nil, ErrNotJSON
	}
	if recs, ok := splitRecords(payload); ok {
		return recs, nil
	}
	if n, ok := snsNotification(payload); ok {
		return []Record{{MessageID: n.MessageID, Subject: n.Subject, Via: ViaSNS, Body: n.Message}}, nil
	}
	return []Record{{Via: ViaDirect, Body: payload}}, nil
}

// FromSQS returns one record per SQS message, unwrapping SNS notifications.
func FromSQS(ev events.SQSEvent) []Record {
	recs := make([]Record, 0, len(ev.Records))
	for _, m := range ev.Records {
		recs = append(recs, fromSQSMessage(m))
	}
	return recs
}

func fromSQSMessage(m events.SQSMessage) Record {
	body := []byte(m.Body)
	if n, ok := snsNotification(body); ok {
		return Record{ItemID: m.MessageId, MessageID: n.MessageID, Subject: n.Subject, Via: ViaSQSSNS, Body: n.Message}
	}
	return Record{ItemID: m.MessageId, Via: ViaSQS, Body: body}
}

// splitRecords reads a Lambda event with a Records list. It reports false unless every record
// is an SQS message or an SNS record, so that other Lambda events (S3, DynamoDB, …) reach the
// classifier whole rather than in pieces nobody recognises.
func splitRecords(payload []byte) ([]Record, bool) {
	var top map[string]json.RawMessage
	if json.Unmarshal(payload, &top) != nil {
		return nil, false
	}
	raw, ok := top["Records"]
	if !ok {
		return nil, false
	}
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil || items == nil {
		return nil, false
	}
	recs := make([]Record, 0, len(items))
	for _, item := range items {
		var fields map[string]json.RawMessage
		if json.Unmarshal(item, &fields) != nil {
			return nil, false
		}
		switch {
		case fields["Sns"] != nil:
			recs = append(recs, fromSNSRecord(fields["Sns"]))
		case fields["body"] != nil || source(fields) == "aws:sqs":
			recs = append(recs, fromSQSMessage(sqsMessage(item, fields["body"])))
		default:
			return nil, false
		}
	}
	return recs, true
}

func source(fields map[string]json.RawMessage) string {
	var s string
	_ = json.Unmarshal(fields["eventSource"], &s)
	return s
}

// sqsMessage decodes one SQS record as far as it can. A body that is not a JSON string
// (hand-made test events sometimes inline the object) is kept as its JSON text.
func sqsMessage(item, body json.RawMessage) events.SQSMessage {
	var m events.SQSMessage
	// Best effort: an odd attribute (say, binaryValue that is not base64) must not lose the body.
	_ = json.Unmarshal(item, &m)
	var s string
	if len(body) > 0 && json.Unmarshal(body, &s) != nil {
		m.Body = string(body)
	}
	return m
}

// snsEntity is the part of an SNS record the notifier needs. aws-lambda-go's events.SNSEntity
// decodes Timestamp as time.Time, and one odd timestamp would then lose the whole record.
type snsEntity struct {
	Type      string          `json:"Type"`
	MessageID string          `json:"MessageId"`
	TopicArn  string          `json:"TopicArn"`
	Subject   *string         `json:"Subject"`
	Message   json.RawMessage `json:"Message"`
}

func fromSNSRecord(raw json.RawMessage) Record {
	var e snsEntity
	_ = json.Unmarshal(raw, &e)
	return Record{MessageID: e.MessageID, Subject: deref(e.Subject), Via: ViaSNS, Body: messageBytes(e.Message)}
}

// notification is an SNS notification as SNS delivers it over HTTP or to SQS without raw
// delivery.
type notification struct {
	MessageID string
	Subject   string
	Message   []byte
}

// snsNotification reads b as an SNS notification document: an object whose Type is
// "Notification" with a Message and a MessageId or TopicArn. Keys are matched exactly, so an
// event that merely has a "message" field is not mistaken for one.
func snsNotification(b []byte) (notification, bool) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return notification{}, false
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(b, &fields) != nil {
		return notification{}, false
	}
	var typ string
	if json.Unmarshal(fields["Type"], &typ) != nil || typ != "Notification" || fields["Message"] == nil ||
		(fields["MessageId"] == nil && fields["TopicArn"] == nil) {
		return notification{}, false
	}
	var id, subject string
	_ = json.Unmarshal(fields["MessageId"], &id)
	_ = json.Unmarshal(fields["Subject"], &subject)
	return notification{MessageID: id, Subject: subject, Message: messageBytes(fields["Message"])}, true
}

// messageBytes returns an SNS Message: the string's content, or the JSON text itself when a
// hand-made event put an object there.
func messageBytes(raw json.RawMessage) []byte {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return []byte(s)
	}
	if len(raw) == 0 || string(raw) == "null" {
		return []byte{}
	}
	return []byte(raw)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
