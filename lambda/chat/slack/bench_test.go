package slack

import (
	"testing"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/internal/fixtures"
)

// fixtureAlerts are every shared AWS fixture's alerts: the mix of events the pipeline meets.
func fixtureAlerts(b *testing.B) []alert.Alert {
	all, err := fixtures.All()
	if err != nil {
		b.Fatal(err)
	}
	var out []alert.Alert
	for _, f := range all {
		out = append(out, f.Alerts...)
	}
	return out
}

// BenchmarkRender renders one fixture alert per op, the fixtures in turn: the webhook's body.
func BenchmarkRender(b *testing.B) {
	benchmarkRender(b, func(a alert.Alert) ([]byte, error) { return Render(a) })
}

// BenchmarkRenderTree is the same through the block tree the direct writer is held to.
func BenchmarkRenderTree(b *testing.B) {
	benchmarkRender(b, func(a alert.Alert) ([]byte, error) { return referenceRender(a, nil, "", false) })
}

func benchmarkRender(b *testing.B, render func(alert.Alert) ([]byte, error)) {
	alerts := fixtureAlerts(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := render(alerts[i%len(alerts)]); err != nil {
			b.Fatal(err)
		}
	}
}
