// Package route decides where an alert goes. The config document's routes are tried in order;
// each matches on the document's environment and the alert's account, region, cluster,
// service, kind, event and severity. The first route that matches takes the alert, unless it
// says continue, in which case later routes may take it too. A route inside one of its mute
// windows still takes the alert but posts nothing. An alert no route takes goes to the default
// list. A Decision says which destinations, each once, and which routes chose them, so the
// notifier's logs, `foghorn render --explain` and `foghorn routes` can say why.
//
// lambda/config/README.md documents the keys; this package is their meaning.
package route

import (
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/mute"
)

// Default labels destinations chosen by the document's default list.
const Default = config.DefaultRouteLabel

// MuteRulePrefix starts the rule name of an alert a mute window kept out of every channel:
// "mute:<route label>".
const MuteRulePrefix = "mute:"

// Router holds a document's routes, compiled once.
type Router struct {
	routes []rule
	def    []string
	// implicit: the document has no routes and no default, so every destination gets every
	// alert and there is no route to name.
	implicit bool
	// defSends are the sends of an alert no route takes, made once: decisions share them.
	defSends []Send
}

type rule struct {
	index int
	label string
	envOK bool // the document's environment passes match.environment (fixed per document)
	m     config.Match
	min   int // minimum severity rank; 0 means none
	dests []string
	cont  bool
	mutes []mute.Window
	// alone is the decision when this route is the first to take an alert, is not muted and
	// does not continue (most decisions): made once, and shared by the decisions.
	alone Decision
}

// New compiles a document's routes. It validates the document first, so a router is never
// built from routes that Validate would refuse.
func New(doc *config.Document) (*Router, error) {
	if err := doc.Validate(); err != nil {
		return nil, err
	}
	r := &Router{def: doc.Default}
	for i, cr := range doc.Routes {
		x := rule{index: i, label: config.RouteLabel(cr, i), m: cr.Match, dests: cr.Destinations, cont: cr.Continue,
			envOK: len(cr.Match.Environment) == 0 || globs(cr.Match.Environment, doc.Environment)}
		if cr.Match.MinSeverity != "" {
			x.min = alert.Severity(cr.Match.MinSeverity).Rank()
		}
		for _, m := range cr.Mute {
			w, err := m.Window()
			if err != nil {
				return nil, fmt.Errorf("route %s: %w", x.label, err)
			}
			x.mutes = append(x.mutes, w)
		}
		x.alone.add(x.dests, x.label)
		x.alone.Sends = slices.Clip(x.alone.Sends)
		x.alone.Hits = []Hit{{Index: x.index, Label: x.label, Destinations: x.dests, Continue: x.cont}}
		r.routes = append(r.routes, x)
	}
	if len(doc.Routes) == 0 && len(doc.Default) == 0 {
		r.implicit = true
		for _, d := range doc.Destinations {
			r.def = append(r.def, d.Name)
		}
	}
	var def Decision
	def.add(r.def, r.defaultLabel())
	r.defSends = slices.Clip(def.Sends)
	return r, nil
}

// defaultLabel labels the destinations of the default list: none when routing is implicit.
func (r *Router) defaultLabel() string {
	if r.implicit {
		return ""
	}
	return Default
}

// Send is one destination an alert goes to and the routes that chose it.
type Send struct {
	Destination string
	// Routes are the labels of the routes that named the destination, in route order: a
	// route's name, routes[i] for an unnamed one, or Default. Empty when the document does no
	// routing at all (no routes, no default: every destination).
	Routes []string
}

// Hit is a route that matched an alert.
type Hit struct {
	Index        int
	Label        string
	Destinations []string
	Continue     bool
	// Muted is the window the route was in when it matched, or nil: a muted route's
	// destinations get nothing from it.
	Muted *mute.Window
}

// Rule names the suppression of an alert muted by this route: "mute:<label>".
func (h Hit) Rule() string { return MuteRulePrefix + h.Label }

// Why says why the route kept the alert back, for logs and explanations.
func (h Hit) Why() string {
	if h.Muted == nil {
		return ""
	}
	return fmt.Sprintf("route %s is muted: %s (%s)", h.Label, h.Muted.Reason, h.Muted)
}

// Decision is where one alert goes, and why.
type Decision struct {
	// Sends are the destinations, each once, in the order routes first named them.
	Sends []Send
	// Hits are the routes that matched, in order, muted ones included.
	Hits []Hit
	// Default is set when no route matched and Sends come from the default list (or, with no
	// routing configured, from every destination).
	Default bool
	// Implicit is set when the document has no routes and no default.
	Implicit bool
}

