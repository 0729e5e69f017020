package alerts

import (
	"cmp"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/foghornhq/foghorn/infra/eventpattern"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/event"
	"github.com/foghornhq/foghorn/lambda/policy"
)

// EcsChatAlertsArgs configures the stack. Field tags name the same keys as the Pulumi stack
// config, and validation errors use those names, so a message reads the same whether it came
// from Pulumi.<stack>.yaml or from a Go program importing the component.
type EcsChatAlertsArgs struct {
	// WebhookUrl is the simple case: one destination, named "default", that gets every alert.
	// Pass a secret (config.RequireSecret): it is stored only in an SSM SecureString
	// parameter. Give either WebhookUrl or Destinations.
	WebhookUrl pulumi.StringInput `pulumi:"webhookUrl,optional"`
	// ChatTarget is the chat service WebhookUrl belongs to: slack, discord, teams or gchat
	// (lambda/config.Targets). Default slack. Destinations name their own targets.
	ChatTarget string `pulumi:"chatTarget,optional"`
	// Destinations are the named places alerts go, each with its secrets; see DestinationArgs.
	Destinations []DestinationArgs `pulumi:"destinations,optional"`
	// Routes send alerts to destinations by environment, account, region, cluster, service,
	// kind, event and severity, in order (lambda/config/README.md). Without routes and
	// Default, every destination gets every alert.
	Routes []RouteArgs `pulumi:"routes,optional"`
	// Default names the destinations of alerts no route matched; required with routes unless
	// the last route matches everything.
	Default []string `pulumi:"default,optional"`
	// Environment names the stack in alerts and routes. Default: the Pulumi stack name.
	Environment string `pulumi:"environment,optional"`

	// Events lists the event classes to deliver (eventpattern.Classes). Default: all.
	Events []string `pulumi:"events,optional"`
	// ClusterArns limits ECS events to these clusters. Default: every cluster in the account and region.
	ClusterArns []string `pulumi:"clusterArns,optional"`
	// ServiceNames limits service-level events to these services. Default: every service.
	ServiceNames []string `pulumi:"serviceNames,optional"`
	// ServiceActionEvents and DeploymentEvents are allow-lists of ECS event names. Default:
	// every name the noise policy lets through. Either way the rules deliver what crash-loop
	// stories need, listed or not: SERVICE_STEADY_STATE, SERVICE_DEPLOYMENT_IN_PROGRESS and
	// SERVICE_DEPLOYMENT_COMPLETED; only NoiseRules keep those out of chat.
	ServiceActionEvents []string `pulumi:"serviceActionEvents,optional"`
	DeploymentEvents    []string `pulumi:"deploymentEvents,optional"`
	// AlarmNamePrefixes limits CloudWatch alarm events to alarms with these name prefixes.
	AlarmNamePrefixes []string `pulumi:"alarmNamePrefixes,optional"`
	// NoiseRules switches the notifier's noise rules (lambda/policy) on or off by name; the
	// event patterns follow them so AWS does not deliver what the notifier would drop, except
	// the events crash-loop stories need, which always arrive (eventpattern's package comment).
	NoiseRules map[string]bool `pulumi:"noiseRules,optional"`

	// LogLevel is the notifier's log level: debug, info, warn or error. Default info.
	LogLevel string `pulumi:"logLevel,optional"`
	// MemorySize is the function's memory in MB (128-10240). Default 256.
	MemorySize int `pulumi:"memorySize,optional"`
	// Timeout is the function's timeout in seconds (1-900). Default 30.
	Timeout int `pulumi:"timeout,optional"`
	// BatchSize is the most records one invocation receives (1-10000). Default 10.
	BatchSize int `pulumi:"batchSize,optional"`
	// BatchingWindow is how long, in seconds (0-300), Lambda gathers records before invoking,
	// so a burst becomes one batch and one message. Default 5. Must be at least 1 when
	// BatchSize is over 10 (an AWS rule).
	BatchingWindow *int `pulumi:"batchingWindow,optional"`
	// MaxConcurrency caps concurrent invocations from the queue (2-1000), which keeps a burst
	// within the chat service's rate limits. Default 2.
	MaxConcurrency int `pulumi:"maxConcurrency,optional"`
	// MaxReceiveCount is how many times a record is tried before it moves to the DLQ (1-1000). Default 5.
	MaxReceiveCount int `pulumi:"maxReceiveCount,optional"`
	// LogRetentionDays is the log group's retention; only CloudWatch Logs' allowed values. Default 30.
	LogRetentionDays int `pulumi:"logRetentionDays,optional"`

	// OpsEmail, when set, subscribes this address to the ops topic the watchdog alarms use.
	OpsEmail string `pulumi:"opsEmail,optional"`
	// OldestMessageAlarmSeconds is the queue age that raises the watchdog alarm: 60 seconds up
	// to, not including, the queue's retention (QueueRetentionSeconds), past which a message is
	// gone and the alarm could never fire. Default 900.
	OldestMessageAlarmSeconds int `pulumi:"oldestMessageAlarmSeconds,optional"`

	// CreateKmsKey creates a customer-managed KMS key for the topics and the secret parameters,
	// with a key policy that lets EventBridge and CloudWatch alarms publish.
	CreateKmsKey bool `pulumi:"createKmsKey,optional"`
	// KmsKeyArn uses an existing customer-managed key instead; its key policy must already let
	// events.amazonaws.com and cloudwatch.amazonaws.com use it (see the README). It must be the
	// key's ARN (arn:aws:kms:<region>:<account>:key/<id>) in the stack's region: an IAM policy
	// cannot name a key by alias, and SNS and SSM use only keys of their own region. AWS-managed
	// keys (alias/aws/...) are refused: their policies cannot grant those services.
	KmsKeyArn string `pulumi:"kmsKeyArn,optional"`
	// Region is the AWS region the stack deploys into, for the checks that need it (kmsKeyArn
	// must be in it; logRegions defaults to it). Default: the default provider's region, the
	// aws:region stack config, else AWS_REGION, else AWS_DEFAULT_REGION. Set it when the
	// component is given an explicit provider of another region.
	Region string `pulumi:"region,optional"`

	// CrashLoopThreshold task failures of one service within CrashLoopWindow make one
	// crash-loop alert instead of one message per dead task (2-100). Default 3.
	CrashLoopThreshold int `pulumi:"crashLoopThreshold,optional"`
	// CrashLoopWindow is how far back failures count, as a Go duration (1m-24h). Default 10m.
	CrashLoopWindow string `pulumi:"crashLoopWindow,optional"`
	// CrashLoopDigestInterval is the least time between two follow-up digests of one crash loop
	// on targets that cannot edit a message (1m-24h). Default 5m.
	CrashLoopDigestInterval string `pulumi:"crashLoopDigestInterval,optional"`
	// StateTablePointInTimeRecovery turns on continuous backups of the state table. Its items
	// live minutes to hours, so this is off by default.
	StateTablePointInTimeRecovery bool `pulumi:"stateTablePointInTimeRecovery,optional"`

	// LogTailEnabled adds a stopped container's last log lines to its alert. It grants the
	// function ecs:DescribeTaskDefinition and logs:GetLogEvents on the streams of the log
	// groups under LogGroupPrefixes, which it then requires.
	LogTailEnabled bool `pulumi:"logTailEnabled,optional"`
	// LogTailLines is how many of the last lines to show (1-100). Default 20.
	LogTailLines int `pulumi:"logTailLines,optional"`
	// LogTailBudget bounds the time spent fetching them, as a Go duration (at most 10s, and
	// below the function's timeout); past it the alert goes out without them. Default 1.5s.
	LogTailBudget string `pulumi:"logTailBudget,optional"`
	// LogGroupPrefixes are the log group name prefixes (e.g. /ecs/) the function may read.
	// Required when LogTailEnabled, unless LogGroupsAll: an empty list is never taken to mean
	// every group, and neither is a prefix of "/" alone.
	LogGroupPrefixes []string `pulumi:"logGroupPrefixes,optional"`
	// LogGroupsAll lets the log tail read every log group (in LogRegions) instead of those
	// under LogGroupPrefixes, which must then be empty. It is the explicit opt-in for a grant
	// that also covers other applications' and AWS services' logs.
	LogGroupsAll bool `pulumi:"logGroupsAll,optional"`
	// LogRegions are the regions whose log groups the log tail may read: a container's
	// awslogs-region may name another region than the stack's. Default: the stack's region.
	// Listing regions replaces the default, so list the stack's own region too if its
	// containers log there.
	LogRegions []string `pulumi:"logRegions,optional"`
	// LogRedactPatterns are regular expressions (RE2) redacted from the lines after the
	// built-in rules (AWS keys, bearer tokens, passwords in URLs).
	LogRedactPatterns []string `pulumi:"logRedactPatterns,optional"`

	// LogAlertsEnabled turns on alerts on application log lines: one message per error
	// pattern per service (see logintake.go and the README).
	LogAlertsEnabled bool `pulumi:"logAlertsEnabled,optional"`
	// LogAlertGroups are the log groups to subscribe: names, or prefixes ending in "*"
	// (resolved to the groups that exist when the stack is previewed). Required with the
	// filters subscription.
	LogAlertGroups []string `pulumi:"logAlertGroups,optional"`
	// LogAlertFilterPattern selects the lines delivered (a CloudWatch Logs filter pattern).
	// Default DefaultLogAlertFilterPattern.
	LogAlertFilterPattern string `pulumi:"logAlertFilterPattern,optional"`
	// LogAlertSubscription is "filters" (default: one subscription filter per group) or
	// "account" (one account-level policy for every group but foghorn's own).
	LogAlertSubscription string `pulumi:"logAlertSubscription,optional"`
	// LogAlertExcludeGroups are more log groups the account policy leaves out.
	LogAlertExcludeGroups []string `pulumi:"logAlertExcludeGroups,optional"`
	// LogAlertServices map log groups to ECS services explicitly; streams they do not cover
	// are placed through their tasks in ClusterArns.
	LogAlertServices []LogServiceArgs `pulumi:"logAlertServices,optional"`
	// LogAlertMutedPatterns keep known patterns out by fingerprint.
	LogAlertMutedPatterns []MutedPatternArgs `pulumi:"logAlertMutedPatterns,optional"`

	// ActionsEnabled creates the chat actions endpoint (actions.go) and puts buttons on the
	// alerts of slack-bot destinations (and of Slack webhooks whose DestinationArgs.Buttons
	// opts in): silence, acknowledge, more logs, continue or roll back a deployment.
	ActionsEnabled bool `pulumi:"actionsEnabled,optional"`
	// ActionsSigningSecret is the Slack app's signing secret. Required with ActionsEnabled;
	// stored only in an SSM SecureString parameter of its own.
	ActionsSigningSecret pulumi.StringInput `pulumi:"actionsSigningSecret,optional"`
	// ActionsAllow says who may take each action, and in which channels; an action left out
	// is offered to nobody.
	ActionsAllow ActionsAllowArgs `pulumi:"actionsAllow,optional"`
	// ActionsServices are the ECS service ARNs that continue and rollback may change: the
	// only ones the endpoint's role may change. Required when either is allowed.
	ActionsServices []string `pulumi:"actionsServices,optional"`
	// ActionsBotDestination names the slack-bot destination whose token the endpoint reads
	// user groups with (scope usergroups:read) and replies with once a click's response_url is
	// spent. Required when an allow-list names user groups.
	ActionsBotDestination string `pulumi:"actionsBotDestination,optional"`
	// LogAlertDigestInterval, LogAlertQuietAfter and LogAlertDeploymentWindow are Go
	// durations: the least time between two digests of a pattern on targets that cannot edit
	// (1m-24h, default 30m), how long a pattern must be unseen to be new again (1h-336h,
	// default 24h), and how long after a deployment ends a new pattern is blamed on it
	// (1m-1h, default 30m).
	LogAlertDigestInterval   string `pulumi:"logAlertDigestInterval,optional"`
	LogAlertQuietAfter       string `pulumi:"logAlertQuietAfter,optional"`
	LogAlertDeploymentWindow string `pulumi:"logAlertDeploymentWindow,optional"`

	// NotifierZip is a prebuilt deployment zip (e.g. from `make build` in CI). Default: build
	// the notifier while the program runs, preview included.
	NotifierZip string `pulumi:"notifierZip,optional"`
	// NotifierBuildDir is the directory whose Go module the notifier is built from. Default:
	// the program's working directory.
	NotifierBuildDir string `pulumi:"notifierBuildDir,optional"`
}

