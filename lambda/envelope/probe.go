package envelope

import (
	"bytes"
	"errors"
	"io"
	"sync"

	"github.com/go-json-experiment/json/jsontext"
)

// probe is what Split reads of a document: a Lambda event's Records, or an SNS notification's
// fields. Fields mirror the struct encoding/json once filled: a pointer is nil when its key
// is absent or null, and set (maybe empty) when the key holds anything else.
type probe struct {
	hasRecords bool
	records    []item
	// all keeps items of an earlier Records key of the same document: encoding/json decodes a
	// duplicate key's array into them, and so does read.
	all       []item
	typ       string
	messageID *string
	topicArn  *string
	subject   *string
	message   *text
}

// item is one entry of a Lambda event's Records list, as far as telling SQS from SNS needs.
type item struct {
	sns         *snsEntity
	messageID   string
	body        *text
	eventSource string
}

// snsEntity is the part of an SNS record the notifier needs. aws-lambda-go's events.SNSEntity
// decodes Timestamp as time.Time, and one odd timestamp would then lose the whole record.
type snsEntity struct {
	messageID string
	subject   *string
	message   *text
}

// notification reads the probe as an SNS notification document: Type "Notification" with a
// Message and a MessageId or TopicArn.
func (p *probe) notification() (notification, bool) {
	if p.typ != "Notification" || p.message == nil || (p.messageID == nil && p.topicArn == nil) {
		return notification{}, false
	}
	return notification{MessageID: deref(p.messageID), Subject: deref(p.subject), Message: p.message.bytes()}, true
}

// decoderOptions accept what encoding/json accepts: duplicate keys and invalid UTF-8.
var decoderOptions = []jsontext.Options{jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)}

// reader is a decoder and the buffer it reads, kept for the next document.
type reader struct {
	dec jsontext.Decoder
	buf bytes.Buffer
}

var readers = sync.Pool{New: func() any { return new(reader) }}

var empty bytes.Buffer

// errNotJSON is any syntax error: the document is not JSON.
var errNotJSON = errors.New("not JSON")

// read fills p from doc, which must be one JSON value; records says whether a Records list is
// read (an SQS body's is not needed, only checked).
func (p *probe) read(doc []byte, records bool) (err error) {
	r := readers.Get().(*reader)
	r.buf = *bytes.NewBuffer(doc)
	dec := &r.dec
	dec.Reset(&r.buf, decoderOptions...)
	defer func() {
		r.buf = bytes.Buffer{} // let doc go
		dec.Reset(&empty)
		readers.Put(r)
	}()
	if dec.PeekKind() != '{' {
		// An array, a string, …: encoding/json leaves the struct empty.
		if err := dec.SkipValue(); err != nil {
			return errNotJSON
		}
		return eof(dec)
	}
	if _, err := dec.ReadToken(); err != nil {
		return errNotJSON
	}
	for dec.PeekKind() == '"' {
		name, err := readName(dec)
		if err != nil {
			return errNotJSON
		}
		switch {
		case records && is(name, "Records"):
			err = p.readRecords(dec)
		case is(name, "Type"):
			err = readString(dec, &p.typ)
		case is(name, "MessageId"):
			err = readPresence(dec, &p.messageID)
		case is(name, "TopicArn"):
			err = readPresence(dec, &p.topicArn)
		case is(name, "Subject"):
			err = readPresence(dec, &p.subject)
		case is(name, "Message"):
			err = readText(dec, &p.message)
		default:
			err = dec.SkipValue()
		}
		if err != nil {
			return errNotJSON
		}
	}
	if _, err := dec.ReadToken(); err != nil { // '}'
		return errNotJSON
	}
	return eof(dec)
}

// eof checks that nothing but white space follows the document.
func eof(dec *jsontext.Decoder) error {
	if _, err := dec.ReadToken(); err != io.EOF {
		return errNotJSON
	}
	return nil
}

