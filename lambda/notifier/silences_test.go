package notifier

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/clock"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/silence"
	"github.com/foghornhq/foghorn/lambda/state"
)

// silencedNotifier is a notifier with a silence store on the same table and clock.
func silencedNotifier(t *testing.T, c *clock.Fake, logs *bytes.Buffer) (*Notifier, *silence.Store, *memoryTarget) {
	t.Helper()
	st := state.NewMemory(c)
	sil := silence.New(st, c)
	hook := &memoryTarget{}
	doc := &config.Document{Version: 1, Destinations: []config.Destination{{Name: "hook", Target: "slack", SecretParam: "/test/hook"}}}
	n, err := New(doc, WithTarget("hook", hook), WithClock(c), WithState(st), WithSilences(sil), WithLogger(slogTo(logs)))
	if err != nil {
		t.Fatal(err)
	}
	return n, sil, hook
}

// TestSilenceHonouredAndExpires: a silence keeps the service's task failures out of chat as a
// named suppression saying who set it and until when, leaves other services alone, and lapses
// on the processing clock, however old or new the events' own times are.
func TestSilenceHonouredAndExpires(t *testing.T) {
	t0 := time.Date(2026, 8, 30, 15, 0, 0, 0, time.UTC)
	c := clock.NewFake(t0)
	var logs bytes.Buffer
	n, sil, hook := silencedNotifier(t, c, &logs)
	s := newScenario(t, t0.Add(-3*24*time.Hour)) // events three days old: a redrive
	ctx := context.Background()
	if _, err := sil.Add(ctx, silence.Silence{Account: scenarioAccount, Region: scenarioRegion, Cluster: scenarioCluster, Service: "checkout-api",
		Kinds: []alert.Kind{alert.KindTaskStopped, alert.KindCrashLoop}, Until: t0.Add(time.Hour), By: silence.User{ID: "U0ANA", Name: "ana"}}); err != nil {
		t.Fatal(err)
	}

	plan := n.Plan(ctx, sqsRecords(t, s.failure("checkout-api", "ecs-svc/1", 1, 0), s.failure("payments", "ecs-svc/2", 1, time.Second)))
	n.LogSuppressed(plan)
	if len(plan.Suppressed) != 1 || plan.Suppressed[0].Rule != silence.Rule || plan.Suppressed[0].Why != "silenced by @ana until 16:00 UTC" ||
		plan.Suppressed[0].Alert.Identity.Service != "checkout-api" {
		t.Fatalf("suppressed %+v", plan.Suppressed)
	}
	if len(plan.Messages) != 1 || plan.Messages[0].Alert.Identity.Service != "payments" {
		t.Fatalf("messages %+v", plan.Messages)
	}
	if !strings.Contains(logs.String(), `rule=silence`) || !strings.Contains(logs.String(), "silenced by @ana until 16:00 UTC") {
		t.Errorf("the suppression was not logged with its rule:\n%s", logs.String())
	}

	// Silenced failures do not count toward a crash loop either: three more within minutes
	// are three suppressions, no story.
	c.Advance(59 * time.Minute)
	plan = n.Plan(ctx, sqsRecords(t, s.failure("checkout-api", "ecs-svc/1", 2, time.Minute), s.failure("checkout-api", "ecs-svc/1", 3, 2*time.Minute),
		s.failure("checkout-api", "ecs-svc/1", 4, 3*time.Minute)))
	if len(plan.Suppressed) != 3 || len(plan.Messages) != 0 || len(plan.Folded) != 0 {
		t.Fatalf("within the hour: %d suppressed, %d messages, %d folded", len(plan.Suppressed), len(plan.Messages), len(plan.Folded))
	}

	// At 16:00 on the processing clock the silence is over.
	c.Advance(time.Minute)
	plan = n.Plan(ctx, sqsRecords(t, s.failure("checkout-api", "ecs-svc/1", 5, 4*time.Minute)))
	if len(plan.Suppressed) != 0 || len(plan.Messages) != 1 {
		t.Fatalf("after the hour: %d suppressed, %d messages", len(plan.Suppressed), len(plan.Messages))
	}
	if res := n.Deliver(ctx, plan); len(res.Failed) > 0 {
		t.Fatal(res.Failed)
	}
	if len(hook.posts) != 1 || !strings.Contains(hook.posts[0], "checkout-api") {
		t.Errorf("posts %v", hook.posts)
	}
}

// TestSilenceUntilDeploymentCompletes: "until its deployment completes" ends when the pipeline
// sees that deployment complete; another deployment's completion leaves it be.
func TestSilenceUntilDeploymentCompletes(t *testing.T) {
	t0 := time.Date(2026, 8, 30, 15, 0, 0, 0, time.UTC)
	c := clock.NewFake(t0)
	var logs bytes.Buffer
	n, sil, _ := silencedNotifier(t, c, &logs)
	s := newScenario(t, t0)
	ctx := context.Background()
	sil.Add(ctx, silence.Silence{Account: scenarioAccount, Cluster: scenarioCluster, Service: "checkout-api",
		Kinds: []alert.Kind{alert.KindTaskStopped, alert.KindCrashLoop}, Until: t0.Add(24 * time.Hour), Deployment: "ecs-svc/7", By: silence.User{Name: "ana"}})

	plan := n.Plan(ctx, sqsRecords(t, s.failure("checkout-api", "ecs-svc/7", 1, 0), s.deployment("payments", "SERVICE_DEPLOYMENT_COMPLETED", "ecs-svc/7", "", time.Second)))
	if len(plan.Suppressed) < 1 || plan.Suppressed[0].Rule != silence.Rule || !strings.Contains(plan.Suppressed[0].Why, "until deployment ecs-svc/7 completes") {
		t.Fatalf("suppressed %+v", plan.Suppressed)
	}
	if list, _ := sil.Active(ctx); len(list) != 1 {
		t.Fatal("another service's deployment ended the silence")
	}
	c.Advance(10 * time.Minute)
	n.Plan(ctx, sqsRecords(t, s.deployment("checkout-api", "SERVICE_DEPLOYMENT_COMPLETED", "ecs-svc/7", "", 10*time.Minute)))
	if list, _ := sil.Active(ctx); len(list) != 0 {
		t.Fatalf("the deployment completed, yet %+v", list)
	}
	if !strings.Contains(logs.String(), "silence ended") {
		t.Errorf("the end was not logged:\n%s", logs.String())
	}
	plan = n.Plan(ctx, sqsRecords(t, s.failure("checkout-api", "ecs-svc/8", 2, 11*time.Minute)))
	if len(plan.Messages) != 1 {
		t.Errorf("after the deployment: %d messages", len(plan.Messages))
	}
}

func slogTo(w *bytes.Buffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}
