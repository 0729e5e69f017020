// Package notifier is the pipeline: records in, chat messages out. Plan decodes, classifies,
// applies the noise policy, deduplicates, tells stories, routes and renders, needing no
// secret, so the CLI can print exactly what the function would post; Deliver posts a plan and
// says which input records failed, so Handle can hand them back to SQS. What a story says on
// targets that edit messages is threads.go's; the log tails, logs.go's; the application log
// lines that CloudWatch Logs subscriptions deliver, read into log-pattern alerts,
// patterns.go's; the deployment post-mortems, postmortem.go's.
package notifier

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"runtime"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/classify"
	"github.com/foghornhq/foghorn/lambda/clock"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/deployments"
	"github.com/foghornhq/foghorn/lambda/destination"
	"github.com/foghornhq/foghorn/lambda/envelope"
	"github.com/foghornhq/foghorn/lambda/logsource"
	"github.com/foghornhq/foghorn/lambda/logtail"
	"github.com/foghornhq/foghorn/lambda/patterns"
	"github.com/foghornhq/foghorn/lambda/policy"
	"github.com/foghornhq/foghorn/lambda/route"
	"github.com/foghornhq/foghorn/lambda/silence"
	"github.com/foghornhq/foghorn/lambda/state"
	"github.com/foghornhq/foghorn/lambda/story"
)

// dest is one destination of the document as the notifier uses it: how its messages
// render (which needs no secret), whether its target can edit a message and reply in its
// thread, and the target that posts (nil when the notifier only plans: the CLI's render and
// routes).
type dest struct {
	kind     string // the document's target: "slack", …
	render   chat.Renderer
	threaded bool
	target   chat.Target
}

// Notifier runs the pipeline for one configuration.
type Notifier struct {
	doc    *config.Document
	policy *policy.Policy
	router *route.Router
	dests  map[string]dest
	// targets are the posting targets WithTarget gave, by destination name.
	targets map[string]chat.Target
	log     *slog.Logger
	clock   clock.Clock
	// ledger holds the deliveries already made: a redelivered record skips destinations
	// that have it, and two invocations holding one message do not both post it.
	ledger    state.Ledger
	store     state.Store
	revisions story.Revisions
	stories   *story.Tracker
	logs      *logtail.Fetcher // nil: alerts go without log lines
	// postMortem asks ECS about failed and paused deployments (postmortem.go); nil: never.
	postMortem *deployments.PostMortem
	// patterns reads CloudWatch Logs deliveries; logECS and region help it place streams.
	patterns *patterns.Reader
	logECS   logsource.ECS
	region   string

	// What is wrong with the configuration, and whom to tell (problems.go). mu guards broken,
	// fixed (the targets of destinations that were broken and work now) and pending; dests
	// does not change after New.
	mu        sync.RWMutex
	broken    map[string]*brokenDest
	fixed     map[string]chat.Target
	pending   []*pendingProblem
	ops       Ops
	lastCheck time.Time
	// silences are the silences set from chat (silences.go); nil: none.
	silences *silence.Store
}

// Option configures a Notifier at construction.
type Option func(*Notifier)

// WithClock sets the processing clock that the notifier and everything it builds read: the
// stories, the ledger, delivery timings. Default: the system clock. The state store given to
// WithState must be built on the same clock.
func WithClock(c clock.Clock) Option { return func(n *Notifier) { n.clock = c } }

// WithLogger sets where the notifier's decision lines go. Default: nowhere.
func WithLogger(l *slog.Logger) Option { return func(n *Notifier) { n.log = l } }

// WithState puts the notifier's memory — crash-loop and deployment stories, and the delivery
// ledger — in store (DynamoDB, so it outlives the container). Default: a memory store on the
// notifier's clock, which lasts as long as the process (the CLI's run, one Lambda container).
func WithState(store state.Store) Option { return func(n *Notifier) { n.store = store } }

