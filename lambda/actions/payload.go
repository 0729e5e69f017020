package actions

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/foghornhq/foghorn/lambda/chatops"
)

// Payload is what Slack sends when someone clicks a button in a message: a form POST whose
// one field, payload, is this JSON (type block_actions). Only what the endpoint reads is
// kept. Docs: "block_actions payload", docs.slack.dev.
type Payload struct {
	Type string `json:"type"`
	User struct {
		ID       string `json:"id"`
		Username string `json:"username"`
		Name     string `json:"name"`
		TeamID   string `json:"team_id"`
	} `json:"user"`
	Team *struct {
		ID string `json:"id"`
	} `json:"team"`
	Channel *struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"channel"`
	Container struct {
		Type      string `json:"type"`
		MessageTS string `json:"message_ts"`
		ChannelID string `json:"channel_id"`
		ThreadTS  string `json:"thread_ts"`
	} `json:"container"`
	// Message is the message clicked, as Slack shows it; the endpoint edits a copy of it.
	Message     json.RawMessage `json:"message"`
	ResponseURL string          `json:"response_url"`
	Actions     []struct {
		ActionID string `json:"action_id"`
		BlockID  string `json:"block_id"`
		Type     string `json:"type"`
		Value    string `json:"value"`
		ActionTS string `json:"action_ts"`
	} `json:"actions"`
}

// messageHead is what the endpoint reads of the clicked message.
type messageHead struct {
	TS       string `json:"ts"`
	ThreadTS string `json:"thread_ts"`
}

// Click is one button press, checked: who, where, which foghorn action and what it carries.
type Click struct {
	ActionID string        `json:"actionId"`
	ActionTS string        `json:"actionTs"`
	Value    chatops.Value `json:"value"`
	UserID   string        `json:"userId"`
	UserName string        `json:"userName"`
	Channel  string        `json:"channel"`
	// MessageTS is the clicked message; ThreadTS the thread its replies go to (the message
	// itself, or the thread it is a reply in).
	MessageTS string `json:"messageTs"`
	ThreadTS  string `json:"threadTs"`
	// ResponseURL lets the endpoint answer in the channel for 30 minutes. It is a capability:
	// it is never logged.
	ResponseURL string `json:"responseUrl"`
	// Message is the clicked message as Slack sent it, for editing.
	Message json.RawMessage `json:"message,omitempty"`
}

// Slack's id shapes; anything else in a payload is refused rather than quoted into a message.
var (
	userIDRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[UW][A-Z0-9]{2,20}$`) })
	chanIDRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[CGD][A-Z0-9]{2,20}$`) })
	tsRE     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]{1,12}\.[0-9]{1,8}$`) })
	nameRE   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9._-]{1,80}$`) })
)

// ErrNotOurs is a well-formed click on something foghorn did not draw (a link button, or a
// message of another app); it is acknowledged and ignored.
var ErrNotOurs = errors.New("the click is not on a foghorn button")

// ParseClick reads a verified request body: the form, its payload, and the one action in it.
func ParseClick(body []byte) (Click, error) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return Click{}, fmt.Errorf("the body is not a form: %w", err)
	}
	raw := form.Get("payload")
	if raw == "" {
		return Click{}, errors.New("the form has no payload field")
	}
	var p Payload
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		return Click{}, fmt.Errorf("the payload is not JSON: %w", err)
	}
	if p.Type != "block_actions" {
		return Click{}, fmt.Errorf("payload type %q is not block_actions", p.Type)
	}
	if len(p.Actions) != 1 {
		return Click{}, fmt.Errorf("the payload holds %d actions, not one", len(p.Actions))
	}
	act := p.Actions[0]
	if !strings.HasPrefix(act.ActionID, chatops.ActionIDPrefix) {
		return Click{}, ErrNotOurs
	}
	c := Click{ActionID: act.ActionID, ActionTS: act.ActionTS, UserID: p.User.ID, UserName: p.User.Username,
		ResponseURL: p.ResponseURL, Message: p.Message}
	if c.UserName == "" {
		c.UserName = p.User.Name
	}
	c.Channel = p.Container.ChannelID
	if p.Channel != nil && p.Channel.ID != "" {
		c.Channel = p.Channel.ID
	}
	var head messageHead
	if len(p.Message) > 0 {
		_ = json.Unmarshal(p.Message, &head)
	}
	c.MessageTS = firstOf(head.TS, p.Container.MessageTS)
	c.ThreadTS = firstOf(head.ThreadTS, p.Container.ThreadTS, c.MessageTS)
	switch {
	case !userIDRE().MatchString(c.UserID):
		return Click{}, errors.New("the payload names no valid user id")
	case !nameRE().MatchString(c.UserName):
		c.UserName = c.UserID // a name Slack would not give is not shown
	}
	switch {
	case !chanIDRE().MatchString(c.Channel):
		return Click{}, errors.New("the payload names no valid channel id (a button in a message, not a view)")
	case !tsRE().MatchString(c.ActionTS):
		return Click{}, errors.New("the action has no valid action_ts")
	case !tsRE().MatchString(c.MessageTS) || !tsRE().MatchString(c.ThreadTS):
		return Click{}, errors.New("the payload names no valid message ts")
	case !ResponseURLOK(c.ResponseURL):
		return Click{}, errors.New("the payload has no Slack response_url")
	}
	v, err := chatops.Decode(act.Value)
	if err != nil {
		return Click{}, err
	}
	if want := chatops.ActionIDPrefix + v.Action; act.ActionID != want && !strings.HasPrefix(act.ActionID, want+":") {
		return Click{}, fmt.Errorf("action_id %q does not match the value's action %q", act.ActionID, v.Action)
	}
	c.Value = v
	return c, nil
}

// ResponseURLOK reports whether u is a Slack response URL the endpoint may post to:
// https on Slack's hooks hosts, or a loopback address (the fake chat server, in tests).
func ResponseURLOK(u string) bool {
	p, err := url.Parse(u)
	if err != nil || p.User != nil || p.Host == "" {
		return false
	}
	host := p.Hostname()
	switch {
	case p.Scheme == "https" && (host == "hooks.slack.com" || host == "hooks.slack-gov.com"):
		return true
	case p.Scheme == "http" || p.Scheme == "https":
		ip := net.ParseIP(host)
		return host == "localhost" || (ip != nil && ip.IsLoopback())
	}
	return false
}

func firstOf(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
