package awsfake

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	sdksns "github.com/aws/aws-sdk-go-v2/service/sns"
	sdksqs "github.com/aws/aws-sdk-go-v2/service/sqs"
	sdkssm "github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/smithy-go"

	ownsns "github.com/foghornhq/foghorn/lambda/awsjson/sns"
	"github.com/foghornhq/foghorn/lambda/internal/awsfake/sdkclient"
)

func noProblems(t *testing.T, e interface{ Problems() []string }) {
	t.Helper()
	for _, p := range e.Problems() {
		t.Errorf("problem: %s", p)
	}
}

func TestShippedTaskDefinitionsDecode(t *testing.T) {
	f := NewECS()
	defer f.Close()
	f.AddShipped()
	c := sdkclient.ECS(f)
	for name := range TaskDefinitions() {
		out, err := c.DescribeTaskDefinition(context.Background(), &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(name)})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		td := out.TaskDefinition
		if td == nil || aws.ToString(td.Family)+":"+strconv.Itoa(int(td.Revision)) != name || len(td.ContainerDefinitions) == 0 || td.RegisteredAt == nil {
			t.Errorf("%s decoded as %+v", name, td)
		}
	}
	noProblems(t, f)
}

func TestECSResolvesNamesAndARNs(t *testing.T) {
	f := NewECS()
	defer f.Close()
	f.AddShipped()
	c := sdkclient.ECS(f)
	for _, name := range []string{"checkout-api", "checkout-api:42", "arn:aws:ecs:us-east-1:111122223333:task-definition/checkout-api:42"} {
		out, err := c.DescribeTaskDefinition(context.Background(), &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(name)})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		app := out.TaskDefinition.ContainerDefinitions[0]
		if aws.ToString(app.Name) != "app" || app.LogConfiguration.LogDriver != ecstypes.LogDriverAwslogs ||
			app.LogConfiguration.Options["awslogs-group"] != CheckoutGroup {
			t.Errorf("%s: %+v", name, app)
		}
	}
	_, err := c.DescribeTaskDefinition(context.Background(), &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("checkout-api:41")})
	if code := errorCode(err); code != "ClientException" {
		t.Errorf("unknown revision: %v", err)
	}
	if got := f.Requests(); len(got) != 4 || got[3].TaskDefinition != "checkout-api:41" || got[3].Region != Region {
		t.Errorf("requests %+v", got)
	}
	noProblems(t, f)
}

