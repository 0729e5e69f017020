package event

import "strings"

// CloudTrail is the detail of an "AWS API Call via CloudTrail" event. RequestParameters and
// ResponseElements are typed for ecs:UpdateService, the call Application Auto Scaling makes to
// scale a service.
type CloudTrail struct {
	EventVersion       string                 `json:"eventVersion,omitempty"`
	UserIdentity       UserIdentity           `json:"userIdentity"`
	EventTime          Timestamp              `json:"eventTime,omitempty"`
	EventSource        string                 `json:"eventSource"` // ecs.amazonaws.com
	EventName          string                 `json:"eventName"`   // UpdateService
	AWSRegion          string                 `json:"awsRegion,omitempty"`
	SourceIPAddress    string                 `json:"sourceIPAddress,omitempty"`
	UserAgent          string                 `json:"userAgent,omitempty"`
	ErrorCode          string                 `json:"errorCode,omitempty"`
	ErrorMessage       string                 `json:"errorMessage,omitempty"`
	RequestParameters  UpdateServiceRequest   `json:"requestParameters"`
	ResponseElements   *UpdateServiceResponse `json:"responseElements,omitempty"`
	RequestID          string                 `json:"requestID,omitempty"`
	EventID            string                 `json:"eventID,omitempty"`
	EventType          string                 `json:"eventType,omitempty"`
	ReadOnly           bool                   `json:"readOnly,omitempty"`
	RecipientAccountID string                 `json:"recipientAccountId,omitempty"`
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

// UpdateServiceRequest is the requestParameters of ecs:UpdateService.
type UpdateServiceRequest struct {
	Cluster            string `json:"cluster,omitempty"` // name or ARN
	Service            string `json:"service,omitempty"` // name or ARN
	DesiredCount       *int   `json:"desiredCount,omitempty"`
	TaskDefinition     string `json:"taskDefinition,omitempty"`
	ForceNewDeployment bool   `json:"forceNewDeployment,omitempty"`
}

// UpdateServiceResponse is the responseElements of ecs:UpdateService: the service after the call.
type UpdateServiceResponse struct {
	Service struct {
		ServiceARN   string `json:"serviceArn,omitempty"`
		ServiceName  string `json:"serviceName,omitempty"`
		ClusterARN   string `json:"clusterArn,omitempty"`
		DesiredCount *int   `json:"desiredCount,omitempty"`
		RunningCount *int   `json:"runningCount,omitempty"`
		PendingCount *int   `json:"pendingCount,omitempty"`
	} `json:"service"`
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