// Defaults.
const (
	DefaultChatTarget                = "slack"
	DefaultLogLevel                  = "info"
	DefaultMemorySize                = 256
	DefaultTimeout                   = 30
	DefaultBatchSize                 = 10
	DefaultBatchingWindow            = 5
	DefaultMaxConcurrency            = 2
	DefaultMaxReceiveCount           = 5
	DefaultLogRetentionDays          = 30
	DefaultOldestMessageAlarmSeconds = 900
	// MinAdvisedReceiveCount is the least maxReceiveCount AWS advises for an SQS queue that is a
	// Lambda event source; below it the component warns.
	MinAdvisedReceiveCount = 5
)

// Defaults taken from the notifier, so the document the component writes says what the
// notifier would assume anyway.
var (
	DefaultCrashLoopThreshold      = config.CrashLoop{}.Defaults().Threshold
	DefaultCrashLoopWindow         = time.Duration(config.CrashLoop{}.Defaults().Window)
	DefaultCrashLoopDigestInterval = time.Duration(config.CrashLoop{}.Defaults().DigestInterval)
	DefaultLogTailLines            = config.DefaultLogLines
	DefaultLogTailBudget           = config.DefaultLogBudget
)

// RetentionDays are the only values CloudWatch Logs accepts for a log group's retention.
var RetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// LogLevels are the notifier's log levels.
var LogLevels = []string{"debug", "info", "warn", "error"}

