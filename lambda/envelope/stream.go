package envelope

import (
	"bytes"
	"io"
	"iter"

	"github.com/go-json-experiment/json/jsontext"
)

// Stream reads the records of one payload from r as Split does, one at a time, without
// holding the payload: a batch of ten thousand records is read in the memory of one. The
// sequence ends at the first error, which is ErrNotJSON for a payload that is not one JSON
// value, or the reader's error (Split hands on a payload that cannot be an envelope unread; Stream reads all of it);
// records already yielded stand.
//
// It differs from Split only where a whole payload would have to be held to decide: a
// Records list is taken as a batch when its first record is an SQS message or an SNS record,
// and a later record of another kind becomes a direct record of its own JSON (Split would make
// the whole payload one direct record). A second Records key adds its records to the first's.
func Stream(r io.Reader) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		s := &stream{in: &tee{r: r, keep: true}}
		s.dec = jsontext.NewDecoder(s.in, decoderOptions...)
		if err := s.run(yield); err != nil && err != errStopped {
			if s.in.err != nil {
				err = s.in.err // the reader failed: say why
			} else {
				err = ErrNotJSON
			}
			yield(Record{}, err)
		}
	}
}

// errStopped ends a stream whose consumer stopped asking.
var errStopped = io.ErrClosedPipe

type stream struct {
	in  *tee
	dec *jsontext.Decoder
	// batch is set once the payload is known to be a batch: records are then yielded as
	// they are read, and the bytes before them let go.
	batch bool
	p     probe
}

func (s *stream) run(yield func(Record, error) bool) error {
	if s.dec.PeekKind() != '{' {
		if err := s.dec.SkipValue(); err != nil {
			return err
		}
		return s.end(yield)
	}
	if _, err := s.dec.ReadToken(); err != nil {
		return err
	}
	for s.dec.PeekKind() == '"' {
		tok, err := s.dec.ReadToken()
		if err != nil {
			return err
		}
		name := tok.String()
		if is([]byte(name), "Records") {
			err = s.records(yield)
		} else {
			err = s.member(name)
		}
		if err != nil {
			return err
		}
	}
	if _, err := s.dec.ReadToken(); err != nil {
		return err
	}
	return s.end(yield)
}

// member reads the value of a top-level key other than Records into the probe, as Split does.
func (s *stream) member(name string) error {
	v, err := s.dec.ReadValue()
	if err != nil {
		return err
	}
	sc := scanner{b: v}
	n := []byte(name)
	switch {
	case is(n, "Type"):
		readString(&sc, &s.p.typ)
	case is(n, "MessageId"):
		readPresence(&sc, &s.p.messageID)
	case is(n, "TopicArn"):
		readSeen(&sc, &s.p.topicArn)
	case is(n, "Subject"):
		readPresence(&sc, &s.p.subject)
	case is(n, "Message"):
		readText(&sc, &s.p.message)
	}
	if sc.bad {
		return ErrNotJSON
	}
	return nil
}

// end checks that the payload is over and, when it was not a batch, yields what Split would.
func (s *stream) end(yield func(Record, error) bool) error {
	if _, err := s.dec.ReadToken(); err != io.EOF {
		return ErrNotJSON
	}
	if s.batch {
		return nil
	}
	payload := s.in.buf
	if len(bytes.TrimSpace(payload)) == 0 {
		return ErrNotJSON
	}
	rec := Record{Via: ViaDirect, Body: payload}
	if s.p.hasRecords {
		recs, ok := splitRecords(s.p.records, nil)
		if ok {
			for _, r := range recs {
				if !yield(r, nil) {
					return errStopped
				}
			}
			return nil
		}
	}
	if n, ok := s.p.notification(); ok {
		rec = Record{MessageID: n.MessageID, Subject: n.Subject, Via: ViaSNS, Body: n.Message}
	}
	if !yield(rec, nil) {
		return errStopped
	}
	return nil
}

// records reads a Records value. Until the payload is known to be a batch, items are kept
// as Split keeps them; from the first SQS or SNS item on, each is yielded as it is read.
func (s *stream) records(yield func(Record, error) bool) error {
	if s.dec.PeekKind() != '[' {
		v, err := s.dec.ReadValue()
		if err != nil || s.batch {
			return err
		}
		sc := scanner{b: v}
		s.p.readRecords(&sc) // null or another type, as Split reads it
		return nil
	}
	if _, err := s.dec.ReadToken(); err != nil {
		return err
	}
	if !s.batch {
		s.p.hasRecords, s.p.records = true, nil
	}
	for s.dec.PeekKind() != ']' {
		// Each record is read whole (the decoder checks it is JSON), then taken apart.
		v, err := s.dec.ReadValue()
		if err != nil {
			return err
		}
		var it item
		sc := scanner{b: v}
		if it.read(&sc, nil); sc.bad {
			return ErrNotJSON
		}
		recs, ok := splitRecords([]item{it}, nil)
		switch {
		case !s.batch && !ok:
			// Not a batch after all: the payload is one record, read whole at the end.
			s.p.records = append(s.p.records, it)
			return s.rest()
		case !s.batch:
			s.batch = true
			s.in.keep = false
		case !ok:
			recs = []Record{{Via: ViaDirect, Body: append([]byte(nil), v...)}}
		}
		s.in.drop()
		if !yield(recs[0], nil) {
			return errStopped
		}
	}
	_, err := s.dec.ReadToken()
	return err
}

// rest reads the remaining items of a Records list that is not a batch.
func (s *stream) rest() error {
	for s.dec.PeekKind() != ']' {
		v, err := s.dec.ReadValue()
		if err != nil {
			return err
		}
		var it item
		sc := scanner{b: v}
		if it.read(&sc, nil); sc.bad {
			return ErrNotJSON
		}
		s.p.records = append(s.p.records, it)
	}
	_, err := s.dec.ReadToken()
	return err
}

// tee keeps what is read from r while keep is set (until the payload's shape is known: a
// payload that is not a batch is one record, all of it).
type tee struct {
	r    io.Reader
	keep bool
	buf  []byte
	err  error // the reader's failure, if any
}

func (t *tee) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if t.keep {
		t.buf = append(t.buf, p[:n]...)
	}
	if err != nil && err != io.EOF {
		t.err = err
	}
	return n, err
}

// drop lets go of what was kept once it is no longer needed.
func (t *tee) drop() {
	if !t.keep {
		t.buf = nil
	}
}
