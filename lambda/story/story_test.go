package story

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/clock"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/policy"
	"github.com/foghornhq/foghorn/lambda/state"
)

var t0 = time.Date(2026, 11, 24, 14, 2, 0, 0, time.UTC)

const dep = "ecs-svc/4718350946203817256"

func id() alert.Identity {
	return alert.Identity{Partition: "aws", Account: "123456789012", Region: "us-east-1", Cluster: "prod", Service: "checkout-api"}
}

// failure is task n of checkout-api:42 exiting with code 1, at t0 + n minutes.
func failure(n int) Input {
	code := 1
	ident := id()
	ident.TaskFamily, ident.TaskRevision, ident.TaskID, ident.DeploymentID = "checkout-api", 42, fmt.Sprintf("task%02d", n), dep
	return Input{Items: []string{fmt.Sprintf("msg-f%d", n)}, Alert: alert.Alert{
		EventID: fmt.Sprintf("fail-%d", n), Kind: alert.KindTaskStopped, Event: "EssentialContainerExited", Severity: alert.Critical,
		Group: "service:checkout-api", StartedBy: dep, Identity: ident, Time: t0.Add(time.Duration(n) * time.Minute),
		Title: "checkout-api: container app exited with code 1",
		Reason: alert.Reason{StopCode: "EssentialContainerExited", Text: "Essential container app exited with code 1.",
			Containers: []alert.Container{{Name: "app", Image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/checkout-api:42", ExitCode: &code}}},
	}}
}

func deployment(event, deploymentID, reason string, at time.Time) Input {
	ident := id()
	ident.DeploymentID = deploymentID
	return Input{Items: []string{"msg-" + event}, Alert: alert.Alert{
		EventID: "dep-" + event + "-" + deploymentID, Kind: alert.KindDeployment, Event: event, Identity: ident, Time: at,
		Reason: alert.Reason{Deployment: reason},
	}}
}

func steady(at time.Time) Input {
	return Input{Verdict: policy.Decision{Suppress: true, Rule: "steady-state"}, Items: []string{"msg-steady"}, Alert: alert.Alert{
		EventID: "steady-" + at.Format("1504"), Kind: alert.KindServiceAction, Event: "SERVICE_STEADY_STATE", Identity: id(), Time: at}}
}

func failures(from, to int) []Input {
	var out []Input
	for n := from; n <= to; n++ {
		out = append(out, failure(n))
	}
	return out
}

// revisions answers as ECS does while a circuit breaker rolls back: the old deployment is
// PRIMARY again, the failed one ACTIVE.
type revisions struct{}

func (revisions) Deployments(context.Context, alert.Identity) ([]Deployment, error) {
	return []Deployment{
		{ID: "ecs-svc/9204318811052734410", TaskDefinition: "checkout-api:41", Status: "PRIMARY"},
		{ID: dep, TaskDefinition: "checkout-api:42", Status: "ACTIVE"},
	}, nil
}

func modes(res Result) string {
	var parts []string
	for _, e := range res.Emits {
		parts = append(parts, e.Mode.String())
	}
	return strings.Join(parts, ",")
}

func TestStories(t *testing.T) {
	tests := []struct {
		name    string
		batches []batch
	}{
		{name: "below the threshold every failure posts", batches: []batch{
			{inputs: failures(1, 2), wantPassed: 2},
		}},
		{name: "a burst is one announcement", batches: []batch{
			{inputs: failures(1, 5), wantEmits: "announce", wantFolded: 4, wantTitle: "checkout-api is crash-looping: 5 tasks failed in 4 min"},
		}},
		{name: "across batches, then fold, then digest", batches: []batch{
			{inputs: failures(1, 2), wantPassed: 2},
			{inputs: failures(3, 3), wantEmits: "announce", wantTitle: "3 tasks failed"},
			{inputs: failures(4, 5), wantEmits: "fold", wantFolded: 2},
			{inputs: failures(9, 9), wantEmits: "digest", wantFolded: 1, wantTitle: "6 tasks failed"},
		}},
		{name: "old failures fall out of the window", batches: []batch{
			{inputs: []Input{failure(1), failure(2)}, wantPassed: 2},
			{inputs: []Input{failure(30)}, wantPassed: 1},
		}},
		{name: "a deployment's story, told in three messages and ended by the rollback", batches: []batch{
			{inputs: append([]Input{deployment("SERVICE_DEPLOYMENT_IN_PROGRESS", dep, "ECS deployment "+dep+" in progress.", t0)}, failures(1, 5)...),
				wantEmits: "announce", wantPassed: 1, wantFolded: 4, wantTitle: "is failing"},
			{inputs: []Input{
				deployment("SERVICE_DEPLOYMENT_FAILED", dep, "ECS deployment circuit breaker: task failed to start.", t0.Add(6*time.Minute)),
				deployment("SERVICE_DEPLOYMENT_IN_PROGRESS", "ecs-svc/9204318811052734410", "ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/9204318811052734410.", t0.Add(6*time.Minute+time.Second)),
			}, wantEmits: "post", wantFolded: 1, wantTitle: "deployment " + dep + " of checkout-api:42 failed; rolling back to checkout-api:41"},
			{inputs: []Input{deployment("SERVICE_DEPLOYMENT_COMPLETED", "ecs-svc/9204318811052734410", "", t0.Add(9*time.Minute))},
				wantEmits: "resolve", wantTitle: "checkout-api: rolled back to checkout-api:41; steady again"},
		}},
		{name: "a steady state ends a crash loop", batches: []batch{
			{inputs: failures(1, 3), wantEmits: "announce", wantFolded: 2},
			{inputs: []Input{steady(t0.Add(20 * time.Minute))}, wantEmits: "resolve", wantTitle: "recovered: steady again"},
			{inputs: []Input{steady(t0.Add(40 * time.Minute))}, wantPassed: 1},
		}},
		{name: "a deployment that completes without trouble is just posted", batches: []batch{
			{inputs: []Input{deployment("SERVICE_DEPLOYMENT_IN_PROGRESS", dep, "", t0), deployment("SERVICE_DEPLOYMENT_COMPLETED", dep, "", t0.Add(time.Minute))}, wantPassed: 2},
		}},
		{name: "a crash loop, a steady state and a new failure in one batch", batches: []batch{
			// The steady state ends the story the batch announced; the failure after it starts
			// a new one. This batch used to panic, failing every record with it.
			{inputs: append(append(failures(1, 3), steady(t0.Add(4*time.Minute))), failure(5)),
				wantEmits: "announce,resolve", wantPassed: 1, wantFolded: 2, wantTitle: "recovered: steady again"},
			{inputs: failures(6, 7), wantEmits: "announce", wantFolded: 1, wantTitle: "crash-looping: 3 tasks failed"},
		}},
		{name: "a story quiet for a day is over", batches: []batch{
			{inputs: failures(1, 3), wantEmits: "announce", wantFolded: 2},
			{inputs: []Input{failure(24*60 + 10)}, wantPassed: 1},
		}},
		{name: "an event far older than the story is told on its own", batches: []batch{
			{inputs: failures(3*24*60+1, 3*24*60+3), wantEmits: "announce", wantFolded: 2},
			{inputs: failures(1, 1), wantPassed: 1},
			{inputs: failures(3*24*60+4, 3*24*60+4), wantEmits: "fold", wantFolded: 1},
		}},
		{name: "spot interruptions and suppressed stops are not failures", batches: []batch{
			{inputs: func() []Input {
				a, b, c := failure(1), failure(2), failure(3)
				a.Alert.Event = "SpotInterruption"
				b.Verdict = policy.Decision{Suppress: true, Rule: "deployment-replacement"}
				c.Alert.Event = "UserInitiated"
				return []Input{a, b, c}
			}(), wantPassed: 3},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, age := range ages {
				t.Run(age.name, func(t *testing.T) {
					runBatches(t, age.age, tt.batches)
				})
			}
		})
	}
}

// ages are how late the events of a scenario arrive: processing time is fixed, and the
// scenario's events are dated that much earlier. A backlog, a throttled queue and a DLQ
// redrive must be told as the same events arriving on time.
var ages = []struct {
	name string
	age  time.Duration
}{
	{"on time", 0},
	{"71 minutes late", 71 * time.Minute},
	{"26 hours late", 26 * time.Hour},
	{"13 days late", 13 * 24 * time.Hour},
}

// processed is the processing clock's time in every test: years after the events' dates, so
// that a test that mixes up the two clocks fails whatever the day it runs.
var processed = time.Date(2031, 6, 1, 9, 0, 0, 0, time.UTC)

// shifted dates the inputs so that t0 falls age before processing time.
func shifted(inputs []Input, age time.Duration) []Input {
	d := processed.Add(-age).Sub(t0)
	out := make([]Input, len(inputs))
	for i, in := range inputs {
		in.Alert.Time = in.Alert.Time.Add(d)
		if !in.Alert.Expires.IsZero() {
			in.Alert.Expires = in.Alert.Expires.Add(d)
		}
		out[i] = in
	}
	return out
}

type batch struct {
	inputs     []Input
	wantEmits  string // modes, in order
	wantPassed int
	wantFolded int
	wantTitle  string // substring of the last emit's title
}

func runBatches(t *testing.T, age time.Duration, batches []batch) {
	t.Helper()
	c := clock.NewFake(processed)
	tr := New(state.NewMemory(c), config.CrashLoop{}, c)
	tr.Revisions = revisions{}
	var latest time.Time
	for i, b := range batches {
		// The batches of a scenario are processed as far apart as their newest events.
		if n := len(b.inputs); n > 0 {
			if at := b.inputs[n-1].Alert.Time; at.After(latest) {
				if !latest.IsZero() {
					c.Advance(at.Sub(latest))
				}
				latest = at
			}
		}
		res, err := tr.Apply(context.Background(), shifted(b.inputs, age))
		if err != nil {
			t.Fatal(err)
		}
		if got := modes(res); got != b.wantEmits {
			t.Errorf("batch %d: emits %q, want %q", i, got, b.wantEmits)
		}
		if len(res.Passed) != b.wantPassed || len(res.Folded) != b.wantFolded {
			t.Errorf("batch %d: %d passed, %d folded; want %d, %d", i, len(res.Passed), len(res.Folded), b.wantPassed, b.wantFolded)
		}
		if got := len(res.Passed) + len(res.Folded) + countTriggers(res); got != len(b.inputs) {
			t.Errorf("batch %d: %d inputs, %d accounted for", i, len(b.inputs), got)
		}
		if b.wantTitle != "" && (len(res.Emits) == 0 || !strings.Contains(res.Emits[len(res.Emits)-1].Alert.Title, b.wantTitle)) {
			var titles []string
			for _, e := range res.Emits {
				titles = append(titles, e.Alert.Title)
			}
			t.Errorf("batch %d: titles %q, want one containing %q", i, titles, b.wantTitle)
		}
	}
}

// countTriggers counts inputs that became an emit themselves (announce, digest, enrich,
// resolve): together with passed and folded ones they account for every input.
func countTriggers(res Result) int {
	n := 0
	for _, e := range res.Emits {
		if e.Mode != Fold && e.Mode != Digest {
			n++
		}
	}
	return n
}

func newTracker() *Tracker {
	c := clock.NewFake(processed)
	return New(state.NewMemory(c), config.CrashLoop{}, c)
}

func TestAnnouncementCarriesTheStory(t *testing.T) {
	tr := newTracker()
	res, err := tr.Apply(context.Background(), failures(1, 5))
	if err != nil {
		t.Fatal(err)
	}
	e := res.Emits[0]
	if len(e.Items) != 5 {
		t.Errorf("the announcement stands for %v, want all five records (if it fails, they all come back)", e.Items)
	}
	a := e.Alert
	if a.Kind != alert.KindCrashLoop || a.Severity != alert.Critical || a.Count != 5 {
		t.Errorf("announcement = %s %s count %d", a.Kind, a.Severity, a.Count)
	}
	for _, want := range []string{"exit 1 ×5", "checkout-api:42", dep, "123456789012.dkr.ecr.us-east-1.amazonaws.com/checkout-api:42"} {
		found := strings.Contains(a.Summary, want)
		for _, f := range a.Facts {
			found = found || strings.Contains(f.Value, want)
		}
		if !found {
			t.Errorf("the announcement does not say %q: %s %+v", want, a.Summary, a.Facts)
		}
	}
	if a.Identity.TaskID != "task05" {
		t.Errorf("task id = %q, want the last failure's (its logs are the freshest)", a.Identity.TaskID)
	}
}

// TestRedeliveryReplays: SQS redelivers a batch whose announcement failed to post. The
// announcement is emitted again with the same event id (the ledger then skips destinations
// that have it), and nothing is counted twice.
func TestRedeliveryReplays(t *testing.T) {
	tr := newTracker()
	first, _ := tr.Apply(context.Background(), failures(1, 5))
	again, err := tr.Apply(context.Background(), failures(1, 5))
	if err != nil {
		t.Fatal(err)
	}
	if modes(again) != "announce" || again.Emits[0].Alert.EventID != first.Emits[0].Alert.EventID {
		t.Fatalf("replay emits %q (%v), want the same announcement", modes(again), again.Emits)
	}
	if again.Emits[0].Alert.Count != 5 {
		t.Errorf("count after replay = %d, want 5: a redelivered failure must not count twice", again.Emits[0].Alert.Count)
	}
	// Replaying single failures that were posted on their own posts them again.
	tr2 := newTracker()
	tr2.Apply(context.Background(), failures(1, 1))
	res, _ := tr2.Apply(context.Background(), failures(1, 1))
	if len(res.Passed) != 1 {
		t.Errorf("a redelivered single failure: %d passed, want 1", len(res.Passed))
	}
}

// gate makes both trackers read the story before either writes, so their writes race.
type gate struct {
	state.Store
	once    sync.Once
	wg      sync.WaitGroup
	arrived chan struct{}
}

func (g *gate) Get(ctx context.Context, key string) (state.Item, error) {
	it, err := g.Store.Get(ctx, key)
	select {
	case g.arrived <- struct{}{}:
		g.wg.Wait()
	default:
	}
	return it, err
}

func TestConcurrentInvocationsAnnounceOnce(t *testing.T) {
	store := &gate{Store: state.NewMemory(clock.NewFake(processed)), arrived: make(chan struct{}, 2)}
	store.wg.Add(1)
	go func() { <-store.arrived; <-store.arrived; store.wg.Done() }()

	var mu sync.Mutex
	announced, folded := 0, 0
	var wg sync.WaitGroup
	for _, batch := range [][]Input{failures(1, 3), failures(4, 6)} {
		wg.Add(1)
		go func(b []Input) {
			defer wg.Done()
			res, err := New(store, config.CrashLoop{}, clock.NewFake(processed)).Apply(context.Background(), b)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			defer mu.Unlock()
			for _, e := range res.Emits {
				if e.Mode == Announce {
					announced++
				}
			}
			folded += len(res.Folded)
		}(batch)
	}
	wg.Wait()
	if announced != 1 {
		t.Errorf("%d announcements, want exactly 1", announced)
	}
	if folded != 5 {
		t.Errorf("%d failures folded, want the other 5", folded)
	}
}

type brokenStore struct{}

func (brokenStore) Get(context.Context, string) (state.Item, error) {
	return state.Item{}, errors.New("table unavailable")
}
func (brokenStore) Put(context.Context, state.Item) (state.Item, error) {
	return state.Item{}, errors.New("table unavailable")
}

// TestStoreDownPassesEverything: without its memory the stage steps aside, and every failure
// posts on its own rather than being lost.
func TestStoreDownPassesEverything(t *testing.T) {
	res, err := New(brokenStore{}, config.CrashLoop{}, clock.NewFake(processed)).Apply(context.Background(), failures(1, 5))
	if err == nil {
		t.Error("want the store's error reported")
	}
	if len(res.Passed) != 5 || len(res.Emits) != 0 {
		t.Errorf("%d passed, %d emitted; want all 5 passed", len(res.Passed), len(res.Emits))
	}
}
