package alerts

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/policy"
)

// Log alerts: CloudWatch Logs subscription filters (or one account-level subscription
// policy) deliver error-looking lines to a small intake function, the notifier's own binary
// in intake mode, which puts them on the buffer queue; the notifier tells one message per
// error pattern per service. Delivery to Lambda is an asynchronous invoke: what the intake
// cannot enqueue, Lambda retries and then sends to the dead-letter queue.

// Subscription modes.
const (
	// SubscriptionFilters puts one subscription filter on each log group named (or matched
	// by a prefix when the stack is previewed).
	SubscriptionFilters = "filters"
	// SubscriptionAccount uses one account-level subscription filter policy for every log
	// group of the account and region but foghorn's own (and those excluded): for when log
	// groups already hold the most subscription filters AWS allows, or are too many to list.
	SubscriptionAccount = "account"
)

// DefaultLogAlertFilterPattern matches lines that look like errors. CloudWatch Logs filter
// patterns are case-sensitive; "?" terms match any one of them.
const DefaultLogAlertFilterPattern = "?ERROR ?Error ?FATAL ?panic ?Exception ?Traceback"

// MaxSubscriptionFiltersPerGroup is how many subscription filters CloudWatch Logs lets a log
// group hold, as its user guide says today ("Real-time processing of log data with
// subscriptions"). The documented number has changed over time (1, then 2, now 5); a group
// already at the limit makes PutSubscriptionFilter fail with LimitExceededException, and the
// way out is the account-level policy (logAlertSubscription: account).
const MaxSubscriptionFiltersPerGroup = 5

// maxExcludedGroups bounds the account policy's exclusion list (its selection criteria).
const maxExcludedGroups = 50

// Defaults of the log alerts' timings, the config document's.
const (
	DefaultLogAlertDigestInterval   = config.DefaultPatternDigestInterval
	DefaultLogAlertQuietAfter       = config.DefaultPatternQuietAfter
	DefaultLogAlertDeploymentWindow = config.DefaultPatternDeploymentWindow
)

// LogServiceArgs maps a log group to an ECS service (the document's logPatterns.services).
type LogServiceArgs struct {
	LogGroup     string `pulumi:"logGroup" json:"logGroup"`
	StreamPrefix string `pulumi:"streamPrefix,optional" json:"streamPrefix,omitempty"`
	Cluster      string `pulumi:"cluster,optional" json:"cluster,omitempty"`
	Service      string `pulumi:"service" json:"service"`
}

// MutedPatternArgs mutes a log pattern by fingerprint (the document's noise.mutedPatterns).
type MutedPatternArgs struct {
	Fingerprint string   `pulumi:"fingerprint" json:"fingerprint"`
	Service     []string `pulumi:"service,optional" json:"service,omitempty"`
	Reason      string   `pulumi:"reason" json:"reason"`
}

var logGroupNameRE = regexp.MustCompile(`^[.\-_/#A-Za-z0-9]{1,512}\*?$`)

// logAlertDefaults fills the log alerts' unset arguments.
func (a EcsChatAlertsArgs) logAlertDefaults() EcsChatAlertsArgs {
	if !a.LogAlertsEnabled {
		return a
	}
	if a.LogAlertFilterPattern == "" {
		a.LogAlertFilterPattern = DefaultLogAlertFilterPattern
	}
	if a.LogAlertSubscription == "" {
		a.LogAlertSubscription = SubscriptionFilters
	}
	if a.LogAlertDigestInterval == "" {
		a.LogAlertDigestInterval = DefaultLogAlertDigestInterval.String()
	}
	if a.LogAlertQuietAfter == "" {
		a.LogAlertQuietAfter = DefaultLogAlertQuietAfter.String()
	}
	if a.LogAlertDeploymentWindow == "" {
		a.LogAlertDeploymentWindow = DefaultLogAlertDeploymentWindow.String()
	}
	return a
}

