package chatfake

import (
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"time"
)

// TargetSlackResponse names the response URLs Slack hands an app with each click
// (https://hooks.slack.com/actions/<app>/<id>/<secret>) in scripts, rates and filters.
const TargetSlackResponse = "slack-response-url"

// A response URL takes at most five posts within thirty minutes of the click ("Handling user
// interaction", docs.slack.dev).
const (
	ResponseURLUses = 5
	ResponseURLLife = 30 * time.Minute
)

func init() {
	register(endpoint{
		target:  TargetSlackResponse,
		pattern: "/actions/{app}/{id}/{secret}",
		serve:   serveSlackResponse,
		dead:    slackResponseDead,
		limited: slackRateLimited,
		rate:    Rate{PerSecond: 1, Burst: ResponseURLUses},
	})
}

// responseURL is one handed-out response URL: the message clicked, when, how often used.
type responseURL struct {
	channel, messageTS string
	issued             time.Time
	uses               int
}

// SlackResponseURL hands out the response URL of a click named name on the message ts in
// channel, as Slack puts it in a block_actions payload: usable ResponseURLUses times within
// ResponseURLLife on the fake's clock.
func (s *Server) SlackResponseURL(name, channel, ts string) string {
	path := "/actions/AFAKE/0000000001/" + url.PathEscape(name)
	x := s.extras()
	x.mu.Lock()
	x.responseURLs[path] = &responseURL{channel: channel, messageTS: ts, issued: s.Now()}
	x.mu.Unlock()
	s.handOut(path)
	return s.URL() + path
}

func slackResponseFail(status int, code string) Reply {
	b, _ := json.Marshal(map[string]any{"ok": false, "error": code})
	return reply(status, "application/json; charset=utf-8", string(b))
}

// slackResponseDead: a dead response URL is an expired one.
func slackResponseDead(State) Reply { return slackResponseFail(http.StatusNotFound, "expired_url") }

// serveSlackResponse takes a message as Slack does at a response URL: ephemeral by default,
// in_channel with response_type, in a thread with thread_ts, replacing the clicked message with
// replace_original "true", deleting it with delete_original "true" alone. The booleans may be
// written as strings, as Slack's docs do, or as JSON booleans.
func serveSlackResponse(s *Server, x *exchange) Reply {
	xs := s.extras()
	xs.mu.Lock()
	u := xs.responseURLs[x.r.URL.EscapedPath()]
	var expired, used bool
	if u != nil {
		expired = s.Now().Sub(u.issued) > ResponseURLLife
		used = u.uses >= ResponseURLUses
		if !expired && !used {
			u.uses++
		}
	}
	xs.mu.Unlock()
	switch {
	case u == nil:
		x.rec.Problem = "no such response URL was handed out"
		return slackResponseFail(http.StatusNotFound, "expired_url")
	case expired:
		x.rec.Problem = "the response URL is older than " + ResponseURLLife.String()
		return slackResponseFail(http.StatusNotFound, "expired_url")
	case used:
		x.rec.Problem = "the response URL was used five times already"
		return slackResponseFail(http.StatusNotFound, "used_url")
	}
	if mt, _, _ := mime.ParseMediaType(x.r.Header.Get("Content-Type")); mt != "application/json" {
		x.rec.Problem = "Content-Type " + mt + " is not application/json"
		return slackResponseFail(http.StatusBadRequest, "invalid_payload")
	}
	v, err := decodeJSON(x.rec.Body)
	msg, ok := v.(map[string]any)
	if err != nil || !ok {
		x.rec.Problem = "body is not a JSON object"
		return slackResponseFail(http.StatusBadRequest, "invalid_payload")
	}
	x.rec.JSON = msg
	flag := func(k string) (bool, bool) {
		switch f := msg[k].(type) {
		case nil:
			return false, true
		case bool:
			return f, true
		case string:
			return f == "true", f == "true" || f == "false"
		}
		return false, false
	}
	replace, okR := flag("replace_original")
	del, okD := flag("delete_original")
	switch rt := msg["response_type"]; {
	case !okR || !okD:
		x.rec.Problem = "replace_original and delete_original are \"true\" or \"false\""
		return slackResponseFail(http.StatusBadRequest, "invalid_payload")
	case rt != nil && rt != "ephemeral" && rt != "in_channel":
		x.rec.Problem = "response_type is ephemeral or in_channel"
		return slackResponseFail(http.StatusBadRequest, "invalid_payload")
	case del && len(msg) != 1:
		x.rec.Problem = "delete_original must be the only attribute"
		return slackResponseFail(http.StatusBadRequest, "invalid_payload")
	case del:
		return slackAPIAnswer(map[string]any{"ok": true})
	case replace && msg["thread_ts"] != nil:
		x.rec.Problem = "a replacement of the clicked message has no thread_ts"
		return slackResponseFail(http.StatusBadRequest, "invalid_payload")
	}
	body, _ := json.Marshal(msg)
	if c := CheckSlackMessage(body); c.Code != "" {
		x.rec.Problem = c.Problem
		return slackResponseFail(http.StatusBadRequest, c.Code)
	}
	return slackAPIAnswer(map[string]any{"ok": true})
}

// TargetSlackUserGroups names usergroups.users.list in scripts and filters.
const TargetSlackUserGroups = "slack-usergroups"

func init() {
	register(endpoint{
		target:  TargetSlackUserGroups,
		pattern: "/api/usergroups.users.list",
		key:     func(*http.Request, []byte) string { return slackUserGroupsKey },
		serve:   serveSlackUserGroup,
		dead:    slackAPIDead,
		limited: slackRateLimited,
		rate:    Rate{PerSecond: 20, Burst: 20},
	})
}

// slackUserGroupsKey is the destination key of usergroups.users.list, for SetState and Script.
const slackUserGroupsKey = "/slack-api/usergroups"

// SetSlackUserGroup makes usergroups.users.list answer group's members.
func (s *Server) SetSlackUserGroup(group string, members ...string) {
	s.handOut(slackUserGroupsKey)
	x := s.extras()
	x.mu.Lock()
	x.userGroups[group] = append([]string{}, members...)
	x.mu.Unlock()
}

// serveSlackUserGroup answers usergroups.users.list: the members of a group the bot token may
// read, no_such_subteam for another.
func serveSlackUserGroup(s *Server, x *exchange) Reply {
	if fail, ok := slackAPIAuth(s, x); !ok {
		return fail
	}
	xs := s.extras()
	args, ok := slackAPIArgs(x.r, x.rec.Body)
	if !ok {
		x.rec.Problem = "body is not a form"
		return slackAPIFail("invalid_arguments")
	}
	x.rec.JSON = args
	group, _ := args["usergroup"].(string)
	xs.mu.Lock()
	members, found := xs.userGroups[group]
	xs.mu.Unlock()
	if !found {
		x.rec.Problem = "no user group " + group
		return slackAPIFail("no_such_subteam")
	}
	return slackAPIAnswer(map[string]any{"ok": true, "users": members})
}
