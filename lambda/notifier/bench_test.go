package notifier

import (
	"context"
	"encoding/json"
	"sort"
	"testing"

	"github.com/foghornhq/foghorn/lambda/envelope"
)

// benchPayloads returns every fixture, in a fixed order.
func benchPayloads(b *testing.B) [][]byte {
	all := fixtures(b)
	names := make([]string, 0, len(all))
	for n := range all {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([][]byte, len(names))
	for i, n := range names {
		out[i] = all[n]
	}
	return out
}

// BenchmarkPipeline measures decode → classify → policy → render for one event delivered on
// its own, over every fixture in turn (one op is one event). The README quotes its figure.
func BenchmarkPipeline(b *testing.B) {
	payloads := benchPayloads(b)
	n := slackNotifier(b, "https://hooks.slack.example/services/TFAKE/BFAKE/fake-secret-for-tests", nil, nil)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		recs, err := envelope.Split(payloads[i%len(payloads)])
		if err != nil {
			b.Fatal(err)
		}
		n.Plan(ctx, recs)
	}
}

// BenchmarkPipelineSQS measures the production path: SQS batches of ten, each record an SNS
// notification wrapping an EventBridge event, decoded twice over. It reports the cost per event.
func BenchmarkPipelineSQS(b *testing.B) {
	var events []json.RawMessage
	for _, p := range benchPayloads(b) {
		var probe struct {
			Source string `json:"source"`
		}
		if json.Unmarshal(p, &probe) == nil && probe.Source != "" {
			events = append(events, p) // the bare EventBridge events
		}
	}
	var batches [][]byte
	for i := 0; i+10 <= len(events); i += 10 {
		batch, err := envelope.SQSBatch(events[i : i+10])
		if err != nil {
			b.Fatal(err)
		}
		batches = append(batches, batch)
	}
	n := slackNotifier(b, "https://hooks.slack.example/services/TFAKE/BFAKE/fake-secret-for-tests", nil, nil)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		recs, err := envelope.Split(batches[i%len(batches)])
		if err != nil {
			b.Fatal(err)
		}
		n.Plan(ctx, recs)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*10), "ns/event")
}
