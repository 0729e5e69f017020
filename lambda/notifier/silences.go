package notifier

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/event"
	"github.com/foghornhq/foghorn/lambda/policy"
	"github.com/foghornhq/foghorn/lambda/silence"
	"github.com/foghornhq/foghorn/lambda/story"
)

// WithSilences makes the pipeline honour the silences set from chat: an alert a silence covers
// is suppressed by rule "silence", saying who set it and until when. The store must be on the
// notifier's clock, which decides when a silence lapses.
func WithSilences(s *silence.Store) Option { return func(n *Notifier) { n.silences = s } }

// silenced is what one batch knows of the silences in force, read once.
type silenced struct {
	list []silence.Silence
	now  time.Time
}

// loadSilences reads the silences for a batch. Without them every alert posts: a silence that
// cannot be read is noisier, never a lost alert.
func (n *Notifier) loadSilences(ctx context.Context) silenced {
	s := silenced{now: n.clock.Now()}
	if n.silences == nil {
		return s
	}
	list, err := n.silences.Active(ctx)
	if err != nil {
		n.log.Warn("silences unavailable; nothing is silenced in this batch", "error", err.Error())
		return s
	}
	s.list = list
	return s
}

// decide is the noise policy's verdict, or a silence's when the policy lets a through.
func (n *Notifier) decide(a *alert.Alert, s silenced) policy.Decision {
	v := n.policy.Decide(a)
	if v.Suppress {
		return v
	}
	if x, ok := silence.Match(s.list, a, s.now); ok {
		return policy.Decision{Suppress: true, Rule: silence.Rule, Why: x.Why(s.now)}
	}
	return v
}

// endDeploymentSilences ends the silences that wait for a deployment the batch says completed
// or failed: "until its deployment completes" is over once the pipeline sees it end.
func (n *Notifier) endDeploymentSilences(ctx context.Context, inputs []story.Input, s silenced) {
	if n.silences == nil || !slices.ContainsFunc(s.list, func(x silence.Silence) bool { return x.Deployment != "" }) {
		return
	}
	for _, in := range inputs {
		a := &in.Alert
		dep := a.Identity.DeploymentID
		if a.Kind != alert.KindDeployment || dep == "" || (a.Event != event.DeploymentCompleted && a.Event != event.DeploymentFailed) {
			continue
		}
		if !slices.ContainsFunc(s.list, func(x silence.Silence) bool { return x.Deployment == dep }) {
			continue
		}
		ended, err := n.silences.EndDeployment(ctx, a.Identity, dep)
		if err != nil {
			n.log.Warn("could not end the silences waiting for a deployment; they lapse at their cap", "deployment", dep, "service", a.Identity.Subject(), "error", err.Error())
			continue
		}
		for _, x := range ended {
			n.log.Info("silence ended", "silence", x.ID, "service", x.Subject(), "by", x.By.Name, "deployment", dep, "why", "the deployment "+strings.ToLower(strings.TrimPrefix(a.Event, "SERVICE_DEPLOYMENT_")))
		}
	}
}
