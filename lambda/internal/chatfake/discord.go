package chatfake

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// TargetDiscord names the Discord webhook in scripts, rates and filters.
const TargetDiscord = "discord"

// Discord's limits (Embed Limits and Execute Webhook in Discord's API reference), counted in
// characters after trimming surrounding whitespace, as Discord counts them.
const (
	discordMaxContent     = 2000
	discordMaxEmbeds      = 10
	discordMaxTitle       = 256
	discordMaxDescription = 4096
	discordMaxFields      = 25
	discordMaxFieldName   = 256
	discordMaxFieldValue  = 1024
	discordMaxFooter      = 2048
	discordMaxAuthor      = 256
	discordMaxEmbedTotal  = 6000
)

// Discord's JSON error codes used here.
const (
	DiscordUnknownWebhook      = 10015
	DiscordEmptyMessage        = 50006
	DiscordInvalidWebhookToken = 50027
	DiscordInvalidFormBody     = 50035
	DiscordInvalidJSON         = 50109
)

// Discord documents about 5 requests per 2 seconds per webhook; the bucket refills at that pace.
var discordRate = Rate{PerSecond: 2.5, Burst: 5}

func init() {
	register(endpoint{
		target:  TargetDiscord,
		pattern: "/api/webhooks/{id}/{token}",
		serve:   serveDiscord,
		dead:    discordDead,
		limited: func(wait time.Duration) Reply {
			secs := math.Ceil(wait.Seconds()*1000) / 1000
			r := discordJSON(http.StatusTooManyRequests, map[string]any{
				"message": "You are being rate limited.", "retry_after": secs, "global": false})
			r = withRetryAfter(r, wait)
			r.Header.Set("X-RateLimit-Limit", strconv.Itoa(discordRate.Burst))
			r.Header.Set("X-RateLimit-Remaining", "0")
			r.Header.Set("X-RateLimit-Reset-After", strconv.FormatFloat(secs, 'f', 3, 64))
			r.Header.Set("X-RateLimit-Scope", "user")
			return r
		},
		rate: discordRate,
	})
}

// DiscordWebhookURL hands out the URL of a Discord webhook named name, active (also under
// Options.Strict): /api/webhooks/<numeric id>/fake-token-<name>.
func (s *Server) DiscordWebhookURL(name string) string {
	path := fmt.Sprintf("/api/webhooks/%d/fake-token-%s", fakeID(name), url.PathEscape(name))
	s.handOut(path)
	return s.URL() + path
}

// DiscordRateLimited is a 429 as Discord sends it: JSON with retry_after in (fractional)
// seconds, and the Retry-After header rounded up to whole seconds.
func DiscordRateLimited(retryAfter float64, global bool) Fault {
	scope := "user"
	if global {
		scope = "global"
	}
	b, _ := json.Marshal(map[string]any{"message": "You are being rate limited.", "retry_after": retryAfter, "global": global})
	h := map[string]string{"Retry-After": strconv.Itoa(int(math.Ceil(retryAfter))), "X-RateLimit-Scope": scope}
	if global {
		h["X-RateLimit-Global"] = "true"
	}
	return Fault{Name: fmt.Sprintf("discord 429 retry_after %g", retryAfter), Status: http.StatusTooManyRequests, Header: h, Body: string(b)}
}

// DiscordError is an error answer in Discord's shape: {"code": code, "message": message}.
func DiscordError(status, code int, message string) Fault {
	b, _ := json.Marshal(map[string]any{"code": code, "message": message})
	return Fault{Name: fmt.Sprintf("discord %d code %d", status, code), Status: status, Body: string(b)}
}

func discordJSON(status int, v any) Reply {
	b, _ := json.Marshal(v)
	return reply(status, "application/json", string(b))
}

func discordCodeReply(status, code int, message string) Reply {
	return discordJSON(status, map[string]any{"code": code, "message": message})
}

// discordDead is what Discord answers for a webhook that is gone: a deleted webhook is
// unknown (404 10015), a regenerated token is invalid (401 50027).
func discordDead(st State) Reply {
	if st == Revoked {
		return discordCodeReply(http.StatusUnauthorized, DiscordInvalidWebhookToken, "Invalid Webhook Token")
	}
	return discordCodeReply(http.StatusNotFound, DiscordUnknownWebhook, "Unknown Webhook")
}

func serveDiscord(s *Server, x *exchange) Reply {
	rep := discordAnswer(s, x)
	s.discordRateHeaders(x.rec.Key, rep.Header)
	return rep
}

