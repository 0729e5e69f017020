package event

import "strings"

// CloudTrail is the detail of an "AWS API Call via CloudTrail" event. RequestParameters and
// ResponseElements are typed for the two ECS calls the notifier reads: UpdateService, which
// Application Auto Scaling makes to scale a service, and RunTask, whose failures are the only
// trace of a standalone or scheduled task that never started.
type CloudTrail struct {
	EventVersion       string        `json:"eventVersion,omitempty"`
	UserIdentity       UserIdentity  `json:"userIdentity"`
	EventTime          Timestamp     `json:"eventTime,omitempty"`
	EventSource        string        `json:"eventSource"` // ecs.amazonaws.com
	EventName          string        `json:"eventName"`   // UpdateService
	AWSRegion          string        `json:"awsRegion,omitempty"`
	SourceIPAddress    string        `json:"sourceIPAddress,omitempty"`
	UserAgent          string        `json:"userAgent,omitempty"`
	ErrorCode          string        `json:"errorCode,omitempty"`
	ErrorMessage       string        `json:"errorMessage,omitempty"`
	RequestParameters  CallRequest   `json:"requestParameters"`
	ResponseElements   *CallResponse `json:"responseElements,omitempty"`
	RequestID          string        `json:"requestID,omitempty"`
	EventID            string        `json:"eventID,omitempty"`
	EventType          string        `json:"eventType,omitempty"`
	ReadOnly           bool          `json:"readOnly,omitempty"`
	RecipientAccountID string        `json:"recipientAccountId,omitempty"`
}

// UserIdentity is who made a CloudTrail-recorded call.
type UserIdentity struct {
	Type           string         `json:"type"`
	PrincipalID    string         `json:"principalId,omitempty"`
	ARN            string         `json:"arn,omitempty"`
	AccountID      string         `json:"accountId,omitempty"`
	UserName       string         `json:"userName,omitempty"`
	InvokedBy      string         `json:"invokedBy,omitempty"`
	SessionContext SessionContext `json:"sessionContext,omitempty"`
}

// SessionContext holds the role a session was issued for.
type SessionContext struct {
	SessionIssuer struct {
		Type     string `json:"type,omitempty"`
		ARN      string `json:"arn,omitempty"`
		UserName string `json:"userName,omitempty"`
	} `json:"sessionIssuer,omitempty"`
}

// CallRequest is the requestParameters of ecs:UpdateService and ecs:RunTask.
type CallRequest struct {
	Cluster            string `json:"cluster,omitempty"` // name or ARN
	Service            string `json:"service,omitempty"` // name or ARN
	DesiredCount       *int   `json:"desiredCount,omitempty"`
	TaskDefinition     string `json:"taskDefinition,omitempty"` // family, family:revision or ARN
	ForceNewDeployment bool   `json:"forceNewDeployment,omitempty"`

	// RunTask.
	Count                    int                        `json:"count,omitempty"`
	LaunchType               string                     `json:"launchType,omitempty"`
	CapacityProviderStrategy []CapacityProviderStrategy `json:"capacityProviderStrategy,omitempty"`
	Group                    string                     `json:"group,omitempty"`
	StartedBy                string                     `json:"startedBy,omitempty"` // events-rule/<name> for scheduled tasks
}

// CapacityProviderStrategy is one capacity provider of a RunTask call.
type CapacityProviderStrategy struct {
	CapacityProvider string `json:"capacityProvider"`
	Weight           int    `json:"weight,omitempty"`
	Base             int    `json:"base,omitempty"`
}

// CallResponse is the responseElements of ecs:UpdateService (the service after the call) and of
// ecs:RunTask (the tasks started, and why others were not).
type CallResponse struct {
	Tasks []struct {
		TaskARN string `json:"taskArn,omitempty"`
	} `json:"tasks,omitempty"`
	Failures []Failure `json:"failures,omitempty"`

	Service struct {
		ServiceARN   string `json:"serviceArn,omitempty"`
		ServiceName  string `json:"serviceName,omitempty"`
		ClusterARN   string `json:"clusterArn,omitempty"`
		DesiredCount *int   `json:"desiredCount,omitempty"`
		RunningCount *int   `json:"runningCount,omitempty"`
		PendingCount *int   `json:"pendingCount,omitempty"`
	} `json:"service"`
}

// Failure is one entry of an ECS API call's failures: the resource (a container instance, a
// capacity provider) and why ECS could not use it ("RESOURCE:MEMORY", "AGENT").
type Failure struct {
	ARN    string `json:"arn,omitempty"`
	Reason string `json:"reason,omitempty"`
	Detail string `json:"detail,omitempty"`
}

// ApplicationAutoScalingPrincipal is the service principal Application Auto Scaling calls
// other services as; ECS service scaling uses its service-linked role below.
const (
	ApplicationAutoScalingPrincipal = "application-autoscaling.amazonaws.com"
	ECSScalingServiceLinkedRole     = "AWSServiceRoleForApplicationAutoScaling_ECSService"
)

// ByApplicationAutoScaling reports whether the call was made by Application Auto Scaling:
// invoked by its service principal (ecs.application-autoscaling.amazonaws.com and
// application-autoscaling.amazonaws.com both appear) or made with its service-linked role.
func (c CloudTrail) ByApplicationAutoScaling() bool {
	id := c.UserIdentity
	return strings.HasSuffix(id.InvokedBy, ApplicationAutoScalingPrincipal) ||
		strings.HasSuffix(c.SourceIPAddress, ApplicationAutoScalingPrincipal) ||
		strings.Contains(id.ARN, ECSScalingServiceLinkedRole) ||
		strings.Contains(id.SessionContext.SessionIssuer.ARN, ECSScalingServiceLinkedRole)
}
