// Package ecs is the part of Amazon ECS's API the notifier calls (DescribeServices,
// ListServiceDeployments, DescribeServiceDeployments, DescribeTasks, DescribeTaskDefinition),
// with the SDK's names and shapes for the fields it reads, over awsjson: the SDK's ecs package
// costs 5 ms at every cold start.
package ecs

import (
	"context"
	"time"

	"github.com/foghornhq/foghorn/lambda/awsjson"
)

// Options changes one call: Region sends it to another region than the client's.
type Options struct{ Region string }

// Client calls ECS.
type Client struct{ c *awsjson.Client }

// New returns an ECS client.
func New(cfg awsjson.Config) *Client {
	return &Client{awsjson.New(cfg, awsjson.Service{Endpoint: "ecs", EnvID: "ECS", Target: "AmazonEC2ContainerServiceV20141113", JSONVersion: "1.1"})}
}

func (c *Client) call(ctx context.Context, op string, in, out any, optFns []func(*Options)) error {
	var o Options
	for _, f := range optFns {
		f(&o)
	}
	return c.c.Call(ctx, o.Region, op, in, out)
}

// Failure is an item ECS could not describe.
type Failure struct {
	Arn, Reason, Detail *string
}

// DescribeServicesInput names services of a cluster.
type DescribeServicesInput struct {
	Cluster  *string  `json:"cluster,omitempty"`
	Services []string `json:"services"`
}

// DescribeServicesOutput holds the services.
type DescribeServicesOutput struct {
	Services []Service
	Failures []Failure
}

// Service is what is read of a service: its deployments.
type Service struct {
	ServiceName *string
	Deployments []Deployment
}

// Deployment is one of a service's deployments.
type Deployment struct {
	Id, Status, TaskDefinition, RolloutState *string
	CreatedAt                                *time.Time
}

// DescribeServices calls DescribeServices.
func (c *Client) DescribeServices(ctx context.Context, in *DescribeServicesInput, optFns ...func(*Options)) (*DescribeServicesOutput, error) {
	out := new(DescribeServicesOutput)
	return out, c.call(ctx, "DescribeServices", in, out, optFns)
}

// ServiceDeploymentStatus is a service deployment's status.
type ServiceDeploymentStatus string

// The service deployment statuses the notifier asks for or reads.
const (
	ServiceDeploymentStatusPending            ServiceDeploymentStatus = "PENDING"
	ServiceDeploymentStatusSuccessful         ServiceDeploymentStatus = "SUCCESSFUL"
	ServiceDeploymentStatusStopped            ServiceDeploymentStatus = "STOPPED"
	ServiceDeploymentStatusStopRequested      ServiceDeploymentStatus = "STOP_REQUESTED"
	ServiceDeploymentStatusInProgress         ServiceDeploymentStatus = "IN_PROGRESS"
	ServiceDeploymentStatusRollbackRequested  ServiceDeploymentStatus = "ROLLBACK_REQUESTED"
	ServiceDeploymentStatusRollbackInProgress ServiceDeploymentStatus = "ROLLBACK_IN_PROGRESS"
	ServiceDeploymentStatusRollbackSuccessful ServiceDeploymentStatus = "ROLLBACK_SUCCESSFUL"
	ServiceDeploymentStatusRollbackFailed     ServiceDeploymentStatus = "ROLLBACK_FAILED"
)

// ServiceDeploymentRollbackMonitorsStatus is a circuit breaker's or alarms' state.
type ServiceDeploymentRollbackMonitorsStatus string

// Its values.
const (
	ServiceDeploymentRollbackMonitorsStatusTriggered          ServiceDeploymentRollbackMonitorsStatus = "TRIGGERED"
	ServiceDeploymentRollbackMonitorsStatusMonitoring         ServiceDeploymentRollbackMonitorsStatus = "MONITORING"
	ServiceDeploymentRollbackMonitorsStatusMonitoringComplete ServiceDeploymentRollbackMonitorsStatus = "MONITORING_COMPLETE"
	ServiceDeploymentRollbackMonitorsStatusDisabled           ServiceDeploymentRollbackMonitorsStatus = "DISABLED"
)

// DeploymentStrategy is how a deployment shifts traffic.
type DeploymentStrategy string

// The strategies whose steps the post-mortem tells.
const (
	DeploymentStrategyRolling   DeploymentStrategy = "ROLLING"
	DeploymentStrategyBlueGreen DeploymentStrategy = "BLUE_GREEN"
	DeploymentStrategyCanary    DeploymentStrategy = "CANARY"
	DeploymentStrategyLinear    DeploymentStrategy = "LINEAR"
)

