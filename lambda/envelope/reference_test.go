package envelope

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

// The reference: Split as it was when encoding/json decoded envelopes into structs. The
// token reader must read every document as it did.

func refSplit(payload []byte) ([]Record, error) {
	if len(bytes.TrimSpace(payload)) == 0 {
		return nil, ErrNotJSON
	}
	if !bytes.Contains(payload, []byte(`"Records"`)) && !bytes.Contains(payload, []byte(`"Notification"`)) {
		return []Record{{Via: ViaDirect, Body: payload}}, nil
	}
	var p refProbe
	if err := refLenient(json.Unmarshal(payload, &p)); err != nil {
		return nil, ErrNotJSON
	}
	if p.Records != nil {
		if recs, ok := refSplitRecords(p.Records); ok {
			return recs, nil
		}
	}
	if n, ok := p.refNotification(); ok {
		return []Record{{MessageID: n.MessageID, Subject: n.Subject, Via: ViaSNS, Body: n.Message}}, nil
	}
	return []Record{{Via: ViaDirect, Body: payload}}, nil
}

// refProbe holds the top-level keys that identify an envelope: a Lambda event's Records, or an
// SNS refNotification's fields. Records are decoded in the same pass, and the strings that hold
// messages are unquoted as they are read (text), so an event wrapped in SNS and SQS is not
// validated and decoded once per wrapper.
type refProbe struct {
	Records   []refItem `json:"Records"`
	Type      string    `json:"Type"`
	MessageID *string   `json:"MessageId"`
	TopicArn  *string   `json:"TopicArn"`
	Subject   *string   `json:"Subject"`
	Message   *refText  `json:"Message"`
}

// refNotification reads the refProbe as an SNS refNotification document: Type "Notification" with a
// Message and a MessageId or TopicArn.
func (p *refProbe) refNotification() (refNotification, bool) {
	if p.Type != "Notification" || p.Message == nil || (p.MessageID == nil && p.TopicArn == nil) {
		return refNotification{}, false
	}
	return refNotification{MessageID: refDeref(p.MessageID), Subject: refDeref(p.Subject), Message: p.Message.bytes()}, true
}

// refLenient drops type mismatches: a field of an unexpected type must not cost the record.
func refLenient(err error) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return nil
	}
	return err
}

func refFromSQSBody(id string, body []byte) Record {
	if n, ok := refSnsNotification(body); ok {
		return Record{ItemID: id, MessageID: n.MessageID, Subject: n.Subject, Via: ViaSQSSNS, Body: n.Message}
	}
	return Record{ItemID: id, Via: ViaSQS, Body: body}
}

// refItem is one entry of a Lambda event's Records list, as far as telling SQS from SNS needs.
type refItem struct {
	Sns         *refSnsEntity `json:"Sns"`
	MessageID   string        `json:"messageId"`
	Body        *refText      `json:"body"`
	EventSource string        `json:"eventSource"`
}

// refSplitRecords reads a Lambda event's Records list. It reports false unless every record is
// an SQS message or an SNS record, so that other Lambda events (S3, DynamoDB, …) reach the
// classifier whole rather than in pieces nobody recognises.
func refSplitRecords(items []refItem) ([]Record, bool) {
	recs := make([]Record, 0, len(items))
	for _, it := range items {
		switch {
		case it.Sns != nil:
			recs = append(recs, Record{MessageID: it.Sns.MessageID, Subject: refDeref(it.Sns.Subject), Via: ViaSNS, Body: it.Sns.Message.bytes()})
		case it.Body != nil || it.EventSource == "aws:sqs":
			recs = append(recs, refFromSQSBody(it.MessageID, it.Body.bytes()))
		default:
			return nil, false
		}
	}
	return recs, true
}