// WithRevisions asks ECS which task definitions deployments run, so that a rollback can say
// from which revision to which.
func WithRevisions(r story.Revisions) Option { return func(n *Notifier) { n.revisions = r } }

// WithLogs makes alerts about a stopped task carry its container's last log lines.
func WithLogs(f *logtail.Fetcher) Option { return func(n *Notifier) { n.logs = f } }

// WithTarget gives the target that posts the named destination's messages (FromDocument
// builds them from the destinations' secrets). A notifier given targets must have one for
// every destination of its document; one given none only plans: its Deliver posts nothing.
func WithTarget(name string, t chat.Target) Option {
	return func(n *Notifier) {
		if n.targets == nil {
			n.targets = map[string]chat.Target{}
		}
		n.targets[name] = t
	}
}

// New builds a notifier for a validated document (config.Parse validates it). Every
// destination renders as its target does, with no secret needed; posting needs the targets
// WithTarget gives.
func New(doc *config.Document, opts ...Option) (*Notifier, error) {
	p, err := policy.New(doc.Noise.Rules)
	if err != nil {
		return nil, err
	}
	r, err := route.New(doc)
	if err != nil {
		return nil, err
	}
	n := &Notifier{doc: doc, policy: p, router: r, dests: map[string]dest{}}
	for _, o := range opts {
		o(n)
	}
	for _, d := range doc.Destinations {
		render, err := renderer(doc, d)
		if err != nil {
			return nil, fmt.Errorf("destination %q: %w", d.Name, err)
		}
		dst := dest{kind: d.Target, render: render, threaded: destination.Threaded(d), target: n.targets[d.Name]}
		// Routes name destinations by name; one without a target would fail only when an
		// alert first reached it.
		_, broken := n.broken[d.Name]
		switch _, threaded := dst.target.(chat.Threaded); {
		case n.targets != nil && dst.target == nil && !broken:
			return nil, fmt.Errorf("destination %q has no target", d.Name)
		case dst.target != nil && dst.threaded && !threaded:
			return nil, fmt.Errorf("destination %q: a %s target must edit messages, and %T cannot", d.Name, d.Target, dst.target)
		}
		n.dests[d.Name] = dst
	}
	for name := range n.targets {
		if _, ok := n.dests[name]; !ok {
			return nil, fmt.Errorf("a target is given for %q, which the document does not name", name)
		}
	}
	for name := range n.broken {
		if _, ok := n.dests[name]; !ok {
			return nil, fmt.Errorf("destination %q is marked broken, and the document does not name it", name)
		}
	}
	n.clock = clock.Or(n.clock)
	if n.log == nil {
		n.log = slog.New(slog.DiscardHandler)
	}
	for _, d := range doc.Destinations {
		if b, ok := n.broken[d.Name]; ok {
			n.log.Warn("destination broken; the others work", "destination", d.Name, "problem", b.why.Error())
			n.pending = append(n.pending, &pendingProblem{Problem: n.brokenProblem(d.Name, b.why), told: map[string]bool{}})
		}
	}
	n.lastCheck = n.clock.Now()
	if n.store == nil {
		n.store = state.NewMemory(n.clock)
	}
	n.stories = story.New(n.store, doc.CrashLoop, n.clock)
	n.stories.Revisions = n.revisions
	n.ledger = state.NewLedger(n.store, doc.Deliveries.Keep())
	if err := n.newPatterns(); err != nil {
		return nil, err
	}
	return n, nil
}

