package story

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/state"
	"github.com/foghornhq/foghorn/lambda/text"
)

// Log patterns are stories too. The first time a service logs a pattern (lambda/logpattern)
// it is announced; later occurrences fold in, as a crash loop's failures do: targets that
// edit messages have the announcement updated in place (and a digest put in its thread),
// the others get at most one digest per DigestInterval. A pattern quiet for QuietAfter is
// over, and told as new when it comes back. Times are the log events' own; how long the
// store keeps a pattern is measured from its last write.
//
// A pattern first seen while a deployment of its service is in progress, or within
// DeploymentWindow after it ended, says so ("new since deployment ecs-svc/… of
// checkout-api:42") and joins that deployment's story, whose messages then list it.

// PatternNote is a log pattern first seen during a deployment, as its story keeps it.
type PatternNote struct {
	Fingerprint string    `json:"fingerprint"`
	Pattern     string    `json:"pattern"`
	At          time.Time `json:"at"`
}

const maxNewPatterns = 10

// patternNotes lists a deployment's new patterns for a fact: "2: PaymentError: …; …".
func patternNotes(notes []PatternNote) string {
	if len(notes) == 0 {
		return ""
	}
	parts := make([]string, 0, 3)
	for _, n := range notes[:min(len(notes), 3)] {
		parts = append(parts, text.Runes(n.Pattern, 80))
	}
	s := fmt.Sprintf("%d: %s", len(notes), strings.Join(parts, "; "))
	if len(notes) > 3 {
		s += "; …"
	}
	return s
}

// patternStory is what the store keeps about one pattern of one service.
type patternStory struct {
	Identity    alert.Identity `json:"identity"`
	Origin      string         `json:"origin,omitempty"` // the AWS event, for the small print
	Fingerprint string         `json:"fingerprint"`
	Pattern     string         `json:"pattern"`
	Exception   string         `json:"exception,omitempty"`
	Query       string         `json:"query,omitempty"`
	Severity    alert.Severity `json:"severity"`
	LogGroup    string         `json:"logGroup"`
	LogStream   string         `json:"logStream,omitempty"`
	Occurrences int            `json:"occurrences"`
	Lines       int            `json:"lines"`
	First       time.Time      `json:"first"`
	Last        time.Time      `json:"last"`
	Samples     []string       `json:"samples,omitempty"`
	Deployment  string         `json:"deployment,omitempty"`

	Announced *Mark `json:"announced,omitempty"`
	Digested  *Mark `json:"digested,omitempty"`
	// Pending counts occurrences folded in since the last message that counted them.
	Pending int `json:"pending,omitempty"`

	Refs  map[string]chat.Ref `json:"refs,omitempty"`
	Seen  map[string]string   `json:"seen,omitempty"`
	Order []string            `json:"order,omitempty"`
}

const maxSamples = 3

func (s *patternStory) seen(id, did string) {
	if s.Seen == nil {
		s.Seen = map[string]string{}
	}
	if _, ok := s.Seen[id]; !ok {
		s.Order = append(s.Order, id)
	}
	s.Seen[id] = did
	for len(s.Order) > maxSeen {
		delete(s.Seen, s.Order[0])
		s.Order = s.Order[1:]
	}
}

// absorb counts an input's occurrences in.
func (s *patternStory) absorb(a *alert.Alert) {
	lp := a.Log
	if s.Fingerprint == "" {
		s.Identity, s.Fingerprint, s.Pattern, s.Exception, s.Query = a.Identity, lp.Fingerprint, lp.Pattern, lp.Exception, lp.Query
		s.Origin = a.Origin
	}
	if a.Severity.Rank() > s.Severity.Rank() {
		s.Severity = a.Severity
	}
	s.LogGroup, s.LogStream = lp.LogGroup, lp.LogStream
	s.Occurrences += lp.Occurrences
	s.Lines += lp.Lines
	if s.First.IsZero() || lp.First.Before(s.First) {
		s.First = lp.First
	}
	if lp.Last.After(s.Last) {
		s.Last = lp.Last
	}
	// Keep the first samples and the latest: what it looked like, and what it looks like.
	for _, l := range a.LogLines {
		switch {
		case slices.Contains(s.Samples, l):
		case len(s.Samples) < maxSamples:
			s.Samples = append(s.Samples, l)
		default:
			s.Samples[maxSamples-1] = l
		}
	}
}

