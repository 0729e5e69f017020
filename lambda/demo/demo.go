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

	"github.com/foghornhq/foghorn/lambda/chat/deliver"
	"github.com/foghornhq/foghorn/lambda/clock"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/deployments"
	"github.com/foghornhq/foghorn/lambda/envelope"
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
// arrive at the function as one SQS batch.
type Step struct {
	Note   string            `json:"note"`
	Events []json.RawMessage `json:"events"`
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
	Events, Messages, Folded, Suppressed int
	Rules                                map[string]int
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
		Destinations: []config.Destination{{Name: "prod-alerts", Target: "slack", SecretParam: "demo"}}}
	secret := func(context.Context, string) (string, error) { return url, nil }
	// ECS and CloudWatch Logs are fakes too, holding what the real ones would: the crashed
	// tasks' logs and the service's deployments.
	ecsFake, logsFake := awsfake.NewECS(), awsfake.NewLogs()
	defer ecsFake.Close()
	defer logsFake.Close()
	if err := stageAWS(inc, ecsFake, logsFake); err != nil {
		return Summary{}, err
	}
	tail, err := logtail.New(ecsFake.Client(), logsFake.Client(), config.Logs{LogGroupPrefixes: []string{"/ecs/"}})
	if err != nil {
		return Summary{}, err
	}
	// The incident's events carry their own dates; the demo processes them now, on
	// whatever clock it is given, as the function would a backlog.
	clk := clock.Or(o.Clock)
	n, err := notifier.FromDocument(ctx, doc, secret, &deliver.Client{Clock: clk},
		notifier.WithClock(clk), notifier.WithState(state.NewMemory(clk)),
		notifier.WithRevisions(deployments.Lookup{API: ecsFake.Client()}), notifier.WithLogs(tail))
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
		batch, err := envelope.SQSBatch(step.Events)
		if err != nil {
			return sum, err
		}
		recs, err := envelope.Split(batch)
		if err != nil {
			return sum, err
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
		fmt.Fprintf(o.Out, "%s\n\n", term.style(ansiDim, fmt.Sprintf("   %d event(s) → %d message(s)%s%s", len(step.Events), res.Delivered(), foldedNote(plan), suppressedNote(plan))))
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
	fmt.Fprintf(o.Out, "%d AWS events → %d chat messages; %d folded into crash-loop and deployment stories; %d kept out of the channel%s.\n",
		sum.Events, sum.Messages, sum.Folded, sum.Suppressed, rulesNote(sum.Rules))
	return sum, nil
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
	ecsFake.SetService(awsfake.Service{Cluster: "prod", Name: "checkout-api", Deployments: []awsfake.Deployment{
		{ID: "ecs-svc/9204318811052734410", Status: "PRIMARY", TaskDefinition: "checkout-api:41", RolloutState: "IN_PROGRESS"},
		{ID: "ecs-svc/4718350946203817256", Status: "ACTIVE", TaskDefinition: "checkout-api:42", RolloutState: "FAILED"},
	}})
	return nil
}
