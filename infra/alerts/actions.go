package alerts

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/apigatewayv2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/foghornhq/foghorn/lambda/config"
)

// Chat actions: buttons on the Slack alerts (silence, acknowledge, more logs, continue or roll
// back a deployment) and the endpoint a Slack app's interactivity request URL points at. The
// endpoint is its own function, the notifier's binary with FOGHORN_MODE=actions, with its own
// role: the notifier's role gains nothing. Its permissions are exactly what the allowed
// actions need, on the services actionsServices names.
//
// Slack cannot sign AWS requests, so the endpoint is public and authenticates every request
// itself (Slack's v0 signature with the app's signing secret, which lives in an SSM
// SecureString parameter of its own). It is exposed through an API Gateway HTTP API rather
// than a Lambda function URL: since October 2025 a new function URL also needs
// lambda:InvokeFunction granted to everyone, and the pinned provider cannot limit that grant
// to calls through the URL (the lambda:InvokedViaFunctionUrl condition), which would let any
// AWS principal invoke the function directly. The HTTP API's permission names the API and its
// one route instead, and its stage throttles what reaches the function.

// ActionsAllowArgs holds who may take each action, and where (the document's
// actions.<action>); an action left out is offered to nobody.
type ActionsAllowArgs struct {
	Silence     *AllowArgs `pulumi:"silence,optional" json:"silence,omitempty"`
	Acknowledge *AllowArgs `pulumi:"acknowledge,optional" json:"acknowledge,omitempty"`
	Logs        *AllowArgs `pulumi:"logs,optional" json:"logs,omitempty"`
	Continue    *AllowArgs `pulumi:"continue,optional" json:"continue,omitempty"`
	Rollback    *AllowArgs `pulumi:"rollback,optional" json:"rollback,omitempty"`
}

// AllowArgs is one action's allow-list: Slack user ids, user group ids, channel ids
// (config.Allow).
type AllowArgs struct {
	Users      []string `pulumi:"users,optional" json:"users,omitempty"`
	UserGroups []string `pulumi:"userGroups,optional" json:"userGroups,omitempty"`
	Channels   []string `pulumi:"channels,optional" json:"channels,omitempty"`
}

func (a *AllowArgs) document() *config.Allow {
	if a == nil {
		return nil
	}
	return &config.Allow{Users: a.Users, UserGroups: a.UserGroups, Channels: a.Channels}
}

// The endpoint's route, and its stage's throttling: Slack sends a click per button press.
const (
	ActionsRoute       = "POST /slack/actions"
	ActionsPath        = "/slack/actions"
	actionsBurst       = 20
	actionsRatePerSec  = 10
	actionsTimeout     = 30 // seconds: the slow actions run in the function's own asynchronous invocation
	actionsMemorySize  = 256
	minSigningSecret   = 16
	maxSigningSecret   = 128
	actionsIntegration = 10000 // ms: the synchronous answer comes within Slack's three seconds anyway
)

// ActionsFunctionName is the endpoint's physical name, derived as the notifier's is.
func ActionsFunctionName(project, stack, name string) string {
	return FunctionName(project, stack, name+"-actions")
}

// SigningSecretParameterName is the name of the SSM parameter holding the Slack app's signing
// secret. It is fixed, like the function's name, so that the config document can name it
// before the parameter exists.
func SigningSecretParameterName(project, stack, name string) string {
	return ActionsFunctionName(project, stack, name) + "-slack-signing-secret"
}

// actionsDocument is the document's actions section for these args; the signing secret's
// parameter is a placeholder until NewEcsChatAlerts names it.
func (a EcsChatAlertsArgs) actionsDocument() config.Actions {
	if !a.ActionsEnabled {
		return config.Actions{}
	}
	return config.Actions{
		Enabled:            true,
		SigningSecretParam: placeholderParam,
		BotDestination:     a.ActionsBotDestination,
		Services:           a.ActionsServices,
		Silence:            a.ActionsAllow.Silence.document(),
		Acknowledge:        a.ActionsAllow.Acknowledge.document(),
		Logs:               a.ActionsAllow.Logs.document(),
		Continue:           a.ActionsAllow.Continue.document(),
		Rollback:           a.ActionsAllow.Rollback.document(),
	}
}

