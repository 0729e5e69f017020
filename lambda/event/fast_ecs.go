package event

// The hand-written readers of the ECS details (see scanner). Each struct's reader lists its
// fields by their JSON names, numbered for the check that each comes once.

// list copies a slice read into a stack array to the heap at its length; an empty one is
// empty but not nil, as Decode makes it.
func list[T any](out []T) []T {
	if len(out) == 0 {
		return []T{}
	}
	return append([]T(nil), out...)
}

var taskFolds = foldSet("attachments", "attributes", "availabilityZone", "capacityProviderName",
	"clusterArn", "connectivity", "connectivityAt", "containerInstanceArn", "containers", "cpu",
	"createdAt", "desiredStatus", "enableExecuteCommand", "executionStoppedAt", "group",
	"healthStatus", "launchType", "lastStatus", "memory", "platformFamily", "platformVersion",
	"pullStartedAt", "pullStoppedAt", "startedAt", "startedBy", "stopCode", "stoppedAt",
	"stoppedReason", "stoppingAt", "taskArn", "taskDefinitionArn", "updatedAt", "version")

func (s *scanner) task(t *Task) {
	if !s.object() {
		return
	}
	var seen uint64
	for first := true; s.more('}', &first); {
		switch k := s.key(); string(k) {
		case "attachments":
			s.seen(&seen, 0)
			t.Attachments = s.attachments()
		case "attributes":
			s.seen(&seen, 1)
			t.Attributes = s.attributes()
		case "availabilityZone":
			s.seen(&seen, 2)
			t.AvailabilityZone = s.str()
		case "capacityProviderName":
			s.seen(&seen, 3)
			t.CapacityProviderName = s.str()
		case "clusterArn":
			s.seen(&seen, 4)
			t.ClusterARN = s.str()
		case "connectivity":
			s.seen(&seen, 5)
			t.Connectivity = s.str()
		case "connectivityAt":
			s.seen(&seen, 6)
			t.ConnectivityAt = s.stamp()
		case "containerInstanceArn":
			s.seen(&seen, 7)
			t.ContainerInstanceARN = s.str()
		case "containers":
			s.seen(&seen, 8)
			t.Containers = s.containers()
		case "cpu":
			s.seen(&seen, 9)
			t.CPU = s.str()
		case "createdAt":
			s.seen(&seen, 10)
			t.CreatedAt = s.stamp()
		case "desiredStatus":
			s.seen(&seen, 11)
			t.DesiredStatus = s.str()
		case "enableExecuteCommand":
			s.seen(&seen, 12)
			t.EnableExecuteCommand = s.bool()
		case "executionStoppedAt":
			s.seen(&seen, 13)
			t.ExecutionStoppedAt = s.stamp()
		case "group":
			s.seen(&seen, 14)
			t.Group = s.str()
		case "healthStatus":
			s.seen(&seen, 15)
			t.HealthStatus = s.str()
		case "launchType":
			s.seen(&seen, 16)
			t.LaunchType = s.str()
		case "lastStatus":
			s.seen(&seen, 17)
			t.LastStatus = s.str()
		case "memory":
			s.seen(&seen, 18)
			t.Memory = s.str()
		case "platformFamily":
			s.seen(&seen, 19)
			t.PlatformFamily = s.str()
		case "platformVersion":
			s.seen(&seen, 20)
			t.PlatformVersion = s.str()
		case "pullStartedAt":
			s.seen(&seen, 21)
			t.PullStartedAt = s.stamp()
		case "pullStoppedAt":
			s.seen(&seen, 22)
			t.PullStoppedAt = s.stamp()
		case "startedAt":
			s.seen(&seen, 23)
			t.StartedAt = s.stamp()
		case "startedBy":
			s.seen(&seen, 24)
			t.StartedBy = s.str()
		case "stopCode":
			s.seen(&seen, 25)
			t.StopCode = s.str()
		case "stoppedAt":
			s.seen(&seen, 26)
			t.StoppedAt = s.stamp()
		case "stoppedReason":
			s.seen(&seen, 27)
			t.StoppedReason = s.str()
		case "stoppingAt":
			s.seen(&seen, 28)
			t.StoppingAt = s.stamp()
		case "taskArn":
			s.seen(&seen, 29)
			t.TaskARN = s.str()
		case "taskDefinitionArn":
			s.seen(&seen, 30)
			t.TaskDefinitionARN = s.str()
		case "updatedAt":
			s.seen(&seen, 31)
			t.UpdatedAt = s.stamp()
		case "version":
			s.seen(&seen, 32)
			t.Version = s.int64()
		default:
			s.unknown(k, taskFolds)
		}
	}
}

var containerFolds = foldSet("containerArn", "name", "image", "imageDigest", "runtimeId", "taskArn",
	"lastStatus", "exitCode", "reason", "healthStatus", "cpu", "memory", "memoryReservation",
	"networkInterfaces", "managedAgents")

func (s *scanner) containers() []Container {
	if !s.array() {
		return nil
	}
	var buf [4]Container
	out := buf[:0]
	for first := true; s.more(']', &first); {
		out = append(out, Container{})
		s.container(&out[len(out)-1])
	}
	return list(out)
}

