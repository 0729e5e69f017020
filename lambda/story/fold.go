package story

import (
	"context"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/config"
)

// Story is what the store keeps about one service.
type Story struct {
	Identity   alert.Identity `json:"identity"`
	Deployment string         `json:"deployment,omitempty"` // the deployment the story is about
	// DeploymentState is the last state seen for Deployment: IN_PROGRESS, FAILED, COMPLETED.
	DeploymentState string `json:"deploymentState,omitempty"`
	// DeploymentSince and DeploymentEnded are when Deployment was seen in progress and when it
	// completed or failed (event time): a log pattern first seen in between, or shortly
	// after, is new since that deployment.
	DeploymentSince time.Time `json:"deploymentSince,omitempty"`
	DeploymentEnded time.Time `json:"deploymentEnded,omitempty"`
	// NewPatterns are the log patterns first seen since Deployment (bounded).
	NewPatterns []PatternNote `json:"newPatterns,omitempty"`
	// RollbackTo is the deployment a failed one rolls back to, when its event says.
	RollbackTo string `json:"rollbackTo,omitempty"`
	// FromRevision and ToRevision say which task definitions a rollback went between.
	FromRevision string `json:"fromRevision,omitempty"`
	ToRevision   string `json:"toRevision,omitempty"`

	Failures []Failure      `json:"failures,omitempty"` // within the window, oldest first
	Causes   map[string]int `json:"causes,omitempty"`   // cause → count, since the story began
	Total    int            `json:"total,omitempty"`
	First    time.Time      `json:"first,omitempty"`
	// Last is the time of the newest event applied (event time): a story quiet for longer
	// than its span is over.
	Last time.Time `json:"last,omitempty"`
	// LastFailure is the most recent failure's alert, without its log lines: the story's
	// messages show its reason, containers and links.
	LastFailure *alert.Alert `json:"lastFailure,omitempty"`

	Announced *Mark `json:"announced,omitempty"`
	Digested  *Mark `json:"digested,omitempty"` // the last message that counted the failures
	Resolved  *Mark `json:"resolved,omitempty"`
	Pending   int   `json:"pending,omitempty"` // failures folded since Digested

	Refs map[string]chat.Ref `json:"refs,omitempty"`
	// Acked says who acknowledged the story from chat (ack.go).
	Acked *Ack `json:"acked,omitempty"`
	// Episode is the event that opened an episode (episode.go), empty for a service's story;
	// Until is the episode's deadline, if it has one (a paused deployment's hook expiry).
	Episode string    `json:"episode,omitempty"`
	Until   time.Time `json:"until,omitempty"`
	// Seen remembers what was done with each event, so a redelivered record gets the same
	// treatment. Bounded: the oldest ids go first.
	Seen  map[string]string `json:"seen,omitempty"`
	Order []string          `json:"order,omitempty"`
}

// clone returns a copy of s that shares no memory with it: a story read from a store that
// keeps values is changed only as a copy, so a write that fails leaves the stored one whole.
func (s *Story) clone() *Story {
	c := *s
	c.NewPatterns = slices.Clone(s.NewPatterns)
	c.Failures = slices.Clone(s.Failures)
	c.Causes = maps.Clone(s.Causes)
	if s.LastFailure != nil {
		c.LastFailure = s.LastFailure.Clone()
	}
	c.Announced, c.Digested, c.Resolved = cloneMark(s.Announced), cloneMark(s.Digested), cloneMark(s.Resolved)
	c.Refs = maps.Clone(s.Refs)
	if s.Acked != nil {
		a := *s.Acked
		c.Acked = &a
	}
	c.Seen = maps.Clone(s.Seen)
	c.Order = slices.Clone(s.Order)
	return &c
}

func cloneMark(m *Mark) *Mark {
	if m == nil {
		return nil
	}
	c := *m
	return &c
}

// Failure is one counted task failure.
type Failure struct {
	EventID string    `json:"eventId"`
	TaskID  string    `json:"taskId,omitempty"`
	Cause   string    `json:"cause"`
	Time    time.Time `json:"time"`
}

// Mark says which event did something, and when.
type Mark struct {
	EventID string    `json:"eventId"`
	At      time.Time `json:"at"`
}

// What was done with an event, for replays.
const (
	didPass     = "pass"
	didFold     = "fold"
	didAnnounce = "announce"
	didDigest   = "digest"
	didResolve  = "resolve"
	didEnrich   = "enrich"
)

