package alerts

import (
	"encoding/json"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/foghornhq/foghorn/lambda/config"
)

// Environment variables the notifier reads. The function's environment holds parameter names
// and plain settings only, never a secret.
const (
	EnvConfigParam = "FOGHORN_CONFIG_PARAM"
	EnvLogLevel    = "FOGHORN_LOG_LEVEL"
)

// NotifierArgs configures the function and what it reads.
type NotifierArgs struct {
	// FunctionName is fixed up front because the log group /aws/lambda/<name> must exist
	// before the function does.
	FunctionName string `pulumi:"functionName"`
	// Code is the deployment zip (one bootstrap entry).
	Code pulumi.Archive `pulumi:"code"`
	// WebhookUrl goes into an SSM SecureString parameter and nowhere else.
	WebhookUrl pulumi.StringInput `pulumi:"webhookUrl"`
	// Document is the config document; its destination's secretParam is filled in with the
	// webhook parameter's name.
	Document config.Document `pulumi:"document"`
	// KmsKeyArn, if set, encrypts the webhook parameter with a customer-managed key.
	KmsKeyArn pulumi.StringPtrInput `pulumi:"kmsKeyArn,optional"`

	QueueArn         pulumi.StringInput `pulumi:"queueArn"`
	LogLevel         string             `pulumi:"logLevel"`
	MemorySize       int                `pulumi:"memorySize"`
	Timeout          int                `pulumi:"timeout"`
	BatchSize        int                `pulumi:"batchSize"`
	BatchingWindow   int                `pulumi:"batchingWindow"`
	MaxConcurrency   int                `pulumi:"maxConcurrency"`
	LogRetentionDays int                `pulumi:"logRetentionDays"`
}

// Notifier is the Lambda function with its role, parameters, log group and queue mapping.
type Notifier struct {
	pulumi.ResourceState

	FunctionName         pulumi.StringOutput `pulumi:"functionName"`
	FunctionArn          pulumi.StringOutput `pulumi:"functionArn"`
	RoleArn              pulumi.StringOutput `pulumi:"roleArn"`
	ConfigParameterName  pulumi.StringOutput `pulumi:"configParameterName"`
	WebhookParameterName pulumi.StringOutput `pulumi:"webhookParameterName"`
	LogGroupName         pulumi.StringOutput `pulumi:"logGroupName"`
}

