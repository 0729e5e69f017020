package envelope

import (
	"io"
	"iter"
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
//
// Each piece of the payload (a key, a value, a record) is read once, by the scanner Split
// uses, over a window of the input: reading a record whole first, to find its end, and then
// again to take it apart was a third of the work per record.
func Stream(r io.Reader) iter.Seq2[Record, error] {
	return streamWindow(r, 16<<10)
}

// streamWindow is Stream reading at least room bytes at a time (tests make it small, so that
// pieces of JSON straddle the window's end).
func streamWindow(r io.Reader, room int) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		s := &stream{w: window{r: r, keep: true, room: room}}
		if err := s.run(yield); err != nil && err != errStopped {
			if s.w.err != nil {
				err = s.w.err // the reader failed: say why
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
	w window
	// batch is set once the payload is known to be a batch: records are then yielded as
	// they are read, and the bytes before them let go.
	batch bool
	p     probe
	// arena is what an item's body is unquoted into, item after item: a body whose record
	// is yielded is copied out of it (or only its SNS Message is kept), and an item kept for
	// the end is detached from it.
	arena []byte
}

// The top-level keys Stream tells apart.
const (
	keyOther = iota
	keyRecords
	keyType
	keyMessageID
	keyTopicArn
	keySubject
	keyMessage
)

func (s *stream) run(yield func(Record, error) bool) error {
	if s.w.peek() != '{' {
		if !s.w.scan(func(sc *scanner) { sc.skip() }) {
			return ErrNotJSON
		}
		return s.end(yield)
	}
	if !s.w.scan(func(sc *scanner) { sc.open('{') }) {
		return ErrNotJSON
	}
	for first := true; ; first = false {
		more, key := false, keyOther
		ok := s.w.scan(func(sc *scanner) {
			sc.depth = 1
			if more = sc.next('}', first); !more || sc.bad {
				return
			}
			var scratch [32]byte
			name := sc.name(scratch[:])
			switch {
			case sc.bad:
			case name.is("Records"):
				key = keyRecords
			case name.is("Type"):
				key = keyType
			case name.is("MessageId"):
				key = keyMessageID
			case name.is("TopicArn"):
				key = keyTopicArn
			case name.is("Subject"):
				key = keySubject
			case name.is("Message"):
				key = keyMessage
			default:
				key = keyOther
			}
		})
		if !ok {
			return ErrNotJSON
		}
		if !more {
			return s.end(yield)
		}
		var err error
		if key == keyRecords {
			err = s.records(yield)
		} else {
			err = s.member(key)
		}
		if err != nil {
			return err
		}
	}
}

// member reads the value of a top-level key other than Records into the probe, as Split does.
func (s *stream) member(key int) error {
	ok := s.w.scan(func(sc *scanner) {
		sc.depth = 1
		switch key {
		case keyType:
			readString(sc, &s.p.typ)
		case keyMessageID:
			readPresence(sc, &s.p.messageID)
		case keyTopicArn:
			readSeen(sc, &s.p.topicArn)
		case keySubject:
			readPresence(sc, &s.p.subject)
		case keyMessage:
			readText(sc, &s.p.message)
		default:
			sc.skip()
		}
	})
	if !ok {
		return ErrNotJSON
	}
	return nil
}

// end checks that the payload is over and, when it was not a batch, yields what Split would.
func (s *stream) end(yield func(Record, error) bool) error {
	if s.w.peek(); s.w.at < len(s.w.buf) || s.w.err != nil {
		return ErrNotJSON
	}
	if s.batch {
		return nil
	}
	// Not a batch: all of the payload was kept.
	rec := Record{Via: ViaDirect, Body: s.w.buf}
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
	if s.w.peek() != '[' {
		ok := s.w.scan(func(sc *scanner) {
			sc.depth = 1
			if s.batch {
				sc.skip()
				return
			}
			s.p.readRecords(sc) // null or another type, as Split reads it
		})
		if !ok {
			return ErrNotJSON
		}
		return nil
	}
	if !s.w.scan(func(sc *scanner) { sc.open('[') }) {
		return ErrNotJSON
	}
	if !s.batch {
		s.p.hasRecords, s.p.records = true, nil
	}
	for first := true; ; first = false {
		it, raw, more, ok := s.item(first)
		if !ok {
			return ErrNotJSON
		}
		if !more {
			return nil
		}
		rec, isBatch := it.record(&s.arena)
		switch {
		case !s.batch && !isBatch:
			// Not a batch after all: the payload is one record, read whole at the end.
			it.detach(s.arena)
			s.p.records = append(s.p.records, it)
			return s.rest()
		case !s.batch:
			s.batch = true
			s.w.keep = false
		case !isBatch:
			rec = Record{Via: ViaDirect, Body: append([]byte(nil), raw...)}
		}
		if !yield(rec, nil) {
			return errStopped
		}
	}
}

// item reads the next item of a Records list, or its closing bracket (more is then false).
// raw is the item's JSON, valid until the window is next read.
func (s *stream) item(first bool) (it item, raw []byte, more, ok bool) {
	ok = s.w.scan(func(sc *scanner) {
		sc.depth = 2
		it, s.arena = item{}, s.arena[:0]
		if more = sc.next(']', first); !more || sc.bad {
			return
		}
		sc.peek()
		start := sc.i
		it.read(sc, &s.arena)
		raw = sc.b[start:sc.i]
	})
	return it, raw, more, ok
}

// rest reads the remaining items of a Records list that is not a batch.
func (s *stream) rest() error {
	for {
		it, _, more, ok := s.item(false)
		if !ok {
			return ErrNotJSON
		}
		if !more {
			return nil
		}
		it.detach(s.arena)
		s.p.records = append(s.p.records, it)
	}
}

// detach gives an item whose body is in arena a copy of its own.
func (it *item) detach(arena []byte) {
	if it.bodyAt[1] > 0 {
		it.body, it.bodyAt = append(text{}, arena[it.bodyAt[0]:it.bodyAt[1]]...), [2]int{}
	}
}

// window holds the part of the input being read. While keep is set (until the payload's
// shape is known: a payload that is not a batch is one record, all of it) it holds all that
// was read; after, only what is not yet consumed.
type window struct {
	// sc is the scanner of the last scan, kept here so that a scan allocates none.
	sc   scanner
	r    io.Reader
	buf  []byte // buf[at:] is read and not yet consumed
	at   int
	keep bool
	room int   // the least room read into
	eof  bool  // the input is over (or failed)
	err  error // the reader's failure, if any
}

// fill reads more of the input, at least as much again as is not yet consumed; it reports
// false when the input is over.
func (w *window) fill() bool {
	if w.eof {
		return false
	}
	if !w.keep && w.at > 0 {
		n := copy(w.buf, w.buf[w.at:])
		w.buf, w.at = w.buf[:n], 0
	}
	if room := max(len(w.buf)-w.at, w.room); cap(w.buf)-len(w.buf) < room {
		grown := make([]byte, len(w.buf), len(w.buf)+room)
		copy(grown, w.buf)
		w.buf = grown
	}
	// Read until the room is full, so that a scan read again has twice the bytes: a record
	// is then read a bounded number of times, however little each Read returns.
	for len(w.buf) < cap(w.buf) {
		n, err := w.r.Read(w.buf[len(w.buf):cap(w.buf)])
		w.buf = w.buf[:len(w.buf)+n]
		if err != nil {
			w.eof = true
			if err != io.EOF {
				w.err = err
			}
			break
		}
	}
	return true
}

// scan runs read on a scanner over the bytes not yet consumed, again with more of the input
// while its outcome may depend on bytes not yet read, and consumes what it read. It reports
// whether they were JSON. read must give the same outcome when run again.
func (w *window) scan(read func(sc *scanner)) bool {
	for {
		w.sc = scanner{b: w.buf[w.at:]}
		sc := &w.sc
		read(sc)
		// A read that failed or took every byte may have wanted more of them.
		if (sc.short || sc.i == len(sc.b)) && w.fill() {
			continue
		}
		if sc.bad {
			return false
		}
		w.at += sc.i
		return true
	}
}

// peek returns the next byte that is not white space, consuming the white space; 0 at the
// end of the input (or for a NUL byte: w.at < len(w.buf) tells them apart).
func (w *window) peek() byte {
	for {
		for w.at < len(w.buf) && isSpace(w.buf[w.at]) {
			w.at++
		}
		if w.at < len(w.buf) {
			return w.buf[w.at]
		}
		if !w.fill() {
			return 0
		}
	}
}
