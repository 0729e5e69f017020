package alert

import "time"

// LogPattern is what a log-pattern alert is about: lines of one service that say the same
// thing (lambda/logpattern), counted from the first time they were seen.
type LogPattern struct {
	// Fingerprint identifies the pattern ("lp1-…"); noise.mutedPatterns names it.
	Fingerprint string `json:"fingerprint"`
	// Aliases are the fingerprints older schemes gave the same lines: a pattern known under
	// one of them is the same pattern.
	Aliases []string `json:"aliases,omitempty"`
	// Pattern is the normalised line: "order <num> not found".
	Pattern string `json:"pattern"`
	// Exception is the exception or error type, when the log format says it.
	Exception string `json:"exception,omitempty"`
	// Query is a Logs Insights query for the pattern's lines.
	Query     string `json:"query,omitempty"`
	LogGroup  string `json:"logGroup"`
	LogStream string `json:"logStream,omitempty"`
	// Occurrences counts what happened (a stack trace sent one line an event is one);
	// Lines counts the log events.
	Occurrences int `json:"occurrences"`
	Lines       int `json:"lines"`
	// First and Last are when the pattern was first and last seen, on the events' own times.
	First time.Time `json:"first"`
	Last  time.Time `json:"last"`
	// Deployment is set when the pattern was first seen during a deployment of its service,
	// or shortly after: "ecs-svc/… of checkout-api:42".
	Deployment string `json:"deployment,omitempty"`
}

// LogHeading is how renderers head the alert's log lines: a stopped task shows its last
// lines, a log pattern some of the lines it stands for.
func (a *Alert) LogHeading() string {
	if a.Kind == KindLog {
		return "Sample lines"
	}
	return "Last log lines"
}
