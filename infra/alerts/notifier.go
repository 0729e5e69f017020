package alerts

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/foghornhq/foghorn/lambda/config"
)

// NotifierArgs configures the function and what it reads.
type NotifierArgs struct {
	// FunctionName is fixed up front because the log group /aws/lambda/<name> must exist
	// before the function does.
	FunctionName string `pulumi:"functionName"`
	// Code is the deployment zip (one bootstrap entry).
	Code pulumi.Archive `pulumi:"code"`
	// Secrets are the destinations' credentials. Each goes into an SSM SecureString parameter
	// of its own and nowhere else.
	Secrets []DestinationSecrets `pulumi:"secrets"`
	// Document is the config document; its destinations' secretParam and signingSecretParam
	// are filled in with the parameters' names. Its logs settings also decide the log-tail
	// permissions: with the log tail on, the groups under its logGroupPrefixes, or every group
	// when it lists none. It is stored in the Standard tier up to MaxStandardParameter
	// characters, in Intelligent-Tiering up to MaxAdvancedParameter, and refused past that.
	Document config.Document `pulumi:"document"`
	// LogRegions are the regions whose log groups the log tail may read. Default: the stack's.
	LogRegions []string `pulumi:"logRegions,optional"`
	// KmsKeyArn, if set, encrypts the secret parameters with a customer-managed key.
	KmsKeyArn pulumi.StringPtrInput `pulumi:"kmsKeyArn,optional"`

	// StateTableName and StateTableArn are the table the function reads and writes its state in.
	StateTableName pulumi.StringInput `pulumi:"stateTableName"`
	StateTableArn  pulumi.StringInput `pulumi:"stateTableArn"`
	// ClusterArns and ServiceNames are the services whose events the rules deliver: the
	// function may describe those (rollback messages name the revisions), and only those.
	ClusterArns  []string `pulumi:"clusterArns,optional"`
	ServiceNames []string `pulumi:"serviceNames,optional"`

	// OpsTopicArn is the ops topic: the function may publish to it, and to no other topic.
	OpsTopicArn pulumi.StringInput `pulumi:"opsTopicArn"`

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

	FunctionName        pulumi.StringOutput `pulumi:"functionName"`
	FunctionArn         pulumi.StringOutput `pulumi:"functionArn"`
	RoleArn             pulumi.StringOutput `pulumi:"roleArn"`
	ConfigParameterName pulumi.StringOutput `pulumi:"configParameterName"`
	// SecretParameterNames are the SecureString parameters, in the order of Secrets (each
	// secret, then its signing secret if any).
	SecretParameterNames pulumi.StringArrayOutput `pulumi:"secretParameterNames"`
	LogGroupName         pulumi.StringOutput      `pulumi:"logGroupName"`
}

