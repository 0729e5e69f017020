package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/foghornhq/foghorn/lambda/envelope"
	"github.com/foghornhq/foghorn/lambda/jsonpos"
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
