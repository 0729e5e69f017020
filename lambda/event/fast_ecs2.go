package event

// The hand-written readers of the ECS details other than the task's (see scanner).

var serviceActionFolds = foldSet("eventType", "eventName", "clusterArn", "capacityProviderArns",
	"containerInstanceArns", "reason", "serviceName", "service", "createdAt")

func (s *scanner) serviceAction(d *ServiceAction) {
	if !s.object() {
		return
	}
	var seen uint64
	for first := true; s.more('}', &first); {
		switch k := s.key(); string(k) {
		case "eventType":
			s.seen(&seen, 0)
			d.EventType = s.str()
		case "eventName":
			s.seen(&seen, 1)
			d.EventName = s.str()
		case "clusterArn":
			s.seen(&seen, 2)
			d.ClusterARN = s.str()
		case "capacityProviderArns":
			s.seen(&seen, 3)
			d.CapacityProviderARNs = s.strs()
		case "containerInstanceArns":
			s.seen(&seen, 4)
			d.ContainerInstanceARNs = s.strs()
		case "reason":
			s.seen(&seen, 5)
			d.Reason = s.str()
		case "serviceName":
			s.seen(&seen, 6)
			d.ServiceName = s.str()
		case "service":
			s.seen(&seen, 7)
			d.Service = s.str()
		case "createdAt":
			s.seen(&seen, 8)
			d.CreatedAt = s.stamp()
		default:
			s.unknown(k, serviceActionFolds)
		}
	}
}

var deploymentFolds = foldSet("eventType", "eventName", "deploymentId", "updatedAt", "reason")

func (s *scanner) deployment(d *Deployment) {
	if !s.object() {
		return
	}
	var seen uint64
	for first := true; s.more('}', &first); {
		switch k := s.key(); string(k) {
		case "eventType":
			s.seen(&seen, 0)
			d.EventType = s.str()
		case "eventName":
			s.seen(&seen, 1)
			d.EventName = s.str()
		case "deploymentId":
			s.seen(&seen, 2)
			d.DeploymentID = s.str()
		case "updatedAt":
			s.seen(&seen, 3)
			d.UpdatedAt = s.stamp()
		case "reason":
			s.seen(&seen, 4)
			d.Reason = s.str()
		default:
			s.unknown(k, deploymentFolds)
		}
	}
}

var hookFolds = foldSet("eventType", "eventName", "hookId", "hookType", "expiresAt",
	"lifecycleStage", "clusterArn", "serviceArn", "serviceDeploymentArn", "updatedAt")

func (s *scanner) hook(d *HookStateChange) {
	if !s.object() {
		return
	}
	var seen uint64
	for first := true; s.more('}', &first); {
		switch k := s.key(); string(k) {
		case "eventType":
			s.seen(&seen, 0)
			d.EventType = s.str()
		case "eventName":
			s.seen(&seen, 1)
			d.EventName = s.str()
		case "hookId":
			s.seen(&seen, 2)
			d.HookID = s.str()
		case "hookType":
			s.seen(&seen, 3)
			d.HookType = s.str()
		case "expiresAt":
			s.seen(&seen, 4)
			d.ExpiresAt = s.stamp()
		case "lifecycleStage":
			s.seen(&seen, 5)
			d.LifecycleStage = s.str()
		case "clusterArn":
			s.seen(&seen, 6)
			d.ClusterARN = s.str()
		case "serviceArn":
			s.seen(&seen, 7)
			d.ServiceARN = s.str()
		case "serviceDeploymentArn":
			s.seen(&seen, 8)
			d.ServiceDeploymentARN = s.str()
		case "updatedAt":
			s.seen(&seen, 9)
			d.UpdatedAt = s.stamp()
		default:
			s.unknown(k, hookFolds)
		}
	}
}

var daemonActionFolds = foldSet("eventType", "eventName", "clusterArn", "containerInstanceArn",
	"taskArn", "daemonArn", "daemonRevisionArn", "daemonTaskDefinitionArn",
	"capacityProviderName", "failureType", "createdAt", "reason")

