package notifier

import (
	"context"
	"testing"

	"github.com/foghornhq/foghorn/lambda/envelope"
)

// BenchmarkPipeline measures decode → classify → policy → render per event, over every
// fixture in turn (each op is one event). The README quotes its figure.
func BenchmarkPipeline(b *testing.B) {
	var payloads [][]byte
	for _, p := range fixtures(b) {
		payloads = append(payloads, p)
	}
	n := slackNotifier(b, "https://hooks.slack.example/services/TFAKE/BFAKE/fake-secret-for-tests", nil, nil)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		recs, err := envelope.Split(payloads[i%len(payloads)])
		if err != nil {
			b.Fatal(err)
		}
		n.Plan(context.Background(), recs)
	}
}
