package notifier

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/chat/deliver"
	"github.com/foghornhq/foghorn/lambda/clock"
	"github.com/foghornhq/foghorn/lambda/state"
)

// Outcome is what happened to one message.
type Outcome struct {
	Message *Message
	// Ref is where a story's announcement landed on a target that can edit messages.
	Ref      *chat.Ref
	Class    deliver.Class
	Err      error
	Skipped  bool // already delivered by an earlier attempt of the same record (ledger hit)
	Duration time.Duration
}

// Result is what happened to a plan.
type Result struct {
	Outcomes []Outcome
	// Failed lists the SQS message ids whose messages were not all delivered: the function
	// returns them as batchItemFailures so SQS redelivers them and finally keeps them in the DLQ.
	Failed []string
}

// Delivered counts the messages that reached their destination in this call.
func (r Result) Delivered() int {
	n := 0
	for _, o := range r.Outcomes {
		if o.Err == nil && !o.Skipped {
			n++
		}
	}
	return n
}

// Deliver posts a plan. Each destination gets its messages one at a time and in order (chat
// services rate-limit per webhook and readers expect order); destinations are served in
// parallel and fail independently. Once a destination is gone or rate-limited beyond the
// time left, its remaining messages are not attempted: they fail fast and go back to the queue.
func (n *Notifier) Deliver(ctx context.Context, plan Plan) Result {
	byDest := map[string][]int{}
	var order []string
	for i, m := range plan.Messages {
		if _, ok := byDest[m.Destination]; !ok {
			order = append(order, m.Destination)
		}
		byDest[m.Destination] = append(byDest[m.Destination], i)
	}
	outcomes := make([]Outcome, len(plan.Messages))
	var wg sync.WaitGroup
	for _, name := range order {
		wg.Add(1)
		go func(idx []int) {
			defer wg.Done()
			var stop error
			defer func() {
				// A panic while posting (there should be none) fails this destination's
				// remaining messages, which go back to the queue; the others are unaffected.
				if v := recover(); v != nil {
					n.log.Error("delivery panicked; the destination's remaining messages go back to the queue", "destination", name, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
					for _, i := range idx {
						if outcomes[i].Message == nil {
							outcomes[i] = Outcome{Message: &plan.Messages[i], Class: deliver.Retryable, Err: errPanicked}
						}
					}
				}
			}()
			for _, i := range idx {
				m := &plan.Messages[i]
				outcomes[i] = n.deliverOne(ctx, m, stop)
				if c := outcomes[i].Class; outcomes[i].Err != nil && (c == deliver.Gone || c == deliver.RateLimited) {
					stop = outcomes[i].Err
				}
			}
		}(byDest[name])
	}
	wg.Wait()

	n.saveRefs(ctx, outcomes)
	res := Result{Outcomes: outcomes}
	failed := map[string]bool{}
	for _, o := range outcomes {
		if o.Err != nil {
			for _, id := range o.Message.Items {
				if !failed[id] {
					failed[id] = true
					res.Failed = append(res.Failed, id)
				}
			}
		}
	}
	return res
}

// errPanicked marks messages of a destination whose delivery panicked.
var errPanicked = errors.New("not delivered: delivery failed unexpectedly")

// errNoTarget marks messages of a notifier that only plans: it was given no targets.
var errNoTarget = errors.New("not posted: this notifier renders only, and has no target to post with")

// errNotAttempted marks messages skipped because their destination already failed hard.
var errNotAttempted = errors.New("not attempted: the destination failed earlier in this invocation")

// errHeldElsewhere marks a message another invocation is posting at this moment (SNS and SQS
// deliver at least once, so two can hold one event). Its records go back to the queue and are
// looked at again once that invocation is done: skipped if it posted, posted if it did not.
var errHeldElsewhere = errors.New("not posted: another invocation is posting this message now")

// Lease bounds: a claim outlives the invocation that holds it by a little, and lapses before
// SQS makes the record visible again (the stack sets the visibility timeout to six times the
// function's timeout), so that a record whose invocation died is posted on its next receive.
const (
	leaseMargin     = 30 * time.Second
	minLease        = 30 * time.Second
	maxLease        = 15 * time.Minute // Lambda's longest timeout
	leaseNoDeadline = 2 * time.Minute  // the CLI, tests
)

// lease is how long a claim made now holds.
func lease(ctx context.Context) time.Duration {
	dl, ok := ctx.Deadline()
	if !ok {
		return leaseNoDeadline
	}
	return min(max(clock.Until(dl)+leaseMargin, minLease), maxLease)
}

func (n *Notifier) deliverOne(ctx context.Context, m *Message, stop error) Outcome {
	o := Outcome{Message: m}
	if _, err := n.target(m.Destination); err != nil {
		// A broken destination: nothing to claim, nothing to try.
		o = brokenOutcome(m, err)
		n.logOutcome(o, "broken_destination")
		return o
	}
	key := m.key
	if key == "" {
		key = m.Alert.EventID + "|" + m.Destination
	}
	ledger := n.ledger
	if m.keep > 0 {
		ledger = state.NewLedger(n.store, m.keep)
	}
	if m.also != "" {
		if done, err := ledger.Delivered(ctx, m.also); err == nil && done {
			o.Skipped = true
			n.logOutcome(o, "already_delivered")
			return o
		}
	}
	claim, err := ledger.Claim(ctx, key, lease(ctx))
	switch claim.Outcome {
	case state.AlreadyDelivered:
		o.Skipped = true
		n.logOutcome(o, "already_delivered")
		return o
	case state.HeldElsewhere:
		o.Class, o.Err = deliver.Retryable, errHeldElsewhere
		n.logOutcome(o, "held_elsewhere")
		return o
	case state.Unclaimed:
		// Posting twice is better than not posting.
		n.log.Warn("delivery ledger unavailable; posting without a claim", "event_id", m.Alert.EventID, "destination", m.Destination, "error", err.Error())
	}
	if stop != nil {
		n.release(ctx, ledger, claim, m)
		o.Class = deliver.ClassOf(stop)
		o.Err = errNotAttempted
		n.logOutcome(o, "not_attempted")
		return o
	}
	start := n.clock.Now()
	err = n.send(ctx, m, &o)
	o.Duration = n.clock.Now().Sub(start)
	if err != nil {
		n.release(ctx, ledger, claim, m)
		o.Err = err
		o.Class = deliver.ClassOf(err)
		n.logOutcome(o, o.Class.String())
		return o
	}
	o.Class = deliver.Delivered
	if err := ledger.Done(ctx, claim); err != nil {
		// The message is out; if its record comes back it may be posted again.
		n.log.Warn("could not record a delivery; a redelivery may post it again", "event_id", m.Alert.EventID, "destination", m.Destination, "error", err.Error())
	}
	n.logOutcome(o, "delivered")
	return o
}

// release gives the claim back so that the record's next attempt can post at once; if it
// cannot, the claim lapses with its lease.
func (n *Notifier) release(ctx context.Context, ledger state.Ledger, c state.Claim, m *Message) {
	if err := ledger.Release(ctx, c); err != nil {
		n.log.Warn("could not release a delivery claim; it lapses with its lease", "event_id", m.Alert.EventID, "destination", m.Destination, "error", err.Error())
	}
}

func (n *Notifier) logOutcome(o Outcome, outcome string) {
	a := o.Message.Alert
	attrs := []any{
		"event_id", a.EventID, "kind", string(a.Kind), "event", a.Event, "severity", string(a.Severity),
		"service", a.Identity.Subject(), "destination", o.Message.Destination, "target", o.Message.Target,
		"outcome", outcome, "latency_ms", o.Duration.Milliseconds(),
	}
	if o.Err != nil {
		attrs = append(attrs, "error", o.Err.Error())
		n.log.Warn("alert not delivered", attrs...)
		return
	}
	n.log.Info("alert delivered", attrs...)
}

// LogSuppressed writes one line for each alert not said on its own: suppressed (naming the
// rule) or folded into a story (naming the story, whose messages count it).
func (n *Notifier) LogSuppressed(plan Plan) {
	for _, s := range plan.Suppressed {
		n.log.Info("alert suppressed",
			"event_id", s.Alert.EventID, "kind", string(s.Alert.Kind), "event", s.Alert.Event,
			"service", s.Alert.Identity.Subject(), "rule", s.Rule, "outcome", "suppressed", "why", s.Why)
	}
	for _, f := range plan.Folded {
		n.log.Info("alert folded into a story",
			"event_id", f.Alert.EventID, "kind", string(f.Alert.Kind), "event", f.Alert.Event,
			"service", f.Alert.Identity.Subject(), "story", f.Story, "outcome", "folded")
	}
}
