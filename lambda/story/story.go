package story

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"sort"

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
	// Each input's group (-1: none) and each group's size are found first, so that the
	// groups' copies are made in one list of the size they need, not each grown by doubling
	// (an input is most of a kilobyte). They are copies because Passed overwrites inputs.
	index := map[string]int{}
	var keys []string
	var sizes []int
	group, told := make([]int, len(inputs)), 0
	for i := range inputs {
		in := &inputs[i]
		group[i] = -1
		k := keyOf(&in.Alert)
		if k == "" || !relevant(in) {
			continue
		}
		j, ok := index[k]
		if !ok {
			j = len(keys)
			index[k] = j
			keys = append(keys, k)
			sizes = append(sizes, 0)
		}
		group[i] = j
		sizes[j]++
		told++
	}
	groups := make([][]Input, len(keys))
	if len(keys) > 0 {
		all := make([]Input, 0, told)
		for j, n := range sizes {
			groups[j] = all[len(all) : len(all) : len(all)+n] // full: a group cannot grow into the next
			all = all[:len(all)+n]
		}
	}
	for i := range inputs {
		if j := group[i]; j >= 0 {
			groups[j] = append(groups[j], inputs[i])
		} else {
			res.Passed = append(res.Passed, inputs[i])
		}
	}
	var errs []error
	for j, k := range keys {
		g := groups[j]
		sort.SliceStable(g, func(i, j int) bool { return g[i].Alert.Time.Before(g[j].Alert.Time) })
		out, err := t.applyGroupSafely(ctx, k, g)
		if err != nil {
			errs = append(errs, err)
			res.Passed = append(res.Passed, g...)
		} else {
			res.Emits = append(res.Emits, out.Emits...)
			res.Folded = append(res.Folded, out.Folded...)
			res.Passed = append(res.Passed, out.Passed...)
		}
		clear(g) // once told, a group's copies are let go
		groups[j] = nil
	}
	if len(res.Passed) <= len(inputs) {
		clear(inputs[len(res.Passed):]) // what the stories took is theirs now: not kept alive here
	}
	return res, errors.Join(errs...)
}

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

func (t *Tracker) applyGroupSafely(ctx context.Context, key string, g []Input) (res Result, err error) {
	defer func() {
		if v := recover(); v != nil {
			res, err = Result{}, &PanicError{Story: key, Value: v, Stack: debug.Stack()}
		}
	}()
	return t.applyGroup(ctx, key, g)
}

func (t *Tracker) applyGroup(ctx context.Context, key string, g []Input) (Result, error) {
	for attempt := 0; ; attempt++ {
		it, err := t.store.Get(ctx, key)
		if err != nil {
			return Result{}, fmt.Errorf("story %s: %w", key, err)
		}
		s := readStory(it)
		out, changed := t.step(ctx, key, s, g)
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
	if k, _ := episode(a); k != "" {
		return k
	}
	return ServiceKey(a.Identity)
}

// Wants reports whether in can change a story. Apply passes every other input through
// unchanged, so a caller that keeps no record of suppressed inputs need not hand it over.
func Wants(in *Input) bool { return relevant(in) && keyOf(&in.Alert) != "" }

// relevant says whether an input can change a story: a task failure the policy lets through,
// a deployment state change, or a steady state.
func relevant(in *Input) bool {
	a := &in.Alert
	if k, _ := episode(a); k != "" {
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
