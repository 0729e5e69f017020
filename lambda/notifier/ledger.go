package notifier

import (
	"context"
	"sync"
)

// Ledger remembers which (event, destination) pairs were delivered, so that when SQS
// redelivers a record because one destination failed, the destinations that already posted
// it are not posted to again.
type Ledger interface {
	Delivered(ctx context.Context, key string) bool
	Mark(ctx context.Context, key string)
}

// MemoryLedger is a bounded in-memory ledger: it lives as long as the Lambda container, which
// covers the common case of a quick redelivery to a warm container. Oldest keys go first.
type MemoryLedger struct {
	mu    sync.Mutex
	max   int
	keys  map[string]struct{}
	order []string
}

// NewMemoryLedger returns a ledger holding at most max keys.
func NewMemoryLedger(max int) *MemoryLedger {
	return &MemoryLedger{max: max, keys: map[string]struct{}{}}
}

// Delivered reports whether key was marked.
func (l *MemoryLedger) Delivered(_ context.Context, key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, ok := l.keys[key]
	return ok
}

// Mark records key, evicting the oldest key when full.
func (l *MemoryLedger) Mark(_ context.Context, key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.keys[key]; ok {
		return
	}
	if len(l.order) >= l.max {
		delete(l.keys, l.order[0])
		l.order = l.order[1:]
	}
	l.keys[key] = struct{}{}
	l.order = append(l.order, key)
}
