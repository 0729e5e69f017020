package eventpattern

// The ECS event names AWS documents, as of the ECS developer guide's "Amazon ECS events"
// pages. Configured names are checked against these lists so a typo fails `pulumi preview`
// instead of silently filtering everything out.
//
// TODO(reconcile): lambda/event will export ServiceActionEvents and DeploymentEvents; once it
// lands, replace these copies with those lists so the rules and the notifier cannot drift.
var (
	// ServiceActionEvents are the eventName values of "ECS Service Action" events.
	ServiceActionEvents = []string{
		// INFO
		"SERVICE_STEADY_STATE",
		"TASKSET_STEADY_STATE",
		"CAPACITY_PROVIDER_STEADY_STATE",
		"SERVICE_DESIRED_COUNT_UPDATED",
		"TASKS_STOPPED",
		// WARN
		"SERVICE_TASK_START_IMPAIRED",
		"SERVICE_DISCOVERY_INSTANCE_UNHEALTHY",
		"VPC_LATTICE_TARGET_UNHEALTHY",
		// ERROR
		"SERVICE_DAEMON_PLACEMENT_CONSTRAINT_VIOLATED",
		"ECS_OPERATION_THROTTLED",
		"SERVICE_DISCOVERY_OPERATION_THROTTLED",
		"SERVICE_TASK_PLACEMENT_FAILURE",
		"SERVICE_TASK_CONFIGURATION_FAILURE",
	}

	// DeploymentEvents are the eventName values of "ECS Deployment State Change" events.
	DeploymentEvents = []string{
		"SERVICE_DEPLOYMENT_IN_PROGRESS",
		"SERVICE_DEPLOYMENT_COMPLETED",
		"SERVICE_DEPLOYMENT_FAILED",
	}

	// steadyStateEvents are the service actions the "steady-state" noise rule suppresses: the
	// notifier drops every service action whose name ends in _STEADY_STATE.
	steadyStateEvents = []string{"SERVICE_STEADY_STATE", "TASKSET_STEADY_STATE", "CAPACITY_PROVIDER_STEADY_STATE"}

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

	detailTaskState         = "ECS Task State Change"
	detailServiceAction     = "ECS Service Action"
	detailDeployment        = "ECS Deployment State Change"
	detailContainerInstance = "ECS Container Instance State Change"
	detailAlarmState        = "CloudWatch Alarm State Change"
	detailAlarmConfig       = "CloudWatch Alarm Configuration Change"
	detailHealth            = "AWS Health Event"
	detailScalingActivity   = "Application Auto Scaling Scaling Activity State Change"
	detailCloudTrailCall    = "AWS API Call via CloudTrail"

	// autoScalingPrincipal is how CloudTrail names Application Auto Scaling when it calls
	// ecs:UpdateService for a scaling policy.
	autoScalingPrincipal = "ecs.application-autoscaling.amazonaws.com"
	// autoScalingRole is the service-linked role it calls through.
	autoScalingRole = "AWSServiceRoleForApplicationAutoScaling_ECSService"
)
