package main

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/foghornhq/foghorn/lambda/envelope"
)

// FuzzReadInput: for every input, the first way of reading it a record at a time that reads
// it at all yields exactly the records the whole input splits into; and an input the whole
// read refuses (empty, not JSON, a value Split refuses), no way reads, so that it is still
// explained with its line and column. Where envelope.Stream and envelope.Split part, the
// records may differ, and such inputs are only checked for refusal: a payload naming Records
// twice (Stream adds the lists, Split keeps the last), or in another case than "Records"
// (Split hands a payload without that exact key on whole, as one record).
func FuzzReadInput(f *testing.F) {
	for _, seed := range []string{
		"", " \n", "{}", "[]", "[1,]", "{}{}", "1 2", `"str"`, "null", "[[1],[2]]", `{"a":1} x`, "[{\"a\":1} {\"b\":2}]",
		`{"Records":[{"messageId":"m1","eventSource":"aws:sqs","body":"{}"},{"x":1}]}`,
		`{"Records":[{"messageId":"m1","eventSource":"aws:sqs","body":"{\"a\":1}"}]}` + "\n",
		`{"Records":[{"Sns":{"MessageId":"s1","Message":"{}"}}]}`, `{"Records":"x"}`, `{"Records":null,"id":"e1"}`,
		`{"Type":"Notification","MessageId":"n1","Message":"{\"id\":\"x\"}"}`,
		"{\"id\":\"a\"}\n{\"id\":\"b\"}\n", "[{\"id\":\"a\"},{\"Records\":[]}]", "{\"a\":\"\xff\"}", `{"a":1,"a":2}`,
	} {
		f.Add([]byte(seed))
	}
	for _, name := range []string{"bad-deployment-batch.json", "bad-deployment.ndjson"} {
		if b, err := os.ReadFile(filepath.Join("testdata", name)); err == nil {
			f.Add(b)
		}
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "input.json")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		whole, wholeErr := splitInput("input.json", data)
		in := &input{name: "input.json", path: path}
		for i, read := range in.readers() {
			var got []envelope.Record
			var err error
			for rec, e := range read(bufio.NewReader(bytes.NewReader(data))) {
				if err = e; err != nil {
					break
				}
				got = append(got, rec)
			}
			if err != nil {
				if !errors.As(err, new(errStreamInput)) {
					t.Fatalf("the %d. way failed with %v, not a failure to stream", i+1, err)
				}
				continue
			}
			if wholeErr != nil {
				t.Fatalf("the %d. way read %d records of %q, which a whole read refuses: %v", i+1, len(got), data, wholeErr)
			}
			if recordsAsStreamAlone(data) {
				return
			}
			if len(got) != len(whole) {
				t.Fatalf("the %d. way read %d records of %q, a whole read %d", i+1, len(got), data, len(whole))
			}
			for j := range got {
				g, w := got[j], whole[j]
				if g.ItemID != w.ItemID || g.MessageID != w.MessageID || g.Subject != w.Subject || g.Via != w.Via || !bytes.Equal(g.Body, w.Body) {
					t.Fatalf("record %d of %q: the %d. way read %+v, a whole read %+v", j, data, i+1, g, w)
				}
			}
			return
		}
	})
}

// recordsAsStreamAlone reports whether data may name Records as only envelope.Stream reads
// it: more than once, or in another case.
func recordsAsStreamAlone(data []byte) bool {
	named := bytes.Count(bytes.ToLower(data), []byte(`"records"`))
	return named > 1 || named > bytes.Count(data, []byte(`"Records"`))
}
