// Package classify turns one record into the alert every later stage reads: what happened, to
// which service or alarm, why, how bad it is and where to look. It recognises ECS task, service,
// deployment, lifecycle hook, daemon and container instance (state and health) events,
// CloudWatch alarms and their contributors on every delivery path, AWS Health, Application Auto
// Scaling, and CloudTrail's scaling calls and failed RunTask calls. Anything else becomes a generic
// alert that shows what arrived: nothing is dropped.
//
// Severity comes from the event name, stop code and exit code, never from ECS's eventType alone
// (placement failures have been seen tagged INFO).
package classify

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"sync"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/envelope"
	"github.com/foghornhq/foghorn/lambda/event"
	"github.com/foghornhq/foghorn/lambda/text"
)

// Classify returns the alert for one record. It never fails and never panics: a record it
// cannot read becomes a generic alert.
func Classify(rec envelope.Record) alert.Alert {
	a, ok := protect(rec)
	if !ok {
		a = generic(rec, "Message the notifier could not read", "UNREADABLE")
	}
	finish(&a, rec)
	return a
}

// protect runs the classifier and turns a panic into ok=false. The classifier reads untrusted
// input with many optional fields; one overlooked nil must cost a generic alert, not the batch.
func protect(rec envelope.Record) (a alert.Alert, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return classify(rec), true
}

// top is what the classifier reads of a body's top level, in one decode: the EventBridge
// envelope (handed on, so the event is not decoded twice) and the keys that mark the two
// alarm payloads. Decoding once matters: JSON work is most of the per-event cost.
type top struct {
	event.EventBridge
	AlarmData     json.RawMessage `json:"alarmData"`
	AlarmName     json.RawMessage `json:"AlarmName"`
	NewStateValue json.RawMessage `json:"NewStateValue"`
}

func classify(rec envelope.Record) alert.Alert {
	body := bytes.TrimSpace(bytes.TrimPrefix(rec.Body, []byte("\xef\xbb\xbf")))
	if ev, pre, ok := typed(body); ok {
		return fromEventBridge(rec, ev, pre)
	}
	var t top
	if err := event.Decode(body, &t); err != nil {
		return generic(rec, "Message that is not JSON", "NOT_JSON")
	}
	if len(body) == 0 || body[0] != '{' {
		return generic(rec, "JSON message that is not an object", "UNRECOGNISED")
	}
	switch {
	case t.DetailType != "" && t.Source != "":
		return fromEventBridge(rec, t.EventBridge, nil)
	case t.AlarmData != nil:
		return fromAlarmAction(body)
	case t.AlarmName != nil && t.NewStateValue != nil:
		return fromAlarmNotification(rec, body)
	}
	return generic(rec, "Unrecognised JSON message", "UNRECOGNISED")
}

// fromEventBridge classifies an EventBridge event. pre is its detail when the fast path
// (typed) already decoded it, and nil otherwise.
func fromEventBridge(rec envelope.Record, ev event.EventBridge, pre any) alert.Alert {
	a := alert.Alert{
		EventID:    ev.ID,
		Source:     ev.Source,
		DetailType: ev.DetailType,
		Time:       ev.Time.Time(),
		Identity:   alert.Identity{Account: ev.Account, Region: ev.Region},
	}
	switch ev.Source {
	case event.SourceECS:
		switch ev.DetailType {
		case event.DetailTypeTaskStateChange:
			return taskStateChange(a, ev, detailOf[event.Task](ev, pre))
		case event.DetailTypeServiceAction:
			return serviceAction(a, ev, detailOf[event.ServiceAction](ev, pre))
		case event.DetailTypeDeploymentStateChange:
			return deploymentStateChange(a, ev, detailOf[event.Deployment](ev, pre))
		case event.DetailTypeContainerInstanceStateChange:
			return containerInstanceStateChange(a, ev, detailOf[event.ContainerInstance](ev, pre))
		case event.DetailTypeCloudTrailAPICall:
			return cloudTrail(a, ev, detailOf[event.CloudTrail](ev, pre))
		case event.DetailTypeHookStateChange:
			return hookStateChange(a, ev, detailOf[event.HookStateChange](ev, pre))
		case event.DetailTypeDaemonServiceAction:
			return daemonServiceAction(a, ev, detailOf[event.DaemonServiceAction](ev, pre))
		case event.DetailTypeDaemonDeploymentStateChange:
			return daemonDeployment(a, ev, detailOf[event.DaemonDeployment](ev, pre))
		case event.DetailTypeContainerInstanceHealth:
			return containerInstanceHealth(a, ev, detailOf[event.ContainerInstanceHealth](ev, pre))
		}
		return otherECS(a, ev)
	case event.SourceCloudWatch:
		switch ev.DetailType {
		case event.DetailTypeAlarmStateChange, event.DetailTypeAlarmContributorStateChange:
			return alarmStateChange(a, ev, detailOf[event.AlarmStateChange](ev, pre))
		case event.DetailTypeAlarmConfigurationChange:
			return alarmConfigurationChange(a, ev, detailOf[event.AlarmStateChange](ev, pre))
		}
		return otherCloudWatch(a, ev)
	case event.SourceHealth:
		return health(a, ev, detailOf[event.Health](ev, pre))
	case event.SourceApplicationAutoScaling:
		if ev.DetailType == event.DetailTypeScalingActivity {
			return scalingActivity(a, ev, detailOf[event.ScalingActivity](ev, pre))
		}
	}
	g := generic(rec, "Unrecognised event from "+shorten(oneLine(ev.Source), 64), "UNRECOGNISED")
	g.EventID, g.Source, g.DetailType, g.Time, g.Identity = a.EventID, a.Source, a.DetailType, a.Time, a.Identity
	for _, r := range ev.Resources {
		applyARN(&g.Identity, r)
	}
	if ev.DetailType != "" {
		g.Facts = append([]alert.Fact{{Label: "Detail type", Value: ev.DetailType}}, g.Facts...)
	}
	return g
}

