package config

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/classify"
	"github.com/foghornhq/foghorn/lambda/mute"
)

// Mute is a maintenance window on a route: while it is open the route still matches (and so
// still stops later routes unless it continues) but posts nothing, and each alert it keeps
// back is logged with Reason. Give either Start and End, or Weekly.
type Mute struct {
	Reason string `json:"reason"`
	// Start and End bound an absolute window in RFC 3339: from Start (included) to End (excluded).
	Start string `json:"start,omitempty"`
	End   string `json:"end,omitempty"`
	// Weekly is a window that comes back every week.
	Weekly *Weekly `json:"weekly,omitempty"`
}

// Weekly is a recurring window: it opens on each of Days at Start and closes at End, read in
// Timezone. An End not after Start runs past midnight into the next day.
type Weekly struct {
	Days     []string `json:"days"`               // mon … sun, or full names
	Start    string   `json:"start"`              // HH:MM
	End      string   `json:"end"`                // HH:MM; 24:00 is the end of the day
	Timezone string   `json:"timezone,omitempty"` // IANA name; default UTC
}

// Window parses the mute window. Validate reports the same problems, each under its key.
func (m Mute) Window() (mute.Window, error) {
	w, errs := m.parse()
	if len(errs) > 0 {
		return mute.Window{}, errors.New(errs[0].Message)
	}
	return w, nil
}

// parse reads a window and reports problems keyed relative to the mute entry.
func (m Mute) parse() (mute.Window, []*Error) {
	var errs []*Error
	bad := func(key, format string, args ...any) {
		errs = append(errs, &Error{Key: key, Message: fmt.Sprintf(format, args...)})
	}
	if strings.TrimSpace(m.Reason) == "" {
		bad("reason", "is required: it is logged with every alert the window mutes")
	}
	absolute := m.Start != "" || m.End != ""
	switch {
	case absolute && m.Weekly != nil:
		bad("", "give either start and end, or weekly, not both")
		return mute.Window{}, errs
	case !absolute && m.Weekly == nil:
		bad("", "give either start and end (RFC 3339) or weekly")
		return mute.Window{}, errs
	case absolute:
		var start, end time.Time
		var err error
		if m.Start == "" {
			bad("start", "is required with end")
		} else if start, err = mute.ParseTime(m.Start); err != nil {
			bad("start", "%v", err)
		}
		if m.End == "" {
			bad("end", "is required with start")
		} else if end, err = mute.ParseTime(m.End); err != nil {
			bad("end", "%v", err)
		}
		if len(errs) == 0 && !end.After(start) {
			bad("end", "%s is not after start %s", m.End, m.Start)
		}
		return mute.Span(m.Reason, start, end), errs
	}
	wk := m.Weekly
	var days []time.Weekday
	if len(wk.Days) == 0 {
		bad("weekly.days", "at least one day is required (%s)", strings.Join(mute.Days(), ", "))
	}
	for i, s := range wk.Days {
		d, err := mute.ParseDay(s)
		if err != nil {
			bad(fmt.Sprintf("weekly.days[%d]", i), "%v", err)
			continue
		}
		days = append(days, d)
	}
	from, errFrom := mute.ParseClock(wk.Start)
	switch {
	case errFrom != nil:
		bad("weekly.start", "%v", errFrom)
	case from == 24*time.Hour:
		bad("weekly.start", "24:00 is the end of a day: start the window at 00:00 of the next day")
	}
	to, errTo := mute.ParseClock(wk.End)
	if errTo != nil {
		bad("weekly.end", "%v", errTo)
	}
	if errFrom == nil && errTo == nil && from == to {
		bad("weekly.end", "equals start, so the window is empty (for a whole day use 00:00 to 24:00)")
	}
	loc, err := mute.LoadZone(wk.Timezone)
	if err != nil {
		bad("weekly.timezone", "%v", err)
	}
	return mute.Weekly(m.Reason, days, from, to, loc), errs
}

// severities are the values match.severity accepts; minSeverity takes all but resolved.
var severities = []string{string(alert.Critical), string(alert.Warning), string(alert.Info), string(alert.Resolved)}

// MatchesAll reports whether m has no matchers, and so selects every alert.
func (m Match) MatchesAll() bool {
	return !m.unread && len(m.Environment)+len(m.Account)+len(m.Region)+len(m.Cluster)+len(m.Service)+
		len(m.Kind)+len(m.Event)+len(m.Severity) == 0 && m.MinSeverity == ""
}

// RouteLabel is how a route is called in logs and explanations: its name, else its position.
func RouteLabel(r Route, i int) string {
	if r.Name != "" {
		return r.Name
	}
	return fmt.Sprintf("routes[%d]", i)
}

// DefaultRouteLabel names the default list in explanations; no route may take the name.
const DefaultRouteLabel = "default"

