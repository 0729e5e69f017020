package event

// The ECS event types newer than the four of 2020: lifecycle hooks of service deployments,
// managed daemons, and container instance health. Their samples are in lambda/testdata/aws
// (sections 10 of SOURCES.md); the names below are the ECS developer guide's.

// Detail types of the newer ECS events.
const (
	DetailTypeHookStateChange             = "ECS Hook State Change"
	DetailTypeDaemonServiceAction         = "ECS Daemon Service Action"
	DetailTypeDaemonDeploymentStateChange = "ECS Daemon Deployment State Change"
	DetailTypeContainerInstanceHealth     = "ECS Container Instance Health Change"
)

// Lifecycle hook event names (detail.eventName of an ECS Hook State Change).
const (
	HookInProgress     = "HOOK_IN_PROGRESS"
	HookAwaitingAction = "HOOK_AWAITING_ACTION"
	HookSucceeded      = "HOOK_SUCCEEDED"
	HookFailed         = "HOOK_FAILED"
	HookTimedOut       = "HOOK_TIMED_OUT"
)

// HookEvents lists the event names of ECS Hook State Change events.
var HookEvents = []string{HookInProgress, HookAwaitingAction, HookSucceeded, HookFailed, HookTimedOut}

// HookStateChange is the detail of an ECS Hook State Change: a lifecycle hook of a service
// deployment (a Lambda function, or a PAUSE that waits for someone to continue or roll back)
// changed state. It carries no reason and no timeout action: DescribeServiceDeployments has
// those.
type HookStateChange struct {
	EventType            string    `json:"eventType"`
	EventName            string    `json:"eventName"`
	HookID               string    `json:"hookId"`
	HookType             string    `json:"hookType,omitempty"` // PAUSE, AWS_LAMBDA
	ExpiresAt            Timestamp `json:"expiresAt,omitempty"`
	LifecycleStage       string    `json:"lifecycleStage,omitempty"`
	ClusterARN           string    `json:"clusterArn"`
	ServiceARN           string    `json:"serviceArn"`
	ServiceDeploymentARN string    `json:"serviceDeploymentArn"`
	UpdatedAt            Timestamp `json:"updatedAt,omitempty"`
}

// Daemon event names. ECS tags DAEMON_TASK_START_IMPAIRED "WARNING" (service actions say "WARN").
const (
	DaemonTaskStartImpaired            = "DAEMON_TASK_START_IMPAIRED"
	DaemonDeploymentPending            = "DAEMON_DEPLOYMENT_PENDING"
	DaemonDeploymentInProgress         = "DAEMON_DEPLOYMENT_IN_PROGRESS"
	DaemonDeploymentSuccessful         = "DAEMON_DEPLOYMENT_SUCCESSFUL"
	DaemonDeploymentStopRequested      = "DAEMON_DEPLOYMENT_STOP_REQUESTED"
	DaemonDeploymentStopped            = "DAEMON_DEPLOYMENT_STOPPED"
	DaemonDeploymentRollbackInProgress = "DAEMON_DEPLOYMENT_ROLLBACK_IN_PROGRESS"
	DaemonDeploymentRollbackSuccessful = "DAEMON_DEPLOYMENT_ROLLBACK_SUCCESSFUL"
	DaemonDeploymentRollbackFailed     = "DAEMON_DEPLOYMENT_ROLLBACK_FAILED"
)

// DaemonServiceActionEvents lists the event names of ECS Daemon Service Action events.
var DaemonServiceActionEvents = []string{DaemonTaskStartImpaired}

// DaemonDeploymentEvents lists the event names of ECS Daemon Deployment State Change events.
var DaemonDeploymentEvents = []string{
	DaemonDeploymentPending, DaemonDeploymentInProgress, DaemonDeploymentSuccessful,
	DaemonDeploymentStopRequested, DaemonDeploymentStopped,
	DaemonDeploymentRollbackInProgress, DaemonDeploymentRollbackSuccessful, DaemonDeploymentRollbackFailed,
}

// DaemonServiceAction is the detail of an ECS Daemon Service Action: a daemon task could not
// start on a container instance. TaskARN is absent when no task was created.
type DaemonServiceAction struct {
	EventType               string    `json:"eventType"`
	EventName               string    `json:"eventName"`
	ClusterARN              string    `json:"clusterArn"`
	ContainerInstanceARN    string    `json:"containerInstanceArn,omitempty"`
	TaskARN                 string    `json:"taskArn,omitempty"`
	DaemonARN               string    `json:"daemonArn"`
	DaemonRevisionARN       string    `json:"daemonRevisionArn,omitempty"`
	DaemonTaskDefinitionARN string    `json:"daemonTaskDefinitionArn,omitempty"`
	CapacityProviderName    string    `json:"capacityProviderName,omitempty"`
	FailureType             string    `json:"failureType,omitempty"` // TASK_FAILED_TO_RUN, TASK_CREATION_FAILED
	CreatedAt               Timestamp `json:"createdAt,omitempty"`
	Reason                  string    `json:"reason,omitempty"`
}

// Daemon task failure types.
const (
	DaemonTaskFailedToRun    = "TASK_FAILED_TO_RUN"
	DaemonTaskCreationFailed = "TASK_CREATION_FAILED"
)

// DaemonDeployment is the detail of an ECS Daemon Deployment State Change.
type DaemonDeployment struct {
	EventType               string    `json:"eventType"`
	EventName               string    `json:"eventName"`
	ClusterARN              string    `json:"clusterArn"`
	DaemonARN               string    `json:"daemonArn"`
	DaemonDeploymentARN     string    `json:"daemonDeploymentArn"`
	TargetDaemonRevisionARN string    `json:"targetDaemonRevisionArn,omitempty"`
	UpdatedAt               Timestamp `json:"updatedAt,omitempty"`
	Reason                  string    `json:"reason,omitempty"` // none documented; read if ECS sends one
}

// Container instance health statuses (overallStatus and each check's status).
const (
	HealthOK               = "OK"
	HealthImpaired         = "IMPAIRED"
	HealthInsufficientData = "INSUFFICIENT_DATA"
	HealthInitializing     = "INITIALIZING"
)

// HealthStatuses lists every container instance health status.
var HealthStatuses = []string{HealthOK, HealthImpaired, HealthInsufficientData, HealthInitializing}

// ContainerInstanceHealth is the detail of an ECS Container Instance Health Change. It has no
// eventType or eventName: overallStatus is what changed.
type ContainerInstanceHealth struct {
	ClusterARN           string        `json:"clusterArn"`
	ContainerInstanceARN string        `json:"containerInstanceArn"`
	CapacityProviderName string        `json:"capacityProviderName,omitempty"` // null for plain EC2
	EC2InstanceID        string        `json:"ec2InstanceId,omitempty"`
	OverallStatus        string        `json:"overallStatus"`
	HealthChecks         []HealthCheck `json:"healthChecks,omitempty"`
}

// HealthCheck is one of a container instance's health checks.
type HealthCheck struct {
	Type             string    `json:"type"` // CONTAINER_RUNTIME, ACCELERATED_COMPUTE, DAEMON, AGENT_CONNECTIVITY
	Status           string    `json:"status"`
	LastStatusChange Timestamp `json:"lastStatusChange,omitempty"`
	LastUpdated      Timestamp `json:"lastUpdated,omitempty"`
	StatusReason     string    `json:"statusReason,omitempty"` // null, or text such as "XID_46"
}
