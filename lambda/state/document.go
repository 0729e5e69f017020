package state

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// The config document of the last cold start that could use it. When the current document
// is invalid (edited by hand, written by a newer program), the notifier runs on this one
// rather than not at all. It holds parameter names, never a secret, like the document.
const keyLastDocument = "config#last-good"

// SavedDocument is a document that worked, and when and from where it was saved.
type SavedDocument struct {
	// Document is kept as the exact text that was read, a JSON string, so its hash holds.
	Document string `json:"document"`
	// SHA256 is the document's hash, hex: a save of the same document writes nothing.
	SHA256 string `json:"sha256"`
	// Source names the SSM parameter the document was read from.
	Source string    `json:"source"`
	Saved  time.Time `json:"saved"`
}

// DocumentHash is the hex SHA-256 of a document's bytes.
func DocumentHash(doc []byte) string {
	sum := sha256.Sum256(doc)
	return hex.EncodeToString(sum[:])
}

// SaveDocument keeps doc, read from source, as the last document that worked, unless it is
// kept already. It returns whether it wrote. Two cold starts saving at once are fine: one
// write wins, and both hold a document that worked.
func SaveDocument(ctx context.Context, s Store, source string, doc []byte, now time.Time) (bool, error) {
	if !json.Valid(doc) {
		return false, errors.New("state: a document to save must be JSON")
	}
	doc = bytes.TrimSpace(doc)
	hash := DocumentHash(doc)
	it, err := s.Get(ctx, keyLastDocument)
	if err != nil {
		return false, err
	}
	if it.Version > 0 {
		var cur SavedDocument
		if json.Unmarshal(it.Data, &cur) == nil && cur.SHA256 == hash && cur.Source == source {
			return false, nil
		}
	}
	data, err := json.Marshal(SavedDocument{Document: string(doc), SHA256: hash, Source: source, Saved: now.UTC()})
	if err != nil {
		return false, err
	}
	// Kept for ever: a document that worked stays the fallback until a newer one works.
	if _, err := s.Put(ctx, Item{Key: keyLastDocument, Version: it.Version, Data: data}); err != nil {
		if errors.Is(err, ErrConflict) {
			return false, nil // another cold start saved at the same moment
		}
		return false, err
	}
	return true, nil
}

// LastDocument returns the last document that worked; false when none was ever saved.
func LastDocument(ctx context.Context, s Store) (SavedDocument, bool, error) {
	it, err := s.Get(ctx, keyLastDocument)
	if err != nil || it.Version == 0 {
		return SavedDocument{}, false, err
	}
	var d SavedDocument
	if err := json.Unmarshal(it.Data, &d); err != nil || len(d.Document) == 0 {
		return SavedDocument{}, false, fmt.Errorf("state: the saved config document is unreadable: %v", err)
	}
	if DocumentHash([]byte(d.Document)) != d.SHA256 {
		return SavedDocument{}, false, errors.New("state: the saved config document does not match its hash")
	}
	return d, true, nil
}
