package story

import (
	"fmt"
	"strings"
	"time"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/console"
	"github.com/foghornhq/foghorn/lambda/text"
)

// Event names of log-pattern messages; routes can match them.
const (
	EventLogPattern        = "LOG_PATTERN"
	EventLogPatternDigest  = "LOG_PATTERN_OCCURRENCES"
	patternTitlePatternCut = 110
)

// subjectOf names who logged a pattern: the service, else the log group.
func (s *patternStory) subject() string {
	if s.Identity.Service != "" {
		return s.Identity.Service
	}
	return s.LogGroup
}

// patternAlert is the pattern as one message: announcement, digest, or the state to edit in.
func (t *Tracker) patternAlert(s *patternStory, key, eventID string) alert.Alert {
	who := s.subject()
	a := alert.Alert{
		EventID: "pattern:" + key + ":" + eventID, Source: "aws.logs", DetailType: "CloudWatch Logs subscription", Origin: s.Origin,
		Kind: alert.KindLog, Event: EventLogPattern, Severity: s.Severity, Identity: s.Identity,
		Time: s.Last, Count: s.Occurrences, LogLines: append([]string(nil), s.Samples...),
	}
	if !a.Severity.Valid() {
		a.Severity = alert.Warning
	}
	a.Log = &alert.LogPattern{Fingerprint: s.Fingerprint, Pattern: s.Pattern, Exception: s.Exception, Query: s.Query, LogGroup: s.LogGroup, LogStream: s.LogStream,
		Occurrences: s.Occurrences, Lines: s.Lines, First: s.First, Last: s.Last, Deployment: s.Deployment}
	short := text.Runes(s.Pattern, patternTitlePatternCut)
	times := plural(s.Occurrences, "time", "times")
	if s.Deployment != "" {
		a.Title = fmt.Sprintf("%s: new since deployment %s: %s", who, s.Deployment, short)
	} else {
		a.Title = fmt.Sprintf("%s: new error pattern: %s", who, short)
	}
	a.Summary = fmt.Sprintf("%s logged a new error pattern %s %s: %s", who, times, between(s.First, s.Last), short)
	if s.Deployment != "" {
		a.Summary = fmt.Sprintf("%s logged an error pattern new since deployment %s, %s %s: %s", who, s.Deployment, times, between(s.First, s.Last), short)
	}
	var r strings.Builder
	fmt.Fprintf(&r, "%s logged lines of a pattern not seen before, %s %s", who, times, between(s.First, s.Last))
	if who != s.LogGroup {
		fmt.Fprintf(&r, " (log group %s)", s.LogGroup)
	}
	r.WriteString(".")
	if s.Deployment != "" {
		fmt.Fprintf(&r, " It first appeared during or just after deployment %s.", s.Deployment)
	}
	if s.Pending > 0 {
		fmt.Fprintf(&r, " %s since the last message.", plural(s.Pending, "more time", "more times"))
	}
	a.Reason.Text = r.String()
	add := func(label, value string) {
		if value != "" {
			a.Facts = append(a.Facts, alert.Fact{Label: label, Value: value})
		}
	}
	add("Pattern", s.Pattern)
	add("Count", fmt.Sprintf("%d (%s)", s.Occurrences, plural(s.Lines, "log line", "log lines")))
	add("First seen", s.First.UTC().Format("2006-01-02 15:04:05 UTC"))
	add("Last seen", s.Last.UTC().Format("2006-01-02 15:04:05 UTC"))
	add("Log group", s.LogGroup)
	add("Log stream", s.LogStream)
	add("Exception", s.Exception)
	add("Deployment", s.Deployment)
	add("Cluster", s.Identity.Cluster)
	add("Fingerprint", s.Fingerprint)
	a.Links = patternLinks(s)
	return a
}

// patternReply is the thread reply (or the digest's news) for the occurrences a batch added.
func (t *Tracker) patternReply(s *patternStory, folded []Input) alert.Alert {
	a := t.patternAlert(s, "", "")
	last := folded[len(folded)-1].Alert
	a.EventID = "patternfold:" + last.EventID
	a.Event = EventLogPatternDigest
	n, lines := 0, 0
	var samples []string
	for _, f := range folded {
		n += f.Alert.Log.Occurrences
		lines += f.Alert.Log.Lines
		samples = append(samples, f.Alert.LogLines...)
	}
	if len(samples) > maxSamples {
		samples = samples[len(samples)-maxSamples:]
	}
	a.LogLines = samples
	a.Count = n
	a.Title = fmt.Sprintf("%s: %s more: %s", s.subject(), plural(n, "time", "times"), text.Runes(s.Pattern, patternTitlePatternCut))
	a.Summary = fmt.Sprintf("%s logged the pattern %s more (%s in all, last at %s).", s.subject(), plural(n, "time", "times"), plural(s.Occurrences, "time", "times"), s.Last.UTC().Format("15:04:05 UTC"))
	a.Reason.Text = a.Summary
	a.Facts = []alert.Fact{{Label: "Pattern", Value: s.Pattern}, {Label: "Fingerprint", Value: s.Fingerprint}}
	a.Time = last.Log.Last
	return a
}

// patternLinks lead to the stream last seen and to a Logs Insights query for the pattern
// over the log group, from a little before it was first seen to a little after the last time.
func patternLinks(s *patternStory) []alert.Link {
	id := s.Identity
	var out []alert.Link
	if s.LogStream != "" {
		if u := console.LogStream(id.Partition, id.Region, s.LogGroup, s.LogStream); u != "" {
			out = append(out, alert.Link{Label: "Log stream", URL: u})
		}
	}
	if u := console.LogsInsights(id.Partition, id.Region, s.LogGroup, s.Query, s.First.Add(-5*time.Minute), s.Last.Add(5*time.Minute)); s.Query != "" && u != "" {
		out = append(out, alert.Link{Label: "Logs Insights", URL: u})
	}
	return out
}

// between says when: "within a minute (10:00:01 UTC)", "between 10:00 and 10:42 UTC".
func between(first, last time.Time) string {
	if last.Sub(first) < time.Minute {
		return "at " + first.UTC().Format("15:04:05 UTC")
	}
	if first.UTC().YearDay() != last.UTC().YearDay() {
		return "between " + first.UTC().Format("Jan 2 15:04") + " and " + last.UTC().Format("Jan 2 15:04 UTC")
	}
	return "between " + first.UTC().Format("15:04") + " and " + last.UTC().Format("15:04 UTC")
}