// CreatedAt bounds the creation time of the service deployments listed.
type CreatedAt struct {
	After  *time.Time `json:"after,omitempty"`
	Before *time.Time `json:"before,omitempty"`
}

// ListServiceDeploymentsInput asks for a service's deployments.
type ListServiceDeploymentsInput struct {
	Cluster    *string                   `json:"cluster,omitempty"`
	Service    *string                   `json:"service"`
	Status     []ServiceDeploymentStatus `json:"status,omitempty"`
	CreatedAt  *CreatedAt                `json:"createdAt,omitempty"`
	MaxResults *int32                    `json:"maxResults,omitempty"`
	NextToken  *string                   `json:"nextToken,omitempty"`
}

// ListServiceDeploymentsOutput lists them, briefly.
type ListServiceDeploymentsOutput struct {
	ServiceDeployments []ServiceDeploymentBrief
	NextToken          *string
}

// ServiceDeploymentBrief is one listed service deployment.
type ServiceDeploymentBrief struct {
	ServiceDeploymentArn, ServiceArn, ClusterArn, TargetServiceRevisionArn, StatusReason *string
	Status                                                                               ServiceDeploymentStatus
	CreatedAt, StartedAt, FinishedAt                                                     *time.Time
}

// ListServiceDeployments calls ListServiceDeployments.
func (c *Client) ListServiceDeployments(ctx context.Context, in *ListServiceDeploymentsInput, optFns ...func(*Options)) (*ListServiceDeploymentsOutput, error) {
	out := new(ListServiceDeploymentsOutput)
	return out, c.call(ctx, "ListServiceDeployments", in, out, optFns)
}

// DescribeServiceDeploymentsInput names service deployments.
type DescribeServiceDeploymentsInput struct {
	ServiceDeploymentArns []string `json:"serviceDeploymentArns"`
}

// DescribeServiceDeploymentsOutput describes them.
type DescribeServiceDeploymentsOutput struct {
	ServiceDeployments []ServiceDeployment
	Failures           []Failure
}

// ServiceDeployment is what the post-mortem reads of a service deployment.
type ServiceDeployment struct {
	ServiceDeploymentArn, ServiceArn, ClusterArn, StatusReason *string
	Status                                                     ServiceDeploymentStatus
	LifecycleStage                                             string
	CreatedAt, StartedAt, FinishedAt, StoppedAt, UpdatedAt     *time.Time
	TargetServiceRevision                                      *ServiceRevisionSummary
	SourceServiceRevisions                                     []ServiceRevisionSummary
	DeploymentConfiguration                                    *DeploymentConfiguration
	DeploymentCircuitBreaker                                   *ServiceDeploymentCircuitBreaker
	Alarms                                                     *ServiceDeploymentAlarms
	Rollback                                                   *Rollback
	LifecycleHookDetails                                       []DeploymentLifecycleHookDetail
}

// ServiceRevisionSummary is a revision's task counts.
type ServiceRevisionSummary struct {
	Arn                                                    *string
	RequestedTaskCount, RunningTaskCount, PendingTaskCount int32
	RequestedProductionTrafficWeight                       *float64
	RequestedTestTrafficWeight                             *float64
}

// DeploymentConfiguration is the strategy and its steps.
type DeploymentConfiguration struct {
	Strategy            DeploymentStrategy
	BakeTimeInMinutes   *int32
	CanaryConfiguration *CanaryConfiguration
	LinearConfiguration *LinearConfiguration
}

// CanaryConfiguration is a canary's step.
type CanaryConfiguration struct {
	CanaryPercent           *float64
	CanaryBakeTimeInMinutes *int32
}

// LinearConfiguration is a linear deployment's steps.
type LinearConfiguration struct {
	StepPercent           *float64
	StepBakeTimeInMinutes *int32
}

// ServiceDeploymentCircuitBreaker is the circuit breaker's count.
type ServiceDeploymentCircuitBreaker struct {
	Status                  ServiceDeploymentRollbackMonitorsStatus
	FailureCount, Threshold int32
}

// ServiceDeploymentAlarms are the alarms a deployment watched.
type ServiceDeploymentAlarms struct {
	Status                          ServiceDeploymentRollbackMonitorsStatus
	AlarmNames, TriggeredAlarmNames []string
}

// Rollback is where a deployment rolled back to, and why.
type Rollback struct {
	Reason, ServiceRevisionArn *string
	StartedAt                  *time.Time
}

// DeploymentLifecycleHookDetail is a lifecycle hook waiting on a decision.
type DeploymentLifecycleHookDetail struct {
	HookId, TargetArn  *string
	Status, TargetType string
	TimeoutAction      DeploymentLifecycleHookAction
	ExpiresAt          *time.Time
}

