// Package silence keeps the silences a team sets from chat: "keep checkout-api's task failures
// out of the channel for an hour", or until the deployment they belong to completes. The
// pipeline honours them as a named suppression (rule "silence": "silenced by @ana until 16:00
// UTC"); the CLI (`foghorn silences`) and the chat Lift button list and end them.
//
// All silences live in one item of the state table, a bounded list written on a version
// condition, so two clicks at once cannot lose one another's silence and a batch reads them all
// with one GetItem. Expiry is processing time (the clock the store is given): a silence set at
// 15:00 for an hour ends at 16:00 however late events arrive.
package silence

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/clock"
	"github.com/foghornhq/foghorn/lambda/state"
)

// Rule names the suppression a silence makes, as noise rules are named.
const Rule = "silence"

// Key is the state table item holding every silence.
const Key = "silences"

// Max bounds the active silences, so the item stays far below DynamoDB's 400 KB and one
// read stays cheap. Past it a new silence is refused until one is lifted or lapses.
const Max = 100

// MaxLength bounds how long one silence may last.
const MaxLength = 7 * 24 * time.Hour

// User is who set a silence: a Slack user id (U…, W…) and name, or a CLI user.
type User struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name"`
}

// Silence keeps one service's alerts of some kinds out of chat until Until, or until the
// deployment it names completes.
type Silence struct {
	ID        string       `json:"id"`
	Partition string       `json:"partition,omitempty"`
	Account   string       `json:"account,omitempty"`
	Region    string       `json:"region,omitempty"`
	Cluster   string       `json:"cluster"`
	Service   string       `json:"service"`
	Kinds     []alert.Kind `json:"kinds"`
	By        User         `json:"by"`
	Created   time.Time    `json:"created"`
	// Until is when the silence lapses, on the processing clock. A silence waiting for a
	// deployment has one too: its cap.
	Until time.Time `json:"until"`
	// Deployment (ecs-svc/…), when set, ends the silence as soon as the pipeline sees that
	// deployment of the service complete or fail.
	Deployment string `json:"deployment,omitempty"`
}

// Subject is the silenced service, cluster/service.
func (s Silence) Subject() string { return s.Cluster + "/" + s.Service }

// Covers reports whether the silence keeps a out of chat at now. Good news (a recovery) is
// never silenced: it tells the team the silence can go.
func (s Silence) Covers(a *alert.Alert, now time.Time) bool {
	id := a.Identity
	return now.Before(s.Until) && a.Severity != alert.Resolved &&
		id.Service == s.Service && id.Cluster == s.Cluster &&
		(s.Account == "" || id.Account == "" || id.Account == s.Account) &&
		(s.Region == "" || id.Region == "" || id.Region == s.Region) &&
		slices.Contains(s.Kinds, a.Kind)
}

// Why is the suppression's reason: "silenced by @ana until 16:00 UTC".
func (s Silence) Why(now time.Time) string {
	who := "@" + s.By.Name
	if s.Deployment != "" {
		return fmt.Sprintf("silenced by %s until deployment %s completes (%s at the latest)", who, s.Deployment, When(s.Until, now))
	}
	return fmt.Sprintf("silenced by %s until %s", who, When(s.Until, now))
}

// When says a time the short way when it is today (in UTC): "16:00 UTC"; else with its
// date: "Mar 15 16:00 UTC".
func When(t, now time.Time) string {
	t, now = t.UTC(), now.UTC()
	if t.YearDay() == now.YearDay() && t.Year() == now.Year() {
		return t.Format("15:04 UTC")
	}
	return t.Format("Jan 2 15:04 UTC")
}

// Match returns the silence in list that covers a at now, if any.
func Match(list []Silence, a *alert.Alert, now time.Time) (Silence, bool) {
	for _, s := range list {
		if s.Covers(a, now) {
			return s, true
		}
	}
	return Silence{}, false
}

// Errors a caller can tell apart.
var (
	ErrNotFound = errors.New("silence: no active silence has that id")
	ErrFull     = fmt.Errorf("silence: %d silences are active already; lift one first", Max)
)

// Store reads and changes the silences. Safe for concurrent use.
type Store struct {
	state state.Store
	clock clock.Clock
}

// New returns the store in st, whose silences lapse on c (nil: the system clock). st must be
// built on the same clock.
func New(st state.Store, c clock.Clock) *Store { return &Store{state: st, clock: clock.Or(c)} }

type document struct {
	Silences []Silence `json:"silences"`
}

// Active lists the silences in force now, soonest to end first.
func (s *Store) Active(ctx context.Context) ([]Silence, error) {
	it, err := s.state.Get(ctx, Key)
	if err != nil {
		return nil, fmt.Errorf("silence: read: %w", err)
	}
	list, err := decode(it)
	if err != nil {
		return nil, err
	}
	return active(list, s.clock.Now()), nil
}