// validateLogAlerts reports the log alerts' arguments that only the stack can get wrong;
// the notifier's document validation covers the rest (services, mutes, timings).
func (a EcsChatAlertsArgs) validateLogAlerts(bad func(key, format string, v ...any)) {
	// The filter pattern, mode and timings have defaults in Pulumi.yaml, so only the lists
	// say that someone meant to use log alerts.
	set := len(a.LogAlertGroups) > 0 || len(a.LogAlertServices) > 0 || len(a.LogAlertMutedPatterns) > 0 || len(a.LogAlertExcludeGroups) > 0
	if !a.LogAlertsEnabled {
		if set {
			bad("logAlertsEnabled", "is false, but other logAlert… keys are set: set logAlertsEnabled to true to use them, or remove them")
		}
		return
	}
	switch a.LogAlertSubscription {
	case SubscriptionFilters:
		if len(a.LogAlertGroups) == 0 {
			bad("logAlertGroups", "is required with logAlertSubscription %s: list log group names, or prefixes ending in * (e.g. [\"/ecs/checkout-api\", \"/ecs/payments-*\"]); or use logAlertSubscription account", SubscriptionFilters)
		}
		if len(a.LogAlertExcludeGroups) > 0 {
			bad("logAlertExcludeGroups", "is only used with logAlertSubscription %s", SubscriptionAccount)
		}
	case SubscriptionAccount:
		if len(a.LogAlertGroups) > 0 {
			bad("logAlertGroups", "is not used with logAlertSubscription %s, which covers every log group of the account and region but foghorn's own; list groups to leave out in logAlertExcludeGroups", SubscriptionAccount)
		}
		if n := len(a.LogAlertExcludeGroups) + 3; n > maxExcludedGroups {
			bad("logAlertExcludeGroups", "%d groups, with foghorn's own three (the notifier, the log intake, the actions endpoint), is more than the %d an account-level policy can exclude", n, maxExcludedGroups)
		}
	default:
		bad("logAlertSubscription", "%q is not a subscription mode (allowed: %s, %s)", a.LogAlertSubscription, SubscriptionFilters, SubscriptionAccount)
	}
	seen := map[string]bool{}
	for i, g := range a.LogAlertGroups {
		key := fmt.Sprintf("logAlertGroups[%d]", i)
		switch {
		case !logGroupNameRE.MatchString(g):
			bad(key, "%q is not a log group name, or a prefix ending in * (letters, digits, . - _ / #)", g)
		case seen[g]:
			bad(key, "%q is listed twice: each log group gets one subscription filter, and can hold at most %d", g, MaxSubscriptionFiltersPerGroup)
		}
		seen[g] = true
	}
	for i, g := range a.LogAlertExcludeGroups {
		if !logGroupNameRE.MatchString(g) || strings.HasSuffix(g, "*") {
			bad(fmt.Sprintf("logAlertExcludeGroups[%d]", i), "%q is not a log group name (the account policy excludes whole names, not prefixes)", g)
		}
	}
	if strings.TrimSpace(a.LogAlertFilterPattern) == "" || len(a.LogAlertFilterPattern) > 1024 {
		bad("logAlertFilterPattern", "must be a CloudWatch Logs filter pattern of 1 to 1024 characters, e.g. %q", DefaultLogAlertFilterPattern)
	}
	for _, d := range a.logAlertDurations() {
		if d.err != nil {
			bad(d.key, "%q is not a duration (write it as Go does: 90s, 10m, 1h30m)", d.text)
		}
	}
}

// checkOwnLogGroups refuses to subscribe foghorn's own log groups, which would feed foghorn
// its own lines for ever. Their names depend on the project and stack.
func (a EcsChatAlertsArgs) checkOwnLogGroups(project, stack, name string) error {
	if !a.LogAlertsEnabled {
		return nil
	}
	own := ownLogGroups(project, stack, name)
	for i, g := range a.LogAlertGroups {
		if slices.Contains(own, g) {
			return &ArgError{Key: fmt.Sprintf("logAlertGroups[%d]", i), Message: fmt.Sprintf("%q is foghorn's own log group: subscribing it would feed foghorn its own lines, for ever", g)}
		}
	}
	return nil
}

