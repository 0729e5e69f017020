package state

import (
	"context"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/clock"
)

// TestLastDocument: a document that worked is kept, once, for ever; a newer one replaces it;
// nothing is read back that was not saved whole.
func TestLastDocument(t *testing.T) {
	ctx := context.Background()
	c := clock.NewFake(time.Date(2031, 6, 1, 9, 0, 0, 0, time.UTC))
	s := NewMemory(c)
	if _, ok, err := LastDocument(ctx, s); ok || err != nil {
		t.Fatalf("an empty store holds a document: %v, %v", ok, err)
	}
	doc1 := []byte("{\"version\":1,\n \"destinations\":[]}\n")
	doc2 := []byte(`{"version":1,"environment":"prod","destinations":[]}`)
	steps := []struct {
		doc   []byte
		wrote bool
	}{{doc1, true}, {doc1, false}, {doc2, true}, {doc2, false}}
	for i, st := range steps {
		wrote, err := SaveDocument(ctx, s, "/foghorn/prod/config", st.doc, c.Now())
		if err != nil || wrote != st.wrote {
			t.Fatalf("save %d: wrote %v, %v; want %v", i+1, wrote, err, st.wrote)
		}
		c.Advance(400 * 24 * time.Hour) // kept for ever
		got, ok, err := LastDocument(ctx, s)
		if !ok || err != nil || got.Document != string(bytesTrim(st.doc)) || got.Source != "/foghorn/prod/config" {
			t.Fatalf("after save %d: %+v, %v, %v", i+1, got, ok, err)
		}
	}
	if _, err := SaveDocument(ctx, s, "x", []byte("not json"), c.Now()); err == nil {
		t.Error("a document that is not JSON was saved")
	}
	// A damaged item is not taken for a document.
	it, _ := s.Get(ctx, keyLastDocument)
	it.Data = []byte(`{"document":"{}","sha256":"0000"}`)
	if _, err := s.Put(ctx, it); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := LastDocument(ctx, s); ok || err == nil {
		t.Errorf("a document that does not match its hash was read back: %v, %v", ok, err)
	}
}

func bytesTrim(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == ' ') {
		b = b[:len(b)-1]
	}
	return b
}
