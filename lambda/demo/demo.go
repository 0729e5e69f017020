// Package demo replays a realistic incident, shipped with the project, through the notifier's
// real pipeline into a chat webhook (a fake Slack on 127.0.0.1 unless a real webhook URL is
// given) and draws in the terminal what the channel shows. It is what `make demo` runs.
package demo

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/foghornhq/foghorn/lambda/awslogs"
	"github.com/foghornhq/foghorn/lambda/chat/deliver"
	"github.com/foghornhq/foghorn/lambda/clock"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/deployments"
	"github.com/foghornhq/foghorn/lambda/envelope"
	"github.com/foghornhq/foghorn/lambda/intake"
	"github.com/foghornhq/foghorn/lambda/internal/awsfake"
	"github.com/foghornhq/foghorn/lambda/internal/chatfake"
	"github.com/foghornhq/foghorn/lambda/logtail"
	"github.com/foghornhq/foghorn/lambda/notifier"
	"github.com/foghornhq/foghorn/lambda/state"
)

//go:embed incident.json
var incidentJSON []byte

// Incident is a story told as batches of real-shaped AWS events.
type Incident struct {
	Title string `json:"title"`
	Steps []Step `json:"steps"`
}

// Step is one moment of the story: what happened, and the events AWS sent about it, which
// arrive at the function as one SQS batch. Logs are CloudWatch Logs subscription deliveries
// (decoded DATA_MESSAGE documents): they go through the log intake, as in the stack.
type Step struct {
	Note   string                      `json:"note"`
	Events []json.RawMessage           `json:"events"`
	Logs   []events.CloudwatchLogsData `json:"logs,omitempty"`
}

// Load returns the incident shipped with the project.
func Load() (Incident, error) {
	var inc Incident
	err := json.Unmarshal(incidentJSON, &inc)
	return inc, err
}

// Options configure a run.
type Options struct {
	Out   io.Writer
	Color bool
	// WebhookURL, when set, receives the messages instead of the local fake.
	WebhookURL string
	// Pause between steps, so a reader can follow; zero for tests.
	Pause time.Duration
	// Clock is the processing clock; nil means the system clock.
	Clock clock.Clock
}

// Summary counts what a run did.
type Summary struct {
	Events, LogLines, Messages, Folded, Suppressed int
	Rules                                          map[string]int
}

