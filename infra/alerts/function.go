package alerts

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Environment variables the notifier's binary reads. A function's environment holds
// parameter names and plain settings only, never a secret.
const (
	EnvConfigParam = "FOGHORN_CONFIG_PARAM"
	EnvLogLevel    = "FOGHORN_LOG_LEVEL"
	// EnvStateTable names the DynamoDB table of crash-loop stories, the delivery ledger and the
	// last config document that worked.
	EnvStateTable = "FOGHORN_STATE_TABLE"
	// EnvOpsTopicArn names the ops topic, where the notifier tells what is wrong with its
	// configuration (a broken destination, a document it could not use).
	EnvOpsTopicArn = "FOGHORN_OPS_TOPIC_ARN"
	// EnvMode makes the binary the log intake (ModeIntake, lambda/intake) or the chat actions
	// endpoint (ModeActions, lambda/actions_main.go) instead of the notifier.
	EnvMode     = "FOGHORN_MODE"
	ModeIntake  = "intake"
	ModeActions = "actions"
	// EnvQueueURL is the buffer queue the intake sends to.
	EnvQueueURL = "FOGHORN_QUEUE_URL"
)

// functionArgs describe one of the three functions the stack runs from the notifier's zip:
// the notifier, the log intake and the actions endpoint.
type functionArgs struct {
	// Name is the physical name, fixed up front because the log group /aws/lambda/<name>
	// must exist before the function does.
	Name        string
	Description string
	Code        pulumi.Archive
	MemorySize  int
	Timeout     int
	Environment pulumi.StringMap
	// RoleName is the logical name of the role and of its inline policy.
	RoleName        string
	RoleDescription string
	// Policy makes the role's inline policy from the ARN of the function's log group.
	Policy           func(logGroupArn pulumi.StringOutput) pulumi.StringOutput
	LogRetentionDays int
}

// function is a function with the role it runs as and the log group it writes to.
type function struct {
	Function   *lambda.Function
	Role       *iam.Role
	RolePolicy *iam.RolePolicy
	LogGroup   *cloudwatch.LogGroup
}

// newFunction creates a function, its log group, role and role policy. It is not a
// component of its own: the resources are registered under parent, the caller's component,
// with the logical names name and args.RoleName, so their URNs are those they always had.
func newFunction(ctx *pulumi.Context, name string, args functionArgs, parent pulumi.ResourceOption) (function, error) {
	var f function
	var err error
	f.LogGroup, err = cloudwatch.NewLogGroup(ctx, name, &cloudwatch.LogGroupArgs{
		// The one fixed physical name: Lambda writes to /aws/lambda/<function name>.
		Name:            pulumi.String("/aws/lambda/" + args.Name),
		RetentionInDays: pulumi.Int(args.LogRetentionDays),
	}, parent)
	if err != nil {
		return f, err
	}
	f.Role, err = iam.NewRole(ctx, args.RoleName, &iam.RoleArgs{
		Description:      pulumi.String(args.RoleDescription),
		AssumeRolePolicy: pulumi.String(assumeRolePolicy()),
	}, parent)
	if err != nil {
		return f, err
	}
	f.RolePolicy, err = iam.NewRolePolicy(ctx, args.RoleName, &iam.RolePolicyArgs{
		Role:   f.Role.ID(),
		Policy: args.Policy(f.LogGroup.Arn),
	}, parent)
	if err != nil {
		return f, err
	}
	f.Function, err = lambda.NewFunction(ctx, name, &lambda.FunctionArgs{
		Name:          pulumi.String(args.Name),
		Description:   pulumi.String(args.Description),
		Runtime:       pulumi.String("provided.al2023"),
		Architectures: pulumi.StringArray{pulumi.String("arm64")},
		Handler:       pulumi.String("bootstrap"),
		Code:          args.Code,
		Role:          f.Role.Arn,
		MemorySize:    pulumi.Int(args.MemorySize),
		Timeout:       pulumi.Int(args.Timeout),
		Environment:   &lambda.FunctionEnvironmentArgs{Variables: args.Environment},
	}, parent,
		// The log group first, so Lambda does not create it without a retention; the role
		// policy first, so the first cold start can read its parameters.
		pulumi.DependsOn([]pulumi.Resource{f.LogGroup, f.RolePolicy}))
	return f, err
}

// stringOrEmpty is an optional input's value, "" when it is unset.
func stringOrEmpty(v pulumi.StringPtrInput) pulumi.StringOutput {
	if v == nil {
		return pulumi.String("").ToStringOutput()
	}
	return v.ToStringPtrOutput().Elem()
}
