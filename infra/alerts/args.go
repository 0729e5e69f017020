package alerts

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/foghornhq/foghorn/infra/eventpattern"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/policy"
)

// EcsChatAlertsArgs configures the stack. Field tags name the same keys as the Pulumi stack
// config, and validation errors use those names, so a message reads the same whether it came
// from Pulumi.<stack>.yaml or from a Go program importing the component.
type EcsChatAlertsArgs struct {
	// WebhookUrl is the chat webhook. Pass a secret (config.RequireSecret): it is stored only in
	// an SSM SecureString parameter. Required.
	WebhookUrl pulumi.StringInput `pulumi:"webhookUrl"`
	// ChatTarget is the chat service the webhook belongs to (lambda/config.Targets). Default slack.
	ChatTarget string `pulumi:"chatTarget,optional"`
	// Environment names the stack in alerts and routes. Default: the Pulumi stack name.
	Environment string `pulumi:"environment,optional"`

	// Events lists the event classes to deliver (eventpattern.Classes). Default: all.
	Events []string `pulumi:"events,optional"`
	// ClusterArns limits ECS events to these clusters. Default: every cluster in the account and region.
	ClusterArns []string `pulumi:"clusterArns,optional"`
	// ServiceNames limits service-level events to these services. Default: every service.
	ServiceNames []string `pulumi:"serviceNames,optional"`
	// ServiceActionEvents and DeploymentEvents are allow-lists of ECS event names. Default:
	// every name the noise policy lets through.
	ServiceActionEvents []string `pulumi:"serviceActionEvents,optional"`
	DeploymentEvents    []string `pulumi:"deploymentEvents,optional"`
	// AlarmNamePrefixes limits CloudWatch alarm events to alarms with these name prefixes.
	AlarmNamePrefixes []string `pulumi:"alarmNamePrefixes,optional"`
	// NoiseRules switches the notifier's noise rules (lambda/policy) on or off by name; the
	// event patterns follow them so AWS does not deliver what the notifier would drop.
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
	// OldestMessageAlarmSeconds is the queue age that raises the watchdog alarm (60-1209600). Default 900.
	OldestMessageAlarmSeconds int `pulumi:"oldestMessageAlarmSeconds,optional"`

	// CreateKmsKey creates a customer-managed KMS key for the topics and the webhook parameter,
	// with a key policy that lets EventBridge and CloudWatch alarms publish.
	CreateKmsKey bool `pulumi:"createKmsKey,optional"`
	// KmsKeyArn uses an existing customer-managed key instead; its key policy must already let
	// events.amazonaws.com and cloudwatch.amazonaws.com use it (see the README). AWS-managed
	// keys (alias/aws/...) are refused: their policies cannot grant those services.
	KmsKeyArn string `pulumi:"kmsKeyArn,optional"`

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
)

// RetentionDays are the only values CloudWatch Logs accepts for a log group's retention.
var RetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// LogLevels are the notifier's log levels.
var LogLevels = []string{"debug", "info", "warn", "error"}

// ValidateArgs checks args as NewEcsChatAlerts(ctx, name, args) would on the given stack,
// without creating anything. Every problem is an *ArgError naming its key.
func ValidateArgs(name, stack string, args EcsChatAlertsArgs) error {
	if err := validateName(name); err != nil {
		return err
	}
	a := args.withDefaults(stack)
	if err := a.validate(watchdogName(name) + "-"); err != nil {
		return err
	}
	if _, err := eventpattern.Build(a.classes(), a.filter(watchdogName(name)+"-")); err != nil {
		return errors.Join(argErrors(err)...)
	}
	return nil
}

func watchdogName(name string) string { return name + "-watchdog" }

func validateName(name string) error {
	if !nameRE.MatchString(name) || len(name) > MaxNameLength {
		return &ArgError{Key: "name", Message: fmt.Sprintf(
			"%q must start with a letter, hold only letters, digits and hyphens, and be at most %d characters (AWS's name limits with the auto-name suffix)",
			name, MaxNameLength)}
	}
	return nil
}

// withDefaults fills every unset field.
func (a EcsChatAlertsArgs) withDefaults(stack string) EcsChatAlertsArgs {
	if a.ChatTarget == "" {
		a.ChatTarget = DefaultChatTarget
	}
	if a.Environment == "" {
		a.Environment = stack
	}
	if len(a.Events) == 0 {
		a.Events = eventpattern.ClassNames()
	}
	if a.LogLevel == "" {
		a.LogLevel = DefaultLogLevel
	}
	if a.MemorySize == 0 {
		a.MemorySize = DefaultMemorySize
	}
	if a.Timeout == 0 {
		a.Timeout = DefaultTimeout
	}
	if a.BatchSize == 0 {
		a.BatchSize = DefaultBatchSize
	}
	if a.BatchingWindow == nil {
		w := DefaultBatchingWindow
		a.BatchingWindow = &w
	}
	if a.MaxConcurrency == 0 {
		a.MaxConcurrency = DefaultMaxConcurrency
	}
	if a.MaxReceiveCount == 0 {
		a.MaxReceiveCount = DefaultMaxReceiveCount
	}
	if a.LogRetentionDays == 0 {
		a.LogRetentionDays = DefaultLogRetentionDays
	}
	if a.OldestMessageAlarmSeconds == 0 {
		a.OldestMessageAlarmSeconds = DefaultOldestMessageAlarmSeconds
	}
	return a
}