// Run tells the incident.
func Run(ctx context.Context, o Options) (Summary, error) {
	inc, err := Load()
	if err != nil {
		return Summary{}, fmt.Errorf("demo incident: %w", err)
	}
	url := o.WebhookURL
	var chat *chatfake.Server
	if url == "" {
		chat = chatfake.New(chatfake.Options{})
		defer chat.Close()
		url = chat.SlackWebhookURL("prod-alerts")
	}
	doc := &config.Document{Version: config.Version, Environment: "prod",
		Destinations: []config.Destination{{Name: "prod-alerts", Target: "slack", SecretParam: "demo"}},
		// Log lines are placed on their service through their task, as in a stack with clusterArns.
		LogPatterns: config.LogPatterns{Clusters: []string{"prod"}}}
	secret := func(context.Context, string) (string, error) { return url, nil }
	// ECS and CloudWatch Logs are fakes too, holding what the real ones would: the crashed
	// tasks' logs and the service's deployments.
	ecsFake, logsFake := awsfake.NewECS(), awsfake.NewLogs()
	defer ecsFake.Close()
	defer logsFake.Close()
	if err := stageAWS(inc, ecsFake, logsFake); err != nil {
		return Summary{}, err
	}
	// The fakes are on this machine: the budget only has to outlast a busy one.
	tail, err := logtail.New(ecsFake.Client(), logsFake.Client(), config.Logs{LogGroupPrefixes: []string{"/ecs/"}, Budget: config.Duration(10 * time.Second)})
	if err != nil {
		return Summary{}, err
	}
	// The incident's events carry their own dates; the demo processes them now, on
	// whatever clock it is given, as the function would a backlog.
	clk := clock.Or(o.Clock)
	n, err := notifier.FromDocument(ctx, doc, secret, &deliver.Client{Clock: clk},
		notifier.WithClock(clk), notifier.WithState(state.NewMemory(clk)),
		notifier.WithRevisions(deployments.Lookup{API: ecsFake.Client()}), notifier.WithLogs(tail),
		notifier.WithLogSources(ecsFake.Client()), notifier.WithRegion("us-east-1"))
	if err != nil {
		return Summary{}, err
	}

	term := Terminal{W: o.Out, Color: o.Color}
	where := "a fake Slack channel on 127.0.0.1"
	if chat == nil {
		where = "your Slack webhook"
	}
	fmt.Fprintf(o.Out, "%s\n%s\nEvents go through the real pipeline into %s; here is what #prod-alerts shows.\n\n",
		term.style(ansiBold, "foghorn demo: "+inc.Title), strings.Repeat("═", 60), where)

	sum := Summary{Rules: map[string]int{}}
	seen := 0
	for i, step := range inc.Steps {
		if i > 0 && o.Pause > 0 {
			select {
			case <-ctx.Done():
				return sum, ctx.Err()
			case <-time.After(o.Pause):
			}
		}
		fmt.Fprintf(o.Out, "%s\n", term.style(ansiDim, "── "+step.Note))
		linesBefore := sum.LogLines
		batch, err := envelope.SQSBatch(step.Events)
		if err != nil {
			return sum, err
		}
		if len(step.Logs) > 0 {
			if batch, err = throughIntake(ctx, step.Logs); err != nil {
				return sum, err
			}
		}
		recs, err := envelope.Split(batch)
		if err != nil {
			return sum, err
		}
		for _, l := range step.Logs {
			sum.LogLines += len(l.LogEvents)
		}
		plan := n.Plan(ctx, recs)
		res := n.Deliver(ctx, plan)
		sum.Events += len(step.Events)
		sum.Messages += res.Delivered()
		sum.Suppressed += len(plan.Suppressed)
		sum.Folded += len(plan.Folded)
		for _, s := range plan.Suppressed {
			sum.Rules[s.Rule]++
		}
		for _, o := range res.Outcomes {
			if o.Err != nil {
				return sum, fmt.Errorf("posting %q: %w", o.Message.Alert.Title, o.Err)
			}
		}
		what := fmt.Sprintf("%d event(s)", len(step.Events))
		if len(step.Logs) > 0 {
			what = fmt.Sprintf("%d log line(s)", sum.LogLines-linesBefore)
		}
		fmt.Fprintf(o.Out, "%s\n\n", term.style(ansiDim, fmt.Sprintf("   %s → %d message(s)%s%s", what, res.Delivered(), foldedNote(plan), suppressedNote(plan))))
		if chat != nil {
			reqs := chat.Requests()
			for _, r := range reqs[seen:] {
				term.Draw(r.Body)
			}
			seen = len(reqs)
		} else {
			for _, m := range plan.Messages {
				term.Draw(m.Payload)
			}
		}
	}
	fmt.Fprintf(o.Out, "%d AWS events and %d log lines → %d chat messages; %d folded into crash-loop, deployment and log-pattern stories; %d kept out of the channel%s.\n",
		sum.Events, sum.LogLines, sum.Messages, sum.Folded, sum.Suppressed, rulesNote(sum.Rules))
	return sum, nil
}

