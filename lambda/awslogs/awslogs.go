// Package awslogs reads what CloudWatch Logs subscription filters deliver, in every shape it
// reaches foghorn: the Lambda event {"awslogs":{"data": base64(gzip(JSON))}}, the decoded
// DATA_MESSAGE or CONTROL_MESSAGE document, and Lambda's on-failure record of an
// asynchronous invocation that carried one (what lands in the dead-letter queue when the
// intake gave up, and comes back on a redrive). It also cuts a batch into pieces that fit an
// SQS message, which is how the intake hands log batches to the notifier.
//
// The types are aws-lambda-go's (events.CloudwatchLogsData); decoding is done here because
// events.CloudwatchLogsRawData.Parse inflates without a bound, and the notifier and the CLI
// read payloads anyone could have written.
package awslogs

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-lambda-go/events"
)

// Message types CloudWatch Logs sends.
const (
	// DataMessage carries log events.
	DataMessage = "DATA_MESSAGE"
	// ControlMessage is CloudWatch Logs checking that the destination is reachable; it
	// carries no log event of the application's.
	ControlMessage = "CONTROL_MESSAGE"
)

// MaxDecoded bounds a decoded payload. CloudWatch Logs puts at most about 1 MB of events in
// one delivery; anything far larger is not one of its payloads, and inflating it without a
// bound would let 256 KB of gzip take gigabytes of memory.
const MaxDecoded = 16 << 20

// Batch is one delivery: the decoded document, and the region it was delivered in when the
// intake said so (CloudWatch Logs' own document names no region).
type Batch struct {
	events.CloudwatchLogsData
	// Region is added by the intake, which knows where it runs; empty otherwise.
	Region string `json:"region,omitempty"`
}

// Control reports whether the batch is a reachability check.
func (b *Batch) Control() bool { return b.MessageType == ControlMessage }

// Shape says how a body held a log batch.
type Shape int

const (
	// NotLogs: the body is something else (an EventBridge event, an alarm, …).
	NotLogs Shape = iota
	// Event is the Lambda event {"awslogs":{"data":…}}.
	Event
	// Decoded is the DATA_MESSAGE or CONTROL_MESSAGE document itself.
	Decoded
	// FailureRecord is Lambda's on-failure destination record, whose requestPayload is the
	// Lambda event.
	FailureRecord
)

func (s Shape) String() string {
	return [...]string{"not logs", "awslogs event", "decoded subscription message", "on-failure record of an awslogs event"}[s]
}

// Error is a body that looked like a log delivery but could not be read. It says what was
// wrong in a sentence fit for a chat message; the body itself never appears in it.
type Error struct {
	Shape  Shape
	Reason string
}

func (e *Error) Error() string { return "awslogs: " + e.Shape.String() + ": " + e.Reason }

// probe is what tells the shapes apart, read in one pass.
type probe struct {
	AWSLogs *struct {
		Data *string `json:"data"`
	} `json:"awslogs"`
	MessageType    *string         `json:"messageType"`
	LogEvents      json.RawMessage `json:"logEvents"`
	RequestContext json.RawMessage `json:"requestContext"`
	RequestPayload *probe          `json:"requestPayload"`
}

// Read reports whether body is a log delivery and, if so, decodes it. A body of another kind
// is (NotLogs, nil) cheaply: only bodies that name awslogs or logEvents are parsed. A log
// delivery that cannot be decoded (not base64, not gzip, not JSON, too large, no logGroup) is
// its shape and an *Error: the caller tells it as a generic alert, never drops it.
func Read(body []byte) (Batch, Shape, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' || !namesLogs(body) {
		return Batch{}, NotLogs, nil
	}
	var p probe
	if err := json.Unmarshal(body, &p); err != nil {
		var typeErr *json.UnmarshalTypeError
		if !errors.As(err, &typeErr) {
			return Batch{}, NotLogs, nil // not JSON: the classifier says so
		}
	}
	switch {
	case p.AWSLogs != nil:
		b, err := decodeEvent(p.AWSLogs.Data, Event)
		return b, Event, err
	case p.RequestContext != nil && p.RequestPayload != nil && p.RequestPayload.AWSLogs != nil:
		b, err := decodeEvent(p.RequestPayload.AWSLogs.Data, FailureRecord)
		return b, FailureRecord, err
	case p.MessageType != nil && p.LogEvents != nil:
		b, err := parse(body, Decoded)
		return b, Decoded, err
	}
	return Batch{}, NotLogs, nil
}

