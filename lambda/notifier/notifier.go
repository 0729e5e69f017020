// Package notifier is the pipeline: records in, chat messages out. Plan decodes, classifies,
// applies the noise policy, deduplicates, routes and renders without any I/O, so the CLI can
// print exactly what the function would post; Deliver posts a plan and says which input
// records failed, so the function can hand them back to SQS.
package notifier

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/classify"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/envelope"
	"github.com/foghornhq/foghorn/lambda/policy"
	"github.com/foghornhq/foghorn/lambda/route"
	"github.com/foghornhq/foghorn/lambda/target"
)

// Destination is a named place messages go and the target that renders and posts for it.
type Destination struct {
	Name   string
	Target string // the target's kind: "slack", …
	T      target.Target
}

// Notifier runs the pipeline for one configuration.
type Notifier struct {
	doc    *config.Document
	policy *policy.Policy
	router *route.Router
	dests  map[string]Destination
	log    *slog.Logger
	ledger Ledger
	now    func() time.Time
}

// Options configure a Notifier. Doc and Destinations are required; the rest have defaults.
type Options struct {
	Doc *config.Document
	// Destinations holds one entry per destination in Doc, with its target built.
	Destinations []Destination
	Logger       *slog.Logger
	// Ledger remembers deliveries so a redelivered record is not posted twice to a
	// destination that already has it. Defaults to an in-memory ledger for this container.
	Ledger Ledger
	Now    func() time.Time
}

// New builds a notifier. The document must already be valid (config.Parse validates it).
func New(o Options) (*Notifier, error) {
	p, err := policy.New(o.Doc.Noise.Rules)
	if err != nil {
		return nil, err
	}
	r, err := route.New(o.Doc)
	if err != nil {
		return nil, err
	}
	n := &Notifier{doc: o.Doc, policy: p, router: r, dests: map[string]Destination{}, log: o.Logger, ledger: o.Ledger, now: o.Now}
	for _, d := range o.Destinations {
		n.dests[d.Name] = d
	}
	// Routes name destinations by name; one without a target would fail only when an alert
	// first reached it.
	for _, d := range o.Doc.Destinations {
		if n.dests[d.Name].T == nil {
			return nil, fmt.Errorf("destination %q has no target", d.Name)
		}
	}
	if n.log == nil {
		n.log = slog.New(slog.DiscardHandler)
	}
	if n.ledger == nil {
		n.ledger = NewMemoryLedger(10000)
	}
	if n.now == nil {
		n.now = time.Now
	}
	return n, nil
}

// Message is one post the pipeline decided to make. Its JSON form is what `foghorn render`
// prints: the destination, the target, the routes that chose it and the exact request body.
type Message struct {
	Destination string `json:"destination"`
	Target      string `json:"target"`
	// Routes label the routes that sent the alert here (route.Send.Routes); empty when the
	// document does no routing.
	Routes  []string        `json:"routes,omitempty"`
	Payload json.RawMessage `json:"payload"`

	Alert alert.Alert `json:"-"`
	// Items are the SQS message ids this message stands for: if it cannot be delivered,
	// they go back to the queue.
	Items []string `json:"-"`
}

// Suppression is an alert the policy kept out of the channel, and why.
type Suppression struct {
	Alert alert.Alert
	Rule  string
	Why   string
	Items []string
}

// Plan is what the pipeline would post for a batch.
type Plan struct {
	Records    int
	Messages   []Message
	Suppressed []Suppression
	// Routed holds every alert that reached the router, in posting order, with its decision:
	// those posted, and those a mute window kept back (also in Suppressed).
	Routed []Routed
}

// Routed is one alert and where the router sent it.
type Routed struct {
	Alert    alert.Alert
	Decision route.Decision
	Items    []string
}

// RuleDuplicate names the suppression of an event seen twice in one batch (SNS and SQS both
// deliver at least once). It is not a noise rule: it cannot be switched off.
const RuleDuplicate = "duplicate"

