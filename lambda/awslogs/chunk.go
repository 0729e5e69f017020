package awslogs

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
)

// MaxSQSBody is the largest SQS message body the intake sends: SQS's long-standing 256 KB
// limit (the queue's own maximum). Queues can be set higher nowadays; staying under the
// classic limit keeps the body valid on any queue.
const MaxSQSBody = 256 * 1024

// CutMarker ends a message the intake had to shorten to fit an SQS message. A line that long
// is rare (CloudWatch Logs allows events of up to 1 MB); it is still told, and its pattern
// comes from its start.
const CutMarker = " …[cut by foghorn: the line did not fit in one queue message]"

// Chunks cuts a batch into decoded DATA_MESSAGE documents of at most maxBytes each (0 means
// MaxSQSBody), every one carrying the batch's owner, log group, stream, filters and region,
// and together all of its events in order. An event that alone would not fit has its message
// shortened and marked with CutMarker: the line is still there, counted and told.
func Chunks(b Batch, maxBytes int) ([][]byte, error) {
	if maxBytes <= 0 {
		maxBytes = MaxSQSBody
	}
	head := b
	head.LogEvents = []events.CloudwatchLogsLogEvent{}
	empty, err := json.Marshal(head)
	if err != nil {
		return nil, err
	}
	// Room for events: the header and its empty list, less a margin for the commas.
	room := maxBytes - len(empty)
	if room < 1024 {
		return nil, fmt.Errorf("awslogs: a chunk of %d bytes cannot hold the batch's header (%d bytes) and an event", maxBytes, len(empty))
	}
	var out [][]byte
	var cur []events.CloudwatchLogsLogEvent
	used := 0
	flush := func() error {
		if len(cur) == 0 {
			return nil
		}
		h := head
		h.LogEvents = cur
		doc, err := json.Marshal(h)
		if err != nil {
			return err
		}
		out = append(out, doc)
		cur, used = nil, 0
		return nil
	}
	for _, e := range b.LogEvents {
		size, err := eventSize(e)
		if err != nil {
			return nil, err
		}
		if size+1 > room {
			e = shorten(e, room-1)
			if size, err = eventSize(e); err != nil {
				return nil, err
			}
		}
		if used+size+1 > room {
			if err := flush(); err != nil {
				return nil, err
			}
		}
		cur = append(cur, e)
		used += size + 1
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return out, nil
}

func eventSize(e events.CloudwatchLogsLogEvent) (int, error) {
	b, err := json.Marshal(e)
	return len(b), err
}

// shorten cuts e's message until the encoded event fits in limit bytes. JSON escaping can
// grow a byte to six, so it cuts by the encoded size and checks again.
func shorten(e events.CloudwatchLogsLogEvent, limit int) events.CloudwatchLogsLogEvent {
	msg := e.Message
	for {
		size, _ := eventSize(events.CloudwatchLogsLogEvent{ID: e.ID, Timestamp: e.Timestamp, Message: msg + CutMarker})
		if size <= limit || msg == "" {
			break
		}
		over := size - limit
		cut := len(msg) - max(over, len(msg)/8)
		if cut < 0 {
			cut = 0
		}
		for cut > 0 && !utf8.RuneStart(msg[cut]) {
			cut--
		}
		msg = msg[:cut]
	}
	e.Message = msg + CutMarker
	return e
}
