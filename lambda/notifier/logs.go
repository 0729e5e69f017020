package notifier

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"

	"github.com/foghornhq/foghorn/lambda/alert"
)

// tailLogs adds the dying container's last log lines to what will be said about a stopped
// task. Tails run side by side, each within the log tail's own budget, so a batch waits for
// about one budget at most; an alert whose logs cannot be had goes without them.
func (n *Notifier) tailLogs(ctx context.Context, says []saying) {
	if n.logs == nil {
		return
	}
	const parallel = 4
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for i := range says {
		a := says[i].alert()
		if !wantsLogs(a) {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() {
				if v := recover(); v != nil {
					n.log.Error("log tail panicked; the alert goes without its log lines", "event_id", a.EventID, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				}
				<-sem
				wg.Done()
			}()
			r := n.logs.Tail(ctx, *a)
			r.ApplyTo(a)
			n.log.Debug("log tail", "event_id", a.EventID, "outcome", string(r.Outcome), "reason", r.Reason, "lines", len(r.Lines))
		}()
	}
	wg.Wait()
}

// wantsLogs: a failed task, or a story or deployment failure told through its last failure.
func wantsLogs(a *alert.Alert) bool {
	if a.Identity.TaskID == "" || len(a.LogLines) > 0 {
		return false
	}
	switch a.Kind {
	case alert.KindTaskStopped, alert.KindCrashLoop, alert.KindDeployment:
		return a.Severity == alert.Critical || a.Severity == alert.Warning
	}
	return false
}
