package story

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/state"
)

// Ack says who acknowledged a story from chat, and when. The story keeps it, so every later
// edit of its message still says who took it.
type Ack struct {
	// By is the name messages show (@ana); User is the chat user's id.
	By   string    `json:"by"`
	User string    `json:"user,omitempty"`
	At   time.Time `json:"at"`
}

// ServiceKey is the key of a service's story, as the tracker files it.
func ServiceKey(id alert.Identity) string {
	if id.Service == "" || id.Cluster == "" {
		return ""
	}
	return "story#" + id.Account + "/" + id.Region + "/" + id.Cluster + "/" + id.Service
}

// ErrNoStory means there is no story to acknowledge: it ended, or never began.
var ErrNoStory = errors.New("story: the service has no story to acknowledge")

// Acknowledge records ack on the service's story, unless someone acknowledged it first;
// it returns the acknowledgement the story holds.
func (t *Tracker) Acknowledge(ctx context.Context, id alert.Identity, ack Ack) (Ack, error) {
	key := ServiceKey(id)
	if key == "" {
		return Ack{}, ErrNoStory
	}
	for attempt := 0; ; attempt++ {
		it, err := t.store.Get(ctx, key)
		if err != nil {
			return Ack{}, fmt.Errorf("story %s: %w", key, err)
		}
		if it.Version == 0 {
			return Ack{}, ErrNoStory
		}
		var s Story
		if err := json.Unmarshal(it.Data, &s); err != nil {
			return Ack{}, fmt.Errorf("story %s: %w", key, err)
		}
		if s.Acked != nil {
			return *s.Acked, nil
		}
		s.Acked = &ack
		data, err := json.Marshal(&s)
		if err != nil {
			return Ack{}, err
		}
		_, err = t.store.Put(ctx, state.Item{Key: key, Version: it.Version, Keep: s.lifetime(t.opts), Data: data})
		if err == nil {
			return ack, nil
		}
		if !errors.Is(err, state.ErrConflict) || attempt+1 >= maxAttempts {
			return Ack{}, fmt.Errorf("story %s: %w", key, err)
		}
	}
}
