package event

import (
	"strconv"
	"strings"
)

// ServiceActionEvents lists the event names of ECS Service Action events. TASKS_STOPPED,
// VPC_LATTICE_TARGET_UNHEALTHY and SERVICE_HEALTH_UNKNOWN are newer than the archived developer
// guide; the live guide lists them. ECS also sends SERVICE_DEPLOYMENT_* names as service actions; those are in
// DeploymentEvents.
var ServiceActionEvents = []string{
	"SERVICE_STEADY_STATE",
	"TASKSET_STEADY_STATE",
	"CAPACITY_PROVIDER_STEADY_STATE",
	"SERVICE_DESIRED_COUNT_UPDATED",
	"TASKS_STOPPED",
	"SERVICE_TASK_START_IMPAIRED",
	"SERVICE_DISCOVERY_INSTANCE_UNHEALTHY",
	"VPC_LATTICE_TARGET_UNHEALTHY",
	"SERVICE_DAEMON_PLACEMENT_CONSTRAINT_VIOLATED",
	"ECS_OPERATION_THROTTLED",
	"SERVICE_DISCOVERY_OPERATION_THROTTLED",
	"SERVICE_TASK_PLACEMENT_FAILURE",
	"SERVICE_TASK_CONFIGURATION_FAILURE",
	"SERVICE_HEALTH_UNKNOWN",
}

// Deployment event names.
const (
	DeploymentInProgress = "SERVICE_DEPLOYMENT_IN_PROGRESS"
	DeploymentCompleted  = "SERVICE_DEPLOYMENT_COMPLETED"
	DeploymentFailed     = "SERVICE_DEPLOYMENT_FAILED"
)

// DeploymentEvents lists the event names of ECS Deployment State Change events.
var DeploymentEvents = []string{DeploymentInProgress, DeploymentCompleted, DeploymentFailed}

// Task stop codes (detail.stopCode of a task state change).
const (
	StopCodeTaskFailedToStart         = "TaskFailedToStart"
	StopCodeEssentialContainerExited  = "EssentialContainerExited"
	StopCodeUserInitiated             = "UserInitiated"
	StopCodeServiceSchedulerInitiated = "ServiceSchedulerInitiated"
	StopCodeSpotInterruption          = "SpotInterruption"
	StopCodeTerminationNotice         = "TerminationNotice"
)

// Task is the detail of an ECS Task State Change: the Task object of DescribeTasks, with ISO
// timestamps.
type Task struct {
	Attachments          []Attachment `json:"attachments,omitempty"`
	Attributes           []Attribute  `json:"attributes,omitempty"`
	AvailabilityZone     string       `json:"availabilityZone,omitempty"`
	CapacityProviderName string       `json:"capacityProviderName,omitempty"`
	ClusterARN           string       `json:"clusterArn"`
	Connectivity         string       `json:"connectivity,omitempty"`
	ConnectivityAt       Timestamp    `json:"connectivityAt,omitempty"`
	ContainerInstanceARN string       `json:"containerInstanceArn,omitempty"`
	Containers           []Container  `json:"containers,omitempty"`
	CPU                  string       `json:"cpu,omitempty"`
	CreatedAt            Timestamp    `json:"createdAt,omitempty"`
	DesiredStatus        string       `json:"desiredStatus"`
	EnableExecuteCommand bool         `json:"enableExecuteCommand,omitempty"`
	ExecutionStoppedAt   Timestamp    `json:"executionStoppedAt,omitempty"`
	Group                string       `json:"group,omitempty"`
	HealthStatus         string       `json:"healthStatus,omitempty"`
	LaunchType           string       `json:"launchType,omitempty"`
	LastStatus           string       `json:"lastStatus"`
	Memory               string       `json:"memory,omitempty"`
	PlatformFamily       string       `json:"platformFamily,omitempty"`
	PlatformVersion      string       `json:"platformVersion,omitempty"`
	PullStartedAt        Timestamp    `json:"pullStartedAt,omitempty"`
	PullStoppedAt        Timestamp    `json:"pullStoppedAt,omitempty"`
	StartedAt            Timestamp    `json:"startedAt,omitempty"`
	StartedBy            string       `json:"startedBy,omitempty"`
	StopCode             string       `json:"stopCode,omitempty"`
	StoppedAt            Timestamp    `json:"stoppedAt,omitempty"`
	StoppedReason        string       `json:"stoppedReason,omitempty"`
	StoppingAt           Timestamp    `json:"stoppingAt,omitempty"`
	TaskARN              string       `json:"taskArn"`
	TaskDefinitionARN    string       `json:"taskDefinitionArn"`
	UpdatedAt            Timestamp    `json:"updatedAt,omitempty"`
	Version              int64        `json:"version,omitempty"`
}

// Container is one container of a task.
type Container struct {
	ContainerARN      string             `json:"containerArn,omitempty"`
	Name              string             `json:"name"`
	Image             string             `json:"image,omitempty"`
	ImageDigest       string             `json:"imageDigest,omitempty"`
	RuntimeID         string             `json:"runtimeId,omitempty"`
	TaskARN           string             `json:"taskArn,omitempty"`
	LastStatus        string             `json:"lastStatus,omitempty"`
	ExitCode          Code               `json:"exitCode"` // not Known when the container never ran or still runs
	Reason            string             `json:"reason,omitempty"`
	HealthStatus      string             `json:"healthStatus,omitempty"`
	CPU               string             `json:"cpu,omitempty"`
	Memory            string             `json:"memory,omitempty"`
	MemoryReservation string             `json:"memoryReservation,omitempty"`
	NetworkInterfaces []NetworkInterface `json:"networkInterfaces,omitempty"`
	ManagedAgents     []ManagedAgent     `json:"managedAgents,omitempty"`
}