// ValidateArgs checks args as NewEcsChatAlerts(ctx, name, args) would on the given stack,
// without creating anything. Every problem is an *ArgError naming its key. args.Region is
// taken as given: unset, the checks that need the stack's region are skipped.
func ValidateArgs(name, stack string, args EcsChatAlertsArgs) error {
	_, _, err := prepare(name, stack, args)
	return err
}

// prepare is what NewEcsChatAlerts does before it creates anything: it checks the name and the
// args, fills in the defaults and builds the rules' event patterns.
func prepare(name, stack string, args EcsChatAlertsArgs) (EcsChatAlertsArgs, []eventpattern.Rule, error) {
	if err := validateName(name); err != nil {
		return args, nil, err
	}
	a := args.withDefaults(stack)
	if err := a.validate(name); err != nil {
		return a, nil, err
	}
	rules, err := eventpattern.Build(a.classes(), a.filter(watchdogName(name)+"-"))
	if err != nil {
		return a, nil, err
	}
	// The limits last: sizes are only worth measuring once every value is valid.
	if err := a.checkLimits(name); err != nil {
		return a, nil, err
	}
	return a, rules, nil
}

func watchdogName(name string) string { return name + "-watchdog" }

func validateName(name string) error {
	if !nameRE.MatchString(name) || len(name) > MaxNameLength {
		return &ArgError{Key: "name", Message: fmt.Sprintf(
			"%q must start with a letter, hold only letters, digits and hyphens, and be at most %d characters (AWS's name limits with the auto-name suffix)",
			name, MaxNameLength)}
	}
	// Every SSM parameter the component creates is named after it (<name>-config-…,
	// <name>-webhook-…, <name>-secret-<destination>-…), and SSM refuses names beginning with
	// aws or ssm in any case: preview would pass and every parameter fail at up.
	if l := strings.ToLower(name); strings.HasPrefix(l, "aws") || strings.HasPrefix(l, "ssm") {
		return &ArgError{Key: "name", Message: fmt.Sprintf(
			"%q starts with %q: SSM refuses parameter names beginning with aws or ssm (in any case), and the component names its parameters %s-config-…, %s-secret-<destination>-…; choose another name",
			name, name[:3], name, name)}
	}
	return nil
}

