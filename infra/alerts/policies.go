package alerts

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// The resource policies and the role policy, built as plain JSON from known ARNs so tests can
// parse and check them without a provider. Every statement names the exact resources it
// needs. A Resource of "*" appears in the KMS key policy, where it means "this key", and for
// ecs:DescribeTaskDefinition, which has no resource-level permissions (see readTaskDefinitions).

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

// arn is the ARN of a resource of a regional service in the account and region.
func (a account) arn(service, resource string) string {
	return "arn:" + a.Partition + ":" + service + ":" + a.Region + ":" + a.ID + ":" + resource
}

// alarmArns matches the CloudWatch alarms of this account and region whose names start with prefix.
func (a account) alarmArns(prefix string) string {
	return a.arn("cloudwatch", "alarm:"+prefix+"*")
}

// fromSource is the condition that limits a service principal to requests made for this
// account's resources whose ARNs match sourceArns under op (ArnEquals for exact ARNs,
// ArnLike for a pattern), so that no other account's resource can use the grant.
func fromSource(acct account, op string, sourceArns any) map[string]map[string]any {
	return map[string]map[string]any{
		"StringEquals": {"aws:SourceAccount": acct.ID},
		op:             {"aws:SourceArn": sourceArns},
	}
}

// publishFrom lets a service publish to a topic for the resources fromSource admits.
func publishFrom(sid, principal, topicArn string, acct account, op string, sourceArns any) Statement {
	return Statement{
		Sid:       sid,
		Effect:    "Allow",
		Principal: service(principal),
		Action:    []string{"sns:Publish"},
		Resource:  []string{topicArn},
		Condition: fromSource(acct, op, sourceArns),
	}
}

// topicPolicy lets the stack's EventBridge rules and the account's CloudWatch alarms publish
// to the alert topic. Principals of the account publish through their own IAM policies, which
// suffice within one account.
func topicPolicy(acct account, topicArn string, ruleArns []string) string {
	return doc(
		publishFrom("EventBridgeRulesPublish", "events.amazonaws.com", topicArn, acct, "ArnEquals", ruleArns),
		publishFrom("CloudWatchAlarmsPublish", "cloudwatch.amazonaws.com", topicArn, acct, "ArnLike", acct.alarmArns("")),
	).String()
}

// opsTopicPolicy lets only the stack's own watchdog alarms publish to the ops topic.
func opsTopicPolicy(acct account, topicArn, watchdogPrefix string) string {
	return doc(
		publishFrom("WatchdogAlarmsPublish", "cloudwatch.amazonaws.com", topicArn, acct, "ArnLike", acct.alarmArns(watchdogPrefix)),
	).String()
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
			Condition: fromSource(acct, "ArnLike", acct.alarmArns("")),
		},
	).String()
}

// assumeRolePolicy lets the Lambda service assume a function's role. A trust policy has no
// Resource: the role is the resource.
func assumeRolePolicy() string {
	return doc(Statement{
		Sid:       "LambdaAssumesRole",
		Effect:    "Allow",
		Principal: service("lambda.amazonaws.com"),
		Action:    []string{"sts:AssumeRole"},
	}).String()
}

// The statements more than one function's role holds, each with the same meaning.

// readConfigAndSecrets lets a function read, at cold start, the config document and the
// secrets it names.
func readConfigAndSecrets(configParamArn string, secretParamArns []string) Statement {
	return Statement{
		Sid:      "ReadConfigAndSecrets",
		Effect:   "Allow",
		Action:   []string{"ssm:GetParameter"},
		Resource: append([]string{configParamArn}, secretParamArns...),
	}
}

// writeOwnLogs lets a function write to its log group. The group exists already (the stack
// creates it with its retention), so no logs:CreateLogGroup. The ":*" form covers the
// group's streams.
func writeOwnLogs(logGroupArn string) Statement {
	return Statement{
		Sid:      "WriteOwnLogs",
		Effect:   "Allow",
		Action:   []string{"logs:CreateLogStream", "logs:PutLogEvents"},
		Resource: []string{strings.TrimSuffix(logGroupArn, ":*") + ":*"},
	}
}

