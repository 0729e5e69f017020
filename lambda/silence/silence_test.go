package silence_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/clock"
	"github.com/foghornhq/foghorn/lambda/internal/dynamofake"
	"github.com/foghornhq/foghorn/lambda/silence"
	"github.com/foghornhq/foghorn/lambda/state"
)

var t0 = time.Date(2026, 8, 30, 15, 0, 0, 0, time.UTC)

var kinds = []alert.Kind{alert.KindTaskStopped, alert.KindCrashLoop}

func newStore(t *testing.T) (*silence.Store, *clock.Fake, state.Store) {
	c := clock.NewFake(t0)
	st := state.NewMemory(c)
	return silence.New(st, c), c, st
}

func failure(service string, kind alert.Kind, sev alert.Severity) *alert.Alert {
	return &alert.Alert{Kind: kind, Severity: sev, Identity: alert.Identity{Account: "111122223333", Region: "eu-west-1", Cluster: "prod", Service: service}}
}

func TestCovers(t *testing.T) {
	s := silence.Silence{Account: "111122223333", Region: "eu-west-1", Cluster: "prod", Service: "checkout-api", Kinds: kinds, Until: t0.Add(time.Hour), By: silence.User{Name: "ana"}}
	cases := []struct {
		name string
		a    *alert.Alert
		at   time.Time
		want bool
	}{
		{"task failure", failure("checkout-api", alert.KindTaskStopped, alert.Critical), t0, true},
		{"crash loop", failure("checkout-api", alert.KindCrashLoop, alert.Critical), t0.Add(59 * time.Minute), true},
		{"at its end", failure("checkout-api", alert.KindTaskStopped, alert.Critical), t0.Add(time.Hour), false},
		{"recovery", failure("checkout-api", alert.KindCrashLoop, alert.Resolved), t0, false},
		{"another service", failure("payments", alert.KindTaskStopped, alert.Critical), t0, false},
		{"another kind", failure("checkout-api", alert.KindDeployment, alert.Critical), t0, false},
		{"same names, another account", func() *alert.Alert {
			a := failure("checkout-api", alert.KindTaskStopped, alert.Critical)
			a.Identity.Account = "999988887777"
			return a
		}(), t0, false},
	}
	for _, c := range cases {
		if got := s.Covers(c.a, c.at); got != c.want {
			t.Errorf("%s: %v", c.name, got)
		}
	}
	if got := s.Why(t0); got != "silenced by @ana until 16:00 UTC" {
		t.Errorf("Why = %q", got)
	}
	s.Deployment, s.Until = "ecs-svc/42", t0.Add(24*time.Hour)
	if got := s.Why(t0); got != "silenced by @ana until deployment ecs-svc/42 completes (Aug 31 15:00 UTC at the latest)" {
		t.Errorf("Why = %q", got)
	}
}

func TestAddLiftExpire(t *testing.T) {
	ctx := context.Background()
	s, c, _ := newStore(t)
	one, err := s.Add(ctx, silence.Silence{Cluster: "prod", Service: "checkout-api", Kinds: kinds, Until: t0.Add(time.Hour), By: silence.User{Name: "ana"}})
	if err != nil || one.ID == "" || !one.Created.Equal(t0) {
		t.Fatalf("%+v %v", one, err)
	}
	// The same scope again replaces it: 4 hours, not two silences.
	four, _ := s.Add(ctx, silence.Silence{Cluster: "prod", Service: "checkout-api", Kinds: []alert.Kind{alert.KindCrashLoop, alert.KindTaskStopped}, Until: t0.Add(4 * time.Hour), By: silence.User{Name: "bob"}})
	other, _ := s.Add(ctx, silence.Silence{Cluster: "prod", Service: "payments", Kinds: kinds, Until: t0.Add(2 * time.Hour), By: silence.User{Name: "ana"}})
	list, _ := s.Active(ctx)
	if len(list) != 2 || list[0].ID != other.ID || list[1].ID != four.ID {
		t.Fatalf("active %+v", list)
	}
	c.Advance(2 * time.Hour) // payments' silence lapses on the clock
	if list, _ := s.Active(ctx); len(list) != 1 || list[0].ID != four.ID {
		t.Fatalf("after two hours %+v", list)
	}
	if _, err := s.Lift(ctx, other.ID); !errors.Is(err, silence.ErrNotFound) {
		t.Errorf("lifting a lapsed silence: %v", err)
	}
	if got, err := s.Lift(ctx, four.ID); err != nil || got.By.Name != "bob" {
		t.Errorf("lift: %+v %v", got, err)
	}
	if list, _ := s.Active(ctx); len(list) != 0 {
		t.Errorf("after lifting %+v", list)
	}
	for _, bad := range []silence.Silence{
		{Service: "x", Kinds: kinds, Until: c.Now().Add(time.Hour)},
		{Cluster: "prod", Service: "x", Kinds: kinds, Until: c.Now()},
		{Cluster: "prod", Service: "x", Kinds: kinds, Until: c.Now().Add(8 * 24 * time.Hour)},
	} {
		if _, err := s.Add(ctx, bad); err == nil {
			t.Errorf("Add(%+v) took it", bad)
		}
	}
}