// Warnings returns what is allowed but unwise in args on the given stack, each naming its
// key. NewEcsChatAlerts logs them as warnings on the component.
func Warnings(name, stack string, args EcsChatAlertsArgs) []string {
	return args.withDefaults(stack).warnings()
}

func (a EcsChatAlertsArgs) warnings() []string {
	var out []string
	if a.MaxReceiveCount < MinAdvisedReceiveCount {
		out = append(out, fmt.Sprintf(
			"maxReceiveCount: %d is below %d, the least AWS advises for a queue feeding a Lambda function: a throttled or briefly failing notifier moves alerts to the dead-letter queue after %d receives",
			a.MaxReceiveCount, MinAdvisedReceiveCount, a.MaxReceiveCount))
	}
	if a.LogTailEnabled && a.Region != "" && len(a.LogRegions) > 0 && !slices.Contains(a.LogRegions, a.Region) {
		out = append(out, fmt.Sprintf(
			"logRegions: %s leaves out the stack's own region %s: the log tail cannot read containers logging there",
			strings.Join(a.LogRegions, ", "), a.Region))
	}
	return out
}

// withDefaults fills every unset field.
func (a EcsChatAlertsArgs) withDefaults(stack string) EcsChatAlertsArgs {
	a.ChatTarget = cmp.Or(a.ChatTarget, DefaultChatTarget)
	a.Environment = cmp.Or(a.Environment, stack)
	if len(a.Events) == 0 {
		a.Events = eventpattern.ClassNames()
	}
	a.LogLevel = cmp.Or(a.LogLevel, DefaultLogLevel)
	a.MemorySize = cmp.Or(a.MemorySize, DefaultMemorySize)
	a.Timeout = cmp.Or(a.Timeout, DefaultTimeout)
	a.BatchSize = cmp.Or(a.BatchSize, DefaultBatchSize)
	if a.BatchingWindow == nil { // 0 is a valid window, so unset is nil
		w := DefaultBatchingWindow
		a.BatchingWindow = &w
	}
	a.MaxConcurrency = cmp.Or(a.MaxConcurrency, DefaultMaxConcurrency)
	a.MaxReceiveCount = cmp.Or(a.MaxReceiveCount, DefaultMaxReceiveCount)
	a.LogRetentionDays = cmp.Or(a.LogRetentionDays, DefaultLogRetentionDays)
	a.OldestMessageAlarmSeconds = cmp.Or(a.OldestMessageAlarmSeconds, DefaultOldestMessageAlarmSeconds)
	a.CrashLoopThreshold = cmp.Or(a.CrashLoopThreshold, DefaultCrashLoopThreshold)
	a.CrashLoopWindow = cmp.Or(a.CrashLoopWindow, DefaultCrashLoopWindow.String())
	a.CrashLoopDigestInterval = cmp.Or(a.CrashLoopDigestInterval, DefaultCrashLoopDigestInterval.String())
	a.LogTailLines = cmp.Or(a.LogTailLines, DefaultLogTailLines)
	a.LogTailBudget = cmp.Or(a.LogTailBudget, DefaultLogTailBudget.String())
	return a.logAlertDefaults()
}