// readTaskDefinitions lets a function find a container's log group and stream in its task
// definition. ECS offers no resource-level permission for DescribeTaskDefinition (the
// Service Authorization Reference lists no resource type for it), so "*" is the only grant
// possible. It is read-only; task definitions can hold plain environment values, which is
// why a role gets it only with a feature that needs a container's log settings (the log
// tail, More logs, placing log alerts on services).
func readTaskDefinitions(sid string) Statement {
	return Statement{Sid: sid, Effect: "Allow", Action: []string{"ecs:DescribeTaskDefinition"}, Resource: []string{"*"}}
}

// readTaskLogTails lets a function read the last lines of a container's log stream, in the
// groups and regions of logStreamArns.
func readTaskLogTails(logStreamArns []string) Statement {
	return Statement{Sid: "ReadTaskLogTails", Effect: "Allow", Action: []string{"logs:GetLogEvents"}, Resource: logStreamArns}
}

// decryptSecretParameters lets a function decrypt the SecureString parameters it reads when
// a customer-managed key encrypts them: only through SSM, and, unless paramArns is nil, only
// for those parameters (SSM sets PARAMETER_ARN as the encryption context; a list under
// StringEquals matches any one of them). The default aws/ssm key needs no statement: its key
// policy already allows every principal of the account to decrypt through SSM.
func decryptSecretParameters(region, keyArn string, paramArns []string) Statement {
	cond := map[string]any{"kms:ViaService": "ssm." + region + ".amazonaws.com"}
	if paramArns != nil {
		cond["kms:EncryptionContext:PARAMETER_ARN"] = paramArns
	}
	return Statement{
		Sid:       "DecryptSecretParameters",
		Effect:    "Allow",
		Action:    []string{"kms:Decrypt"},
		Resource:  []string{keyArn},
		Condition: map[string]map[string]any{"StringEquals": cond},
	}
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
	// OpsTopicArn is the ops topic the notifier tells its configuration problems.
	OpsTopicArn string
	// ClusterArns and ServiceNames are the services the rules deliver events of; empty means
	// every cluster or service of the account and region, as in the rules.
	ClusterArns, ServiceNames []string
	// LogTail grants the log tail's reads: the groups under LogGroupPrefixes, or every group
	// when the list is empty, in LogRegions (the stack's region when empty).
	LogTail          bool
	LogGroupPrefixes []string
	LogRegions       []string
}

// policyShape says how compactly the role policy is written. The zero value names every
// resource exactly; each flag trades that for size, only when the exact policy is over IAM's
// limit (see notifierPolicy).
type policyShape struct {
	// logsByRegionCondition grants the log tail's groups in every region by ARN and limits the
	// regions with aws:RequestedRegion: the same grant, in prefixes + regions rather than
	// prefixes × regions.
	logsByRegionCondition bool
	// decryptThroughSSM drops the list of parameter ARNs from kms:Decrypt's encryption context
	// condition and keeps kms:ViaService. The same grant in effect: SSM decrypts for the role
	// only the parameters it may ssm:GetParameter, which ReadConfigAndSecrets lists.
	decryptThroughSSM bool
	// servicesByCluster grants ecs:DescribeServices on every service of the listed clusters
	// instead of on each listed service of each cluster (clusters + services, not clusters ×
	// services). Wider: the read-only describe of the clusters' other services.
	servicesByCluster bool
}

// policyShapes are tried in order until one fits: the exact policy, then the equivalent
// compactions, then the one that widens a grant.
var policyShapes = []policyShape{
	{},
	{logsByRegionCondition: true},
	{logsByRegionCondition: true, decryptThroughSSM: true},
	{logsByRegionCondition: true, decryptThroughSSM: true, servicesByCluster: true},
}

// MaxRolePolicy is IAM's limit on a role's inline policies, all together, in characters not
// counting white space. The notifier's role has one inline policy, and a second with log
// alerts on watched clusters (checkLogMappingLimit measures the two together).
const MaxRolePolicy = 10240

