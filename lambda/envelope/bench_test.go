package envelope

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// benchEvents returns the real EventBridge fixtures, compacted as EventBridge publishes them,
// in a fixed order.
func benchEvents(b *testing.B) []json.RawMessage {
	dir := filepath.Join("..", "testdata", "aws")
	entries, err := os.ReadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if n := e.Name(); strings.HasSuffix(n, ".json") && (strings.HasPrefix(n, "ecs-") || strings.HasPrefix(n, "eventbridge-")) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var events []json.RawMessage
	for _, n := range names {
		raw, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			b.Fatal(err)
		}
		var compact bytes.Buffer
		if json.Compact(&compact, raw) != nil {
			continue // a fragment, not a whole event
		}
		events = append(events, compact.Bytes())
	}
	if len(events) < 10 {
		b.Fatalf("%d events in %s", len(events), dir)
	}
	return events
}

// BenchmarkSplitSQSSNS reads SQS batches of ten SNS notifications, each wrapping a real
// EventBridge event: the production envelope, whose events arrive escaped twice. It reports
// the cost per event.
func BenchmarkSplitSQSSNS(b *testing.B) {
	events := benchEvents(b)
	var batches [][]byte
	for i := 0; i+10 <= len(events); i += 10 {
		batch, err := SQSBatch(events[i : i+10])
		if err != nil {
			b.Fatal(err)
		}
		batches = append(batches, batch)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Split(batches[i%len(batches)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*10), "ns/event")
}

// BenchmarkUnquote unquotes an SQS body holding an SNS notification, whose Message (an ECS
// event) is escaped twice in it, and then that Message: the two layers Split takes off.
func BenchmarkUnquote(b *testing.B) {
	events := benchEvents(b)
	batch, err := SQSBatch(events[:1])
	if err != nil {
		b.Fatal(err)
	}
	var sqs struct {
		Records []struct {
			Body json.RawMessage `json:"body"`
		}
	}
	if err := json.Unmarshal(batch, &sqs); err != nil {
		b.Fatal(err)
	}
	body := sqs.Records[0].Body
	note := unquote(body)
	at := bytes.Index(note, []byte(`"Message":`)) + len(`"Message":`)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	var arena []byte
	for i := 0; i < b.N; i++ {
		s := scanner{b: body}
		arena = s.str(arena[:0], false)
		m := scanner{b: arena, i: at}
		if m.str(nil, false); s.bad || m.bad {
			b.Fatal("not a string")
		}
	}
}

// BenchmarkStreamSQSSNS reads one payload of many such records as a stream, as `foghorn
// render` reads a file. It reports the cost per event.
func BenchmarkStreamSQSSNS(b *testing.B) {
	events := benchEvents(b)
	for len(events) < 200 {
		events = append(events, events...)
	}
	payload, err := SQSBatch(events)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, err := range Stream(bytes.NewReader(payload)) {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(events)), "ns/event")
}
