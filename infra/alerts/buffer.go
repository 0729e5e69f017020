package alerts

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// BufferArgs configures the queue between the alert topic and the notifier.
type BufferArgs struct {
	// TopicArn is the topic the queue subscribes to.
	TopicArn pulumi.StringInput `pulumi:"topicArn"`
	// VisibilityTimeout must be at least six times the function's timeout (plus the batching
	// window), so a record is not redelivered while an invocation still holds it.
	VisibilityTimeout int `pulumi:"visibilityTimeout"`
	// MaxReceiveCount is how many receives a record gets before it moves to the DLQ.
	MaxReceiveCount int `pulumi:"maxReceiveCount"`
}

// Buffer is the SQS queue subscribed to the alert topic, and its dead-letter queue.
type Buffer struct {
	pulumi.ResourceState

	QueueArn  pulumi.StringOutput `pulumi:"queueArn"`
	QueueName pulumi.StringOutput `pulumi:"queueName"`
	QueueUrl  pulumi.StringOutput `pulumi:"queueUrl"`
	DlqArn    pulumi.StringOutput `pulumi:"dlqArn"`
	DlqName   pulumi.StringOutput `pulumi:"dlqName"`
}

const dlqRetentionSeconds = 14 * 24 * 60 * 60 // SQS's maximum, so a failure can wait out a long weekend

// QueueRetentionSeconds is how long the buffer queue keeps a record (4 days, SQS's default).
// No record in it gets older, so the oldest-message alarm must fire below it.
const QueueRetentionSeconds = 4 * 24 * 60 * 60

// NewBuffer creates the queue, the DLQ, their policies and the topic subscription.
func NewBuffer(ctx *pulumi.Context, name string, args BufferArgs, opts ...pulumi.ResourceOption) (*Buffer, error) {
	b := &Buffer{}
	if err := ctx.RegisterComponentResource("foghorn:index:Buffer", name, b, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(b)

	// SSE-SQS rather than a KMS key: SNS can deliver into it without key grants.
	dlq, err := sqs.NewQueue(ctx, name+"-dlq", &sqs.QueueArgs{
		MessageRetentionSeconds: pulumi.Int(dlqRetentionSeconds),
		SqsManagedSseEnabled:    pulumi.Bool(true),
	}, parent)
	if err != nil {
		return nil, err
	}
	queue, err := sqs.NewQueue(ctx, name+"-queue", &sqs.QueueArgs{
		VisibilityTimeoutSeconds: pulumi.Int(args.VisibilityTimeout),
		MessageRetentionSeconds:  pulumi.Int(QueueRetentionSeconds),
		// Long polling: fewer empty receives from the event source mapping.
		ReceiveWaitTimeSeconds: pulumi.Int(20),
		SqsManagedSseEnabled:   pulumi.Bool(true),
		RedrivePolicy: dlq.Arn.ApplyT(func(arn string) string {
			return redrivePolicy(arn, args.MaxReceiveCount)
		}).(pulumi.StringOutput),
	}, parent)
	if err != nil {
		return nil, err
	}
	if _, err := sqs.NewRedriveAllowPolicy(ctx, name+"-dlq", &sqs.RedriveAllowPolicyArgs{
		QueueUrl:           dlq.Url,
		RedriveAllowPolicy: queue.Arn.ApplyT(redriveAllowPolicy).(pulumi.StringOutput),
	}, parent); err != nil {
		return nil, err
	}
	qp, err := sqs.NewQueuePolicy(ctx, name+"-queue", &sqs.QueuePolicyArgs{
		QueueUrl: queue.Url,
		Policy: pulumi.All(queue.Arn, args.TopicArn).ApplyT(func(v []any) string {
			return queuePolicy(v[0].(string), v[1].(string))
		}).(pulumi.StringOutput),
	}, parent)
	if err != nil {
		return nil, err
	}
	// The envelope is kept (raw delivery off): the notifier gets SNS's MessageId, Timestamp,
	// Subject and TopicArn, which a classic alarm JSON or a plain-text publish lacks.
	if _, err := sns.NewTopicSubscription(ctx, name, &sns.TopicSubscriptionArgs{
		Topic:              args.TopicArn,
		Protocol:           pulumi.String("sqs"),
		Endpoint:           queue.Arn,
		RawMessageDelivery: pulumi.Bool(false),
	}, parent, pulumi.DependsOn([]pulumi.Resource{qp})); err != nil {
		return nil, err
	}

	b.QueueArn, b.QueueName, b.QueueUrl, b.DlqArn, b.DlqName = queue.Arn, queue.Name, queue.Url, dlq.Arn, dlq.Name
	if err := ctx.RegisterResourceOutputs(b, pulumi.Map{
		"queueArn": b.QueueArn, "queueName": b.QueueName, "queueUrl": b.QueueUrl, "dlqArn": b.DlqArn, "dlqName": b.DlqName,
	}); err != nil {
		return nil, err
	}
	return b, nil
}
