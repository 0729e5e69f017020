package state_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/clock"
	"github.com/foghornhq/foghorn/lambda/internal/dynamofake"
	"github.com/foghornhq/foghorn/lambda/state"
)

// keep is the DLQ's retention, which is how long the notifier remembers deliveries.
const keep = 14 * 24 * time.Hour

// ledgerStep is one call on the ledger: a claim (with lease), a Done or Release of the last
// claim, after advancing the clock.
type ledgerStep struct {
	advance time.Duration
	op      string // "claim", "done", "release"
	lease   time.Duration
	want    state.ClaimOutcome // for claims
}

func TestLedger(t *testing.T) {
	const lease = 2 * time.Minute
	tests := []struct {
		name  string
		steps []ledgerStep
	}{
		{"a delivery is posted once", []ledgerStep{
			{op: "claim", lease: lease, want: state.Claimed},
			{op: "done"},
			{op: "claim", lease: lease, want: state.AlreadyDelivered},
		}},
		{"a claim held by another invocation is not taken", []ledgerStep{
			{op: "claim", lease: lease, want: state.Claimed},
			{advance: lease - time.Second, op: "claim", lease: lease, want: state.HeldElsewhere},
		}},
		{"a released claim can be taken at once", []ledgerStep{
			{op: "claim", lease: lease, want: state.Claimed},
			{op: "release"},
			{op: "claim", lease: lease, want: state.Claimed},
			{op: "done"},
			{op: "claim", lease: lease, want: state.AlreadyDelivered},
		}},
		{"a claim whose invocation died lapses with its lease", []ledgerStep{
			{op: "claim", lease: lease, want: state.Claimed},
			{advance: lease, op: "claim", lease: lease, want: state.Claimed},
		}},
		{"a delivery is remembered as long as the DLQ keeps records", []ledgerStep{
			{op: "claim", lease: lease, want: state.Claimed},
			{op: "done"},
			{advance: 13 * 24 * time.Hour, op: "claim", lease: lease, want: state.AlreadyDelivered},
			{advance: 24*time.Hour - time.Second, op: "claim", lease: lease, want: state.AlreadyDelivered},
			{advance: time.Second, op: "claim", lease: lease, want: state.Claimed},
		}},
	}
	for _, impl := range stores {
		for _, tt := range tests {
			t.Run(impl.name+"/"+tt.name, func(t *testing.T) {
				c := clock.NewFake(t0)
				l := state.NewLedger(impl.new(t, c), keep)
				ctx := context.Background()
				var last state.Claim
				for i, st := range tt.steps {
					c.Advance(st.advance)
					var err error
					switch st.op {
					case "claim":
						var got state.Claim
						got, err = l.Claim(ctx, "evt-1|prod-slack", st.lease)
						if err == nil && got.Outcome != st.want {
							t.Fatalf("step %d: claim = %v, want %v", i, got.Outcome, st.want)
						}
						if got.Outcome == state.Claimed {
							last = got
						}
					case "done":
						err = l.Done(ctx, last)
					case "release":
						err = l.Release(ctx, last)
					}
					if err != nil {
						t.Fatalf("step %d: %s: %v", i, st.op, err)
					}
				}
			})
		}
	}
}

// Two invocations holding the same message at once (SNS and SQS deliver at least once): of
// many claims made together exactly one wins, and the others are told it is held elsewhere.
func TestLedgerConcurrentClaims(t *testing.T) {
	const claimers = 16
	for _, impl := range stores {
		t.Run(impl.name, func(t *testing.T) {
			l := state.NewLedger(impl.new(t, clock.NewFake(t0)), keep)
			outcomes := make([]state.ClaimOutcome, claimers)
			var wg sync.WaitGroup
			for i := range claimers {
				wg.Go(func() {
					c, err := l.Claim(context.Background(), "evt-1|prod-slack", time.Minute)
					if err != nil {
						t.Error(err)
					}
					outcomes[i] = c.Outcome
				})
			}
			wg.Wait()
			count := map[state.ClaimOutcome]int{}
			for _, o := range outcomes {
				count[o]++
			}
			if count[state.Claimed] != 1 || count[state.HeldElsewhere] != claimers-1 {
				t.Errorf("outcomes %v, want one claimed and %d held elsewhere", count, claimers-1)
			}
		})
	}
}

// Items written before claims existed ("{}") mean delivered.
func TestLedgerReadsOlderItems(t *testing.T) {
	c := clock.NewFake(t0)
	d, srv := newDynamo(t, c)
	srv.Seed(map[string]dynamofake.Value{"pk": dynamofake.Str("delivered#evt-1|prod-slack"), "version": dynamofake.Num("1"),
		"data": dynamofake.Bin([]byte("{}")), "expires": dynamofake.Num(fmt.Sprint(t0.Add(time.Hour).Unix()))})
	l := state.NewLedger(d, keep)
	if got, err := l.Claim(context.Background(), "evt-1|prod-slack", time.Minute); err != nil || got.Outcome != state.AlreadyDelivered {
		t.Errorf("claim = %v, %v; want already delivered", got.Outcome, err)
	}
}

// What the ledger writes to DynamoDB: conditional writes, and a delivery that expires (TTL)
// when the ledger's keep is over, counted from the write, not from any event's time.
func TestLedgerOverDynamo(t *testing.T) {
	c := clock.NewFake(t0)
	d, srv := newDynamo(t, c)
	l := state.NewLedger(d, keep)
	ctx := context.Background()
	claim, err := l.Claim(ctx, "evt-1|prod-slack", 90*time.Second)
	if err != nil || claim.Outcome != state.Claimed {
		t.Fatalf("claim = %v, %v", claim.Outcome, err)
	}
	it, _ := srv.Item("delivered#evt-1|prod-slack")
	if !it["expires"].Equal(dynamofake.Num(fmt.Sprint(t0.Add(90 * time.Second).Unix()))) {
		t.Errorf("claim expires %v, want the lease's end", it["expires"])
	}
	c.Advance(time.Second)
	if err := l.Done(ctx, claim); err != nil {
		t.Fatal(err)
	}
	it, _ = srv.Item("delivered#evt-1|prod-slack")
	if !it["expires"].Equal(dynamofake.Num(fmt.Sprint(t0.Add(time.Second + keep).Unix()))) {
		t.Errorf("delivery expires %v, want the write + %s", it["expires"], keep)
	}
	var conds []string
	for _, r := range srv.Requests() {
		if r.Op == "PutItem" {
			conds = append(conds, r.Condition)
		}
	}
	if fmt.Sprint(conds) != "[attribute_not_exists(#pk) OR #expires <= :now #version = :v]" {
		t.Errorf("PutItem conditions %q, want a create then an update of the claim", conds)
	}
}

// A store that cannot be read leaves the message unclaimed, with the error: the caller
// posts anyway.
func TestLedgerStoreDown(t *testing.T) {
	c := clock.NewFake(t0)
	d, srv := newDynamo(t, c)
	srv.Throttle(10)
	l := state.NewLedger(d, keep)
	got, err := l.Claim(context.Background(), "evt-1|prod-slack", time.Minute)
	if err == nil || errors.Is(err, state.ErrConflict) || got.Outcome != state.Unclaimed {
		t.Errorf("claim = %v, %v; want unclaimed with the store's error", got.Outcome, err)
	}
}
