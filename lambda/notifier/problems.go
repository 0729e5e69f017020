package notifier

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/chat/deliver"
	"github.com/foghornhq/foghorn/lambda/state"
)

// A bad configuration degrades the notifier; it does not silence it. A destination whose
// secret is missing or of the wrong shape is broken: the others work, its own messages fail
// fast and their records go back to the queue (finally to the DLQ, from which a redrive
// delivers them once the secret is fixed). A config document that cannot be used is replaced
// by the last one that worked (main.go). Either is a Problem, which the notifier tells, as an
// alert of its own, to every destination that works and to the ops topic: once per cold
// start, and once across all the containers of the function, by the delivery ledger.

// problemRemember is how long a told problem is remembered: a problem that lasts is told
// again once a day, never once per container.
const problemRemember = 24 * time.Hour

// recheckEvery is how often a container reads a broken destination's secret again, so that a
// fixed secret is used within a minute, without waiting for new containers.
const recheckEvery = time.Minute

// opsAttempts bounds the invocations that try to publish one problem to the ops topic: one
// that cannot publish (a stack without the permission) must not slow every invocation.
const opsAttempts = 3

// Problem is something wrong with the notifier's own configuration that it runs despite.
type Problem struct {
	// ID is the same for the same problem in every container, and differs when the problem
	// does (another destination, another reason): the ledger tells each once. Build it with
	// ProblemID; it holds no secret.
	ID string
	// Event names the problem's kind: DestinationBroken, DestinationFixed, ConfigFallback.
	Event    string
	Severity alert.Severity
	// Title is one line; Text says why and what to do. Neither ever holds a secret: they name
	// parameters and keys, and say what shape a value should have.
	Title string
	Text  string
	Facts []alert.Fact
	// Destination is the destination the problem is about, if any: it is not told there.
	Destination string
}

// The events of problems.
const (
	DestinationBroken = "DESTINATION_BROKEN"
	DestinationFixed  = "DESTINATION_FIXED"
	ConfigFallback    = "CONFIG_FALLBACK"
)

// ProblemID is a stable id for a problem described by parts.
func ProblemID(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:8])
}

// Ops is where the notifier tells its problems besides chat: the stack's ops topic.
type Ops interface {
	Publish(ctx context.Context, subject, message string) error
}

// WithOps makes the notifier tell its problems to ops too.
func WithOps(o Ops) Option { return func(n *Notifier) { n.ops = o } }

// WithProblem adds a problem to tell (FromDocument adds one per broken destination; the
// function adds one when it runs on the last document that worked).
func WithProblem(p Problem) Option {
	return func(n *Notifier) { n.pending = append(n.pending, &pendingProblem{Problem: p, told: map[string]bool{}}) }
}

// WithBroken marks a destination of the document that cannot post: why says what is wrong
// (naming parameters, never holding a secret). Its messages fail fast and their records go
// back to the queue. rebuild, if given, is tried again at most once a minute and replaces the
// destination's target when it works.
func WithBroken(name string, why error, rebuild func(context.Context) (chat.Target, error)) Option {
	return func(n *Notifier) {
		if n.broken == nil {
			n.broken = map[string]*brokenDest{}
		}
		n.broken[name] = &brokenDest{why: why, rebuild: rebuild}
	}
}

// brokenDest is a destination without a target, and how to try again.
type brokenDest struct {
	why     error
	rebuild func(context.Context) (chat.Target, error)
}

// pendingProblem is a problem not yet told everywhere: told holds the destinations (and
// opsKey) that have it.
type pendingProblem struct {
	Problem
	told     map[string]bool
	opsTries int
}

const opsKey = "\x00ops"

// errBroken marks the messages of a broken destination.
type errBroken struct {
	dest string
	why  error
}

func (e *errBroken) Error() string {
	return fmt.Sprintf("not posted: destination %s is broken (%v); its records go back to the queue until it is fixed", e.dest, e.why)
}

// Broken lists the destinations that cannot post now, with why.
func (n *Notifier) Broken() map[string]error {
	n.mu.RLock()
	defer n.mu.RUnlock()
	out := map[string]error{}
	for name, b := range n.broken {
		out[name] = b.why
	}
	return out
}

// Problems lists the problems not yet told everywhere.
func (n *Notifier) Problems() []Problem {
	n.mu.RLock()
	defer n.mu.RUnlock()
	var out []Problem
	for _, p := range n.pending {
		out = append(out, p.Problem)
	}
	return out
}

