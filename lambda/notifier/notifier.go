// Package notifier is the pipeline: records in, chat messages out. Plan decodes, classifies,
// applies the noise policy, deduplicates, routes and renders without any I/O, so the CLI can
// print exactly what the function would post; Deliver posts a plan and says which input
// records failed, so the function can hand them back to SQS.
package notifier

import (
	"encoding/json"
	"log/slog"
	"sort"
	"time"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/classify"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/envelope"
	"github.com/foghornhq/foghorn/lambda/policy"
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
	n := &Notifier{doc: o.Doc, policy: p, dests: map[string]Destination{}, log: o.Logger, ledger: o.Ledger, now: o.Now}
	for _, d := range o.Destinations {
		n.dests[d.Name] = d
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
// prints: the destination, the target and the exact request body.
type Message struct {
	Destination string          `json:"destination"`
	Target      string          `json:"target"`
	Payload     json.RawMessage `json:"payload"`

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
		for _, name := range n.route(&a) {
			plan.Messages = append(plan.Messages, n.render(name, a, items[i]))
		}
	}
	return plan
}

// route names the destinations for an alert: the default list, or every destination.
func (n *Notifier) route(a *alert.Alert) []string {
	if len(n.doc.Default) > 0 {
		return n.doc.Default
	}
	names := make([]string, 0, len(n.doc.Destinations))
	for _, d := range n.doc.Destinations {
		names = append(names, d.Name)
	}
	return names
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
