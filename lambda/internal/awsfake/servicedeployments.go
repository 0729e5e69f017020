package awsfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// ECS's service deployments API, as the deployment post-mortem calls it:
// ListServiceDeployments and DescribeServiceDeployments. Deployments are loaded from
// DescribeServiceDeployments answers in wire form (timestamps are epoch seconds, as awsJson 1.1
// sends them), such as lambda/testdata/aws-derived/ecs-api/*-wire.json.

// serviceDeployment is one loaded deployment: its JSON as DescribeServiceDeployments returns
// it, and the fields List filters on.
type serviceDeployment struct {
	raw  json.RawMessage
	head serviceDeploymentHead
}

type serviceDeploymentHead struct {
	ServiceDeploymentArn  string   `json:"serviceDeploymentArn"`
	ServiceArn            string   `json:"serviceArn"`
	ClusterArn            string   `json:"clusterArn"`
	CreatedAt             *float64 `json:"createdAt,omitempty"`
	StartedAt             *float64 `json:"startedAt,omitempty"`
	FinishedAt            *float64 `json:"finishedAt,omitempty"`
	Status                string   `json:"status"`
	StatusReason          string   `json:"statusReason,omitempty"`
	TargetServiceRevision *struct {
		Arn string `json:"arn"`
	} `json:"targetServiceRevision,omitempty"`
}

// ServiceDeploymentRequest is one call to the service deployments API as the fake received it.
type ServiceDeploymentRequest struct {
	Op     string // ListServiceDeployments, DescribeServiceDeployments
	Region string // from the SigV4 credential scope
	Body   json.RawMessage
}

// AddServiceDeployments loads the service deployments of a DescribeServiceDeployments answer
// (its "serviceDeployments"). A deployment loaded twice is replaced.
func (f *ECS) AddServiceDeployments(answer []byte) error {
	var in struct {
		ServiceDeployments []json.RawMessage `json:"serviceDeployments"`
	}
	if err := json.Unmarshal(answer, &in); err != nil {
		return fmt.Errorf("awsfake: service deployments: %w", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, raw := range in.ServiceDeployments {
		var h serviceDeploymentHead
		if err := json.Unmarshal(raw, &h); err != nil {
			return fmt.Errorf("awsfake: service deployment (timestamps must be epoch seconds, as on the wire): %w", err)
		}
		if !strings.Contains(h.ServiceDeploymentArn, ":service-deployment/") || h.ServiceArn == "" || h.CreatedAt == nil {
			return fmt.Errorf("awsfake: service deployment %q needs serviceDeploymentArn, serviceArn and createdAt", h.ServiceDeploymentArn)
		}
		f.deployments = slices.DeleteFunc(f.deployments, func(d serviceDeployment) bool {
			return d.head.ServiceDeploymentArn == h.ServiceDeploymentArn
		})
		f.deployments = append(f.deployments, serviceDeployment{raw: raw, head: h})
	}
	return nil
}

// FailServiceDeployments makes every call to the service deployments API answer fault; a
// zero Fault clears it.
func (f *ECS) FailServiceDeployments(fault Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deploymentsFault = fault
}

// ServiceDeploymentRequests returns the well-formed calls to the service deployments API, in
// order.
func (f *ECS) ServiceDeploymentRequests() []ServiceDeploymentRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.deploymentReqs)
}

// serveServiceDeployments answers the two operations; it reports whether op was one of them.
func (f *ECS) serveServiceDeployments(w http.ResponseWriter, req request) bool {
	switch req.op {
	case "ListServiceDeployments", "DescribeServiceDeployments":
	default:
		return false
	}
	if f.recordCall(w, req, &f.deploymentsFault) {
		return true
	}
	if req.op == "ListServiceDeployments" {
		f.listServiceDeployments(w, req)
	} else {
		f.describeServiceDeployments(w, req)
	}
	return true
}

// recordCall records a well-formed call to the service deployments API, or to the calls that
// change a deployment, and answers it with fault if one is scripted; it reports whether it
// answered.
func (f *ECS) recordCall(w http.ResponseWriter, req request, fault *Fault) bool {
	f.mu.Lock()
	f.deploymentReqs = append(f.deploymentReqs, ServiceDeploymentRequest{Op: req.op, Region: req.region, Body: req.body})
	answer := *fault
	f.mu.Unlock()
	if answer == (Fault{}) {
		return false
	}
	writeFault(w, answer)
	return true
}

