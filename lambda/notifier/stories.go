package notifier

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/story"
	"github.com/foghornhq/foghorn/lambda/target"
)

// Message operations on targets that can edit a message.
const (
	opUpdate = "update"
	opReply  = "reply"
)

// messages renders what one destination gets for something to say. Most things are one new
// message. A story's follow-ups depend on the target: one that can edit messages (Slack with
// a bot token) has the story's message updated and the news put in its thread; the others
// get nothing for a fold and a message for a digest or a recovery.
func (n *Notifier) messages(dest string, e *story.Emit) []Message {
	ref, editable := e.Refs[dest]
	if _, threaded := n.dests[dest].T.(target.Threaded); !threaded {
		editable = false
	}
	switch e.Mode {
	case story.Announce:
		m := n.render(dest, &e.Alert, e.Items)
		m.story = e.Story
		return []Message{m}
	case story.Fold, story.Digest:
		if editable && e.Reply != nil {
			return n.edit(dest, ref, &e.Alert, e.Reply, e.Items)
		}
		if editable && e.Mode == story.Fold {
			// News without a reply of its own (a log pattern's count): the message is
			// updated in place, and the thread stays quiet.
			up := n.render(dest, &e.Alert, nil)
			up.Op, up.Ref, up.key = opUpdate, &ref, e.Alert.EventID+"|"+dest+"|"+opUpdate
			return []Message{up}
		}
		if e.Mode == story.Fold {
			return nil
		}
	case story.Resolve:
		if editable {
			return n.edit(dest, ref, &e.Alert, &e.Alert, e.Items)
		}
	}
	return []Message{n.render(dest, &e.Alert, e.Items)}
}

// edit replaces the story's message with its new state and says the news in its thread.
func (n *Notifier) edit(dest string, ref target.Ref, whole, news *alert.Alert, items []string) []Message {
	up := n.render(dest, whole, nil)
	up.Op, up.Ref, up.key = opUpdate, &ref, news.EventID+"|"+dest+"|"+opUpdate
	reply := n.render(dest, news, items)
	reply.Op, reply.Ref, reply.key = opReply, &ref, news.EventID+"|"+dest+"|"+opReply
	return []Message{up, reply}
}

// tailLogs adds the dying container's last log lines to what will be said about a stopped
// task. Tails run side by side, each within the log tail's own budget, so a batch waits for
// about one budget at most; an alert whose logs cannot be had goes without them.
func (n *Notifier) tailLogs(ctx context.Context, says []story.Emit) {
	if n.logs == nil {
		return
	}
	const parallel = 4
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for i := range says {
		a := &says[i].Alert
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