// Message is one post the pipeline decided to make. Its JSON form is what `foghorn render`
// prints: the destination, the target, the routes that chose it and the exact request body.
type Message struct {
	Destination string `json:"destination"`
	Target      string `json:"target"`
	// Routes label the routes that sent the alert here (route.Send.Routes); empty when the
	// document does no routing.
	Routes []string `json:"routes,omitempty"`
	// Op is how the message is sent to a target that can edit messages: "" posts a new one,
	// "update" replaces the message at Ref, "reply" posts in its thread.
	Op      string          `json:"op,omitempty"`
	Ref     *chat.Ref       `json:"ref,omitempty"`
	Payload json.RawMessage `json:"payload"`

	// Alert is what the message says; messages of one alert share it.
	Alert *alert.Alert `json:"-"`
	// Items are the SQS message ids this message stands for: if it cannot be delivered,
	// they go back to the queue.
	Items []string `json:"-"`
	// key identifies the message in the delivery ledger; story is the crash-loop story an
	// announcement starts, whose message reference is kept for later edits.
	key   string
	story string
	// also is a second ledger key under which the message counts as delivered: an alarm
	// transition's copy timed across a second's boundary (transition.neighbour).
	also string
	// problem is the id of the problem a message tells (problems.go); keep, if set, is how
	// long the ledger remembers its delivery instead of the document's deliveries setting.
	problem string
	keep    time.Duration
}

// Suppression is an alert the policy kept out of the channel, and why.
type Suppression struct {
	Alert alert.Alert
	Rule  string
	Why   string
	Items []string
}

// Plan is what the pipeline would post for a batch.
type Plan struct {
	Records    int
	Messages   []Message
	Suppressed []Suppression
	// Routed holds every alert that reached the router, in posting order, with its decision:
	// those posted, and those a mute window kept back (also in Suppressed).
	Routed []Routed
	// Folded are alerts not said on their own: each is counted in a crash-loop or
	// deployment story whose message says it.
	Folded []story.Folded
}

// Routed is one alert and where the router sent it.
type Routed struct {
	Alert    *alert.Alert
	Decision route.Decision
	Items    []string
}

// RuleDuplicate names the suppression of an event seen twice in one batch (SNS and SQS both
// deliver at least once). It is not a noise rule: it cannot be switched off.
const RuleDuplicate = "duplicate"

// Plan runs decode → classify (a CloudWatch Logs delivery: one alert per pattern) → noise
// policy → dedup → stories → log tails and deployment post-mortems → route → render on a batch
// of records. Every record ends in a message, a story that counts it, or a suppression that
// names its rule: nothing is dropped. Plan's only I/O is the state store (stories), the log
// tail, placing a log stream on its service and the post-mortem, all optional and all bounded.
func (n *Notifier) Plan(ctx context.Context, recs []envelope.Record) Plan {
	plan, _ := n.stream(ctx, func(yield func(envelope.Record, error) bool) {
		for _, r := range recs {
			if !yield(r, nil) {
				return
			}
		}
	}, len(recs), nil, true)
	return plan
}

// Stream is Plan for a batch read one record at a time (envelope.Stream), with each message
// handed to emit as soon as it is rendered: records are let go once classified, and messages
// given to emit are kept in the plan without their payloads, so a large batch is never held
// whole. It stops at the first error recs yields, before any story is told, or at the first
// error emit returns, and returns it. emit nil keeps the payloads, as Plan does.
//
// explain keeps what explains the plan: Suppressed, Routed, Folded and each message's Alert
// and Items. Without it (and with emit set) the plan keeps only Records and the messages'
// destinations, targets, routes and operations, and each alert is let go once it has been
// decided on, so that a batch of ten thousand records holds each of its alerts once, until
// its messages are written; one that only its messages read is held packed (alert.Packed)
// until then. A message's Alert is then the batch's for as long as emit runs: emit must not
// keep it.
func (n *Notifier) Stream(ctx context.Context, recs iter.Seq2[envelope.Record, error], emit func(Message) error, explain bool) (Plan, error) {
	return n.stream(ctx, recs, 0, emit, explain || emit == nil)
}

