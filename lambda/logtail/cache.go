package logtail

import (
	"container/list"
	"context"
	"sync"
)

// container is what the log tail needs of one container definition.
type container struct {
	name      string
	essential bool
	driver    string
	options   map[string]string
}

// defCache remembers the containers of task definitions. A revision never changes once
// registered, so entries never go stale; the cache is bounded, least recently used out first.
// Concurrent lookups of one key share one call, as a burst of failures of one service would
// otherwise describe the same revision once per task.
type defCache struct {
	size int

	mu       sync.Mutex
	order    *list.List // of *cacheEntry, most recently used first
	entries  map[string]*list.Element
	inflight map[string]*load
}

type cacheEntry struct {
	key        string
	containers []container
}

type load struct {
	done       chan struct{}
	containers []container
	err        error
}

func newDefCache(size int) *defCache {
	return &defCache{size: size, order: list.New(), entries: map[string]*list.Element{}, inflight: map[string]*load{}}
}

// get returns the containers for key, calling fetch when they are not cached and no other
// caller is already fetching them. It returns when ctx ends even if fetch does not: fetch
// runs on its own goroutine, with the ctx of the caller that started it. Failures are not
// cached, so the next alert tries again.
func (c *defCache) get(ctx context.Context, key string, fetch func(context.Context) ([]container, error)) ([]container, error) {
	c.mu.Lock()
	if el, ok := c.entries[key]; ok {
		c.order.MoveToFront(el)
		cs := el.Value.(*cacheEntry).containers
		c.mu.Unlock()
		return cs, nil
	}
	l, ok := c.inflight[key]
	if !ok {
		l = &load{done: make(chan struct{})}
		c.inflight[key] = l
		go c.run(ctx, key, l, fetch)
	}
	c.mu.Unlock()

	select {
	case <-l.done:
		return l.containers, l.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (c *defCache) run(ctx context.Context, key string, l *load, fetch func(context.Context) ([]container, error)) {
	cs, err := guard(func() ([]container, error) { return fetch(ctx) })
	c.mu.Lock()
	delete(c.inflight, key)
	if err == nil {
		c.entries[key] = c.order.PushFront(&cacheEntry{key: key, containers: cs})
		for c.order.Len() > c.size {
			oldest := c.order.Back()
			c.order.Remove(oldest)
			delete(c.entries, oldest.Value.(*cacheEntry).key)
		}
	}
	c.mu.Unlock()
	l.containers, l.err = cs, err
	close(l.done)
}

// len reports how many task definitions are cached.
func (c *defCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
