package alerts

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"regexp"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/foghornhq/foghorn/infra/notifierzip"
)

// Type is the component's type token. It is part of every child's URN: renaming it is a
// breaking change unless an alias is added.
const Type = "foghorn:index:EcsChatAlerts"

// EcsChatAlerts is the deployed stack.
type EcsChatAlerts struct {
	pulumi.ResourceState

	// TopicArn is the stack's public input: other stacks point alarm actions and scripts at it.
	TopicArn pulumi.StringOutput `pulumi:"topicArn"`
	// QueueArn and DeadLetterQueueArn are the buffer queue and its DLQ.
	QueueArn           pulumi.StringOutput `pulumi:"queueArn"`
	DeadLetterQueueArn pulumi.StringOutput `pulumi:"deadLetterQueueArn"`
	// FunctionName is the notifier Lambda.
	FunctionName pulumi.StringOutput `pulumi:"functionName"`
	// OpsTopicArn receives the watchdog alarms on the notifier itself.
	OpsTopicArn pulumi.StringOutput `pulumi:"opsTopicArn"`
	// ConfigParameterName is the SSM parameter holding the notifier's config document.
	ConfigParameterName pulumi.StringOutput `pulumi:"configParameterName"`
	// StateTableName is the DynamoDB table holding crash-loop stories and the delivery ledger.
	StateTableName pulumi.StringOutput `pulumi:"stateTableName"`
	// KmsKeyArn is the key encrypting the topics and the secret parameters, if any.
	KmsKeyArn pulumi.StringPtrOutput `pulumi:"kmsKeyArn"`
	// ActionsUrl is the chat actions endpoint's request URL, for the Slack app's
	// interactivity settings; "" when actions are off. Not a secret: Slack signs what it sends.
	ActionsUrl pulumi.StringOutput `pulumi:"actionsUrl"`
}

// Auto-naming appends "-" and 7 random characters to a logical name.
const autoNameSuffix = 8

// Name limits. The longest child logical name is "<name>-container-instance" (an EventBridge
// rule, 64 characters with the suffix), which bounds the component name.
const (
	maxRuleName     = 64
	longestRuleTail = len("-container-instance")
	// MaxNameLength is the longest component name whose children all fit AWS's limits.
	MaxNameLength = maxRuleName - autoNameSuffix - longestRuleTail
)

var nameRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]*$`)

// NewEcsChatAlerts validates args, builds the notifier (unless args.NotifierZip names a
// prebuilt zip) and creates the stack.
func NewEcsChatAlerts(ctx *pulumi.Context, name string, args EcsChatAlertsArgs, opts ...pulumi.ResourceOption) (*EcsChatAlerts, error) {
	args.Region = cmp.Or(args.Region, StackRegion(ctx))
	args, rules, err := prepare(name, ctx.Stack(), args)
	if err != nil {
		return nil, err
	}
	if err := args.checkOwnLogGroups(ctx.Project(), ctx.Stack(), name); err != nil {
		return nil, err
	}
	// validate has checked the document with the notifier's own code; the Notifier fills in
	// the real parameter names, but for the signing secret's, which is fixed (actions.go).
	document := args.document()
	if document.Actions.Enabled {
		document.Actions.SigningSecretParam = SigningSecretParameterName(ctx.Project(), ctx.Stack(), name)
	}
	var secrets []DestinationSecrets
	for _, d := range args.destinations(name) {
		secrets = append(secrets, d.checked())
	}

	// The build runs in preview too: the engine hashes the zip to decide whether code changed.
	zip := args.NotifierZip
	if zip == "" {
		zip, err = notifierzip.Build(contextOf(ctx), notifierzip.Options{Dir: args.NotifierBuildDir})
		if err != nil {
			return nil, fmt.Errorf("building the notifier (set notifierZip to use a prebuilt zip): %w", err)
		}
	}

	c := &EcsChatAlerts{}
	if err := ctx.RegisterComponentResource(Type, name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)
	for _, w := range args.warnings() {
		if err := ctx.Log.Warn(w, &pulumi.LogArgs{Resource: c}); err != nil {
			return nil, err
		}
	}

	var keyArn pulumi.StringPtrInput
	switch {
	case args.CreateKmsKey:
		key, err := newKey(ctx, name, parent)
		if err != nil {
			return nil, err
		}
		keyArn = key.Arn.ToStringPtrOutput()
	case args.KmsKeyArn != "":
		keyArn = pulumi.StringPtr(args.KmsKeyArn)
	}

	topic, err := sns.NewTopic(ctx, name, &sns.TopicArgs{
		DisplayName:    pulumi.String("foghorn alerts"),
		KmsMasterKeyId: keyArn,
	}, parent)
	if err != nil {
		return nil, err
	}
	if _, err := NewEventRules(ctx, name, EventRulesArgs{TopicArn: topic.Arn, Rules: rules}, parent); err != nil {
		return nil, err
	}

	window := *args.BatchingWindow
	buffer, err := NewBuffer(ctx, name, BufferArgs{
		TopicArn:          topic.Arn,
		VisibilityTimeout: VisibilityTimeout(args.Timeout, window),
		MaxReceiveCount:   args.MaxReceiveCount,
	}, parent)
	if err != nil {
		return nil, err
	}

	table, err := NewStateTable(ctx, name, StateTableArgs{
		PointInTimeRecovery: args.StateTablePointInTimeRecovery,
	}, parent)
	if err != nil {
		return nil, err
	}

	// The watchdog first: the function publishes to its ops topic. Its alarms name the
	// function by the name it will have.
	fnName := FunctionName(ctx.Project(), ctx.Stack(), name)
	watchdog, err := NewWatchdog(ctx, watchdogName(name), WatchdogArgs{
		FunctionName:              pulumi.String(fnName),
		QueueName:                 buffer.QueueName,
		DlqName:                   buffer.DlqName,
		OldestMessageAlarmSeconds: args.OldestMessageAlarmSeconds,
		OpsEmail:                  args.OpsEmail,
		KmsKeyArn:                 keyArn,
	}, parent)
	if err != nil {
		return nil, err
	}

	notifier, err := NewNotifier(ctx, name, NotifierArgs{
		FunctionName:     fnName,
		Code:             pulumi.NewFileArchive(zip),
		Secrets:          secrets,
		Document:         document,
		LogRegions:       args.LogRegions,
		KmsKeyArn:        keyArn,
		StateTableName:   table.TableName,
		StateTableArn:    table.TableArn,
		OpsTopicArn:      watchdog.OpsTopicArn,
		ClusterArns:      args.ClusterArns,
		ServiceNames:     args.ServiceNames,
		QueueArn:         buffer.QueueArn,
		LogLevel:         args.LogLevel,
		MemorySize:       args.MemorySize,
		Timeout:          args.Timeout,
		BatchSize:        args.BatchSize,
		BatchingWindow:   window,
		MaxConcurrency:   args.MaxConcurrency,
		LogRetentionDays: args.LogRetentionDays,
	}, parent)
	if err != nil {
		return nil, err
	}

	if err := newLogAlerts(ctx, name, args, pulumi.NewFileArchive(zip), buffer, notifier, parent); err != nil {
		return nil, err
	}
	actionsUrl, err := newActions(ctx, name, args, document, pulumi.NewFileArchive(zip), table, notifier, keyArn, parent)
	if err != nil {
		return nil, err
	}

	c.TopicArn = topic.Arn
	c.QueueArn = buffer.QueueArn
	c.DeadLetterQueueArn = buffer.DlqArn
	c.FunctionName = notifier.FunctionName
	c.OpsTopicArn = watchdog.OpsTopicArn
	c.ConfigParameterName = notifier.ConfigParameterName
	c.StateTableName = table.TableName
	c.ActionsUrl = actionsUrl
	c.KmsKeyArn = pulumi.StringPtr("").ToStringPtrOutput()
	if keyArn != nil {
		c.KmsKeyArn = keyArn.ToStringPtrOutput()
	}
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"topicArn":            c.TopicArn,
		"queueArn":            c.QueueArn,
		"deadLetterQueueArn":  c.DeadLetterQueueArn,
		"functionName":        c.FunctionName,
		"opsTopicArn":         c.OpsTopicArn,
		"configParameterName": c.ConfigParameterName,
		"stateTableName":      c.StateTableName,
		"kmsKeyArn":           c.KmsKeyArn,
		"actionsUrl":          c.ActionsUrl,
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// newKey creates the customer-managed key. Its policy needs the account, partition and region
// before any other resource exists, hence the lookups.
func newKey(ctx *pulumi.Context, name string, parent pulumi.ResourceOrInvokeOption) (*kms.Key, error) {
	id := aws.GetCallerIdentityOutput(ctx, aws.GetCallerIdentityOutputArgs{}, parent)
	part := aws.GetPartitionOutput(ctx, aws.GetPartitionOutputArgs{}, parent)
	region := aws.GetRegionOutput(ctx, aws.GetRegionOutputArgs{}, parent)
	policy := pulumi.All(id.AccountId(), part.Partition(), region.Name()).ApplyT(func(v []any) string {
		return keyPolicy(account{ID: v[0].(string), Partition: v[1].(string), Region: v[2].(string)})
	}).(pulumi.StringOutput)
	return kms.NewKey(ctx, name+"-key", &kms.KeyArgs{
		Description:       pulumi.String("foghorn: alert topics and webhook parameter"),
		EnableKeyRotation: pulumi.Bool(true),
		Policy:            policy,
	}, parent)
}

// VisibilityTimeout is the buffer queue's visibility timeout: six times the function timeout
// plus the batching window, as AWS advises for SQS event sources, so a record is not handed to
// a second invocation while the first still works on it.
func VisibilityTimeout(functionTimeout, batchingWindow int) int {
	return 6*functionTimeout + batchingWindow
}

// FunctionName is the notifier's physical name: the component name and a short hash of
// project, stack and name, so two stacks in one account never collide and the name is known
// before the function exists.
func FunctionName(project, stack, name string) string {
	h := sha256.Sum256([]byte(project + "/" + stack + "/" + name))
	return name + "-" + hex.EncodeToString(h[:])[:autoNameSuffix-1]
}

// StackRegion is the region the default AWS provider deploys to, as the provider finds it: the
// aws:region stack config, else AWS_REGION, else AWS_DEFAULT_REGION; "" when none says.
func StackRegion(ctx *pulumi.Context) string {
	r, _ := ctx.GetConfig("aws:region")
	return cmp.Or(r, os.Getenv("AWS_REGION"), os.Getenv("AWS_DEFAULT_REGION"))
}

func contextOf(ctx *pulumi.Context) context.Context {
	if c := ctx.Context(); c != nil {
		return c
	}
	return context.Background()
}
