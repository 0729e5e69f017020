// Package state is the notifier's small memory across invocations: crash-loop and deployment
// stories, and the ledger of deliveries already made. Each item is versioned, and every write
// is conditional on the version read, so two invocations running at once cannot both announce
// the same crash loop: one write wins, the other sees ErrConflict, re-reads and folds in.
//
// Implementations: Memory (the CLI, the demo and tests) and the DynamoDB one (the function).
package state

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Item is one stored record. Data is the caller's JSON; the store does not look inside.
type Item struct {
	Key string
	// Version is what the store holds: 0 for an item that does not exist (or has expired).
	// Put stores Version+1 if the stored version still equals Version.
	Version int64
	// Expires is when the item may be forgotten (the DynamoDB table's TTL attribute). An
	// expired item reads as absent even before the store deletes it.
	Expires time.Time
	Data    []byte
}

// ErrConflict means the item changed since it was read: re-read and decide again.
var ErrConflict = errors.New("state: the item changed since it was read")

// Store reads and conditionally writes items.
type Store interface {
	// Get returns the item, or an Item with Version 0 and no Data when there is none.
	Get(ctx context.Context, key string) (Item, error)
	// Put writes it.Data and it.Expires under it.Key if the stored version is it.Version,
	// and returns the item as stored (Version incremented). Otherwise it returns ErrConflict.
	Put(ctx context.Context, it Item) (Item, error)
}

// Memory is a Store in a map, safe for concurrent use.
type Memory struct {
	mu    sync.Mutex
	items map[string]Item
	// Now is the clock expiry is measured on; nil means time.Now.
	Now func() time.Time
}

// NewMemory returns an empty store.
func NewMemory() *Memory { return &Memory{items: map[string]Item{}} }

func (m *Memory) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

// Get implements Store.
func (m *Memory) Get(_ context.Context, key string) (Item, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	it, ok := m.items[key]
	if !ok || (!it.Expires.IsZero() && !m.now().Before(it.Expires)) {
		return Item{Key: key}, nil
	}
	it.Data = append([]byte(nil), it.Data...)
	return it, nil
}

// Put implements Store.
func (m *Memory) Put(_ context.Context, it Item) (Item, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	cur, ok := m.items[it.Key]
	if ok && !cur.Expires.IsZero() && !m.now().Before(cur.Expires) {
		ok = false
	}
	var stored int64
	if ok {
		stored = cur.Version
	}
	if stored != it.Version {
		return Item{}, ErrConflict
	}
	it.Version = stored + 1
	it.Data = append([]byte(nil), it.Data...)
	m.items[it.Key] = it
	return it, nil
}

// Ledger remembers deliveries in a Store: a delivery is an item created once and never
// changed, so marking is a conditional create and a conflict means it was already marked.
type Ledger struct {
	Store Store
	// TTL is how long a delivery is remembered: longer than SQS can redeliver a message.
	TTL time.Duration
	Now func() time.Time
}

// Delivered reports whether key was marked. A store error reads as "not delivered": posting
// twice is better than not posting.
func (l Ledger) Delivered(ctx context.Context, key string) bool {
	it, err := l.Store.Get(ctx, "delivered#"+key)
	return err == nil && it.Version > 0
}

// Mark records key. Errors are ignored for the same reason.
func (l Ledger) Mark(ctx context.Context, key string) {
	now := time.Now
	if l.Now != nil {
		now = l.Now
	}
	_, _ = l.Store.Put(ctx, Item{Key: "delivered#" + key, Expires: now().Add(l.TTL), Data: []byte("{}")})
}