// stream is Stream, told how many records to expect when that is known, and whether to keep
// the plan's explanation.
func (n *Notifier) stream(ctx context.Context, recs iter.Seq2[envelope.Record, error], size int, emit func(Message) error, keep bool) (Plan, error) {
	var plan Plan
	// Without an explanation to keep, or log tails and post-mortems to add, an alert that only
	// its messages will read again is held packed (alert.Packed) until they are written: 64
	// bytes and one string rather than 816 bytes and a score of strings, which the collector
	// marks on each of its cycles while the batch is held.
	pack := !keep && n.logs == nil && n.postMortem == nil
	inputs := make([]story.Input, 0, size) // the alerts held whole
	var held []holding                     // packing, every alert held, in the order read
	if pack {
		held = make([]holding, 0, size)
	}
	// An event's place, and a transition's: in held when packing, else in inputs.
	seen := make(map[string]int, size)
	var alarms []seenTransition
	silenced := n.loadSilences(ctx)
	for rec, err := range recs {
		if err != nil {
			return plan, err
		}
		plan.Records++
		alerts, control, isLog := n.fromLogs(ctx, rec)
		var one [1]alert.Alert // most records are one alert: not worth a slice on the heap
		switch {
		case control != nil:
			if keep {
				plan.Suppressed = append(plan.Suppressed, *control)
			}
			continue
		case !isLog:
			one[0] = classify.Classify(rec)
			alerts = one[:]
		}
		for k := range alerts {
			a := &alerts[k]
			if i, dup := seen[a.EventID]; dup {
				if i == decided {
					continue
				}
				// The first copy carries this record's fate too: if it fails, both go back.
				switch {
				case !pack:
					inputs[i].Items = appendItem(inputs[i].Items, rec.ItemID)
				case held[i].whole >= 0:
					w := held[i].whole
					inputs[w].Items = appendItem(inputs[w].Items, rec.ItemID)
				default:
					held[i].items = appendItem(held[i].items, rec.ItemID)
				}
				if keep {
					plan.Suppressed = append(plan.Suppressed, Suppression{Alert: *a, Rule: RuleDuplicate, Why: "the same event arrived twice in this batch", Items: itemList(rec.ItemID)})
				}
				continue
			}
			t, isTransition := transitionOf(a)
			if isTransition {
				if j := slices.IndexFunc(alarms, func(s seenTransition) bool { return s.t.same(t) }); j >= 0 {
					first := alarms[j].input
					if pack {
						first = held[first].whole // a transition is held whole
					}
					if s := n.oneTransition(&inputs[first], *a, rec.ItemID); keep {
						plan.Suppressed = append(plan.Suppressed, s)
					}
					seen[a.EventID] = alarms[j].input
					continue
				}
				alarms = append(alarms, seenTransition{t: t, input: place(pack, held, inputs)})
			}
			// The verdict is taken of the input's own copy: the policy's rules are functions, so
			// the alert they are shown is taken to escape, and a copy made here would be one
			// more on the heap for every event.
			inputs = append(inputs, story.Input{Alert: *a, Items: itemList(rec.ItemID)})
			in := &inputs[len(inputs)-1]
			in.Verdict = n.decide(&in.Alert, silenced)
			// read: a story, a log pattern, a silence's end or a later copy can read the alert
			// again, or change its verdict (a plan that keeps its explanation reads them all
			// again). The stories keep some of the words of what they read (the memory store
			// keeps stories as values), which would keep a packed alert's whole string: what
			// they read is held whole.
			switch read := keep || a.Kind == alert.KindLog || a.Kind == alert.KindDeployment || isTransition || story.Wants(in); {
			case in.Verdict.Suppress && !read:
				// Suppressed, and nothing can change that: with no record of suppressions to
				// keep, it is let go now rather than held to the end of the batch.
				*in = story.Input{}
				inputs = inputs[:len(inputs)-1]
				seen[a.EventID] = decided
				continue
			case pack && !read:
				held = append(held, holding{packed: alert.Pack(&in.Alert), items: in.Items, whole: packed})
				inputs = inputs[:len(inputs)-1] // its place is the next alert's
			case pack:
				held = append(held, holding{whole: len(inputs) - 1})
			}
			seen[a.EventID] = place(pack, held, inputs) - 1
		}
	}
	n.endDeploymentSilences(ctx, inputs, silenced)

	// What the stories pass by, and what is held packed, is said in the order read: Apply
	// passes first, in their order, the inputs no story wants (story.Wants), so the packed
	// alerts are said among those. Log patterns have stories of their own.
	for i := range held {
		if h := &held[i]; h.whole >= 0 {
			if in := &inputs[h.whole]; isPattern(in) || story.Wants(in) {
				h.whole = storied
			} else {
				h.whole = passing
			}
		}
	}
	logInputs, inputs := splitLogInputs(inputs)
	if pack {
		// A batch held whole peaks as the stories copy what they read. The collector paces
		// its next collection by what it found live at its last, counting as live what is
		// allocated while it runs: collected now, with the batch read and what its records
		// left behind let go, it paces the stories' copies by what is held.
		runtime.GC()
	}
	res, err := n.stories.Apply(ctx, inputs)
	inputs = nil // Apply keeps what passes in their place: res.Passed holds them now
	if err != nil {
		// Without stories every failure posts on its own: noisier, never lost.
		n.log.Error("crash-loop stories unavailable; posting failures one by one", "error", err.Error())
		for _, e := range unwrapAll(err) {
			if pe := (*story.PanicError)(nil); errors.As(e, &pe) {
				n.log.Error("story stage panicked; its records are said one by one", "story", pe.Story, "panic", fmt.Sprint(pe.Value), "stack", string(pe.Stack))
			}
		}
	}
	n.applyPatterns(ctx, logInputs, &res)
	logInputs = nil
	if keep {
		plan.Folded = res.Folded
	}
	res.Folded = nil
	// What is said is held where it already is (held, res.Passed, res.Emits), and pointed to.
	packedCount := 0
	for i := range held {
		if held[i].whole == packed {
			packedCount++
		}
	}
	says := make([]saying, 0, packedCount+len(res.Passed)+len(res.Emits))
	if keep {
		quiet := 0
		for i := range res.Passed {
			if res.Passed[i].Verdict.Suppress {
				quiet++
			}
		}
		plan.Suppressed = slices.Grow(plan.Suppressed, quiet) // grown once, not doubling
	}
	// Where alerts are packed, what passed the stories is packed too, and their list let go.
	var repacked []holding
	if pack {
		repacked = make([]holding, 0, len(res.Passed)) // never grown: says point into it
	}
	pass := func(in *story.Input) {
		switch v := in.Verdict; {
		case v.Suppress && keep:
			plan.Suppressed = append(plan.Suppressed, Suppression{Alert: in.Alert, Rule: v.Rule, Why: v.Why, Items: in.Items})
		case v.Suppress:
			*in = story.Input{} // decided: let its alert go
		case pack:
			repacked = append(repacked, holding{packed: alert.Pack(&in.Alert), items: in.Items, whole: packed})
			*in = story.Input{}
			says = append(says, saying{held: &repacked[len(repacked)-1]})
		default:
			says = append(says, saying{in: in})
		}
	}
	next := 0 // in res.Passed
	for i := range held {
		switch h := &held[i]; h.whole {
		case packed: // never suppressed: a suppressed alert nothing reads again is let go
			says = append(says, saying{held: h})
		case passing:
			if next < len(res.Passed) { // Apply passes each input no story wants
				pass(&res.Passed[next])
				next++
			}
		}
	}
	for i := next; i < len(res.Passed); i++ {
		pass(&res.Passed[i])
	}
	if pack {
		res.Passed = nil
		// And collected again once the stories' copies, the alerts they folded and the list
		// they passed are let go, so that the messages are written in the room of what is
		// held now, not of what was held at the peak.
		runtime.GC()
	}
	for i := range res.Emits {
		says = append(says, saying{emit: &res.Emits[i]})
	}
	n.tailLogs(ctx, says)
	n.postMortems(ctx, says)

	// Chat reads top to bottom: post in event order, whatever order SQS delivered in.
	sort.SliceStable(says, func(x, y int) bool { return says[x].time().Before(says[y].time()) })
	// Most sayings are one message to one destination: room for that is made once.
	// (A plan with none keeps nil lists, as it always has: explain prints them.)
	if len(says) > 0 {
		plan.Messages = make([]Message, 0, len(says))
		if keep {
			plan.Routed = make([]Routed, 0, len(says))
		}
	}
	var unpacked *alert.Alert // where a packed alert is said from, one at a time
	if pack {
		unpacked = new(alert.Alert)
	}
	for i := range says {
		a, items := says[i].said(unpacked), says[i].items()
		d := n.router.Route(a, n.clock.Now())
		if keep {
			plan.Routed = append(plan.Routed, Routed{Alert: a, Decision: d, Items: items})
		}
		n.logRouted(a, d)
		if h, muted := d.Muted(); muted {
			if keep {
				plan.Suppressed = append(plan.Suppressed, Suppression{Alert: *a, Rule: h.Rule(), Why: h.Why(), Items: items})
			}
			continue
		}
		for _, s := range d.Sends {
			from := len(plan.Messages)
			plan.Messages = says[i].appendMessages(plan.Messages, n, s.Destination, a)
			for j := from; j < len(plan.Messages); j++ {
				m := &plan.Messages[j]
				m.Routes = s.Routes
				if emit != nil {
					if err := emit(*m); err != nil {
						// The plan holds what was emitted before, as it always has.
						clear(plan.Messages[j:])
						plan.Messages = noMessages(plan.Messages[:j])
						return plan, err
					}
					m.Payload = nil
				}
				if !keep {
					m.Alert, m.Items = nil, nil
				}
			}
		}
		if !keep {
			says[i].drop() // its messages are written: let its alert go
		}
	}
	plan.Messages = noMessages(plan.Messages)
	return plan, nil
}

