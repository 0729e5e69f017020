package story

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"sort"
	"sync"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/clock"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/policy"
	"github.com/foghornhq/foghorn/lambda/state"
)

// Input is one classified alert of the batch, with the noise policy's verdict: suppressed
// alerts still close stories (a steady state is noise, but it ends a crash loop).
type Input struct {
	Alert   alert.Alert
	Verdict policy.Decision
	Items   []string // the SQS message ids it came from
}

// Mode says how an emitted alert reaches a destination.
type Mode int

const (
	// Post: every routed destination gets a new message.
	Post Mode = iota
	// Announce: a new crash loop. Every destination gets a new message; targets that can
	// edit messages remember it (SaveRefs) so the story can be kept up to date in place.
	Announce
	// Fold: more failures of an announced story. Targets that can edit update the message
	// and reply in its thread; others get nothing now (a Digest later counts these).
	Fold
	// Digest: a follow-up for targets that cannot edit (at most one per DigestInterval);
	// targets that can edit treat it as a Fold.
	Digest
	// Resolve: the story ended. Every destination gets it (in the thread where there is one),
	// and editable messages are updated to say so.
	Resolve
)

func (m Mode) String() string {
	return [...]string{"post", "announce", "fold", "digest", "resolve"}[m]
}

// Emit is an alert the stage wants said.
type Emit struct {
	Alert alert.Alert
	Mode  Mode
	// Story is the story's key; Refs are the story's messages on editable targets, by
	// destination name.
	Story string
	Refs  map[string]chat.Ref
	// Reply, for Fold and Digest on editable targets, is the thread reply listing the new
	// failures; Alert is then the story as a whole, to replace the message with.
	Reply *alert.Alert
	Items []string
}

// Folded is an input that is not said on its own: it is counted in a story.
type Folded struct {
	Alert alert.Alert
	Story string
	Items []string
}

// Result is what the stage made of a batch.
type Result struct {
	Emits  []Emit
	Folded []Folded
	// Passed are the inputs the stage has nothing to add to: the pipeline treats them as
	// usual (post them, or record their suppression).
	Passed []Input
}

// Tracker applies batches to stories.
type Tracker struct {
	store state.Store
	opts  config.CrashLoop
	// Revisions, if set, names the task definition of a deployment (from ECS), so that a
	// rollback can say from which revision to which.
	Revisions Revisions
	// Patterns tunes log-pattern stories (ApplyPatterns); zero values are defaults.
	Patterns config.LogPatterns
	clock    clock.Clock
}

// Revisions lists a service's deployments (ECS DescribeServices), so that a rollback can
// say from which task definition to which.
type Revisions interface {
	Deployments(ctx context.Context, service alert.Identity) ([]Deployment, error)
}

// Deployment is one of a service's deployments as ECS describes it.
type Deployment struct {
	ID             string // ecs-svc/…
	TaskDefinition string // family:revision
	Status         string // PRIMARY, ACTIVE, INACTIVE
}

// New returns a tracker over store, with the document's crash-loop settings. c is the processing clock (nil: the system clock), read
// only for events that carry no time of their own.
func New(store state.Store, opts config.CrashLoop, c clock.Clock) *Tracker {
	return &Tracker{store: store, opts: opts.Defaults(), clock: clock.Or(c)}
}

// maxAttempts bounds the read-decide-write loop under contention.
const maxAttempts = 5

