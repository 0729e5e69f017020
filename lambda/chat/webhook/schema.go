// Package webhook posts alerts to any HTTPS endpoint as signed JSON documents of a documented,
// versioned schema, foghorn.alert/v1 (SCHEMA.md in this directory), for whatever the chat
// targets do not cover: a PagerDuty bridge, an internal bot, a ticketing hook.
//
// Every request is signed with HMAC-SHA256 over "v1:<timestamp>:<raw body>" (package
// signature); receivers check it with Verify. The schema is its own set of structs rather
// than the alert model's JSON, so that a change inside foghorn cannot silently change what
// receivers parse: a field is only ever added to v1, and anything else needs v2.
package webhook

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/text"
)

// SchemaV1 names the schema of every document this package sends.
const SchemaV1 = "foghorn.alert/v1"

// MaxBody is the largest document Render produces, in bytes.
const MaxBody = 128 << 10

// Per-field limits in bytes (see SCHEMA.md); a cut string ends with "…" and sets Truncated.
const (
	maxID         = 256
	maxShort      = 256  // kinds, events, states, names, labels
	maxLine       = 1024 // titles, identity fields, images
	maxText       = 4096 // summary, reasons, fact values, URLs (longer links are dropped)
	maxExcerpt    = 16384
	maxLogLine    = 2048
	maxContainers = 20
	maxFacts      = 50
	maxLinks      = 20
	maxLogLines   = 100
)

// Document is one alert as foghorn.alert/v1. Receivers in Go can decode into it. It and the
// types below mirror alert.Alert on purpose: they are the wire schema, which must not change
// when the model does (see the package comment).
type Document struct {
	Schema        string   `json:"schema"`
	ID            string   `json:"id"`
	Time          string   `json:"time,omitempty"`
	Source        string   `json:"source"`
	DetailType    string   `json:"detailType,omitempty"`
	Kind          string   `json:"kind"`
	Event         string   `json:"event"`
	Origin        string   `json:"origin,omitempty"`
	Severity      string   `json:"severity"`
	Status        string   `json:"status,omitempty"`
	DesiredStatus string   `json:"desiredStatus,omitempty"`
	Group         string   `json:"group,omitempty"`
	StartedBy     string   `json:"startedBy,omitempty"`
	MutedBy       string   `json:"mutedBy,omitempty"`
	Expires       string   `json:"expires,omitempty"`
	Title         string   `json:"title"`
	Summary       string   `json:"summary"`
	Resource      Resource `json:"resource"`
	Reason        Reason   `json:"reason"`
	Facts         []Fact   `json:"facts"`
	Links         []Link   `json:"links"`
	Scaling       *Scaling `json:"scaling,omitempty"`
	Excerpt       string   `json:"excerpt,omitempty"`
	LogLines      []string `json:"logLines,omitempty"`
	Count         int      `json:"count"`
	// Log is set for kind log: the pattern the alert is about.
	Log *LogPattern `json:"log,omitempty"`
	// AcknowledgedBy names who acknowledged the alert from chat.
	AcknowledgedBy string `json:"acknowledgedBy,omitempty"`
	Truncated      bool   `json:"truncated,omitempty"`
}

// LogPattern is a log-pattern alert's pattern (kind log).
type LogPattern struct {
	Fingerprint string   `json:"fingerprint"`
	Aliases     []string `json:"aliases,omitempty"`
	Pattern     string   `json:"pattern"`
	Exception   string   `json:"exception,omitempty"`
	Query       string   `json:"query,omitempty"`
	LogGroup    string   `json:"logGroup"`
	LogStream   string   `json:"logStream,omitempty"`
	Occurrences int      `json:"occurrences"`
	Lines       int      `json:"lines"`
	First       string   `json:"first,omitempty"`
	Last        string   `json:"last,omitempty"`
	Deployment  string   `json:"deployment,omitempty"`
}

// Resource says what the alert is about. Empty fields are unknown.
type Resource struct {
	Subject           string `json:"subject,omitempty"`
	Partition         string `json:"partition,omitempty"`
	Account           string `json:"account,omitempty"`
	Region            string `json:"region,omitempty"`
	Cluster           string `json:"cluster,omitempty"`
	Service           string `json:"service,omitempty"`
	TaskDefinition    string `json:"taskDefinition,omitempty"`
	TaskFamily        string `json:"taskFamily,omitempty"`
	TaskRevision      int    `json:"taskRevision,omitempty"`
	TaskID            string `json:"taskId,omitempty"`
	DeploymentID      string `json:"deploymentId,omitempty"`
	ServiceDeployment string `json:"serviceDeployment,omitempty"`
	Hook              string `json:"hook,omitempty"`
	Daemon            string `json:"daemon,omitempty"`
	ContainerInstance string `json:"containerInstance,omitempty"`
	AlarmName         string `json:"alarmName,omitempty"`
	AlarmARN          string `json:"alarmArn,omitempty"`
	Other             string `json:"other,omitempty"`
}