// ArgError is one invalid argument: the key (as in the stack config) and what is allowed.
type ArgError = config.Error

var (
	emailRE = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	// kmsKeyArnRE is a key ARN, single- or multi-Region; its first group is the region.
	kmsKeyArnRE = regexp.MustCompile(`^arn:aws[a-z-]*:kms:([a-z0-9-]+):[0-9]{12}:key/([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|mrk-[0-9a-f]{32})$`)
)

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ", ")
}

// validate reports every invalid argument of a defaulted args value, each an *ArgError.
func (a EcsChatAlertsArgs) validate(name string) error {
	// The names of the stack's own alarms start with this; the alarm rule excludes them.
	watchdogPrefix := watchdogName(name) + "-"
	var errs []error
	bad := func(key, format string, v ...any) {
		errs = append(errs, &ArgError{Key: key, Message: fmt.Sprintf(format, v...)})
	}
	between := func(key string, v, lo, hi int, unit string) {
		if v < lo || v > hi {
			bad(key, "%d is out of range (allowed: %d-%d%s)", v, lo, hi, unit)
		}
	}
	if len(a.Destinations) == 0 && !slices.Contains(config.Targets, a.ChatTarget) {
		bad("chatTarget", "%q is not a chat target (allowed: %s)", a.ChatTarget, strings.Join(config.Targets, ", "))
	}
	a.validateDestinations(bad)
	for _, e := range a.Events {
		if !slices.Contains(eventpattern.ClassNames(), e) {
			bad("events", "unknown event class %q (allowed: %s)", e, strings.Join(eventpattern.ClassNames(), ", "))
		}
	}
	if err := policy.Validate(a.NoiseRules); err != nil {
		bad("noiseRules", "%v", err)
	} else if err := a.filter(watchdogPrefix).Validate(); err != nil {
		errs = append(errs, unjoin(err)...)
	}
	if !slices.Contains(LogLevels, a.LogLevel) {
		bad("logLevel", "%q is not a log level (allowed: %s)", a.LogLevel, strings.Join(LogLevels, ", "))
	}
	between("memorySize", a.MemorySize, 128, 10240, " MB")
	between("timeout", a.Timeout, 1, 900, " seconds")
	between("batchSize", a.BatchSize, 1, 10000, "")
	between("batchingWindow", *a.BatchingWindow, 0, 300, " seconds")
	if a.BatchSize > 10 && *a.BatchingWindow < 1 {
		bad("batchingWindow", "must be at least 1 second when batchSize is over 10 (an SQS event source rule)")
	}
	between("maxConcurrency", a.MaxConcurrency, 2, 1000, "")
	between("maxReceiveCount", a.MaxReceiveCount, 1, 1000, "") // below MinAdvisedReceiveCount: a warning
	if !slices.Contains(RetentionDays, a.LogRetentionDays) {
		bad("logRetentionDays", "%d is not a retention CloudWatch Logs allows (allowed: %s)", a.LogRetentionDays, joinInts(RetentionDays))
	}
	switch v := a.OldestMessageAlarmSeconds; {
	case v >= QueueRetentionSeconds:
		bad("oldestMessageAlarmSeconds", "%d is not below the buffer queue's retention of %d seconds (4 days): no record in the queue gets that old, so the alarm could never fire (allowed: 60-%d seconds)",
			v, QueueRetentionSeconds, QueueRetentionSeconds-1)
	case v < 60:
		bad("oldestMessageAlarmSeconds", "%d is out of range (allowed: 60-%d seconds)", v, QueueRetentionSeconds-1)
	}
	if a.OpsEmail != "" && !emailRE.MatchString(a.OpsEmail) {
		bad("opsEmail", "%q is not an email address", a.OpsEmail)
	}
	if a.KmsKeyArn != "" {
		a.validateKey(bad)
	}
	a.validateLogScope(bad)
	a.validateLogAlerts(bad)
	a.validateActions(bad)
	durations := a.durations()
	for _, d := range durations {
		if d.err != nil {
			bad(d.key, "%q is not a duration (write it as Go does: 90s, 10m, 1h30m, 1500ms)", d.text)
		}
	}
	// Past config.MaxLogBudget the notifier's own check says so; this one is about the timeout.
	if b := durations[2]; b.err == nil && b.value <= config.MaxLogBudget && b.value >= time.Duration(a.Timeout)*time.Second {
		bad("logTailBudget", "%s is not below the function's timeout of %d seconds: the alert would never go out without its log lines", b.value, a.Timeout)
	}
	// The rest is the notifier's own validation of the document these args make, its keys
	// renamed to the args'; a key already reported above is not reported twice.
	reported := map[string]bool{}
	for _, e := range errs {
		var ae *ArgError
		if errors.As(e, &ae) {
			reported[ae.Key] = true
		}
	}
	d := a.document()
	errs = append(errs, a.documentErrors(d.Validate(), reported)...)
	return errors.Join(errs...)
}