// logAlertDurations parses the log alerts' timings: digest interval, quiet time, deployment
// window, in that order.
func (a EcsChatAlertsArgs) logAlertDurations() [3]duration {
	out := [3]duration{
		{key: "logAlertDigestInterval", text: a.LogAlertDigestInterval},
		{key: "logAlertQuietAfter", text: a.LogAlertQuietAfter},
		{key: "logAlertDeploymentWindow", text: a.LogAlertDeploymentWindow},
	}
	for i := range out {
		if out[i].text != "" {
			out[i].value, out[i].err = time.ParseDuration(out[i].text)
		}
	}
	return out
}

// logPatternsDocument is the document's logPatterns section and muted patterns.
func (a EcsChatAlertsArgs) logPatternsDocument() (config.LogPatterns, []policy.MutedPattern) {
	if !a.LogAlertsEnabled {
		return config.LogPatterns{}, nil
	}
	d := a.logAlertDurations()
	lp := config.LogPatterns{
		DigestInterval:   config.Duration(d[0].value),
		QuietAfter:       config.Duration(d[1].value),
		DeploymentWindow: config.Duration(d[2].value),
		// The notifier may describe the tasks of the watched clusters to place a stream.
		Clusters: a.ClusterArns,
	}
	for _, s := range a.LogAlertServices {
		lp.Services = append(lp.Services, config.LogService{LogGroup: s.LogGroup, StreamPrefix: s.StreamPrefix, Cluster: s.Cluster, Service: s.Service})
	}
	var muted []policy.MutedPattern
	for _, m := range a.LogAlertMutedPatterns {
		muted = append(muted, policy.MutedPattern{Fingerprint: m.Fingerprint, Service: m.Service, Reason: m.Reason})
	}
	return lp, muted
}

// IntakeFunctionName is the log intake's physical name, derived as the notifier's is.
func IntakeFunctionName(project, stack, name string) string {
	return FunctionName(project, stack, name+"-logs")
}

// ownLogGroups are foghorn's own log groups, which no subscription may include.
func ownLogGroups(project, stack, name string) []string {
	return []string{"/aws/lambda/" + FunctionName(project, stack, name), "/aws/lambda/" + IntakeFunctionName(project, stack, name),
		"/aws/lambda/" + ActionsFunctionName(project, stack, name)}
}

// LogIntakeArgs configures the intake and its subscriptions.
type LogIntakeArgs struct {
	FunctionName string         `pulumi:"functionName"`
	Code         pulumi.Archive `pulumi:"code"`
	// QueueArn and QueueUrl are the buffer queue the intake sends to; DlqArn receives what
	// Lambda could not deliver to the intake after its retries.
	QueueArn pulumi.StringInput `pulumi:"queueArn"`
	QueueUrl pulumi.StringInput `pulumi:"queueUrl"`
	DlqArn   pulumi.StringInput `pulumi:"dlqArn"`
	// Subscription is SubscriptionFilters or SubscriptionAccount.
	Subscription string `pulumi:"subscription"`
	// Groups are the log groups to subscribe (filters mode): names, resolved from prefixes
	// when the stack was previewed.
	Groups []string `pulumi:"groups,optional"`
	// Prefixes are the prefixes Groups came from: the invoke permission covers each whole
	// prefix, so a group created later needs only a new filter.
	Prefixes      []string `pulumi:"prefixes,optional"`
	FilterPattern string   `pulumi:"filterPattern"`
	// Exclude are the log groups the account policy leaves out: foghorn's own, and more.
	Exclude          []string `pulumi:"exclude,optional"`
	LogLevel         string   `pulumi:"logLevel"`
	LogRetentionDays int      `pulumi:"logRetentionDays"`
}

// LogIntake is the intake function, its role, log group, async invoke configuration and
// the subscriptions that deliver to it.
type LogIntake struct {
	pulumi.ResourceState

	FunctionName pulumi.StringOutput `pulumi:"functionName"`
	FunctionArn  pulumi.StringOutput `pulumi:"functionArn"`
	RoleArn      pulumi.StringOutput `pulumi:"roleArn"`
	LogGroupName pulumi.StringOutput `pulumi:"logGroupName"`
}

