package notifier

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/foghornhq/foghorn/lambda/envelope"
	"github.com/foghornhq/foghorn/lambda/fakechat"
)

// FuzzPipeline feeds arbitrary payloads through decode → classify → policy → render: it
// must never panic, and whatever it posts must be within Slack's limits.
func FuzzPipeline(f *testing.F) {
	for _, b := range fixtures(f) {
		f.Add(b)
	}
	f.Add([]byte(`{"Records":[{"messageId":"m","body":"<!channel> <https://evil.example|x> & @here"}]}`))
	f.Add([]byte(`{"source":"aws.ecs","detail-type":"ECS Task State Change","detail":{"lastStatus":"STOPPED","containers":[{"exitCode":"x"}]}}`))
	n := slackNotifier(f, "https://hooks.slack.example/services/TFAKE/BFAKE/fake-secret-for-tests", nil, nil)
	f.Fuzz(func(t *testing.T, payload []byte) {
		recs, err := envelope.Split(payload)
		if err != nil {
			return
		}
		plan := n.Plan(context.Background(), recs)
		if len(plan.Messages)+len(plan.Suppressed) < len(recs) {
			t.Fatalf("%d records, %d messages, %d suppressed: a record was dropped", len(recs), len(plan.Messages), len(plan.Suppressed))
		}
		for _, m := range plan.Messages {
			if c := fakechat.CheckSlackMessage(m.Payload); c.Code != "" {
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