// validateKey checks kmsKeyArn: a customer-managed key, named by its ARN, in the stack's region.
func (a EcsChatAlertsArgs) validateKey(bad func(key, format string, v ...any)) {
	const key = "kmsKeyArn"
	k := a.KmsKeyArn
	m := kmsKeyArnRE.FindStringSubmatch(k)
	switch {
	case a.CreateKmsKey:
		bad(key, "set either kmsKeyArn or createKmsKey, not both")
	case isAWSManagedKey(k):
		bad(key, "%q is an AWS-managed key; EventBridge and CloudWatch alarms cannot publish to a topic encrypted with it (its key policy cannot be changed). Set createKmsKey: true, or give a customer-managed key whose policy allows events.amazonaws.com and cloudwatch.amazonaws.com", k)
	case strings.HasPrefix(k, "alias/") || strings.Contains(k, ":alias/"):
		// IAM matches kms:Decrypt against the key's ARN, never its aliases: the function's
		// grant would name nothing and every cold start would be denied.
		bad(key, "%q is an alias; an IAM policy cannot name a KMS key by alias, so the function could not decrypt its secrets. Give the key's ARN: aws kms describe-key --key-id %s --query KeyMetadata.Arn --output text",
			k, k)
	case m == nil:
		bad(key, "%q is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>); a bare key id cannot be used either, since the function's IAM policy names the key by ARN", k)
	case a.Region != "" && m[1] != a.Region:
		bad(key, "%q is in %s but the stack deploys to %s: SNS and SSM use only keys of their own region. Give a key in %s (for a multi-Region key, its replica there)", k, m[1], a.Region, a.Region)
	}
}