// NewNotifier creates the notifier's resources.
func NewNotifier(ctx *pulumi.Context, name string, args NotifierArgs, opts ...pulumi.ResourceOption) (*Notifier, error) {
	n := &Notifier{}
	if err := ctx.RegisterComponentResource("foghorn:index:Notifier", name, n, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(n)

	// One parameter per secret, so the function's permission lists exactly the ones the
	// document names, and a rotated webhook touches one parameter.
	var paramNames, paramArns pulumi.StringArray
	secretParam := func(logical, description string, value pulumi.StringInput) error {
		p, err := ssm.NewParameter(ctx, logical, &ssm.ParameterArgs{
			Type:        ssm.ParameterTypeSecureString,
			Description: pulumi.String(description),
			// ToSecret again even if the caller forgot: the value is a credential.
			Value: pulumi.ToSecret(value).(pulumi.StringOutput),
			KeyId: args.KmsKeyArn,
		}, parent)
		if err != nil {
			return err
		}
		paramNames, paramArns = append(paramNames, p.Name), append(paramArns, p.Arn)
		return nil
	}
	for _, d := range args.Secrets {
		if err := secretParam(d.SecretParam, "foghorn: webhook URL or token of destination "+d.Destination, d.Secret); err != nil {
			return nil, err
		}
		if d.SigningSecret != nil {
			if err := secretParam(d.SigningSecretParam, "foghorn: signing key of destination "+d.Destination, d.SigningSecret); err != nil {
				return nil, err
			}
		}
	}
	// The tier is decided now, from the document with its parameter names at their longest,
	// so preview shows it; the apply checks the real document against it.
	size, err := documentSize(args.Document, args.Secrets)
	if err != nil {
		return nil, err
	}
	tier, limit, ok := parameterTier(size)
	if !ok {
		return nil, fmt.Errorf("the config document would be %d characters, over the %d an SSM parameter holds", size, MaxAdvancedParameter)
	}
	document := paramNames.ToStringArrayOutput().ApplyT(func(names []string) (string, error) {
		d, err := fillDocument(args.Document, args.Secrets, names)
		if err != nil {
			return "", err
		}
		if err := d.Validate(); err != nil {
			return "", err
		}
		js, err := encodeDocument(d)
		if err == nil && len(js) > limit {
			// Only a parameter name longer than auto-naming's (a custom autonaming pattern)
			// gets here.
			err = fmt.Errorf("the config document is %d characters, over the %d of the %s tier chosen for it at preview", len(js), limit, tier)
		}
		return js, err
	}).(pulumi.StringOutput)
	cfg, err := ssm.NewParameter(ctx, name+"-config", &ssm.ParameterArgs{
		Type:        ssm.ParameterTypeString,
		Tier:        pulumi.String(tier),
		Description: pulumi.String("foghorn: notifier config document (lambda/config); names parameters, holds no secret"),
		Value:       document,
	}, parent)
	if err != nil {
		return nil, err
	}

	fn, err := newFunction(ctx, name, functionArgs{
		Name:        args.FunctionName,
		Description: "foghorn notifier: ECS and CloudWatch events to chat",
		Code:        args.Code,
		MemorySize:  args.MemorySize,
		Timeout:     args.Timeout,
		Environment: pulumi.StringMap{
			EnvConfigParam: cfg.Name,
			EnvLogLevel:    pulumi.String(args.LogLevel),
			EnvStateTable:  args.StateTableName,
			EnvOpsTopicArn: args.OpsTopicArn,
		},
		RoleName:        name + "-notifier",
		RoleDescription: "foghorn notifier: reads its parameters, consumes its queue, writes its logs",
		Policy: func(logGroupArn pulumi.StringOutput) pulumi.StringOutput {
			return pulumi.All(args.QueueArn, logGroupArn, cfg.Arn, paramArns.ToStringArrayOutput(), stringOrEmpty(args.KmsKeyArn), args.StateTableArn, args.OpsTopicArn).ApplyT(func(v []any) (string, error) {
				queue := v[0].(string)
				return notifierPolicy(notifierPolicyArgs{
					Account:          accountOf(queue),
					QueueArn:         queue,
					LogGroupArn:      v[1].(string),
					ConfigParamArn:   v[2].(string),
					SecretParamArns:  v[3].([]string),
					KmsKeyArn:        v[4].(string),
					StateTableArn:    v[5].(string),
					OpsTopicArn:      v[6].(string),
					ClusterArns:      args.ClusterArns,
					ServiceNames:     args.ServiceNames,
					LogTail:          args.Document.Logs.Enabled,
					LogGroupPrefixes: args.Document.Logs.LogGroupPrefixes,
					LogRegions:       args.LogRegions,
				})
			}).(pulumi.StringOutput)
		},
		LogRetentionDays: args.LogRetentionDays,
	}, parent)
	if err != nil {
		return nil, err
	}

	if _, err := lambda.NewEventSourceMapping(ctx, name, &lambda.EventSourceMappingArgs{
		EventSourceArn:                 args.QueueArn,
		FunctionName:                   fn.Function.Arn,
		BatchSize:                      pulumi.Int(args.BatchSize),
		MaximumBatchingWindowInSeconds: pulumi.Int(args.BatchingWindow),
		// Failed records go back one by one; the rest of the batch is not retried.
		FunctionResponseTypes: pulumi.StringArray{pulumi.String("ReportBatchItemFailures")},
		ScalingConfig: &lambda.EventSourceMappingScalingConfigArgs{
			MaximumConcurrency: pulumi.Int(args.MaxConcurrency),
		},
	}, parent, pulumi.DependsOn([]pulumi.Resource{fn.RolePolicy})); err != nil {
		return nil, err
	}

	n.FunctionName, n.FunctionArn, n.RoleArn = fn.Function.Name, fn.Function.Arn, fn.Role.Arn
	n.ConfigParameterName, n.SecretParameterNames, n.LogGroupName = cfg.Name, paramNames.ToStringArrayOutput(), fn.LogGroup.Name
	if err := ctx.RegisterResourceOutputs(n, pulumi.Map{
		"functionName": n.FunctionName, "functionArn": n.FunctionArn, "roleArn": n.RoleArn,
		"configParameterName": n.ConfigParameterName, "secretParameterNames": n.SecretParameterNames,
		"logGroupName": n.LogGroupName,
	}); err != nil {
		return nil, err
	}
	return n, nil
}
