package story

import (
	"strings"
	"time"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/event"
)

// Episodes are stories of one thing that opens and later closes: a deployment paused by a
// lifecycle hook until someone continues or rolls it back, a container instance impaired until
// its health checks are OK again, a daemon deployment rolling back until the rollback succeeds
// or fails. The opening is announced (and its message remembered on targets that can edit
// messages); news while it is open is a follow-up; the close resolves it, so on Slack with a bot
// token the paused deployment's message says how it ended and the outcome is a reply in its
// thread, and elsewhere the outcome is its own message. A close with no announced opening is
// told on its own, where the noise policy decides about it (a hook that succeeded with nobody
// waiting on it is routine; a hook that failed is not).

// episode says what an alert is to an episode: the key of the episode it belongs to, and
// whether it opens, closes or only belongs to it. An empty key means no episode.
func episode(a *alert.Alert) (key string, role episodeRole) {
	kind, role := episodeOf(a)
	if kind == noEpisode {
		return "", role
	}
	return string(appendEpisodeKey(nil, a, kind)), role
}

// episodeKind is which of the episodes an alert belongs to, if any.
type episodeKind int

const (
	noEpisode episodeKind = iota
	hookEpisode
	daemonEpisode
	instanceHealthEpisode
)

// episodeOf is episode without the key: which episode an alert belongs to, and its role in
// it. Deciding whether an input belongs to a story takes no string.
func episodeOf(a *alert.Alert) (kind episodeKind, role episodeRole) {
	id := &a.Identity
	switch {
	case a.Kind == alert.KindDeployment && id.ServiceDeployment != "" && id.Hook != "":
		// Each hook (a linear or canary deployment pauses once per step, each time with a new
		// hook id) is its own episode.
		kind = hookEpisode
		switch a.Event {
		case event.HookAwaitingAction:
			role = opens
		case event.HookSucceeded, event.HookFailed, event.HookTimedOut:
			role = closes
		}
	case a.Kind == alert.KindDeployment && id.Daemon != "" && id.Cluster != "":
		kind = daemonEpisode
		switch a.Event {
		case event.DaemonDeploymentRollbackInProgress:
			role = opens
		case event.DaemonDeploymentRollbackSuccessful, event.DaemonDeploymentRollbackFailed:
			role = closes
		}
	case a.Kind == alert.KindContainerInstance && a.DetailType == event.DetailTypeContainerInstanceHealth && id.ContainerInstance != "":
		kind = instanceHealthEpisode
		switch a.Event {
		case event.HealthImpaired:
			role = opens
		case event.HealthOK:
			role = closes
		}
	}
	return kind, role
}

// appendEpisodeKey appends the key of the episode of the given kind that a belongs to.
func appendEpisodeKey(b []byte, a *alert.Alert, kind episodeKind) []byte {
	id := &a.Identity
	switch kind {
	case hookEpisode:
		b = append(b, "episode#hook#"...)
		b = append(b, id.ServiceDeployment...)
		b = append(b, '#')
		return append(b, id.Hook...)
	case daemonEpisode:
		b = append(b, "episode#daemon#"...)
		return appendPath(b, id.Account, id.Region, id.Cluster, id.Daemon)
	case instanceHealthEpisode:
		b = append(b, "episode#instance-health#"...)
		return appendPath(b, id.Account, id.Region, id.Cluster, id.ContainerInstance)
	}
	return b
}

// appendPath appends parts joined by "/".
func appendPath(b []byte, parts ...string) []byte {
	for i, p := range parts {
		if i > 0 {
			b = append(b, '/')
		}
		b = append(b, p...)
	}
	return b
}

// isEpisodeKey reports whether a story key is an episode's.
func isEpisodeKey(key string) bool { return strings.HasPrefix(key, "episode#") }

type episodeRole int

const (
	belongs episodeRole = iota // part of the episode's subject, changing nothing (a hook in progress)
	opens
	closes
)

