package story

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/clock"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/event"
	"github.com/foghornhq/foghorn/lambda/policy"
	"github.com/foghornhq/foghorn/lambda/state"
)

// applyReference is Apply as it was before it laid the groups out in the inputs' own array
// and had each group's story append to the batch's lists: every group copied into a list of
// its own, each story's result in lists of its own, appended after.
func (t *Tracker) applyReference(ctx context.Context, inputs []Input) (Result, error) {
	res := Result{Passed: inputs[:0]}
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
			groups[j] = all[len(all) : len(all) : len(all)+n]
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
		out, err := t.applyGroupReference(ctx, k, g)
		if err != nil {
			errs = append(errs, err)
			res.Passed = append(res.Passed, g...)
		} else {
			res.Emits = append(res.Emits, out.Emits...)
			res.Folded = append(res.Folded, out.Folded...)
			res.Passed = append(res.Passed, out.Passed...)
		}
		clear(g)
		groups[j] = nil
	}
	if len(res.Passed) <= len(inputs) {
		clear(inputs[len(res.Passed):])
	}
	return res, errors.Join(errs...)
}

// applyGroupReference is applyGroupSafely as it was: every story read is a copy.
func (t *Tracker) applyGroupReference(ctx context.Context, key string, g []Input) (res Result, err error) {
	defer func() {
		if v := recover(); v != nil {
			res, err = Result{}, &PanicError{Story: key, Value: v}
		}
	}()
	for attempt := 0; ; attempt++ {
		it, err := t.store.Get(ctx, key)
		if err != nil {
			return Result{}, fmt.Errorf("story %s: %w", key, err)
		}
		s := readStory(it)
		out, changed := t.step(ctx, key, s, g, Result{})
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

// flakyStore fails the writes a schedule names: with a conflict (the story is read and told
// again) or an error (the group passes whole). Two stores given one schedule fail alike as
// long as they are written alike.
type flakyStore struct {
	state.Store
	puts               int
	conflict, failEach int
}

func (f *flakyStore) Put(ctx context.Context, it state.Item) (state.Item, error) {
	f.puts++
	switch {
	case f.conflict > 0 && f.puts%f.conflict == 0:
		return state.Item{}, state.ErrConflict
	case f.failEach > 0 && f.puts%f.failEach == 0:
		return state.Item{}, errors.New("store unavailable")
	}
	return f.Store.Put(ctx, it)
}

// KeepsValues is the memory store's answer: stories are kept as values, as the CLI and a
// function without a table keep them.
func (f *flakyStore) KeepsValues() bool { return state.KeepsValues(f.Store) }

// fuzzInput is the input a program's byte op (and the next, arg) stands for at minute m:
// failures, steady states, deployments, lifecycle hooks, instance health and daemon rollbacks
// of three services, inputs no story wants, suppressed failures and events without a time.
func fuzzInput(op, arg byte, m int) Input {
	services := []string{"checkout-api", "billing", "search"}
	svc := services[int(arg)%len(services)]
	ident := id()
	ident.Service = svc
	at := t0.Add(time.Duration(m) * time.Minute)
	var a alert.Alert
	var verdict policy.Decision
	switch op % 10 {
	case 0, 1, 2:
		code := int(arg % 3)
		ident.TaskFamily, ident.TaskRevision, ident.TaskID = svc, 42, fmt.Sprintf("task%03d", m)
		started := dep
		if arg%5 == 0 {
			started = "ecs-svc/other"
		}
		a = alert.Alert{Kind: alert.KindTaskStopped, Event: "EssentialContainerExited", Severity: alert.Critical, StartedBy: started,
			Reason: alert.Reason{StoppedReason: "Essential container in task exited", Containers: []alert.Container{{Name: "app", ExitCode: &code}}}}
		if arg%7 == 0 {
			verdict = policy.Decision{Suppress: true, Rule: "info"}
		}
	case 3:
		a = alert.Alert{Kind: alert.KindServiceAction, Event: "SERVICE_STEADY_STATE", Severity: alert.Info}
		verdict = policy.Decision{Suppress: true, Rule: "steady-state"}
	case 4:
		events := []string{event.DeploymentInProgress, "SERVICE_DEPLOYMENT_FAILED", event.DeploymentCompleted}
		ident.DeploymentID = []string{dep, "ecs-svc/9204318811052734410"}[int(arg>>2)%2]
		a = alert.Alert{Kind: alert.KindDeployment, Event: events[int(arg)%3], Reason: alert.Reason{Deployment: "rolling back to deploymentId ecs-svc/9204318811052734410."}}
	case 5:
		events := []string{event.HookAwaitingAction, event.HookSucceeded, event.HookFailed, event.HookInProgress}
		ident.ServiceDeployment, ident.Hook = serviceDeployment, fmt.Sprintf("hook-%d", arg%2)
		a = alert.Alert{Kind: alert.KindDeployment, Event: events[int(arg)%4], DetailType: event.DetailTypeHookStateChange, Expires: at.Add(time.Hour)}
	case 6:
		ident.Service, ident.ContainerInstance = "", "a1b2c3d4e5f6"
		a = alert.Alert{Kind: alert.KindContainerInstance, Event: []string{event.HealthImpaired, event.HealthOK}[arg%2], DetailType: event.DetailTypeContainerInstanceHealth}
	case 7:
		ident.Service, ident.Daemon = "", "log-router"
		a = alert.Alert{Kind: alert.KindDeployment, Event: []string{event.DaemonDeploymentRollbackInProgress, event.DaemonDeploymentRollbackSuccessful}[arg%2]}
	case 8:
		a = alert.Alert{Kind: alert.KindAlarm, Event: "ALARM", Severity: alert.Critical}
		ident = alert.Identity{AlarmName: "cpu-high"}
	case 9:
		a = alert.Alert{Kind: alert.KindTaskStopped, Event: "EssentialContainerExited", Severity: alert.Warning}
		at = time.Time{}
	}
	a.EventID, a.Identity, a.Time = fmt.Sprintf("ev-%d-%d-%d", op, arg, m), ident, at
	a.Title = svc + ": " + a.Event
	return Input{Alert: a, Verdict: verdict, Items: []string{"msg-" + a.EventID}}
}

// FuzzApplyAsBefore plays a program of batches — new events, redeliveries of earlier ones,
// stores that conflict and fail — through Apply and through applyReference, each tracker
// on a store of its own, and requires the same results and errors batch after batch.
func FuzzApplyAsBefore(f *testing.F) {
	// A crash loop announced, then redelivered whole, twice over.
	f.Add([]byte{0, 0, 0, 3, 0, 6, 0, 9, 0, 12, 255, 0, 254, 0, 254, 1, 254, 2, 254, 3, 255, 0, 254, 2, 254, 3, 255, 0, 254, 1, 255, 0})
	// A paused deployment and an impaired instance, redelivered.
	f.Add([]byte{0, 0, 5, 0, 6, 0, 255, 0, 254, 0, 254, 1, 255, 0, 5, 1, 6, 1, 255, 0, 254, 2, 254, 3, 255, 0, 254, 0, 255, 0})
	f.Add([]byte{0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 255, 3, 0, 4, 2, 254, 0, 0, 0, 5, 0, 6, 3, 1})
	f.Add([]byte{5, 0, 5, 4, 255, 6, 0, 6, 1, 7, 0, 7, 1, 254, 2, 255, 5, 1, 5, 9, 9, 9, 8, 8})
	f.Add([]byte{3, 7, 0, 0, 1, 1, 2, 2, 0, 5, 1, 5, 2, 5, 255, 4, 1, 254, 0, 1, 254, 3, 255, 4, 8})
	f.Fuzz(func(t *testing.T, program []byte) {
		if len(program) < 2 || len(program) > 400 {
			return
		}
		conflict, failEach := int(program[0]%8), int(program[1]%16)
		program = program[2:]
		ctx := context.Background()
		type side struct {
			tr    *Tracker
			clock *clock.Fake
		}
		sides := make([]side, 2)
		for i := range sides {
			c := clock.NewFake(processed)
			store := &flakyStore{Store: state.NewMemory(c), conflict: conflict, failEach: failEach}
			sides[i] = side{tr: New(store, config.CrashLoop{}, c), clock: c}
			sides[i].tr.Revisions = revisions{}
		}
		type made struct {
			op, arg byte
			minute  int
		}
		var sent []made // every input made so far, for redelivery
		var batch []made
		minute := 0
		flush := func() {
			if len(batch) == 0 {
				return
			}
			var results [2]Result
			var errs [2]string
			for i, s := range sides {
				inputs := make([]Input, len(batch))
				for k, b := range batch {
					inputs[k] = fuzzInput(b.op, b.arg, b.minute)
				}
				var err error
				if i == 0 {
					results[i], err = s.tr.Apply(ctx, inputs)
				} else {
					results[i], err = s.tr.applyReference(ctx, inputs)
				}
				if err != nil {
					errs[i] = err.Error()
				}
				s.clock.Advance(time.Minute)
			}
			if errs[0] != errs[1] {
				t.Fatalf("errors differ:\n Apply     %s\n reference %s", errs[0], errs[1])
			}
			if !reflect.DeepEqual(results[0], results[1]) {
				t.Fatalf("results differ:\n Apply     %+v\n reference %+v", summary(results[0]), summary(results[1]))
			}
			batch = batch[:0]
		}
		for i := 0; i+1 < len(program); i += 2 {
			op, arg := program[i], program[i+1]
			switch {
			case op == 255:
				flush()
			case op == 254 && len(sent) > 0:
				batch = append(batch, sent[int(arg)%len(sent)]) // redelivered
			case op >= 200:
				minute += int(arg) // time passes
			default:
				minute++
				batch = append(batch, made{op, arg, minute})
				sent = append(sent, made{op, arg, minute})
			}
		}
		flush()
	})
}

func summary(r Result) []string {
	var out []string
	for _, e := range r.Emits {
		out = append(out, "emit "+e.Mode.String()+" "+e.Alert.EventID+" "+e.Alert.Title)
	}
	for _, f := range r.Folded {
		out = append(out, "folded "+f.Alert.EventID)
	}
	for _, p := range r.Passed {
		out = append(out, "passed "+p.Alert.EventID)
	}
	return out
}