// holding is one alert stream holds, in the order read: packed, or whole at inputs[whole]
// until the stories are given the inputs; then whole is storied (a story, or a log
// pattern's, has it) or passing (the stories pass it by, among the first they pass).
type holding struct {
	packed alert.Packed
	items  []string // a packed alert's
	whole  int
}

// place is where the next alert will be held: in held when packing, else in inputs.
func place(pack bool, held []holding, inputs []story.Input) int {
	if pack {
		return len(held)
	}
	return len(inputs)
}

// holding.whole, when the alert is not at inputs[whole].
const (
	packed  = -1
	storied = -2
	passing = -3
)

// isPattern: a log-pattern input, told by the log-pattern stories.
func isPattern(in *story.Input) bool { return in.Alert.Kind == alert.KindLog && in.Alert.Log != nil }

// noMessages is ms, or nil when it holds none.
func noMessages(ms []Message) []Message {
	if len(ms) == 0 {
		return nil
	}
	return ms
}

// decided marks, in stream's index of event ids, an alert already let go.
const decided = -1

// saying is one thing the batch will say: an alert held packed or an input that passed the
// stories, said as a post, or what a story emits. It points to where the alert is held, so
// that no stage copies it.
type saying struct {
	held *holding
	in   *story.Input
	emit *story.Emit
}