// Lifetimes of an episode with no news. A pause lasts until its hook expires (ECS allows 14
// days); an impairment or a rollback has no deadline, so it is remembered for a week: its
// recovery days later still ends its thread.
const (
	openEpisodeLifetime = 7 * 24 * time.Hour
	maxEpisodeLifetime  = 15 * 24 * time.Hour
)

// episodeLifetime is how long an open episode lasts without news: until its deadline (and an
// hour more, for the event that says how it ended) when it has one.
func (s *Story) episodeLifetime() time.Duration {
	if !s.Until.IsZero() && s.Until.After(s.Last) {
		return min(max(s.Until.Sub(s.Last)+time.Hour, 24*time.Hour), maxEpisodeLifetime)
	}
	return openEpisodeLifetime
}

// episodeStep applies one input to its episode.
func (t *Tracker) episodeStep(b *batchState, in Input, at time.Time) {
	s, key := b.s, b.key
	a := in.Alert
	_, role := episodeOf(&a)
	switch {
	case role == opens && !s.open():
		// A new episode: what is remembered of an old one goes, save the replay memory.
		*s = Story{Seen: s.Seen, Order: s.Order, Last: s.Last, Episode: a.Event, Until: a.Expires}
		s.touch(at)
		s.Identity = a.Identity
		s.Announced = &Mark{EventID: a.EventID, At: at}
		s.Digested = &Mark{EventID: a.EventID, At: at}
		s.seen(a.EventID, didAnnounce)
		b.res.Emits = append(b.res.Emits, Emit{Alert: a, Mode: Announce, Story: key, Items: in.Items})
	case role == opens:
		// News while open (another check failing, the pause announced again): a follow-up,
		// on targets that cannot edit at most one per DigestInterval.
		if a.Expires.After(s.Until) {
			s.Until = a.Expires
		}
		reply := a
		if at.Sub(s.Digested.At) >= time.Duration(t.opts.DigestInterval) {
			s.Digested = &Mark{EventID: a.EventID, At: at}
			s.seen(a.EventID, didDigest)
			b.res.Emits = append(b.res.Emits, Emit{Alert: a, Mode: Digest, Story: key, Refs: s.Refs, Reply: &reply, Items: in.Items})
			b.res.Folded = append(b.res.Folded, Folded{Alert: a, Story: key, Items: in.Items})
			return
		}
		s.seen(a.EventID, didFold)
		b.res.Emits = append(b.res.Emits, Emit{Alert: a, Mode: Fold, Story: key, Refs: s.Refs, Reply: &reply})
		b.res.Folded = append(b.res.Folded, Folded{Alert: a, Story: key, Items: in.Items})
	case role == closes && s.open():
		s.Resolved = &Mark{EventID: a.EventID, At: at}
		s.seen(a.EventID, didResolve)
		b.res.Emits = append(b.res.Emits, Emit{Alert: a, Mode: Resolve, Story: key, Refs: s.Refs, Items: in.Items})
	default:
		s.seen(a.EventID, didPass)
		b.res.Passed = append(b.res.Passed, in)
	}
}

// replayEpisode gives a redelivered input of an episode what it had the first time: the same
// message, which the delivery ledger keeps from destinations that already have it.
func (t *Tracker) replayEpisode(s *Story, key string, in Input, did string, res *Result) {
	a := in.Alert
	switch did {
	case didAnnounce:
		res.Emits = append(res.Emits, Emit{Alert: a, Mode: Announce, Story: key, Items: in.Items})
	case didDigest:
		reply := a
		res.Emits = append(res.Emits, Emit{Alert: a, Mode: Digest, Story: key, Refs: s.Refs, Reply: &reply, Items: in.Items})
		res.Folded = append(res.Folded, Folded{Alert: a, Story: key, Items: in.Items})
	case didResolve:
		res.Emits = append(res.Emits, Emit{Alert: a, Mode: Resolve, Story: key, Refs: s.Refs, Items: in.Items})
	case didFold:
		res.Folded = append(res.Folded, Folded{Alert: a, Story: key, Items: in.Items})
	default:
		res.Passed = append(res.Passed, in)
	}
}
