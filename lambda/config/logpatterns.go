package config

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/foghornhq/foghorn/lambda/story"
)

// LogPatterns configures alerts on application log lines: CloudWatch Logs subscription
// filters deliver them (through the stack's intake), the notifier tells one message per
// error pattern per service. The timing options are story.PatternOptions.
type LogPatterns struct {
	story.PatternOptions
	// Services maps log groups to ECS services explicitly. They are tried first, in order;
	// streams they do not cover are looked up through their tasks (Clusters).
	Services []LogService `json:"services,omitempty"`
	// Clusters are the clusters whose tasks the notifier may describe (ecs:DescribeTasks) to
	// find the service of an awslogs stream (<prefix>/<container>/<task id>), checked against
	// the task definition's awslogs settings. Names or ARNs. Empty: only Services map.
	Clusters []string `json:"clusters,omitempty"`
}

// LogService maps a log group (and optionally a stream prefix) to an ECS service.
type LogService struct {
	// LogGroup is a log group name, or a name prefix ending in "*".
	LogGroup string `json:"logGroup"`
	// StreamPrefix, when set, limits the mapping to streams starting with it (the awslogs
	// driver names streams <awslogs-stream-prefix>/<container>/<task id>).
	StreamPrefix string `json:"streamPrefix,omitempty"`
	Cluster      string `json:"cluster,omitempty"`
	Service      string `json:"service"`
}

// logGroupPattern is CloudWatch Logs' rule for group names, with an optional trailing * for
// a prefix.
var logGroupPattern = regexp.MustCompile(`^[.\-_/#A-Za-z0-9]{1,512}\*?$`)

func (l LogPatterns) validate() []error {
	var errs []error
	if err := l.PatternOptions.Validate(); err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			errs = append(errs, errors.New(line))
		}
	}
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
	}
	for i, s := range l.Services {
		key := fmt.Sprintf("logPatterns.services[%d]", i)
		if !logGroupPattern.MatchString(s.LogGroup) {
			bad(key+".logGroup", "%q is not a log group name or prefix (letters, digits, . - _ / #; a prefix ends in *)", s.LogGroup)
		}
		if strings.TrimSpace(s.Service) == "" {
			bad(key+".service", "is required: the ECS service whose lines these are")
		}
		if strings.ContainsAny(s.Cluster, " /") && !strings.HasPrefix(s.Cluster, "arn:") {
			bad(key+".cluster", "%q is not a cluster name or ARN", s.Cluster)
		}
	}
	for i, c := range l.Clusters {
		if c == "" || strings.ContainsAny(c, " \t") {
			bad(fmt.Sprintf("logPatterns.clusters[%d]", i), "%q is not a cluster name or ARN", c)
		}
	}
	return errs
}
