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

	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/deliver"
	"github.com/foghornhq/foghorn/lambda/envelope"
	"github.com/foghornhq/foghorn/lambda/fakechat"
	"github.com/foghornhq/foghorn/lambda/notifier"
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
}

// Summary counts what a run did.
type Summary struct {
	Events, Messages, Suppressed int
	Rules                        map[string]int
}

// Run tells the incident.
func Run(ctx context.Context, o Options) (Summary, error) {
	inc, err := Load()
	if err != nil {
		return Summary{}, fmt.Errorf("demo incident: %w", err)
	}
	url := o.WebhookURL
	var chat *fakechat.Server
	if url == "" {
		chat = fakechat.New(fakechat.Options{})
		defer chat.Close()
		url = chat.SlackWebhookURL("prod-alerts")
	}
	doc := &config.Document{Version: config.Version, Environment: "prod",
		Destinations: []config.Destination{{Name: "prod-alerts", Target: "slack", SecretParam: "demo"}}}
	secret := func(context.Context, string) (string, error) { return url, nil }
	n, err := notifier.FromDocument(ctx, doc, secret, &deliver.Client{}, nil)
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
		for _, s := range plan.Suppressed {
			sum.Rules[s.Rule]++
		}
		for _, o := range res.Outcomes {
			if o.Err != nil {
				return sum, fmt.Errorf("posting %q: %w", o.Message.Alert.Title, o.Err)
			}
		}
		fmt.Fprintf(o.Out, "%s\n\n", term.style(ansiDim, fmt.Sprintf("   %d event(s) → %d message(s)%s", len(step.Events), res.Delivered(), suppressedNote(plan))))
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
	fmt.Fprintf(o.Out, "%d AWS events → %d chat messages; %d kept out of the channel%s.\n",
		sum.Events, sum.Messages, sum.Suppressed, rulesNote(sum.Rules))
	return sum, nil
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
