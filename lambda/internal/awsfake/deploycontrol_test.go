package awsfake

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"

	"github.com/foghornhq/foghorn/lambda/internal/awsfake/sdkclient"
)

const (
	pausedArn  = "arn:aws:ecs:us-west-2:123456789012:service-deployment/my-cluster/my-service/0EYSiB0qap8xf0N76FsbE"
	pausedHook = "ecs-pause-e7tK9G_WRJqNF_EOMjztDXfKenlJuEUVjsNStf4WLKw"
)

func pausedFake(t *testing.T) (*ECS, *ecs.Client) {
	t.Helper()
	f := NewECS()
	t.Cleanup(f.Close)
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "aws-derived", "ecs-api", "ecs-api-describe-service-deployments-paused-wire.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.AddServiceDeployments(b); err != nil {
		t.Fatal(err)
	}
	return f, sdkclient.ECS(f, func(o *ecs.Options) { o.Region = "us-west-2" })
}

func code(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		return api.ErrorCode()
	}
	return ""
}

// TestContinueServiceDeployment: the real client's calls are answered as ECS documents them:
// a hook AWAITING_ACTION is continued once, or rolled back; anything else is refused.
func TestContinueServiceDeployment(t *testing.T) {
	ctx := context.Background()
	f, c := pausedFake(t)
	if _, err := c.ContinueServiceDeployment(ctx, &ecs.ContinueServiceDeploymentInput{ServiceDeploymentArn: aws.String(pausedArn), HookId: aws.String("ecs-pause-other")}); code(err) != "InvalidParameterException" {
		t.Errorf("unknown hook: %v", err)
	}
	out, err := c.ContinueServiceDeployment(ctx, &ecs.ContinueServiceDeploymentInput{ServiceDeploymentArn: aws.String(pausedArn), HookId: aws.String(pausedHook)})
	if err != nil || aws.ToString(out.ServiceDeploymentArn) != pausedArn {
		t.Fatalf("continue: %v", err)
	}
	d, _ := c.DescribeServiceDeployments(ctx, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{pausedArn}})
	if h := d.ServiceDeployments[0].LifecycleHookDetails[0]; h.Status != ecstypes.DeploymentLifecycleHookStatusSucceeded {
		t.Errorf("hook %s after CONTINUE", h.Status)
	}
	if _, err := c.ContinueServiceDeployment(ctx, &ecs.ContinueServiceDeploymentInput{ServiceDeploymentArn: aws.String(pausedArn), HookId: aws.String(pausedHook),
		Action: ecstypes.DeploymentLifecycleHookActionRollback}); code(err) != "ClientException" {
		t.Errorf("a decided hook: %v", err)
	}
	if _, err := c.ContinueServiceDeployment(ctx, &ecs.ContinueServiceDeploymentInput{ServiceDeploymentArn: aws.String(pausedArn + "x"), HookId: aws.String(pausedHook)}); code(err) != "ServiceDeploymentNotFoundException" {
		t.Errorf("unknown deployment: %v", err)
	}
	if p := f.Problems(); len(p) != 0 { // refusals of well-formed calls are ECS's answers, not malformed requests
		t.Errorf("problems %v", p)
	}

	f2, c2 := pausedFake(t)
	if _, err := c2.ContinueServiceDeployment(ctx, &ecs.ContinueServiceDeploymentInput{ServiceDeploymentArn: aws.String(pausedArn), HookId: aws.String(pausedHook),
		Action: ecstypes.DeploymentLifecycleHookActionRollback}); err != nil {
		t.Fatal(err)
	}
	d, _ = c2.DescribeServiceDeployments(ctx, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{pausedArn}})
	if s := d.ServiceDeployments[0].Status; s != ecstypes.ServiceDeploymentStatusRollbackRequested {
		t.Errorf("status %s after ROLLBACK", s)
	}
	f2.FailDeploymentControl(AccessDenied("ecs:ContinueServiceDeployment", pausedArn))
	if _, err := c2.ContinueServiceDeployment(ctx, &ecs.ContinueServiceDeploymentInput{ServiceDeploymentArn: aws.String(pausedArn), HookId: aws.String(pausedHook)}); code(err) != "AccessDeniedException" {
		t.Errorf("scripted denial: %v", err)
	}
}

// TestStopServiceDeployment: only a deployment in progress stops, with stopType ROLLBACK.
func TestStopServiceDeployment(t *testing.T) {
	ctx := context.Background()
	_, c := pausedFake(t)
	if _, err := c.StopServiceDeployment(ctx, &ecs.StopServiceDeploymentInput{ServiceDeploymentArn: aws.String(pausedArn), StopType: ecstypes.StopServiceDeploymentStopTypeAbort}); code(err) != "InvalidParameterException" {
		t.Errorf("ABORT: %v", err)
	}
	if _, err := c.StopServiceDeployment(ctx, &ecs.StopServiceDeploymentInput{ServiceDeploymentArn: aws.String(pausedArn), StopType: ecstypes.StopServiceDeploymentStopTypeRollback}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.StopServiceDeployment(ctx, &ecs.StopServiceDeploymentInput{ServiceDeploymentArn: aws.String(pausedArn), StopType: ecstypes.StopServiceDeploymentStopTypeRollback}); code(err) != "ClientException" {
		t.Errorf("stopping twice: %v", err)
	}
	list, _ := c.ListServiceDeployments(ctx, &ecs.ListServiceDeploymentsInput{Cluster: aws.String("my-cluster"), Service: aws.String("my-service"),
		Status: []ecstypes.ServiceDeploymentStatus{ecstypes.ServiceDeploymentStatusRollbackRequested}})
	if len(list.ServiceDeployments) != 1 {
		t.Errorf("the stopped deployment is not listed as ROLLBACK_REQUESTED: %+v", list.ServiceDeployments)
	}
}
