package notifier

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptrace"
	"runtime"
	"sort"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/envelope"
	"github.com/foghornhq/foghorn/lambda/internal/chatfake"
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

// uniqueBatches returns count SQS batches of ten EventBridge fixtures in turn, every event
// with an id of its own, so that the delivery ledger lets each one post.
func uniqueBatches(b *testing.B, prefix string, count int) [][]byte {
	var events [][]byte
	for _, p := range benchPayloads(b) {
		var probe struct {
			Source string `json:"source"`
		}
		if json.Unmarshal(p, &probe) == nil && probe.Source != "" {
			events = append(events, p)
		}
	}
	batches := make([][]byte, count)
	k := 0
	for i := range batches {
		msgs := make([]json.RawMessage, 10)
		for j := range msgs {
			var ev map[string]any
			if err := json.Unmarshal(events[k%len(events)], &ev); err != nil {
				b.Fatal(err)
			}
			ev["id"] = fmt.Sprintf("%v-%s%07d", ev["id"], prefix, k)
			msgs[j], _ = json.Marshal(ev)
			k++
		}
		batch, err := envelope.SQSBatch(msgs)
		if err != nil {
			b.Fatal(err)
		}
		batches[i] = batch
	}
	return batches
}

// BenchmarkDeliver is the function's whole invocation — Invoke, as the runtime calls it: decode, plan, post every
// message to a Slack webhook (the httptest chat fake) and answer SQS — on batches of ten
// events, one op per batch. It reports the CPU per posted message and per event (the fake's
// share included: it runs in the same process), the TCP
// connections opened (keep-alive: one, whatever the number of invocations), and the heap
// left after all the invocations, per delivered message: what the delivery ledger must keep
// (each message's key, for the time deliveries are remembered), nothing more.
func BenchmarkDeliver(b *testing.B) {
	chat := chatfake.New(chatfake.Options{})
	defer chat.Close()
	hook := chat.SlackWebhookURL("alerts")
	n := slackNotifier(b, hook, nil, nil)
	var conns, reused atomic.Int64
	ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) {
		if i.Reused {
			reused.Add(1)
		} else {
			conns.Add(1)
		}
	}})
	// The first invocation's one-off costs (the connection, the caches) are not the per-message ones.
	if _, err := n.Invoke(ctx, uniqueBatches(b, "warm", 1)[0]); err != nil {
		b.Fatal(err)
	}
	chat.Reset() // the fake keeps every request it saw: not the notifier's memory
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var cpu time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// Batches are made as they are needed: made beforehand, they would be most of the heap.
		b.StopTimer()
		batch := uniqueBatches(b, fmt.Sprintf("%d-%d-", b.N, i), 1)[0]
		start := cpuTime()
		b.StartTimer()
		out, err := n.Invoke(ctx, batch)
		b.StopTimer()
		cpu += cpuTime() - start
		b.StartTimer()
		if err != nil || string(out) != `{"batchItemFailures":[]}` {
			b.Fatalf("batch %d: %v %s", i, err, out)
		}
	}
	b.StopTimer()
	posted := len(chat.Requests())
	if posted == 0 {
		b.Fatal("nothing was posted")
	}
	chat.Reset()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(n) // its store, and the ledger in it, is what is measured
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(posted), "cpu-ns/post")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N*10), "cpu-ns/event")
	b.ReportMetric(float64(conns.Load()), "conns")
	b.ReportMetric((float64(after.HeapAlloc)-float64(before.HeapAlloc))/float64(posted), "heap-B/post")
}

// cpuTime is the CPU the process has used, user and system: the chat fake's share included,
// since it runs in the same process.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