// readRecords reads a Records value: a list of items, or (any other type) none.
func (p *probe) readRecords(dec *jsontext.Decoder) error {
	switch dec.PeekKind() {
	case 'n':
		p.hasRecords, p.records = false, nil
		return dec.SkipValue()
	case '[':
	default:
		// encoding/json reports the type and leaves the slice as it was.
		return dec.SkipValue()
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	n := 0
	for k := dec.PeekKind(); k != ']'; k = dec.PeekKind() {
		if n == len(p.all) {
			p.all = append(p.all, item{})
		}
		if err := p.all[n].read(dec); err != nil {
			return err
		}
		n++
	}
	p.hasRecords, p.records = true, p.all[:n:n]
	_, err := dec.ReadToken()
	return err
}

func (it *item) read(dec *jsontext.Decoder) error {
	if dec.PeekKind() != '{' {
		return dec.SkipValue()
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	for dec.PeekKind() == '"' {
		name, err := readName(dec)
		if err != nil {
			return err
		}
		switch {
		case is(name, "Sns"):
			err = readSNS(dec, &it.sns)
		case is(name, "messageId"):
			err = readString(dec, &it.messageID)
		case is(name, "body"):
			err = readText(dec, &it.body)
		case is(name, "eventSource"):
			err = readString(dec, &it.eventSource)
		default:
			err = dec.SkipValue()
		}
		if err != nil {
			return err
		}
	}
	_, err := dec.ReadToken()
	return err
}

func readSNS(dec *jsontext.Decoder, s **snsEntity) error {
	k := dec.PeekKind()
	if k == 'n' {
		*s = nil
		return dec.SkipValue()
	}
	if *s == nil {
		*s = &snsEntity{}
	}
	if k != '{' {
		return dec.SkipValue()
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	e := *s
	for dec.PeekKind() == '"' {
		name, err := readName(dec)
		if err != nil {
			return err
		}
		switch {
		case is(name, "MessageId"):
			err = readString(dec, &e.messageID)
		case is(name, "Subject"):
			err = readPresence(dec, &e.subject)
		case is(name, "Message"):
			err = readText(dec, &e.message)
		default:
			err = dec.SkipValue()
		}
		if err != nil {
			return err
		}
	}
	_, err := dec.ReadToken()
	return err
}

// readName reads an object's key, unquoted.
func readName(dec *jsontext.Decoder) ([]byte, error) {
	v, err := dec.ReadValue()
	if err != nil {
		return nil, err
	}
	if bytes.IndexByte(v, '\\') < 0 {
		return v[1 : len(v)-1], nil
	}
	return unquote(v), nil
}

// is matches a key to a field name as encoding/json does: exactly or case-insensitively.
func is(name []byte, field string) bool {
	return string(name) == field || bytes.EqualFold(name, []byte(field))
}

// readString sets *s to a string value; null and other types leave it as it was.
func readString(dec *jsontext.Decoder, s *string) error {
	if dec.PeekKind() != '"' {
		return dec.SkipValue()
	}
	v, err := dec.ReadValue()
	if err != nil {
		return err
	}
	*s = unquoteString(v)
	return nil
}

// readPresence reads a *string field: nil for null, the string, or "" for another type
// (encoding/json allocates the pointer before it finds the type wrong).
func readPresence(dec *jsontext.Decoder, s **string) error {
	switch dec.PeekKind() {
	case 'n':
		*s = nil
		return dec.SkipValue()
	case '"':
		var v string
		if err := readString(dec, &v); err != nil {
			return err
		}
		*s = &v
		return nil
	}
	if *s == nil {
		*s = new(string)
	}
	return dec.SkipValue()
}

// readText reads a *text field: nil for null, else the string unquoted or the JSON text of
// any other value.
func readText(dec *jsontext.Decoder, t **text) error {
	if dec.PeekKind() == 'n' {
		*t = nil
		return dec.SkipValue()
	}
	v, err := dec.ReadValue()
	if err != nil {
		return err
	}
	var out text
	if v[0] == '"' {
		out = unquote(v)
	} else {
		out = append(text(nil), v...)
	}
	*t = &out
	return nil
}
