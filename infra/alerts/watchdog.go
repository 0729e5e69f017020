package alerts

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// WatchdogArgs names what the watchdog watches and whom it tells.
type WatchdogArgs struct {
	FunctionName pulumi.StringInput `pulumi:"functionName"`
	QueueName    pulumi.StringInput `pulumi:"queueName"`
	DlqName      pulumi.StringInput `pulumi:"dlqName"`
	// OldestMessageAlarmSeconds is the queue age, in seconds, that means alerts are late.
	OldestMessageAlarmSeconds int `pulumi:"oldestMessageAlarmSeconds"`
	// OpsEmail, if set, is subscribed to the ops topic (AWS mails a confirmation link first).
	OpsEmail string `pulumi:"opsEmail,optional"`
	// KmsKeyArn, if set, encrypts the ops topic.
	KmsKeyArn pulumi.StringPtrInput `pulumi:"kmsKeyArn,optional"`
}

// Watchdog alarms on the notifier itself and sends to its own ops topic: never through the
// notifier it watches, which may be the thing that is broken. Every alarm's name starts with
// the component's name and "-", which the alert rules exclude.
type Watchdog struct {
	pulumi.ResourceState

	OpsTopicArn pulumi.StringOutput      `pulumi:"opsTopicArn"`
	AlarmArns   pulumi.StringArrayOutput `pulumi:"alarmArns"`
}

// watchdogAlarm is one alarm: a metric of the function or of a queue, at or over a threshold.
type watchdogAlarm struct {
	suffix, description     string
	namespace, metric, stat string
	dimension               string
	value                   pulumi.StringInput
	threshold               float64
}

// NewWatchdog creates the ops topic, its policy, the optional email subscription and the alarms.
func NewWatchdog(ctx *pulumi.Context, name string, args WatchdogArgs, opts ...pulumi.ResourceOption) (*Watchdog, error) {
	w := &Watchdog{}
	if err := ctx.RegisterComponentResource("foghorn:index:Watchdog", name, w, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(w)

	topic, err := sns.NewTopic(ctx, name, &sns.TopicArgs{
		DisplayName:    pulumi.String("foghorn ops"),
		KmsMasterKeyId: args.KmsKeyArn,
	}, parent)
	if err != nil {
		return nil, err
	}
	prefix := name + "-"
	if _, err := sns.NewTopicPolicy(ctx, name, &sns.TopicPolicyArgs{
		Arn: topic.Arn,
		Policy: topic.Arn.ApplyT(func(arn string) string {
			return opsTopicPolicy(accountOf(arn), arn, prefix)
		}).(pulumi.StringOutput),
	}, parent); err != nil {
		return nil, err
	}
	if args.OpsEmail != "" {
		if _, err := sns.NewTopicSubscription(ctx, name+"-email", &sns.TopicSubscriptionArgs{
			Topic:    topic.Arn,
			Protocol: pulumi.String("email"),
			Endpoint: pulumi.String(args.OpsEmail),
		}, parent); err != nil {
			return nil, err
		}
	}

	alarms := []watchdogAlarm{
		{"errors", "the notifier failed invocations: alerts may be retrying towards the DLQ",
			"AWS/Lambda", "Errors", "Sum", "FunctionName", args.FunctionName, 1},
		{"throttles", "the notifier was throttled: alerts are delayed",
			"AWS/Lambda", "Throttles", "Sum", "FunctionName", args.FunctionName, 1},
		{"dlq", "alerts reached the dead-letter queue: they were never delivered; inspect and redrive them",
			"AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum", "QueueName", args.DlqName, 1},
		{"oldest-message", "alerts are waiting in the queue longer than they should",
			"AWS/SQS", "ApproximateAgeOfOldestMessage", "Maximum", "QueueName", args.QueueName, float64(args.OldestMessageAlarmSeconds)},
	}
	var arns pulumi.StringArray
	for _, a := range alarms {
		alarm, err := cloudwatch.NewMetricAlarm(ctx, prefix+a.suffix, &cloudwatch.MetricAlarmArgs{
			AlarmDescription:   pulumi.String("foghorn watchdog: " + a.description),
			Namespace:          pulumi.String(a.namespace),
			MetricName:         pulumi.String(a.metric),
			Statistic:          pulumi.String(a.stat),
			Dimensions:         pulumi.StringMap{a.dimension: a.value},
			Period:             pulumi.Int(300),
			EvaluationPeriods:  pulumi.Int(1),
			Threshold:          pulumi.Float64(a.threshold),
			ComparisonOperator: pulumi.String("GreaterThanOrEqualToThreshold"),
			// No data means no traffic, not trouble.
			TreatMissingData: pulumi.String("notBreaching"),
			AlarmActions:     pulumi.Array{topic.Arn},
			OkActions:        pulumi.Array{topic.Arn},
		}, parent)
		if err != nil {
			return nil, err
		}
		arns = append(arns, alarm.Arn)
	}

	w.OpsTopicArn = topic.Arn
	w.AlarmArns = arns.ToStringArrayOutput()
	if err := ctx.RegisterResourceOutputs(w, pulumi.Map{"opsTopicArn": w.OpsTopicArn, "alarmArns": w.AlarmArns}); err != nil {
		return nil, err
	}
	return w, nil
}