// Attachment is an elastic network interface or other resource attached to a task.
type Attachment struct {
	ID      string      `json:"id"`
	Type    string      `json:"type"`
	Status  string      `json:"status"`
	Details []Attribute `json:"details,omitempty"`
}

// Attribute is a name/value pair (task attributes, attachment details).
type Attribute struct {
	Name  string `json:"name"`
	Value string `json:"value,omitempty"`
}

// NetworkInterface is a container's network interface.
type NetworkInterface struct {
	AttachmentID       string `json:"attachmentId,omitempty"`
	PrivateIPv4Address string `json:"privateIpv4Address,omitempty"`
	IPv6Address        string `json:"ipv6Address,omitempty"`
}

// ManagedAgent is an agent ECS runs beside a container (ExecuteCommandAgent).
type ManagedAgent struct {
	Name   string `json:"name"`
	Status string `json:"lastStatus,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// ServiceAction is the detail of an ECS Service Action. The service is named by the event's
// resources; newer events may also carry it as serviceName (created services) or service
// (updated services).
type ServiceAction struct {
	EventType             string    `json:"eventType"`
	EventName             string    `json:"eventName"`
	ClusterARN            string    `json:"clusterArn"`
	CapacityProviderARNs  []string  `json:"capacityProviderArns,omitempty"`
	ContainerInstanceARNs []string  `json:"containerInstanceArns,omitempty"` // placement failures on EC2
	Reason                string    `json:"reason,omitempty"`
	ServiceName           string    `json:"serviceName,omitempty"`
	Service               string    `json:"service,omitempty"`
	CreatedAt             Timestamp `json:"createdAt,omitempty"`
}

// Deployment is the detail of an ECS Deployment State Change.
type Deployment struct {
	EventType    string    `json:"eventType"`
	EventName    string    `json:"eventName"`
	DeploymentID string    `json:"deploymentId"`
	UpdatedAt    Timestamp `json:"updatedAt,omitempty"`
	Reason       string    `json:"reason,omitempty"`
}

// ContainerInstance is the detail of an ECS Container Instance State Change: the
// ContainerInstance object of DescribeContainerInstances.
type ContainerInstance struct {
	// AgentConnected is a pointer because a missing value is unknown, not disconnected.
	AgentConnected       *bool        `json:"agentConnected,omitempty"`
	AgentUpdateStatus    string       `json:"agentUpdateStatus,omitempty"`
	Attachments          []Attachment `json:"attachments,omitempty"`
	Attributes           []Attribute  `json:"attributes,omitempty"`
	ClusterARN           string       `json:"clusterArn"`
	ContainerInstanceARN string       `json:"containerInstanceArn"`
	EC2InstanceID        string       `json:"ec2InstanceId,omitempty"`
	PendingTasksCount    *int         `json:"pendingTasksCount,omitempty"`
	RunningTasksCount    *int         `json:"runningTasksCount,omitempty"`
	RegisteredResources  []Resource   `json:"registeredResources,omitempty"`
	RemainingResources   []Resource   `json:"remainingResources,omitempty"`
	Status               string       `json:"status"`
	StatusReason         string       `json:"statusReason,omitempty"`
	Version              int64        `json:"version,omitempty"`
	VersionInfo          VersionInfo  `json:"versionInfo,omitempty"`
	UpdatedAt            Timestamp    `json:"updatedAt,omitempty"`
}

// Resource is a container instance resource (CPU, MEMORY, PORTS, …).
type Resource struct {
	Name           string   `json:"name"`
	Type           string   `json:"type"`
	IntegerValue   int64    `json:"integerValue,omitempty"`
	LongValue      int64    `json:"longValue,omitempty"`
	DoubleValue    float64  `json:"doubleValue,omitempty"`
	StringSetValue []string `json:"stringSetValue,omitempty"`
}

// VersionInfo is the container agent and Docker version of a container instance.
type VersionInfo struct {
	AgentHash     string `json:"agentHash,omitempty"`
	AgentVersion  string `json:"agentVersion,omitempty"`
	DockerVersion string `json:"dockerVersion,omitempty"`
}

// Code is a container's exit code as ECS reports it. It decodes tolerantly, and without a
// second pass over the container: a number or a numeric string is Known, anything else (or
// nothing) is not. A plain *int would be allocated before a type mismatch is found and so turn
// an unreadable exit code into 0, which reads as success.
type Code struct {
	N     int
	Known bool
}

// UnmarshalJSON implements json.Unmarshaler.
func (c *Code) UnmarshalJSON(b []byte) error {
	raw := strings.Trim(strings.TrimSpace(string(b)), `"`)
	if n, err := strconv.Atoi(raw); err == nil {
		*c = Code{N: n, Known: true}
	} else {
		*c = Code{}
	}
	return nil
}

// MarshalJSON writes the code as a number, or null when unknown.
func (c Code) MarshalJSON() ([]byte, error) {
	if !c.Known {
		return []byte("null"), nil
	}
	return strconv.AppendInt(nil, int64(c.N), 10), nil
}

// Ptr returns the code, or nil when unknown: the alert model's form.
func (c Code) Ptr() *int {
	if !c.Known {
		return nil
	}
	n := c.N
	return &n
}
