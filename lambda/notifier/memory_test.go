package notifier

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/metrics"
	"sort"
	"testing"

	"github.com/foghornhq/foghorn/lambda/clock"
	"github.com/foghornhq/foghorn/lambda/envelope"
	"github.com/foghornhq/foghorn/lambda/state"
)

// TestStreamHoldsEachAlertOnce: a batch's alerts must all be known before its first message
// (chat reads in event order, and stories span the batch), so Stream holds them all at once;
// it must hold each once, not a copy per stage. A batch of thousands of distinct records (the
// EventBridge fixtures in turn, each with an id of its own) is streamed, and the live heap is
// measured after a collection where the most is held: as the stories are read (every input
// classified, the batch being told) and at the first message (every alert decided, sorted and
// routed). Per record it must stay under what one held alert costs with its words and the
// stage's bookkeeping; a copy of each alert (752 bytes) in one more stage exceeds it. Without
// the plan's explanation less is held, and every message is the same.
func TestStreamHoldsEachAlertOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("streams a batch of thousands of records")
	}
	const records = 4000
	batch := distinctBatch(t, records)
	var saidBefore string
	for _, tt := range []struct {
		name    string
		explain bool
		// atStories and atFirst are the live heap allowed per record, in bytes. Without the
		// explanation, an alert only its messages read is held packed (~1 KB: its words in
		// one string, and 96 bytes in the list), one a story reads as its 816-byte input and
		// its words (~2 KB): ~1.5 KB a record as the stories are read, and ~0.95 KB at the
		// first message (suppressed alerts let go, what the stories passed packed too). The
		// plan's explanation holds every alert whole, and every suppression and fold as
		// values: ~2.5 and ~2.9 KB. Copying each alert in one more stage adds 0.8 KB.
		atStories, atFirst int64
	}{
		{"plain", false, 1900, 1250},
		{"explain", true, 3000, 3000},
	} {
		t.Run(tt.name, func(t *testing.T) {
			store := &measured{Store: state.NewMemory(clock.NewFake(processed))}
			n := slackNotifier(t, "https://hooks.slack.example/services/TFAKE/BFAKE/fake-secret-for-tests", nil, nil, WithState(store))
			liveHeap() // the first collection leaves what waits on finalizers
			store.base = liveHeap()
			var atFirst, goal uint64
			messages := 0
			said := sha256.New()
			plan, err := n.Stream(context.Background(), envelope.Stream(bytes.NewReader(batch)), func(m Message) error {
				if messages++; messages == 1 {
					goal = heapGoal()
					atFirst = liveHeap()
				}
				fmt.Fprintf(said, "%s %s %q %s %s\n", m.Destination, m.Op, m.Routes, m.Alert.EventID, m.Payload)
				return nil
			}, tt.explain)
			if err != nil {
				t.Fatal(err)
			}
			if plan.Records != records || messages == 0 || store.atStories == 0 {
				t.Fatalf("%d records, %d messages, stories read: %v", plan.Records, messages, store.atStories != 0)
			}
			for _, m := range []struct {
				where string
				live  uint64
				most  int64
			}{{"as the stories are read", store.atStories, tt.atStories}, {"at the first message", atFirst, tt.atFirst}} {
				per := (int64(m.live) - int64(store.base)) / records
				t.Logf("%s: %d bytes live per record", m.where, per)
				if per > m.most {
					t.Errorf("%s the live heap is %d bytes per record, more than %d: alerts are copied from stage to stage", m.where, per, m.most)
				}
			}
			// Without the explanation, the messages are written in the room of what is held
			// then (the collector's goal twice that, as GOGC=100 sets it: ~1.95 times the live
			// heap here, with the batch's own bytes), not of what was held as the stories were
			// told (~2.4 times).
			if !tt.explain && float64(goal) > 2.2*float64(atFirst) {
				t.Errorf("at the first message the collector's goal is %d bytes, %.1f times the %d live: the heap may grow to what the stories held", goal, float64(goal)/float64(atFirst), atFirst)
			}
			// Keeping the explanation or not changes nothing said.
			if sum := fmt.Sprintf("%x", said.Sum(nil)); saidBefore == "" {
				saidBefore = sum
			} else if sum != saidBefore {
				t.Errorf("the messages differ with explain %v", tt.explain)
			}
			runtime.KeepAlive(batch)
		})
	}
}

// distinctBatch is an SQS batch of records SNS notifications, each wrapping one of the
// EventBridge fixtures in turn with an id of its own.
func distinctBatch(t *testing.T, records int) []byte {
	var events []map[string]any
	names := make([]string, 0)
	all := fixtures(t)
	for name := range all {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		var ev map[string]any
		if json.Unmarshal(all[name], &ev) == nil && ev["source"] != nil && ev["id"] != nil {
			events = append(events, ev)
		}
	}
	list := make([]json.RawMessage, records)
	for i := range list {
		ev := events[i%len(events)]
		id := ev["id"]
		ev["id"] = fmt.Sprintf("%s-%06d", id, i)
		b, err := json.Marshal(ev)
		ev["id"] = id
		if err != nil {
			t.Fatal(err)
		}
		list[i] = b
	}
	batch, err := envelope.SQSBatch(list)
	if err != nil {
		t.Fatal(err)
	}
	return batch

}

// measured is a memory store that measures the live heap when the stories are first read.
type measured struct {
	state.Store
	base, atStories uint64
}

func (m *measured) Get(ctx context.Context, key string) (state.Item, error) {
	if m.atStories == 0 {
		m.atStories = liveHeap()
	}
	return m.Store.Get(ctx, key)
}

func (m *measured) KeepsValues() bool { return state.KeepsValues(m.Store) }

// heapGoal is the heap size the collector means to collect at next.
func heapGoal() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/goal:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// liveHeap is the heap in use just after a collection: what is still referenced.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