// NewLogIntake creates the intake and its subscriptions.
func NewLogIntake(ctx *pulumi.Context, name string, args LogIntakeArgs, opts ...pulumi.ResourceOption) (*LogIntake, error) {
	c := &LogIntake{}
	if err := ctx.RegisterComponentResource("foghorn:index:LogIntake", name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)

	fn, err := newFunction(ctx, name, functionArgs{
		Name:        args.FunctionName,
		Description: "foghorn log intake: CloudWatch Logs subscription deliveries to the buffer queue",
		Code:        args.Code,
		MemorySize:  128,
		Timeout:     30,
		Environment: pulumi.StringMap{
			EnvMode:     pulumi.String(ModeIntake),
			EnvQueueURL: args.QueueUrl,
			EnvLogLevel: pulumi.String(args.LogLevel),
		},
		RoleName:        name + "-intake",
		RoleDescription: "foghorn log intake: puts CloudWatch Logs deliveries on the buffer queue, writes its logs",
		Policy: func(logGroupArn pulumi.StringOutput) pulumi.StringOutput {
			return pulumi.All(args.QueueArn, args.DlqArn, logGroupArn).ApplyT(func(v []any) string {
				return intakePolicy(v[0].(string), v[1].(string), v[2].(string))
			}).(pulumi.StringOutput)
		},
		LogRetentionDays: args.LogRetentionDays,
	}, parent)
	if err != nil {
		return nil, err
	}
	// Subscription delivery is an asynchronous invoke: after Lambda's own retries, the
	// event goes to the DLQ, where the watchdog alarm sees it; nothing is dropped.
	if _, err := lambda.NewFunctionEventInvokeConfig(ctx, name, &lambda.FunctionEventInvokeConfigArgs{
		FunctionName:             fn.Function.Name,
		MaximumRetryAttempts:     pulumi.Int(2),
		MaximumEventAgeInSeconds: pulumi.Int(6 * 60 * 60),
		DestinationConfig: &lambda.FunctionEventInvokeConfigDestinationConfigArgs{
			OnFailure: &lambda.FunctionEventInvokeConfigDestinationConfigOnFailureArgs{Destination: args.DlqArn},
		},
	}, parent, pulumi.DependsOn([]pulumi.Resource{fn.RolePolicy})); err != nil {
		return nil, err
	}

	acct := args.QueueArn.ToStringOutput().ApplyT(func(q string) account { return accountOf(q) })
	permission := func(logical string, sourceArn func(account) string) (*lambda.Permission, error) {
		return lambda.NewPermission(ctx, logical, &lambda.PermissionArgs{
			Action:    pulumi.String("lambda:InvokeFunction"),
			Function:  fn.Function.Name,
			Principal: pulumi.String("logs.amazonaws.com"),
			SourceArn: acct.ApplyT(func(v any) string { return sourceArn(v.(account)) }).(pulumi.StringOutput),
			SourceAccount: acct.ApplyT(func(v any) string {
				return v.(account).ID
			}).(pulumi.StringOutput),
		}, parent)
	}
	var deps []pulumi.Resource
	switch args.Subscription {
	case SubscriptionAccount:
		p, err := permission(name+"-logs-account", func(a account) string { return a.logGroupArn("*") })
		if err != nil {
			return nil, err
		}
		if _, err := cloudwatch.NewLogAccountPolicy(ctx, name, &cloudwatch.LogAccountPolicyArgs{
			PolicyName: pulumi.String(args.FunctionName),
			PolicyType: pulumi.String("SUBSCRIPTION_FILTER_POLICY"),
			Scope:      pulumi.String("ALL"),
			PolicyDocument: fn.Function.Arn.ApplyT(func(arn string) string {
				return accountSubscriptionPolicy(arn, args.FilterPattern)
			}).(pulumi.StringOutput),
			SelectionCriteria: pulumi.String(SelectionCriteria(args.Exclude)),
		}, parent, pulumi.DependsOn([]pulumi.Resource{p})); err != nil {
			return nil, err
		}
	default:
		for i, prefix := range args.Prefixes {
			p, err := permission(fmt.Sprintf("%s-logs-prefix-%d", name, i), func(a account) string { return a.logGroupArn(prefix + "*") })
			if err != nil {
				return nil, err
			}
			deps = append(deps, p)
		}
		for _, g := range args.Groups {
			logical := name + "-logs-" + logicalSuffix(g)
			if !coveredByPrefix(g, args.Prefixes) {
				p, err := permission(logical, func(a account) string { return a.logGroupArn(g) })
				if err != nil {
					return nil, err
				}
				deps = append(deps, p)
			}
			if _, err := cloudwatch.NewLogSubscriptionFilter(ctx, logical, &cloudwatch.LogSubscriptionFilterArgs{
				// One name per stack, so dev and prod can subscribe the same group.
				Name:           pulumi.String(args.FunctionName),
				LogGroup:       pulumi.String(g),
				FilterPattern:  pulumi.String(args.FilterPattern),
				DestinationArn: fn.Function.Arn,
			}, parent, pulumi.DependsOn(deps)); err != nil {
				return nil, err
			}
		}
	}

	c.FunctionName, c.FunctionArn, c.RoleArn, c.LogGroupName = fn.Function.Name, fn.Function.Arn, fn.Role.Arn, fn.LogGroup.Name
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"functionName": c.FunctionName, "functionArn": c.FunctionArn, "roleArn": c.RoleArn, "logGroupName": c.LogGroupName,
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// logGroupArn is the ARN CloudWatch Logs invokes the function as, for a group (or a
// pattern of groups: "*", "/ecs/*").
func (a account) logGroupArn(group string) string {
	return a.arn("logs", "log-group:"+group+":*")
}

// SelectionCriteria is the account policy's selection: every log group but these.
func SelectionCriteria(exclude []string) string {
	quoted := make([]string, len(exclude))
	for i, g := range exclude {
		b, _ := json.Marshal(g)
		quoted[i] = string(b)
	}
	return "LogGroupName NOT IN [" + strings.Join(quoted, ", ") + "]"
}

// accountSubscriptionPolicy is the account policy's document: deliver matching lines to the
// intake.
func accountSubscriptionPolicy(destinationArn, filterPattern string) string {
	b, _ := json.Marshal(map[string]string{"DestinationArn": destinationArn, "FilterPattern": filterPattern, "Distribution": "Random"})
	return string(b)
}

// intakePolicy lets the intake send to the buffer queue (and, as its on-failure destination,
// the DLQ) and write its own logs: nothing else.
func intakePolicy(queueArn, dlqArn, logGroupArn string) string {
	return doc(
		Statement{
			// The DLQ is there because Lambda sends an event the intake failed on to its
			// on-failure destination with the function's role.
			Sid:      "EnqueueLogBatches",
			Effect:   "Allow",
			Action:   []string{"sqs:SendMessage"},
			Resource: []string{queueArn, dlqArn},
		},
		writeOwnLogs(logGroupArn),
	).String()
}

// logMappingPolicy lets the notifier place a log stream on its service: describe the tasks
// of the watched clusters, and read task definitions (which have no resource-level
// permission) to check their awslogs settings.
func logMappingPolicy(clusterArns []string) string {
	tasks := make([]string, len(clusterArns))
	for i, c := range clusterArns {
		tasks[i] = strings.Replace(c, ":cluster/", ":task/", 1) + "/*"
	}
	return doc(
		Statement{Sid: "DescribeWatchedTasks", Effect: "Allow", Action: []string{"ecs:DescribeTasks"}, Resource: tasks},
		readTaskDefinitions("ReadTaskDefinitionsForLogStreams"),
	).String()
}

// checkLogMappingLimit refuses a role whose inline policies, the notifier's and the one that
// lets it place log streams, would together pass IAM's limit.
func (a EcsChatAlertsArgs) checkLogMappingLimit(notifierPolicyJSON string) error {
	if !a.LogAlertsEnabled || len(a.ClusterArns) == 0 {
		return nil
	}
	extra := len(logMappingPolicy(a.ClusterArns))
	if total := len(notifierPolicyJSON) + extra; total > MaxRolePolicy {
		return &ArgError{Key: "clusterArns", Message: fmt.Sprintf(
			"the notifier's role policies would be %d characters with the %d log alerts need to describe the clusters' tasks, over IAM's %d for a role's inline policies; list fewer clusters or services",
			total, extra, MaxRolePolicy)}
	}
	return nil
}

// newLogAlerts creates the intake and its subscriptions, and lets the notifier place streams
// on services, when log alerts are on.
func newLogAlerts(ctx *pulumi.Context, name string, args EcsChatAlertsArgs, code pulumi.Archive, buffer *Buffer, notifier *Notifier, parent pulumi.ResourceOption) error {
	if !args.LogAlertsEnabled {
		return nil
	}
	own := ownLogGroups(ctx.Project(), ctx.Stack(), name)
	groups, prefixes, err := resolveGroups(ctx, args.LogAlertGroups, own)
	if err != nil {
		return err
	}
	if _, err := NewLogIntake(ctx, name+"-logs", LogIntakeArgs{
		FunctionName:     IntakeFunctionName(ctx.Project(), ctx.Stack(), name),
		Code:             code,
		QueueArn:         buffer.QueueArn,
		QueueUrl:         buffer.QueueUrl,
		DlqArn:           buffer.DlqArn,
		Subscription:     args.LogAlertSubscription,
		Groups:           groups,
		Prefixes:         prefixes,
		FilterPattern:    args.LogAlertFilterPattern,
		Exclude:          append(own, args.LogAlertExcludeGroups...),
		LogLevel:         args.LogLevel,
		LogRetentionDays: args.LogRetentionDays,
	}, parent); err != nil {
		return err
	}
	if len(args.ClusterArns) == 0 {
		return nil
	}
	_, err = iam.NewRolePolicy(ctx, name+"-notifier-log-streams", &iam.RolePolicyArgs{
		Role:   notifier.RoleArn.ApplyT(func(arn string) string { return arn[strings.LastIndex(arn, "/")+1:] }).(pulumi.StringOutput),
		Policy: pulumi.String(logMappingPolicy(args.ClusterArns)),
	}, parent)
	return err
}

// resolveGroups lists the log groups to subscribe: the names given, and the groups that
// exist now under each prefix (a group created later is subscribed by the next `pulumi up`).
// foghorn's own groups are never among them.
func resolveGroups(ctx *pulumi.Context, entries, own []string) (groups, prefixes []string, err error) {
	seen := map[string]bool{}
	add := func(g string) {
		if !seen[g] && !slices.Contains(own, g) {
			seen[g] = true
			groups = append(groups, g)
		}
	}
	for _, e := range entries {
		p, isPrefix := strings.CutSuffix(e, "*")
		if !isPrefix {
			add(e)
			continue
		}
		prefixes = append(prefixes, p)
		found, err := cloudwatch.GetLogGroups(ctx, &cloudwatch.GetLogGroupsArgs{LogGroupNamePrefix: &p})
		if err != nil {
			return nil, nil, fmt.Errorf("logAlertGroups: listing the log groups under %q: %w", p, err)
		}
		names := append([]string(nil), found.LogGroupNames...)
		slices.Sort(names)
		for _, g := range names {
			add(g)
		}
	}
	return groups, prefixes, nil
}

func coveredByPrefix(g string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(g, p) {
			return true
		}
	}
	return false
}

// logicalSuffix turns a log group name into a stable piece of a logical name.
func logicalSuffix(g string) string {
	s := strings.Trim(strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '-'
	}, g), "-")
	h := sha256.Sum256([]byte(g)) // "/a_b" and "/a-b" read alike
	return s + "-" + hex.EncodeToString(h[:3])
}