func discordAnswer(s *Server, x *exchange) Reply {
	if x.notJSON() {
		return discordCodeReply(http.StatusBadRequest, DiscordInvalidJSON, "The request body contains invalid JSON.")
	}
	c := CheckDiscordMessage(x.rec.Body)
	x.rec.JSON, x.rec.Problem = c.JSON, c.Problem
	if c.Status != http.StatusOK {
		if c.Errors != nil {
			return discordJSON(c.Status, map[string]any{"code": c.Code, "message": "Invalid Form Body", "errors": c.Errors})
		}
		return discordCodeReply(c.Status, c.Code, c.Message)
	}
	if x.r.URL.Query().Get("wait") != "true" {
		return Reply{Status: http.StatusNoContent, Header: http.Header{}}
	}
	msg, _ := c.JSON.(map[string]any)
	x2 := s.extras()
	x2.mu.Lock()
	x2.n++
	n := x2.n
	x2.mu.Unlock()
	return discordJSON(http.StatusOK, map[string]any{
		"id": strconv.FormatUint(fakeID(x.rec.Key)+uint64(n), 10), "type": 0,
		"content": msg["content"], "embeds": msg["embeds"], "channel_id": "100000000000000001",
		"webhook_id": x.r.PathValue("id"), "timestamp": s.Now().UTC().Format(time.RFC3339Nano),
	})
}

// discordRateHeaders adds the X-RateLimit-* headers Discord sends on every answer, read from
// the webhook's bucket (a full bucket when the limiter is off).
func (s *Server) discordRateHeaders(key string, h http.Header) {
	s.mu.Lock()
	rt := s.rates[TargetDiscord]
	if !rt.on() {
		rt = discordRate
	}
	tokens := float64(rt.Burst)
	if b := s.buckets[TargetDiscord+" "+key]; b != nil {
		tokens = b.tokens
	}
	now := s.clock.Now()
	s.mu.Unlock()
	resetAfter := (float64(max(rt.Burst, 1)) - tokens) / rt.PerSecond
	h.Set("X-RateLimit-Limit", strconv.Itoa(max(rt.Burst, 1)))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(int(math.Floor(tokens))))
	h.Set("X-RateLimit-Reset-After", strconv.FormatFloat(resetAfter, 'f', 3, 64))
	reset := float64(now.UnixMilli())/1000 + resetAfter
	h.Set("X-RateLimit-Reset", strconv.FormatFloat(reset, 'f', 3, 64))
	h.Set("X-RateLimit-Bucket", fmt.Sprintf("%016x", fakeID(key)))
}

// DiscordCheck is what the fake Discord makes of a webhook body.
type DiscordCheck struct {
	// Status is 200 when the message is accepted, else the HTTP status of the error.
	Status int
	// Code is Discord's JSON error code (50035, 50006, 50109), 0 when accepted.
	Code    int
	Message string
	// Errors is the nested "errors" object of a 50035 answer, naming the field at fault.
	Errors map[string]any
	// Problem says where and why in words.
	Problem string
	JSON    any
}

// CheckDiscordMessage validates a webhook body as Discord does. Renderer tests call it
// directly; the fake's endpoint answers with its result.
func CheckDiscordMessage(body []byte) DiscordCheck {
	bad := func(problem string) DiscordCheck {
		return DiscordCheck{Status: http.StatusBadRequest, Code: DiscordInvalidJSON,
			Message: "The request body contains invalid JSON.", Problem: problem}
	}
	msg, problem := decodeObject(body)
	if problem != "" {
		return bad(problem)
	}
	c := &discordForm{}
	c.message(msg)
	out := DiscordCheck{Status: http.StatusOK, JSON: msg}
	switch {
	case c.errors != nil:
		out.Status, out.Code, out.Message, out.Errors, out.Problem = http.StatusBadRequest, DiscordInvalidFormBody, "Invalid Form Body", c.errors, c.problem
	case c.empty:
		out.Status, out.Code, out.Message, out.Problem = http.StatusBadRequest, DiscordEmptyMessage, "Cannot send an empty message", "no content and no embeds"
	}
	return out
}

// discordForm collects Invalid Form Body errors in Discord's nested shape:
// {"embeds": {"0": {"title": {"_errors": [{"code": …, "message": …}]}}}}.
type discordForm struct {
	errors  map[string]any
	problem string
	empty   bool
}

