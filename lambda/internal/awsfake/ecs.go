package awsfake

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

//go:embed taskdefs/*.json
var shipped embed.FS

// TaskDefinitions returns the shipped task definitions, as DescribeTaskDefinition returns
// them, by "family:revision":
//
//	checkout-api:42   app (awslogs, group /ecs/checkout-api, prefix ecs) and log-router
//	report-worker:7   worker logs with awsfirelens; its log_router with awslogs
//	legacy-cron:3     an EC2 task with no log configuration
//	billing-sync:12   awslogs to /billing/sync in us-west-2, prefix billing
func TaskDefinitions() map[string][]byte {
	entries, err := shipped.ReadDir("taskdefs")
	if err != nil {
		panic(err)
	}
	out := map[string][]byte{}
	for _, e := range entries {
		b, err := shipped.ReadFile(path.Join("taskdefs", e.Name()))
		if err != nil {
			panic(err)
		}
		td, err := parseTaskDefinition(b)
		if err != nil {
			panic("awsfake: shipped " + e.Name() + ": " + err.Error())
		}
		out[td.key()] = b
	}
	return out
}

// ECSRequest is one DescribeTaskDefinition call as the fake received it.
type ECSRequest struct {
	TaskDefinition string
	Include        []string
	Region         string // from the SigV4 credential scope
}

// ECS is a fake Amazon ECS endpoint answering DescribeTaskDefinition, DescribeServices,
// ListServiceDeployments and DescribeServiceDeployments.
type ECS struct {
	endpoint
	defs   map[string]json.RawMessage // by family:revision
	latest map[string]int             // family → highest revision
	faults map[string]Fault           // by family:revision; "" for every request
	reqs   []ECSRequest
	// services answers DescribeServices, by "cluster/service".
	services map[string]Service
	// deployments answer ListServiceDeployments and DescribeServiceDeployments
	// (servicedeployments.go).
	deployments      []serviceDeployment
	deploymentsFault Fault
	deploymentReqs   []ServiceDeploymentRequest
	// tasks answers DescribeTasks, by "cluster/task id".
	tasks map[string]Task
	// controlFault answers ContinueServiceDeployment and StopServiceDeployment
	// (deploycontrol.go).
	controlFault Fault
}

// Service is what DescribeServices says of a service: its deployments.
type Service struct {
	Cluster, Name string
	Region        string // default us-east-1
	Account       string // default 123456789012
	Deployments   []Deployment
}

// Deployment is one of a service's deployments.
type Deployment struct {
	ID             string // ecs-svc/…
	Status         string // PRIMARY, ACTIVE, INACTIVE
	TaskDefinition string // family:revision
	RolloutState   string // IN_PROGRESS, COMPLETED, FAILED
}

// SetService answers DescribeServices for the service with these deployments.
func (f *ECS) SetService(s Service) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.services == nil {
		f.services = map[string]Service{}
	}
	f.services[s.Cluster+"/"+s.Name] = s
}

// NewECS starts a fake ECS endpoint holding no task definitions. Close it when done.
func NewECS() *ECS {
	f := &ECS{
		endpoint: endpoint{service: "AmazonEC2ContainerServiceV20141113", signingName: "ecs"},
		defs:     map[string]json.RawMessage{},
		latest:   map[string]int{},
		faults:   map[string]Fault{},
	}
	f.start(f.serve)
	return f
}

// Client returns an ECS client for the fake, in Region, signed with Credentials.
func (f *ECS) Client(optFns ...func(*ecs.Options)) *ecs.Client {
	return ecs.New(ecs.Options{
		Region:       Region,
		BaseEndpoint: aws.String(f.URL()),
		Credentials:  Credentials,
		HTTPClient:   f.HTTPClient(),
	}, optFns...)
}

// Add registers a task definition (the taskDefinition object of a DescribeTaskDefinition
// answer, or of `aws ecs describe-task-definition`).
func (f *ECS) Add(taskDefinition []byte) error {
	td, err := parseTaskDefinition(taskDefinition)
	if err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.defs[td.key()] = json.RawMessage(taskDefinition)
	if td.Revision > f.latest[td.Family] {
		f.latest[td.Family] = td.Revision
	}
	return nil
}

// AddShipped registers every task definition of TaskDefinitions.
func (f *ECS) AddShipped() {
	for _, b := range TaskDefinitions() {
		if err := f.Add(b); err != nil {
			panic(err)
		}
	}
}

// Fail makes requests for taskDefinition ("family:revision") answer fault; "" means every
// request. A zero Fault clears it.
func (f *ECS) Fail(taskDefinition string, fault Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if fault == (Fault{}) {
		delete(f.faults, taskDefinition)
		return
	}
	f.faults[taskDefinition] = fault
}

// Requests returns the well-formed DescribeTaskDefinition requests received, in order.
func (f *ECS) Requests() []ECSRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]ECSRequest(nil), f.reqs...)
}

