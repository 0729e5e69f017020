package config

import (
	"fmt"
	"path"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/foghornhq/foghorn/lambda/policy"
)

// LogPatterns configures alerts on application log lines: CloudWatch Logs subscription
// filters deliver them (through the stack's intake), the notifier tells one message per
// error pattern per service. Zero durations take their defaults.
type LogPatterns struct {
	// DigestInterval is the least time between two follow-up digests of one pattern on
	// targets that cannot edit a message: 1m–24h, default 30 minutes.
	DigestInterval Duration `json:"digestInterval,omitempty"`
	// QuietAfter is how long a pattern must go unseen to be told as new again: 1h–336h,
	// default 24 hours.
	QuietAfter Duration `json:"quietAfter,omitempty"`
	// DeploymentWindow is how long after a deployment ends a new pattern is still blamed on
	// it: 1m–1h (a deployment's story outlives its end by at least an hour; past that it is
	// not known), default 30 minutes.
	DeploymentWindow Duration `json:"deploymentWindow,omitempty"`
	// Services maps log groups to ECS services explicitly. They are tried first, in order;
	// streams they do not cover are looked up through their tasks (Clusters).
	Services []LogService `json:"services,omitempty"`
	// Clusters are the clusters whose tasks the notifier may describe (ecs:DescribeTasks) to
	// find the service of an awslogs stream (<prefix>/<container>/<task id>), checked against
	// the task definition's awslogs settings. Names or ARNs. Empty: only Services map.
	Clusters []string `json:"clusters,omitempty"`
}

// Defaults of LogPatterns.
const (
	DefaultPatternDigestInterval   = 30 * time.Minute
	DefaultPatternQuietAfter       = 24 * time.Hour
	DefaultPatternDeploymentWindow = 30 * time.Minute
)

// Defaults fills the unset durations.
func (l LogPatterns) Defaults() LogPatterns {
	if l.DigestInterval == 0 {
		l.DigestInterval = Duration(DefaultPatternDigestInterval)
	}
	if l.QuietAfter == 0 {
		l.QuietAfter = Duration(DefaultPatternQuietAfter)
	}
	if l.DeploymentWindow == 0 {
		l.DeploymentWindow = Duration(DefaultPatternDeploymentWindow)
	}
	return l
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

// problems lists every field out of range, keyed by its name in the document.
func (l LogPatterns) problems() []*Error {
	var out []*Error
	bad := func(key, format string, args ...any) {
		out = append(out, &Error{Key: key, Message: fmt.Sprintf(format, args...)})
	}
	check := func(key string, d Duration, lo, hi time.Duration) {
		if v := time.Duration(d); v < 0 || v != 0 && (v < lo || v > hi) {
			bad("logPatterns."+key, "%s is out of range (allowed: %s–%s)", v, lo, hi)
		}
	}
	check("digestInterval", l.DigestInterval, time.Minute, 24*time.Hour)
	check("quietAfter", l.QuietAfter, time.Hour, 14*24*time.Hour)
	check("deploymentWindow", l.DeploymentWindow, time.Minute, time.Hour)
	for i, s := range l.Services {
		key := fmt.Sprintf("logPatterns.services[%d]", i)
		if !validLogGroupName(strings.TrimSuffix(s.LogGroup, "*")) {
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
	return out
}

// ValidFingerprint reports whether s has the shape of a log pattern's fingerprint
// (lambda/logpattern) of any scheme: "lp", the scheme's version, "-" and 16 hex digits.
func ValidFingerprint(s string) bool { return fingerprint().MatchString(s) }

var fingerprint = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^lp[1-9]-[0-9a-f]{16}$`) })

// mutedProblems lists every bad entry of noise.mutedPatterns, keyed as in the document.
func mutedProblems(list []policy.MutedPattern) []*Error {
	var out []*Error
	bad := func(key, format string, args ...any) {
		out = append(out, &Error{Key: key, Message: fmt.Sprintf(format, args...)})
	}
	seen := map[string]bool{}
	for i, m := range list {
		key := fmt.Sprintf("noise.mutedPatterns[%d]", i)
		switch {
		case !ValidFingerprint(m.Fingerprint):
			bad(key+".fingerprint", "%q is not a log pattern fingerprint (lp1- and 16 hex digits, as the message's Fingerprint shows)", m.Fingerprint)
		case seen[m.Fingerprint+strings.Join(m.Service, ",")]:
			bad(key+".fingerprint", "%s is muted twice", m.Fingerprint)
		}
		seen[m.Fingerprint+strings.Join(m.Service, ",")] = true
		if strings.TrimSpace(m.Reason) == "" {
			bad(key+".reason", "is required: it is logged with every line the mute keeps out")
		}
		for j, g := range m.Service {
			if _, err := path.Match(g, ""); err != nil || g == "" {
				bad(fmt.Sprintf("%s.service[%d]", key, j), "%q is not a glob", g)
			}
		}
	}
	return out
}