// Reason is why, in AWS's words.
type Reason struct {
	Text          string      `json:"text,omitempty"`
	StopCode      string      `json:"stopCode,omitempty"`
	StoppedReason string      `json:"stoppedReason,omitempty"`
	Deployment    string      `json:"deployment,omitempty"`
	Alarm         string      `json:"alarm,omitempty"`
	Containers    []Container `json:"containers,omitempty"`
}

// Container is how one container of a stopped task ended.
type Container struct {
	Name     string `json:"name"`
	Image    string `json:"image,omitempty"`
	ExitCode *int   `json:"exitCode,omitempty"`
	Reason   string `json:"reason,omitempty"`
	Status   string `json:"status,omitempty"`
}

// Fact is a labelled value.
type Fact struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// Link is a place to look.
type Link struct {
	Label string `json:"label"`
	URL   string `json:"url"`
}

// Scaling holds a scaling event's counts.
type Scaling struct {
	From int `json:"from"`
	To   int `json:"to"`
	Min  int `json:"min,omitempty"`
	Max  int `json:"max,omitempty"`
}

// Render returns the foghorn.alert/v1 document for a: compact JSON of at most MaxBody bytes.
func Render(a alert.Alert) ([]byte, error) {
	d := FromAlert(a)
	encode := func() ([]byte, error) {
		return chat.Encode("webhook: encoding the document", d)
	}
	return chat.Fit("webhook: the document", MaxBody, encode, func(int) bool { return d.shrink() })
}