// patternKey names the story of an alert's pattern: per service when the service is known,
// per log group otherwise.
func patternKey(a *alert.Alert, fingerprint string) string {
	id := a.Identity
	who := "group:" + a.Log.LogGroup
	if id.Service != "" {
		who = id.Cluster + "/" + id.Service
	}
	return "pattern#" + id.Account + "/" + id.Region + "/" + who + "/" + fingerprint
}

// IsPatternKey reports whether a story key is a log pattern's.
func IsPatternKey(key string) bool { return strings.HasPrefix(key, "pattern#") }

// ApplyPatterns runs log-pattern alerts (Kind log, with Log set) through their patterns'
// stories. Every input the policy let through ends in Folded, counted by its pattern's story;
// what to say is in Emits. Suppressed inputs, and inputs of a group whose story could not be
// read or written, are Passed: the caller records the suppression, or says them on their
// own. A store failure is returned.
func (t *Tracker) ApplyPatterns(ctx context.Context, inputs []Input) (Result, error) {
	var res Result
	groups := map[string][]Input{}
	var keys []string
	for _, in := range inputs {
		if in.Verdict.Suppress || in.Alert.Log == nil {
			res.Passed = append(res.Passed, in)
			continue
		}
		k := patternKey(&in.Alert, in.Alert.Log.Fingerprint)
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], in)
	}
	var errs []error
	for _, k := range keys {
		g := groups[k]
		sort.SliceStable(g, func(i, j int) bool { return g[i].Alert.Log.First.Before(g[j].Alert.Log.First) })
		out, err := t.applyPatternSafely(ctx, k, g)
		if err != nil {
			errs = append(errs, err)
			res.Passed = append(res.Passed, g...)
			continue
		}
		res.Emits = append(res.Emits, out.Emits...)
		res.Folded = append(res.Folded, out.Folded...)
		res.Passed = append(res.Passed, out.Passed...)
	}
	return res, errors.Join(errs...)
}

func (t *Tracker) applyPatternSafely(ctx context.Context, key string, g []Input) (res Result, err error) {
	defer func() {
		if v := recover(); v != nil {
			res, err = Result{}, &PanicError{Story: key, Value: v, Stack: debug.Stack()}
		}
	}()
	return t.applyPattern(ctx, key, g)
}

func (t *Tracker) applyPattern(ctx context.Context, key string, g []Input) (Result, error) {
	key, err := t.aliased(ctx, key, g[0].Alert)
	if err != nil {
		return Result{}, err
	}
	for attempt := 0; ; attempt++ {
		it, err := t.store.Get(ctx, key)
		if err != nil {
			return Result{}, fmt.Errorf("pattern %s: %w", key, err)
		}
		var s patternStory
		if it.Version > 0 {
			if err := json.Unmarshal(it.Data, &s); err != nil {
				s = patternStory{}
			}
		}
		b := patternBatch{t: t, key: key, s: &s}
		b.step(ctx, g)
		if !b.changed {
			return b.res, nil
		}
		data, err := json.Marshal(&s)
		if err != nil {
			return Result{}, err
		}
		_, err = t.store.Put(ctx, state.Item{Key: key, Version: it.Version, Keep: time.Duration(t.patternOptions().QuietAfter), Data: data})
		if err == nil {
			if b.joined != nil {
				t.joinDeployment(ctx, g[0].Alert, *b.joined)
			}
			return b.res, nil
		}
		if !errors.Is(err, state.ErrConflict) || attempt+1 >= maxAttempts {
			return Result{}, fmt.Errorf("pattern %s: %w", key, err)
		}
	}
}

// aliased returns the key of the story the pattern already has under an older fingerprint
// scheme, if it has one and none under the current scheme, so that a change of scheme does
// not tell every known pattern again as new.
func (t *Tracker) aliased(ctx context.Context, key string, a alert.Alert) (string, error) {
	if len(a.Log.Aliases) == 0 {
		return key, nil
	}
	it, err := t.store.Get(ctx, key)
	if err != nil || it.Version > 0 {
		return key, err
	}
	for _, fp := range a.Log.Aliases {
		old := patternKey(&a, fp)
		it, err := t.store.Get(ctx, old)
		if err != nil {
			return key, err
		}
		if it.Version > 0 {
			return old, nil
		}
	}
	return key, nil
}

