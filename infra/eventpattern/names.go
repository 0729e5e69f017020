package eventpattern

import "github.com/foghornhq/foghorn/lambda/event"

// The ECS event names, from the notifier's own lists so the rules and the notifier cannot
// drift. Configured names are checked against them, so a typo fails `pulumi preview` instead
// of silently filtering everything out.
var (
	// ServiceActionEvents are the eventName values of "ECS Service Action" events. ECS also
	// sends the SERVICE_DEPLOYMENT_* names as service actions, so those are accepted too.
	ServiceActionEvents = append(append([]string(nil), event.ServiceActionEvents...), event.DeploymentEvents...)

	// DeploymentEvents are the eventName values of "ECS Deployment State Change" events.
	DeploymentEvents = event.DeploymentEvents

	// steadyStateEvents are the service actions the "steady-state" noise rule suppresses: the
	// notifier drops every service action whose name ends in _STEADY_STATE.
	steadyStateEvents = []string{"SERVICE_STEADY_STATE", "TASKSET_STEADY_STATE", "CAPACITY_PROVIDER_STEADY_STATE"}

	// storyEndEvents are the service actions the rule delivers whatever the noise policy and the
	// allow-list say: a crash-loop story ends when its service is steady again, so the notifier
	// must see SERVICE_STEADY_STATE even when the steady-state rule keeps its message out of
	// chat. The other steady states (task sets, capacity providers) end no story and stay out.
	storyEndEvents = []string{"SERVICE_STEADY_STATE"}

	// storyDeploymentEvents are the deployment state changes the rule delivers whatever the
	// noise policy and the allow-list say: a deployment seen in progress is what a crash loop
	// of its tasks is blamed on, and its completion ends the story (a rollback's completion
	// says "rolled back; steady again"). When the deployment-in-progress or
	// deployment-completed rule is on, the notifier keeps their own messages out of chat.
	storyDeploymentEvents = []string{"SERVICE_DEPLOYMENT_IN_PROGRESS", "SERVICE_DEPLOYMENT_COMPLETED"}

	// scalingServiceEvents are the service actions that tell of ordinary scaling, which the
	// "scaling" noise rule suppresses.
	scalingServiceEvents = []string{"SERVICE_DESIRED_COUNT_UPDATED"}
)

// Detail types and sources the rules match.
const (
	sourceECS         = "aws.ecs"
	sourceCloudWatch  = "aws.cloudwatch"
	sourceHealth      = "aws.health"
	sourceAutoScaling = "aws.application-autoscaling"

	detailTaskState           = "ECS Task State Change"
	detailServiceAction       = "ECS Service Action"
	detailDeployment          = "ECS Deployment State Change"
	detailContainerInstance   = "ECS Container Instance State Change"
	detailAlarmState          = "CloudWatch Alarm State Change"
	detailAlarmConfig         = "CloudWatch Alarm Configuration Change"
	detailHealth              = "AWS Health Event"
	detailScalingActivity     = "Application Auto Scaling Scaling Activity State Change"
	detailCloudTrailCall      = "AWS API Call via CloudTrail"
	detailAlarmContributor    = "CloudWatch Alarm Contributor State Change"
	detailHook                = "ECS Hook State Change"
	detailDaemonServiceAction = "ECS Daemon Service Action"
	detailDaemonDeployment    = "ECS Daemon Deployment State Change"
	detailInstanceHealth      = "ECS Container Instance Health Change"

	// targetTrackingDescription starts the description Application Auto Scaling gives the
	// alarms of a target tracking policy.
	targetTrackingDescription = "DO NOT EDIT OR DELETE. For TargetTrackingScaling policy"

	// autoScalingRole is the service-linked role Application Auto Scaling calls
	// ecs:UpdateService through.
	autoScalingRole = "AWSServiceRoleForApplicationAutoScaling_ECSService"
)

// autoScalingPrincipals are the names CloudTrail gives Application Auto Scaling in invokedBy
// and sourceIPAddress; both spellings are seen.
var autoScalingPrincipals = []string{"application-autoscaling.amazonaws.com", "ecs.application-autoscaling.amazonaws.com"}