func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func TestGetLogEventsPages(t *testing.T) {
	f := NewLogs()
	defer f.Close()
	t0 := time.Date(2024, 3, 14, 9, 0, 0, 0, time.UTC)
	var evs []Event
	for i := range 25 {
		evs = append(evs, Event{Time: t0.Add(time.Duration(i) * time.Second), Message: "line " + strconv.Itoa(i)})
	}
	f.Put("/ecs/x", "ecs/app/1", evs...)
	c := sdkclient.Logs(f)
	get := func(in cloudwatchlogs.GetLogEventsInput) *cloudwatchlogs.GetLogEventsOutput {
		t.Helper()
		in.LogGroupName, in.LogStreamName = aws.String("/ecs/x"), aws.String("ecs/app/1")
		out, err := c.GetLogEvents(context.Background(), &in)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	msgs := func(out *cloudwatchlogs.GetLogEventsOutput) string {
		var s []string
		for _, e := range out.Events {
			s = append(s, aws.ToString(e.Message))
		}
		return strings.Join(s, ",")
	}

	tail := get(cloudwatchlogs.GetLogEventsInput{Limit: aws.Int32(3), StartFromHead: aws.Bool(false)})
	if got := msgs(tail); got != "line 22,line 23,line 24" {
		t.Errorf("tail: %s", got)
	}
	if e := tail.Events[0]; aws.ToInt64(e.Timestamp) != t0.Add(22*time.Second).UnixMilli() || aws.ToInt64(e.IngestionTime) <= aws.ToInt64(e.Timestamp) {
		t.Errorf("timestamps %+v", e)
	}
	before := get(cloudwatchlogs.GetLogEventsInput{Limit: aws.Int32(3), NextToken: tail.NextBackwardToken})
	if got := msgs(before); got != "line 19,line 20,line 21" {
		t.Errorf("page before the tail: %s", got)
	}
	if got := msgs(get(cloudwatchlogs.GetLogEventsInput{Limit: aws.Int32(2), StartFromHead: aws.Bool(true)})); got != "line 0,line 1" {
		t.Errorf("head: %s", got)
	}
	if got := msgs(get(cloudwatchlogs.GetLogEventsInput{})); strings.Count(got, ",") != 24 {
		t.Errorf("no limit: %s", got)
	}
	noProblems(t, f)
}

func TestGetLogEventsErrors(t *testing.T) {
	f := NewLogs()
	defer f.Close()
	f.Put("/ecs/x", "ecs/app/1", Event{Time: time.Now(), Message: "hello"})
	f.Deny("/ecs/secret")
	f.Put("/ecs/secret", "s", Event{Time: time.Now(), Message: "hidden"})
	c := sdkclient.Logs(f, func(o *cloudwatchlogs.Options) { o.RetryMaxAttempts = 1 })
	for _, tc := range []struct{ group, stream, code string }{
		{"/ecs/none", "s", "ResourceNotFoundException"},
		{"/ecs/x", "ecs/app/2", "ResourceNotFoundException"},
		{"/ecs/secret", "s", "AccessDeniedException"},
	} {
		_, err := c.GetLogEvents(context.Background(), &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(tc.group), LogStreamName: aws.String(tc.stream)})
		if got := errorCode(err); got != tc.code {
			t.Errorf("%s %s: %v, want %s", tc.group, tc.stream, err, tc.code)
		}
	}
	f.Fail("", "", Throttled())
	_, err := c.GetLogEvents(context.Background(), &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("/ecs/x"), LogStreamName: aws.String("ecs/app/1")})
	if got := errorCode(err); got != "ThrottlingException" {
		t.Errorf("throttled: %v", err)
	}
	noProblems(t, f)

	// What the service would reject is answered as such and recorded as a problem.
	_, err = c.GetLogEvents(context.Background(), &cloudwatchlogs.GetLogEventsInput{
		LogGroupName: aws.String("/ecs/x"), LogGroupIdentifier: aws.String("/ecs/x"), LogStreamName: aws.String("ecs/app/1"),
	})
	if got := errorCode(err); got != "InvalidParameterException" || len(f.Problems()) != 1 {
		t.Errorf("both group fields: %v, problems %q", err, f.Problems())
	}
}

// Requests that are not awsJson1_1 from a signing SDK client are problems.
func TestProtocolChecks(t *testing.T) {
	f := NewLogs()
	defer f.Close()
	for _, tc := range []struct {
		name, target, contentType, auth, body, want string
	}{
		{"unsigned", "Logs_20140328.GetLogEvents", "application/x-amz-json-1.1", "", `{}`, "not SigV4-signed"},
		{"wrong service in scope", "Logs_20140328.GetLogEvents", "application/x-amz-json-1.1",
			"AWS4-HMAC-SHA256 Credential=AKIDFAKEEXAMPLE/20240314/us-east-1/ecs/aws4_request, SignedHeaders=host, Signature=00", `{}`, "signed for service ecs"},
		{"wrong target", "AmazonSSM.GetParameter", "application/x-amz-json-1.1", "", `{}`, "does not name a Logs_20140328 operation"},
		{"json 1.0", "Logs_20140328.GetLogEvents", "application/x-amz-json-1.0", "", `{}`, "Content-Type"},
		{"not json", "Logs_20140328.GetLogEvents", "application/x-amz-json-1.1",
			"AWS4-HMAC-SHA256 Credential=AKIDFAKEEXAMPLE/20240314/us-east-1/logs/aws4_request, SignedHeaders=host, Signature=00", `logGroupName=x`, "not a JSON object"},
	} {
		req, _ := http.NewRequest(http.MethodPost, f.URL()+"/", strings.NewReader(tc.body))
		req.Header.Set("X-Amz-Target", tc.target)
		req.Header.Set("Content-Type", tc.contentType)
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		resp, err := f.HTTPClient().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		p := f.Problems()
		if resp.StatusCode < 400 || len(p) == 0 || !strings.Contains(p[len(p)-1], tc.want) {
			t.Errorf("%s: status %d, problems %q", tc.name, resp.StatusCode, p)
		}
	}
}