func decode(it state.Item) ([]Silence, error) {
	if it.Version == 0 || len(it.Data) == 0 {
		return nil, nil
	}
	var d document
	if err := json.Unmarshal(it.Data, &d); err != nil {
		return nil, fmt.Errorf("silence: the %q item is not a list of silences: %w", Key, err)
	}
	return d.Silences, nil
}

func active(list []Silence, now time.Time) []Silence {
	out := make([]Silence, 0, len(list))
	for _, x := range list {
		if now.Before(x.Until) {
			out = append(out, x)
		}
	}
	slices.SortStableFunc(out, func(a, b Silence) int { return a.Until.Compare(b.Until) })
	return out
}

// Add sets a silence from now until x.Until (a deployment's silence until x.Until at most).
// It replaces an active silence of the same service and kinds, so "Silence 4h" after
// "Silence 1h" lengthens it rather than stacking two. It returns the silence as stored.
func (s *Store) Add(ctx context.Context, x Silence) (Silence, error) {
	now := s.clock.Now()
	if x.Cluster == "" || x.Service == "" || len(x.Kinds) == 0 {
		return Silence{}, errors.New("silence: a silence needs a cluster, a service and kinds")
	}
	if !x.Until.After(now) {
		return Silence{}, errors.New("silence: a silence must end in the future")
	}
	if x.Until.Sub(now) > MaxLength {
		return Silence{}, fmt.Errorf("silence: a silence lasts at most %s", MaxLength)
	}
	x.ID, x.Created = newID(), now
	err := s.update(ctx, func(list []Silence) ([]Silence, error) {
		list = slices.DeleteFunc(list, func(y Silence) bool { return sameScope(x, y) })
		if len(list) >= Max {
			return nil, ErrFull
		}
		return append(list, x), nil
	})
	return x, err
}

// Lift ends the active silence with the given id and returns it.
func (s *Store) Lift(ctx context.Context, id string) (Silence, error) {
	var lifted Silence
	err := s.update(ctx, func(list []Silence) ([]Silence, error) {
		i := slices.IndexFunc(list, func(y Silence) bool { return y.ID == id })
		if i < 0 {
			return nil, ErrNotFound
		}
		lifted = list[i]
		return slices.Delete(list, i, i+1), nil
	})
	return lifted, err
}

// EndDeployment ends the silences waiting for deployment of the service id names, and
// returns them. The pipeline calls it when it sees that deployment complete or fail.
func (s *Store) EndDeployment(ctx context.Context, id alert.Identity, deployment string) ([]Silence, error) {
	var ended []Silence
	err := s.update(ctx, func(list []Silence) ([]Silence, error) {
		ended = nil
		return slices.DeleteFunc(list, func(y Silence) bool {
			hit := y.Deployment == deployment && y.Service == id.Service && y.Cluster == id.Cluster &&
				(y.Account == "" || id.Account == "" || y.Account == id.Account)
			if hit {
				ended = append(ended, y)
			}
			return hit
		}), nil
	})
	if err == nil && len(ended) == 0 {
		return nil, nil
	}
	return ended, err
}

const maxAttempts = 5

// update applies change to the active silences and writes the result on the version read,
// trying again from a fresh read when another writer got there first.
func (s *Store) update(ctx context.Context, change func([]Silence) ([]Silence, error)) error {
	for attempt := 0; ; attempt++ {
		it, err := s.state.Get(ctx, Key)
		if err != nil {
			return fmt.Errorf("silence: read: %w", err)
		}
		list, err := decode(it)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		before := active(list, now)
		after, err := change(slices.Clone(before))
		if err != nil {
			return err
		}
		if len(list) == len(after) && slices.EqualFunc(before, after, func(a, b Silence) bool { return a.ID == b.ID && a.Until.Equal(b.Until) }) {
			return nil // nothing to write (nothing lapsed either)
		}
		data, err := json.Marshal(document{Silences: after})
		if err != nil {
			return err
		}
		_, err = s.state.Put(ctx, state.Item{Key: Key, Version: it.Version, Keep: keep(after, now), Data: data})
		if err == nil {
			return nil
		}
		if !errors.Is(err, state.ErrConflict) || attempt+1 >= maxAttempts {
			return fmt.Errorf("silence: write: %w", err)
		}
	}
}

// keep is how long the item outlives its last silence: a day, so `foghorn silences` still
// reads an empty list rather than nothing after they all lapse.
func keep(list []Silence, now time.Time) time.Duration {
	last := now
	for _, x := range list {
		if x.Until.After(last) {
			last = x.Until
		}
	}
	return last.Sub(now) + 24*time.Hour
}

func sameScope(a, b Silence) bool {
	return a.Cluster == b.Cluster && a.Service == b.Service && a.Account == b.Account && a.Region == b.Region &&
		slices.Equal(sortedKinds(a.Kinds), sortedKinds(b.Kinds))
}

func sortedKinds(k []alert.Kind) []alert.Kind {
	k = slices.Clone(k)
	slices.Sort(k)
	return k
}

// newID is a short random id, lower case so it is easy to type after `foghorn silences lift`.
func newID() string { return strings.ToLower(rand.Text()[:10]) }
