package config

import (
	"strings"
	"testing"
)

// routesDoc is a valid document with two destinations and one route, for cases to break.
func routesDoc() *Document {
	return &Document{
		Version:     Version,
		Environment: "prod",
		Destinations: []Destination{
			{Name: "team-a", Target: "slack", SecretParam: "/test/team-a"},
			{Name: "team-b", Target: "slack", SecretParam: "/test/team-b"},
		},
		Routes:  []Route{{Name: "payments", Match: Match{Service: []string{"payments-*"}}, Destinations: []string{"team-a"}}},
		Default: []string{"team-b"},
	}
}

func TestValidateRoutes(t *testing.T) {
	tests := []struct {
		name string
		edit func(d *Document)
		want string // the whole error, one problem a line; "" for valid
	}{
		{"valid", func(*Document) {}, ""},
		{"every matcher", func(d *Document) {
			d.Routes[0].Match = Match{Environment: []string{"prod"}, Account: []string{"1111*"}, Region: []string{"eu-*"},
				Cluster: []string{"prod-[ab]"}, Service: []string{"payments-?"}, Kind: []string{"task-stopped", "deployment"},
				Event: []string{"SERVICE_DEPLOYMENT_*"}, MinSeverity: "warning", Severity: []string{"critical", "resolved"}}
		}, ""},
		{"no routes and no default", func(d *Document) { d.Routes, d.Default = nil, nil }, ""},
		{"a catch-all last needs no default", func(d *Document) {
			d.Default = nil
			d.Routes = append(d.Routes, Route{Name: "rest", Destinations: []string{"team-b"}})
		}, ""},
		{"a catch-all that continues may come first", func(d *Document) {
			d.Routes = append([]Route{{Name: "audit", Destinations: []string{"team-b"}, Continue: true}}, d.Routes...)
		}, ""},
		{"unknown destination", func(d *Document) { d.Routes[0].Destinations = []string{"team-a", "team-c"} },
			`config: routes[0].destinations: unknown destination "team-c"`},
		{"no destination", func(d *Document) { d.Routes[0].Destinations = nil },
			`config: routes[0].destinations: at least one destination is required`},
		{"destination twice", func(d *Document) { d.Routes[0].Destinations = []string{"team-a", "team-a"} },
			`config: routes[0].destinations: "team-a" is listed twice`},
		{"routes without default", func(d *Document) { d.Default = nil },
			`config: default: is required when there are routes: name the destinations for alerts no route matches (or end the routes with one that matches everything)`},
		{"unknown default", func(d *Document) { d.Default = []string{"nowhere"} },
			`config: default: unknown destination "nowhere"`},
		{"malformed glob", func(d *Document) { d.Routes[0].Match.Service = []string{"payments-*", "payments-[a"} },
			`config: routes[0].match.service[1]: "payments-[a" is not a valid glob (path.Match syntax: *, ?, [a-z], \ escapes)`},
		{"malformed glob late in the pattern", func(d *Document) { d.Routes[0].Match.Cluster = []string{"x*\\"} },
			`config: routes[0].match.cluster[0]: "x*\\" is not a valid glob (path.Match syntax: *, ?, [a-z], \ escapes)`},
		{"empty pattern", func(d *Document) { d.Routes[0].Match.Region = []string{""} },
			`config: routes[0].match.region[0]: is empty (an unknown value never matches; use "*" for any known value)`},
		{"unknown kind", func(d *Document) { d.Routes[0].Match.Kind = []string{"task-stoped"} },
			`config: routes[0].match.kind[0]: "task-stoped" is not a kind (allowed: task-stopped, task-state, service-action, deployment, scaling, container-instance, alarm, alarm-config, health, task-launch, crash-loop, log, generic); did you mean "task-stopped"?`},
		{"unknown severity", func(d *Document) { d.Routes[0].Match.Severity = []string{"critical", "error"} },
			`config: routes[0].match.severity[1]: "error" is not a severity (allowed: critical, warning, info, resolved)`},
		{"unknown minSeverity", func(d *Document) { d.Routes[0].Match.MinSeverity = "high" },
			`config: routes[0].match.minSeverity: "high" is not a severity (allowed: critical, warning, info)`},
		{"resolved as a minimum", func(d *Document) { d.Routes[0].Match.MinSeverity = "resolved" },
			`config: routes[0].match.minSeverity: resolved is not a level (it ranks with info): to match recoveries, list it in severity`},
		{"environment without one", func(d *Document) { d.Environment = ""; d.Routes[0].Match.Environment = []string{"prod"} },
			`config: routes[0].match.environment: the document has no environment, so this route can never match: set environment`},
		{"catch-all not last", func(d *Document) {
			d.Routes = append([]Route{{Name: "everything", Destinations: []string{"team-b"}}}, d.Routes...)
		}, `config: routes[0].match: matches every alert and does not continue, so routes[1] and after can never match: move it last, add matchers or set continue`},
		{"duplicate names", func(d *Document) {
			d.Routes = append(d.Routes, Route{Name: "payments", Match: Match{Kind: []string{"alarm"}}, Destinations: []string{"team-b"}})
		}, `config: routes[1].name: "payments" is already the name of routes[0]`},
		{"reserved name", func(d *Document) { d.Routes[0].Name = "default" },
			`config: routes[0].name: "default" is reserved for the default route`},
		{"name with spaces", func(d *Document) { d.Routes[0].Name = "payments team" },
			`config: routes[0].name: "payments team": use 1 to 64 letters, digits, '.', '_' or '-'`},
		{"mute: valid absolute and weekly", func(d *Document) {
			d.Routes[0].Mute = []Mute{
				{Reason: "test migration", Start: "2026-09-12T22:00:00Z", End: "2026-09-13T02:00:00+02:00"},
				{Reason: "test patching", Weekly: &Weekly{Days: []string{"sun", "Saturday"}, Start: "22:00", End: "02:00", Timezone: "Europe/Berlin"}},
			}
		}, ""},
		{"mute: inverted", func(d *Document) {
			d.Routes[0].Mute = []Mute{{Reason: "test", Start: "2026-09-13T02:00:00Z", End: "2026-09-12T22:00:00Z"}}
		}, `config: routes[0].mute[0].end: 2026-09-12T22:00:00Z is not after start 2026-09-13T02:00:00Z`},
		{"mute: empty", func(d *Document) {
			d.Routes[0].Mute = []Mute{{Reason: "test", Start: "2026-09-13T02:00:00Z", End: "2026-09-13T04:00:00+02:00"}}
		}, `config: routes[0].mute[0].end: 2026-09-13T04:00:00+02:00 is not after start 2026-09-13T02:00:00Z`},
		{"mute: not RFC 3339", func(d *Document) {
			d.Routes[0].Mute = []Mute{{Reason: "test", Start: "2026-09-12 22:00", End: "2026-09-13T02:00:00"}}
		}, `config: routes[0].mute[0].start: "2026-09-12 22:00" is not an RFC 3339 time (want e.g. 2026-09-12T22:00:00Z)
config: routes[0].mute[0].end: "2026-09-13T02:00:00" is not an RFC 3339 time (want e.g. 2026-09-12T22:00:00Z)`},
		{"mute: start without end", func(d *Document) {
			d.Routes[0].Mute = []Mute{{Reason: "test", Start: "2026-09-12T22:00:00Z"}}
		}, `config: routes[0].mute[0].end: is required with start`},
		{"mute: no reason", func(d *Document) {
			d.Routes[0].Mute = []Mute{{Start: "2026-09-12T22:00:00Z", End: "2026-09-13T02:00:00Z"}}
		}, `config: routes[0].mute[0].reason: is required: it is logged with every alert the window mutes`},
		{"mute: neither kind", func(d *Document) { d.Routes[0].Mute = []Mute{{Reason: "test"}} },
			`config: routes[0].mute[0]: give either start and end (RFC 3339) or weekly`},
		{"mute: both kinds", func(d *Document) {
			d.Routes[0].Mute = []Mute{{Reason: "test", Start: "2026-09-12T22:00:00Z", End: "2026-09-13T02:00:00Z", Weekly: &Weekly{Days: []string{"sun"}, Start: "01:00", End: "02:00"}}}
		}, `config: routes[0].mute[0]: give either start and end, or weekly, not both`},
		{"mute: weekly, every field wrong", func(d *Document) {
			d.Routes[0].Mute = []Mute{{Reason: "test", Weekly: &Weekly{Days: []string{"sun", "tues"}, Start: "25:00", End: "2:00", Timezone: "Mars/Olympus_Mons"}}}
		}, `config: routes[0].mute[0].weekly.days[1]: "tues" is not a day (want one of sun, mon, tue, wed, thu, fri, sat)
config: routes[0].mute[0].weekly.start: "25:00" is not a time of day (want HH:MM, 00:00 to 24:00)
config: routes[0].mute[0].weekly.end: "2:00" is not a time of day (want HH:MM, 00:00 to 24:00)
config: routes[0].mute[0].weekly.timezone: "Mars/Olympus_Mons" is not an IANA time zone (want e.g. Europe/Berlin or UTC)`},
		{"mute: weekly, no days", func(d *Document) {
			d.Routes[0].Mute = []Mute{{Reason: "test", Weekly: &Weekly{Start: "01:00", End: "02:00"}}}
		}, `config: routes[0].mute[0].weekly.days: at least one day is required (sun, mon, tue, wed, thu, fri, sat)`},
		{"mute: weekly, empty", func(d *Document) {
			d.Routes[0].Mute = []Mute{{Reason: "test", Weekly: &Weekly{Days: []string{"mon"}, Start: "01:00", End: "01:00"}}}
		}, `config: routes[0].mute[0].weekly.end: equals start, so the window is empty (for a whole day use 00:00 to 24:00)`},
		{"mute: weekly, starts at 24:00", func(d *Document) {
			d.Routes[0].Mute = []Mute{{Reason: "test", Weekly: &Weekly{Days: []string{"mon"}, Start: "24:00", End: "01:00"}}}
		}, `config: routes[0].mute[0].weekly.start: 24:00 is the end of a day: start the window at 00:00 of the next day`},
		{"mute: weekly, local zone", func(d *Document) {
			d.Routes[0].Mute = []Mute{{Reason: "test", Weekly: &Weekly{Days: []string{"mon"}, Start: "01:00", End: "02:00", Timezone: "Local"}}}
		}, `config: routes[0].mute[0].weekly.timezone: "Local" depends on the machine: name an IANA zone such as Europe/Berlin`},
		{"every problem, each under its key", func(d *Document) {
			d.Default = nil
			d.Routes = append(d.Routes, Route{Match: Match{Kind: []string{"nope"}}, Destinations: []string{"ghost"}})
		}, `config: routes[1].destinations: unknown destination "ghost"
config: routes[1].match.kind[0]: "nope" is not a kind (allowed: task-stopped, task-state, service-action, deployment, scaling, container-instance, alarm, alarm-config, health, task-launch, crash-loop, log, generic)
config: default: is required when there are routes: name the destinations for alerts no route matches (or end the routes with one that matches everything)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := routesDoc()
			tt.edit(d)
			err := d.Validate()
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("Validate() =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestParseRoutesStrict: a misspelt key anywhere in a route is an error, not a silently
// ignored matcher that would widen the route.
func TestParseRoutesStrict(t *testing.T) {
	for name, doc := range map[string]string{
		"match":  `{"version":1,"destinations":[{"name":"a","target":"slack","secretParam":"/p"}],"routes":[{"match":{"services":["x"]},"destinations":["a"]}],"default":["a"]}`,
		"mute":   `{"version":1,"destinations":[{"name":"a","target":"slack","secretParam":"/p"}],"routes":[{"match":{"service":["x"]},"destinations":["a"],"mute":[{"reason":"r","from":"2026-01-01T00:00:00Z"}]}],"default":["a"]}`,
		"weekly": `{"version":1,"destinations":[{"name":"a","target":"slack","secretParam":"/p"}],"routes":[{"match":{"service":["x"]},"destinations":["a"],"mute":[{"reason":"r","weekly":{"days":["mon"],"start":"01:00","end":"02:00","tz":"UTC"}}]}],"default":["a"]}`,
	} {
		_, err := Parse([]byte(doc))
		if err == nil || !strings.Contains(err.Error(), ": unknown key (line 1, column ") {
			t.Errorf("%s: Parse = %v, want an unknown key error", name, err)
		}
	}
}

func TestMuteWindow(t *testing.T) {
	w, err := Mute{Reason: "test patching", Weekly: &Weekly{Days: []string{"sun"}, Start: "02:00", End: "04:00", Timezone: "Europe/Berlin"}}.Window()
	if err != nil {
		t.Fatal(err)
	}
	if w.Reason != "test patching" || w.String() != "weekly sun 02:00-04:00 Europe/Berlin" {
		t.Errorf("Window() = %q %q", w.Reason, w)
	}
	if _, err := (Mute{Reason: "x", Start: "yesterday", End: "today"}).Window(); err == nil {
		t.Error("Window() of a bad mute succeeded")
	}
}