// target returns the destination's target, or why it has none.
func (n *Notifier) target(name string) (chat.Target, error) {
	n.mu.RLock()
	defer n.mu.RUnlock()
	if b, ok := n.broken[name]; ok {
		return nil, &errBroken{dest: name, why: b.why}
	}
	if t, ok := n.fixed[name]; ok {
		return t, nil
	}
	return n.dests[name].target, nil
}

// brokenProblem says that a destination cannot be posted to, and why.
func (n *Notifier) brokenProblem(name string, why error) Problem {
	d := n.dests[name]
	return Problem{
		ID:          ProblemID(DestinationBroken, name, why.Error()),
		Event:       DestinationBroken,
		Severity:    alert.Critical,
		Destination: name,
		Title:       n.prefix() + "destination " + name + " cannot be posted to",
		Text: fmt.Sprintf("foghorn cannot post to destination %s (%s): %v. Its alerts go back to the queue, and to the dead-letter queue once they have been tried enough; "+
			"every other destination works. Put a value of the right shape into the parameter (with the Pulumi stack: pulumi config set --secret, then pulumi up): "+
			"running containers read it again within a minute. Then redrive the dead-letter queue.", name, d.kind, why),
		Facts: []alert.Fact{{Label: "Destination", Value: name}, {Label: "Target", Value: d.kind}},
	}
}

// prefix names the stack in a problem's title: "foghorn prod: ".
func (n *Notifier) prefix() string {
	if n.doc.Environment == "" {
		return "foghorn: "
	}
	return "foghorn " + n.doc.Environment + ": "
}

// recheck reads broken destinations' secrets again, at most once every recheckEvery. A
// destination that works again gets its target back, and a problem telling so; one that is
// broken another way gets a problem telling that.
func (n *Notifier) recheck(ctx context.Context) {
	now := n.clock.Now()
	n.mu.Lock()
	if len(n.broken) == 0 || now.Sub(n.lastCheck) < recheckEvery {
		n.mu.Unlock()
		return
	}
	n.lastCheck = now
	todo := map[string]*brokenDest{}
	for name, b := range n.broken {
		if b.rebuild != nil {
			todo[name] = b
		}
	}
	n.mu.Unlock()

	for name, b := range todo {
		t, err := b.rebuild(ctx)
		if err == nil {
			err = n.fits(name, t)
		}
		n.mu.Lock()
		switch {
		case err == nil:
			if n.fixed == nil {
				n.fixed = map[string]chat.Target{}
			}
			n.fixed[name] = t
			delete(n.broken, name)
			// Its breakage need not be told any more where it was not yet.
			n.pending = slices.DeleteFunc(n.pending, func(p *pendingProblem) bool {
				return p.Event == DestinationBroken && p.Destination == name
			})
			n.pending = append(n.pending, &pendingProblem{told: map[string]bool{}, Problem: Problem{
				ID:       ProblemID(DestinationFixed, name, b.why.Error()),
				Event:    DestinationFixed,
				Severity: alert.Resolved,
				Title:    n.prefix() + "destination " + name + " works again",
				Text:     "foghorn can post to destination " + name + " again. Alerts that reached the dead-letter queue while it was broken are delivered when the queue is redriven; those already delivered elsewhere are not posted twice.",
				Facts:    []alert.Fact{{Label: "Destination", Value: name}},
			}})
			n.log.Info("destination works again", "destination", name)
		case err.Error() != b.why.Error():
			b.why = err
			p := n.brokenProblem(name, err)
			n.pending = append(n.pending, &pendingProblem{Problem: p, told: map[string]bool{}})
			n.log.Warn("destination is still broken, another way", "destination", name, "problem", err.Error())
		}
		n.mu.Unlock()
	}
}

// fits checks a target built for a destination as New does.
func (n *Notifier) fits(name string, t chat.Target) error {
	if t == nil {
		return errors.New("no target")
	}
	if _, threaded := t.(chat.Threaded); n.dests[name].threaded && !threaded {
		return fmt.Errorf("a %s target must edit messages, and %T cannot", n.dests[name].kind, t)
	}
	return nil
}

// problemMessages renders each problem for every working destination that has not got it.
// They go first in the invocation's plan: the channel reads what is wrong before the alerts.
func (n *Notifier) problemMessages() []Message {
	n.mu.RLock()
	defer n.mu.RUnlock()
	var out []Message
	for _, p := range n.pending {
		a := n.problemAlert(p.Problem)
		for _, d := range n.doc.Destinations {
			if _, broken := n.broken[d.Name]; broken || p.told[d.Name] || d.Name == p.Destination && p.Event != DestinationFixed {
				continue
			}
			m := n.render(d.Name, a, nil)
			m.key, m.problem, m.keep = "problem:"+p.ID+"|"+d.Name, p.ID, problemRemember
			out = append(out, m)
		}
	}
	return out
}

