package chatfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// TargetGoogleChat names the Google Chat incoming webhook in scripts, rates and filters.
const TargetGoogleChat = "gchat"

// gchatMaxBody is the documented message size limit, text and cards included.
const gchatMaxBody = 32000

// Google Chat's reply options (spaces.messages.create, MessageReplyOption).
const (
	gchatReplyFallback = "REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD"
	gchatReplyOrFail   = "REPLY_MESSAGE_OR_FAIL"
)

func init() {
	register(endpoint{
		target:  TargetGoogleChat,
		pattern: "/v1/spaces/{space}/messages",
		serve:   serveGoogleChat,
		dead:    gchatDead,
		limited: func(wait time.Duration) Reply {
			// Google sends no Retry-After here and asks for exponential backoff.
			return gchatError(http.StatusTooManyRequests, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).")
		},
		// "60 writes per 60 seconds per space", shared by every app and webhook in the space.
		rate: Rate{PerSecond: 1, Burst: 60},
	})
}

// GoogleChatWebhookURL hands out the URL of a Google Chat webhook named name, active (also
// under Options.Strict); its token is checked.
func (s *Server) GoogleChatWebhookURL(name string) string {
	space := "FAKE" + strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, name)
	path := "/v1/spaces/" + space + "/messages"
	token := "fake-token-" + url.QueryEscape(name)
	s.handOutWith(path, token)
	return s.URL() + path + "?key=fake-key&token=" + token
}

// GoogleError is an error answer in Google's envelope.
func GoogleError(status int, code, message string) Fault {
	r := gchatError(status, code, message)
	return Fault{Name: fmt.Sprintf("google %d %s", status, code), Status: status, Body: string(r.Body)}
}

func gchatError(status int, code, message string) Reply {
	b, _ := json.Marshal(map[string]any{"error": map[string]any{"code": status, "message": message, "status": code}})
	return reply(status, "application/json; charset=UTF-8", string(b))
}

// gchatDead is what a dead webhook answers: a revoked token is unauthenticated, a webhook whose
// app was turned off is forbidden, a deleted one (or its space) is not found.
func gchatDead(st State) Reply {
	switch st {
	case Revoked:
		return gchatError(http.StatusUnauthorized, "UNAUTHENTICATED", "Request had invalid authentication credentials.")
	case Archived:
		return gchatError(http.StatusForbidden, "PERMISSION_DENIED", "The caller does not have permission.")
	}
	return gchatError(http.StatusNotFound, "NOT_FOUND", "Requested entity was not found.")
}

func serveGoogleChat(s *Server, x *exchange) Reply {
	q := x.r.URL.Query()
	want, known := s.secretOf(x.rec.Key)
	switch {
	case q.Get("key") == "" || q.Get("token") == "":
		x.rec.Problem = "key or token missing from the query"
		return gchatError(http.StatusUnauthorized, "UNAUTHENTICATED", "Request is missing required authentication credential.")
	case known && q.Get("token") != want:
		x.rec.Problem = "wrong token"
		return gchatError(http.StatusUnauthorized, "UNAUTHENTICATED", "Request had invalid authentication credentials.")
	}
	if x.notJSON() {
		return gchatError(http.StatusBadRequest, "INVALID_ARGUMENT", "Invalid JSON payload received.")
	}
	c := CheckGoogleChatMessage(x.rec.Body)
	x.rec.JSON, x.rec.Problem = c.JSON, c.Problem
	if c.Status != http.StatusOK {
		return gchatError(c.Status, c.Code, c.Message)
	}
	msg, _ := c.JSON.(map[string]any)
	key := q.Get("threadKey")
	legacy := key != "" // the deprecated query parameter threads by itself
	if th, ok := msg["thread"].(map[string]any); ok {
		if k, _ := th["threadKey"].(string); k != "" {
			if key != "" && k != key {
				x.rec.Problem = "threadKey in the query and thread.threadKey in the body differ"
				return gchatError(http.StatusBadRequest, "INVALID_ARGUMENT", "Conflicting thread keys.")
			}
			key = k
		}
	}
	opt := q.Get("messageReplyOption")
	space := x.r.PathValue("space")
	xs := s.extras()
	xs.mu.Lock()
	xs.n++
	n := xs.n
	thread := fmt.Sprintf("spaces/%s/threads/T%06d", space, n)
	if key != "" && (legacy || opt == gchatReplyFallback || opt == gchatReplyOrFail) {
		k := space + "\x00" + key
		if t, ok := xs.gchatThreads[k]; ok {
			thread = t
		} else {
			xs.gchatThreads[k] = thread
		}
	}
	xs.mu.Unlock()
	th := map[string]any{"name": thread}
	if key != "" {
		th["threadKey"] = key
	}
	out := map[string]any{
		"name":       fmt.Sprintf("spaces/%s/messages/M%06d.M%06d", space, n, n),
		"sender":     map[string]any{"name": "users/000000000000000000000", "displayName": "foghorn", "type": "BOT"},
		"createTime": s.Now().UTC().Format(time.RFC3339Nano),
		"thread":     th,
		"space":      map[string]any{"name": "spaces/" + space, "type": "ROOM"},
	}
	if t, ok := msg["text"]; ok {
		out["text"] = t
	}
	if cards, ok := msg["cardsV2"]; ok {
		out["cardsV2"] = cards
	}
	b, _ := json.Marshal(out)
	return reply(http.StatusOK, "application/json; charset=UTF-8", string(b))
}