// throughIntake hands CloudWatch Logs deliveries to the log intake, as their subscription
// filter would, and returns the SQS batch the intake's messages make for the notifier.
func throughIntake(ctx context.Context, deliveries []events.CloudwatchLogsData) ([]byte, error) {
	q := &queue{}
	in, err := intake.New(q, "https://sqs.us-east-1.amazonaws.com/123456789012/demo-queue", "us-east-1", nil)
	if err != nil {
		return nil, err
	}
	for _, d := range deliveries {
		ev, err := awslogs.Encode(d)
		if err != nil {
			return nil, err
		}
		if _, err := in.Enqueue(ctx, ev); err != nil {
			return nil, err
		}
	}
	type record struct {
		MessageID   string `json:"messageId"`
		Body        string `json:"body"`
		EventSource string `json:"eventSource"`
	}
	var b struct {
		Records []record `json:"Records"`
	}
	for i, body := range q.bodies {
		b.Records = append(b.Records, record{MessageID: fmt.Sprintf("log-%d", i+1), Body: body, EventSource: "aws:sqs"})
	}
	return json.Marshal(b)
}

// queue stands in for SQS: it keeps what the intake sends.
type queue struct{ bodies []string }

func (q *queue) SendMessage(_ context.Context, in *sqs.SendMessageInput, _ ...func(*sqs.Options)) (*sqs.SendMessageOutput, error) {
	q.bodies = append(q.bodies, aws.ToString(in.MessageBody))
	return &sqs.SendMessageOutput{MessageId: aws.String(fmt.Sprint(len(q.bodies)))}, nil
}

func foldedNote(p notifier.Plan) string {
	if len(p.Folded) == 0 {
		return ""
	}
	return fmt.Sprintf(", %d folded into a story", len(p.Folded))
}

func suppressedNote(p notifier.Plan) string {
	if len(p.Suppressed) == 0 {
		return ""
	}
	rules := map[string]int{}
	for _, s := range p.Suppressed {
		rules[s.Rule]++
	}
	return fmt.Sprintf(", %d suppressed%s", len(p.Suppressed), rulesNote(rules))
}

func rulesNote(rules map[string]int) string {
	if len(rules) == 0 {
		return ""
	}
	var parts []string
	for r, c := range rules {
		parts = append(parts, fmt.Sprintf("%s ×%d", r, c))
	}
	sort.Strings(parts)
	return " (" + strings.Join(parts, ", ") + ")"
}

// stageAWS loads the fakes with what AWS would hold during the incident: each crashed
// checkout-api task's log stream, and the service's deployments once the circuit breaker
// has rolled back.
func stageAWS(inc Incident, ecsFake *awsfake.ECS, logsFake *awsfake.Logs) error {
	for _, step := range inc.Steps {
		for _, raw := range step.Events {
			var ev struct {
				Detail struct {
					TaskArn    string `json:"taskArn"`
					Group      string `json:"group"`
					LastStatus string `json:"lastStatus"`
					StoppedAt  string `json:"stoppedAt"`
				} `json:"detail"`
			}
			if err := json.Unmarshal(raw, &ev); err != nil {
				return err
			}
			d := ev.Detail
			if d.Group != "service:checkout-api" || d.LastStatus != "STOPPED" {
				continue
			}
			stopped, err := time.Parse(time.RFC3339Nano, d.StoppedAt)
			if err != nil {
				return err
			}
			awsfake.AddCheckoutCrash(ecsFake, logsFake, d.TaskArn[strings.LastIndex(d.TaskArn, "/")+1:], stopped)
		}
	}
	// The tasks whose log lines the incident carries, as ECS describes them.
	for _, step := range inc.Steps {
		for _, l := range step.Logs {
			ecsFake.SetTask(awsfake.Task{Cluster: "prod", ID: l.LogStream[strings.LastIndex(l.LogStream, "/")+1:], Group: "service:checkout-api",
				TaskDefinition: "checkout-api:42", StartedBy: "ecs-svc/4718350946203817256"})
		}
	}
	ecsFake.SetService(awsfake.Service{Cluster: "prod", Name: "checkout-api", Deployments: []awsfake.Deployment{
		{ID: "ecs-svc/9204318811052734410", Status: "PRIMARY", TaskDefinition: "checkout-api:41", RolloutState: "IN_PROGRESS"},
		{ID: "ecs-svc/4718350946203817256", Status: "ACTIVE", TaskDefinition: "checkout-api:42", RolloutState: "FAILED"},
	}})
	return nil
}
