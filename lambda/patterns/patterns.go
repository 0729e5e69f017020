// Package patterns turns one CloudWatch Logs delivery into alerts: one per error pattern per
// service, each counting the occurrences and lines of its pattern in the delivery, with up
// to three sample lines. The stories (lambda/story) then decide what is new and what folds
// into what was already told. A delivery that cannot be decoded becomes a generic alert that
// says so: nothing is dropped.
package patterns

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/awslogs"
	"github.com/foghornhq/foghorn/lambda/console"
	"github.com/foghornhq/foghorn/lambda/event"
	"github.com/foghornhq/foghorn/lambda/logpattern"
	"github.com/foghornhq/foghorn/lambda/logsource"
	"github.com/foghornhq/foghorn/lambda/text"
)

// What log alerts say they came from: the small print of every message names Origin, so a
// team can search its channel for them.
const (
	DetailType = "CloudWatch Logs subscription"
	Origin     = DetailType + ": " + awslogs.DataMessage
)

// Reader makes the alerts. It is safe for concurrent use.
type Reader struct {
	norm    *logpattern.Normaliser
	sources *logsource.Resolver
	// Region is where deliveries come from when they do not say (the function's region).
	Region string
}

// New returns a Reader redacting with the log tail's rules plus redact (config.Logs' Redact,
// compiled), and placing streams with sources (nil: every pattern is told under its log
// group).
func New(redact []*regexp.Regexp, sources *logsource.Resolver) *Reader {
	return &Reader{norm: logpattern.New(redact), sources: sources}
}

// maxSamplesPerAlert is how many sample lines an alert carries: two or three say enough.
const maxSamplesPerAlert = 3

// Alerts returns the alerts of a DATA_MESSAGE, in the order their patterns first appear.
// Each stands for all occurrences of its pattern in b; together they account for every
// event of b (their Log.Lines add up to len(b.LogEvents)).
func (r *Reader) Alerts(ctx context.Context, b awslogs.Batch) []alert.Alert {
	lines := make([]logpattern.Line, len(b.LogEvents))
	for i, e := range b.LogEvents {
		lines[i] = logpattern.Line{ID: e.ID, Time: time.UnixMilli(e.Timestamp).UTC(), Message: e.Message}
	}
	src := r.sources.Resolve(ctx, b.LogGroup, b.LogStream)
	region := b.Region
	if region == "" {
		region = r.Region
	}
	id := alert.Identity{Account: b.Owner, Region: region, Partition: event.PartitionOfRegion(region),
		Cluster: src.Cluster, Service: src.Service, TaskFamily: src.TaskFamily, TaskRevision: src.TaskRevision, TaskID: src.TaskID}
	if strings.HasPrefix(src.StartedBy, "ecs-svc/") {
		id.DeploymentID = src.StartedBy
	}

	var order []string
	byFP := map[string]*alert.Alert{}
	for _, o := range logpattern.Join(lines) {
		p := r.norm.Pattern(o)
		head := o.Head()
		last := o.Lines[len(o.Lines)-1].Time
		a, ok := byFP[p.Fingerprint]
		if !ok {
			a = &alert.Alert{
				EventID: eventID(b, head.ID, p.Fingerprint), Source: "aws.logs", DetailType: DetailType, Origin: Origin,
				Kind: alert.KindLog, Event: "LOG_PATTERN", Severity: alert.Warning, Identity: id, Time: head.Time,
				Log: &alert.LogPattern{Fingerprint: p.Fingerprint, Aliases: p.Aliases, Pattern: p.Text, Exception: p.Exception,
					Query: logpattern.InsightsQuery(p), LogGroup: b.LogGroup, LogStream: b.LogStream, First: head.Time, Last: last},
			}
			a.Title = subject(id, b.LogGroup) + ": " + p.Text
			a.Summary = a.Title
			byFP[p.Fingerprint] = a
			order = append(order, p.Fingerprint)
		}
		if p.Critical() {
			a.Severity = alert.Critical
		}
		a.Log.Occurrences++
		a.Log.Lines += len(o.Lines)
		a.Count = a.Log.Occurrences
		if head.Time.Before(a.Log.First) {
			a.Log.First = head.Time
		}
		if last.After(a.Log.Last) {
			a.Log.Last = last
		}
		a.Time = a.Log.First
		// The first occurrences' samples, and the latest one's as the last.
		switch {
		case slices.Contains(a.LogLines, p.Samples[0]):
		case len(a.LogLines) < maxSamplesPerAlert-1:
			a.LogLines = append(a.LogLines, p.Samples...)
			a.LogLines = a.LogLines[:min(len(a.LogLines), maxSamplesPerAlert-1)]
		default:
			a.LogLines = append(a.LogLines[:maxSamplesPerAlert-1], p.Samples[0])
		}
	}
	out := make([]alert.Alert, 0, len(order))
	for _, fp := range order {
		a := byFP[fp]
		finish(a)
		out = append(out, *a)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Log.First.Before(out[j].Log.First) })
	return out
}

