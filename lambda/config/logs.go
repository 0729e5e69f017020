package config

import (
	"fmt"
	"regexp"
	"time"

	"github.com/foghornhq/foghorn/lambda/event"
)

// Defaults and bounds of Logs.
const (
	DefaultLogLines     = 20
	MaxLogLines         = 100 // a chat message shows no more
	DefaultLogLineBytes = 512
	MinLogLineBytes     = 64
	MaxLogLineBytes     = 8192
	DefaultLogBudget    = 1500 * time.Millisecond
	MaxLogBudget        = 10 * time.Second // past this the alert is late, which is worse than no logs
	DefaultLogCacheSize = 256
	MaxLogCacheSize     = 10000
)

// Logs configures the log tail: the dying container's last log lines in its alert. It is off
// unless enabled, because it needs the function to be allowed ecs:DescribeTaskDefinition and
// logs:GetLogEvents (the Pulumi component grants both, scoped to LogGroupPrefixes, when it
// enables this). Zero fields take their defaults.
type Logs struct {
	Enabled bool `json:"enabled,omitempty"`
	// Lines is how many of the last log lines to fetch and keep: 1 to MaxLogLines, default 20.
	Lines int `json:"lines,omitempty"`
	// LineBytes caps each line, "…" included, cut on a character boundary: MinLogLineBytes to
	// MaxLogLineBytes, default 512.
	LineBytes int `json:"lineBytes,omitempty"`
	// Budget bounds one tail, both calls included: at most MaxLogBudget, default 1.5s.
	Budget Duration `json:"budget,omitempty"`
	// LogGroupPrefixes are the log groups the notifier may read, as name prefixes ("/ecs/").
	// They must match the function's IAM policy, which is built from the same list: a group
	// outside them is not read, and the reason says so instead of an AccessDenied. Empty
	// means any group.
	LogGroupPrefixes []string `json:"logGroupPrefixes,omitempty"`
	// Regions are the AWS regions whose log groups the notifier may read: those its IAM
	// policy grants (the Pulumi component writes its logRegions here). A container whose
	// awslogs-region is elsewhere is not read, and its alert says why. Empty means the
	// function's own region.
	Regions []string `json:"regions,omitempty"`
	// Redact adds regular expressions (RE2) whose matches are redacted after the built-in
	// rules; a subexpression named "secret" limits the redaction to itself.
	Redact []string `json:"redact,omitempty"`
	// CacheSize is how many task definitions to remember: up to MaxLogCacheSize, default 256.
	CacheSize int `json:"cacheSize,omitempty"`
}

// WithDefaults fills the zero fields.
func (l Logs) WithDefaults() Logs {
	if l.Lines == 0 {
		l.Lines = DefaultLogLines
	}
	if l.LineBytes == 0 {
		l.LineBytes = DefaultLogLineBytes
	}
	if l.Budget == 0 {
		l.Budget = Duration(DefaultLogBudget)
	}
	if l.CacheSize == 0 {
		l.CacheSize = DefaultLogCacheSize
	}
	return l
}

// logGroupName is CloudWatch Logs' rule for group names, which prefixes must follow too.
var logGroupName = regexp.MustCompile(`^[.\-_/#A-Za-z0-9]{1,512}$`)

// Compile checks every field and compiles the Redact patterns, so that the log tail, which
// runs with them, compiles them once. Each problem is keyed by its field ("lines",
// "redact[1]").
func (l Logs) Compile() (redact []*regexp.Regexp, problems []*Error) {
	bad := func(key, format string, args ...any) {
		problems = append(problems, &Error{Key: key, Message: fmt.Sprintf(format, args...)})
	}
	if l.Lines < 0 || l.Lines > MaxLogLines {
		bad("lines", "must be between 1 and %d (0 for the default %d), got %d", MaxLogLines, DefaultLogLines, l.Lines)
	}
	if l.LineBytes != 0 && (l.LineBytes < MinLogLineBytes || l.LineBytes > MaxLogLineBytes) {
		bad("lineBytes", "must be between %d and %d (0 for the default %d), got %d", MinLogLineBytes, MaxLogLineBytes, DefaultLogLineBytes, l.LineBytes)
	}
	if b := time.Duration(l.Budget); b < 0 || b > MaxLogBudget {
		bad("budget", "must be positive and at most %s (0 for the default %s), got %s", MaxLogBudget, DefaultLogBudget, b)
	}
	for i, p := range l.LogGroupPrefixes {
		if !logGroupName.MatchString(p) {
			bad(fmt.Sprintf("logGroupPrefixes[%d]", i), "%q is not a log group name prefix (letters, digits, and . - _ / #; a prefix needs no *)", p)
		}
	}
	for i, r := range l.Regions {
		if !event.ValidRegion(r) {
			bad(fmt.Sprintf("regions[%d]", i), "%q is not an AWS region code (like eu-west-1)", r)
		}
	}
	for i, p := range l.Redact {
		re, err := regexp.Compile(p)
		switch {
		case err != nil:
			bad(fmt.Sprintf("redact[%d]", i), "%v", err)
		case re.MatchString(""):
			bad(fmt.Sprintf("redact[%d]", i), "%q matches the empty string, which would put a marker between every character", p)
		default:
			redact = append(redact, re)
		}
	}
	if l.CacheSize < 0 || l.CacheSize > MaxLogCacheSize {
		bad("cacheSize", "must be between 1 and %d (0 for the default %d), got %d", MaxLogCacheSize, DefaultLogCacheSize, l.CacheSize)
	}
	return redact, problems
}
