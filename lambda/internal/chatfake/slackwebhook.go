package chatfake

import (
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// TargetSlackWebhook names the Slack incoming webhook in scripts, rates and filters.
const TargetSlackWebhook = "slack-webhook"

func init() {
	register(endpoint{
		target:  TargetSlackWebhook,
		pattern: "/services/{team}/{bot}/{secret}",
		serve:   serveSlackWebhook,
		dead:    slackWebhookDead,
		limited: slackRateLimited,
		// Slack documents about one message a second per webhook, with short bursts allowed.
		rate: Rate{PerSecond: 1, Burst: 3},
	})
}

// SlackWebhookURL hands out the URL of a Slack incoming webhook named name, active (also under
// Options.Strict). The URL has the real shape, /services/T…/B…/<secret>, with obviously fake parts.
func (s *Server) SlackWebhookURL(name string) string {
	path := "/services/TFAKE/BFAKE/" + url.PathEscape(name)
	s.mu.Lock()
	s.known[path] = true
	s.mu.Unlock()
	return s.URL() + path
}

// serveSlackWebhook answers as hooks.slack.com does: 200 text/html "ok", or 400 with a bare
// error string.
func serveSlackWebhook(_ *Server, x *exchange) Reply {
	body := x.rec.Body
	mt, _, _ := mime.ParseMediaType(x.r.Header.Get("Content-Type"))
	switch mt {
	case "application/json":
	case "application/x-www-form-urlencoded":
		// The webhook also takes the older form encoding: payload=<JSON>.
		form, err := url.ParseQuery(string(body))
		if err != nil || form.Get("payload") == "" {
			x.rec.Problem = "form body without a payload field"
			return slackError(http.StatusBadRequest, "invalid_payload")
		}
		body = []byte(form.Get("payload"))
	default:
		x.rec.Problem = "Content-Type " + strconv.Quote(mt) + " is not application/json"
		return slackError(http.StatusBadRequest, "invalid_payload")
	}
	c := CheckSlackMessage(body)
	x.rec.JSON, x.rec.Problem, x.rec.Truncated = c.JSON, c.Problem, c.Truncated
	if c.Code != "" {
		return slackError(http.StatusBadRequest, c.Code)
	}
	return reply(http.StatusOK, "text/html", "ok")
}

// slackRateLimited is the answer of Slack's rate limiter, the webhook's and the Web API's alike.
func slackRateLimited(wait time.Duration) Reply {
	return withRetryAfter(reply(http.StatusTooManyRequests, "application/json; charset=utf-8", `{"ok":false,"error":"ratelimited"}`), wait)
}

func slackError(status int, code string) Reply {
	return reply(status, "text/plain; charset=utf-8", code)
}

// slackWebhookDead is what Slack answers for a dead webhook (its 2016 error changelog).
func slackWebhookDead(st State) Reply {
	switch st {
	case Revoked:
		return slackError(http.StatusForbidden, "invalid_token")
	case Archived:
		return slackError(http.StatusGone, "channel_is_archived")
	}
	return slackError(http.StatusNotFound, "no_service")
}
