package envelope

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"testing"
	"testing/iotest"
)

func collect(t *testing.T, payload []byte, oneByte bool) ([]Record, error) {
	t.Helper()
	var r = bytes.NewReader(payload)
	var recs []Record
	src := Stream(r)
	if oneByte {
		// A byte at a time, into a window of a few bytes: every piece straddles its end.
		src = streamWindow(iotest.OneByteReader(bytes.NewReader(payload)), 1+len(payload)%5)
	}
	for rec, err := range src {
		if err != nil {
			return recs, err
		}
		recs = append(recs, rec)
	}
	return recs, nil
}

func TestStreamMatchesSplit(t *testing.T) {
	for _, doc := range []string{
		`{"Records":[{"messageId":"m1","body":"x","eventSource":"aws:sqs"},{"messageId":"m2","body":"{\"Type\":\"Notification\",\"MessageId\":\"n\",\"Message\":\"hi\"}"}]}`,
		`{"Records":[]}`, `{"Records":null}`, `{"Records":"x"}`, `[1,2]`, `"Records"`, `null`,
		`{"Records":[{"eventSource":"aws:s3","s3":{}}]}`,
		`{"Type":"Notification","MessageId":"x","Message":"m","Records":[{"eventSource":"aws:s3"}]}`,
		`{"Records":[{"EventSource":"aws:sns","Sns":{"MessageId":"s","Subject":"hi","Message":{"a":1}}}]}`,
		`  {"Records":[{"body":"x"}]}  `,
	} {
		want, wantErr := Split([]byte(doc))
		for _, oneByte := range []bool{false, true} {
			got, err := collect(t, []byte(doc), oneByte)
			if (err == nil) != (wantErr == nil) || !sameRecords(got, want) {
				t.Errorf("%s: Stream = %+v %v, Split = %+v %v", doc, got, err, want, wantErr)
			}
		}
	}
}

func TestStreamEdges(t *testing.T) {
	for _, doc := range []string{"", "   ", `{"Records":[`, `{"Records":[{"body":"x"}]} x`, `{"Records":[{"body":"x"},]}`, "{\"a\":1}\x00", "{\"Records\":[{\"body\":\"x\"}]}\x00"} {
		if _, err := collect(t, []byte(doc), false); !errors.Is(err, ErrNotJSON) {
			t.Errorf("%q: err = %v, want ErrNotJSON", doc, err)
		}
	}
	// A batch's odd record is a record of its own, holding its JSON.
	got, err := collect(t, []byte(`{"Records":[{"messageId":"m1","body":"x"}, {"eventSource":"aws:s3","s3":{}}]}`), true)
	if err != nil || len(got) != 2 || got[1].Via != ViaDirect || string(got[1].Body) != `{"eventSource":"aws:s3","s3":{}}` {
		t.Errorf("mixed batch: %+v %v", got, err)
	}
	// The records before a syntax error are read; the error comes last.
	got, err = collect(t, []byte(`{"Records":[{"messageId":"m1","body":"x"},{"body":`), false)
	if !errors.Is(err, ErrNotJSON) || len(got) != 1 {
		t.Errorf("cut batch: %+v %v", got, err)
	}
}

func sameRecords(a, b []Record) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.ItemID != y.ItemID || x.MessageID != y.MessageID || x.Subject != y.Subject || x.Via != y.Via || !bytes.Equal(x.Body, y.Body) {
			return false
		}
	}
	return true
}

// FuzzStreamMatchesSplit: read from a stream, a payload gives Split's records, except where
// Stream says it differs (a batch whose later records are not SQS or SNS ones, a second
// Records key).
func FuzzStreamMatchesSplit(f *testing.F) {
	f.Add([]byte(`{"Records":[{"messageId":"m1","body":"x","eventSource":"aws:sqs"}]}`))
	f.Add([]byte(`{"Type":"Notification","MessageId":"x","Message":"{\"a\":1}"}`))
	f.Add([]byte(`{"Records":[{"Sns":{"Message":"y"}},{"body":null}]}`))
	f.Fuzz(func(t *testing.T, payload []byte) {
		want, wantErr := Split(payload)
		got, err := collect(t, payload, len(payload)%2 == 0)
		if wantErr != nil || err != nil {
			// Stream reads every payload, and refuses one that is not JSON; Split hands such
			// a payload on unread when it cannot be an envelope.
			if (wantErr == nil) != (err == nil) && json.Valid(payload) {
				t.Fatalf("%q: Stream error %v, Split error %v", payload, err, wantErr)
			}
			return
		}
		if sameRecords(got, want) {
			return
		}
		if !bytes.Contains(payload, []byte(`"Records"`)) && !bytes.Contains(payload, []byte(`"Notification"`)) {
			return // Split did not read it: its keys are not spelt as AWS spells them
		}
		var p probe
		_ = p.read(payload, true)
		mixed := len(want) == 1 && want[0].Via == ViaDirect && len(p.records) > 1
		if mixed || bytes.Count(bytes.ToLower(payload), []byte("records")) > 1 || bytes.Contains(payload, []byte(`\u`)) {
			return
		}
		t.Fatalf("%q: Stream = %+v, Split = %+v", payload, got, want)
	})
}

// A reader's failure is reported as itself, after the records read before it, whatever the
// window's size.
func TestStreamReaderError(t *testing.T) {
	boom := errors.New("disk on fire")
	payload := `{"Records":[{"messageId":"m1","body":"x","eventSource":"aws:sqs"},{"messageId":"m2","body":"y","eventSource":"aws:sqs"}]}`
	for _, cut := range []int{0, 10, 70, len(payload) - 1, len(payload)} {
		for _, room := range []int{1, 16 << 10} {
			r := io.MultiReader(bytes.NewReader([]byte(payload[:cut])), iotest.ErrReader(boom))
			var n int
			var err error
			for rec, e := range streamWindow(r, room) {
				if err = e; e != nil {
					break
				}
				if rec.ItemID != fmt.Sprintf("m%d", n+1) {
					t.Errorf("cut %d: record %d is %+v", cut, n, rec)
				}
				n++
			}
			want := 0
			if cut >= 65 { // the first record ends at byte 65
				want = 1
			}
			if cut >= len(payload)-1 {
				want = 2
			}
			if !errors.Is(err, boom) || n != want {
				t.Errorf("cut %d, room %d: %d records, err %v; want %d and the reader's error", cut, room, n, err, want)
			}
		}
	}
}