const (
	maxSeen     = 500
	maxFailures = 200
)

func (s *Story) seen(id, did string) {
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

// open reports whether the story is an announced crash loop not yet resolved.
func (s *Story) open() bool { return s.Announced != nil && s.Resolved == nil }

// lifetime is how long a story lasts without news, on event time and on processing time alike:
// an open crash loop or a failed deployment for a day, anything else for a window and an hour.
func (s *Story) lifetime(o config.CrashLoop) time.Duration {
	if s.Episode != "" && s.open() {
		return s.episodeLifetime()
	}
	if s.open() || s.DeploymentState == "FAILED" {
		return 24 * time.Hour
	}
	return time.Duration(o.Window) + time.Hour
}

// touch records that an event of time at was applied.
func (s *Story) touch(at time.Time) {
	if at.After(s.Last) {
		s.Last = at
	}
}

// step applies one service's inputs to its story and says what to emit. It reports whether
// the story changed (and so must be written).
//
// Within a batch, things to say are gathered (an announcement folds every failure of the
// batch; a fold's reply lists them) and said at a flush: before anything that ends or resets
// the story, and at the end of the batch.
//
// What step says is appended to into's lists (whose lengths it does not change: a step that
// is tried again starts from them again).
func (t *Tracker) step(ctx context.Context, key string, s *Story, g []Input, into Result) (Result, bool) {
	b := batchState{t: t, key: key, s: s, res: into}
	// A rollback announced in the same batch as the failure it answers names its target.
	for _, in := range g {
		if in.Alert.Kind == alert.KindDeployment && in.Alert.Event == "SERVICE_DEPLOYMENT_IN_PROGRESS" {
			if to := rollbackTarget(in.Alert.Reason.Deployment); to != "" {
				b.rollbackHint = to
			}
		}
	}
	for _, in := range g {
		a := in.Alert
		if did, ok := s.Seen[a.EventID]; ok {
			if isEpisodeKey(key) {
				t.replayEpisode(s, key, in, did, &b.res)
			} else {
				t.replay(s, key, in, did, &b.res)
			}
			continue
		}
		at := a.Time
		if at.IsZero() {
			at = t.clock.Now()
		}
		if !s.Last.IsZero() && s.Last.Sub(at) >= s.lifetime(t.opts) {
			// Far older than the story (a redrive of another day's events while a new story
			// runs): it belongs to a story long over, and is told on its own.
			b.res.Passed = append(b.res.Passed, in)
			continue
		}
		b.changed = true
		if !s.Last.IsZero() && at.Sub(s.Last) >= s.lifetime(t.opts) {
			// The story went quiet long enough to be over, on event time: start again.
			b.flush()
			s.reset()
		}
		s.touch(at)
		switch {
		case isEpisodeKey(key):
			t.episodeStep(&b, in, at)
		case isFailure(&in):
			b.failure(in, at)
		case a.Kind == alert.KindDeployment:
			t.deployment(ctx, &b, in, at)
		default: // a steady state
			if s.open() {
				b.flush()
				t.resolve(s, key, in, at, "steady again", &b.res)
			} else {
				s.seen(a.EventID, didPass)
				b.res.Passed = append(b.res.Passed, in)
			}
		}
	}
	b.flush()
	return b.res, b.changed
}

// reset starts the story over, remembering what was done with each event (for replays) and
// the deployment last seen.
func (s *Story) reset() {
	*s = Story{Seen: s.Seen, Order: s.Order, Deployment: s.Deployment, DeploymentState: s.DeploymentState, Last: s.Last,
		DeploymentSince: s.DeploymentSince, DeploymentEnded: s.DeploymentEnded, NewPatterns: s.NewPatterns}
}

// batchState is what one batch of one service has gathered and not yet said.
type batchState struct {
	t            *Tracker
	key          string
	s            *Story
	res          Result
	changed      bool
	rollbackHint string

	announcing    bool     // the batch brought the story to its threshold
	announceItems []string // the records the announcement stands for
	batchFailures []Input  // failures since the last flush, for folding into an announcement
	folded        []Input  // failures folded into an open story since the last flush
}

// failure applies a task failure.
func (b *batchState) failure(in Input, at time.Time) {
	s, a := b.s, in.Alert
	if s.Resolved != nil && at.After(s.Resolved.At) {
		b.flush()
		s.reset()
	}
	s.addFailure(in, at, time.Duration(b.t.opts.Window))
	b.batchFailures = append(b.batchFailures, in)
	switch {
	case b.announcing:
		// Announced earlier in this batch: the announcement, built at the flush, counts
		// this one too.
		b.announceItems = append(b.announceItems, in.Items...)
		b.fold(in, didFold)
	case s.open():
		s.Pending++
		b.folded = append(b.folded, in)
		b.fold(in, didFold)
	case len(s.Failures) >= b.t.opts.Threshold:
		b.announcing = true
		s.Announced = &Mark{EventID: a.EventID, At: at}
		s.Pending = 0
		s.seen(a.EventID, didAnnounce)
		b.announceItems = append(b.announceItems, in.Items...)
		// A batch that brings the service to the threshold folds all of its failures into
		// the announcement: a burst is one message, not a few singles and a story.
		for _, f := range b.batchFailures[:len(b.batchFailures)-1] {
			if s.Seen[f.Alert.EventID] == didPass {
				b.announceItems = append(b.announceItems, f.Items...)
				b.fold(f, didFold)
				b.res.Passed = removeInput(b.res.Passed, f.Alert.EventID)
			}
		}
	default:
		s.seen(a.EventID, didPass)
		b.res.Passed = append(b.res.Passed, in)
	}
}

func (b *batchState) fold(in Input, did string) {
	b.s.seen(in.Alert.EventID, did)
	b.res.Folded = append(b.res.Folded, Folded{Alert: in.Alert, Story: b.key, Items: in.Items})
}

// flush says what the batch gathered: the announcement, or the fold of an open story (a
// thread reply on targets that edit, a digest at most every DigestInterval elsewhere).
func (b *batchState) flush() {
	t, s, key := b.t, b.s, b.key
	if b.announcing {
		last := b.batchFailures[len(b.batchFailures)-1].Alert.Time
		if last.IsZero() {
			last = t.clock.Now()
		}
		s.Digested = &Mark{EventID: s.Announced.EventID, At: last}
		b.res.Emits = append(b.res.Emits, Emit{Alert: t.crashAlert(s, key, s.Announced.EventID), Mode: Announce, Story: key, Refs: s.Refs, Items: b.announceItems})
	}
	if len(b.folded) > 0 && s.open() {
		last := b.folded[len(b.folded)-1].Alert
		at := last.Time
		if at.IsZero() {
			at = t.clock.Now()
		}
		reply := t.foldReply(s, b.folded)
		if at.Sub(s.Digested.At) >= time.Duration(t.opts.DigestInterval) {
			s.Digested = &Mark{EventID: last.EventID, At: at}
			s.seen(last.EventID, didDigest)
			d := t.crashAlert(s, key, s.Announced.EventID)
			d.EventID = "digest:" + key + ":" + last.EventID
			b.res.Emits = append(b.res.Emits, Emit{Alert: d, Mode: Digest, Story: key, Refs: s.Refs, Reply: &reply, Items: itemsOf(b.folded)})
			s.Pending = 0
		} else {
			b.res.Emits = append(b.res.Emits, Emit{Alert: t.crashAlert(s, key, s.Announced.EventID), Mode: Fold, Story: key, Refs: s.Refs, Reply: &reply})
		}
	}
	b.announcing, b.announceItems, b.batchFailures, b.folded = false, nil, nil, nil
}

// replay gives a redelivered event the treatment it had the first time.
func (t *Tracker) replay(s *Story, key string, in Input, did string, res *Result) {
	switch did {
	case didAnnounce:
		// The announcement's id is the event's that made it, whatever the story has become
		// since: the ledger then knows the destinations that already have it.
		res.Emits = append(res.Emits, Emit{Alert: t.crashAlert(s, key, in.Alert.EventID), Mode: Announce, Story: key, Refs: s.Refs, Items: in.Items})
	case didDigest:
		d := t.crashAlert(s, key, announcedID(s, in.Alert.EventID))
		d.EventID = "digest:" + key + ":" + in.Alert.EventID
		res.Emits = append(res.Emits, Emit{Alert: d, Mode: Digest, Story: key, Refs: s.Refs, Items: in.Items})
	case didResolve:
		r := t.resolvedAlert(s, key, in.Alert, "")
		res.Emits = append(res.Emits, Emit{Alert: r, Mode: Resolve, Story: key, Refs: s.Refs, Items: in.Items})
	case didEnrich:
		res.Emits = append(res.Emits, Emit{Alert: t.deploymentFailedAlert(s, in.Alert), Mode: Post, Story: key, Items: in.Items})
	case didFold:
		res.Folded = append(res.Folded, Folded{Alert: in.Alert, Story: key, Items: in.Items})
	default:
		res.Passed = append(res.Passed, in)
	}
}

func (s *Story) addFailure(in Input, at time.Time, window time.Duration) {
	a := in.Alert
	if s.Identity.Service == "" {
		s.Identity = alert.Identity{Partition: a.Identity.Partition, Account: a.Identity.Account, Region: a.Identity.Region,
			Cluster: a.Identity.Cluster, Service: a.Identity.Service}
	}
	kept := s.Failures[:0]
	for _, f := range s.Failures {
		if at.Sub(f.Time) < window {
			kept = append(kept, f)
		}
	}
	s.Failures = append(kept, Failure{EventID: a.EventID, TaskID: a.Identity.TaskID, Cause: Cause(&a), Time: at})
	if len(s.Failures) > maxFailures {
		s.Failures = s.Failures[len(s.Failures)-maxFailures:]
	}
	if s.Causes == nil {
		s.Causes = map[string]int{}
	}
	s.Causes[Cause(&a)]++
	s.Total++
	if s.First.IsZero() || at.Before(s.First) {
		s.First = at
	}
	last := a
	last.LogLines = nil
	s.LastFailure = &last
	if id := a.StartedBy; strings.HasPrefix(id, "ecs-svc/") && s.Deployment == "" {
		s.Deployment = id
	}
	if td := a.Identity.TaskDefinition(); td != "" && (s.Deployment == "" || a.StartedBy == s.Deployment) {
		s.FromRevision = td
	}
}

// deployment applies a deployment state change.
func (t *Tracker) deployment(ctx context.Context, b *batchState, in Input, at time.Time) {
	s, key, res, rollbackHint := b.s, b.key, &b.res, b.rollbackHint
	a := in.Alert
	id := a.Identity.DeploymentID
	switch a.Event {
	case "SERVICE_DEPLOYMENT_IN_PROGRESS":
		if to := rollbackTarget(a.Reason.Deployment); to != "" && s.DeploymentState == "FAILED" {
			// The failure message already said it rolls back; this is the same story.
			s.RollbackTo = to
			s.seen(a.EventID, didFold)
			res.Folded = append(res.Folded, Folded{Alert: a, Story: key, Items: in.Items})
			return
		}
		if id != "" && id != s.Deployment && !s.open() {
			s.Deployment, s.DeploymentState, s.RollbackTo = id, "IN_PROGRESS", ""
			s.DeploymentSince, s.DeploymentEnded, s.NewPatterns = at, time.Time{}, nil
		}
		s.seen(a.EventID, didPass)
		res.Passed = append(res.Passed, in)
	case "SERVICE_DEPLOYMENT_FAILED":
		if id != s.Deployment {
			s.DeploymentSince, s.NewPatterns = time.Time{}, nil
		}
		s.Deployment, s.DeploymentState, s.DeploymentEnded = id, "FAILED", at
		if to := firstNonEmpty(rollbackTarget(a.Reason.Deployment), rollbackHint); to != "" {
			s.RollbackTo = to
		}
		if s.Total == 0 {
			s.seen(a.EventID, didPass)
			res.Passed = append(res.Passed, in)
			return
		}
		b.flush()
		t.lookupRevisions(ctx, s, a.Identity)
		s.seen(a.EventID, didEnrich)
		s.Digested = &Mark{EventID: a.EventID, At: at}
		s.Pending = 0
		res.Emits = append(res.Emits, Emit{Alert: t.deploymentFailedAlert(s, a), Mode: Post, Story: key, Items: in.Items})
	case "SERVICE_DEPLOYMENT_COMPLETED":
		if s.open() || (s.DeploymentState == "FAILED" && s.Total > 0 && s.Resolved == nil) {
			b.flush()
			if s.DeploymentState == "FAILED" {
				s.RollbackTo = firstNonEmpty(s.RollbackTo, id)
				t.lookupRevisions(ctx, s, a.Identity)
			}
			t.resolve(s, key, in, at, "", res)
			s.DeploymentState, s.DeploymentEnded = "COMPLETED", at
			return
		}
		s.Deployment, s.DeploymentState, s.DeploymentEnded = firstNonEmpty(id, s.Deployment), "COMPLETED", at
		s.seen(a.EventID, didPass)
		res.Passed = append(res.Passed, in)
	default:
		s.seen(a.EventID, didPass)
		res.Passed = append(res.Passed, in)
	}
}

// lookupRevisions asks ECS which task definitions the failed deployment and the one
// replacing it run, so a rollback can say "from :42 to :41". It is best effort: without an
// answer the messages name deployment ids instead.
func (t *Tracker) lookupRevisions(ctx context.Context, s *Story, id alert.Identity) {
	if t.Revisions == nil || s.ToRevision != "" {
		return
	}
	deps, err := t.Revisions.Deployments(ctx, s.Identity)
	if err != nil {
		return
	}
	for _, d := range deps {
		switch {
		case d.ID == s.Deployment && s.FromRevision == "":
			s.FromRevision = d.TaskDefinition
		case d.ID == s.RollbackTo, s.RollbackTo == "" && d.Status == "PRIMARY" && d.ID != s.Deployment:
			s.RollbackTo, s.ToRevision = d.ID, d.TaskDefinition
		}
	}
}

func (t *Tracker) resolve(s *Story, key string, in Input, at time.Time, how string, res *Result) {
	s.Resolved = &Mark{EventID: in.Alert.EventID, At: at}
	s.seen(in.Alert.EventID, didResolve)
	res.Emits = append(res.Emits, Emit{Alert: t.resolvedAlert(s, key, in.Alert, how), Mode: Resolve, Story: key, Refs: s.Refs, Items: in.Items})
}

// rollbackTarget reads "… rolling back to deploymentId ecs-svc/123." from a deployment reason.
func rollbackTarget(reason string) string {
	_, after, ok := strings.Cut(reason, "rolling back to deploymentId ")
	if !ok {
		return ""
	}
	return strings.TrimRight(strings.Fields(after + " ")[0], ".,;")
}

// announcedID is the id of the event that announced the story, or fallback once the story
// has moved on (a replay after a reset).
func announcedID(s *Story, fallback string) string {
	if s.Announced != nil {
		return s.Announced.EventID
	}
	return fallback
}

func removeInput(list []Input, eventID string) []Input {
	out := list[:0]
	for _, in := range list {
		if in.Alert.EventID != eventID {
			out = append(out, in)
		}
	}
	return out
}

func itemsOf(ins []Input) []string {
	var out []string
	for _, in := range ins {
		out = append(out, in.Items...)
	}
	return out
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// Cause is a failure's cause in a few words, for counting: "exit 1", "out of memory (exit
// 137)", "CannotPullContainerError", "ELB health check".
func Cause(a *alert.Alert) string {
	for _, c := range a.Reason.Containers {
		if c.ExitCode == nil || *c.ExitCode == 0 {
			continue
		}
		if strings.Contains(c.Reason, "OutOfMemory") {
			return "out of memory (exit " + strconv.Itoa(*c.ExitCode) + ")"
		}
		return "exit " + strconv.Itoa(*c.ExitCode)
	}
	r := a.Reason.StoppedReason
	switch {
	case strings.Contains(r, "ELB health checks"):
		return "ELB health check"
	case strings.Contains(r, "container health checks"), strings.Contains(r, "health check"):
		return "container health check"
	}
	for _, c := range a.Reason.Containers {
		if name, _, ok := strings.Cut(c.Reason, ":"); ok && strings.HasSuffix(name, "Error") {
			return name
		}
	}
	if name, _, ok := strings.Cut(r, ":"); ok && strings.HasSuffix(name, "Error") {
		return name
	}
	if a.Event != "" {
		return a.Event
	}
	return "stopped"
}

// causes lists counts as "exit 1 ×5, out of memory (exit 137) ×1", most frequent first.
func causes(m map[string]int) string {
	type kv struct {
		k string
		v int
	}
	list := make([]kv, 0, len(m))
	for k, v := range m {
		list = append(list, kv{k, v})
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].v != list[j].v {
			return list[i].v > list[j].v
		}
		return list[i].k < list[j].k
	})
	// One string is made, not one per cause and then their join.
	size := 0
	for _, x := range list {
		size += len(x.k) + len(", ×") + 20
	}
	b := make([]byte, 0, size)
	for i, x := range list {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, x.k...)
		b = append(b, " ×"...)
		b = strconv.AppendInt(b, int64(x.v), 10)
	}
	return string(b)
}
