package logsource

import (
	"context"
	"testing"

	"github.com/foghornhq/foghorn/lambda/internal/awsfake"
)

const taskID = "0123456789abcdef0123456789abcdef"

func TestResolve(t *testing.T) {
	fake := awsfake.NewECS()
	defer fake.Close()
	fake.AddShipped() // checkout-api:42 logs app to /ecs/checkout-api with prefix ecs
	fake.SetTask(awsfake.Task{Cluster: "prod", ID: taskID, Group: "service:checkout-api", TaskDefinition: "checkout-api:42", StartedBy: "ecs-svc/4718350946203817256"})
	r := New([]Mapping{
		{LogGroup: "/legacy/*", Service: "legacy-cron", Cluster: "arn:aws:ecs:us-east-1:123456789012:cluster/batch"},
		{LogGroup: "/ecs/reports", StreamPrefix: "worker/", Service: "report-worker"},
	}, fake.Client(), []string{"staging", "prod"})
	ctx := context.Background()
	for _, tc := range []struct {
		group, stream string
		want          Source
	}{
		{"/legacy/cron", "anything", Source{Cluster: "batch", Service: "legacy-cron", Via: "mapping"}},
		{"/ecs/reports", "worker/w/1", Source{Service: "report-worker", Via: "mapping"}},
		{"/ecs/reports", "other/w/1", Source{}},
		{"/ecs/checkout-api", "ecs/app/" + taskID, Source{Cluster: "prod", Service: "checkout-api", TaskFamily: "checkout-api", TaskRevision: 42, TaskID: taskID, StartedBy: "ecs-svc/4718350946203817256", Via: "task"}},
		// The task exists, but its definition logs the app container elsewhere: not this stream.
		{"/ecs/other", "ecs/app/" + taskID, Source{}},
		{"/ecs/checkout-api", "ecs/log-router/" + taskID, Source{}},
		{"/ecs/checkout-api", "ecs/app/ffffffffffffffffffffffffffffffff", Source{}},
		{"/ecs/checkout-api", "not-an-awslogs-stream", Source{}},
	} {
		if got := r.Resolve(ctx, tc.group, tc.stream); got != tc.want {
			t.Errorf("Resolve(%s, %s) = %+v, want %+v", tc.group, tc.stream, got, tc.want)
		}
	}
	calls := fake.Calls()
	r.Resolve(ctx, "/ecs/checkout-api", "ecs/app/"+taskID)
	if fake.Calls() != calls {
		t.Error("a placed stream was looked up again")
	}
	for _, p := range fake.Problems() {
		t.Error(p)
	}
}

func TestResolveWithoutECS(t *testing.T) {
	r := New(nil, nil, nil)
	if got := r.Resolve(context.Background(), "/ecs/checkout-api", "ecs/app/"+taskID); got != (Source{}) {
		t.Errorf("got %+v", got)
	}
	var none *Resolver
	if got := none.Resolve(context.Background(), "g", "s"); got != (Source{}) {
		t.Errorf("nil resolver: %+v", got)
	}
}