// FromAlert maps an alert onto the schema, holding every limit of SCHEMA.md except the whole
// document's, which Render holds.
func FromAlert(a alert.Alert) Document {
	c := &cutter{}
	id := a.Identity
	d := Document{
		Schema:        SchemaV1,
		ID:            c.str(a.EventID, maxID),
		Source:        c.str(a.Source, maxShort),
		DetailType:    c.str(a.DetailType, maxShort),
		Kind:          kind(a.Kind),
		Event:         c.str(a.Event, maxShort),
		Origin:        c.str(a.Origin, maxLine),
		Severity:      severity(a.Severity),
		Status:        c.str(a.Status, maxShort),
		DesiredStatus: c.str(a.DesiredStatus, maxShort),
		Group:         c.str(a.Group, maxShort),
		StartedBy:     c.str(a.StartedBy, maxShort),
		MutedBy:       c.str(a.MutedBy, maxShort),
		Title:         c.str(a.Title, maxLine),
		Summary:       c.str(a.Summary, maxText),
		Resource: Resource{
			Subject: c.str(id.Subject(), maxLine), Partition: c.str(id.Partition, maxShort),
			Account: c.str(id.Account, maxShort), Region: c.str(id.Region, maxShort),
			Cluster: c.str(id.Cluster, maxLine), Service: c.str(id.Service, maxLine),
			TaskDefinition: c.str(id.TaskDefinition(), maxLine), TaskFamily: c.str(id.TaskFamily, maxLine),
			TaskRevision: id.TaskRevision, TaskID: c.str(id.TaskID, maxShort),
			DeploymentID: c.str(id.DeploymentID, maxShort), ServiceDeployment: c.str(id.ServiceDeployment, maxLine),
			Hook: c.str(id.Hook, maxShort), Daemon: c.str(id.Daemon, maxLine), ContainerInstance: c.str(id.ContainerInstance, maxShort),
			AlarmName: c.str(id.AlarmName, maxLine), AlarmARN: c.str(id.AlarmARN, maxLine), Other: c.str(id.Resource, maxLine),
		},
		Reason: Reason{
			Text: c.str(a.Reason.Text, maxText), StopCode: c.str(a.Reason.StopCode, maxShort),
			StoppedReason: c.str(a.Reason.StoppedReason, maxText), Deployment: c.str(a.Reason.Deployment, maxText),
			Alarm: c.str(a.Reason.Alarm, maxText),
		},
		Facts:   []Fact{},
		Links:   []Link{},
		Excerpt: c.str(a.Excerpt, maxExcerpt),
		Count:   max(a.Count, 1),

		AcknowledgedBy: c.str(a.AckedBy, maxShort),
	}
	if !a.Time.IsZero() && a.Time.Year() >= 1 && a.Time.Year() <= 9999 {
		d.Time = a.Time.UTC().Format(time.RFC3339Nano)
	}
	if !a.Expires.IsZero() && a.Expires.Year() >= 1 && a.Expires.Year() <= 9999 {
		d.Expires = a.Expires.UTC().Format(time.RFC3339Nano)
	}
	for i, ct := range a.Reason.Containers {
		if i == maxContainers {
			c.cut = true
			break
		}
		d.Reason.Containers = append(d.Reason.Containers, Container{Name: c.str(ct.Name, maxShort),
			Image: c.str(ct.Image, maxLine), ExitCode: ct.ExitCode, Reason: c.str(ct.Reason, maxText), Status: c.str(ct.Status, maxShort)})
	}
	for i, f := range a.Facts {
		if i == maxFacts {
			c.cut = true
			break
		}
		d.Facts = append(d.Facts, Fact{Label: c.str(f.Label, maxShort), Value: c.str(f.Value, maxText)})
	}
	for _, ln := range a.Links {
		// A cut URL would lead somewhere else: a link too long or not valid UTF-8 is dropped.
		if len(d.Links) == maxLinks || len(ln.URL) > maxText || !utf8.ValidString(ln.URL) {
			c.cut = true
			continue
		}
		d.Links = append(d.Links, Link{Label: c.str(ln.Label, maxShort), URL: ln.URL})
	}
	if s := a.Scaling; s != nil {
		d.Scaling = &Scaling{From: s.From, To: s.To, Min: s.Min, Max: s.Max}
	}
	lines := a.LogLines
	if len(lines) > maxLogLines {
		lines, c.cut = lines[len(lines)-maxLogLines:], true // the end of a log says most
	}
	for _, l := range lines {
		d.LogLines = append(d.LogLines, c.str(l, maxLogLine))
	}
	if lp := a.Log; lp != nil {
		d.Log = &LogPattern{Fingerprint: c.str(lp.Fingerprint, maxShort), Pattern: c.str(lp.Pattern, maxText), Exception: c.str(lp.Exception, maxShort),
			Query: c.str(lp.Query, maxText), LogGroup: c.str(lp.LogGroup, maxLine), LogStream: c.str(lp.LogStream, maxLine),
			Occurrences: lp.Occurrences, Lines: lp.Lines, Deployment: c.str(lp.Deployment, maxLine)}
		for _, al := range lp.Aliases {
			d.Log.Aliases = append(d.Log.Aliases, c.str(al, maxShort))
		}
		if !lp.First.IsZero() {
			d.Log.First = lp.First.UTC().Format(time.RFC3339Nano)
		}
		if !lp.Last.IsZero() {
			d.Log.Last = lp.Last.UTC().Format(time.RFC3339Nano)
		}
	}
	d.Truncated = c.cut
	return d
}

// cutter cuts strings to their limits and remembers whether it cut anything.
type cutter struct{ cut bool }

func (c *cutter) str(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) > n {
		c.cut = true
		return text.Bytes(s, n)
	}
	return s
}

func kind(k alert.Kind) string {
	if slices.Contains(alert.Kinds, k) || k == alert.KindNotifier {
		return string(k)
	}
	return string(alert.KindGeneric)
}

func severity(s alert.Severity) string {
	if s.Valid() {
		return string(s)
	}
	return "unknown"
}

// shrink drops part of a document over MaxBody, in this order: the log lines from the oldest,
// the excerpt, the facts from the last, the containers from the last, the links from the last.
// It halves what it drops from, so a document gets small in a few passes; false means nothing
// is left to drop.
func (d *Document) shrink() bool {
	d.Truncated = true
	switch {
	case len(d.LogLines) > 0:
		d.LogLines = d.LogLines[len(d.LogLines)/2+len(d.LogLines)%2:]
	case d.Excerpt != "":
		d.Excerpt = text.Bytes(d.Excerpt, len(d.Excerpt)/2)
	case len(d.Facts) > 0:
		d.Facts = d.Facts[:len(d.Facts)/2]
	case len(d.Reason.Containers) > 0:
		d.Reason.Containers = d.Reason.Containers[:len(d.Reason.Containers)/2]
	case len(d.Links) > 0:
		d.Links = d.Links[:len(d.Links)/2]
	default:
		return false
	}
	return true
}
