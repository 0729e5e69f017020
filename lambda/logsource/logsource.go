// Package logsource finds the ECS service a log stream belongs to, so that a log pattern is
// told per service and can be tied to the service's deployments.
//
// An explicit mapping (log group, or group prefix, and optional stream prefix → cluster and
// service) is tried first. Otherwise an awslogs stream, named <prefix>/<container>/<task id>
// by the ECS awslogs driver, is looked up through its task: ecs:DescribeTasks in each of the
// configured clusters gives the task's group ("service:checkout-api"), task definition and
// startedBy (the deployment), and the task definition's awslogs settings must name the same
// log group and stream prefix for that container, so a stream is never pinned on the wrong
// service. Answers are cached; lookups run within a short budget, and a stream that cannot be
// placed is told under its log group.
package logsource

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/foghornhq/foghorn/lambda/awsjson/ecs"
)

// Mapping is one explicit log group → service entry (config's logPatterns.services).
type Mapping struct {
	LogGroup     string // a name, or a prefix ending in "*"
	StreamPrefix string
	Cluster      string
	Service      string
}

// ECS is the part of the ECS API a Resolver calls; *ecs.Client satisfies it.
type ECS interface {
	DescribeTasks(ctx context.Context, in *ecs.DescribeTasksInput, optFns ...func(*ecs.Options)) (*ecs.DescribeTasksOutput, error)
	DescribeTaskDefinition(ctx context.Context, in *ecs.DescribeTaskDefinitionInput, optFns ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error)
}

// Source is what is known of the service behind a stream. Zero fields are unknown.
type Source struct {
	Cluster      string
	Service      string
	TaskFamily   string
	TaskRevision int
	TaskID       string
	// StartedBy is the task's startedBy: "ecs-svc/<deployment id>" for service tasks.
	StartedBy string
	// Via says how it was found: "mapping", "task", or "" when it was not.
	Via string
}

// Budget bounds one Resolve's calls to ECS.
const Budget = time.Second

const maxCache = 4096

// Resolver places streams. It is safe for concurrent use.
type Resolver struct {
	mappings []Mapping
	ecs      ECS
	clusters []string

	mu    sync.Mutex
	tasks map[string]Source               // by log group + "\x00" + stream
	defs  map[string]map[string][2]string // task definition → container → {group, prefix}
}

// New returns a Resolver using the explicit mappings and, when api is not nil and clusters
// are given, the tasks of those clusters.
func New(mappings []Mapping, api ECS, clusters []string) *Resolver {
	return &Resolver{mappings: mappings, ecs: api, clusters: clusters, tasks: map[string]Source{}, defs: map[string]map[string][2]string{}}
}

// Resolve places the stream; it never fails, and returns a zero Source when it cannot.
func (r *Resolver) Resolve(ctx context.Context, group, stream string) Source {
	if r == nil {
		return Source{}
	}
	for _, m := range r.mappings {
		if matchGroup(m.LogGroup, group) && strings.HasPrefix(stream, m.StreamPrefix) {
			return Source{Cluster: clusterName(m.Cluster), Service: m.Service, Via: "mapping"}
		}
	}
	if r.ecs == nil || len(r.clusters) == 0 {
		return Source{}
	}
	prefix, container, taskID, ok := splitStream(stream)
	if !ok {
		return Source{}
	}
	key := group + "\x00" + stream
	r.mu.Lock()
	src, known := r.tasks[key]
	r.mu.Unlock()
	if known {
		return src
	}
	ctx, cancel := context.WithTimeout(ctx, Budget)
	defer cancel()
	src, definite := r.lookup(ctx, group, prefix, container, taskID)
	if definite {
		r.mu.Lock()
		if len(r.tasks) >= maxCache {
			r.tasks = map[string]Source{}
		}
		r.tasks[key] = src
		r.mu.Unlock()
	}
	return src
}

// lookup asks each cluster for the task; definite is false when a call failed, so the answer
// is not cached.
func (r *Resolver) lookup(ctx context.Context, group, prefix, container, taskID string) (Source, bool) {
	definite := true
	for _, c := range r.clusters {
		out, err := r.ecs.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(c), Tasks: []string{taskID}})
		if err != nil {
			definite = false
			continue
		}
		for _, t := range out.Tasks {
			family, rev := taskDefinition(aws.ToString(t.TaskDefinitionArn))
			if family == "" {
				continue
			}
			logs, err := r.containers(ctx, aws.ToString(t.TaskDefinitionArn))
			if err != nil {
				return Source{}, false
			}
			if l, ok := logs[container]; !ok || l[0] != group || l[1] != prefix {
				continue // the task's definition does not log there: not this stream's task
			}
			src := Source{Cluster: clusterName(aws.ToString(t.ClusterArn)), TaskFamily: family, TaskRevision: rev, TaskID: taskID,
				StartedBy: aws.ToString(t.StartedBy), Via: "task"}
			if svc, ok := strings.CutPrefix(aws.ToString(t.Group), "service:"); ok {
				src.Service = svc
			}
			return src, true
		}
	}
	return Source{}, definite
}

// containers reads a task definition's awslogs group and stream prefix per container, cached:
// a revision never changes.
func (r *Resolver) containers(ctx context.Context, arn string) (map[string][2]string, error) {
	r.mu.Lock()
	c, ok := r.defs[arn]
	r.mu.Unlock()
	if ok {
		return c, nil
	}
	out, err := r.ecs.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(arn)})
	if err != nil {
		return nil, err
	}
	c = map[string][2]string{}
	if out.TaskDefinition != nil {
		for _, d := range out.TaskDefinition.ContainerDefinitions {
			if lc := d.LogConfiguration; lc != nil && string(lc.LogDriver) == "awslogs" {
				c[aws.ToString(d.Name)] = [2]string{lc.Options["awslogs-group"], lc.Options["awslogs-stream-prefix"]}
			}
		}
	}
	r.mu.Lock()
	if len(r.defs) >= maxCache {
		r.defs = map[string]map[string][2]string{}
	}
	r.defs[arn] = c
	r.mu.Unlock()
	return c, nil
}

// splitStream reads <prefix>/<container>/<task id>; the prefix may itself hold slashes.
func splitStream(stream string) (prefix, container, taskID string, ok bool) {
	i := strings.LastIndexByte(stream, '/')
	if i <= 0 {
		return "", "", "", false
	}
	taskID = stream[i+1:]
	rest := stream[:i]
	j := strings.LastIndexByte(rest, '/')
	if j <= 0 || !taskIDLike(taskID) {
		return "", "", "", false
	}
	return rest[:j], rest[j+1:], taskID, true
}

// taskIDLike: 32 hex digits, or a UUID (older task ids).
func taskIDLike(s string) bool {
	if len(s) != 32 && len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c == '-' && len(s) == 36) {
			return false
		}
	}
	return true
}

func matchGroup(pattern, group string) bool {
	if p, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(group, p)
	}
	return pattern == group
}

// clusterName takes a cluster's name from its ARN.
func clusterName(c string) string {
	if i := strings.LastIndexByte(c, '/'); i >= 0 && strings.HasPrefix(c, "arn:") {
		return c[i+1:]
	}
	return c
}

// taskDefinition reads family and revision from a task definition ARN.
func taskDefinition(arn string) (string, int) {
	_, fr, ok := strings.Cut(arn, ":task-definition/")
	if !ok {
		return "", 0
	}
	family, rev, _ := strings.Cut(fr, ":")
	n, _ := strconv.Atoi(rev)
	return family, n
}