func (t *Tracker) patternOptions() config.LogPatterns { return t.Patterns.Defaults() }

// patternBatch is one batch of one pattern's inputs, and what it gathered to say.
type patternBatch struct {
	t       *Tracker
	key     string
	s       *patternStory
	res     Result
	changed bool
	// joined is the note for the deployment's story, when the batch announced a pattern new
	// since a deployment.
	joined *PatternNote

	announcing    bool
	announceItems []string
	folded        []Input
}

func (b *patternBatch) step(ctx context.Context, g []Input) {
	s, opts := b.s, b.t.patternOptions()
	quiet := time.Duration(opts.QuietAfter)
	for _, in := range g {
		a := in.Alert
		if did, ok := s.Seen[a.EventID]; ok {
			b.replay(in, did)
			continue
		}
		at := a.Log.First
		if at.IsZero() {
			at = b.t.clock.Now()
			a.Log.First, a.Log.Last = at, at
		}
		if !s.Last.IsZero() && s.Last.Sub(at) >= quiet {
			// Lines from long before the pattern's current run (a redrive of another day's
			// batch): they belong to a run long over, and are told on their own.
			b.res.Passed = append(b.res.Passed, in)
			continue
		}
		b.changed = true
		if !s.Last.IsZero() && at.Sub(s.Last) >= quiet {
			// Quiet long enough to be over: the pattern is new again.
			b.flush()
			*s = patternStory{Seen: s.Seen, Order: s.Order}
		}
		s.absorb(&a)
		b.res.Folded = append(b.res.Folded, Folded{Alert: a, Story: b.key, Items: in.Items})
		switch {
		case b.announcing:
			b.announceItems = append(b.announceItems, in.Items...)
			s.seen(a.EventID, didFold)
		case s.Announced != nil:
			s.Pending += a.Log.Occurrences
			b.folded = append(b.folded, in)
			s.seen(a.EventID, didFold)
		default:
			b.announcing = true
			s.Announced = &Mark{EventID: a.EventID, At: at}
			s.Pending = 0
			s.seen(a.EventID, didAnnounce)
			b.announceItems = append(b.announceItems, in.Items...)
			if note := b.t.deploymentNote(ctx, a, at); note != "" {
				s.Deployment = note
				b.joined = &PatternNote{Fingerprint: s.Fingerprint, Pattern: s.Pattern, At: at}
			}
		}
	}
	b.flush()
}

// flush says what the batch gathered: the announcement, or the fold of an announced pattern.
func (b *patternBatch) flush() {
	t, s, key := b.t, b.s, b.key
	if b.announcing {
		s.Digested = &Mark{EventID: s.Announced.EventID, At: s.Last}
		b.res.Emits = append(b.res.Emits, Emit{Alert: t.patternAlert(s, key, s.Announced.EventID), Mode: Announce, Story: key, Refs: s.Refs, Items: b.announceItems})
	}
	if len(b.folded) > 0 && s.Announced != nil {
		last := b.folded[len(b.folded)-1].Alert
		at := last.Log.Last
		whole := t.patternAlert(s, key, s.Announced.EventID)
		if s.Digested == nil || at.Sub(s.Digested.At) >= time.Duration(t.patternOptions().DigestInterval) {
			reply := t.patternReply(s, b.folded)
			s.Digested = &Mark{EventID: last.EventID, At: at}
			s.seen(last.EventID, didDigest)
			whole.EventID = "digest:" + key + ":" + last.EventID
			b.res.Emits = append(b.res.Emits, Emit{Alert: whole, Mode: Digest, Story: key, Refs: s.Refs, Reply: &reply, Items: itemsOf(b.folded)})
			s.Pending = 0
		} else {
			// Editable targets show the new count in place; the others wait for a digest.
			whole.EventID = "fold:" + key + ":" + last.EventID
			b.res.Emits = append(b.res.Emits, Emit{Alert: whole, Mode: Fold, Story: key, Refs: s.Refs})
		}
	}
	b.announcing, b.announceItems, b.folded = false, nil, nil
}

