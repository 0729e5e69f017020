package awsfake

import (
	"encoding/json"
	"net/http"
	"strings"
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
	if err := json.Unmarshal(req.body, &in); err != nil {
		f.problem("DescribeTasks: %v", err)
		writeFault(w, Fault{Type: "SerializationException", Message: err.Error()})
		return
	}
	if len(in.Tasks) == 0 || len(in.Tasks) > 100 {
		f.problem("DescribeTasks with %d tasks (ECS takes 1 to 100)", len(in.Tasks))
		writeFault(w, Fault{Type: "InvalidParameterException", Message: "Tasks cannot be empty."})
		return
	}
	cluster := in.Cluster
	if i := strings.LastIndex(cluster, "/"); i >= 0 {
		cluster = cluster[i+1:]
	}
	if cluster == "" {
		cluster = "default"
	}
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
	type failure struct {
		Arn    string `json:"arn"`
		Reason string `json:"reason"`
	}
	out := struct {
		Tasks    []task    `json:"tasks"`
		Failures []failure `json:"failures"`
	}{Tasks: []task{}, Failures: []failure{}}
	for _, id := range in.Tasks {
		if i := strings.LastIndex(id, "/"); i >= 0 {
			id = id[i+1:]
		}
		t, ok := f.tasks[cluster+"/"+id]
		region, account := firstOf(t.Region, "us-east-1"), firstOf(t.Account, "123456789012")
		base := "arn:aws:ecs:" + region + ":" + account + ":"
		if !ok {
			out.Failures = append(out.Failures, failure{Arn: base + "task/" + cluster + "/" + id, Reason: "MISSING"})
			continue
		}
		out.Tasks = append(out.Tasks, task{TaskArn: base + "task/" + cluster + "/" + id, ClusterArn: base + "cluster/" + cluster,
			TaskDefinitionArn: base + "task-definition/" + t.TaskDefinition, Group: t.Group, StartedBy: t.StartedBy, LastStatus: firstOf(t.LastStatus, "RUNNING")})
	}
	writeJSON(w, out)
}