// validateLogScope checks which log groups, in which regions, the log tail may read: never
// every group by accident.
func (a EcsChatAlertsArgs) validateLogScope(bad func(key, format string, v ...any)) {
	switch {
	case a.LogGroupsAll && len(a.LogGroupPrefixes) > 0:
		bad("logGroupsAll", "reads every log group, so logGroupPrefixes must be empty: drop one or the other")
	case a.LogTailEnabled && !a.LogGroupsAll && len(a.LogGroupPrefixes) == 0:
		bad("logGroupPrefixes", "is required when logTailEnabled is true: list the log group name prefixes the function may read, e.g. [\"/ecs/\"] (an empty list is not taken to mean every log group; set logGroupsAll: true for that)")
	}
	for i, p := range a.LogGroupPrefixes {
		if strings.Trim(strings.TrimSpace(p), "/") == "" {
			bad(fmt.Sprintf("logGroupPrefixes[%d]", i), "%q would grant every log group: give the groups' own prefix, e.g. /ecs/, or set logGroupsAll: true (and no prefixes) to read every log group on purpose", p)
		}
	}
	seen := map[string]bool{}
	for i, r := range a.LogRegions {
		key := fmt.Sprintf("logRegions[%d]", i)
		switch {
		case !event.ValidRegion(r):
			bad(key, "%q is not a region code (e.g. eu-west-1)", r)
		case seen[r]:
			bad(key, "%q is listed twice", r)
		case a.Region != "" && event.PartitionOfRegion(r) != event.PartitionOfRegion(a.Region):
			bad(key, "%q is in the %s partition, the stack's region %s in %s: a role cannot be granted another partition's logs", r, event.PartitionOfRegion(r), a.Region, event.PartitionOfRegion(a.Region))
		}
		seen[r] = true
	}
}

// duration is one duration argument, parsed.
type duration struct {
	key, text string
	value     time.Duration
	err       error
}

// durations parses the duration arguments: the crash-loop window, the digest interval and
// the log tail's budget, in that order.
func (a EcsChatAlertsArgs) durations() [3]duration {
	out := [3]duration{
		{key: "crashLoopWindow", text: a.CrashLoopWindow},
		{key: "crashLoopDigestInterval", text: a.CrashLoopDigestInterval},
		{key: "logTailBudget", text: a.LogTailBudget},
	}
	for i := range out {
		out[i].value, out[i].err = time.ParseDuration(out[i].text)
	}
	return out
}

// documentKeys renames the config document's keys to the arguments they come from.
var documentKeys = map[string]string{
	"crashLoop.threshold":          "crashLoopThreshold",
	"crashLoop.window":             "crashLoopWindow",
	"crashLoop.digestInterval":     "crashLoopDigestInterval",
	"logs.lines":                   "logTailLines",
	"logs.budget":                  "logTailBudget",
	"logs.logGroupPrefixes":        "logGroupPrefixes",
	"logs.regions":                 "logRegions",
	"logs.redact":                  "logRedactPatterns",
	"noise.rules":                  "noiseRules",
	"noise.mutedPatterns":          "logAlertMutedPatterns",
	"logPatterns.services":         "logAlertServices",
	"logPatterns.clusters":         "clusterArns",
	"logPatterns.digestInterval":   "logAlertDigestInterval",
	"logPatterns.quietAfter":       "logAlertQuietAfter",
	"logPatterns.deploymentWindow": "logAlertDeploymentWindow",
}

// documentErrors turns the document's validation errors, each a *config.Error keyed by the
// document, into argument errors keyed by the args, skipping keys in reported.
func (a EcsChatAlertsArgs) documentErrors(err error, reported map[string]bool) []error {
	if err == nil {
		return nil
	}
	var out []error
	for _, e := range unjoin(err) {
		var ce *config.Error
		if !errors.As(e, &ce) {
			out = append(out, e)
			continue
		}
		key := a.argKey(ce.Key)
		if reported[key] {
			continue
		}
		reported[key] = true
		out = append(out, &ArgError{Key: key, Message: ce.Message})
	}
	return out
}