func (s *scanner) container(c *Container) {
	if !s.object() {
		return
	}
	var seen uint64
	for first := true; s.more('}', &first); {
		switch k := s.key(); string(k) {
		case "containerArn":
			s.seen(&seen, 0)
			c.ContainerARN = s.str()
		case "name":
			s.seen(&seen, 1)
			c.Name = s.str()
		case "image":
			s.seen(&seen, 2)
			c.Image = s.str()
		case "imageDigest":
			s.seen(&seen, 3)
			c.ImageDigest = s.str()
		case "runtimeId":
			s.seen(&seen, 4)
			c.RuntimeID = s.str()
		case "taskArn":
			s.seen(&seen, 5)
			c.TaskARN = s.str()
		case "lastStatus":
			s.seen(&seen, 6)
			c.LastStatus = s.str()
		case "exitCode":
			s.seen(&seen, 7)
			c.ExitCode = s.code()
		case "reason":
			s.seen(&seen, 8)
			c.Reason = s.str()
		case "healthStatus":
			s.seen(&seen, 9)
			c.HealthStatus = s.str()
		case "cpu":
			s.seen(&seen, 10)
			c.CPU = s.str()
		case "memory":
			s.seen(&seen, 11)
			c.Memory = s.str()
		case "memoryReservation":
			s.seen(&seen, 12)
			c.MemoryReservation = s.str()
		case "networkInterfaces":
			s.seen(&seen, 13)
			c.NetworkInterfaces = s.networkInterfaces()
		case "managedAgents":
			s.seen(&seen, 14)
			c.ManagedAgents = s.managedAgents()
		default:
			s.unknown(k, containerFolds)
		}
	}
}

var attachmentFolds = foldSet("id", "type", "status", "details")

func (s *scanner) attachments() []Attachment {
	if !s.array() {
		return nil
	}
	var buf [4]Attachment
	out := buf[:0]
	for first := true; s.more(']', &first); {
		out = append(out, Attachment{})
		s.attachment(&out[len(out)-1])
	}
	return list(out)
}

func (s *scanner) attachment(a *Attachment) {
	if !s.object() {
		return
	}
	var seen uint64
	for first := true; s.more('}', &first); {
		switch k := s.key(); string(k) {
		case "id":
			s.seen(&seen, 0)
			a.ID = s.str()
		case "type":
			s.seen(&seen, 1)
			a.Type = s.str()
		case "status":
			s.seen(&seen, 2)
			a.Status = s.str()
		case "details":
			s.seen(&seen, 3)
			a.Details = s.attributes()
		default:
			s.unknown(k, attachmentFolds)
		}
	}
}

var attributeFolds = foldSet("name", "value")

func (s *scanner) attributes() []Attribute {
	if !s.array() {
		return nil
	}
	var buf [8]Attribute
	out := buf[:0]
	for first := true; s.more(']', &first); {
		out = append(out, Attribute{})
		s.attribute(&out[len(out)-1])
	}
	return list(out)
}

func (s *scanner) attribute(a *Attribute) {
	if !s.object() {
		return
	}
	var seen uint64
	for first := true; s.more('}', &first); {
		switch k := s.key(); string(k) {
		case "name":
			s.seen(&seen, 0)
			a.Name = s.str()
		case "value":
			s.seen(&seen, 1)
			a.Value = s.str()
		default:
			s.unknown(k, attributeFolds)
		}
	}
}

var networkInterfaceFolds = foldSet("attachmentId", "privateIpv4Address", "ipv6Address")

func (s *scanner) networkInterfaces() []NetworkInterface {
	if !s.array() {
		return nil
	}
	var buf [4]NetworkInterface
	out := buf[:0]
	for first := true; s.more(']', &first); {
		out = append(out, NetworkInterface{})
		s.networkInterface(&out[len(out)-1])
	}
	return list(out)
}

func (s *scanner) networkInterface(n *NetworkInterface) {
	if !s.object() {
		return
	}
	var seen uint64
	for first := true; s.more('}', &first); {
		switch k := s.key(); string(k) {
		case "attachmentId":
			s.seen(&seen, 0)
			n.AttachmentID = s.str()
		case "privateIpv4Address":
			s.seen(&seen, 1)
			n.PrivateIPv4Address = s.str()
		case "ipv6Address":
			s.seen(&seen, 2)
			n.IPv6Address = s.str()
		default:
			s.unknown(k, networkInterfaceFolds)
		}
	}
}

var managedAgentFolds = foldSet("name", "lastStatus", "reason")

func (s *scanner) managedAgents() []ManagedAgent {
	if !s.array() {
		return nil
	}
	var buf [4]ManagedAgent
	out := buf[:0]
	for first := true; s.more(']', &first); {
		out = append(out, ManagedAgent{})
		s.managedAgent(&out[len(out)-1])
	}
	return list(out)
}

func (s *scanner) managedAgent(m *ManagedAgent) {
	if !s.object() {
		return
	}
	var seen uint64
	for first := true; s.more('}', &first); {
		switch k := s.key(); string(k) {
		case "name":
			s.seen(&seen, 0)
			m.Name = s.str()
		case "lastStatus":
			s.seen(&seen, 1)
			m.Status = s.str()
		case "reason":
			s.seen(&seen, 2)
			m.Reason = s.str()
		default:
			s.unknown(k, managedAgentFolds)
		}
	}
}