// refSnsEntity is the part of an SNS record the notifier needs. aws-lambda-go's events.SNSEntity
// decodes Timestamp as time.Time, and one odd timestamp would then lose the whole record.
type refSnsEntity struct {
	MessageID string   `json:"MessageId"`
	Subject   *string  `json:"Subject"`
	Message   *refText `json:"Message"`
}

// refNotification is an SNS refNotification as SNS delivers it over HTTP or to SQS without raw
// delivery.
type refNotification struct {
	MessageID string
	Subject   string
	Message   []byte
}

// refSnsNotification reads b as an SNS refNotification document.
func refSnsNotification(b []byte) (refNotification, bool) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' || !bytes.Contains(b, []byte(`"Notification"`)) {
		return refNotification{}, false
	}
	var p refProbe
	if refLenient(json.Unmarshal(b, &p)) != nil {
		return refNotification{}, false
	}
	return p.refNotification()
}

func refDeref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

type refText []byte

// UnmarshalJSON implements json.Unmarshaler. The decoder has already validated b.
func (t *refText) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		*t = unquote(b)
		return nil
	}
	*t = append(refText(nil), b...)
	return nil
}

// bytes returns the refText, empty (not nil) for a null or absent one.
func (t *refText) bytes() []byte {
	if t == nil || *t == nil {
		return []byte{}
	}
	return *t
}

// FuzzSplitMatchesEncodingJSON: for any payload, Split returns what the struct decoding
// returned: the same records, or the same error.
func FuzzSplitMatchesEncodingJSON(f *testing.F) {
	for _, s := range []string{
		`{"Records":[{"messageId":"m1","body":"x","eventSource":"aws:sqs"}]}`,
		`{"Records":[{"EventSource":"aws:sns","Sns":{"MessageId":"s1","Subject":"hi","Message":"y"}}]}`,
		`{"Records":[{"messageId":"m1","body":"{\"Type\":\"Notification\",\"MessageId\":\"n\",\"Message\":\"{}\"}"}]}`,
		`{"Type":"Notification","MessageId":"x","Message":"{\"a\":1}","Subject":null}`,
		`{"records":[{"MESSAGEID":"m","Body":{"a":[1,2]}}],"Records":[{"sns":5}]}`,
		`{"Records":[{"eventSource":"aws:s3","s3":{}}]}`,
		`{"Records":"x","Type":"Notification","TopicArn":7,"Message":"\ud83d\ude00 \u00e9"}`,
		"{\"Records\":[{\"body\":\"\xff\"}]}",
		`{"Rec\u006frds":[{"body":"x"}],"Records":[{},{"body":"y"}]}`,
		`[{"Records":[]}]`, `{"Records":[]} x`, `{"Records":[`, `"Notification"`,
		// ſ (U+017F, two bytes) folds to s: keys of other lengths than their fields match.
		`{"Recordſ":[{"ſnſ":{"meſſageId":"s","ſubject":"x","Meſſage":"y"}}],"Type":"Notification"}`,
		`{"Records":[{"meſſageId":"m","body":"{\"Type\":\"Notification\",\"Meſſageid\":\"n\",\"meſſage\":\"z\"}"}]}`,
		`{"Type":"Notification","TopicArn":"t","Meſſage":"{}","ſubject":"s"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		got, gotErr := Split(payload)
		want, wantErr := refSplit(payload)
		if (gotErr == nil) != (wantErr == nil) {
			t.Fatalf("Split(%q): error %v, encoding/json's %v", payload, gotErr, wantErr)
		}
		if len(got) != len(want) {
			t.Fatalf("Split(%q) = %d records, encoding/json's %d:\n%+v\n%+v", payload, len(got), len(want), got, want)
		}
		for i := range got {
			g, w := got[i], want[i]
			if g.ItemID != w.ItemID || g.MessageID != w.MessageID || g.Subject != w.Subject || g.Via != w.Via || !bytes.Equal(g.Body, w.Body) {
				t.Fatalf("Split(%q) record %d = %+v, encoding/json's %+v", payload, i, g, w)
			}
		}
	})
}