// alert is the alert said, where it is held whole; nil when it is held packed, which it is
// only where no log tail or post-mortem (which change what is said) reads it.
func (s saying) alert() *alert.Alert {
	switch {
	case s.emit != nil:
		return &s.emit.Alert
	case s.held != nil:
		return nil
	}
	return &s.in.Alert
}

// said is the alert said: where it is held whole, or a packed one unpacked into *unpacked,
// which holds it until the next is unpacked there.
func (s saying) said(unpacked *alert.Alert) *alert.Alert {
	if s.held != nil {
		s.held.packed.Unpack(unpacked)
		return unpacked
	}
	return s.alert()
}

// time is the said alert's time, which orders what the batch says.
func (s saying) time() time.Time {
	if s.held != nil {
		return s.held.packed.Time()
	}
	return s.alert().Time
}

func (s saying) items() []string {
	switch {
	case s.emit != nil:
		return s.emit.Items
	case s.held != nil:
		return s.held.items
	}
	return s.in.Items
}

// appendMessages appends what s says to dest to ms (a, the alert s says): a passed input is
// one new message, as a story's Post is. The messages are made in the plan's own list rather
// than in lists of their own.
func (s saying) appendMessages(ms []Message, n *Notifier, dest string, a *alert.Alert) []Message {
	if s.emit != nil {
		return n.appendMessages(ms, dest, s.emit)
	}
	return append(ms, n.render(dest, a, s.items()))
}