// namesLogs reports whether body holds "awslogs" or "logEvents" (quotes included). Every
// record of every batch is asked, and most are no log delivery: the body is read once, for
// the "log" both names hold, rather than once for each name.
func namesLogs(body []byte) bool {
	for i := 0; ; {
		j := bytes.Index(body[i:], []byte("log"))
		if j < 0 {
			return false
		}
		p := i + j
		if p >= 4 && string(body[p-4:p]) == `"aws` && len(body) >= p+5 && string(body[p+3:p+5]) == `s"` ||
			p >= 1 && body[p-1] == '"' && len(body) >= p+10 && string(body[p+3:p+10]) == `Events"` {
			return true
		}
		i = p + 1
	}
}

// DecodeEvent decodes a Lambda awslogs event's data: base64, then gzip, then JSON.
func DecodeEvent(data string) (Batch, error) { return decodeEvent(&data, Event) }

func decodeEvent(data *string, shape Shape) (Batch, error) {
	if data == nil || *data == "" {
		return Batch{}, &Error{Shape: shape, Reason: "awslogs.data is missing or empty"}
	}
	raw, err := base64.StdEncoding.DecodeString(*data)
	if err != nil {
		return Batch{}, &Error{Shape: shape, Reason: "awslogs.data is not base64: " + err.Error()}
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return Batch{}, &Error{Shape: shape, Reason: "awslogs.data is not gzip-compressed: " + err.Error()}
	}
	defer zr.Close()
	plain, err := io.ReadAll(io.LimitReader(zr, MaxDecoded+1))
	if err != nil {
		return Batch{}, &Error{Shape: shape, Reason: "awslogs.data does not inflate: " + err.Error()}
	}
	if len(plain) > MaxDecoded {
		return Batch{}, &Error{Shape: shape, Reason: fmt.Sprintf("awslogs.data inflates to more than %d MB, far more than CloudWatch Logs delivers at once", MaxDecoded>>20)}
	}
	return parse(plain, shape)
}

// Parse reads a decoded subscription message.
func Parse(doc []byte) (Batch, error) { return parse(doc, Decoded) }

func parse(doc []byte, shape Shape) (Batch, error) {
	var b Batch
	if err := json.Unmarshal(doc, &b); err != nil {
		return Batch{}, &Error{Shape: shape, Reason: "the subscription message is not the JSON CloudWatch Logs sends: " + err.Error()}
	}
	switch b.MessageType {
	case ControlMessage:
		return b, nil
	case DataMessage:
	default:
		return Batch{}, &Error{Shape: shape, Reason: fmt.Sprintf("messageType %q is neither %s nor %s", b.MessageType, DataMessage, ControlMessage)}
	}
	if b.LogGroup == "" {
		return Batch{}, &Error{Shape: shape, Reason: "the DATA_MESSAGE names no logGroup"}
	}
	return b, nil
}

// Encode is the inverse of DecodeEvent: the Lambda event CloudWatch Logs would send for b.
// Tests, the demo and the fuzz targets use it to build deliveries.
func Encode(b events.CloudwatchLogsData) ([]byte, error) {
	doc, err := json.Marshal(b)
	if err != nil {
		return nil, err
	}
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	if _, err := zw.Write(doc); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return json.Marshal(events.CloudwatchLogsEvent{AWSLogs: events.CloudwatchLogsRawData{Data: base64.StdEncoding.EncodeToString(z.Bytes())}})
}