// GoogleChatCheck is what the fake Google Chat makes of a message body.
type GoogleChatCheck struct {
	// Status is 200 when accepted, else the HTTP status of the error.
	Status int
	// Code is Google's status string (INVALID_ARGUMENT), "" when accepted.
	Code    string
	Message string
	Problem string
	JSON    any
}

// CheckGoogleChatMessage validates a webhook body as Google Chat does: text or cardsV2, every
// card with an id and a card, known widgets only, openLink buttons with http(s) URLs, and the
// whole body within 32,000 bytes.
func CheckGoogleChatMessage(body []byte) GoogleChatCheck {
	bad := func(problem string) GoogleChatCheck {
		return GoogleChatCheck{Status: http.StatusBadRequest, Code: "INVALID_ARGUMENT",
			Message: "Invalid JSON payload received.", Problem: problem}
	}
	if len(body) > gchatMaxBody {
		c := bad(fmt.Sprintf("body of %d bytes, more than %d", len(body), gchatMaxBody))
		c.Message = "Message exceeds the maximum size of 32000 bytes."
		return c
	}
	msg, problem := decodeObject(body)
	if problem != "" {
		return bad(problem)
	}
	c := GoogleChatCheck{Status: http.StatusOK, JSON: msg}
	fail := func(problem string) GoogleChatCheck {
		out := bad(problem)
		out.JSON = msg
		return out
	}
	text, hasText := msg["text"]
	ts, isString := text.(string)
	if hasText && !isString {
		return fail("/text is not a string")
	}
	cards, hasCards := msg["cardsV2"]
	list, isList := cards.([]any)
	if hasCards && !isList {
		return fail("/cardsV2 is not an array")
	}
	if strings.TrimSpace(ts) == "" && len(list) == 0 {
		out := fail("no text and no cards")
		out.Message = "Message cannot be empty. Discarding empty message."
		return out
	}
	for i, card := range list {
		if why := gchatCard(fmt.Sprintf("/cardsV2/%d", i), card); why != "" {
			return fail(why)
		}
	}
	if th, ok := msg["thread"]; ok {
		m, isObj := th.(map[string]any)
		k, isString := m["threadKey"].(string)
		if !isObj || (m["threadKey"] != nil && !isString) || utf8.RuneCountInString(k) > 4000 {
			return fail("/thread must be an object whose threadKey is a string of at most 4000 characters")
		}
	}
	return c
}

func gchatCard(p string, v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		return p + " is not an object"
	}
	if id, _ := m["cardId"].(string); id == "" {
		return p + "/cardId is required"
	}
	card, ok := m["card"].(map[string]any)
	if !ok {
		return p + "/card is required"
	}
	if h, ok := card["header"]; ok {
		hm, _ := h.(map[string]any)
		if t, _ := hm["title"].(string); t == "" {
			return p + "/card/header/title is required"
		}
	}
	sections, _ := card["sections"].([]any)
	for i, s := range sections {
		sp := fmt.Sprintf("%s/card/sections/%d", p, i)
		sm, ok := s.(map[string]any)
		if !ok {
			return sp + " is not an object"
		}
		widgets, ok := sm["widgets"].([]any)
		if !ok || len(widgets) == 0 {
			return sp + "/widgets must be a non-empty array"
		}
		for j, w := range widgets {
			if why := gchatWidget(fmt.Sprintf("%s/widgets/%d", sp, j), w); why != "" {
				return why
			}
		}
	}
	return ""
}

func gchatWidget(p string, v any) string {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		return p + " is not a widget"
	}
	if len(m) > 1 {
		return p + " holds more than one widget"
	}
	for kind, body := range m {
		b, _ := body.(map[string]any)
		switch kind {
		case "decoratedText", "textParagraph":
			if t, _ := b["text"].(string); t == "" {
				return p + "/" + kind + "/text is required"
			}
		case "buttonList":
			buttons, _ := b["buttons"].([]any)
			if len(buttons) == 0 {
				return p + "/buttonList/buttons must be a non-empty array"
			}
			for i, btn := range buttons {
				bm, _ := btn.(map[string]any)
				bp := fmt.Sprintf("%s/buttonList/buttons/%d", p, i)
				if t, _ := bm["text"].(string); t == "" {
					return bp + "/text is required"
				}
				oc, _ := bm["onClick"].(map[string]any)
				ol, _ := oc["openLink"].(map[string]any)
				if u, _ := ol["url"].(string); !validHTTPURL(u) {
					return bp + "/onClick/openLink/url is not an http(s) URL"
				}
			}
		case "divider", "image", "grid", "columns", "selectionInput", "textInput", "dateTimePicker", "chipList":
		default:
			return fmt.Sprintf("%s: unknown widget %q", p, kind)
		}
	}
	return ""
}