// generic is the alert for a record nobody recognised: it says what arrived and shows its
// start.
func generic(rec envelope.Record, title, name string) alert.Alert {
	a := alert.Generic(title, name, text.Excerpt(rec.Body, excerptBytes))
	var facts []alert.Fact
	if rec.Subject != "" {
		facts = append(facts, alert.Fact{Label: "Subject", Value: rec.Subject})
	}
	if rec.Via != "" {
		facts = append(facts, alert.Fact{Label: "Delivered via", Value: rec.Via})
	}
	a.Facts = facts
	a.Reason.Text = "The notifier does not know this kind of message; the start of it is shown as it arrived."
	a.Summary = title + " (" + sizeText(len(rec.Body)) + ")."
	return a
}

// finish fills what every alert needs whatever its kind, and makes the text fields safe to lay
// out: one line, no control characters, bounded length.
func finish(a *alert.Alert, rec envelope.Record) {
	a.Count = 1
	if a.EventID == "" {
		a.EventID = rec.MessageID
	}
	if a.EventID == "" {
		a.EventID = bodyHash(rec.Body)
	}
	if a.Source == "" {
		a.Source = "unknown"
	}
	if a.Kind == "" {
		a.Kind = alert.KindGeneric
	}
	if !a.Severity.Valid() {
		a.Severity = alert.Warning
	}
	if a.Origin == "" {
		a.Origin = origin(a)
	}
	if a.Identity.Partition == "" {
		a.Identity.Partition = event.PartitionOfRegion(a.Identity.Region)
	}
	a.Title = shorten(oneLine(a.Title), maxTitle)
	if a.Title == "" {
		a.Title = "Event from " + a.Source
	}
	a.Summary = shorten(oneLine(a.Summary), maxSummary)
	if a.Summary == "" {
		a.Summary = a.Title
	}
	a.Reason.Text = shorten(oneLine(a.Reason.Text), maxReason)
	a.Reason.StoppedReason = shorten(text.Sanitize(a.Reason.StoppedReason), maxReason)
	a.Reason.Deployment = shorten(text.Sanitize(a.Reason.Deployment), maxReason)
	a.Reason.Alarm = shorten(text.Sanitize(a.Reason.Alarm), maxReason)
	for i := range a.Reason.Containers {
		c := &a.Reason.Containers[i]
		c.Name = shorten(oneLine(c.Name), maxFact)
		c.Reason = shorten(text.Sanitize(c.Reason), maxReason)
	}
	facts := a.Facts[:0]
	for _, f := range a.Facts {
		f.Label, f.Value = oneLine(f.Label), shorten(oneLine(f.Value), maxFact)
		if f.Label != "" && f.Value != "" {
			facts = append(facts, f)
		}
	}
	a.Facts = facts
	if len(a.Facts) == 0 {
		a.Facts = nil
	}
	links := a.Links[:0]
	for _, l := range a.Links {
		if l.URL != "" {
			links = append(links, l)
		}
	}
	a.Links = links
	if len(a.Links) == 0 {
		a.Links = nil
	}
	if !a.Time.IsZero() {
		a.Time = a.Time.UTC()
	}
}

// origin names the AWS event an alert came from: its detail-type and event name. A generic
// alert's event is the notifier's own word for what arrived, so only its detail-type counts.
func origin(a *alert.Alert) string {
	dt, name := oneLine(a.DetailType), oneLine(a.Event)
	if a.Kind == alert.KindGeneric || name == "" || name == dt {
		return shorten(dt, maxFact)
	}
	if dt == "" {
		return shorten(name, maxFact)
	}
	return joinedOrigin(dt, name)
}

// origins holds the origins already made, by detail type and event name: a batch's events
// name a handful of them, and each alert would otherwise make its own string. The table is
// bounded: past maxOrigins pairs, an origin is made each time, as it was.
var origins = struct {
	sync.Mutex
	m map[[2]string]string
}{m: map[[2]string]string{}}

const maxOrigins = 512

// joinedOrigin is shorten(dt+": "+name, maxFact), from the table when it has it.
func joinedOrigin(dt, name string) string {
	k := [2]string{dt, name}
	origins.Lock()
	o, ok := origins.m[k]
	origins.Unlock()
	if ok {
		return o
	}
	o = shorten(dt+": "+name, maxFact)
	origins.Lock()
	if len(origins.m) < maxOrigins {
		// Copies: the table must not keep alive whatever memory the event's strings share.
		origins.m[[2]string{strings.Clone(dt), strings.Clone(name)}] = o
	}
	origins.Unlock()
	return o
}

// bodyHash is the event id of a record that carries none: stable for the same bytes, so a
// redelivered record deduplicates.
func bodyHash(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:8])
}

const (
	maxTitle     = 160
	maxSummary   = 400
	maxReason    = 600
	maxFact      = 200
	excerptBytes = 1000
)

// subjectOr returns the identity's subject, or fallback.
func subjectOr(id alert.Identity, fallback string) string {
	if s := id.Subject(); s != "" {
		return s
	}
	return fallback
}

func fact(label, value string) alert.Fact { return alert.Fact{Label: label, Value: value} }

func link(label, url string) alert.Link { return alert.Link{Label: label, URL: url} }

func lower(s string) string { return strings.ToLower(s) }
