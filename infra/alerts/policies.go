package alerts

import (
	"encoding/json"
	"strings"
)

// The resource policies and the role policy, built as plain JSON from known ARNs so tests can
// parse and check them without a provider. Every statement names the exact resources it
// needs. A Resource of "*" appears only in the KMS key policy, where it means "this key".

// PolicyDocument is an IAM policy document.
type PolicyDocument struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one policy statement.
type Statement struct {
	Sid       string                    `json:"Sid"`
	Effect    string                    `json:"Effect"`
	Principal map[string]any            `json:"Principal,omitempty"`
	Action    []string                  `json:"Action"`
	Resource  []string                  `json:"Resource,omitempty"` // absent only in a trust policy
	Condition map[string]map[string]any `json:"Condition,omitempty"`
}

func (d PolicyDocument) String() string {
	b, err := json.Marshal(d)
	if err != nil {
		panic(err) // only strings and maps of strings: cannot fail
	}
	return string(b)
}

func doc(st ...Statement) PolicyDocument {
	return PolicyDocument{Version: "2012-10-17", Statement: st}
}

func service(name string) map[string]any { return map[string]any{"Service": name} }

// account holds the partition, region and account the stack deploys into.
type account struct {
	Partition, Region, ID string
}

// alarmArns matches the CloudWatch alarms of this account and region whose names start with prefix.
func (a account) alarmArns(prefix string) string {
	return "arn:" + a.Partition + ":cloudwatch:" + a.Region + ":" + a.ID + ":alarm:" + prefix + "*"
}

// topicPolicy lets the stack's EventBridge rules and the account's CloudWatch alarms publish
// to the alert topic. Principals of the account publish through their own IAM policies, which
// suffice within one account.
func topicPolicy(acct account, topicArn string, ruleArns []string) string {
	return doc(
		Statement{
			Sid:       "EventBridgeRulesPublish",
			Effect:    "Allow",
			Principal: service("events.amazonaws.com"),
			Action:    []string{"sns:Publish"},
			Resource:  []string{topicArn},
			Condition: map[string]map[string]any{
				"StringEquals": {"aws:SourceAccount": acct.ID},
				"ArnEquals":    {"aws:SourceArn": ruleArns},
			},
		},
		Statement{
			Sid:       "CloudWatchAlarmsPublish",
			Effect:    "Allow",
			Principal: service("cloudwatch.amazonaws.com"),
			Action:    []string{"sns:Publish"},
			Resource:  []string{topicArn},
			Condition: map[string]map[string]any{
				"StringEquals": {"aws:SourceAccount": acct.ID},
				"ArnLike":      {"aws:SourceArn": acct.alarmArns("")},
			},
		},
	).String()
}

// opsTopicPolicy lets only the stack's own watchdog alarms publish to the ops topic.
func opsTopicPolicy(acct account, topicArn, watchdogPrefix string) string {
	return doc(Statement{
		Sid:       "WatchdogAlarmsPublish",
		Effect:    "Allow",
		Principal: service("cloudwatch.amazonaws.com"),
		Action:    []string{"sns:Publish"},
		Resource:  []string{topicArn},
		Condition: map[string]map[string]any{
			"StringEquals": {"aws:SourceAccount": acct.ID},
			"ArnLike":      {"aws:SourceArn": acct.alarmArns(watchdogPrefix)},
		},
	}).String()
}

// queuePolicy lets the alert topic, and nothing else, deliver into the buffer queue.
func queuePolicy(queueArn, topicArn string) string {
	return doc(Statement{
		Sid:       "AlertTopicDelivers",
		Effect:    "Allow",
		Principal: service("sns.amazonaws.com"),
		Action:    []string{"sqs:SendMessage"},
		Resource:  []string{queueArn},
		Condition: map[string]map[string]any{"ArnEquals": {"aws:SourceArn": topicArn}},
	}).String()
}

// redriveAllowPolicy lets only the buffer queue use the DLQ.
func redriveAllowPolicy(queueArn string) string {
	b, _ := json.Marshal(map[string]any{"redrivePermission": "byQueue", "sourceQueueArns": []string{queueArn}})
	return string(b)
}

// redrivePolicy sends a record to the DLQ after maxReceiveCount failed receives.
func redrivePolicy(dlqArn string, maxReceiveCount int) string {
	b, _ := json.Marshal(map[string]any{"deadLetterTargetArn": dlqArn, "maxReceiveCount": maxReceiveCount})
	return string(b)
}