// validateActions reports what only the stack can get wrong about actions: the signing
// secret, and keys set with actions off. The document's validation covers the allow-lists,
// the services and the bot destination (their keys renamed by actionsArgKey).
func (a EcsChatAlertsArgs) validateActions(bad func(key, format string, v ...any)) {
	al := a.ActionsAllow
	set := al.Silence != nil || al.Acknowledge != nil || al.Logs != nil || al.Continue != nil || al.Rollback != nil ||
		len(a.ActionsServices) > 0 || a.ActionsBotDestination != "" || a.ActionsSigningSecret != nil
	if !a.ActionsEnabled {
		if set {
			bad("actionsEnabled", "is false, but other actions… keys are set: set actionsEnabled to true to use them, or remove them")
		}
		return
	}
	if a.ActionsSigningSecret == nil {
		bad("actionsSigningSecret", "is required with actionsEnabled: the Slack app's signing secret (Basic Information, App Credentials), set with `pulumi config set --secret actionsSigningSecret <secret>`")
	}
	if p := a.longestActionsPolicy(); len(p) > MaxRolePolicy {
		bad("actionsServices", "%d services make the endpoint's role policy %d characters, over IAM's %d: list fewer", len(a.ActionsServices), len(p), MaxRolePolicy)
	}
}

// checkSigningSecret fails the deployment, once the value is known, if the signing secret is
// not one the endpoint takes. The value is never shown.
func checkSigningSecret(v pulumi.StringInput) pulumi.StringOutput {
	return pulumi.ToSecret(v.ToStringOutput().ApplyT(func(s string) (string, error) {
		if len(s) < minSigningSecret || len(s) > maxSigningSecret || strings.TrimSpace(s) != s || strings.ContainsAny(s, " \t\r\n") {
			return "", &ArgError{Key: "actionsSigningSecret", Message: fmt.Sprintf(
				"is not a Slack signing secret: want %d to %d characters with no white space (the value is not shown because it is secret)", minSigningSecret, maxSigningSecret)}
		}
		return s, nil
	})).(pulumi.StringOutput)
}

// actionsArgKey renames a document key of the actions section to the argument it comes from.
func actionsArgKey(key string) (string, bool) {
	rest, ok := strings.CutPrefix(key, "actions")
	if !ok || (rest != "" && rest[0] != '.') {
		return "", false
	}
	rest = strings.TrimPrefix(rest, ".")
	switch {
	case rest == "":
		return "actionsAllow", true
	case rest == "enabled":
		return "actionsEnabled", true
	case rest == "signingSecretParam":
		return "actionsSigningSecret", true
	case rest == "botDestination":
		return "actionsBotDestination", true
	case strings.HasPrefix(rest, "services"):
		return "actionsServices" + strings.TrimPrefix(rest, "services"), true
	}
	return "actionsAllow." + rest, true
}

// ActionsArgs configures the endpoint.
type ActionsArgs struct {
	FunctionName string         `pulumi:"functionName"`
	Code         pulumi.Archive `pulumi:"code"`
	// SigningSecret is the Slack app's signing secret; it goes into the SecureString
	// parameter SigningSecretParam (a physical name) and nowhere else.
	SigningSecret      pulumi.StringInput `pulumi:"signingSecret"`
	SigningSecretParam string             `pulumi:"signingSecretParam"`
	// ConfigParameterName is the notifier's config document, which the endpoint reads too;
	// BotTokenParameterName the bot destination's token, if the document names one.
	ConfigParameterName   pulumi.StringInput    `pulumi:"configParameterName"`
	BotTokenParameterName pulumi.StringInput    `pulumi:"botTokenParameterName,optional"`
	KmsKeyArn             pulumi.StringPtrInput `pulumi:"kmsKeyArn,optional"`
	StateTableName        pulumi.StringInput    `pulumi:"stateTableName"`
	StateTableArn         pulumi.StringInput    `pulumi:"stateTableArn"`
	// Document decides the permissions: which actions are allowed, on which services, and
	// the log tail's groups for "More logs".
	Document         config.Document `pulumi:"document"`
	LogRegions       []string        `pulumi:"logRegions,optional"`
	LogLevel         string          `pulumi:"logLevel"`
	LogRetentionDays int             `pulumi:"logRetentionDays"`
}

