package notifier

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/foghornhq/foghorn/lambda/envelope"
)

// logVocabulary is what the fuzzed streams say: the formats the pattern reader knows, and
// lines it does not.
var logVocabulary = []string{
	"ERROR order %d not found",
	`{"level":"error","msg":"payment declined for card %d","err":"card_declined"}`,
	"java.lang.IllegalStateException: cart %d is closed",
	"Traceback (most recent call last):",
	"ValueError: invalid literal for int() with base 10: '%d'",
	"panic: runtime error: index out of range [%d] with length 3",
	"\tat com.acme.Cart.close(Cart.java:%d)",
	`level=error msg="upstream timeout after %dms"`,
	"\x00\x1b[31m%d\xff",
}

// FuzzLogBatches builds realistic sequences of log deliveries from a program — lines of a few
// formats from three services' streams, deployments of those services, redeliveries of
// earlier batches, undecodable payloads and reachability checks — and runs them through one
// notifier. Whatever the sequence: nothing panics, every record is accounted for, every
// message is delivered, and every log line of every delivered batch is counted exactly once
// (in the batch's alerts, folded into a pattern, posted on its own or suppressed).
//
// A program is read two bytes at a time: the first chooses what happens (low three bits),
// which service (next two) and how much time passes (top three); the second, the line.
func FuzzLogBatches(f *testing.F) {
	f.Add([]byte{0, 0, 0, 1, 0, 3, 0, 4, 7, 0, 0, 0})
	f.Add([]byte{8, 2, 16, 5, 1, 6, 1, 6, 200, 0, 5, 0, 6, 0})
	f.Add([]byte{0, 0, 2, 0, 3, 0, 4, 8, 0, 0, 255, 255, 7, 1})
	f.Fuzz(func(t *testing.T, program []byte) {
		if len(program) < 2 || len(program) > 300 {
			return
		}
		t0 := processed.Add(-26 * time.Hour)
		sc := newScenario(t, t0)
		services := []string{"checkout-api", "orders-api", "billing-sync"}
		n, _, _ := logNotifier(t, logDoc(services...), nil)
		var (
			at      time.Duration
			pending = map[int][]events.CloudwatchLogsLogEvent{}
			ids     []string
			bodies  []json.RawMessage
			sent    []json.RawMessage
			lineID  int
			msg     int
		)
		run := func() {
			if len(bodies) == 0 {
				return
			}
			recs, err := envelope.Split(sqsPayload(t, ids, bodies))
			if err != nil {
				t.Fatal(err)
			}
			plan := n.Plan(context.Background(), recs)
			accountFor(t, recs, plan)
			want := 0
			for _, r := range recs {
				if b, _, err := readBatch(r.Body); err == nil && !b.control {
					want += b.lines
				}
			}
			got := 0
			for _, f := range plan.Folded {
				if f.Alert.Log != nil {
					got += f.Alert.Log.Lines
				}
			}
			for _, r := range plan.Routed {
				if r.Alert.Log != nil && r.Alert.Event == "LOG_PATTERN" && len(r.Items) > 0 && !isStoryAlert(r.Alert.EventID) {
					got += r.Alert.Log.Lines
				}
			}
			for _, s := range plan.Suppressed {
				if s.Alert.Log != nil && s.Rule != RuleDuplicate {
					got += s.Alert.Log.Lines
				}
			}
			dups := 0
			for _, s := range plan.Suppressed {
				if s.Rule == RuleDuplicate && s.Alert.Log != nil {
					dups += s.Alert.Log.Lines
				}
			}
			if got+dups != want {
				t.Fatalf("%d log lines in the batch, %d accounted for (%d as duplicates)", want, got, dups)
			}
			if res := n.Deliver(context.Background(), plan); len(res.Failed) > 0 {
				t.Fatalf("records %v failed against targets that never fail", res.Failed)
			}
			ids, bodies = nil, nil
		}
		add := func(body json.RawMessage) {
			msg++
			ids, bodies = append(ids, fmt.Sprintf("m-%d", msg)), append(bodies, body)
			sent = append(sent, body)
			if len(bodies) == 10 {
				run()
			}
		}
		flush := func(svc int) {
			if len(pending[svc]) == 0 {
				return
			}
			for _, b := range delivery(t, "/ecs/"+services[svc], "ecs/app/0123", pending[svc]) {
				add(b)
			}
			pending[svc] = nil
		}
		for i := 0; i+1 < len(program); i += 2 {
			op, svc := program[i]&7, int(program[i]>>3)&3%len(services)
			at += time.Duration(program[i]>>5) * 7 * time.Second
			word := program[i+1]
			switch op {
			case 0, 1, 2, 3:
				lineID++
				text := logVocabulary[int(word)%len(logVocabulary)]
				pending[svc] = append(pending[svc], logEvent(fmt.Sprintf("%056d", lineID), t0.Add(at), fmt.Sprintf(text, int(word)*int(op+1))))
			case 4:
				flush(svc)
			case 5:
				add(sc.deployment(services[svc], "SERVICE_DEPLOYMENT_IN_PROGRESS", fmt.Sprintf("ecs-svc/%d", word), "in progress", at))
			case 6:
				if len(sent) > 0 {
					add(sent[int(word)%len(sent)]) // SQS hands an earlier message back
				}
			case 7:
				switch word % 3 {
				case 0:
					add(readLogs(t, "lambda-cloudwatch-logs-event-docs-truncated-not-gzip.json"))
				case 1:
					add(readLogs(t, "derived/lambda-cloudwatch-logs-event-awslogs-control-message.json"))
				default:
					run()
				}
			}
		}
		for svc := range services {
			flush(svc)
		}
		run()
	})
}

// batchCount is what a record holds, for the fuzz target's own count.
type batchCount struct {
	lines   int
	control bool
}

func readBatch(body []byte) (batchCount, bool, error) {
	var d struct {
		MessageType string            `json:"messageType"`
		LogEvents   []json.RawMessage `json:"logEvents"`
	}
	if err := json.Unmarshal(body, &d); err != nil || d.MessageType == "" {
		return batchCount{}, false, fmt.Errorf("not a decoded batch")
	}
	return batchCount{lines: len(d.LogEvents), control: d.MessageType == "CONTROL_MESSAGE"}, true, nil
}

// isStoryAlert: a story's own message (announcement, digest), which stands for inputs
// already counted as folded.
func isStoryAlert(id string) bool {
	for _, p := range []string{"pattern:", "digest:", "fold:"} {
		if len(id) >= len(p) && id[:len(p)] == p {
			return true
		}
	}
	return false
}
