package chatfake

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/chat/webhook/signature"
)

func TestWebhookVerifiesSignatures(t *testing.T) {
	s, clock := newFake(t, Options{})
	const key = "fake-signing-key-for-tests"
	hook := s.WebhookURL("receiver", key)
	body := []byte(`{"schema":"foghorn.alert/v1","id":"x"}`)
	send := func(h http.Header, b []byte) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, hook, strings.NewReader(string(b)))
		req.Header.Set("Content-Type", "application/json")
		for k, v := range h {
			req.Header[k] = v
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	now := clock.Now()
	for _, tc := range []struct {
		name   string
		h      http.Header
		body   []byte
		status int
	}{
		{"signed", signature.Sign(key, body, now), body, 202},
		{"unsigned", nil, body, 401},
		{"other key", signature.Sign("another-key", body, now), body, 401},
		{"body changed", signature.Sign(key, body, now), []byte(`{"schema":"foghorn.alert/v1","id":"y"}`), 401},
		{"stale", signature.Sign(key, body, now.Add(-6*time.Minute)), body, 401},
		{"from the future", signature.Sign(key, body, now.Add(6*time.Minute)), body, 401},
		{"not our schema", signature.Sign(key, []byte(`{"schema":"other"}`), now), []byte(`{"schema":"other"}`), 400},
	} {
		if got := send(tc.h, tc.body); got != tc.status {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.status)
		}
	}
	for st, want := range map[State]int{Deleted: 410, Archived: 410, Revoked: 403} {
		s.SetState(hook, st)
		if got := send(signature.Sign(key, body, now), body); got != want {
			t.Errorf("%s: %d, want %d", st, got, want)
		}
	}
}
