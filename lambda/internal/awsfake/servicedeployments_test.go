package awsfake

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/foghornhq/foghorn/lambda/internal/awsfake/sdkclient"
)

// TestServiceDeploymentsWire: the wire-form samples decode in the real client, with their
// epoch-second timestamps, and the list pages through them.
func TestServiceDeploymentsWire(t *testing.T) {
	f := NewECS()
	defer f.Close()
	dir := filepath.Join("..", "..", "testdata", "aws-derived", "ecs-api")
	for _, name := range []string{"ecs-api-describe-service-deployments-circuit-breaker-rollback-wire.json",
		"ecs-api-describe-service-deployments-alarm-rollback-wire.json", "ecs-api-describe-service-deployments-rollback-failed-wire.json"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := f.AddServiceDeployments(b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	c := sdkclient.ECS(f, func(o *ecs.Options) { o.Region = "us-west-2" })
	ctx := context.Background()
	var arns []string
	var token *string
	for pages := 0; ; pages++ {
		out, err := c.ListServiceDeployments(ctx, &ecs.ListServiceDeploymentsInput{Cluster: aws.String("default"), Service: aws.String("servicetest"), MaxResults: aws.Int32(2), NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range out.ServiceDeployments {
			if d.CreatedAt == nil || d.CreatedAt.Year() != 2020 || d.TargetServiceRevisionArn == nil {
				t.Errorf("brief %+v", d)
			}
			arns = append(arns, aws.ToString(d.ServiceDeploymentArn))
		}
		if token = out.NextToken; token == nil {
			break
		}
		if pages > 3 {
			t.Fatal("the list does not end")
		}
	}
	if len(arns) != 3 {
		t.Fatalf("listed %d deployments, want 3", len(arns))
	}
	out, err := c.ListServiceDeployments(ctx, &ecs.ListServiceDeploymentsInput{Cluster: aws.String("default"), Service: aws.String("servicetest"),
		Status: []ecstypes.ServiceDeploymentStatus{ecstypes.ServiceDeploymentStatusRollbackFailed}})
	if err != nil || len(out.ServiceDeployments) != 1 || out.ServiceDeployments[0].Status != ecstypes.ServiceDeploymentStatusRollbackFailed {
		t.Fatalf("status filter: %+v, %v", out, err)
	}
	desc, err := c.DescribeServiceDeployments(ctx, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: append(arns, arns[0]+"Missing")})
	if err != nil {
		t.Fatal(err)
	}
	if len(desc.ServiceDeployments) != 3 || len(desc.Failures) != 1 || aws.ToString(desc.Failures[0].Reason) != "MISSING" {
		t.Errorf("describe: %d deployments, failures %+v", len(desc.ServiceDeployments), desc.Failures)
	}
	for _, d := range desc.ServiceDeployments {
		if d.DeploymentCircuitBreaker == nil || d.Rollback == nil || d.Rollback.StartedAt == nil || d.Rollback.StartedAt.Year() != 2020 {
			t.Errorf("deployment %s decoded as %+v", aws.ToString(d.ServiceDeploymentArn), d)
		}
	}
	noProblems(t, f)

	// Requests ECS would refuse are answered as ECS does, and recorded.
	if _, err := c.ListServiceDeployments(ctx, &ecs.ListServiceDeploymentsInput{Service: aws.String("servicetest"), MaxResults: aws.Int32(0)}); err == nil {
		t.Error("maxResults 0 accepted")
	}
	if got := len(f.Problems()); got != 1 {
		t.Errorf("%d problems recorded, want 1: %v", got, f.Problems())
	}
}