// ArgError is one invalid argument: the key (as in the stack config) and what is allowed.
type ArgError struct {
	Key     string
	Message string
}

func (e *ArgError) Error() string { return e.Key + ": " + e.Message }

var (
	emailRE     = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	kmsKeyArnRE = regexp.MustCompile(`^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key/[0-9a-fA-F-]{36}|key/mrk-[0-9a-f]{32}|alias/[A-Za-z0-9/_-]+)$`)
)

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ", ")
}

// validate reports every invalid argument of a defaulted args value, each an *ArgError.
// watchdogPrefix starts the names of the stack's own alarms, which the alarm rule excludes.
func (a EcsChatAlertsArgs) validate(watchdogPrefix string) error {
	var errs []error
	bad := func(key, format string, v ...any) {
		errs = append(errs, &ArgError{Key: key, Message: fmt.Sprintf(format, v...)})
	}
	between := func(key string, v, lo, hi int, unit string) {
		if v < lo || v > hi {
			bad(key, "%d is out of range (allowed: %d-%d%s)", v, lo, hi, unit)
		}
	}
	if a.WebhookUrl == nil {
		bad("webhookUrl", "is required: set it with `pulumi config set --secret webhookUrl <url>`")
	}
	if !slices.Contains(config.Targets, a.ChatTarget) {
		bad("chatTarget", "%q is not a chat target (allowed: %s)", a.ChatTarget, strings.Join(config.Targets, ", "))
	}
	for _, e := range a.Events {
		if !slices.Contains(eventpattern.ClassNames(), e) {
			bad("events", "unknown event class %q (allowed: %s)", e, strings.Join(eventpattern.ClassNames(), ", "))
		}
	}
	if err := policy.Validate(a.NoiseRules); err != nil {
		bad("noiseRules", "%v", err)
	} else if err := a.filter(watchdogPrefix).Validate(); err != nil {
		errs = append(errs, argErrors(err)...)
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
	between("maxReceiveCount", a.MaxReceiveCount, 1, 1000, "")
	if !slices.Contains(RetentionDays, a.LogRetentionDays) {
		bad("logRetentionDays", "%d is not a retention CloudWatch Logs allows (allowed: %s)", a.LogRetentionDays, joinInts(RetentionDays))
	}
	between("oldestMessageAlarmSeconds", a.OldestMessageAlarmSeconds, 60, 1209600, " seconds")
	if a.OpsEmail != "" && !emailRE.MatchString(a.OpsEmail) {
		bad("opsEmail", "%q is not an email address", a.OpsEmail)
	}
	if a.KmsKeyArn != "" {
		switch {
		case a.CreateKmsKey:
			bad("kmsKeyArn", "set either kmsKeyArn or createKmsKey, not both")
		case isAWSManagedKey(a.KmsKeyArn):
			bad("kmsKeyArn", "%q is an AWS-managed key; EventBridge and CloudWatch alarms cannot publish to a topic encrypted with it (its key policy cannot be changed). Set createKmsKey: true, or give a customer-managed key whose policy allows events.amazonaws.com and cloudwatch.amazonaws.com", a.KmsKeyArn)
		case !kmsKeyArnRE.MatchString(a.KmsKeyArn):
			bad("kmsKeyArn", "%q is not a KMS key or alias ARN (arn:aws:kms:<region>:<account>:key/<id>)", a.KmsKeyArn)
		}
	}
	return errors.Join(errs...)
}

// isAWSManagedKey spots alias/aws/... in any of the forms SNS accepts.
func isAWSManagedKey(k string) bool {
	return strings.HasPrefix(k, "alias/aws/") || strings.Contains(k, ":alias/aws/")
}

// argErrors turns the pattern builder's field errors into argument errors (the field names
// are the same keys).
func argErrors(err error) []error {
	var out []error
	list := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	}
	for _, e := range list {
		var fe *eventpattern.FieldError
		if errors.As(e, &fe) {
			out = append(out, &ArgError{Key: fe.Field, Message: fe.Message})
		} else {
			out = append(out, e)
		}
	}
	return out
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

// Document returns the notifier's config document for these args, naming secretParam as the
// webhook's parameter. It is validated with the notifier's own code.
func (a EcsChatAlertsArgs) document(secretParam string) (config.Document, error) {
	d := config.Document{
		Version:     config.Version,
		Environment: a.Environment,
		Destinations: []config.Destination{{
			Name:        "default",
			Target:      a.ChatTarget,
			SecretParam: secretParam,
		}},
		Noise: config.Noise{Rules: a.NoiseRules},
	}
	if err := d.Validate(); err != nil {
		return config.Document{}, err
	}
	return d, nil
}
