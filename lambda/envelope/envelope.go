// Package envelope splits what the notifier receives into records: a Lambda SQS batch whose
// bodies are SNS notifications (the production path), SQS with raw delivery, a Lambda SNS event,
// an SNS notification document, or a bare message (an EventBridge event, an alarm notification,
// the alarm's Lambda-action payload, anything at all). It only unwraps; the classify package
// decides what a body is.
package envelope

import (
	"bytes"
	"errors"
	"sync"
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

// ErrNotJSON is returned by Split for an empty payload, or one that looks like an envelope
// (it names Records or a Notification) but is not JSON.
var ErrNotJSON = errors.New("envelope: payload is not JSON")

// Split returns the records in a payload. A JSON document of no known envelope shape is one
// record holding the document; a Lambda event whose Records list is empty is an empty batch:
// no records and no error.
//
// A payload that cannot be an envelope is handed on as one record without being read: the
// classifier decodes it anyway, and a body that is not JSON becomes a generic alert showing
// what arrived, so nothing is lost. Callers that must refuse input that is not JSON (the CLI)
// check it themselves. JSON work is most of the per-event cost, and each pass over a 4 KB
// event shows: an envelope is read once, as tokens, keeping only the few keys that tell the
// shapes apart, and the messages inside are unquoted as they are met (probe.go).
//
// Keys are matched as encoding/json matches struct fields (case-insensitively, the last of
// duplicates winning), and values of an unexpected type are passed over as it passes them, so
// that an envelope reads the same as it did when it was decoded with encoding/json.
func Split(payload []byte) ([]Record, error) {
	if len(bytes.TrimSpace(payload)) == 0 {
		return nil, ErrNotJSON
	}
	if !bytes.Contains(payload, []byte(`"Records"`)) && !bytes.Contains(payload, []byte(`"Notification"`)) {
		return []Record{{Via: ViaDirect, Body: payload}}, nil
	}
	arena := arenas.Get().(*[]byte)
	defer func() {
		if cap(*arena) <= maxArena {
			*arena = (*arena)[:0]
			arenas.Put(arena)
		}
	}()
	p := probe{arena: arena}
	if err := p.read(payload, true); err != nil {
		return nil, ErrNotJSON
	}
	if p.hasRecords {
		if recs, ok := splitRecords(p.records, arena); ok {
			return recs, nil
		}
	}
	if n, ok := p.notification(); ok {
		return []Record{{MessageID: n.MessageID, Subject: n.Subject, Via: ViaSNS, Body: n.Message}}, nil
	}
	return []Record{{Via: ViaDirect, Body: payload}}, nil
}

// fromSQSBody reads an SQS message's body. A body in the arena (inArena) is copied out
// unless it is an SNS notification, whose Message alone is kept (as a copy).
func fromSQSBody(id string, body []byte, inArena bool) Record {
	if n, ok := snsNotification(body); ok {
		return Record{ItemID: id, MessageID: n.MessageID, Subject: n.Subject, Via: ViaSQSSNS, Body: n.Message}
	}
	if inArena {
		body = append([]byte{}, body...)
	}
	return Record{ItemID: id, Via: ViaSQS, Body: body}
}

// arenas keep the buffers bodies are unquoted into, from one batch to the next.
var arenas = sync.Pool{New: func() any { return new([]byte) }}

// maxArena is the largest buffer kept for the next batch: SQS batches hold at most 6 MB.
const maxArena = 8 << 20

// splitRecords reads a Lambda event's Records list. It reports false unless every record is
// an SQS message or an SNS record, so that other Lambda events (S3, DynamoDB, …) reach the
// classifier whole rather than in pieces nobody recognises.
func splitRecords(items []item, arena *[]byte) ([]Record, bool) {
	recs := make([]Record, 0, len(items))
	for i := range items {
		rec, ok := items[i].record(arena)
		if !ok {
			return nil, false
		}
		recs = append(recs, rec)
	}
	return recs, true
}

// record reads one item of a Records list; it reports false unless the item is an SQS
// message or an SNS record.
func (it *item) record(arena *[]byte) (Record, bool) {
	switch {
	case it.sns != nil:
		return Record{MessageID: it.sns.messageID, Subject: it.sns.subject.s, Via: ViaSNS, Body: it.sns.message.bytes()}, true
	case it.body != nil || it.eventSource == "aws:sqs":
		body, inArena := it.body.bytes(), it.bodyAt[1] > 0
		if inArena {
			body = (*arena)[it.bodyAt[0]:it.bodyAt[1]]
		}
		return fromSQSBody(it.messageID, body, inArena), true
	}
	return Record{}, false
}

// notification is an SNS notification as SNS delivers it over HTTP or to SQS without raw
// delivery.
type notification struct {
	MessageID string
	Subject   string
	Message   []byte
}

// snsNotification reads b as an SNS notification document.
func snsNotification(b []byte) (notification, bool) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' || !bytes.Contains(b, []byte(`"Notification"`)) {
		return notification{}, false
	}
	var p probe
	if p.read(b, false) != nil {
		return notification{}, false
	}
	return p.notification()
}
