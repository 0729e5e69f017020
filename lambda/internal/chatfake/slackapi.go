package chatfake

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// TargetSlackAPI names Slack's Web API methods (chat.postMessage, chat.update) in scripts,
// rates and filters.
const TargetSlackAPI = "slack-api"

func init() {
	for _, method := range []string{"chat.postMessage", "chat.update"} {
		register(endpoint{
			target:  TargetSlackAPI,
			pattern: "/api/" + method,
			key:     slackAPIKey,
			serve:   serveSlackAPI,
			dead:    slackAPIDead,
			limited: slackRateLimited,
			// chat.postMessage: about one message a second per channel.
			rate: Rate{PerSecond: 1, Burst: 1},
		})
	}
}

// SlackBotToken hands out a bot token named name, accepted also under Options.Strict (without
// Strict, any token starting with xoxb- is accepted).
func (s *Server) SlackBotToken(name string) string {
	tok := "xoxb-fake-" + name
	x := s.extras()
	x.mu.Lock()
	x.slackTokens[tok] = true
	x.mu.Unlock()
	return tok
}

// SlackChannel hands out a channel the bot is a member of, active also under Options.Strict
// (where channels not handed out answer channel_not_found), and returns its name. Its id, as
// the answers give it, is then known too.
func (s *Server) SlackChannel(name string) string {
	s.handOut(SlackChannelKey(name))
	s.handOut(SlackChannelKey(SlackChannelID(name)))
	return name
}

// SlackAPIURL is the base URL of the fake Web API, for a client's method URLs:
// SlackAPIURL() + "chat.postMessage".
func (s *Server) SlackAPIURL() string { return s.URL() + "/api/" }

// SlackChannelKey is the destination key of a channel (a name or an id, as the request gives
// it), for SetState, Script and Requests: the Web API's destination is the channel.
func SlackChannelKey(channel string) string { return "/slack-api/channels/" + url.PathEscape(channel) }

// SlackChannelID is the id the fake gives a channel named in a request: an id (C…, G…, D…)
// stays as it is, a name gets a stable made-up id, as Slack answers with ids.
func SlackChannelID(channel string) string {
	if isSlackID(channel) {
		return channel
	}
	h := fnv.New32a()
	h.Write([]byte(strings.TrimPrefix(channel, "#")))
	return fmt.Sprintf("C0FAKE%08X", h.Sum32())
}

func isSlackID(s string) bool {
	if len(s) < 2 || !strings.ContainsRune("CGD", rune(s[0])) {
		return false
	}
	for _, r := range s[1:] {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// SlackAPIError is a Web API failure as Slack sends most of them: HTTP 200, ok false.
func SlackAPIError(code string) Fault {
	return Fault{Name: "slack api " + code, Status: http.StatusOK, Body: `{"ok":false,"error":"` + code + `"}`}
}

// slackAPIArgs reads a Web API request's arguments, JSON or form-encoded.
func slackAPIArgs(r *http.Request, body []byte) (map[string]any, bool) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "application/x-www-form-urlencoded" {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, false
		}
		out := map[string]any{}
		for k := range form {
			v := form.Get(k)
			if k == "blocks" || k == "attachments" {
				var x any
				if json.Unmarshal([]byte(v), &x) == nil {
					out[k] = x
					continue
				}
			}
			out[k] = v
		}
		return out, true
	}
	v, err := decodeJSON(body)
	m, ok := v.(map[string]any)
	return m, err == nil && ok
}

func slackAPIKey(r *http.Request, body []byte) string {
	args, _ := slackAPIArgs(r, body)
	ch, _ := args["channel"].(string)
	return SlackChannelKey(ch)
}

func slackAPIAnswer(v map[string]any) Reply {
	b, _ := json.Marshal(v)
	return reply(http.StatusOK, "application/json; charset=utf-8", string(b))
}

func slackAPIFail(code string) Reply {
	return slackAPIAnswer(map[string]any{"ok": false, "error": code})
}

