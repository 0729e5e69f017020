package main

import (
	"strings"
	"testing"
)

// TestOverlapOfNewerClasses: two stacks sharing a cluster both deliver its lifecycle hooks
// (service events), its instances' health and daemons (cluster events) and its failed RunTask
// calls (which no stack naming services delivers).
func TestOverlapOfNewerClasses(t *testing.T) {
	const cluster = "arn:aws:ecs:eu-west-1:123456789012:cluster/shared"
	tests := []struct {
		name             string
		events           []string
		ownSvc, otherSvc []string
		says             string // "" when they do not overlap
	}{
		{"hooks of one cluster", []string{"hook"}, nil, nil, "would both deliver ECS events"},
		{"hooks of other services", []string{"hook"}, []string{"web"}, []string{"worker"}, ""},
		{"instance health", []string{"instance-health"}, []string{"web"}, []string{"worker"}, "container-instance events"},
		{"daemons", []string{"daemon"}, nil, nil, "container-instance events"},
		{"failed RunTask calls", []string{"task-launch"}, nil, nil, "failed RunTask calls"},
		{"RunTask with services named", []string{"task-launch"}, []string{"web"}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			own := scope{stack: "dev", events: tt.events, clusters: []string{cluster}, services: tt.ownSvc}
			other := scope{stack: "prod", file: "Pulumi.prod.yaml", events: tt.events, clusters: []string{cluster}, services: tt.otherSvc}
			errs := overlapErrors("foghorn", own, []scope{other})
			switch {
			case tt.says == "" && len(errs) > 0:
				t.Errorf("overlap reported: %v", errs)
			case tt.says != "" && (len(errs) != 1 || !strings.Contains(errs[0].Error(), tt.says)):
				t.Errorf("errors %v, want one saying %q", errs, tt.says)
			}
		})
	}
}