// A held request waits until its client gives up, and Close releases any still waiting.
func TestHold(t *testing.T) {
	f := NewECS()
	defer f.Close()
	f.AddShipped()
	f.Hold(true)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := sdkclient.ECS(f).DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("checkout-api:42")})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err %v, want the deadline", err)
	}
	f.Hold(false)
	if _, err := sdkclient.ECS(f).DescribeTaskDefinition(context.Background(), &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("checkout-api:42")}); err != nil {
		t.Errorf("after release: %v", err)
	}
}

func TestCheckoutCrashLog(t *testing.T) {
	stopped := time.Date(2024, 3, 14, 9, 26, 53, 0, time.UTC)
	evs := CheckoutCrashLog(stopped)
	last := evs[len(evs)-1]
	if !last.Time.Before(stopped) || last.Message != "Node.js v20.11.1" {
		t.Errorf("last event %+v", last)
	}
	found := false
	for i, e := range evs {
		found = found || e.Message == "ConfigError: missing required env DATABASE_URL"
		if i > 0 && !e.Time.After(evs[i-1].Time) {
			t.Errorf("event %d not after %d", i, i-1)
		}
	}
	if !found {
		t.Error("the diagnosis is missing")
	}
	if CheckoutStream(CheckoutTaskID) != "ecs/app/"+CheckoutTaskID {
		t.Error(CheckoutStream(CheckoutTaskID))
	}
}

// TestSNSAnswersTheSDK: the SNS fake takes the SDK's Publish as the notifier's own client
// sends it, and refuses an unknown topic to both alike.
func TestSNSAnswersTheSDK(t *testing.T) {
	const topic = "arn:aws:sns:us-east-1:111122223333:foghorn-ops"
	f := NewSNS(topic)
	defer f.Close()
	ctx := context.Background()
	if _, err := sdkclient.SNS(f).Publish(ctx, &sdksns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("from the SDK"), Subject: aws.String("s")}); err != nil {
		t.Fatal(err)
	}
	out, err := f.Client().Publish(ctx, &ownsns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("from foghorn"), Subject: aws.String("s")})
	if err != nil || aws.ToString(out.MessageId) == "" {
		t.Fatalf("Publish = %+v, %v", out, err)
	}
	if pub := f.Published(); len(pub) != 2 || pub[0].Message != "from the SDK" || pub[1].Message != "from foghorn" || pub[1].Subject != "s" {
		t.Errorf("published %+v", pub)
	}
	noProblems(t, f)
	_, sdkErr := sdkclient.SNS(f).Publish(ctx, &sdksns.PublishInput{TopicArn: aws.String(topic + "-gone"), Message: aws.String("m")})
	_, ownErr := f.Client().Publish(ctx, &ownsns.PublishInput{TopicArn: aws.String(topic + "-gone"), Message: aws.String("m")})
	var ae smithy.APIError
	if !errors.As(sdkErr, &ae) || !errors.As(ownErr, &ae) || !strings.Contains(ownErr.Error(), ae.ErrorCode()) {
		t.Errorf("unknown topic: SDK %v, own %v", sdkErr, ownErr)
	}
}

