package awsfake

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ownlogs "github.com/foghornhq/foghorn/lambda/awsjson/logs"
)

// Event is one log event of a stream.
type Event struct {
	Time    time.Time
	Message string
}

// LogsRequest is one GetLogEvents call as the fake received it. Pointers are nil when the
// request left the field out.
type LogsRequest struct {
	LogGroupName       string
	LogGroupIdentifier string
	LogStreamName      string
	Limit              *int32
	StartFromHead      *bool
	NextToken          string
	Region             string // from the SigV4 credential scope
}

// Logs is a fake CloudWatch Logs endpoint answering GetLogEvents.
type Logs struct {
	endpoint
	groups map[string]map[string][]Event // group → stream → events, oldest first
	faults map[string]Fault              // by group+"\x00"+stream, group+"\x00", or ""
	reqs   []LogsRequest
}

// NewLogs starts a fake CloudWatch Logs endpoint holding no log groups. Close it when done.
func NewLogs() *Logs {
	f := &Logs{
		endpoint: endpoint{service: "Logs_20140328", signingName: "logs"},
		groups:   map[string]map[string][]Event{},
		faults:   map[string]Fault{},
	}
	f.start(f.serve)
	return f
}

// Client returns the notifier's own client (awsjson) for the fake, in Region, signed with
// Credentials.
func (f *Logs) Client() *ownlogs.Client { return ownlogs.New(f.Config()) }

// CreateGroup makes an empty log group, as awslogs-create-group or the stack would.
func (f *Logs) CreateGroup(group string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.groups[group] == nil {
		f.groups[group] = map[string][]Event{}
	}
}

// Put appends events to a stream, creating the group and the stream if need be. A stream put
// with no events exists but is empty.
func (f *Logs) Put(group, stream string, events ...Event) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.groups[group] == nil {
		f.groups[group] = map[string][]Event{}
	}
	evs := append(f.groups[group][stream], events...)
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].Time.Before(evs[j].Time) })
	f.groups[group][stream] = evs
}

// Fail makes requests for a stream answer fault: stream "" means the whole group, group ""
// every request. A zero Fault clears it.
func (f *Logs) Fail(group, stream string, fault Fault) {
	key := ""
	if group != "" {
		key = group + "\x00" + stream
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if fault == (Fault{}) {
		delete(f.faults, key)
		return
	}
	f.faults[key] = fault
}

// Deny makes reading any stream of group answer AccessDeniedException, as IAM does for a role
// whose policy does not cover the group.
func (f *Logs) Deny(group string) {
	f.Fail(group, "", AccessDenied("logs:GetLogEvents", "arn:aws:logs:"+Region+":"+Account+":log-group:"+group+":log-stream:"))
}

// Requests returns the well-formed requests received, in order.
func (f *Logs) Requests() []LogsRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]LogsRequest(nil), f.reqs...)
}

func (f *Logs) serve(w http.ResponseWriter, r *http.Request) {
	req, ok := f.accept(w, r)
	if !ok {
		return
	}
	if req.op != "GetLogEvents" {
		f.unsupported(w, req.op, "UnknownOperationException", "GetLogEvents")
		return
	}
	var in struct {
		LogGroupName       *string `json:"logGroupName"`
		LogGroupIdentifier *string `json:"logGroupIdentifier"`
		LogStreamName      *string `json:"logStreamName"`
		Limit              *int32  `json:"limit"`
		StartFromHead      *bool   `json:"startFromHead"`
		NextToken          *string `json:"nextToken"`
		StartTime          *int64  `json:"startTime"`
		EndTime            *int64  `json:"endTime"`
	}
	if !f.decode(w, req, &in) {
		return
	}
	invalid := func(why, msg string) { f.invalid(w, req.op, why, msg) }
	group := aws.ToString(in.LogGroupName)
	switch {
	case in.LogGroupName != nil && in.LogGroupIdentifier != nil:
		invalid("both logGroupName and logGroupIdentifier", "LogGroupName and LogGroupIdentifier are mutually exclusive")
		return
	case in.LogGroupIdentifier != nil:
		group = aws.ToString(in.LogGroupIdentifier)
		if strings.HasPrefix(group, "arn:") {
			_, group, _ = strings.Cut(group, ":log-group:")
		}
	}
	if group == "" {
		invalid("no log group", "1 validation error detected: Value null at 'logGroupName' failed to satisfy constraint: Member must not be null")
		return
	}
	if aws.ToString(in.LogStreamName) == "" {
		invalid("no logStreamName", "1 validation error detected: Value null at 'logStreamName' failed to satisfy constraint: Member must not be null")
		return
	}
	if in.Limit != nil && (*in.Limit < 1 || *in.Limit > 10000) {
		invalid(fmt.Sprintf("limit %d", *in.Limit), fmt.Sprintf("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 1 and 10000", *in.Limit))
		return
	}
	stream := *in.LogStreamName

	f.mu.Lock()
	f.reqs = append(f.reqs, LogsRequest{
		LogGroupName: aws.ToString(in.LogGroupName), LogGroupIdentifier: aws.ToString(in.LogGroupIdentifier),
		LogStreamName: stream, Limit: in.Limit, StartFromHead: in.StartFromHead,
		NextToken: aws.ToString(in.NextToken), Region: req.region,
	})
	fault, faulty := f.faults[group+"\x00"+stream]
	if !faulty {
		fault, faulty = f.faults[group+"\x00"]
	}
	if !faulty {
		fault, faulty = f.faults[""]
	}
	streams, groupFound := f.groups[group]
	events, streamFound := streams[stream]
	events = append([]Event(nil), events...)
	f.mu.Unlock()

	switch {
	case faulty:
		writeFault(w, fault)
		return
	case !groupFound:
		writeFault(w, Fault{Type: "ResourceNotFoundException", Message: "The specified log group does not exist."})
		return
	case !streamFound:
		writeFault(w, Fault{Type: "ResourceNotFoundException", Message: "The specified log stream does not exist."})
		return
	}

	if in.StartTime != nil || in.EndTime != nil {
		kept := events[:0]
		for _, e := range events {
			ms := e.Time.UnixMilli()
			if (in.StartTime == nil || ms >= *in.StartTime) && (in.EndTime == nil || ms < *in.EndTime) {
				kept = append(kept, e)
			}
		}
		events = kept
	}
	limit := 10000
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	// A page runs forward from a position, or backward to one; with no token it starts at the
	// head or, unless startFromHead is true, ends at the tail.
	forward, pos := aws.ToBool(in.StartFromHead), len(events)
	if forward {
		pos = 0
	}
	if in.NextToken != nil {
		var dir string
		if _, err := fmt.Sscanf(*in.NextToken, "%1s/%d/s", &dir, &pos); err != nil || (dir != "f" && dir != "b") || pos < 0 || pos > len(events) {
			invalid("bad nextToken "+*in.NextToken, "The specified nextToken is invalid.")
			return
		}
		forward = dir == "f"
	}
	from, to := pos, min(len(events), pos+limit)
	if !forward {
		from, to = max(0, pos-limit), pos
	}
	out := make([]map[string]any, 0, to-from)
	for _, e := range events[from:to] {
		ms := e.Time.UnixMilli()
		out = append(out, map[string]any{"timestamp": ms, "message": e.Message, "ingestionTime": ms + 183})
	}
	writeJSON(w, map[string]any{
		"events":            out,
		"nextForwardToken":  fmt.Sprintf("f/%056d/s", to),
		"nextBackwardToken": fmt.Sprintf("b/%056d/s", from),
	})
}