// Plan runs decode → classify → suppress → dedup → route → render on a batch of records.
// Every record ends in at least one message or one suppression: nothing is dropped.
func (n *Notifier) Plan(recs []envelope.Record) Plan {
	plan := Plan{Records: len(recs)}
	alerts := make([]alert.Alert, 0, len(recs))
	items := make([][]string, 0, len(recs))
	seen := map[string]int{}
	for _, rec := range recs {
		a := classify.Classify(rec)
		if i, dup := seen[a.EventID]; dup {
			// The first copy carries this record's fate too: if it fails, both go back.
			items[i] = appendItem(items[i], rec.ItemID)
			plan.Suppressed = append(plan.Suppressed, Suppression{Alert: a, Rule: RuleDuplicate, Why: "the same event arrived twice in this batch", Items: itemList(rec.ItemID)})
			continue
		}
		if d := n.policy.Decide(&a); d.Suppress {
			plan.Suppressed = append(plan.Suppressed, Suppression{Alert: a, Rule: d.Rule, Why: d.Why, Items: itemList(rec.ItemID)})
			continue
		}
		seen[a.EventID] = len(alerts)
		alerts = append(alerts, a)
		items = append(items, itemList(rec.ItemID))
	}
	// Chat reads top to bottom: post in event order, whatever order SQS delivered in.
	order := make([]int, len(alerts))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(x, y int) bool { return alerts[order[x]].Time.Before(alerts[order[y]].Time) })
	for _, i := range order {
		a := alerts[i]
		d := n.router.Route(&a, n.now())
		plan.Routed = append(plan.Routed, Routed{Alert: a, Decision: d, Items: items[i]})
		n.logRouted(&a, d)
		if h, muted := d.Muted(); muted {
			plan.Suppressed = append(plan.Suppressed, Suppression{Alert: a, Rule: h.Rule(), Why: h.Why(), Items: items[i]})
			continue
		}
		for _, s := range d.Sends {
			m := n.render(s.Destination, a, items[i])
			m.Routes = s.Routes
			plan.Messages = append(plan.Messages, m)
		}
	}
	return plan
}

// logRouted writes one line per routed alert saying where it goes and why, so a message that
// went to an unexpected channel, or a route's mute, can be explained from the logs alone.
func (n *Notifier) logRouted(a *alert.Alert, d route.Decision) {
	attrs := []any{
		"event_id", a.EventID, "kind", string(a.Kind), "event", a.Event, "severity", string(a.Severity),
		"service", a.Identity.Subject(), "destinations", d.Destinations(), "why", d.String(),
	}
	var muted []string
	for _, h := range d.Hits {
		if h.Muted != nil {
			muted = append(muted, h.Label)
		}
	}
	if len(muted) > 0 {
		attrs = append(attrs, "muted_routes", muted)
	}
	level := slog.LevelInfo
	if d.Implicit {
		// No routing configured: the delivery lines already say everything.
		level = slog.LevelDebug
	}
	n.log.Log(context.Background(), level, "alert routed", attrs...)
}

// render builds one destination's message. A renderer that fails (it should not) still
// yields a message: the alert is re-rendered as a generic one, so the record is not lost.
func (n *Notifier) render(name string, a alert.Alert, items []string) Message {
	d := n.dests[name]
	m := Message{Destination: name, Target: d.Target, Alert: a, Items: items}
	body, err := d.T.Render(a)
	if err != nil {
		n.log.Error("render failed; sending a generic alert instead", "event_id", a.EventID, "destination", name, "error", err.Error())
		g := classify.Classify(envelope.Record{Body: []byte(a.Summary)})
		g.EventID = a.EventID
		body, _ = d.T.Render(g)
		m.Alert = g
	}
	m.Payload = body
	return m
}

func itemList(id string) []string {
	if id == "" {
		return nil
	}
	return []string{id}
}

func appendItem(list []string, id string) []string {
	if id == "" {
		return list
	}
	return append(list, id)
}