func (s *scanner) daemonAction(d *DaemonServiceAction) {
	if !s.object() {
		return
	}
	var seen uint64
	for first := true; s.more('}', &first); {
		switch k := s.key(); string(k) {
		case "eventType":
			s.seen(&seen, 0)
			d.EventType = s.str()
		case "eventName":
			s.seen(&seen, 1)
			d.EventName = s.str()
		case "clusterArn":
			s.seen(&seen, 2)
			d.ClusterARN = s.str()
		case "containerInstanceArn":
			s.seen(&seen, 3)
			d.ContainerInstanceARN = s.str()
		case "taskArn":
			s.seen(&seen, 4)
			d.TaskARN = s.str()
		case "daemonArn":
			s.seen(&seen, 5)
			d.DaemonARN = s.str()
		case "daemonRevisionArn":
			s.seen(&seen, 6)
			d.DaemonRevisionARN = s.str()
		case "daemonTaskDefinitionArn":
			s.seen(&seen, 7)
			d.DaemonTaskDefinitionARN = s.str()
		case "capacityProviderName":
			s.seen(&seen, 8)
			d.CapacityProviderName = s.str()
		case "failureType":
			s.seen(&seen, 9)
			d.FailureType = s.str()
		case "createdAt":
			s.seen(&seen, 10)
			d.CreatedAt = s.stamp()
		case "reason":
			s.seen(&seen, 11)
			d.Reason = s.str()
		default:
			s.unknown(k, daemonActionFolds)
		}
	}
}

var daemonDeploymentFolds = foldSet("eventType", "eventName", "clusterArn", "daemonArn",
	"daemonDeploymentArn", "targetDaemonRevisionArn", "updatedAt", "reason")

func (s *scanner) daemonDeployment(d *DaemonDeployment) {
	if !s.object() {
		return
	}
	var seen uint64
	for first := true; s.more('}', &first); {
		switch k := s.key(); string(k) {
		case "eventType":
			s.seen(&seen, 0)
			d.EventType = s.str()
		case "eventName":
			s.seen(&seen, 1)
			d.EventName = s.str()
		case "clusterArn":
			s.seen(&seen, 2)
			d.ClusterARN = s.str()
		case "daemonArn":
			s.seen(&seen, 3)
			d.DaemonARN = s.str()
		case "daemonDeploymentArn":
			s.seen(&seen, 4)
			d.DaemonDeploymentARN = s.str()
		case "targetDaemonRevisionArn":
			s.seen(&seen, 5)
			d.TargetDaemonRevisionARN = s.str()
		case "updatedAt":
			s.seen(&seen, 6)
			d.UpdatedAt = s.stamp()
		case "reason":
			s.seen(&seen, 7)
			d.Reason = s.str()
		default:
			s.unknown(k, daemonDeploymentFolds)
		}
	}
}

var instanceHealthFolds = foldSet("clusterArn", "containerInstanceArn", "capacityProviderName",
	"ec2InstanceId", "overallStatus", "healthChecks")

func (s *scanner) instanceHealth(d *ContainerInstanceHealth) {
	if !s.object() {
		return
	}
	var seen uint64
	for first := true; s.more('}', &first); {
		switch k := s.key(); string(k) {
		case "clusterArn":
			s.seen(&seen, 0)
			d.ClusterARN = s.str()
		case "containerInstanceArn":
			s.seen(&seen, 1)
			d.ContainerInstanceARN = s.str()
		case "capacityProviderName":
			s.seen(&seen, 2)
			d.CapacityProviderName = s.str()
		case "ec2InstanceId":
			s.seen(&seen, 3)
			d.EC2InstanceID = s.str()
		case "overallStatus":
			s.seen(&seen, 4)
			d.OverallStatus = s.str()
		case "healthChecks":
			s.seen(&seen, 5)
			d.HealthChecks = s.healthChecks()
		default:
			s.unknown(k, instanceHealthFolds)
		}
	}
}

var healthCheckFolds = foldSet("type", "status", "lastStatusChange", "lastUpdated", "statusReason")

func (s *scanner) healthChecks() []HealthCheck {
	if !s.array() {
		return nil
	}
	var buf [4]HealthCheck
	out := buf[:0]
	for first := true; s.more(']', &first); {
		out = append(out, HealthCheck{})
		s.healthCheck(&out[len(out)-1])
	}
	return list(out)
}

func (s *scanner) healthCheck(c *HealthCheck) {
	if !s.object() {
		return
	}
	var seen uint64
	for first := true; s.more('}', &first); {
		switch k := s.key(); string(k) {
		case "type":
			s.seen(&seen, 0)
			c.Type = s.str()
		case "status":
			s.seen(&seen, 1)
			c.Status = s.str()
		case "lastStatusChange":
			s.seen(&seen, 2)
			c.LastStatusChange = s.stamp()
		case "lastUpdated":
			s.seen(&seen, 3)
			c.LastUpdated = s.stamp()
		case "statusReason":
			s.seen(&seen, 4)
			c.StatusReason = s.str()
		default:
			s.unknown(k, healthCheckFolds)
		}
	}
}