// Apply runs the batch's inputs through the stories they belong to. Inputs that belong to
// no story pass through unchanged. A store failure is returned: the caller then treats the
// batch without stories (every failure posts on its own) rather than losing it.
//
// Apply takes inputs over: Passed is kept in their array (an input that passes is moved
// down over those a story took), so that a large batch is not held twice. The caller must
// not read inputs after.
func (t *Tracker) Apply(ctx context.Context, inputs []Input) (Result, error) {
	res := Result{Passed: inputs[:0]}
	// Each input's group (-1: none) and each group's size are found first. The groups are
	// then laid out in inputs itself, after the inputs of no story and each in one run (an
	// input is most of a kilobyte: moved in place, not copied into lists of their own). A key
	// is looked up from the stack; only a group's first input makes its string.
	index := map[string]int{}
	var keys []string
	var sizes []int
	var gbuf [64]int // a batch of SQS's at most ten records needs no list on the heap
	group, told := gbuf[:0], 0
	if len(inputs) <= len(gbuf) {
		group = gbuf[:len(inputs)]
	} else {
		group = make([]int, len(inputs))
	}
	var buf [keySize]byte
	for i := range inputs {
		in := &inputs[i]
		group[i] = -1
		if !relevant(in) {
			continue
		}
		kb := appendKey(buf[:0], &in.Alert)
		if len(kb) == 0 {
			continue
		}
		j, ok := index[string(kb)]
		if !ok {
			j = len(keys)
			k := string(kb)
			index[k] = j
			keys = append(keys, k)
			sizes = append(sizes, 0)
		}
		group[i] = j
		sizes[j]++
		told++
	}
	if len(keys) == 0 {
		res.Passed = inputs // every input passes, where it is
		return res, nil
	}
	// group becomes each input's place: the inputs of no story first, in order, then each
	// group in order of its first input, in input order; then each input is moved there.
	starts := make([]int, len(keys)+1)
	starts[0] = len(inputs) - told
	for j, n := range sizes {
		starts[j+1] = starts[j] + n
	}
	next, free := starts[:len(keys)], 0
	for i, j := range group {
		if j < 0 {
			group[i], free = free, free+1
		} else {
			group[i], next[j] = next[j], next[j]+1
		}
	}
	for i := range inputs {
		for group[i] != i {
			d := group[i]
			inputs[i], inputs[d] = inputs[d], inputs[i]
			group[i], group[d] = group[d], d
		}
	}
	res.Passed = inputs[:len(inputs)-told]
	// A group's stories add to res's lists as they go; what passes is gathered apart, in
	// passed (a group's inputs must stay whole until its story is written), then moved down
	// over the groups already told. A story passes each input at most once, so what passes
	// fits there; spill keeps the order if one ever passed more.
	sp := scratch.Get().(*[]Input)
	passed := *sp
	var spill []Input
	var errs []error
	from := len(inputs) - told
	for j, k := range keys {
		g := inputs[from : from+sizes[j]]
		from += sizes[j]
		sortByTime(g)
		out, err := t.applyGroupSafely(ctx, k, g, Result{Emits: res.Emits, Folded: res.Folded, Passed: passed[:0]})
		pass := g
		if err != nil {
			errs = append(errs, err)
		} else {
			res.Emits, res.Folded = out.Emits, out.Folded
			pass, passed = out.Passed, out.Passed
		}
		if spill == nil && len(res.Passed)+len(pass) <= from {
			res.Passed = append(res.Passed, pass...)
		} else {
			spill = append(spill, pass...)
		}
		clear(passed[:cap(passed)])
	}
	*sp = passed[:0]
	scratch.Put(sp)
	res.Passed = append(res.Passed, spill...)
	if len(res.Passed) <= len(inputs) {
		clear(inputs[len(res.Passed):]) // what the stories took is theirs now: not kept alive here
	}
	return res, errors.Join(errs...)
}

// sortByTime sorts g by event time, keeping the order of equal times. A group most often
// arrives in order, and is then left as it is; sort.SliceStable would make a swap buffer of
// an input's size on the heap, and a comparison of values would copy two inputs.
func sortByTime(g []Input) {
	for i := 1; i < len(g); i++ {
		if g[i].Alert.Time.Before(g[i-1].Alert.Time) {
			sort.Stable(byTime(g))
			return
		}
	}
}

type byTime []Input

func (b byTime) Len() int           { return len(b) }
func (b byTime) Less(i, j int) bool { return b[i].Alert.Time.Before(b[j].Alert.Time) }
func (b byTime) Swap(i, j int)      { b[i], b[j] = b[j], b[i] }

// scratch holds the lists in which Apply gathers what a group's story passes, emptied, for
// the next batch.
var scratch = sync.Pool{New: func() any { return new([]Input) }}

// PanicError is a panic recovered while one service's story was applied. The group's inputs
// pass through as if the store were down (each said on its own), and the rest of the batch
// is unaffected: one bad story must not take a whole batch, and its innocent records, to the
// dead-letter queue.
type PanicError struct {
	Story string
	Value any
	Stack []byte
}

func (e *PanicError) Error() string { return fmt.Sprintf("story %s: panic: %v", e.Story, e.Value) }

// applyGroupSafely applies one group, whose results are appended to those of into (into's
// lists are not changed, only their arrays past their lengths).
func (t *Tracker) applyGroupSafely(ctx context.Context, key string, g []Input, into Result) (res Result, err error) {
	defer func() {
		if v := recover(); v != nil {
			res, err = Result{}, &PanicError{Story: key, Value: v, Stack: debug.Stack()}
		}
	}()
	return t.applyGroup(ctx, key, g, into)
}

func (t *Tracker) applyGroup(ctx context.Context, key string, g []Input, into Result) (Result, error) {
	for attempt := 0; ; attempt++ {
		it, err := t.store.Get(ctx, key)
		if err != nil {
			return Result{}, fmt.Errorf("story %s: %w", key, err)
		}
		if v, ok := it.Value.(*Story); ok && it.Version > 0 && seenAll(v, g) {
			// Every input is one the story has seen: step only replays what it did with
			// each, which changes nothing, so the story a store keeps as a value is read as
			// it is rather than copied (with its memory of hundreds of event ids) for nothing.
			out, _ := t.step(ctx, key, v, g, into)
			return out, nil
		}
		s := readStory(it)
		out, changed := t.step(ctx, key, s, g, into)
		if !changed {
			return out, nil
		}
		next, err := t.item(key, it.Version, s)
		if err != nil {
			return Result{}, err
		}
		_, err = t.store.Put(ctx, next)
		if err == nil {
			return out, nil
		}
		if !errors.Is(err, state.ErrConflict) || attempt+1 >= maxAttempts {
			return Result{}, fmt.Errorf("story %s: %w", key, err)
		}
	}
}