// eventID names an alert after its delivery's stream, its first event and its pattern:
// stable when SQS hands the same batch back, distinct for every pattern and chunk.
func eventID(b awslogs.Batch, firstEvent, fingerprint string) string {
	h := sha256.Sum256([]byte(b.Owner + "\x00" + b.LogGroup + "\x00" + b.LogStream + "\x00" + firstEvent))
	return "log:" + fingerprint + ":" + hex.EncodeToString(h[:8])
}

func subject(id alert.Identity, group string) string {
	if id.Service != "" {
		return id.Service
	}
	return group
}

// Undecodable is the generic alert for a log delivery that could not be read: it says what
// was wrong and shows the start of what arrived, escaped and cut like any generic alert.
func Undecodable(body []byte, err error, via string) alert.Alert {
	reason := err.Error()
	if e, ok := err.(*awslogs.Error); ok {
		reason = e.Reason
	}
	sum := sha256.Sum256(body)
	a := alert.Generic("CloudWatch Logs delivery that could not be decoded", "LOGS_UNDECODABLE", text.Excerpt(body, 1000))
	a.EventID = "logs-undecodable:" + hex.EncodeToString(sum[:8])
	a.Source, a.DetailType, a.Origin = "aws.logs", DetailType, DetailType
	a.Summary = "A CloudWatch Logs subscription delivery could not be decoded; its start is shown as it arrived."
	a.Reason.Text = "The log lines it carries are not told as patterns: " + reason + "."
	if via != "" {
		a.Facts = []alert.Fact{{Label: "Delivered via", Value: via}}
	}
	return a
}

// finish gives an alert what it needs to be told on its own (when the stories cannot be
// read, it is): why, the facts, and links to the stream and to a query for the pattern.
func finish(a *alert.Alert) {
	lp := a.Log
	a.Reason.Text = fmt.Sprintf("%d occurrence(s) of this pattern (%d log line(s)) in one delivery from log group %s.", lp.Occurrences, lp.Lines, lp.LogGroup)
	a.Facts = []alert.Fact{
		{Label: "Pattern", Value: lp.Pattern},
		{Label: "Count", Value: strconv.Itoa(lp.Occurrences)},
		{Label: "First seen", Value: lp.First.UTC().Format("2006-01-02 15:04:05 UTC")},
		{Label: "Log group", Value: lp.LogGroup},
		{Label: "Log stream", Value: lp.LogStream},
		{Label: "Fingerprint", Value: lp.Fingerprint},
	}
	id := a.Identity
	if u := console.LogStream(id.Partition, id.Region, lp.LogGroup, lp.LogStream); u != "" {
		a.Links = append(a.Links, alert.Link{Label: "Log stream", URL: u})
	}
	if u := console.LogsInsights(id.Partition, id.Region, lp.LogGroup, lp.Query, lp.First.Add(-5*time.Minute), lp.Last.Add(5*time.Minute)); u != "" {
		a.Links = append(a.Links, alert.Link{Label: "Logs Insights", URL: u})
	}
}