// argKey renames one document key, keeping any index: logs.redact[1] is logRedactPatterns[1].
func (a EcsChatAlertsArgs) argKey(key string) string {
	if strings.HasPrefix(key, "destinations[") {
		if len(a.Destinations) == 0 {
			return "chatTarget" // the webhookUrl shortcut's one destination
		}
		// The args hold the secrets where the document holds their parameters' names.
		if k, ok := strings.CutSuffix(key, "Param"); ok && (strings.HasSuffix(k, ".secret") || strings.HasSuffix(k, ".signingSecret")) {
			return k
		}
		return key
	}
	if arg, ok := actionsArgKey(key); ok {
		return arg
	}
	base, index, _ := strings.Cut(key, "[")
	if index != "" {
		index = "[" + index
	}
	if arg, ok := documentKeys[base]; ok {
		return arg + index
	}
	return key
}

// isAWSManagedKey spots alias/aws/... in any of the forms SNS accepts.
func isAWSManagedKey(k string) bool {
	return strings.HasPrefix(k, "alias/aws/") || strings.Contains(k, ":alias/aws/")
}

// unjoin lists the errors err joins, or err alone.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// classes returns the requested event classes.
func (a EcsChatAlertsArgs) classes() []eventpattern.Class {
	out := make([]eventpattern.Class, len(a.Events))
	for i, e := range a.Events {
		out[i] = eventpattern.Class(e)
	}
	return out
}

func (a EcsChatAlertsArgs) filter(watchdogPrefix string) eventpattern.Filter {
	return eventpattern.Filter{
		ClusterArns:         a.ClusterArns,
		ServiceNames:        a.ServiceNames,
		ServiceActionEvents: a.ServiceActionEvents,
		DeploymentEvents:    a.DeploymentEvents,
		AlarmNamePrefixes:   a.AlarmNamePrefixes,
		ExcludeAlarmPrefix:  watchdogPrefix,
		Noise:               a.NoiseRules,
	}
}

// document returns the notifier's config document for these (defaulted) args. Parameter
// names are placeholders until the Notifier fills in those of the parameters it creates.
func (a EcsChatAlertsArgs) document() config.Document {
	d := a.durations()
	var dests []config.Destination
	for _, x := range a.destinations("") {
		dests = append(dests, x.doc)
	}
	logPatterns, muted := a.logPatternsDocument()
	return config.Document{
		LogPatterns:  logPatterns,
		Version:      config.Version,
		Environment:  a.Environment,
		Destinations: dests,
		Routes:       a.routes(),
		Default:      a.Default,
		Noise:        config.Noise{Rules: a.NoiseRules, MutedPatterns: muted},
		CrashLoop: config.CrashLoop{
			Threshold:      a.CrashLoopThreshold,
			Window:         config.Duration(d[0].value),
			DigestInterval: config.Duration(d[1].value),
		},
		// Deliveries are remembered as long as the DLQ keeps a record: a redrive on its last
		// day still posts nothing twice.
		Deliveries: config.Deliveries{RememberFor: config.Duration(dlqRetentionSeconds * time.Second)},
		Actions:    a.actionsDocument(),
		Logs: config.Logs{
			Enabled:          a.LogTailEnabled,
			Lines:            a.LogTailLines,
			Budget:           config.Duration(d[2].value),
			LogGroupPrefixes: a.LogGroupPrefixes,
			Regions:          a.documentLogRegions(),
			Redact:           a.LogRedactPatterns,
		},
	}
}

// documentLogRegions are the regions the log tail may read, as the role policy grants them:
// logRegions, or the stack's region. The notifier skips a container logging elsewhere and
// says why in its alert, rather than meet an AccessDenied. Written only with the log tail on;
// when the stack's region is unknown, left out: the notifier then takes its own region, which
// is the stack's.
func (a EcsChatAlertsArgs) documentLogRegions() []string {
	switch {
	case !a.LogTailEnabled:
		return nil
	case len(a.LogRegions) > 0:
		return a.LogRegions
	case a.Region != "":
		return []string{a.Region}
	}
	return nil
}

// placeholderParam stands for a parameter's name before the parameter exists.
const placeholderParam = "/foghorn/placeholder"
