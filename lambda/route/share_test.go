package route

import (
	"reflect"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/config"
)

// routeReference is Route as it was before decisions shared the lists made once: every
// decision makes its own.
func (r *Router) routeReference(a *alert.Alert, now time.Time) Decision {
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
		label := Default
		if r.implicit {
			label = ""
		}
		d.add(r.def, label)
	}
	return d
}

// FuzzRouteAsBefore routes alerts of every combination of the test document's matchers, at
// times in and out of its mute windows, through Route and routeReference, on that document,
// on one with no routing and on one with only a default list, and requires the same
// decisions.
func FuzzRouteAsBefore(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{1, 2, 3, 1, 2, 1, 5})
	f.Add([]byte{2, 1, 1, 0, 3, 3, 2})
	f.Add([]byte{2, 0, 2, 0, 2, 0, 0}) // one route takes it, and only it
	f.Add([]byte{2, 2, 2, 0, 2, 0, 0}) // no route takes it: the default list
	f.Add([]byte{2, 2, 2, 0, 2, 0, 1}) // no routing at all
	noRouting := &config.Document{Version: config.Version, Destinations: testDoc().Destinations}
	defaultOnly := &config.Document{Version: config.Version, Destinations: testDoc().Destinations, Default: []string{"ops", "audit"}}
	routers := []*Router{mustRouter(f, testDoc()), mustRouter(f, noRouting), mustRouter(f, defaultOnly)}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) < 7 {
			return
		}
		pick := func(i int, options ...string) string { return options[int(b[i])%len(options)] }
		a := alert.Alert{
			Kind:     alert.Kind(pick(0, "deployment", "task-stopped", "alarm", "service-action")),
			Severity: alert.Severity(pick(1, "critical", "warning", "info", "resolved")),
			Event:    pick(2, "SERVICE_DEPLOYMENT_FAILED", "EssentialContainerExited", "ALARM", ""),
			Identity: alert.Identity{
				Cluster: pick(3, "prod", "api-dev", "", "dev-batch"),
				Service: pick(4, "payments-api", "checkout-web", "search", ""),
				Account: "123456789012", Region: "us-east-1",
			},
		}
		times := []time.Time{daytime, devRebuild, migration, {}}
		a.Time = times[int(b[5])%len(times)]
		for _, r := range routers[int(b[6])%len(routers):] {
			got, want := r.Route(&a, daytime), r.routeReference(&a, daytime)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("Route = %+v\nwant    %+v", got, want)
			}
		}
	})
}
