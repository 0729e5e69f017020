package state

import (
	"context"
	"errors"
	"time"
)

// Ledger remembers deliveries, so that a record SQS hands back — because another of its
// messages failed, because SNS delivered it twice, or because someone redrove the DLQ days
// later — posts nothing a destination already has.
//
// A delivery is claimed before it is posted, with a conditional write, so that of two
// invocations holding the same message at once only one posts; the claim is released if the
// post fails, and lapses by itself after its lease if the invocation dies holding it. What
// at-least-once still means: a post that succeeded but whose success could not be recorded
// (the function timed out between the two) is posted again when the record comes back.
type Ledger struct {
	store Store
	keep  time.Duration
}

// NewLedger returns a ledger in store that remembers each delivery for keep: at least as long
// as SQS can hand a record back (the DLQ's retention).
func NewLedger(store Store, keep time.Duration) Ledger {
	return Ledger{store: store, keep: keep}
}

// Claim says what a Claim call found.
type Claim struct {
	Outcome ClaimOutcome
	key     string
	version int64 // the claim item's version, for Done and Release
}

// ClaimOutcome is what a caller may do with a message.
type ClaimOutcome int

const (
	// Claimed: the message is this caller's to post; it must then call Done or Release.
	Claimed ClaimOutcome = iota
	// AlreadyDelivered: an earlier attempt posted it; do not post again.
	AlreadyDelivered
	// HeldElsewhere: another invocation is posting it right now. Do not post; hand the record
	// back to the queue, so that it is looked at again once that invocation is done.
	HeldElsewhere
	// Unclaimed: the ledger could not be read or written. Post anyway: twice is better
	// than never.
	Unclaimed
)

func (o ClaimOutcome) String() string {
	return [...]string{"claimed", "already_delivered", "held_elsewhere", "unclaimed"}[o]
}

// What a ledger item holds. Items written before claims existed hold "{}" and mean delivered.
const (
	ledgerClaimed   = "c"
	ledgerReleased  = "r"
	ledgerDelivered = "d"
)

const maxClaimAttempts = 3

// Claim claims key's delivery for lease: past it, another invocation may take the claim over.
// The lease must end before SQS makes the record visible again (its visibility timeout), so
// that a record whose invocation died is posted on its next receive.
func (l Ledger) Claim(ctx context.Context, key string, lease time.Duration) (Claim, error) {
	c := Claim{key: ledgerKey(key)}
	for attempt := 0; ; attempt++ {
		it, err := l.store.Get(ctx, c.key)
		if err != nil {
			c.Outcome = Unclaimed
			return c, err
		}
		if it.Version > 0 {
			switch string(it.Data) {
			case ledgerClaimed:
				c.Outcome = HeldElsewhere
				return c, nil
			case ledgerReleased:
			default:
				c.Outcome = AlreadyDelivered
				return c, nil
			}
		}
		put, err := l.store.Put(ctx, Item{Key: c.key, Version: it.Version, Keep: lease, Data: []byte(ledgerClaimed)})
		if err == nil {
			c.Outcome, c.version = Claimed, put.Version
			return c, nil
		}
		if !errors.Is(err, ErrConflict) || attempt+1 >= maxClaimAttempts {
			c.Outcome = Unclaimed
			return c, err
		}
	}
}

// Done records the claimed delivery as made, to be remembered for the ledger's keep. For an
// Unclaimed claim it records it if nobody else has.
func (l Ledger) Done(ctx context.Context, c Claim) error {
	switch c.Outcome {
	case Claimed, Unclaimed:
		_, err := l.store.Put(ctx, Item{Key: c.key, Version: c.version, Keep: l.keep, Data: []byte(ledgerDelivered)})
		return err
	}
	return nil
}

// Release gives a claim back after a post failed, so the next attempt can post at once.
func (l Ledger) Release(ctx context.Context, c Claim) error {
	if c.Outcome != Claimed {
		return nil
	}
	_, err := l.store.Put(ctx, Item{Key: c.key, Version: c.version, Keep: l.keep, Data: []byte(ledgerReleased)})
	return err
}

// Delivered reports whether key's delivery was recorded as made.
func (l Ledger) Delivered(ctx context.Context, key string) (bool, error) {
	it, err := l.store.Get(ctx, ledgerKey(key))
	if err != nil || it.Version == 0 {
		return false, err
	}
	s := string(it.Data)
	return s != ledgerClaimed && s != ledgerReleased, nil
}

func ledgerKey(key string) string { return "delivered#" + key }
