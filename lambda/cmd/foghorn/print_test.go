package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"

	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/notifier"
)

// FuzzPrintMessage: a message is printed byte for byte as chat.Encode writes it, whatever its
// fields and body.
func FuzzPrintMessage(f *testing.F) {
	f.Add("default", "slack", "", "", "", []byte(`{"text":"checkout-api: out of memory","blocks":[]}`))
	f.Add("ops <&>", "teams", "prod", "dev\u2028", "update", []byte(`{"a":"\u00e9 \ud83d\ude00","n":[1,-2.5e3]}`))
	f.Add("d\xff", "discord", "", "", "reply", []byte(` {"a": 1} `))
	f.Add("", "", "", "", "", []byte(nil))
	f.Fuzz(func(t *testing.T, dest, target, route1, route2, op string, payload []byte) {
		m := notifier.Message{Destination: dest, Target: target, Op: op, Payload: json.RawMessage(payload)}
		for _, r := range []string{route1, route2} {
			if r != "" {
				m.Routes = append(m.Routes, r)
			}
		}
		var got bytes.Buffer
		gotErr := printMessage(&got, m)
		want, wantErr := chat.Encode("render: encoding the message", m)
		if (gotErr == nil) != (wantErr == nil) {
			t.Fatalf("%+v: printMessage error %v, chat.Encode error %v", m, gotErr, wantErr)
		}
		if wantErr == nil && got.String() != string(want)+"\n" {
			t.Fatalf("%+v:\nprinted %q\nencoded %q", m, got.String(), want)
		}
		// Through a buffer smaller than the line, as render's writer is for a long payload.
		var small bytes.Buffer
		bw := bufio.NewWriterSize(&small, 16)
		if err := printMessage(bw, m); err == nil {
			bw.Flush()
		}
		if wantErr == nil && small.String() != got.String() {
			t.Fatalf("%+v: through a 16-byte buffer:\nprinted %q\nwanted  %q", m, small.String(), got.String())
		}
	})
}
