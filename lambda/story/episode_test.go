package story

import (
	"context"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/event"
	"github.com/foghornhq/foghorn/lambda/policy"
)

const serviceDeployment = "arn:aws:ecs:us-east-1:123456789012:service-deployment/prod/checkout-api/0EYSiB0qap8xf0N76FsbE"

// hook is a lifecycle hook event of checkout-api's deployment at t0 + minutes; a pause
// announced at t0 expires expiresIn after it.
func hook(name, hookID string, minutes int, expiresIn time.Duration) Input {
	ident := id()
	ident.ServiceDeployment, ident.Hook = serviceDeployment, hookID
	at := t0.Add(time.Duration(minutes) * time.Minute)
	a := alert.Alert{EventID: "hook-" + name + "-" + hookID, Kind: alert.KindDeployment, Event: name, Identity: ident, Time: at,
		DetailType: event.DetailTypeHookStateChange, Title: "checkout-api: " + name}
	if name == event.HookAwaitingAction {
		a.Expires = t0.Add(expiresIn)
	}
	in := Input{Items: []string{"msg-" + a.EventID}, Alert: a}
	if d := policy.Default().Decide(&in.Alert); d.Suppress {
		in.Verdict = d
	}
	return in
}

// health is a container instance health change at t0 + minutes.
func health(status string, minutes int) Input {
	ident := id()
	ident.Service, ident.ContainerInstance = "", "a1b2c3d4e5f6"
	a := alert.Alert{EventID: "health-" + status + "-" + time.Duration(minutes).String(), Kind: alert.KindContainerInstance, Event: status,
		DetailType: event.DetailTypeContainerInstanceHealth, Identity: ident, Time: t0.Add(time.Duration(minutes) * time.Minute),
		Title: "prod: container instance " + status}
	return Input{Items: []string{"msg-" + a.EventID}, Alert: a}
}

// daemon is a daemon deployment state change at t0 + minutes.
func daemon(name string, minutes int) Input {
	ident := id()
	ident.Service, ident.Daemon = "", "log-router"
	a := alert.Alert{EventID: "daemon-" + name, Kind: alert.KindDeployment, Event: name, Identity: ident,
		DetailType: event.DetailTypeDaemonDeploymentStateChange, Time: t0.Add(time.Duration(minutes) * time.Minute), Title: "log-router: " + name}
	return Input{Items: []string{"msg-" + a.EventID}, Alert: a}
}

func TestEpisodes(t *testing.T) {
	const h1, h2 = "ecs-pause-first", "ecs-pause-second"
	tests := []struct {
		name    string
		batches []batch
	}{
		{name: "a pause is announced, and its continuation ends it", batches: []batch{
			{inputs: []Input{hook(event.HookAwaitingAction, h1, 0, 10*time.Minute)}, wantEmits: "announce", wantTitle: "HOOK_AWAITING_ACTION"},
			{inputs: []Input{hook(event.HookSucceeded, h1, 5, 0)}, wantEmits: "resolve", wantTitle: "HOOK_SUCCEEDED"},
		}},
		{name: "a pause of three days still ends in its thread when it times out", batches: []batch{
			{inputs: []Input{hook(event.HookAwaitingAction, h1, 0, 72*time.Hour)}, wantEmits: "announce"},
			{inputs: []Input{hook(event.HookTimedOut, h1, 72*60, 0)}, wantEmits: "resolve", wantTitle: "HOOK_TIMED_OUT"},
		}},
		{name: "a hook nobody waited on is told on its own", batches: []batch{
			{inputs: []Input{hook(event.HookInProgress, h1, 0, 0), hook(event.HookSucceeded, h1, 1, 0)}, wantPassed: 2},
			{inputs: []Input{hook(event.HookFailed, h2, 2, 0)}, wantPassed: 1},
		}},
		{name: "each step of a canary deployment pauses with its own hook", batches: []batch{
			{inputs: []Input{hook(event.HookAwaitingAction, h1, 0, time.Hour), hook(event.HookSucceeded, h1, 3, 0)}, wantEmits: "announce,resolve"},
			{inputs: []Input{hook(event.HookAwaitingAction, h2, 10, time.Hour)}, wantEmits: "announce"},
			{inputs: []Input{hook(event.HookFailed, h2, 12, 0)}, wantEmits: "resolve", wantTitle: "HOOK_FAILED"},
		}},
		{name: "an impaired instance: follow-ups while impaired, and its recovery days later", batches: []batch{
			{inputs: []Input{health(event.HealthImpaired, 0)}, wantEmits: "announce"},
			{inputs: []Input{health(event.HealthImpaired, 2)}, wantEmits: "fold", wantFolded: 1},
			{inputs: []Input{health(event.HealthImpaired, 12)}, wantEmits: "digest", wantFolded: 1},
			{inputs: []Input{health(event.HealthOK, 3*24*60)}, wantEmits: "resolve", wantTitle: "OK"},
			{inputs: []Input{health(event.HealthOK, 3*24*60+5)}, wantPassed: 1},
		}},
		{name: "an instance healthy with nothing announced passes", batches: []batch{
			{inputs: []Input{health(event.HealthInitializing, 0), health(event.HealthOK, 1)}, wantPassed: 2},
		}},
		{name: "a daemon rollback opens, its failure ends it", batches: []batch{
			{inputs: []Input{daemon(event.DaemonDeploymentInProgress, 0)}, wantPassed: 1},
			{inputs: []Input{daemon(event.DaemonDeploymentRollbackInProgress, 5)}, wantEmits: "announce"},
			{inputs: []Input{daemon(event.DaemonDeploymentRollbackFailed, 9)}, wantEmits: "resolve", wantTitle: "ROLLBACK_FAILED"},
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

// TestEpisodeThread: the pause's message is remembered, and its outcome edits it; a record SQS
// redelivers gets the same treatment again, so the ledger keeps it from posting twice.
func TestEpisodeThread(t *testing.T) {
	tr := newTracker()
	ctx := context.Background()
	paused := hook(event.HookAwaitingAction, "ecs-pause-first", 0, 10*time.Minute)
	res, err := tr.Apply(ctx, []Input{paused})
	if err != nil || len(res.Emits) != 1 || res.Emits[0].Mode != Announce || res.Emits[0].Alert.EventID != paused.Alert.EventID {
		t.Fatalf("announce: %+v, %v", res.Emits, err)
	}
	key := res.Emits[0].Story
	ref := chat.Ref{Channel: "C0FAKE", ID: "1700000000.000100"}
	if err := tr.SaveRefs(ctx, key, map[string]chat.Ref{"alerts": ref}); err != nil {
		t.Fatal(err)
	}
	again, _ := tr.Apply(ctx, []Input{paused})
	if modes(again) != "announce" || again.Emits[0].Alert.EventID != paused.Alert.EventID {
		t.Errorf("redelivered announcement: %q %+v", modes(again), again.Emits)
	}
	ended := hook(event.HookSucceeded, "ecs-pause-first", 4, 0)
	for i := range 2 {
		res, err = tr.Apply(ctx, []Input{ended})
		if err != nil || modes(res) != "resolve" || res.Emits[0].Refs["alerts"] != ref || res.Emits[0].Alert.EventID != ended.Alert.EventID {
			t.Errorf("resolution %d: %q %+v, %v", i, modes(res), res.Emits, err)
		}
	}
}