// listServiceDeployments filters as ECS documents it: by service (required) and cluster (name
// or ARN; default "default"), status and createdAt, at most maxResults (1–100, default 20) a
// page. ECS documents no order: the fake answers oldest first, so that a client taking the
// first entry for the newest is caught.
func (f *ECS) listServiceDeployments(w http.ResponseWriter, req request) {
	var in struct {
		Service   string   `json:"service"`
		Cluster   string   `json:"cluster"`
		Status    []string `json:"status"`
		CreatedAt *struct {
			After  *float64 `json:"after"`
			Before *float64 `json:"before"`
		} `json:"createdAt"`
		MaxResults *int   `json:"maxResults"`
		NextToken  string `json:"nextToken"`
	}
	if err := json.Unmarshal(req.body, &in); err != nil {
		f.refuse(w, req.op, Fault{Type: "SerializationException", Message: err.Error()}, err.Error()+" (timestamps are epoch seconds on the wire)")
		return
	}
	if in.Service == "" {
		f.invalid(w, req.op, "without service", "service can not be blank.")
		return
	}
	limit := 20
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 100 {
			f.invalid(w, req.op, fmt.Sprintf("maxResults %d is outside 1–100", *in.MaxResults), "maxResults must be between 1 and 100.")
			return
		}
		limit = *in.MaxResults
	}
	known := []string{"PENDING", "SUCCESSFUL", "STOPPED", "STOP_REQUESTED", "IN_PROGRESS", "ROLLBACK_REQUESTED",
		"ROLLBACK_IN_PROGRESS", "ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED"}
	for _, s := range in.Status {
		if !slices.Contains(known, s) {
			f.invalid(w, req.op, fmt.Sprintf("unknown status %q", s), "Invalid status: "+s)
			return
		}
	}
	cluster, service := clusterName(in.Cluster), lastSegment(in.Service)
	f.mu.Lock()
	var match []serviceDeploymentHead
	for _, d := range f.deployments {
		h := d.head
		if !strings.HasSuffix(h.ServiceArn, ":service/"+cluster+"/"+service) || arnRegion(h.ServiceArn) != req.region {
			continue
		}
		if len(in.Status) > 0 && !slices.Contains(in.Status, h.Status) {
			continue
		}
		if c := in.CreatedAt; c != nil && ((c.After != nil && *h.CreatedAt < *c.After) || (c.Before != nil && *h.CreatedAt > *c.Before)) {
			continue
		}
		match = append(match, h)
	}
	f.mu.Unlock()
	sort.Slice(match, func(i, j int) bool { return *match[i].CreatedAt < *match[j].CreatedAt })
	start := 0
	if in.NextToken != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(in.NextToken, "page-"))
		if err != nil || n < 0 || n > len(match) {
			f.invalid(w, req.op, fmt.Sprintf("nextToken %q was never given out", in.NextToken), "Invalid nextToken.")
			return
		}
		start = n
	}
	type brief struct {
		ServiceDeploymentArn     string   `json:"serviceDeploymentArn"`
		ServiceArn               string   `json:"serviceArn"`
		ClusterArn               string   `json:"clusterArn"`
		StartedAt                *float64 `json:"startedAt,omitempty"`
		CreatedAt                *float64 `json:"createdAt,omitempty"`
		FinishedAt               *float64 `json:"finishedAt,omitempty"`
		TargetServiceRevisionArn string   `json:"targetServiceRevisionArn,omitempty"`
		Status                   string   `json:"status"`
		StatusReason             string   `json:"statusReason,omitempty"`
	}
	out := struct {
		ServiceDeployments []brief `json:"serviceDeployments"`
		NextToken          string  `json:"nextToken,omitempty"`
	}{ServiceDeployments: []brief{}}
	end := min(start+limit, len(match))
	for _, h := range match[start:end] {
		b := brief{ServiceDeploymentArn: h.ServiceDeploymentArn, ServiceArn: h.ServiceArn, ClusterArn: h.ClusterArn,
			StartedAt: h.StartedAt, CreatedAt: h.CreatedAt, FinishedAt: h.FinishedAt, Status: h.Status, StatusReason: h.StatusReason}
		if h.TargetServiceRevision != nil {
			b.TargetServiceRevisionArn = h.TargetServiceRevision.Arn
		}
		out.ServiceDeployments = append(out.ServiceDeployments, b)
	}
	if end < len(match) {
		out.NextToken = "page-" + strconv.Itoa(end)
	}
	writeJSON(w, out)
}

// describeServiceDeployments answers the deployments it knows, and a failure with reason
// MISSING for the others (as ECS does for a deployment whose revision predates 2024-10-25).
func (f *ECS) describeServiceDeployments(w http.ResponseWriter, req request) {
	var in struct {
		ServiceDeploymentArns []string `json:"serviceDeploymentArns"`
	}
	if !f.decode(w, req, &in) || !f.count(w, req.op, "ARNs", len(in.ServiceDeploymentArns), 20, "serviceDeploymentArns must hold 1 to 20 ARNs.") {
		return
	}
	out := struct {
		ServiceDeployments []json.RawMessage `json:"serviceDeployments"`
		Failures           []ecsFailure      `json:"failures"`
	}{ServiceDeployments: []json.RawMessage{}, Failures: []ecsFailure{}}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, arn := range in.ServiceDeploymentArns {
		if !strings.Contains(arn, ":service-deployment/") {
			f.invalid(w, req.op, fmt.Sprintf("%q is not a service deployment ARN", arn), "Invalid service deployment ARN: "+arn)
			return
		}
		if arnRegion(arn) != req.region {
			// The ARN's region is not the endpoint's: ECS there does not know it.
			f.problem("DescribeServiceDeployments: %s asked of the %s endpoint", arn, req.region)
		}
		i := slices.IndexFunc(f.deployments, func(d serviceDeployment) bool {
			return d.head.ServiceDeploymentArn == arn && arnRegion(arn) == req.region
		})
		if i < 0 {
			out.Failures = append(out.Failures, missing(arn))
			continue
		}
		out.ServiceDeployments = append(out.ServiceDeployments, f.deployments[i].raw)
	}
	writeJSON(w, out)
}

func lastSegment(s string) string {
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// arnRegion is the region field of an ARN.
func arnRegion(arn string) string {
	parts := strings.SplitN(arn, ":", 5)
	if len(parts) < 5 {
		return ""
	}
	return parts[3]
}