// slackAPIDead is what the Web API answers about a dead channel or token: HTTP 200, ok false.
func slackAPIDead(st State) Reply {
	switch st {
	case Revoked:
		return slackAPIFail("token_revoked")
	case Archived:
		return slackAPIFail("is_archived")
	}
	return slackAPIFail("channel_not_found")
}

// slackAPIAuth checks a Web API call's bot token as Slack does: no bearer token is not_authed,
// and one the fake did not hand out is invalid_auth when the fake is strict or it is not a
// bot token at all. It reports false, with the answer, for a call it refuses.
func slackAPIAuth(s *Server, x *exchange) (Reply, bool) {
	tok, isBearer := strings.CutPrefix(x.r.Header.Get("Authorization"), "Bearer ")
	xs := s.extras()
	xs.mu.Lock()
	known := xs.slackTokens[tok]
	xs.mu.Unlock()
	switch {
	case !isBearer || tok == "":
		x.rec.Problem = "no bearer token"
		return slackAPIFail("not_authed"), false
	case !known && (s.opts.Strict || !strings.HasPrefix(tok, "xoxb-")):
		x.rec.Problem = "unknown token"
		return slackAPIFail("invalid_auth"), false
	}
	return Reply{}, true
}

func serveSlackAPI(s *Server, x *exchange) Reply {
	method := strings.TrimPrefix(x.r.URL.Path, "/api/")
	if fail, ok := slackAPIAuth(s, x); !ok {
		return fail
	}
	mt, params, _ := mime.ParseMediaType(x.r.Header.Get("Content-Type"))
	if mt == "application/json" && params["charset"] != "" && !strings.EqualFold(params["charset"], "utf-8") {
		x.rec.Problem = "charset " + params["charset"]
		return slackAPIFail("invalid_charset")
	}
	args, ok := slackAPIArgs(x.r, x.rec.Body)
	if !ok {
		x.rec.Problem = "body is not a JSON object or form"
		return slackAPIFail("invalid_json")
	}
	x.rec.JSON = args
	channel, _ := args["channel"].(string)
	if channel == "" {
		x.rec.Problem = "no channel"
		return slackAPIFail("channel_not_found")
	}
	// The block rules are the webhook's; the arguments ride along in the same object.
	body, _ := json.Marshal(args)
	c := CheckSlackMessage(body)
	if c.Code != "" {
		x.rec.Problem = c.Problem
		if c.Code == "invalid_payload" {
			return slackAPIFail("invalid_arguments")
		}
		return slackAPIFail(c.Code)
	}
	x.rec.Truncated = c.Truncated
	id := SlackChannelID(channel)
	msg := map[string]any{"type": "message", "bot_id": "BFAKE", "text": args["text"]}
	for _, k := range []string{"blocks", "attachments", "thread_ts"} {
		if v, ok := args[k]; ok {
			msg[k] = v
		}
	}
	xs := s.extras()
	xs.mu.Lock()
	defer xs.mu.Unlock()
	var ts string
	switch method {
	case "chat.update":
		ts, _ = args["ts"].(string)
		if !isSlackID(channel) {
			x.rec.Problem = "chat.update needs a channel id, not a name"
			return slackAPIFail("channel_not_found")
		}
		if !xs.slackMessages[id][ts] {
			x.rec.Problem = "no message " + ts + " in " + id
			return slackAPIFail("message_not_found")
		}
	default:
		xs.n++
		ts = fmt.Sprintf("%d.%06d", s.Now().Unix(), xs.n)
		if xs.slackMessages[id] == nil {
			xs.slackMessages[id] = map[string]bool{}
		}
		xs.slackMessages[id][ts] = true
	}
	msg["ts"] = ts
	out := map[string]any{"ok": true, "channel": id, "ts": ts, "message": msg}
	if c.Truncated {
		out["response_metadata"] = map[string]any{"warnings": []string{"message_truncated"}}
	}
	return slackAPIAnswer(out)
}