func (f *discordForm) fail(path []string, code, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if f.errors == nil {
		f.errors = map[string]any{}
		f.problem = strings.Join(path, ".") + ": " + msg
	}
	m := f.errors
	for _, p := range path {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	list, _ := m["_errors"].([]any)
	m["_errors"] = append(list, map[string]any{"code": code, "message": msg})
}

// length counts characters as Discord does, after trimming surrounding whitespace.
func discordLength(s string) int {
	return utf8.RuneCountInString(strings.TrimFunc(s, unicode.IsSpace))
}

func (f *discordForm) text(path []string, v any, max int, required bool) int {
	if v == nil {
		if required {
			f.fail(path, "BASE_TYPE_REQUIRED", "This field is required")
		}
		return 0
	}
	s, ok := v.(string)
	if !ok {
		f.fail(path, "BASE_TYPE_STRING", "Could not interpret %q as string.", fmt.Sprint(v))
		return 0
	}
	n := discordLength(s)
	switch {
	case required && n == 0:
		f.fail(path, "BASE_TYPE_REQUIRED", "This field is required")
	case n > max:
		f.fail(path, "BASE_TYPE_MAX_LENGTH", "Must be %d or fewer in length.", max)
	}
	return n
}

func (f *discordForm) message(msg map[string]any) {
	hasContent := f.text([]string{"content"}, msg["content"], discordMaxContent, false) > 0
	embeds, hasEmbeds := msg["embeds"]
	var list []any
	if hasEmbeds && embeds != nil {
		var ok bool
		if list, ok = embeds.([]any); !ok {
			f.fail([]string{"embeds"}, "BASE_TYPE_ARRAY", "Must be an array.")
		}
	}
	if len(list) > discordMaxEmbeds {
		f.fail([]string{"embeds"}, "BASE_TYPE_MAX_LENGTH", "Must be %d or fewer in length.", discordMaxEmbeds)
	}
	total := 0
	for i, e := range list {
		total += f.embed([]string{"embeds", strconv.Itoa(i)}, e)
	}
	if total > discordMaxEmbedTotal {
		f.fail([]string{"embeds"}, "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of %d", discordMaxEmbedTotal)
	}
	if am, ok := msg["allowed_mentions"]; ok && am != nil {
		f.allowedMentions(am)
	}
	f.empty = !hasContent && len(list) == 0
}

func (f *discordForm) allowedMentions(v any) {
	p := []string{"allowed_mentions"}
	m, ok := v.(map[string]any)
	if !ok {
		f.fail(p, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
		return
	}
	if parse, ok := m["parse"]; ok {
		list, ok := parse.([]any)
		if !ok {
			f.fail(append(p, "parse"), "BASE_TYPE_ARRAY", "Must be an array.")
			return
		}
		for i, x := range list {
			if x != "roles" && x != "users" && x != "everyone" {
				f.fail(append(p, "parse", strconv.Itoa(i)), "BASE_TYPE_CHOICES", "Value must be one of {'roles', 'users', 'everyone'}.")
			}
		}
	}
}

// embed checks one embed and returns its size toward the 6000 total.
func (f *discordForm) embed(p []string, v any) int {
	e, ok := v.(map[string]any)
	if !ok {
		f.fail(p, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
		return 0
	}
	at := func(k ...string) []string { return append(append([]string(nil), p...), k...) }
	total := f.text(at("title"), e["title"], discordMaxTitle, false)
	total += f.text(at("description"), e["description"], discordMaxDescription, false)
	if u, ok := e["url"]; ok && u != nil {
		if s, ok := u.(string); !ok || !validHTTPURL(s) {
			f.fail(at("url"), "URL_TYPE_INVALID_URL", "Not a well formed URL.")
		}
	}
	if col, ok := e["color"]; ok && col != nil {
		n, isNum := col.(float64)
		if !isNum || n != math.Trunc(n) || n < 0 || n > 0xFFFFFF {
			f.fail(at("color"), "NUMBER_TYPE_MAX", "int value should be an integer from 0 to 16777215.")
		}
	}
	if ts, ok := e["timestamp"]; ok && ts != nil {
		s, isString := ts.(string)
		if _, err := time.Parse(time.RFC3339Nano, s); !isString || err != nil {
			f.fail(at("timestamp"), "DATE_TYPE_PARSE", "Could not parse %v. Should be ISO8601.", ts)
		}
	}
	if ft, ok := e["footer"]; ok && ft != nil {
		m, isObj := ft.(map[string]any)
		if !isObj {
			f.fail(at("footer"), "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
		} else {
			total += f.text(at("footer", "text"), m["text"], discordMaxFooter, true)
		}
	}
	if au, ok := e["author"]; ok && au != nil {
		m, isObj := au.(map[string]any)
		if !isObj {
			f.fail(at("author"), "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
		} else {
			total += f.text(at("author", "name"), m["name"], discordMaxAuthor, true)
		}
	}
	if fl, ok := e["fields"]; ok && fl != nil {
		list, isList := fl.([]any)
		if !isList {
			f.fail(at("fields"), "BASE_TYPE_ARRAY", "Must be an array.")
			return total
		}
		if len(list) > discordMaxFields {
			f.fail(at("fields"), "BASE_TYPE_MAX_LENGTH", "Must be %d or fewer in length.", discordMaxFields)
		}
		for i, x := range list {
			fp := at("fields", strconv.Itoa(i))
			m, isObj := x.(map[string]any)
			if !isObj {
				f.fail(fp, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
				continue
			}
			total += f.text(append(fp, "name"), m["name"], discordMaxFieldName, true)
			total += f.text(append(append([]string(nil), fp...), "value"), m["value"], discordMaxFieldValue, true)
			if in, ok := m["inline"]; ok && in != nil {
				if _, isBool := in.(bool); !isBool {
					f.fail(append(fp, "inline"), "BASE_TYPE_BOOLEAN", "Must be either true or false.")
				}
			}
		}
	}
	return total
}

func validHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