// Destinations lists the destination names, in order.
func (d Decision) Destinations() []string {
	out := make([]string, len(d.Sends))
	for i, s := range d.Sends {
		out[i] = s.Destination
	}
	return out
}

// Muted returns the first muted route when the alert goes nowhere because every route that
// took it was muted.
func (d Decision) Muted() (Hit, bool) {
	if len(d.Sends) > 0 {
		return Hit{}, false
	}
	for _, h := range d.Hits {
		if h.Muted != nil {
			return h, true
		}
	}
	return Hit{}, false
}

// String explains the decision in one line: "route prod-failures → slack-prod, teams-prod;
// route payments muted: …", "no route matched: default → ops", "no routes: every destination".
func (d Decision) String() string {
	if d.Implicit {
		return "no routes: every destination → " + strings.Join(d.Destinations(), ", ")
	}
	if d.Default {
		return "no route matched: " + Default + " → " + strings.Join(d.Destinations(), ", ")
	}
	parts := make([]string, len(d.Hits))
	for i, h := range d.Hits {
		if h.Muted != nil {
			parts[i] = h.Why()
			continue
		}
		parts[i] = "route " + h.Label + " → " + strings.Join(h.Destinations, ", ")
	}
	return strings.Join(parts, "; ")
}

func (d *Decision) add(dests []string, label string) {
	for _, name := range dests {
		i := slices.IndexFunc(d.Sends, func(s Send) bool { return s.Destination == name })
		if i < 0 {
			d.Sends = append(d.Sends, Send{Destination: name})
			i = len(d.Sends) - 1
		}
		if label != "" && !slices.Contains(d.Sends[i].Routes, label) {
			d.Sends[i].Routes = append(d.Sends[i].Routes, label)
		}
	}
}

// Route decides where a goes. Mute windows are checked at the alert's own time, so that a
// record SQS redelivers after a window closed is still muted if it happened inside it (and one
// from before the window is not); an alert without a time is checked at now.
//
// A decision's lists may be shared with other decisions: they are read, never changed.
func (r *Router) Route(a *alert.Alert, now time.Time) Decision {
	at := a.Time
	if at.IsZero() {
		at = now
	}
	var d Decision
	for i := range r.routes {
		x := &r.routes[i]
		if !x.matches(a) {
			continue
		}
		h := Hit{Index: x.index, Label: x.label, Destinations: x.dests, Continue: x.cont}
		if w, ok := x.mutedAt(at); ok {
			h.Muted = &w
		} else if !x.cont && len(d.Hits) == 0 {
			return x.alone
		} else {
			d.add(x.dests, x.label)
		}
		d.Hits = append(d.Hits, h)
		if !x.cont {
			break
		}
	}
	if len(d.Hits) == 0 {
		d.Default, d.Implicit = true, r.implicit
		d.Sends = r.defSends
	}
	return d
}

func (x *rule) mutedAt(t time.Time) (mute.Window, bool) {
	for _, w := range x.mutes {
		if w.Contains(t) {
			return w, true
		}
	}
	return mute.Window{}, false
}

// matches applies every matcher the route has; a route without any matches every alert.
func (x *rule) matches(a *alert.Alert) bool {
	m := &x.m
	id := &a.Identity
	switch {
	case !x.envOK,
		len(m.Account) > 0 && !globs(m.Account, id.Account),
		len(m.Region) > 0 && !globs(m.Region, id.Region),
		len(m.Cluster) > 0 && !globs(m.Cluster, id.Cluster),
		len(m.Service) > 0 && !globs(m.Service, id.Service),
		len(m.Kind) > 0 && !slices.Contains(m.Kind, string(a.Kind)),
		len(m.Event) > 0 && !globs(m.Event, a.Event),
		len(m.Severity) > 0 && !slices.Contains(m.Severity, string(a.Severity)),
		x.min > 0 && a.Severity.Rank() < x.min:
		return false
	}
	return true
}

// globs reports whether any pattern matches v. An unknown value (empty) matches nothing, not
// even "*": a route on clusters should not take an alarm that has no cluster.
func globs(patterns []string, v string) bool {
	if v == "" {
		return false
	}
	for _, p := range patterns {
		if ok, _ := path.Match(p, v); ok {
			return true
		}
	}
	return false
}
