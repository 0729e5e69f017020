package state

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/clock"
)

// A long-lived Memory marks deliveries for ever; expired ones must not pile up, and forgetting
// them must change nothing a reader can see.
func TestMemoryForgetsExpiredItems(t *testing.T) {
	t0 := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	c := clock.NewFake(t0)
	m := NewMemory(c)
	ctx := context.Background()
	put := func(it Item) Item {
		t.Helper()
		got, err := m.Put(ctx, it)
		if err != nil {
			t.Fatalf("put %s: %v", it.Key, err)
		}
		return got
	}

	// Kept throughout: an item without expiry, one with a far expiry, and a story at version 2.
	put(Item{Key: "forever", Data: []byte("f")})
	put(Item{Key: "long", Keep: 365 * 24 * time.Hour, Data: []byte("l")})
	put(Item{Key: "story", Keep: 365 * 24 * time.Hour})
	put(Item{Key: "story", Version: 1, Keep: 365 * 24 * time.Hour, Data: []byte("s")})

	const perRound, rounds = 1000, 20
	ledger := NewLedger(m, time.Minute)
	delivered := func(key string) bool {
		ok, err := ledger.Delivered(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	for r := range rounds {
		for i := range perRound {
			c, err := ledger.Claim(ctx, fmt.Sprintf("round%d#%d", r, i), time.Minute)
			if err != nil || c.Outcome != Claimed {
				t.Fatalf("claim: %v, %v", c.Outcome, err)
			}
			if err := ledger.Done(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		// Each round's marks are alive, the last round's have expired.
		if !delivered(fmt.Sprintf("round%d#%d", r, perRound-1)) {
			t.Fatalf("round %d: a fresh mark reads as not delivered", r)
		}
		if r > 0 && delivered(fmt.Sprintf("round%d#0", r-1)) {
			t.Fatalf("round %d: an expired mark reads as delivered", r)
		}
		if n := len(m.items); n > 2*perRound+minSweep+3 {
			t.Fatalf("round %d: %d items held, with at most %d alive", r, n, perRound+3)
		}
		c.Advance(2 * time.Minute)
	}

	for key, want := range map[string]string{"forever": "f", "long": "l", "story": "s"} {
		got, err := m.Get(ctx, key)
		if err != nil || string(got.Data) != want {
			t.Errorf("Get(%s) = %+v, %v; want data %q", key, got, err, want)
		}
	}
	if got, _ := m.Get(ctx, "story"); got.Version != 2 {
		t.Errorf("story at version %d after sweeps, want 2", got.Version)
	}
	// A swept item is absent as an expired one was: creatable, and not updatable.
	if _, err := m.Put(ctx, Item{Key: "delivered#round0#0", Version: 1}); err != ErrConflict {
		t.Errorf("update of a swept item: err = %v, want ErrConflict", err)
	}
	if got := put(Item{Key: "delivered#round0#0"}); got.Version != 1 {
		t.Errorf("re-created swept item at version %d, want 1", got.Version)
	}
}