func TestEndDeployment(t *testing.T) {
	ctx := context.Background()
	s, _, _ := newStore(t)
	id := alert.Identity{Account: "111122223333", Cluster: "prod", Service: "checkout-api"}
	dep, _ := s.Add(ctx, silence.Silence{Account: id.Account, Cluster: "prod", Service: "checkout-api", Kinds: kinds, Until: t0.Add(24 * time.Hour), Deployment: "ecs-svc/1"})
	timed, _ := s.Add(ctx, silence.Silence{Cluster: "prod", Service: "payments", Kinds: kinds, Until: t0.Add(time.Hour)})
	if ended, err := s.EndDeployment(ctx, id, "ecs-svc/2"); err != nil || len(ended) != 0 {
		t.Errorf("another deployment ended %v %v", ended, err)
	}
	ended, err := s.EndDeployment(ctx, id, "ecs-svc/1")
	if err != nil || len(ended) != 1 || ended[0].ID != dep.ID {
		t.Fatalf("ended %v %v", ended, err)
	}
	if list, _ := s.Active(ctx); len(list) != 1 || list[0].ID != timed.ID {
		t.Errorf("active %+v", list)
	}
}

// TestBounded: the list holds at most Max silences; the next is refused until one ends.
func TestBounded(t *testing.T) {
	ctx := context.Background()
	s, _, _ := newStore(t)
	for i := range silence.Max {
		if _, err := s.Add(ctx, silence.Silence{Cluster: "prod", Service: fmt.Sprintf("svc-%d", i), Kinds: kinds, Until: t0.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Add(ctx, silence.Silence{Cluster: "prod", Service: "one-too-many", Kinds: kinds, Until: t0.Add(time.Hour)}); !errors.Is(err, silence.ErrFull) {
		t.Fatalf("past Max: %v", err)
	}
	// Replacing one in place is still allowed.
	if _, err := s.Add(ctx, silence.Silence{Cluster: "prod", Service: "svc-0", Kinds: kinds, Until: t0.Add(2 * time.Hour)}); err != nil {
		t.Errorf("replacing at Max: %v", err)
	}
}

// TestConcurrentAdds: silences set at once on the DynamoDB table, through its conditional
// writes, are all kept.
func TestConcurrentAdds(t *testing.T) {
	srv := dynamofake.Start(dynamofake.Options{Table: "t"})
	defer srv.Close()
	c := clock.NewFake(t0)
	s := silence.New(state.NewDynamo(srv.Client(), "t", c), c)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.Add(context.Background(), silence.Silence{Cluster: "prod", Service: fmt.Sprintf("svc-%d", i), Kinds: kinds, Until: t0.Add(time.Hour)})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if list, _ := s.Active(context.Background()); len(list) != 4 {
		t.Errorf("%d silences kept of 4", len(list))
	}
	conflicts := 0
	for _, r := range srv.Requests() {
		if r.Error == "ConditionalCheckFailedException" {
			conflicts++
		}
	}
	t.Logf("%d conflicts resolved by re-reading", conflicts)
}