func (f *ECS) serve(w http.ResponseWriter, r *http.Request) {
	req, ok := f.accept(w, r)
	if !ok {
		return
	}
	if req.op == "DescribeServices" {
		f.describeServices(w, req)
		return
	}
	if f.serveServiceDeployments(w, req) || f.serveDeploymentControl(w, req) {
		return
	}
	if req.op == "DescribeTasks" {
		f.describeTasks(w, req)
		return
	}
	if req.op != "DescribeTaskDefinition" {
		f.problem("%s: the fake answers only DescribeTaskDefinition, DescribeServices, DescribeTasks, the service deployments API, ContinueServiceDeployment and StopServiceDeployment", req.op)
		writeFault(w, Fault{Type: "UnknownOperationException"})
		return
	}
	var in struct {
		TaskDefinition *string  `json:"taskDefinition"`
		Include        []string `json:"include"`
	}
	if err := json.Unmarshal(req.body, &in); err != nil {
		f.problem("DescribeTaskDefinition: %v", err)
		writeFault(w, Fault{Type: "SerializationException", Message: err.Error()})
		return
	}
	if in.TaskDefinition == nil || *in.TaskDefinition == "" {
		f.problem("DescribeTaskDefinition without taskDefinition")
		writeFault(w, Fault{Type: "InvalidParameterException", Message: "Task Definition can not be blank."})
		return
	}
	for _, inc := range in.Include {
		if inc != "TAGS" {
			f.problem("DescribeTaskDefinition: include %q is not TAGS", inc)
			writeFault(w, Fault{Type: "InvalidParameterException", Message: "Unrecognized include value: " + inc})
			return
		}
	}

	f.mu.Lock()
	f.reqs = append(f.reqs, ECSRequest{TaskDefinition: *in.TaskDefinition, Include: in.Include, Region: req.region})
	key := f.resolve(*in.TaskDefinition)
	fault, faulty := f.faults[key]
	if !faulty {
		fault, faulty = f.faults[""]
	}
	def, found := f.defs[key]
	f.mu.Unlock()

	switch {
	case faulty:
		writeFault(w, fault)
	case !found:
		// What ECS says for a family or revision it does not know.
		writeFault(w, Fault{Type: "ClientException", Message: "Unable to describe task definition."})
	default:
		out := map[string]any{"taskDefinition": def}
		if len(in.Include) > 0 {
			out["tags"] = []any{}
		}
		writeJSON(w, out)
	}
}

// resolve turns "family", "family:revision" or a task definition ARN into family:revision.
// Callers hold f.mu.
func (f *ECS) resolve(s string) string {
	if strings.HasPrefix(s, "arn:") {
		_, s, _ = strings.Cut(s, ":task-definition/")
	}
	family, rev, ok := strings.Cut(s, ":")
	if !ok {
		return family + ":" + strconv.Itoa(f.latest[family])
	}
	return family + ":" + rev
}

// taskDefinitionHead is what the fake needs of a task definition to index it.
type taskDefinitionHead struct {
	TaskDefinitionARN string `json:"taskDefinitionArn"`
	Family            string `json:"family"`
	Revision          int    `json:"revision"`
}

func (td taskDefinitionHead) key() string { return td.Family + ":" + strconv.Itoa(td.Revision) }

func parseTaskDefinition(b []byte) (taskDefinitionHead, error) {
	var td taskDefinitionHead
	if err := json.Unmarshal(b, &td); err != nil {
		return td, fmt.Errorf("awsfake: task definition: %w", err)
	}
	if td.Family == "" || td.Revision <= 0 {
		return td, fmt.Errorf("awsfake: task definition needs family and revision, got %q:%d", td.Family, td.Revision)
	}
	if want := ":task-definition/" + td.key(); !strings.HasSuffix(td.TaskDefinitionARN, want) {
		return td, fmt.Errorf("awsfake: taskDefinitionArn %q does not end in %s", td.TaskDefinitionARN, want)
	}
	return td, nil
}

// describeServices answers as ECS does: known services with their deployments, unknown ones
// as failures with reason MISSING.
func (f *ECS) describeServices(w http.ResponseWriter, req request) {
	var in struct {
		Cluster  string   `json:"cluster"`
		Services []string `json:"services"`
	}
	if err := json.Unmarshal(req.body, &in); err != nil {
		f.problem("DescribeServices: %v", err)
		writeFault(w, Fault{Type: "SerializationException", Message: err.Error()})
		return
	}
	if len(in.Services) == 0 || len(in.Services) > 10 {
		f.problem("DescribeServices with %d services (ECS takes 1 to 10)", len(in.Services))
		writeFault(w, Fault{Type: "InvalidParameterException", Message: "services must hold 1 to 10 names."})
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
	type dep struct {
		ID             string `json:"id"`
		Status         string `json:"status"`
		TaskDefinition string `json:"taskDefinition"`
		RolloutState   string `json:"rolloutState,omitempty"`
	}
	type svc struct {
		ServiceName string `json:"serviceName"`
		ServiceArn  string `json:"serviceArn"`
		ClusterArn  string `json:"clusterArn"`
		Deployments []dep  `json:"deployments"`
	}
	type failure struct {
		Arn    string `json:"arn"`
		Reason string `json:"reason"`
	}
	out := struct {
		Services []svc     `json:"services"`
		Failures []failure `json:"failures"`
	}{Services: []svc{}, Failures: []failure{}}
	for _, name := range in.Services {
		if i := strings.LastIndex(name, "/"); i >= 0 {
			name = name[i+1:]
		}
		s, ok := f.services[cluster+"/"+name]
		region, account := firstOf(s.Region, "us-east-1"), firstOf(s.Account, "123456789012")
		if !ok {
			out.Failures = append(out.Failures, failure{Arn: "arn:aws:ecs:" + region + ":" + account + ":service/" + cluster + "/" + name, Reason: "MISSING"})
			continue
		}
		o := svc{ServiceName: name, ServiceArn: "arn:aws:ecs:" + region + ":" + account + ":service/" + cluster + "/" + name,
			ClusterArn: "arn:aws:ecs:" + region + ":" + account + ":cluster/" + cluster}
		for _, d := range s.Deployments {
			o.Deployments = append(o.Deployments, dep{ID: d.ID, Status: d.Status, RolloutState: d.RolloutState,
				TaskDefinition: "arn:aws:ecs:" + region + ":" + account + ":task-definition/" + d.TaskDefinition})
		}
		out.Services = append(out.Services, o)
	}
	writeJSON(w, out)
}

func firstOf(s, def string) string {
	if s != "" {
		return s
	}
	return def
}
