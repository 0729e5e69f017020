package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"

	"github.com/foghornhq/foghorn/lambda/envelope"
	"github.com/foghornhq/foghorn/lambda/jsonpos"
	"github.com/go-json-experiment/json/jsontext"
)

// readInput reads the event file at path (- for stdin) as one batch of records. It holds one
// JSON value or several, one after another (one per line, as jq -c and log exports write
// them, or pretty-printed, as jq does); a top-level JSON array is a list of values. Each value
// is split as the function splits what it receives: an event, an envelope, a whole SQS or SNS
// batch. Anything wrong is a usage error (exit 2) naming the input, and for JSON that does not
// parse, the line, the column and why.
//
// The function shows a record that is not JSON as a generic alert; a file given to the CLI
// that is not JSON is a mistake to report.
func readInput(path string, stdin io.Reader) ([]envelope.Record, error) {
	name := path
	var data []byte
	var err error
	if path == "-" {
		name = "stdin"
		data, err = io.ReadAll(stdin)
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, usageError{fmt.Errorf("cannot read input: %w", err)}
	}
	return splitInput(name, data)
}

// splitInput splits data, the whole input called name, into its records, as readInput says.
func splitInput(name string, data []byte) ([]envelope.Record, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, usageError{fmt.Errorf("%s is empty: want one event, a JSON array of events, or one event per line", name)}
	}
	var recs []envelope.Record
	split := func(value []byte) error {
		r, err := envelope.Split(value)
		recs = append(recs, r...)
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		var value json.RawMessage
		err := dec.Decode(&value)
		if errors.Is(err, io.EOF) {
			return recs, nil
		}
		if err != nil {
			return nil, usageError{fmt.Errorf("%s is not JSON: %w", name, jsonpos.Explain(data, err))}
		}
		if value[0] != '[' {
			err = split(value)
		} else {
			var list []json.RawMessage
			err = json.Unmarshal(value, &list)
			for i := 0; err == nil && i < len(list); i++ {
				err = split(list[i])
			}
		}
		if err != nil {
			return nil, usageError{fmt.Errorf("%s: %w", name, err)}
		}
	}
}

// input is an event file that render reads a record at a time, as often as it needs to:
// stdin is first copied to a temporary file, so that it too is never held whole.
type input struct {
	name string // as messages call it: the path, or stdin
	path string // the file to read; "" when there is none (stdin could not be copied)
	temp bool   // path is a copy of stdin, removed by close
	// data is stdin, read whole, when it could not be copied to a file.
	data []byte
}

// openInput opens the input at path, - for stdin. What cannot be read is said by readAll.
func openInput(path string, stdin io.Reader) (*input, error) {
	if path != "-" {
		return &input{name: path, path: path}, nil
	}
	in := &input{name: "stdin"}
	f, err := os.CreateTemp("", "foghorn-stdin-*.json")
	if err != nil {
		// No room for a copy: stdin is read whole, as it always could be.
		data, err := io.ReadAll(stdin)
		if err != nil {
			return nil, usageError{fmt.Errorf("cannot read input: %w", err)}
		}
		in.data = data
		return in, nil
	}
	in.path, in.temp = f.Name(), true
	_, err = io.Copy(f, stdin)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		in.close()
		return nil, usageError{fmt.Errorf("cannot read input: %w", err)}
	}
	return in, nil
}

func (in *input) close() {
	if in.temp {
		os.Remove(in.path)
	}
}

// readAll reads the whole input as readInput does, with its errors.
func (in *input) readAll() ([]envelope.Record, error) {
	if in.path == "" {
		return splitInput(in.name, in.data)
	}
	data, err := os.ReadFile(in.path)
	if err != nil {
		return nil, usageError{fmt.Errorf("cannot read input: %w", err)}
	}
	return splitInput(in.name, data)
}

// errStreamInput marks a failure to read the input a record at a time: it is then read
// whole (readAll), which either reads it after all or says, with line and column, what is
// wrong.
type errStreamInput struct{ error }

// readers returns the ways of reading the input a record at a time, in the order to try
// them: as one JSON object (a batch of any size in the memory of one record), then as a
// sequence of values (one value in memory at a time). Each takes a fresh reader of the file.
func (in *input) readers() []func(r *bufio.Reader) iter.Seq2[envelope.Record, error] {
	if in.path == "" {
		return nil
	}
	return []func(*bufio.Reader) iter.Seq2[envelope.Record, error]{onePayload, eachValue}
}

// onePayload reads a file holding one JSON object (an event, an envelope, a whole SQS batch)
// as the function reads a payload, streaming its Records; anything else is refused.
func onePayload(r *bufio.Reader) iter.Seq2[envelope.Record, error] {
	return func(yield func(envelope.Record, error) bool) {
		if first, err := firstByte(r); err != nil || first != '{' {
			yield(envelope.Record{}, errStreamInput{envelope.ErrNotJSON})
			return
		}
		batch := false
		for rec, err := range envelope.Stream(r) {
			switch {
			case err != nil:
				err = errStreamInput{err}
			case rec.Via != envelope.ViaDirect:
				batch = true
			case batch:
				// A batch with a record of another kind: the function makes the whole payload
				// one record, which only reading it whole can do.
				err = errStreamInput{errMixedBatch}
			default:
				// The whole payload: the value, as encoding/json hands it over, without the
				// white space around it (a record's id may be a hash of its bytes).
				rec.Body = bytes.Trim(rec.Body, " \t\r\n")
			}
			if !yield(rec, err) || err != nil {
				return
			}
		}
	}
}

var errMixedBatch = errors.New("a batch holding a record of another kind")

// eachValue reads JSON values one after another, as splitInput does, holding one at a time:
// each is split as the function splits a payload; an array's items each in turn. Anything
// that is not such a sequence, or holds no value, is refused.
func eachValue(r *bufio.Reader) iter.Seq2[envelope.Record, error] {
	return func(yield func(envelope.Record, error) bool) {
		// What encoding/json accepts: duplicate keys and invalid UTF-8 (envelope reads the same).
		dec := jsontext.NewDecoder(r, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
		// split yields the records of one value; the decoder's bytes are reused, so they are copied.
		split := func(v jsontext.Value) bool {
			recs, err := envelope.Split(bytes.Clone(v))
			if err != nil {
				yield(envelope.Record{}, errStreamInput{err})
				return false
			}
			for _, rec := range recs {
				if !yield(rec, nil) {
					return false
				}
			}
			return true
		}
		fail := func(err error) { yield(envelope.Record{}, errStreamInput{err}) }
		values := 0
		for {
			switch dec.PeekKind() {
			case 0:
				if _, err := dec.ReadToken(); err != io.EOF || values == 0 {
					fail(fmt.Errorf("no value: %w", err))
				}
				return
			case '[':
				if _, err := dec.ReadToken(); err != nil {
					fail(err)
					return
				}
				for dec.PeekKind() != ']' {
					v, err := dec.ReadValue()
					if err != nil {
						fail(err)
						return
					}
					if !split(v) {
						return
					}
				}
				if _, err := dec.ReadToken(); err != nil {
					fail(err)
					return
				}
			default:
				v, err := dec.ReadValue()
				if err != nil {
					fail(err)
					return
				}
				if !split(v) {
					return
				}
			}
			values++
		}
	}
}

// firstByte peeks at the first byte that is not white space.
func firstByte(r *bufio.Reader) (byte, error) {
	for i := 1; ; i++ {
		b, err := r.Peek(i)
		if err != nil {
			return 0, err
		}
		if c := b[i-1]; c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return c, nil
		}
	}
}
