package notifier

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/clock"
	"github.com/foghornhq/foghorn/lambda/envelope"
	"github.com/foghornhq/foghorn/lambda/internal/chatfake"
)

// FuzzPipeline feeds arbitrary payloads through decode → classify → policy → stories →
// render: it must never panic, every record must be accounted for (posted, folded into a
// story, or suppressed by a named rule), and whatever it posts must be within Slack's limits.
// Each input gets a notifier of its own: one input's stories must not decide another's.
func FuzzPipeline(f *testing.F) {
	for _, b := range fixtures(f) {
		f.Add(b)
	}
	f.Add([]byte(`{"Records":[{"messageId":"m","body":"<!channel> <https://evil.example|x> & @here"}]}`))
	f.Add([]byte(`{"source":"aws.ecs","detail-type":"ECS Task State Change","detail":{"lastStatus":"STOPPED","containers":[{"exitCode":"x"}]}}`))
	f.Fuzz(func(t *testing.T, payload []byte) {
		recs, err := envelope.Split(payload)
		if err != nil {
			return
		}
		n := slackNotifier(t, "https://hooks.slack.example/services/TFAKE/BFAKE/fake-secret-for-tests", nil, nil)
		plan := n.Plan(context.Background(), recs)
		if got := len(plan.Messages) + len(plan.Suppressed) + len(plan.Folded); got < len(recs) {
			t.Fatalf("%d records, %d messages, %d suppressed, %d folded: a record was dropped", len(recs), len(plan.Messages), len(plan.Suppressed), len(plan.Folded))
		}
		accountFor(t, recs, plan)
		for _, m := range plan.Messages {
			if c := chatfake.CheckSlackMessage(m.Payload); c.Code != "" {
				t.Fatalf("Slack would refuse: %s (%s)\n%s", c.Code, c.Problem, m.Payload)
			}
			var v struct{ Text string }
			if err := json.Unmarshal(m.Payload, &v); err != nil || v.Text == "" {
				t.Fatalf("no top-level text fallback: %s", m.Payload)
			}
			if bytes.Contains(m.Payload, []byte("<!channel>")) || bytes.Contains(m.Payload, []byte("<https://evil")) {
				t.Fatalf("untrusted markup reached Slack unescaped: %s", m.Payload)
			}
		}
	})
}

// FuzzBatches plays fuzzed sequences of one to three services' lives — task failures, steady
// states, deployments starting, failing with a rollback and completing, and SQS redelivering
// earlier records — as valid SQS batches of up to ten records, through one notifier posting
// to a webhook-like and an editable target. Whatever the sequence and however late its events
// arrive: nothing panics, every record of every batch is accounted for, every message is
// delivered, and no destination hears more messages than there were distinct events.
//
// A program is read a byte at a time: the low three bits choose what happens, the next two
// which service, the top three how much time passes before it. The first byte chooses how
// late the whole sequence arrives.
func FuzzBatches(f *testing.F) {
	// Three failures, a steady state, a fourth failure: the batch that used to panic.
	f.Add([]byte{0, 0, 0, 0, 3, 0})
	// A deployment that crash-loops, fails, rolls back and completes, with redeliveries.
	f.Add([]byte{1, 4, 0, 0, 0, 0, 0, 7, 0, 5, 6, 7, 6, 0})
	// Three services failing side by side across batches.
	f.Add([]byte{2, 0, 8, 16, 0, 8, 16, 7, 0, 8, 16, 32, 40, 48, 3, 11, 19})
	f.Add([]byte{3, 0, 0, 0, 7, 255, 0, 0, 3, 7, 7, 0, 3, 0, 5, 6})
	f.Fuzz(func(t *testing.T, program []byte) {
		if len(program) == 0 || len(program) > 200 {
			return
		}
		age := ages[int(program[0])%len(ages)].age
		c := clock.NewFake(processed)
		sc := newScenario(t, processed.Add(-age))
		var logs bytes.Buffer
		n, hook, bot := memoryNotifier(t, c, &logs)

		services := []string{"checkout-api", "billing-sync", "report-worker"}
		deployments := []string{"ecs-svc/1000000000000000001", "ecs-svc/1000000000000000002", "ecs-svc/1000000000000000003"}
		generation := make([]int, len(services))
		var (
			at       time.Duration
			ids      []string
			bodies   []json.RawMessage
			past     []int // indexes into allIDs/allBodies, for redeliveries
			allIDs   []string
			allBody  []json.RawMessage
			distinct = map[string]bool{}
			tasks    int
		)
		run := func() {
			if len(bodies) == 0 {
				return
			}
			payload := sqsPayload(t, ids, bodies)
			recs, err := envelope.Split(payload)
			if err != nil {
				t.Fatal(err)
			}
			plan := n.Plan(context.Background(), recs)
			accountFor(t, recs, plan)
			res := n.Deliver(context.Background(), plan)
			if len(res.Failed) > 0 {
				t.Fatalf("records %v failed against targets that never fail", res.Failed)
			}
			if strings.Contains(logs.String(), "panic") {
				t.Fatalf("the pipeline panicked:\n%s", logs.String())
			}
			ids, bodies = nil, nil
		}
		add := func(id string, body json.RawMessage) {
			ids, bodies = append(ids, id), append(bodies, body)
			if len(bodies) == 10 {
				run()
			}
		}
		for _, b := range program[1:] {
			op, svc := b&7, int(b>>3)&3%len(services)
			step := time.Duration(b>>5) * 40 * time.Second
			at += step
			c.Advance(step)
			name, dep := services[svc], deployments[svc]
			var body json.RawMessage
			switch op {
			case 0, 1, 2:
				tasks++
				body = sc.failure(name, fmt.Sprintf("%s-%d", dep, generation[svc]), tasks, at)
			case 3:
				body = sc.steadyState(name, at)
			case 4:
				generation[svc]++
				body = sc.deployment(name, "SERVICE_DEPLOYMENT_IN_PROGRESS", fmt.Sprintf("%s-%d", dep, generation[svc]), "ECS deployment in progress.", at)
			case 5:
				body = sc.deployment(name, "SERVICE_DEPLOYMENT_FAILED", fmt.Sprintf("%s-%d", dep, generation[svc]),
					fmt.Sprintf("ECS deployment circuit breaker: task failed to start; rolling back to deploymentId %s-%d.", dep, generation[svc]-1), at)
			case 6:
				body = sc.deployment(name, "SERVICE_DEPLOYMENT_COMPLETED", fmt.Sprintf("%s-%d", dep, generation[svc]), "ECS deployment completed.", at)
			case 7:
				// SQS hands back an earlier record (same message id), or the batch ends.
				if len(past) > 0 && b>>3&1 == 1 {
					k := past[int(b>>4)%len(past)]
					add(allIDs[k], allBody[k])
				} else {
					run()
				}
				continue
			}
			id := fmt.Sprintf("m-%03d", len(allIDs))
			allIDs, allBody = append(allIDs, id), append(allBody, body)
			past = append(past, len(allIDs)-1)
			distinct[eventID(body)] = true
			add(id, body)
		}
		run()
		if len(hook.posts) > len(distinct) {
			t.Errorf("the webhook got %d messages for %d distinct events: %q", len(hook.posts), len(distinct), hook.posts)
		}
		tops := 0
		for _, p := range bot.posts {
			if !strings.HasPrefix(p, "update: ") && !strings.HasPrefix(p, "reply: ") {
				tops++
			}
		}
		if tops > len(distinct) {
			t.Errorf("the bot posted %d top-level messages for %d distinct events: %q", tops, len(distinct), bot.posts)
		}
	})
}