func (s saying) drop() {
	switch {
	case s.emit != nil:
		*s.emit = story.Emit{}
	case s.held != nil:
		*s.held = holding{}
	default:
		*s.in = story.Input{}
	}
}

// logRouted writes one line per routed alert saying where it goes and why, so a message that
// went to an unexpected channel, or a route's mute, can be explained from the logs alone.
func (n *Notifier) logRouted(a *alert.Alert, d route.Decision) {
	level := slog.LevelInfo
	if d.Implicit {
		// No routing configured: the delivery lines already say everything.
		level = slog.LevelDebug
	}
	if !n.log.Enabled(context.Background(), level) {
		return // the line's fields cost more to build than the rest of routing
	}
	attrs := []any{
		"event_id", a.EventID, "kind", string(a.Kind), "event", a.Event, "severity", string(a.Severity),
		"service", a.Identity.Subject(), "destinations", d.Destinations(), "why", d.String(),
	}
	var muted []string
	for _, h := range d.Hits {
		if h.Muted != nil {
			muted = append(muted, h.Label)
		}
	}
	if len(muted) > 0 {
		attrs = append(attrs, "muted_routes", muted)
	}
	n.log.Log(context.Background(), level, "alert routed", attrs...)
}

// render builds one destination's message. A renderer that fails (it should not) still
// yields a message: a generic alert saying so, with the alert's summary, so the record is not
// lost.
func (n *Notifier) render(name string, a *alert.Alert, items []string) Message {
	d := n.dests[name]
	m := Message{Destination: name, Target: d.kind, Alert: a, Items: items, key: a.EventID + "|" + name}
	if t, ok := transitionOf(a); ok {
		// Whichever path brings the transition first posts it; the other finds it delivered.
		m.key, m.also = t.key(name), t.neighbour(name)
	}
	body, err := renderSafely(d.render, *a)
	if err != nil {
		n.log.Error("render failed; sending a generic alert instead", "event_id", a.EventID, "destination", name, "error", err.Error())
		g := alert.Generic("Alert that could not be laid out for "+d.kind, "RENDER_FAILED", a.Summary)
		g.EventID, g.Time, g.Identity = a.EventID, a.Time, a.Identity
		if a.Severity.Valid() {
			g.Severity = a.Severity
		}
		g.Reason.Text = "foghorn could not render this alert for its target; its summary is shown as it was."
		if body, err = renderSafely(d.render, g); err != nil {
			// The post will fail, and its record go back to the queue and on to the DLQ.
			n.log.Error("the generic alert did not render either", "event_id", a.EventID, "destination", name, "error", err.Error())
		}
		m.Alert = &g
	}
	m.Payload = body
	return m
}

// unwrapAll lists the errors err joins, or err alone.
func unwrapAll(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// renderSafely turns a renderer's panic into an error, which render answers with a generic
// alert.
func renderSafely(r chat.Renderer, a alert.Alert) (body []byte, err error) {
	defer func() {
		if v := recover(); v != nil {
			body, err = nil, fmt.Errorf("render panicked: %v", v)
		}
	}()
	return r.Render(a)
}

func itemList(id string) []string {
	if id == "" {
		return nil
	}
	return []string{id}
}

func appendItem(list []string, id string) []string {
	if id == "" {
		return list
	}
	return append(list, id)
}