// NewNotifier creates the notifier's resources.
func NewNotifier(ctx *pulumi.Context, name string, args NotifierArgs, opts ...pulumi.ResourceOption) (*Notifier, error) {
	n := &Notifier{}
	if err := ctx.RegisterComponentResource("foghorn:index:Notifier", name, n, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(n)

	secret, err := ssm.NewParameter(ctx, name+"-webhook", &ssm.ParameterArgs{
		Type:        ssm.ParameterTypeSecureString,
		Description: pulumi.String("foghorn: chat webhook URL of the default destination"),
		// ToSecret again even if the caller forgot: the value is a credential.
		Value: pulumi.ToSecret(args.WebhookUrl).(pulumi.StringOutput),
		KeyId: args.KmsKeyArn,
	}, parent)
	if err != nil {
		return nil, err
	}
	document := secret.Name.ApplyT(func(param string) (string, error) {
		d := args.Document
		d.Destinations = append([]config.Destination(nil), d.Destinations...)
		d.Destinations[0].SecretParam = param
		if err := d.Validate(); err != nil {
			return "", err
		}
		b, err := json.Marshal(d)
		return string(b), err
	}).(pulumi.StringOutput)
	cfg, err := ssm.NewParameter(ctx, name+"-config", &ssm.ParameterArgs{
		Type:        ssm.ParameterTypeString,
		Description: pulumi.String("foghorn: notifier config document (lambda/config); names parameters, holds no secret"),
		Value:       document,
	}, parent)
	if err != nil {
		return nil, err
	}

	logGroup, err := cloudwatch.NewLogGroup(ctx, name, &cloudwatch.LogGroupArgs{
		// The one fixed physical name: Lambda writes to /aws/lambda/<function name>.
		Name:            pulumi.String("/aws/lambda/" + args.FunctionName),
		RetentionInDays: pulumi.Int(args.LogRetentionDays),
	}, parent)
	if err != nil {
		return nil, err
	}

	role, err := iam.NewRole(ctx, name+"-notifier", &iam.RoleArgs{
		Description:      pulumi.String("foghorn notifier: reads its parameters, consumes its queue, writes its logs"),
		AssumeRolePolicy: pulumi.String(assumeRolePolicy()),
	}, parent)
	if err != nil {
		return nil, err
	}
	keyArn := pulumi.StringPtr("").ToStringPtrOutput()
	if args.KmsKeyArn != nil {
		keyArn = args.KmsKeyArn.ToStringPtrOutput()
	}
	rolePolicy, err := iam.NewRolePolicy(ctx, name+"-notifier", &iam.RolePolicyArgs{
		Role: role.ID(),
		Policy: pulumi.All(args.QueueArn, logGroup.Arn, cfg.Arn, secret.Arn, keyArn).ApplyT(func(v []any) string {
			key := ""
			if k, ok := v[4].(*string); ok && k != nil {
				key = *k
			}
			queue := v[0].(string)
			return notifierPolicy(notifierPolicyArgs{
				Account:        accountOf(queue),
				QueueArn:       queue,
				LogGroupArn:    v[1].(string),
				ConfigParamArn: v[2].(string),
				SecretParamArn: v[3].(string),
				KmsKeyArn:      key,
			})
		}).(pulumi.StringOutput),
	}, parent)
	if err != nil {
		return nil, err
	}

	fn, err := lambda.NewFunction(ctx, name, &lambda.FunctionArgs{
		Name:          pulumi.String(args.FunctionName),
		Description:   pulumi.String("foghorn notifier: ECS and CloudWatch events to chat"),
		Runtime:       pulumi.String("provided.al2023"),
		Architectures: pulumi.StringArray{pulumi.String("arm64")},
		Handler:       pulumi.String("bootstrap"),
		Code:          args.Code,
		Role:          role.Arn,
		MemorySize:    pulumi.Int(args.MemorySize),
		Timeout:       pulumi.Int(args.Timeout),
		Environment: &lambda.FunctionEnvironmentArgs{Variables: pulumi.StringMap{
			EnvConfigParam: cfg.Name,
			EnvLogLevel:    pulumi.String(args.LogLevel),
		}},
	}, parent,
		// The log group first, so Lambda does not create it without a retention; the role
		// policy first, so the first cold start can read its parameters.
		pulumi.DependsOn([]pulumi.Resource{logGroup, rolePolicy}))
	if err != nil {
		return nil, err
	}

	if _, err := lambda.NewEventSourceMapping(ctx, name, &lambda.EventSourceMappingArgs{
		EventSourceArn:                 args.QueueArn,
		FunctionName:                   fn.Arn,
		BatchSize:                      pulumi.Int(args.BatchSize),
		MaximumBatchingWindowInSeconds: pulumi.Int(args.BatchingWindow),
		// Failed records go back one by one; the rest of the batch is not retried.
		FunctionResponseTypes: pulumi.StringArray{pulumi.String("ReportBatchItemFailures")},
		ScalingConfig: &lambda.EventSourceMappingScalingConfigArgs{
			MaximumConcurrency: pulumi.Int(args.MaxConcurrency),
		},
	}, parent, pulumi.DependsOn([]pulumi.Resource{rolePolicy})); err != nil {
		return nil, err
	}

	n.FunctionName, n.FunctionArn, n.RoleArn = fn.Name, fn.Arn, role.Arn
	n.ConfigParameterName, n.WebhookParameterName, n.LogGroupName = cfg.Name, secret.Name, logGroup.Name
	if err := ctx.RegisterResourceOutputs(n, pulumi.Map{
		"functionName": n.FunctionName, "functionArn": n.FunctionArn, "roleArn": n.RoleArn,
		"configParameterName": n.ConfigParameterName, "webhookParameterName": n.WebhookParameterName,
		"logGroupName": n.LogGroupName,
	}); err != nil {
		return nil, err
	}
	return n, nil
}