var containerInstanceFolds = foldSet("agentConnected", "agentUpdateStatus", "attachments",
	"attributes", "clusterArn", "containerInstanceArn", "ec2InstanceId", "pendingTasksCount",
	"runningTasksCount", "registeredResources", "remainingResources", "status", "statusReason",
	"version", "versionInfo", "updatedAt")

func (s *scanner) containerInstance(d *ContainerInstance) {
	if !s.object() {
		return
	}
	var seen uint64
	for first := true; s.more('}', &first); {
		switch k := s.key(); string(k) {
		case "agentConnected":
			s.seen(&seen, 0)
			d.AgentConnected = s.boolPtr()
		case "agentUpdateStatus":
			s.seen(&seen, 1)
			d.AgentUpdateStatus = s.str()
		case "attachments":
			s.seen(&seen, 2)
			d.Attachments = s.attachments()
		case "attributes":
			s.seen(&seen, 3)
			d.Attributes = s.attributes()
		case "clusterArn":
			s.seen(&seen, 4)
			d.ClusterARN = s.str()
		case "containerInstanceArn":
			s.seen(&seen, 5)
			d.ContainerInstanceARN = s.str()
		case "ec2InstanceId":
			s.seen(&seen, 6)
			d.EC2InstanceID = s.str()
		case "pendingTasksCount":
			s.seen(&seen, 7)
			d.PendingTasksCount = s.intPtr()
		case "runningTasksCount":
			s.seen(&seen, 8)
			d.RunningTasksCount = s.intPtr()
		case "registeredResources":
			s.seen(&seen, 9)
			d.RegisteredResources = s.resources()
		case "remainingResources":
			s.seen(&seen, 10)
			d.RemainingResources = s.resources()
		case "status":
			s.seen(&seen, 11)
			d.Status = s.str()
		case "statusReason":
			s.seen(&seen, 12)
			d.StatusReason = s.str()
		case "version":
			s.seen(&seen, 13)
			d.Version = s.int64()
		case "versionInfo":
			s.seen(&seen, 14)
			s.versionInfo(&d.VersionInfo)
		case "updatedAt":
			s.seen(&seen, 15)
			d.UpdatedAt = s.stamp()
		default:
			s.unknown(k, containerInstanceFolds)
		}
	}
}

var resourceFolds = foldSet("name", "type", "integerValue", "longValue", "doubleValue", "stringSetValue")

func (s *scanner) resources() []Resource {
	if !s.array() {
		return nil
	}
	var buf [6]Resource
	out := buf[:0]
	for first := true; s.more(']', &first); {
		out = append(out, Resource{})
		s.resource(&out[len(out)-1])
	}
	return list(out)
}

func (s *scanner) resource(r *Resource) {
	if !s.object() {
		return
	}
	var seen uint64
	for first := true; s.more('}', &first); {
		switch k := s.key(); string(k) {
		case "name":
			s.seen(&seen, 0)
			r.Name = s.str()
		case "type":
			s.seen(&seen, 1)
			r.Type = s.str()
		case "integerValue":
			s.seen(&seen, 2)
			r.IntegerValue = s.int64()
		case "longValue":
			s.seen(&seen, 3)
			r.LongValue = s.int64()
		case "doubleValue":
			s.seen(&seen, 4)
			r.DoubleValue = s.float()
		case "stringSetValue":
			s.seen(&seen, 5)
			r.StringSetValue = s.strs()
		default:
			s.unknown(k, resourceFolds)
		}
	}
}

var versionInfoFolds = foldSet("agentHash", "agentVersion", "dockerVersion")

func (s *scanner) versionInfo(v *VersionInfo) {
	if !s.object() {
		return
	}
	var seen uint64
	for first := true; s.more('}', &first); {
		switch k := s.key(); string(k) {
		case "agentHash":
			s.seen(&seen, 0)
			v.AgentHash = s.str()
		case "agentVersion":
			s.seen(&seen, 1)
			v.AgentVersion = s.str()
		case "dockerVersion":
			s.seen(&seen, 2)
			v.DockerVersion = s.str()
		default:
			s.unknown(k, versionInfoFolds)
		}
	}
}
