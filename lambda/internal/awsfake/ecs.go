package awsfake

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"strconv"
	"strings"

	ownecs "github.com/foghornhq/foghorn/lambda/awsjson/ecs"
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

// Client returns the notifier's own client (awsjson) for the fake, in Region, signed with
// Credentials.
func (f *ECS) Client() *ownecs.Client { return ownecs.New(f.Config()) }

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
		f.unsupported(w, req.op, "UnknownOperationException", "DescribeTaskDefinition, DescribeServices, DescribeTasks, the service deployments API, ContinueServiceDeployment and StopServiceDeployment")
		return
	}
	var in struct {
		TaskDefinition *string  `json:"taskDefinition"`
		Include        []string `json:"include"`
	}
	if !f.decode(w, req, &in) {
		return
	}
	if in.TaskDefinition == nil || *in.TaskDefinition == "" {
		f.invalid(w, req.op, "without taskDefinition", "Task Definition can not be blank.")
		return
	}
	for _, inc := range in.Include {
		if inc != "TAGS" {
			f.invalid(w, req.op, fmt.Sprintf("include %q is not TAGS", inc), "Unrecognized include value: "+inc)
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
	if !f.decode(w, req, &in) || !f.count(w, req.op, "services", len(in.Services), 10, "services must hold 1 to 10 names.") {
		return
	}
	cluster := clusterName(in.Cluster)
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
	out := struct {
		Services []svc        `json:"services"`
		Failures []ecsFailure `json:"failures"`
	}{Services: []svc{}, Failures: []ecsFailure{}}
	for _, name := range in.Services {
		name = lastSegment(name)
		s, ok := f.services[cluster+"/"+name]
		arn := ecsARN(s.Region, s.Account)
		if !ok {
			out.Failures = append(out.Failures, missing(arn("service", cluster, name)))
			continue
		}
		o := svc{ServiceName: name, ServiceArn: arn("service", cluster, name), ClusterArn: arn("cluster", cluster)}
		for _, d := range s.Deployments {
			o.Deployments = append(o.Deployments, dep{ID: d.ID, Status: d.Status, RolloutState: d.RolloutState,
				TaskDefinition: arn("task-definition", d.TaskDefinition)})
		}
		out.Services = append(out.Services, o)
	}
	writeJSON(w, out)
}

// What the Describe calls share: their inputs, the ARNs they answer with, and their failures.

// count refuses a Describe call asking about n things, what they are, outside 1 to max.
func (f *ECS) count(w http.ResponseWriter, op, what string, n, max int, msg string) bool {
	if n < 1 || n > max {
		f.invalid(w, op, fmt.Sprintf("%d %s (ECS takes 1 to %d)", n, what, max), msg)
		return false
	}
	return true
}

// clusterName is the cluster a call names (by name or ARN), "default" when it names none.
func clusterName(s string) string {
	if s = lastSegment(s); s == "" {
		return "default"
	}
	return s
}

// ecsARN makes the ARNs of a region and account (us-east-1 and 123456789012 when unset):
// arn("service", "prod", "api") is arn:aws:ecs:…:service/prod/api.
func ecsARN(region, account string) func(resource string, path ...string) string {
	base := "arn:aws:ecs:" + firstOf(region, "us-east-1") + ":" + firstOf(account, "123456789012") + ":"
	return func(resource string, path ...string) string {
		return base + resource + "/" + strings.Join(path, "/")
	}
}

// ecsFailure is an entry of a Describe answer's failures.
type ecsFailure struct {
	Arn    string `json:"arn"`
	Reason string `json:"reason"`
}

// missing is ECS's failure for a resource it does not know.
func missing(arn string) ecsFailure { return ecsFailure{Arn: arn, Reason: "MISSING"} }

func firstOf(s, def string) string {
	if s != "" {
		return s
	}
	return def
}