// DescribeServiceDeployments calls DescribeServiceDeployments.
func (c *Client) DescribeServiceDeployments(ctx context.Context, in *DescribeServiceDeploymentsInput, optFns ...func(*Options)) (*DescribeServiceDeploymentsOutput, error) {
	out := new(DescribeServiceDeploymentsOutput)
	return out, c.call(ctx, "DescribeServiceDeployments", in, out, optFns)
}

// DescribeTasksInput names tasks of a cluster.
type DescribeTasksInput struct {
	Cluster *string  `json:"cluster,omitempty"`
	Tasks   []string `json:"tasks"`
}

// DescribeTasksOutput describes them.
type DescribeTasksOutput struct {
	Tasks    []Task
	Failures []Failure
}

// Task is what is read of a task.
type Task struct {
	TaskArn, TaskDefinitionArn, ClusterArn, StartedBy, Group, LastStatus *string
}

// DescribeTasks calls DescribeTasks.
func (c *Client) DescribeTasks(ctx context.Context, in *DescribeTasksInput, optFns ...func(*Options)) (*DescribeTasksOutput, error) {
	out := new(DescribeTasksOutput)
	return out, c.call(ctx, "DescribeTasks", in, out, optFns)
}

// DescribeTaskDefinitionInput names a task definition.
type DescribeTaskDefinitionInput struct {
	TaskDefinition *string `json:"taskDefinition"`
}

// DescribeTaskDefinitionOutput describes it.
type DescribeTaskDefinitionOutput struct {
	TaskDefinition *TaskDefinition
}

// TaskDefinition is what is read of a task definition: its containers.
type TaskDefinition struct {
	TaskDefinitionArn    *string
	Family               *string
	Revision             int32
	ContainerDefinitions []ContainerDefinition
}

// ContainerDefinition is a container's name and where its logs go.
type ContainerDefinition struct {
	Name             *string
	Essential        *bool
	LogConfiguration *LogConfiguration
}

// LogConfiguration is a container's log driver and its options.
type LogConfiguration struct {
	LogDriver string
	Options   map[string]string
}

// DescribeTaskDefinition calls DescribeTaskDefinition.
func (c *Client) DescribeTaskDefinition(ctx context.Context, in *DescribeTaskDefinitionInput, optFns ...func(*Options)) (*DescribeTaskDefinitionOutput, error) {
	out := new(DescribeTaskDefinitionOutput)
	return out, c.call(ctx, "DescribeTaskDefinition", in, out, optFns)
}

// DeploymentLifecycleHookAction is what a paused deployment's hook is told to do.
type DeploymentLifecycleHookAction string

// ContinueServiceDeploymentInput answers a lifecycle hook.
type ContinueServiceDeploymentInput struct {
	ServiceDeploymentArn *string                       `json:"serviceDeploymentArn"`
	HookId               *string                       `json:"hookId,omitempty"`
	Action               DeploymentLifecycleHookAction `json:"action,omitempty"`
}

// ContinueServiceDeploymentOutput is ECS's answer.
type ContinueServiceDeploymentOutput struct{ ServiceDeploymentArn *string }

// ContinueServiceDeployment calls ContinueServiceDeployment.
func (c *Client) ContinueServiceDeployment(ctx context.Context, in *ContinueServiceDeploymentInput, optFns ...func(*Options)) (*ContinueServiceDeploymentOutput, error) {
	out := new(ContinueServiceDeploymentOutput)
	return out, c.call(ctx, "ContinueServiceDeployment", in, out, optFns)
}

// StopServiceDeploymentStopType is how a deployment is stopped.
type StopServiceDeploymentStopType string

// The stop types.
const (
	StopServiceDeploymentStopTypeAbort    StopServiceDeploymentStopType = "ABORT"
	StopServiceDeploymentStopTypeRollback StopServiceDeploymentStopType = "ROLLBACK"
)

// StopServiceDeploymentInput stops a service deployment.
type StopServiceDeploymentInput struct {
	ServiceDeploymentArn *string                       `json:"serviceDeploymentArn"`
	StopType             StopServiceDeploymentStopType `json:"stopType,omitempty"`
}

// StopServiceDeploymentOutput is ECS's answer.
type StopServiceDeploymentOutput struct{ ServiceDeploymentArn *string }

// StopServiceDeployment calls StopServiceDeployment.
func (c *Client) StopServiceDeployment(ctx context.Context, in *StopServiceDeploymentInput, optFns ...func(*Options)) (*StopServiceDeploymentOutput, error) {
	out := new(StopServiceDeploymentOutput)
	return out, c.call(ctx, "StopServiceDeployment", in, out, optFns)
}
