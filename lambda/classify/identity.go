package classify

import (
	"strconv"
	"strings"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/console"
	"github.com/foghornhq/foghorn/lambda/event"
)

// applyARN fills what an ARN names into id without overwriting what is already known: the
// partition, region and account, and for ECS the cluster, service, task, task definition,
// container instance (both the old task/<id> form and the newer task/<cluster>/<id>), service
// deployment and daemon, for CloudWatch the alarm.
func applyARN(id *alert.Identity, s string) {
	a, ok := event.ParseARN(s)
	if !ok {
		return
	}
	setIfEmpty(&id.Partition, a.Partition)
	// The check is a regular expression: made only while the region is still unknown.
	if id.Region == "" && event.ValidRegion(a.Region) {
		id.Region = a.Region
	}
	setIfEmpty(&id.Account, a.Account)
	var buf [4]string
	path := a.AppendResourcePath(buf[:0])
	last := ""
	if len(path) > 0 {
		last = path[len(path)-1]
	}
	switch a.Service {
	case "ecs":
		switch a.ResourceType() {
		case "cluster":
			setIfEmpty(&id.Cluster, last)
		case "service":
			if len(path) == 2 {
				setIfEmpty(&id.Cluster, path[0])
			}
			setIfEmpty(&id.Service, last)
		case "task":
			if len(path) == 2 {
				setIfEmpty(&id.Cluster, path[0])
			}
			setIfEmpty(&id.TaskID, last)
		case "task-definition":
			family, rev, _ := strings.Cut(last, ":")
			setIfEmpty(&id.TaskFamily, family)
			if n, err := strconv.Atoi(rev); err == nil && id.TaskRevision == 0 {
				id.TaskRevision = n
			}
		case "container-instance":
			if len(path) == 2 {
				setIfEmpty(&id.Cluster, path[0])
			}
			setIfEmpty(&id.ContainerInstance, last)
		case "service-deployment", "service-revision", "task-set":
			// <type>/<cluster>/<service>/<id>
			if len(path) == 3 {
				setIfEmpty(&id.Cluster, path[0])
				setIfEmpty(&id.Service, path[1])
				if a.ResourceType() == "service-deployment" {
					setIfEmpty(&id.ServiceDeployment, s)
				}
			}
		case "daemon", "daemon-deployment", "daemon-revision":
			// daemon/<cluster>/<name>, daemon-deployment/<cluster>/<name>/<id>
			if len(path) >= 2 {
				setIfEmpty(&id.Cluster, path[0])
				setIfEmpty(&id.Daemon, path[1])
			}
		}
	case "cloudwatch":
		if a.ResourceType() == "alarm" && len(path) == 1 {
			setIfEmpty(&id.AlarmName, path[0])
			setIfEmpty(&id.AlarmARN, s)
		}
	}
}

func setIfEmpty(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}

// nameOf returns the name that ends an ARN's resource path (a cluster, service or capacity
// provider), or s itself when it is no ARN: ECS parameters such as UpdateService's cluster and
// service take either.
func nameOf(s string) string {
	if a, ok := event.ParseARN(s); ok {
		var buf [4]string
		if p := a.AppendResourcePath(buf[:0]); len(p) > 0 {
			return p[len(p)-1]
		}
	}
	return s
}

// serviceFromGroup reads a task group of the form "service:<name>".
func serviceFromGroup(group string) string {
	if name, ok := strings.CutPrefix(group, "service:"); ok {
		return name
	}
	return ""
}

// serviceFromResourceID reads an Application Auto Scaling resource id of an ECS service,
// "service/<cluster>/<service>".
func serviceFromResourceID(id string) (cluster, service string, ok bool) {
	parts := strings.Split(id, "/")
	if len(parts) == 3 && parts[0] == "service" && parts[1] != "" && parts[2] != "" {
		return parts[1], parts[2], true
	}
	return "", "", false
}

// ecsLinks returns console links for the service and task an identity names.
func ecsLinks(id alert.Identity) []alert.Link {
	n := 0 // the list is made at its size
	for _, s := range [...]string{id.Service, id.TaskID} {
		if s != "" {
			n++
		}
	}
	if n == 0 && id.Cluster != "" {
		n = 1
	}
	if n == 0 {
		return nil
	}
	links := make([]alert.Link, 0, n)
	if id.Service != "" {
		links = append(links, link("Service", console.Service(id.Partition, id.Region, id.Cluster, id.Service)))
	}
	if id.TaskID != "" {
		links = append(links, link("Task", console.Task(id.Partition, id.Region, id.Cluster, id.TaskID)))
	}
	if id.Service == "" && id.TaskID == "" && id.Cluster != "" {
		links = append(links, link("Cluster", console.Cluster(id.Partition, id.Region, id.Cluster)))
	}
	return links
}

// fillPartition sets the partition from the region when no ARN gave it, so console links can
// be built.
func fillPartition(id *alert.Identity) {
	if id.Partition == "" {
		id.Partition = event.PartitionOfRegion(id.Region)
	}
}

// shortID shortens a task or container instance id for prose; the full id is in the identity.
func shortID(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}
