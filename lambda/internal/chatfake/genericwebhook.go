package chatfake

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/foghornhq/foghorn/lambda/chat/webhook/signature"
)

// TargetWebhook names the generic JSON webhook (a receiver of foghorn.alert/v1 documents) in
// scripts, rates and filters.
const TargetWebhook = "webhook"

// webhookSchemaPrefix is what every foghorn alert document's schema starts with.
const webhookSchemaPrefix = "foghorn.alert/"

func init() {
	register(endpoint{
		target:  TargetWebhook,
		pattern: "/hooks/{name}",
		serve:   serveWebhook,
		dead:    webhookDead,
		limited: func(wait time.Duration) Reply {
			return withRetryAfter(reply(http.StatusTooManyRequests, "application/json", `{"error":"rate limited"}`), wait)
		},
		rate: Rate{PerSecond: 10, Burst: 10},
	})
}

// WebhookURL hands out the URL of a generic webhook receiver named name, active (also under
// Options.Strict), that verifies every request's signature with signingKey as a receiver
// should: signature.Verify, with the default tolerance, on the fake's clock.
func (s *Server) WebhookURL(name, signingKey string) string {
	path := "/hooks/" + url.PathEscape(name)
	s.handOutWith(path, signingKey)
	return s.URL() + path
}

// webhookDead: a receiver that was turned off answers 410 Gone; one that no longer trusts the
// sender answers 403.
func webhookDead(st State) Reply {
	if st == Revoked {
		return reply(http.StatusForbidden, "application/json", `{"error":"forbidden"}`)
	}
	return reply(http.StatusGone, "application/json", `{"error":"gone"}`)
}

func serveWebhook(s *Server, x *exchange) Reply {
	key, known := s.secretOf(x.rec.Key)
	if !known {
		x.rec.Problem = "no signing key for this hook (hand its URL out with WebhookURL)"
		return reply(http.StatusUnauthorized, "application/json", `{"error":"unknown hook"}`)
	}
	if err := signature.Verify(key, x.r.Header, x.rec.Body, s.Now(), signature.DefaultTolerance); err != nil {
		x.rec.Problem = err.Error()
		return reply(http.StatusUnauthorized, "application/json", `{"error":"bad signature"}`)
	}
	if x.notJSON() {
		return reply(http.StatusUnsupportedMediaType, "application/json", `{"error":"want application/json"}`)
	}
	m, ok := x.rec.JSON.(map[string]any)
	if !ok {
		x.rec.Problem = "body is not a JSON object"
		return reply(http.StatusBadRequest, "application/json", `{"error":"not a JSON object"}`)
	}
	if schema, _ := m["schema"].(string); !strings.HasPrefix(schema, webhookSchemaPrefix) {
		x.rec.Problem = "schema " + strconv.Quote(schema) + " is not a foghorn alert schema"
		return reply(http.StatusBadRequest, "application/json", `{"error":"unknown schema"}`)
	}
	return reply(http.StatusAccepted, "application/json", `{"status":"accepted"}`)
}
