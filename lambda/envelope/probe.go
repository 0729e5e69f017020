package envelope

import "errors"

// probe is what Split reads of a document: a Lambda event's Records, or an SNS notification's
// fields. Fields mirror the struct encoding/json once filled, whose pointers were nil when
// their key was absent or null, and set (maybe empty) when the key held anything else: here
// a maybe is not ok and a text is nil. They are values, not pointers, so that reading a
// record allocates only what it keeps.
type probe struct {
	hasRecords bool
	records    []item
	// all keeps items of an earlier Records key of the same document: encoding/json decodes a
	// duplicate key's array into them, and so does read.
	all       []item
	arena     *[]byte
	typ       string
	messageID maybe
	topicArn  bool // only its presence counts
	subject   maybe
	message   text
}

// maybe is a string field that may be absent (or null).
type maybe struct {
	s  string
	ok bool
}

// item is one entry of a Lambda event's Records list, as far as telling SQS from SNS needs.
type item struct {
	sns       *snsEntity
	messageID string
	body      text
	// bodyAt is where the body, when it is a string, was unquoted in the probe's arena (body
	// is then set, empty): most bodies are SNS notifications, read and let go at once, whose
	// Message alone is kept, so they are unquoted into a buffer that serves batch after batch.
	bodyAt      [2]int
	eventSource string
}

// snsEntity is the part of an SNS record the notifier needs. aws-lambda-go's events.SNSEntity
// decodes Timestamp as time.Time, and one odd timestamp would then lose the whole record.
type snsEntity struct {
	messageID string
	subject   maybe
	message   text
}

// notification reads the probe as an SNS notification document: Type "Notification" with a
// Message and a MessageId or TopicArn.
func (p *probe) notification() (notification, bool) {
	if p.typ != "Notification" || p.message == nil || (!p.messageID.ok && !p.topicArn) {
		return notification{}, false
	}
	return notification{MessageID: p.messageID.s, Subject: p.subject.s, Message: p.message.bytes()}, true
}

// errNotJSON is any syntax error: the document is not JSON.
var errNotJSON = errors.New("not JSON")

// read fills p from doc, which must be one JSON value; records says whether a Records list is
// read (an SQS body's is not needed, only checked).
func (p *probe) read(doc []byte, records bool) error {
	s := scanner{b: doc}
	if s.peek() != '{' {
		// An array, a string, …: encoding/json leaves the struct empty.
		if !s.skip() || !s.end() {
			return errNotJSON
		}
		return nil
	}
	p.readObject(&s, records)
	if !s.end() {
		return errNotJSON
	}
	return nil
}

// readObject reads the object at s into p.
func (p *probe) readObject(s *scanner, records bool) {
	var scratch [32]byte
	s.open('{')
	for first := true; s.next('}', first); first = false {
		name := s.name(scratch[:])
		switch {
		case s.bad:
		case records && name.is("Records"):
			p.readRecords(s)
		case name.is("Type"):
			readString(s, &p.typ)
		case name.is("MessageId"):
			readPresence(s, &p.messageID)
		case name.is("TopicArn"):
			readSeen(s, &p.topicArn)
		case name.is("Subject"):
			readPresence(s, &p.subject)
		case name.is("Message"):
			readText(s, &p.message)
		default:
			s.skip()
		}
	}
}

// readRecords reads a Records value: a list of items, or (any other type) none.
func (p *probe) readRecords(s *scanner) {
	switch s.peek() {
	case 'n':
		p.hasRecords, p.records = false, nil
		s.skip()
		return
	case '[':
	default:
		// encoding/json reports the type and leaves the slice as it was.
		s.skip()
		return
	}
	s.open('[')
	if p.all == nil {
		p.all = make([]item, 0, 10) // an SQS batch holds at most ten
	}
	n := 0
	for first := true; s.next(']', first); first = false {
		if n == len(p.all) {
			p.all = append(p.all, item{})
		}
		p.all[n].read(s, p.arena)
		n++
	}
	p.hasRecords, p.records = true, p.all[:n:n]
}

func (it *item) read(s *scanner, arena *[]byte) {
	if s.peek() != '{' {
		s.skip()
		return
	}
	var scratch [32]byte
	s.open('{')
	for first := true; s.next('}', first); first = false {
		name := s.name(scratch[:])
		switch {
		case s.bad:
		case name.is("Sns"):
			readSNS(s, &it.sns)
		case name.is("messageId"):
			readString(s, &it.messageID)
		case name.is("body"):
			it.readBody(s, arena)
		case name.is("eventSource"):
			readString(s, &it.eventSource)
		default:
			s.skip()
		}
	}
}

func readSNS(s *scanner, e **snsEntity) {
	k := s.peek()
	if k == 'n' {
		*e = nil
		s.skip()
		return
	}
	if *e == nil {
		*e = &snsEntity{}
	}
	if k != '{' {
		s.skip()
		return
	}
	var scratch [32]byte
	s.open('{')
	for first := true; s.next('}', first); first = false {
		name := s.name(scratch[:])
		switch {
		case s.bad:
		case name.is("MessageId"):
			readString(s, &(*e).messageID)
		case name.is("Subject"):
			readPresence(s, &(*e).subject)
		case name.is("Message"):
			readText(s, &(*e).message)
		default:
			s.skip()
		}
	}
}

// readString sets *dst to a string value; null and other types leave it as it was.
func readString(s *scanner, dst *string) {
	if s.peek() != '"' {
		s.skip()
		return
	}
	if v := s.str(nil, true); !s.bad {
		// Every record of a batch names the same source and type: those are not copied.
		switch string(v) {
		case "aws:sqs":
			*dst = "aws:sqs"
		case "Notification":
			*dst = "Notification"
		default:
			*dst = string(v)
		}
	}
}

// readSeen is readPresence for a field only tested for presence (TopicArn): a string is
// validated, not kept.
func readSeen(s *scanner, dst *bool) {
	*dst = s.peek() != 'n'
	s.skip()
}

// readPresence reads a field that was a *string: absent for null, the string, or "" for
// another type (encoding/json allocates the pointer before it finds the type wrong, and keeps
// one set by an earlier key of the same name).
func readPresence(s *scanner, dst *maybe) {
	switch s.peek() {
	case 'n':
		*dst = maybe{}
		s.skip()
	case '"':
		var v string
		readString(s, &v)
		*dst = maybe{s: v, ok: true}
	default:
		dst.ok = true
		s.skip()
	}
}

// readBody reads an item's body as readText does, but a string is unquoted into arena (when
// there is one).
func (it *item) readBody(s *scanner, arena *[]byte) {
	it.bodyAt = [2]int{}
	if s.peek() != '"' || arena == nil {
		readText(s, &it.body)
		return
	}
	start := len(*arena)
	if b := s.str(*arena, false); !s.bad {
		*arena = b
		it.body, it.bodyAt = text{}, [2]int{start, len(b)}
	}
}

// readText reads a text field: nil for null, else the string unquoted or the JSON text of
// any other value (empty, not nil, for an empty string).
func readText(s *scanner, t *text) {
	var out text
	switch s.peek() {
	case 'n':
		*t = nil
		s.skip()
		return
	case '"':
		out = s.str(nil, false)
	default:
		start := s.i
		s.skip()
		out = append(text(nil), s.b[start:s.i]...)
	}
	if out == nil {
		out = text{}
	}
	*t = out
}