// problemAlert is a problem as an alert, which every target renders as it renders the rest.
func (n *Notifier) problemAlert(p Problem) *alert.Alert {
	return &alert.Alert{
		EventID:    "foghorn:" + p.ID,
		Source:     "foghorn",
		DetailType: "foghorn notifier",
		Kind:       alert.KindNotifier,
		Event:      p.Event,
		Origin:     "foghorn notifier: " + p.Event,
		Severity:   p.Severity,
		Title:      p.Title,
		Summary:    p.Title,
		Reason:     alert.Reason{Text: p.Text},
		Facts:      p.Facts,
		Time:       n.clock.Now().UTC(),
		Count:      1,
	}
}

// markTold records which destinations have their problem messages, and forgets problems told
// everywhere.
func (n *Notifier) markTold(outcomes []Outcome) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, o := range outcomes {
		if o.Message.problem == "" || o.Err != nil {
			continue
		}
		for _, p := range n.pending {
			if p.ID == o.Message.problem {
				p.told[o.Message.Destination] = true
			}
		}
	}
	n.pending = slices.DeleteFunc(n.pending, func(p *pendingProblem) bool {
		if n.ops != nil && !p.told[opsKey] && p.opsTries < opsAttempts {
			return false
		}
		for _, d := range n.doc.Destinations {
			if _, broken := n.broken[d.Name]; !broken && !p.told[d.Name] && (d.Name != p.Destination || p.Event == DestinationFixed) {
				return false
			}
		}
		return true
	})
}

// tellOps publishes each problem to the ops topic, once across containers (the ledger).
func (n *Notifier) tellOps(ctx context.Context) {
	if n.ops == nil {
		return
	}
	n.mu.RLock()
	var todo []*pendingProblem
	for _, p := range n.pending {
		if !p.told[opsKey] && p.opsTries < opsAttempts {
			todo = append(todo, p)
		}
	}
	n.mu.RUnlock()
	for _, p := range todo {
		told, err := TellOps(ctx, n.store, n.ops, p.Problem, n.log)
		n.mu.Lock()
		if told {
			p.told[opsKey] = true
		} else if err != nil {
			p.opsTries++
		}
		n.mu.Unlock()
		if err != nil {
			n.log.Warn("could not tell the ops topic", "problem", p.Title, "error", err.Error())
		}
	}
}

// TellOps publishes a problem to ops unless the ledger in store says it was, within the day;
// told reports that ops has it. The function uses it itself when it cannot start, so that a
// fleet of cold starts tells ops once.
func TellOps(ctx context.Context, store state.Store, o Ops, p Problem, log *slog.Logger) (told bool, err error) {
	ledger := state.NewLedger(store, problemRemember)
	// Its own prefix: a destination may well be named "ops".
	claim, err := ledger.Claim(ctx, "ops-topic:problem:"+p.ID, lease(ctx))
	switch claim.Outcome {
	case state.AlreadyDelivered:
		return true, nil
	case state.HeldElsewhere:
		return false, nil // another container is publishing it
	case state.Unclaimed:
		log.Warn("delivery ledger unavailable; telling the ops topic without a claim", "error", err.Error())
	}
	var b strings.Builder
	b.WriteString(p.Title + "\n\n" + p.Text + "\n")
	for _, f := range p.Facts {
		b.WriteString("\n" + f.Label + ": " + f.Value)
	}
	if err := o.Publish(ctx, p.Title, b.String()); err != nil {
		if rerr := ledger.Release(ctx, claim); rerr != nil {
			log.Warn("could not release a delivery claim; it lapses with its lease", "problem", p.Title, "error", rerr.Error())
		}
		return false, err
	}
	if err := ledger.Done(ctx, claim); err != nil {
		log.Warn("could not record a delivery; a new container may tell ops again", "problem", p.Title, "error", err.Error())
	}
	log.Info("ops topic told", "problem", p.Title, "event", p.Event)
	return true, nil
}

// brokenOutcome is the outcome of a message for a broken destination: not attempted, back to
// the queue.
func brokenOutcome(m *Message, err error) Outcome {
	return Outcome{Message: m, Class: deliver.Retryable, Err: err}
}
