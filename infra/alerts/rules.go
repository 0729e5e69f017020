package alerts

import (
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/foghornhq/foghorn/infra/eventpattern"
)

// EventRulesArgs lists the rules to create and the topic they publish to.
type EventRulesArgs struct {
	TopicArn pulumi.StringInput  `pulumi:"topicArn"`
	Rules    []eventpattern.Rule `pulumi:"rules"`
}

// EventRules is one EventBridge rule per event class, each targeting the alert topic, and the
// topic policy that lets exactly those rules (and the account's CloudWatch alarms) publish.
type EventRules struct {
	pulumi.ResourceState

	RuleArns pulumi.StringArrayOutput `pulumi:"ruleArns"`
}

// NewEventRules creates the rules, their targets and the topic policy.
func NewEventRules(ctx *pulumi.Context, name string, args EventRulesArgs, opts ...pulumi.ResourceOption) (*EventRules, error) {
	r := &EventRules{}
	if err := ctx.RegisterComponentResource("foghorn:index:EventRules", name, r, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(r)

	var arns pulumi.StringArray
	for _, rule := range args.Rules {
		child := name + "-" + string(rule.Class)
		er, err := cloudwatch.NewEventRule(ctx, child, &cloudwatch.EventRuleArgs{
			Description:  pulumi.String("foghorn: " + rule.Description),
			EventPattern: pulumi.String(rule.Pattern),
		}, parent)
		if err != nil {
			return nil, err
		}
		if _, err := cloudwatch.NewEventTarget(ctx, child, &cloudwatch.EventTargetArgs{
			Rule: er.Name,
			Arn:  args.TopicArn,
		}, parent); err != nil {
			return nil, err
		}
		arns = append(arns, er.Arn)
	}

	if _, err := sns.NewTopicPolicy(ctx, name, &sns.TopicPolicyArgs{
		Arn: args.TopicArn,
		Policy: pulumi.All(args.TopicArn, arns.ToStringArrayOutput()).ApplyT(func(v []any) string {
			topic := v[0].(string)
			return topicPolicy(accountOf(topic), topic, v[1].([]string))
		}).(pulumi.StringOutput),
	}, parent); err != nil {
		return nil, err
	}

	r.RuleArns = arns.ToStringArrayOutput()
	if err := ctx.RegisterResourceOutputs(r, pulumi.Map{"ruleArns": r.RuleArns}); err != nil {
		return nil, err
	}
	return r, nil
}

// accountOf reads partition, region and account from any regional ARN
// (arn:<partition>:<service>:<region>:<account>:...).
func accountOf(arn string) account {
	f := strings.SplitN(arn, ":", 6)
	if len(f) < 6 {
		return account{}
	}
	return account{Partition: f[1], Region: f[3], ID: f[4]}
}