// serviceArns are the ECS services the rules deliver events of, as IAM resources. Without
// configured clusters it is every service of the account and region: the rules then deliver
// every cluster's events, and a rollback in any of them is reported.
func (p notifierPolicyArgs) serviceArns(byCluster bool) []string {
	var out []string
	switch {
	case len(p.ClusterArns) > 0:
		for _, c := range p.ClusterArns {
			base := strings.Replace(c, ":cluster/", ":service/", 1) + "/"
			if len(p.ServiceNames) == 0 || byCluster {
				out = append(out, base+"*")
				continue
			}
			for _, s := range p.ServiceNames {
				out = append(out, base+s)
			}
		}
	default:
		base := p.Account.arn("ecs", "service/")
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

// serviceDeploymentArns are the service deployments (service-deployment/<cluster>/<service>/<id>)
// of the clusters the rules deliver events of, or of every cluster of the account and region.
// They name no service: see DescribeWatchedServiceDeployments.
func (p notifierPolicyArgs) serviceDeploymentArns() []string {
	if len(p.ClusterArns) == 0 {
		return []string{p.Account.arn("ecs", "service-deployment/*")}
	}
	out := make([]string, len(p.ClusterArns))
	for i, c := range p.ClusterArns {
		out[i] = strings.Replace(c, ":cluster/", ":service-deployment/", 1) + "/*"
	}
	return out
}

// logRegions are the regions the log tail may read in: the configured ones, or the stack's.
func (p notifierPolicyArgs) logRegions() []string {
	if len(p.LogRegions) > 0 {
		return p.LogRegions
	}
	return []string{p.Account.Region}
}

// logStreamArns are the streams of the log groups under the prefixes (of every group without
// prefixes), in each region (the account's without regions): GetLogEvents is authorized on
// the log stream.
func (a account) logStreamArns(prefixes, regions []string) []string {
	if len(prefixes) == 0 {
		prefixes = []string{""} // every group: logGroupsAll
	}
	if len(regions) == 0 {
		regions = []string{a.Region}
	}
	var out []string
	for _, r := range regions {
		in := a
		in.Region = r
		for _, prefix := range prefixes {
			out = append(out, in.arn("logs", "log-group:"+prefix+"*:log-stream:*"))
		}
	}
	return out
}

// logStreamArns are the log tail's streams in its regions; with anyRegion the region is left
// to a condition.
func (p notifierPolicyArgs) logStreamArns(anyRegion bool) []string {
	regions := p.logRegions()
	if anyRegion {
		regions = []string{"*"}
	}
	return p.Account.logStreamArns(p.LogGroupPrefixes, regions)
}

// notifierPolicy is the notifier's least-privilege role policy, in the first of policyShapes
// that fits IAM's limit. Past the last it returns the last with a *policySizeError.
func notifierPolicy(p notifierPolicyArgs) (string, error) {
	var js string
	var shape policyShape
	for _, shape = range policyShapes {
		if js = p.document(shape).String(); len(js) <= MaxRolePolicy {
			return js, nil
		}
	}
	return js, p.sizeError(len(js), shape)
}

// document writes the role policy in one shape. Every statement names its resources, except
// ecs:DescribeTaskDefinition's, which cannot (readTaskDefinitions).
func (p notifierPolicyArgs) document(shape policyShape) PolicyDocument {
	st := []Statement{
		readConfigAndSecrets(p.ConfigParamArn, p.SecretParamArns),
		{
			// What the SQS event source mapping does with the function's role.
			Sid:      "ConsumeBufferQueue",
			Effect:   "Allow",
			Action:   []string{"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"},
			Resource: []string{p.QueueArn},
		},
		writeOwnLogs(p.LogGroupArn),
		{
			// Crash-loop stories and the delivery ledger: one item at a time, read
			// consistently and written on a version condition. No Query, Scan, Update or Delete.
			Sid:      "KeepStateInTable",
			Effect:   "Allow",
			Action:   []string{"dynamodb:GetItem", "dynamodb:PutItem"},
			Resource: []string{p.StateTableArn},
		},
		{
			// A broken destination, or a config document that cannot be used, is told to the
			// ops topic too: to it alone of all topics.
			Sid:      "TellOpsTopic",
			Effect:   "Allow",
			Action:   []string{"sns:Publish"},
			Resource: []string{p.OpsTopicArn},
		},
		{
			// A rollback message names the revisions before and after, and the deployment
			// post-mortem asks what stopped a deployment: only of the services whose events the
			// rules deliver.
			Sid:      "DescribeWatchedServices",
			Effect:   "Allow",
			Action:   []string{"ecs:DescribeServices", "ecs:ListServiceDeployments", "ecs:DescribeServiceDeployments"},
			Resource: p.serviceArns(shape.servicesByCluster),
		},
		{
			// DescribeServiceDeployments is authorized on the service and on the service
			// deployment: the Service Authorization Reference requires both. The deployments
			// are granted by cluster, and the service grant above keeps the call to the watched
			// services; so the services are named once, which keeps the policy within IAM's
			// limit for as many services as before.
			Sid:      "DescribeWatchedServiceDeployments",
			Effect:   "Allow",
			Action:   []string{"ecs:DescribeServiceDeployments"},
			Resource: p.serviceDeploymentArns(),
		},
	}
	if p.LogTail {
		// The last lines of a stopped container, from the configured log groups only, in the
		// configured regions: awslogs-region may name another region than the stack's.
		tails := readTaskLogTails(p.logStreamArns(false))
		if shape.logsByRegionCondition && len(p.logRegions()) > 1 {
			tails.Resource = p.logStreamArns(true)
			tails.Condition = map[string]map[string]any{"StringEquals": {"aws:RequestedRegion": p.logRegions()}}
		}
		st = append(st, readTaskDefinitions("ReadTaskDefinitions"), tails)
	}
	if p.KmsKeyArn != "" {
		params := p.SecretParamArns
		if shape.decryptThroughSSM {
			params = nil
		}
		st = append(st, decryptSecretParameters(p.Account.Region, p.KmsKeyArn, params), Statement{
			// The same key encrypts the ops topic; a publisher to an encrypted topic needs a
			// data key from it. Only through SNS, and only for the ops topic (SNS sets the
			// topic's ARN as the encryption context).
			Sid:      "EncryptForOpsTopic",
			Effect:   "Allow",
			Action:   []string{"kms:GenerateDataKey", "kms:Decrypt"},
			Resource: []string{p.KmsKeyArn},
			Condition: map[string]map[string]any{"StringEquals": {
				"kms:ViaService":                         "sns." + p.Account.Region + ".amazonaws.com",
				"kms:EncryptionContext:aws:sns:topicArn": p.OpsTopicArn,
			}},
		})
	}
	return doc(st...)
}

// policySizeError is a role policy over IAM's limit in its most compact shape, with what each
// growing part of it takes.
type policySizeError struct {
	Size  int
	Parts []policyPart
}

// policyPart is one part of the role policy that grows with the config: the key it grows
// with, and its characters.
type policyPart struct {
	Key  string
	Size int
}

func (e *policySizeError) Error() string {
	return fmt.Sprintf("the notifier's role policy would be %d characters, over IAM's %d for a role's inline policies", e.Size, MaxRolePolicy)
}

// sizeError measures the parts of the policy that grow with the config, largest first.
func (p notifierPolicyArgs) sizeError(size int, shape policyShape) *policySizeError {
	jsonLen := func(v any) int {
		b, _ := json.Marshal(v)
		return len(b)
	}
	secrets := jsonLen(p.SecretParamArns)
	if p.KmsKeyArn != "" && !shape.decryptThroughSSM {
		secrets *= 2
	}
	services := "clusterArns"
	if len(p.ClusterArns) == 0 || (len(p.ServiceNames) > 0 && !shape.servicesByCluster && len(p.ServiceNames) > len(p.ClusterArns)) {
		services = "serviceNames"
	}
	parts := []policyPart{
		{"destinations", secrets},
		{services, jsonLen(p.serviceArns(shape.servicesByCluster)) + jsonLen(p.serviceDeploymentArns())},
	}
	if p.LogTail {
		logs := "logGroupPrefixes"
		if len(p.logRegions()) > len(p.LogGroupPrefixes) {
			logs = "logRegions"
		}
		parts = append(parts, policyPart{logs, jsonLen(p.logStreamArns(shape.logsByRegionCondition)) + jsonLen(p.LogRegions)})
	}
	slices.SortStableFunc(parts, func(a, b policyPart) int { return b.Size - a.Size })
	return &policySizeError{Size: size, Parts: parts}
}
