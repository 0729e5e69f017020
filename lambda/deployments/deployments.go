// Package deployments asks ECS which task definition each of a service's deployments runs
// (ecs:DescribeServices), so a failed deployment's story can say it rolls back from
// checkout-api:42 to checkout-api:41. It implements story.Revisions.
package deployments

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/foghornhq/foghorn/lambda/awsjson/ecs"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/story"
)

// DescribeServicesAPI is the one ECS call made; *ecs.Client satisfies it.
type DescribeServicesAPI interface {
	DescribeServices(ctx context.Context, in *ecs.DescribeServicesInput, opts ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error)
}

// Lookup answers story.Revisions from ECS.
type Lookup struct {
	API DescribeServicesAPI
	// Timeout bounds the call: the rollback message goes out without revisions rather than late.
	Timeout time.Duration
}

// DefaultTimeout is Lookup's bound when Timeout is zero.
const DefaultTimeout = time.Second

// Deployments implements story.Revisions.
func (l Lookup) Deployments(ctx context.Context, id alert.Identity) ([]story.Deployment, error) {
	if id.Cluster == "" || id.Service == "" {
		return nil, fmt.Errorf("deployments: no cluster or service to describe")
	}
	timeout := l.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var opts []func(*ecs.Options)
	if id.Region != "" {
		// The service may live in another region than the function's client was made for.
		opts = append(opts, func(o *ecs.Options) { o.Region = id.Region })
	}
	out, err := l.API.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(id.Cluster), Services: []string{id.Service}}, opts...)
	if err != nil {
		return nil, fmt.Errorf("deployments: describe %s/%s: %w", id.Cluster, id.Service, err)
	}
	if len(out.Services) == 0 {
		return nil, fmt.Errorf("deployments: ECS does not know service %s/%s", id.Cluster, id.Service)
	}
	var deps []story.Deployment
	for _, d := range out.Services[0].Deployments {
		deps = append(deps, story.Deployment{ID: aws.ToString(d.Id), Status: aws.ToString(d.Status), TaskDefinition: family(aws.ToString(d.TaskDefinition))})
	}
	return deps, nil
}

// family turns a task definition ARN into "family:revision".
func family(arn string) string {
	if _, after, ok := strings.Cut(arn, ":task-definition/"); ok {
		return after
	}
	return arn
}
