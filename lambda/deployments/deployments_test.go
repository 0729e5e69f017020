package deployments

import (
	"context"
	"testing"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/internal/awsfake"
)

func TestDeployments(t *testing.T) {
	fake := awsfake.NewECS()
	defer fake.Close()
	fake.SetService(awsfake.Service{Cluster: "prod", Name: "checkout-api", Deployments: []awsfake.Deployment{
		{ID: "ecs-svc/9204318811052734410", Status: "PRIMARY", TaskDefinition: "checkout-api:41", RolloutState: "IN_PROGRESS"},
		{ID: "ecs-svc/4718350946203817256", Status: "ACTIVE", TaskDefinition: "checkout-api:42", RolloutState: "FAILED"},
	}})
	l := Lookup{API: fake.Client()}
	tests := []struct {
		name    string
		id      alert.Identity
		want    string // first deployment's task definition
		wantErr bool
	}{
		{name: "known service", id: alert.Identity{Region: "us-east-1", Cluster: "prod", Service: "checkout-api"}, want: "checkout-api:41"},
		{name: "unknown service", id: alert.Identity{Region: "us-east-1", Cluster: "prod", Service: "nope"}, wantErr: true},
		{name: "no service", id: alert.Identity{Region: "us-east-1", Cluster: "prod"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			deps, err := l.Deployments(context.Background(), tt.id)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v", err)
			}
			if tt.wantErr {
				return
			}
			if len(deps) != 2 || deps[0].TaskDefinition != tt.want || deps[0].Status != "PRIMARY" || deps[1].ID != "ecs-svc/4718350946203817256" {
				t.Errorf("deployments = %+v", deps)
			}
		})
	}
	if p := fake.Problems(); len(p) > 0 {
		t.Errorf("requests ECS would refuse: %v", p)
	}
}