// validateRoutes checks the routes and the default list.
func (d *Document) validateRoutes(bad func(key, format string, args ...any), known func(key string, list []string)) {
	names := map[string]int{}
	catchAll := -1 // the first route without matchers or continue: nothing after it is reached
	for i, r := range d.Routes {
		key := fmt.Sprintf("routes[%d]", i)
		switch {
		case r.Name == "":
		case r.Name == DefaultRouteLabel:
			bad(key+".name", "%q is reserved for the default route", r.Name)
		case !validRouteName(r.Name):
			bad(key+".name", "%q: use 1 to 64 letters, digits, '.', '_' or '-'", r.Name)
		default:
			if j, dup := names[r.Name]; dup {
				bad(key+".name", "%q is already the name of routes[%d]", r.Name, j)
			} else {
				names[r.Name] = i
			}
		}
		if len(r.Destinations) == 0 {
			bad(key+".destinations", "at least one destination is required")
		}
		known(key+".destinations", r.Destinations)
		noRepeats(bad, key+".destinations", r.Destinations)
		d.validateMatch(bad, key+".match", r.Match)
		if r.Match.MatchesAll() && !r.Continue && catchAll < 0 {
			catchAll = i
		}
		for j, m := range r.Mute {
			_, errs := m.parse()
			for _, e := range errs {
				k := fmt.Sprintf("%s.mute[%d]", key, j)
				if e.Key != "" {
					k += "." + e.Key
				}
				bad(k, "%s", e.Message)
			}
		}
	}
	if catchAll >= 0 && catchAll < len(d.Routes)-1 {
		bad(fmt.Sprintf("routes[%d].match", catchAll), "matches every alert and does not continue, so routes[%d] and after can never match: move it last, add matchers or set continue", catchAll+1)
	}
	if len(d.Routes) > 0 && len(d.Default) == 0 && catchAll < 0 {
		bad("default", "is required when there are routes: name the destinations for alerts no route matches (or end the routes with one that matches everything)")
	}
	known("default", d.Default)
	noRepeats(bad, "default", d.Default)
}

func (d *Document) validateMatch(bad func(key, format string, args ...any), key string, m Match) {
	globs := func(field string, list []string) {
		for i, p := range list {
			k := fmt.Sprintf("%s.%s[%d]", key, field, i)
			if p == "" {
				bad(k, "is empty (an unknown value never matches; use \"*\" for any known value)")
				continue
			}
			if _, err := path.Match(p, ""); err != nil {
				bad(k, "%q is not a valid glob (path.Match syntax: *, ?, [a-z], \\ escapes)", p)
			}
		}
	}
	globs("environment", m.Environment)
	if len(m.Environment) > 0 && d.Environment == "" {
		bad(key+".environment", "the document has no environment, so this route can never match: set environment")
	}
	globs("account", m.Account)
	globs("region", m.Region)
	globs("cluster", m.Cluster)
	globs("service", m.Service)
	globs("event", m.Event)
	events := classify.EventNames()
	for i, e := range m.Event {
		if _, err := path.Match(e, ""); err != nil || e == "" || slices.Contains(events, e) {
			continue
		}
		// A literal name close to a known one is a slip, even where it has the shape of an
		// AWS Health code (whose set is open).
		literal := !strings.ContainsAny(e, `*?[\`)
		if c := Closest(e, events); literal && c != "" {
			bad(fmt.Sprintf("%s.event[%d]", key, i), "%q matches no event an alert can carry; did you mean %q?", e, c)
		} else if !classify.KnownEvent(e) {
			bad(fmt.Sprintf("%s.event[%d]", key, i), "%q matches no event an alert can carry (see lambda/config/README.md, \"Matching\")", e)
		}
	}
	kinds := make([]string, len(alert.Kinds))
	for j, x := range alert.Kinds {
		kinds[j] = string(x)
	}
	for i, k := range m.Kind {
		if !slices.Contains(kinds, k) {
			bad(fmt.Sprintf("%s.kind[%d]", key, i), "%q is not a kind (allowed: %s)%s", k, strings.Join(kinds, ", "), didYouMean(k, kinds))
		}
	}
	noRepeats(bad, key+".kind", m.Kind)
	for i, s := range m.Severity {
		if !slices.Contains(severities, s) {
			bad(fmt.Sprintf("%s.severity[%d]", key, i), "%q is not a severity (allowed: %s)%s", s, strings.Join(severities, ", "), didYouMean(s, severities))
		}
	}
	noRepeats(bad, key+".severity", m.Severity)
	switch m.MinSeverity {
	case "", string(alert.Critical), string(alert.Warning), string(alert.Info):
	case string(alert.Resolved):
		bad(key+".minSeverity", "resolved is not a level (it ranks with info): to match recoveries, list it in severity")
	default:
		levels := severities[:3]
		bad(key+".minSeverity", "%q is not a severity (allowed: %s)%s", m.MinSeverity, strings.Join(levels, ", "), didYouMean(m.MinSeverity, levels))
	}
}

// didYouMean is "; did you mean …?" naming the candidate s is a slip of, or "".
func didYouMean(s string, candidates []string) string {
	if c := Closest(s, candidates); c != "" {
		return fmt.Sprintf("; did you mean %q?", c)
	}
	return ""
}

// noRepeats reports a value listed twice: harmless to the router, but a sign of a slip.
func noRepeats(bad func(key, format string, args ...any), key string, list []string) {
	seen := map[string]bool{}
	for _, v := range list {
		if seen[v] {
			bad(key, "%q is listed twice", v)
		}
		seen[v] = true
	}
}

func validRouteName(s string) bool {
	if len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}