// keyPolicy is the policy of the key the component creates for its topics and the webhook
// parameter.
func keyPolicy(acct account) string {
	// In a key policy, "Resource": "*" means the key the policy is attached to.
	self := []string{"*"}
	return doc(
		Statement{
			// Without this the key would be unmanageable; it also lets IAM policies (the
			// notifier's role) grant use of the key.
			Sid:       "AccountAdministersKey",
			Effect:    "Allow",
			Principal: map[string]any{"AWS": "arn:" + acct.Partition + ":iam::" + acct.ID + ":root"},
			Action:    []string{"kms:*"},
			Resource:  self,
		},
		Statement{
			// EventBridge's requests to KMS carry no aws:SourceAccount or aws:SourceArn, so a
			// condition on them would silently drop every event; the topic policy scopes which
			// rules may publish instead.
			Sid:       "EventBridgePublishesToEncryptedTopic",
			Effect:    "Allow",
			Principal: service("events.amazonaws.com"),
			Action:    []string{"kms:GenerateDataKey*", "kms:Decrypt"},
			Resource:  self,
		},
		Statement{
			Sid:       "CloudWatchAlarmsPublishToEncryptedTopic",
			Effect:    "Allow",
			Principal: service("cloudwatch.amazonaws.com"),
			Action:    []string{"kms:GenerateDataKey*", "kms:Decrypt"},
			Resource:  self,
			Condition: map[string]map[string]any{
				"StringEquals": {"aws:SourceAccount": acct.ID},
				"ArnLike":      {"aws:SourceArn": acct.alarmArns("")},
			},
		},
	).String()
}

// assumeRolePolicy lets the Lambda service assume the notifier's role. A trust policy has no
// Resource: the role is the resource.
func assumeRolePolicy() string {
	return doc(Statement{
		Sid:       "LambdaAssumesRole",
		Effect:    "Allow",
		Principal: service("lambda.amazonaws.com"),
		Action:    []string{"sts:AssumeRole"},
	}).String()
}

// notifierPolicyArgs are the ARNs the notifier's role is scoped to.
type notifierPolicyArgs struct {
	Account        account
	QueueArn       string
	LogGroupArn    string // without the ":*" suffix
	ConfigParamArn string
	SecretParamArn string
	// KmsKeyArn is the customer-managed key encrypting the webhook parameter, if any.
	KmsKeyArn string
}

// notifierPolicy is the notifier's least-privilege role policy. No statement needs "*": every
// action used has resource-level permissions.
func notifierPolicy(p notifierPolicyArgs) string {
	st := []Statement{
		{
			// Read at cold start: the config document and the webhook it names.
			Sid:      "ReadConfigAndWebhook",
			Effect:   "Allow",
			Action:   []string{"ssm:GetParameter"},
			Resource: []string{p.ConfigParamArn, p.SecretParamArn},
		},
		{
			// What the SQS event source mapping does with the function's role.
			Sid:      "ConsumeBufferQueue",
			Effect:   "Allow",
			Action:   []string{"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"},
			Resource: []string{p.QueueArn},
		},
		{
			// The log group exists already (the stack creates it with its retention), so no
			// logs:CreateLogGroup. The ":*" form covers the group's streams.
			Sid:      "WriteOwnLogs",
			Effect:   "Allow",
			Action:   []string{"logs:CreateLogStream", "logs:PutLogEvents"},
			Resource: []string{strings.TrimSuffix(p.LogGroupArn, ":*") + ":*"},
		},
	}
	if p.KmsKeyArn != "" {
		// With a customer-managed key, reading the SecureString needs kms:Decrypt on it. Only
		// through SSM, and only for this parameter (SSM sets PARAMETER_ARN as the encryption
		// context). The default aws/ssm key needs no statement: its key policy already allows
		// every principal of the account to decrypt through SSM.
		st = append(st, Statement{
			Sid:      "DecryptWebhookParameter",
			Effect:   "Allow",
			Action:   []string{"kms:Decrypt"},
			Resource: []string{p.KmsKeyArn},
			Condition: map[string]map[string]any{"StringEquals": {
				"kms:ViaService":                      "ssm." + p.Account.Region + ".amazonaws.com",
				"kms:EncryptionContext:PARAMETER_ARN": p.SecretParamArn,
			}},
		})
	}
	return doc(st...).String()
}