// Actions is the endpoint: function, role, signing-secret parameter, log group, HTTP API.
type Actions struct {
	pulumi.ResourceState

	FunctionName pulumi.StringOutput `pulumi:"functionName"`
	RoleArn      pulumi.StringOutput `pulumi:"roleArn"`
	LogGroupName pulumi.StringOutput `pulumi:"logGroupName"`
	// Url is the request URL to give the Slack app (Interactivity & Shortcuts). Not a secret:
	// every request to it must carry Slack's signature.
	Url pulumi.StringOutput `pulumi:"url"`
	// SigningSecretParameterName is the parameter holding the signing secret (its name only).
	SigningSecretParameterName pulumi.StringOutput `pulumi:"signingSecretParameterName"`
}

// NewActions creates the endpoint.
func NewActions(ctx *pulumi.Context, name string, args ActionsArgs, opts ...pulumi.ResourceOption) (*Actions, error) {
	c := &Actions{}
	if err := ctx.RegisterComponentResource("foghorn:index:Actions", name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)

	secret, err := ssm.NewParameter(ctx, name+"-signing-secret", &ssm.ParameterArgs{
		Name:        pulumi.String(args.SigningSecretParam),
		Type:        ssm.ParameterTypeSecureString,
		Description: pulumi.String("foghorn: the Slack app's signing secret, which the actions endpoint checks requests with"),
		Value:       checkSigningSecret(args.SigningSecret),
		KeyId:       args.KmsKeyArn,
	}, parent)
	if err != nil {
		return nil, err
	}
	bot := pulumi.String("").ToStringOutput()
	if args.BotTokenParameterName != nil {
		bot = args.BotTokenParameterName.ToStringOutput()
	}
	fn, err := newFunction(ctx, name, functionArgs{
		Name:        args.FunctionName,
		Description: "foghorn actions endpoint: Slack buttons on alerts to silences, acknowledgements, logs and deployment decisions",
		Code:        args.Code,
		MemorySize:  actionsMemorySize,
		Timeout:     actionsTimeout,
		Environment: pulumi.StringMap{
			EnvMode:        pulumi.String(ModeActions),
			EnvConfigParam: args.ConfigParameterName,
			EnvStateTable:  args.StateTableName,
			EnvLogLevel:    pulumi.String(args.LogLevel),
		},
		RoleName:        name,
		RoleDescription: "foghorn actions endpoint: acts on clicks in Slack, as the config document allows",
		Policy: func(logGroupArn pulumi.StringOutput) pulumi.StringOutput {
			return pulumi.All(args.StateTableArn, logGroupArn, args.ConfigParameterName, secret.Arn, bot, stringOrEmpty(args.KmsKeyArn)).ApplyT(func(v []any) (string, error) {
				table := v[0].(string)
				acct := accountOf(table)
				p := actionsPolicyArgs{
					Account: acct, StateTableArn: table, LogGroupArn: v[1].(string),
					FunctionArn:     acct.arn("lambda", "function:"+args.FunctionName),
					ConfigParamArn:  acct.parameterArn(v[2].(string)),
					SecretParamArns: []string{v[3].(string)},
					KmsKeyArn:       v[5].(string),
					Actions:         args.Document.Actions, LogTail: args.Document.Logs, LogRegions: args.LogRegions,
				}
				if b := v[4].(string); b != "" {
					p.SecretParamArns = append(p.SecretParamArns, acct.parameterArn(b))
				}
				js := actionsPolicy(p).String()
				if len(js) > MaxRolePolicy {
					return "", fmt.Errorf("the actions endpoint's role policy is %d characters, over IAM's %d: list fewer actionsServices", len(js), MaxRolePolicy)
				}
				return js, nil
			}).(pulumi.StringOutput)
		},
		LogRetentionDays: args.LogRetentionDays,
	}, parent)
	if err != nil {
		return nil, err
	}
	// The slow actions run in the function's own asynchronous invocation. Lambda retrying one
	// that failed could act twice (a second rollback), so it does not: the outcome, failed or
	// not, is in the alert's thread.
	if _, err := lambda.NewFunctionEventInvokeConfig(ctx, name, &lambda.FunctionEventInvokeConfigArgs{
		FunctionName:             fn.Function.Name,
		MaximumRetryAttempts:     pulumi.Int(0),
		MaximumEventAgeInSeconds: pulumi.Int(15 * 60),
	}, parent); err != nil {
		return nil, err
	}

	api, err := apigatewayv2.NewApi(ctx, name, &apigatewayv2.ApiArgs{
		ProtocolType: pulumi.String("HTTP"),
		Description:  pulumi.String("foghorn actions endpoint: the Slack app's interactivity request URL"),
	}, parent)
	if err != nil {
		return nil, err
	}
	integration, err := apigatewayv2.NewIntegration(ctx, name, &apigatewayv2.IntegrationArgs{
		ApiId:                api.ID(),
		IntegrationType:      pulumi.String("AWS_PROXY"),
		IntegrationUri:       fn.Function.Arn,
		PayloadFormatVersion: pulumi.String("2.0"),
		TimeoutMilliseconds:  pulumi.Int(actionsIntegration),
	}, parent)
	if err != nil {
		return nil, err
	}
	if _, err := apigatewayv2.NewRoute(ctx, name, &apigatewayv2.RouteArgs{
		ApiId:    api.ID(),
		RouteKey: pulumi.String(ActionsRoute),
		Target:   pulumi.Sprintf("integrations/%s", integration.ID()),
	}, parent); err != nil {
		return nil, err
	}
	if _, err := apigatewayv2.NewStage(ctx, name, &apigatewayv2.StageArgs{
		ApiId:      api.ID(),
		Name:       pulumi.String("$default"),
		AutoDeploy: pulumi.Bool(true),
		DefaultRouteSettings: &apigatewayv2.StageDefaultRouteSettingsArgs{
			ThrottlingBurstLimit: pulumi.Int(actionsBurst),
			ThrottlingRateLimit:  pulumi.Float64(actionsRatePerSec),
		},
	}, parent); err != nil {
		return nil, err
	}
	// API Gateway may invoke the function for this API's one route, and nobody else may.
	if _, err := lambda.NewPermission(ctx, name, &lambda.PermissionArgs{
		Action:    pulumi.String("lambda:InvokeFunction"),
		Function:  fn.Function.Name,
		Principal: pulumi.String("apigateway.amazonaws.com"),
		SourceArn: pulumi.Sprintf("%s/*/POST%s", api.ExecutionArn, ActionsPath),
	}, parent); err != nil {
		return nil, err
	}

	c.FunctionName, c.RoleArn, c.LogGroupName = fn.Function.Name, fn.Role.Arn, fn.LogGroup.Name
	c.Url = pulumi.Sprintf("%s%s", api.ApiEndpoint, ActionsPath)
	c.SigningSecretParameterName = secret.Name
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"functionName": c.FunctionName, "roleArn": c.RoleArn, "logGroupName": c.LogGroupName, "url": c.Url,
		"signingSecretParameterName": c.SigningSecretParameterName,
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// parameterArn is the ARN of the SSM parameter named name in the account.
func (a account) parameterArn(name string) string {
	if !strings.HasPrefix(name, "/") {
		name = "/" + name
	}
	return a.arn("ssm", "parameter"+name)
}

// actionsPolicyArgs are the ARNs and the document the endpoint's role is scoped to.
type actionsPolicyArgs struct {
	Account        account
	StateTableArn  string
	LogGroupArn    string // without the ":*" suffix
	FunctionArn    string
	ConfigParamArn string
	// SecretParamArns are the signing secret's and, with a bot destination, its token's.
	SecretParamArns []string
	KmsKeyArn       string
	Actions         config.Actions
	LogTail         config.Logs
	LogRegions      []string
}

// actionsPolicy is the endpoint's least-privilege role policy: what each allowed action needs,
// on exactly the configured services.
func actionsPolicy(p actionsPolicyArgs) PolicyDocument {
	st := []Statement{
		// Read at cold start: the config document, the signing secret, the bot's token.
		readConfigAndSecrets(p.ConfigParamArn, p.SecretParamArns),
		writeOwnLogs(p.LogGroupArn),
		{
			// The click ledger (a conditional write per click), the silences, and the
			// acknowledgement on a crash-loop story: one item at a time.
			Sid: "RecordClicksAndSilences", Effect: "Allow", Action: []string{"dynamodb:GetItem", "dynamodb:PutItem"},
			Resource: []string{p.StateTableArn},
		},
		{
			// The slow actions run in the function's own asynchronous invocation.
			Sid: "InvokeItself", Effect: "Allow", Action: []string{"lambda:InvokeFunction"},
			Resource: []string{p.FunctionArn},
		},
	}
	a := p.Actions
	services := slices.Clone(a.Services)
	var deployments []string
	for _, s := range a.Services {
		deployments = append(deployments, strings.Replace(s, ":service/", ":service-deployment/", 1)+"/*")
	}
	if a.Logs != nil {
		// "More logs" reads what the log tail reads.
		st = append(st, readTaskDefinitions("ReadTaskDefinitions"),
			readTaskLogTails(p.Account.logStreamArns(p.LogTail.LogGroupPrefixes, p.LogRegions)))
	}
	if a.Continue != nil || a.Rollback != nil {
		// Continue, and roll back, a deployment paused at a lifecycle hook: the Service
		// Authorization Reference requires both the service and the service deployment.
		st = append(st, Statement{
			Sid: "DecidePausedDeployments", Effect: "Allow", Action: []string{"ecs:ContinueServiceDeployment"},
			Resource: append(slices.Clone(services), deployments...),
		})
	}
	if a.Rollback != nil {
		st = append(st,
			Statement{
				// A failing deployment is rolled back by ECS's own rollback of the deployment
				// in progress, which again needs the service and the service deployment.
				Sid: "RollBackDeployments", Effect: "Allow", Action: []string{"ecs:StopServiceDeployment"},
				Resource: append(slices.Clone(services), deployments...),
			},
			Statement{
				// Which deployment is in progress, and whether it is still the alert's.
				Sid: "FindDeploymentsInProgress", Effect: "Allow", Action: []string{"ecs:DescribeServices", "ecs:ListServiceDeployments"},
				Resource: services,
			})
	}
	if p.KmsKeyArn != "" {
		st = append(st, decryptSecretParameters(p.Account.Region, p.KmsKeyArn, p.SecretParamArns))
	}
	return doc(st...)
}

// longestActionsPolicy is the endpoint's policy at preview with every name at its longest:
// what IAM's limit is checked against.
func (a EcsChatAlertsArgs) longestActionsPolicy() string {
	acct := account{Partition: "aws-us-gov", Region: "ap-southeast-5", ID: "123456789012"}
	long := "/" + strings.Repeat("x", 63)
	p := actionsPolicyArgs{
		Account: acct, StateTableArn: "arn:aws-us-gov:dynamodb:ap-southeast-5:123456789012:table/" + strings.Repeat("x", 255),
		LogGroupArn:    "arn:aws-us-gov:logs:ap-southeast-5:123456789012:log-group:/aws/lambda/" + strings.Repeat("x", 64),
		FunctionArn:    "arn:aws-us-gov:lambda:ap-southeast-5:123456789012:function:" + strings.Repeat("x", 64),
		ConfigParamArn: acct.parameterArn(long), SecretParamArns: []string{acct.parameterArn(long), acct.parameterArn(long)},
		KmsKeyArn: "arn:aws-us-gov:kms:ap-southeast-5:123456789012:key/mrk-" + strings.Repeat("0", 32),
		Actions:   a.actionsDocument(), LogTail: config.Logs{LogGroupPrefixes: a.LogGroupPrefixes}, LogRegions: a.LogRegions,
	}
	return actionsPolicy(p).String()
}

// newActions creates the endpoint when the args enable it, and returns its request URL.
func newActions(ctx *pulumi.Context, name string, args EcsChatAlertsArgs, document config.Document, code pulumi.Archive,
	table *StateTable, notifier *Notifier, keyArn pulumi.StringPtrInput, parent pulumi.ResourceOption) (pulumi.StringOutput, error) {
	if !args.ActionsEnabled {
		return pulumi.String("").ToStringOutput(), nil
	}
	a := ActionsArgs{
		FunctionName:        ActionsFunctionName(ctx.Project(), ctx.Stack(), name),
		Code:                code,
		SigningSecret:       args.ActionsSigningSecret,
		SigningSecretParam:  document.Actions.SigningSecretParam,
		ConfigParameterName: notifier.ConfigParameterName,
		KmsKeyArn:           keyArn,
		StateTableName:      table.TableName,
		StateTableArn:       table.TableArn,
		Document:            document,
		LogRegions:          args.LogRegions,
		LogLevel:            args.LogLevel,
		LogRetentionDays:    args.LogRetentionDays,
	}
	if bot := args.ActionsBotDestination; bot != "" {
		// The token's parameter, by the Notifier's order: each secret, then its signing secret.
		i := 0
		for _, d := range args.destinations(name) {
			if d.doc.Name == bot {
				break
			}
			i++
			if d.secrets.SigningSecret != nil {
				i++
			}
		}
		a.BotTokenParameterName = notifier.SecretParameterNames.Index(pulumi.Int(i))
	}
	c, err := NewActions(ctx, name+"-actions", a, parent)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	return c.Url, nil
}
