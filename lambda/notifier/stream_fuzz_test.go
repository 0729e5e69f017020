package notifier

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"testing"

	"github.com/foghornhq/foghorn/lambda/envelope"
)

// FuzzStreamSaysAsPlan: a batch streamed without its explanation, which holds the alerts
// that only their messages read packed and unpacks them one at a time as they are said, says
// exactly what Plan says of it: the same messages in the same order, each standing for the
// same records. A program is read a byte at a time. The first says whether every EventBridge
// event happens at one time (odd), so that chat's order among them is the order the pipeline
// holds them in; each after it chooses a fixture, or (0xe0-0xef) the event of an earlier record
// again in a record of its own, or (0xf0-0xff) an earlier record redelivered whole.
func FuzzStreamSaysAsPlan(f *testing.F) {
	all := fixtures(f)
	names := make([]string, 0, len(all))
	for name := range all {
		names = append(names, name)
	}
	sort.Strings(names)
	every := make([]byte, len(names))
	for i := range every {
		every[i] = byte(i)
	}
	backwards := slices.Clone(every)
	slices.Reverse(backwards)
	for _, first := range []byte{0, 1} {
		f.Add(append([]byte{first}, every...))
		f.Add(append([]byte{first}, backwards...))
		f.Add(append(append([]byte{first}, every...), every...))
	}
	f.Add([]byte{1, 3, 3, 0xe0, 9, 0xf1, 40, 41, 0xe2, 0xff, 7, 200, 201, 202, 203, 0xf0})
	f.Fuzz(func(t *testing.T, program []byte) {
		if len(program) == 0 || len(program) > 300 {
			return
		}
		var err error
		var ids []string
		var bodies []json.RawMessage
		oneTime := program[0]&1 == 1
		for i, b := range program[1:] {
			switch {
			case b >= 0xf0 && len(bodies) > 0:
				k := int(b&0xf) % len(bodies)
				ids, bodies = append(ids, ids[k]), append(bodies, bodies[k])
			case b >= 0xe0 && len(bodies) > 0:
				k := int(b&0xf) % len(bodies)
				ids, bodies = append(ids, fmt.Sprintf("m-%03d", i)), append(bodies, bodies[k])
			default:
				body := all[names[int(b)%len(names)]]
				var ev map[string]any
				if oneTime && json.Unmarshal(body, &ev) == nil && ev["time"] != nil {
					ev["time"] = "2026-03-04T05:06:07Z"
					if body, err = json.Marshal(ev); err != nil {
						t.Fatal(err)
					}
				}
				ids, bodies = append(ids, fmt.Sprintf("m-%03d", i)), append(bodies, body)
			}
		}
		payload := sqsPayload(t, ids, bodies)
		recs, err := envelope.Split(payload)
		if err != nil {
			t.Fatal(err)
		}
		const url = "https://hooks.slack.example/services/TFAKE/BFAKE/fake-secret-for-tests"
		plan := slackNotifier(t, url, nil, nil).Plan(context.Background(), recs)

		said := 0
		streamed, err := slackNotifier(t, url, nil, nil).Stream(context.Background(), envelope.Stream(bytes.NewReader(payload)), func(m Message) error {
			if said >= len(plan.Messages) {
				t.Fatalf("streamed message %d, of an alert %s; Plan says %d", said+1, m.Alert.EventID, len(plan.Messages))
			}
			want := plan.Messages[said]
			said++
			if m.Destination != want.Destination || m.Target != want.Target || m.Op != want.Op || !slices.Equal(m.Routes, want.Routes) ||
				!slices.Equal(m.Items, want.Items) || m.Alert.EventID != want.Alert.EventID || !bytes.Equal(m.Payload, want.Payload) {
				t.Fatalf("message %d streamed:\n%s %s %q %q %s\n%s\nPlan says:\n%s %s %q %q %s\n%s", said,
					m.Destination, m.Op, m.Routes, m.Items, m.Alert.EventID, m.Payload,
					want.Destination, want.Op, want.Routes, want.Items, want.Alert.EventID, want.Payload)
			}
			return nil
		}, false)
		if err != nil {
			t.Fatal(err)
		}
		if said != len(plan.Messages) || len(streamed.Messages) != said || streamed.Records != len(recs) {
			t.Fatalf("streamed %d messages (%d kept) of %d records; Plan says %d", said, len(streamed.Messages), streamed.Records, len(plan.Messages))
		}
	})
}