// What SQS and ECS refuse is refused with their error code, recorded as a problem, and
// answered, also where the fake finds it while holding its state's lock (SendMessage's body,
// DescribeServiceDeployments' ARNs). A fake that waited on its own lock would never answer:
// each call has a deadline, so that fails the test instead of hanging it.
func TestRefusalsAreAnswered(t *testing.T) {
	const queue = "https://sqs.us-east-1.amazonaws.com/111122223333/foghorn-queue"
	q, e := NewSQS(queue), NewECS()
	stuck := false
	t.Cleanup(func() {
		if !stuck { // Close waits for every handler, a stuck one too
			q.Close()
			e.Close()
		}
	})
	answered := func(name string, call func(ctx context.Context) error) error {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		err := call(ctx)
		if ctx.Err() != nil {
			stuck = true
			t.Fatalf("%s: no answer before the deadline (%v): the fake is stuck", name, err)
		}
		return err
	}

	sqsc := sdkclient.SQS(q, func(o *sdksqs.Options) { o.RetryMaxAttempts = 1 })
	send := func(body string) func(context.Context) error {
		return func(ctx context.Context) error {
			_, err := sqsc.SendMessage(ctx, &sdksqs.SendMessageInput{QueueUrl: aws.String(queue), MessageBody: aws.String(body)})
			return err
		}
	}
	for _, tc := range []struct{ name, body, code string }{
		{"no body", "", "MissingParameter"},
		{"over 256 KiB", strings.Repeat("x", MaxSQSBody+1), "InvalidParameterValue"},
		{"a character SQS refuses", "bell \a", "InvalidMessageContents"},
	} {
		if err := answered("SendMessage, "+tc.name, send(tc.body)); errorCode(err) != tc.code {
			t.Errorf("SendMessage, %s: %v, want %s", tc.name, err, tc.code)
		}
	}
	if err := answered("SendMessage after the refusals", send("deploy finished")); err != nil {
		t.Errorf("SendMessage after the refusals: %v", err)
	}
	if p, m := q.Problems(), q.Messages(); len(p) != 3 || len(m) != 1 {
		t.Errorf("SQS problems %q, messages %+v; want 3 problems, 1 message", p, m)
	}

	ecsc := sdkclient.ECS(e, func(o *ecs.Options) { o.RetryMaxAttempts = 1 })
	describe := func(arn string) (*ecs.DescribeServiceDeploymentsOutput, error) {
		var out *ecs.DescribeServiceDeploymentsOutput
		err := answered("DescribeServiceDeployments "+arn, func(ctx context.Context) (err error) {
			out, err = ecsc.DescribeServiceDeployments(ctx, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{arn}})
			return err
		})
		return out, err
	}
	const elsewhere = "arn:aws:ecs:eu-west-1:111122223333:service-deployment/prod/checkout-api/AbC123"
	if out, err := describe(elsewhere); err != nil || len(out.Failures) != 1 || aws.ToString(out.Failures[0].Reason) != "MISSING" {
		t.Errorf("an ARN of another region: %+v, %v; want it MISSING", out, err)
	}
	if _, err := describe("arn:aws:ecs:us-east-1:111122223333:service/prod/checkout-api"); errorCode(err) != "InvalidParameterException" {
		t.Errorf("a service ARN: %v, want InvalidParameterException", err)
	}
	if p := e.Problems(); len(p) != 2 {
		t.Errorf("ECS problems %q, want 2", p)
	}
}

// The SSM fake answers the SDK as SSM does: a SecureString decrypted, ParameterNotFound for a
// name it does not hold, and, asked without decryption, the ciphertext and a problem.
func TestSSMAnswersTheSDK(t *testing.T) {
	const name, value = "/foghorn/test/webhook", "https://hooks.slack.example/services/TFAKE/BFAKE/fake-secret-for-tests"
	f := NewSSM(map[string]string{name: value})
	defer f.Close()
	c := sdkclient.SSM(f)
	get := func(name string, decrypt bool) (string, error) {
		out, err := c.GetParameter(context.Background(), &sdkssm.GetParameterInput{Name: aws.String(name), WithDecryption: aws.Bool(decrypt)})
		if err != nil {
			return "", err
		}
		if out.Parameter.Type != ssmtypes.ParameterTypeSecureString || aws.ToString(out.Parameter.Name) != name {
			t.Errorf("parameter %+v", out.Parameter)
		}
		return aws.ToString(out.Parameter.Value), nil
	}
	if v, err := get(name, true); err != nil || v != value {
		t.Errorf("decrypted: %q, %v", v, err)
	}
	noProblems(t, f)
	var nf *ssmtypes.ParameterNotFound
	if _, err := get("/foghorn/test/nope", true); !errors.As(err, &nf) {
		t.Errorf("a name it does not hold: %v, want ParameterNotFound", err)
	}
	f.Set(name, "https://hooks.slack.example/services/TFAKE/BFAKE/rotated")
	if v, err := get(name, true); err != nil || !strings.HasSuffix(v, "/rotated") {
		t.Errorf("after Set: %q, %v", v, err)
	}
	if v, err := get(name, false); err != nil || strings.Contains(v, "hooks.slack.example") || len(f.Problems()) != 1 {
		t.Errorf("without decryption: %q, %v, problems %q; want the ciphertext and a problem", v, err, f.Problems())
	}
	if got := f.Asked(); len(got) != 4 || got[1] != "/foghorn/test/nope" || f.Calls() != 4 {
		t.Errorf("asked %q, %d calls", got, f.Calls())
	}
}