// seenAll reports whether s has seen every input of g.
func seenAll(s *Story, g []Input) bool {
	for i := range g {
		if _, ok := s.Seen[g[i].Alert.EventID]; !ok {
			return false
		}
	}
	return true
}

// readStory returns the story an item holds, as a copy the caller may change: a store that
// keeps values (state.Memory) holds the story itself, others its JSON. An item absent, or
// one this version cannot read, is a new story (which starts over rather than blocking alerts).
func readStory(it state.Item) *Story {
	if s, ok := storyOf(it); ok && it.Version > 0 {
		return s
	}
	return new(Story)
}

// storyOf reads a stored story as a copy the caller may change, reporting false for one this
// version cannot read.
func storyOf(it state.Item) (*Story, bool) {
	if v, ok := it.Value.(*Story); ok {
		return v.clone(), true
	}
	s := new(Story)
	if err := json.Unmarshal(it.Data, s); err != nil {
		return nil, false
	}
	return s, true
}

// item is what Put writes for s: the story itself to a store that keeps values (it is not
// changed after), its JSON to others.
func (t *Tracker) item(key string, version int64, s *Story) (state.Item, error) {
	it := state.Item{Key: key, Version: version, Keep: s.lifetime(t.opts)}
	if state.KeepsValues(t.store) {
		it.Value = s
		return it, nil
	}
	data, err := json.Marshal(s)
	it.Data = data
	return it, err
}

// SaveRefs records where a story's announcement landed on editable destination.
func (t *Tracker) SaveRefs(ctx context.Context, key string, refs map[string]chat.Ref) error {
	if len(refs) == 0 {
		return nil
	}
	if IsPatternKey(key) {
		return t.savePatternRefs(ctx, key, refs)
	}
	for attempt := 0; ; attempt++ {
		it, err := t.store.Get(ctx, key)
		if err != nil || it.Version == 0 {
			return err
		}
		s, ok := storyOf(it)
		if !ok {
			return errors.New("story " + key + ": stored in a form this version cannot read")
		}
		if s.Refs == nil {
			s.Refs = map[string]chat.Ref{}
		}
		for d, r := range refs {
			s.Refs[d] = r
		}
		next, err := t.item(key, it.Version, s)
		if err != nil {
			return err
		}
		_, err = t.store.Put(ctx, next)
		if err == nil || !errors.Is(err, state.ErrConflict) || attempt+1 >= maxAttempts {
			return err
		}
	}
}

// keyOf names the story an alert belongs to: its episode (episode.go), else its service.
func keyOf(a *alert.Alert) string {
	var buf [keySize]byte
	return string(appendKey(buf[:0], a))
}

// keySize is room enough for most story keys, which are built on the stack.
const keySize = 256

// appendKey appends keyOf(a) to b.
func appendKey(b []byte, a *alert.Alert) []byte {
	if kind, _ := episodeOf(a); kind != noEpisode {
		return appendEpisodeKey(b, a, kind)
	}
	id := &a.Identity
	if id.Service == "" || id.Cluster == "" {
		return b
	}
	b = append(b, "story#"...)
	return appendPath(b, id.Account, id.Region, id.Cluster, id.Service)
}

// Wants reports whether in can change a story. Apply passes every other input through
// unchanged, so a caller that keeps no record of suppressed inputs need not hand it over.
func Wants(in *Input) bool {
	var buf [keySize]byte
	return relevant(in) && len(appendKey(buf[:0], &in.Alert)) > 0
}

// relevant says whether an input can change a story: a task failure the policy lets through,
// a deployment state change, or a steady state.
func relevant(in *Input) bool {
	a := &in.Alert
	if kind, _ := episodeOf(a); kind != noEpisode {
		return true
	}
	switch {
	case isFailure(in):
		return true
	case a.Kind == alert.KindDeployment:
		return true
	case a.Kind == alert.KindServiceAction && a.Event == "SERVICE_STEADY_STATE":
		return true
	}
	return false
}

// isFailure: a service task stopped by its own fault. Spot interruptions, stops by a user and
// scheduler replacements are not failures of the service.
func isFailure(in *Input) bool {
	a := &in.Alert
	if in.Verdict.Suppress || a.Kind != alert.KindTaskStopped || a.Identity.Service == "" {
		return false
	}
	switch a.Event {
	case "TerminationNotice", "SpotInterruption", "UserInitiated":
		return false
	}
	return a.Severity == alert.Critical || a.Severity == alert.Warning
}
