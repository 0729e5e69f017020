// Package state is the notifier's small memory across invocations: crash-loop and deployment
// stories, and the ledger of deliveries already made. Each item is versioned, and every write
// is conditional on the version read, so two invocations running at once cannot both announce
// the same crash loop: one write wins, the other sees ErrConflict, re-reads and folds in.
//
// Implementations: Memory (the CLI, the demo, tests, and the function when it is given no
// table) and the DynamoDB one (the function).
package state

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/foghornhq/foghorn/lambda/clock"
)

// Item is one stored record. Data is the caller's JSON; the store does not look inside.
type Item struct {
	Key string
	// Version is what the store holds: 0 for an item that does not exist (or has expired).
	// Put stores Version+1 if the stored version still equals Version.
	Version int64
	// Keep is how long Put keeps the item, measured from the write on the store's clock
	// (processing time, never an event's time: a record redriven days late must not be
	// written already expired). 0 keeps it for ever.
	Keep time.Duration
	// Expires is when the stored item lapses (the DynamoDB table's TTL attribute): set on what
	// Get and Put return, ignored by Put. An expired item reads as absent even before the
	// store deletes it.
	Expires time.Time
	Data    []byte
	// Value is the caller's value itself, for a store that keeps values (KeepsValues): it is
	// stored instead of Data, with no encoding, and handed back by Get as it was given, so
	// neither the caller nor anyone it shares it with may change it after Put.
	Value any
}

// KeepsValues reports whether s keeps Item.Value as it is, so that a caller may store a value
// without encoding it. Memory does; a store that writes elsewhere (DynamoDB) needs Data.
func KeepsValues(s Store) bool {
	v, ok := s.(interface{ KeepsValues() bool })
	return ok && v.KeepsValues()
}

// ErrConflict means the item changed since it was read: re-read and decide again.
var ErrConflict = errors.New("state: the item changed since it was read")

// Store reads and conditionally writes items.
type Store interface {
	// Get returns the item, or an Item with Version 0 and no Data when there is none.
	Get(ctx context.Context, key string) (Item, error)
	// Put writes it.Data under it.Key, to be kept for it.Keep, if the stored version is
	// it.Version, and returns the item as stored (Version incremented, Expires set).
	// Otherwise it returns ErrConflict.
	Put(ctx context.Context, it Item) (Item, error)
}

// expiry is when an item written at now with keep lapses; zero for ever.
func expiry(now time.Time, keep time.Duration) time.Time {
	if keep <= 0 {
		return time.Time{}
	}
	return now.Add(keep)
}

// Memory is a Store in a map, safe for concurrent use.
//
// It forgets expired items as it goes: once as many Puts have passed since the last sweep as
// there were items left after it (and at least minSweep), the next Put drops every expired
// item. That is amortised constant work per Put, and keeps a long-lived process (a Lambda
// container without a table, the CLI, the demo) from growing with every delivery the ledger
// marks: the map holds at most about twice the items alive at the last sweep.
type Memory struct {
	mu    sync.Mutex
	items map[string]Item
	// puts counts the Puts since the last sweep; kept is how many items that sweep left.
	puts, kept int
	clock      clock.Clock
}

// minSweep is the fewest Puts between two sweeps, so a small store is not swept on every Put.
const minSweep = 64

// NewMemory returns an empty store whose items expire on c (nil: the system clock).
func NewMemory(c clock.Clock) *Memory { return &Memory{items: map[string]Item{}, clock: clock.Or(c)} }

// live reports whether it has not expired at now: an item expires at the instant Expires.
func live(it Item, now time.Time) bool {
	return it.Expires.IsZero() || now.Before(it.Expires)
}

// KeepsValues says that Memory stores Item.Value as it is given: no encoding, no copy.
func (m *Memory) KeepsValues() bool { return true }

// Get implements Store.
func (m *Memory) Get(_ context.Context, key string) (Item, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	it, ok := m.items[key]
	if !ok || !live(it, m.clock.Now()) {
		return Item{Key: key}, nil
	}
	it.Data = append([]byte(nil), it.Data...)
	return it, nil
}

// Put implements Store.
func (m *Memory) Put(_ context.Context, it Item) (Item, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.clock.Now()
	var stored int64
	if cur, ok := m.items[it.Key]; ok && live(cur, now) {
		stored = cur.Version
	}
	if stored != it.Version {
		return Item{}, ErrConflict
	}
	it.Version = stored + 1
	it.Expires = expiry(now, it.Keep)
	it.Data = append([]byte(nil), it.Data...)
	m.items[it.Key] = it
	if m.puts++; m.puts >= max(m.kept, minSweep) {
		m.sweep(now)
	}
	return it, nil
}

// sweep deletes the items expired at now. Callers hold m.mu.
func (m *Memory) sweep(now time.Time) {
	for k, it := range m.items {
		if !live(it, now) {
			delete(m.items, k)
		}
	}
	m.puts, m.kept = 0, len(m.items)
}
