package awsfake

import (
	"encoding/json"
	"net/http"
	"slices"
)

// ECS's calls that change a service deployment, as the chat actions make them:
// ContinueServiceDeployment (a paused deployment's lifecycle hook: CONTINUE or ROLLBACK) and
// StopServiceDeployment (stopType ROLLBACK). They act on the deployments loaded with
// AddServiceDeployments, as ECS documents: a hook must be AWAITING_ACTION in a deployment
// IN_PROGRESS; only a deployment PENDING or IN_PROGRESS can be stopped. Their effect shows in
// what DescribeServiceDeployments answers afterwards.

// FailDeploymentControl makes every ContinueServiceDeployment and StopServiceDeployment answer
// fault (AccessDenied, a ClientException, …); a zero Fault clears it.
func (f *ECS) FailDeploymentControl(fault Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.controlFault = fault
}

// serveDeploymentControl answers the two calls; it reports whether op was one of them.
func (f *ECS) serveDeploymentControl(w http.ResponseWriter, req request) bool {
	if req.op != "ContinueServiceDeployment" && req.op != "StopServiceDeployment" {
		return false
	}
	var in struct {
		ServiceDeploymentArn string `json:"serviceDeploymentArn"`
		HookID               string `json:"hookId"`
		Action               string `json:"action"`
		StopType             string `json:"stopType"`
	}
	if !f.decode(w, req, &in) {
		return true
	}
	if f.recordCall(w, req, &f.controlFault) {
		return true
	}
	invalid := func(why, msg string) bool {
		f.invalid(w, req.op, why, msg)
		return true
	}
	switch {
	case in.ServiceDeploymentArn == "":
		return invalid("without serviceDeploymentArn", "serviceDeploymentArn can not be blank.")
	case req.op == "ContinueServiceDeployment" && in.HookID == "":
		return invalid("without hookId", "hookId can not be blank.")
	case req.op == "ContinueServiceDeployment" && in.Action != "" && in.Action != "CONTINUE" && in.Action != "ROLLBACK":
		return invalid("action "+in.Action, "Invalid action: "+in.Action)
	case req.op == "StopServiceDeployment" && in.StopType != "" && in.StopType != "ROLLBACK":
		return invalid("stopType "+in.StopType+" (ECS documents only ROLLBACK)", "Invalid stopType: "+in.StopType)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	i := slices.IndexFunc(f.deployments, func(d serviceDeployment) bool {
		return d.head.ServiceDeploymentArn == in.ServiceDeploymentArn && arnRegion(in.ServiceDeploymentArn) == req.region
	})
	if i < 0 {
		writeFault(w, Fault{Type: "ServiceDeploymentNotFoundException", Message: "The service deployment " + in.ServiceDeploymentArn + " does not exist."})
		return true
	}
	d := &f.deployments[i]
	var doc map[string]any
	_ = json.Unmarshal(d.raw, &doc)
	status, _ := doc["status"].(string)
	if req.op == "StopServiceDeployment" {
		if status != "PENDING" && status != "IN_PROGRESS" {
			writeFault(w, Fault{Type: "ClientException", Message: "The service deployment is " + status + " and cannot be stopped."})
			return true
		}
		doc["status"] = "ROLLBACK_REQUESTED"
	} else {
		hooks, _ := doc["lifecycleHookDetails"].([]any)
		var hook map[string]any
		for _, h := range hooks {
			if hm, _ := h.(map[string]any); hm["hookId"] == in.HookID {
				hook = hm
			}
		}
		switch {
		case hook == nil:
			writeFault(w, Fault{Type: "InvalidParameterException", Message: "The hook " + in.HookID + " does not exist for this service deployment."})
			return true
		case status != "IN_PROGRESS" || hook["status"] != "AWAITING_ACTION":
			writeFault(w, Fault{Type: "ClientException", Message: "The lifecycle hook is not awaiting action."})
			return true
		}
		hook["status"] = "SUCCEEDED"
		if in.Action == "ROLLBACK" {
			hook["status"] = "FAILED"
			doc["status"] = "ROLLBACK_REQUESTED"
		}
	}
	d.raw, _ = json.Marshal(doc)
	d.head.Status, _ = doc["status"].(string)
	writeJSON(w, map[string]string{"serviceDeploymentArn": in.ServiceDeploymentArn})
	return true
}
