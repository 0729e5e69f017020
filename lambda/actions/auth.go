package actions

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/foghornhq/foghorn/lambda/chatops"
	"github.com/foghornhq/foghorn/lambda/clock"
	"github.com/foghornhq/foghorn/lambda/config"
)

// GroupMembers lists a Slack user group's members; *slack.Bot satisfies it.
type GroupMembers interface {
	UserGroupMembers(ctx context.Context, group string) ([]string, error)
}

// Authorizer decides who may do what, and where, from the document's allow-lists. User group
// members are looked up through Slack and remembered for groupTTL, so a burst of clicks costs
// one lookup and a removal from the group takes effect within minutes.
type Authorizer struct {
	actions *config.Actions
	groups  GroupMembers
	clock   clock.Clock

	mu    sync.Mutex
	cache map[string]groupEntry
}

type groupEntry struct {
	members []string
	at      time.Time
}

// groupTTL is how long a group's members are remembered.
const groupTTL = 5 * time.Minute

// groupTimeout bounds one lookup: the click must be answered within Slack's three seconds.
const groupTimeout = 1200 * time.Millisecond

// NewAuthorizer returns an authorizer for the document's actions; groups may be nil when no
// allow-list names a user group (config validation requires a bot destination otherwise).
func NewAuthorizer(actions *config.Actions, groups GroupMembers, c clock.Clock) *Authorizer {
	return &Authorizer{actions: actions, groups: groups, clock: clock.Or(c), cache: map[string]groupEntry{}}
}

// Verdict is an authorization decision with its reason in words the refused user reads.
type Verdict struct {
	Allowed bool
	Why     string
}

// Allow decides whether user may take action in channel. Continue and rollback are refused,
// too, on a service the document does not list under actions.services.
func (a *Authorizer) Allow(ctx context.Context, action, user, channel string, v chatops.Value) Verdict {
	al := a.actions.Allowed(action)
	verb := chatops.Verb(action)
	switch {
	case al == nil:
		return Verdict{Why: fmt.Sprintf("nobody may %s from chat here: the stack's configuration allows it to no one", verb)}
	case !slices.Contains(al.Channels, channel):
		return Verdict{Why: fmt.Sprintf("foghorn may not %s from this channel: it is not in the channels allowed to", verb)}
	}
	if (action == chatops.Continue || action == chatops.Rollback) && !a.actions.MayChange(v.Account, v.Region, v.Cluster, v.Service) {
		return Verdict{Why: fmt.Sprintf("foghorn may not change %s: it is not among the services its configuration lets it change (actions.services)", v.Subject())}
	}
	if slices.Contains(al.Users, user) {
		return Verdict{Allowed: true}
	}
	for _, g := range al.UserGroups {
		members, err := a.members(ctx, g)
		if err != nil {
			return Verdict{Why: fmt.Sprintf("foghorn could not check your membership of the groups allowed to %s; try again in a minute", verb)}
		}
		if slices.Contains(members, user) {
			return Verdict{Allowed: true}
		}
	}
	return Verdict{Why: fmt.Sprintf("you are not among the people allowed to %s", verb)}
}

func (a *Authorizer) members(ctx context.Context, group string) ([]string, error) {
	now := a.clock.Now()
	a.mu.Lock()
	e, ok := a.cache[group]
	a.mu.Unlock()
	if ok && now.Sub(e.at) < groupTTL {
		return e.members, nil
	}
	if a.groups == nil {
		return nil, fmt.Errorf("no Slack token to read user group %s with", group)
	}
	ctx, cancel := context.WithTimeout(ctx, groupTimeout)
	defer cancel()
	m, err := a.groups.UserGroupMembers(ctx, group)
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	a.cache[group] = groupEntry{members: m, at: now}
	a.mu.Unlock()
	return m, nil
}
