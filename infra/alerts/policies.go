package alerts

import (
	"encoding/json"
	"strings"
)

// The resource policies and the role policy, built as plain JSON from known ARNs so tests can
// parse and check them without a provider. Every statement names the exact resources it
// needs. A Resource of "*" appears in the KMS key policy, where it means "this key", and for
// ecs:DescribeTaskDefinition, which has no resource-level permissions (see notifierPolicy).

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

// keyPolicy is the policy of the key the component creates for its topics and the secret
// parameters.
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
	// SecretParamArns are the destinations' SecureString parameters: the ones the config
	// document names, no others.
	SecretParamArns []string
	// KmsKeyArn is the customer-managed key encrypting the secret parameters, if any.
	KmsKeyArn string
	// StateTableArn is the table of crash-loop stories and the delivery ledger.
	StateTableArn string
	// ClusterArns and ServiceNames are the services the rules deliver events of; empty means
	// every cluster or service of the account and region, as in the rules.
	ClusterArns, ServiceNames []string
	// LogGroupPrefixes scope the log tail's reads; empty when the log tail is off, which
	// grants nothing for it.
	LogGroupPrefixes []string
}

// serviceArns are the ECS services the rules deliver events of, as IAM resources. Without
// configured clusters it is every service of the account and region: the rules then deliver
// every cluster's events, and a rollback in any of them is reported.
func (p notifierPolicyArgs) serviceArns() []string {
	var out []string
	switch {
	case len(p.ClusterArns) > 0:
		for _, c := range p.ClusterArns {
			base := strings.Replace(c, ":cluster/", ":service/", 1) + "/"
			if len(p.ServiceNames) == 0 {
				out = append(out, base+"*")
			}
			for _, s := range p.ServiceNames {
				out = append(out, base+s)
			}
		}
	default:
		base := "arn:" + p.Account.Partition + ":ecs:" + p.Account.Region + ":" + p.Account.ID + ":service/"
		if len(p.ServiceNames) == 0 {
			out = append(out, base+"*")
		}
		// Service ARNs are service/<cluster>/<name>; cluster names hold no "/".
		for _, s := range p.ServiceNames {
			out = append(out, base+"*/"+s)
		}
	}
	return out
}

// logStreamArns are the streams of the log groups under the prefixes: GetLogEvents is
// authorized on the log stream.
func (p notifierPolicyArgs) logStreamArns() []string {
	out := make([]string, len(p.LogGroupPrefixes))
	for i, prefix := range p.LogGroupPrefixes {
		out[i] = "arn:" + p.Account.Partition + ":logs:" + p.Account.Region + ":" + p.Account.ID + ":log-group:" + prefix + "*:log-stream:*"
	}
	return out
}

// notifierPolicy is the notifier's least-privilege role policy. Every statement names its
// resources, except ecs:DescribeTaskDefinition's, which cannot (see below).
func notifierPolicy(p notifierPolicyArgs) string {
	st := []Statement{
		{
			// Read at cold start: the config document and the secrets it names.
			Sid:      "ReadConfigAndSecrets",
			Effect:   "Allow",
			Action:   []string{"ssm:GetParameter"},
			Resource: append([]string{p.ConfigParamArn}, p.SecretParamArns...),
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
		{
			// Crash-loop stories and the delivery ledger: one item at a time, read
			// consistently and written on a version condition. No Query, Scan, Update or Delete.
			Sid:      "KeepStateInTable",
			Effect:   "Allow",
			Action:   []string{"dynamodb:GetItem", "dynamodb:PutItem"},
			Resource: []string{p.StateTableArn},
		},
		{
			// A rollback message names the revisions before and after: only the services
			// whose events the rules deliver.
			Sid:      "DescribeWatchedServices",
			Effect:   "Allow",
			Action:   []string{"ecs:DescribeServices"},
			Resource: p.serviceArns(),
		},
	}
	if len(p.LogGroupPrefixes) > 0 {
		st = append(st,
			Statement{
				// The log tail finds a container's log group and stream in its task
				// definition. ECS offers no resource-level permission for
				// DescribeTaskDefinition (the Service Authorization Reference lists no resource
				// type for it), so "*" is the only grant possible. It is read-only; task
				// definitions can hold plain environment values, which is why it is granted
				// only with the log tail on.
				Sid:      "ReadTaskDefinitions",
				Effect:   "Allow",
				Action:   []string{"ecs:DescribeTaskDefinition"},
				Resource: []string{"*"},
			},
			Statement{
				// The last lines of a stopped container, from the configured log groups only.
				Sid:      "ReadTaskLogTails",
				Effect:   "Allow",
				Action:   []string{"logs:GetLogEvents"},
				Resource: p.logStreamArns(),
			},
		)
	}
	if p.KmsKeyArn != "" {
		// With a customer-managed key, reading a SecureString needs kms:Decrypt on it. Only
		// through SSM, and only for these parameters (SSM sets PARAMETER_ARN as the encryption
		// context; a list under StringEquals matches any one of them). The default aws/ssm key
		// needs no statement: its key policy already allows every principal of the account to
		// decrypt through SSM.
		st = append(st, Statement{
			Sid:      "DecryptSecretParameters",
			Effect:   "Allow",
			Action:   []string{"kms:Decrypt"},
			Resource: []string{p.KmsKeyArn},
			Condition: map[string]map[string]any{"StringEquals": {
				"kms:ViaService":                      "ssm." + p.Account.Region + ".amazonaws.com",
				"kms:EncryptionContext:PARAMETER_ARN": p.SecretParamArns,
			}},
		})
	}
	return doc(st...).String()
}