// replay gives a redelivered input the treatment it had the first time.
func (b *patternBatch) replay(in Input, did string) {
	s, key := b.s, b.key
	b.res.Folded = append(b.res.Folded, Folded{Alert: in.Alert, Story: key, Items: in.Items})
	switch did {
	case didAnnounce:
		b.res.Emits = append(b.res.Emits, Emit{Alert: b.t.patternAlert(s, key, in.Alert.EventID), Mode: Announce, Story: key, Refs: s.Refs, Items: in.Items})
	case didDigest:
		d := b.t.patternAlert(s, key, in.Alert.EventID)
		d.EventID = "digest:" + key + ":" + in.Alert.EventID
		b.res.Emits = append(b.res.Emits, Emit{Alert: d, Mode: Digest, Story: key, Refs: s.Refs, Items: in.Items})
	}
}

// deploymentNote says which deployment a pattern first seen at `at` is new since, reading
// the service's story: "" when no deployment was in progress then or ended within the window.
func (t *Tracker) deploymentNote(ctx context.Context, a alert.Alert, at time.Time) string {
	k := keyOf(&a)
	if k == "" {
		return ""
	}
	it, err := t.store.Get(ctx, k)
	if err != nil || it.Version == 0 {
		return ""
	}
	s, ok := storyOf(it)
	if !ok || s.Deployment == "" || s.DeploymentSince.IsZero() || at.Before(s.DeploymentSince) {
		return ""
	}
	switch s.DeploymentState {
	case "IN_PROGRESS":
	case "COMPLETED", "FAILED":
		if s.DeploymentEnded.IsZero() || at.Sub(s.DeploymentEnded) > time.Duration(t.patternOptions().DeploymentWindow) {
			return ""
		}
	default:
		return ""
	}
	rev := ""
	switch {
	case a.Identity.DeploymentID == s.Deployment && a.Identity.TaskDefinition() != "":
		rev = a.Identity.TaskDefinition()
	case s.FromRevision != "":
		rev = s.FromRevision
	case t.Revisions != nil:
		if deps, err := t.Revisions.Deployments(ctx, s.Identity); err == nil {
			for _, d := range deps {
				if d.ID == s.Deployment {
					rev = d.TaskDefinition
				}
			}
		}
	}
	if rev == "" {
		return s.Deployment
	}
	return s.Deployment + " of " + rev
}

// joinDeployment adds a pattern new since a deployment to the deployment's story, whose
// later messages (a crash loop, the deployment's failure) list it. Best effort: the
// pattern's own message already says it.
func (t *Tracker) joinDeployment(ctx context.Context, a alert.Alert, note PatternNote) {
	k := keyOf(&a)
	for attempt := 0; attempt < maxAttempts; attempt++ {
		it, err := t.store.Get(ctx, k)
		if err != nil || it.Version == 0 {
			return
		}
		s, ok := storyOf(it)
		if !ok {
			return
		}
		for _, n := range s.NewPatterns {
			if n.Fingerprint == note.Fingerprint {
				return
			}
		}
		if len(s.NewPatterns) >= maxNewPatterns {
			return
		}
		s.NewPatterns = append(s.NewPatterns, note)
		next, err := t.item(k, it.Version, s)
		if err != nil {
			return
		}
		if _, err = t.store.Put(ctx, next); !errors.Is(err, state.ErrConflict) {
			return
		}
	}
}

// savePatternRefs records where a pattern's announcement landed on editable targets.
func (t *Tracker) savePatternRefs(ctx context.Context, key string, refs map[string]chat.Ref) error {
	for attempt := 0; ; attempt++ {
		it, err := t.store.Get(ctx, key)
		if err != nil || it.Version == 0 {
			return err
		}
		var s patternStory
		if err := json.Unmarshal(it.Data, &s); err != nil {
			return err
		}
		if s.Refs == nil {
			s.Refs = map[string]chat.Ref{}
		}
		for d, r := range refs {
			s.Refs[d] = r
		}
		data, _ := json.Marshal(&s)
		_, err = t.store.Put(ctx, state.Item{Key: key, Version: it.Version, Keep: time.Duration(t.patternOptions().QuietAfter), Data: data})
		if err == nil || !errors.Is(err, state.ErrConflict) || attempt+1 >= maxAttempts {
			return err
		}
	}
}
