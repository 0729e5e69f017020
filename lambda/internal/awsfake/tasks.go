package awsfake

import (
	"net/http"
)

// Task is what DescribeTasks says of a task.
type Task struct {
	Cluster        string // name
	ID             string // the task id (the last part of its ARN)
	Group          string // "service:checkout-api"
	TaskDefinition string // family:revision
	StartedBy      string // "ecs-svc/…"
	LastStatus     string // default RUNNING
	Region         string // default us-east-1
	Account        string // default 123456789012
}

// SetTask answers DescribeTasks for the task.
func (f *ECS) SetTask(t Task) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.tasks == nil {
		f.tasks = map[string]Task{}
	}
	f.tasks[t.Cluster+"/"+t.ID] = t
}

// describeTasks answers as ECS does: known tasks, and unknown ones as failures with reason
// MISSING. ECS takes 1 to 100 tasks per call.
func (f *ECS) describeTasks(w http.ResponseWriter, req request) {
	var in struct {
		Cluster string   `json:"cluster"`
		Tasks   []string `json:"tasks"`
	}
	if !f.decode(w, req, &in) || !f.count(w, req.op, "tasks", len(in.Tasks), 100, "Tasks cannot be empty.") {
		return
	}
	cluster := clusterName(in.Cluster)
	f.mu.Lock()
	defer f.mu.Unlock()
	type task struct {
		TaskArn           string `json:"taskArn"`
		ClusterArn        string `json:"clusterArn"`
		TaskDefinitionArn string `json:"taskDefinitionArn"`
		Group             string `json:"group,omitempty"`
		StartedBy         string `json:"startedBy,omitempty"`
		LastStatus        string `json:"lastStatus"`
	}
	out := struct {
		Tasks    []task       `json:"tasks"`
		Failures []ecsFailure `json:"failures"`
	}{Tasks: []task{}, Failures: []ecsFailure{}}
	for _, id := range in.Tasks {
		id = lastSegment(id)
		t, ok := f.tasks[cluster+"/"+id]
		arn := ecsARN(t.Region, t.Account)
		if !ok {
			out.Failures = append(out.Failures, missing(arn("task", cluster, id)))
			continue
		}
		out.Tasks = append(out.Tasks, task{TaskArn: arn("task", cluster, id), ClusterArn: arn("cluster", cluster),
			TaskDefinitionArn: arn("task-definition", t.TaskDefinition), Group: t.Group, StartedBy: t.StartedBy, LastStatus: firstOf(t.LastStatus, "RUNNING")})
	}
	writeJSON(w, out)
}
