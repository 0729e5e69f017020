package notifier

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"

	"github.com/foghornhq/foghorn/lambda/deployments"
)

// WithPostMortem asks ECS's service deployments API what happened when a deployment fails,
// rolls back or pauses, so the message names the alarm or the failure count that stopped it,
// the strategy, the revisions and the stage reached, or a pause's timeout action.
func WithPostMortem(p deployments.PostMortem) Option {
	return func(n *Notifier) { n.postMortem = &p }
}

// postMortems adds ECS's account of each deployment worth one to what will be said. Calls run
// side by side, each within the post-mortem's own budget; an alert whose post-mortem cannot be
// had goes without it, never later and never lost.
func (n *Notifier) postMortems(ctx context.Context, says []saying) {
	if n.postMortem == nil {
		return
	}
	const parallel = 4
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for i := range says {
		a := says[i].alert()
		if !deployments.Wants(a) {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() {
				if v := recover(); v != nil {
					n.log.Error("deployment post-mortem panicked; the alert goes without it", "event_id", a.EventID, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				}
				<-sem
				wg.Done()
			}()
			r, err := n.postMortem.Find(ctx, *a)
			if err != nil {
				n.log.Warn("deployment post-mortem unavailable; the alert goes without it", "event_id", a.EventID, "service", a.Identity.Subject(), "error", err.Error())
				return
			}
			r.ApplyTo(a)
			n.log.Debug("deployment post-mortem", "event_id", a.EventID, "service_deployment", r.ARN, "status", r.Status)
		}()
	}
	wg.Wait()
}
