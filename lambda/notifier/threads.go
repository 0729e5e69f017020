package notifier

import (
	"context"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/story"
)

// Threads: what a story says on a target that can edit a message (Slack with a bot token)
// and on one that cannot. A story's announcement is posted and its place kept; later
// failures edit it and are told in its thread, and its end edits it once more. Elsewhere a
// fold says nothing, a digest and the end are new messages. A log pattern's story is told
// alike, but a fold of it (a new count, with no reply of its own) only updates its message.
// Every such decision is made here, when the plan is made (messages), carried out here when
// it is delivered (send), and the announcement's place written back to the story here
// (saveRefs).

// Message operations on targets that can edit a message.
const (
	opUpdate = "update"
	opReply  = "reply"
)

// appendMessages appends to ms what one destination gets for something to say, and returns
// it: the messages are made in the plan's own list. Most things are one new message. A
// story's follow-ups depend on the target: one that can edit messages (Slack with a bot
// token) has the story's message updated and the news put in its thread; the others get
// nothing for a fold and a message for a digest or a recovery.
func (n *Notifier) appendMessages(ms []Message, dest string, e *story.Emit) []Message {
	ref, editable := e.Refs[dest]
	editable = editable && n.dests[dest].threaded
	switch e.Mode {
	case story.Announce:
		m := n.render(dest, &e.Alert, e.Items)
		m.story = e.Story
		return append(ms, m)
	case story.Fold, story.Digest:
		if editable && e.Reply != nil {
			return n.appendEdit(ms, dest, ref, &e.Alert, e.Reply, e.Items)
		}
		if editable && e.Mode == story.Fold {
			// News without a reply of its own (a log pattern's count): the message is
			// updated in place, and the thread stays quiet.
			up := n.render(dest, &e.Alert, nil)
			at := ref // a copy of its own on the heap, made only here, so ref stays on the stack
			up.Op, up.Ref, up.key = opUpdate, &at, e.Alert.EventID+"|"+dest+"|"+opUpdate
			return append(ms, up)
		}
		if e.Mode == story.Fold {
			return ms
		}
	case story.Resolve:
		if editable {
			return n.appendEdit(ms, dest, ref, &e.Alert, &e.Alert, e.Items)
		}
	}
	return append(ms, n.render(dest, &e.Alert, e.Items))
}

// appendEdit appends the replacement of the story's message with its new state and the
// news said in its thread.
func (n *Notifier) appendEdit(ms []Message, dest string, ref chat.Ref, whole, news *alert.Alert, items []string) []Message {
	up := n.render(dest, whole, nil)
	up.Op, up.Ref, up.key = opUpdate, &ref, news.EventID+"|"+dest+"|"+opUpdate
	reply := n.render(dest, news, items)
	reply.Op, reply.Ref, reply.key = opReply, &ref, news.EventID+"|"+dest+"|"+opReply
	return append(ms, up, reply)
}

// send posts, edits or replies, as the message says.
func (n *Notifier) send(ctx context.Context, m *Message, o *Outcome) error {
	t, err := n.target(m.Destination)
	if err != nil {
		return err
	}
	if t == nil {
		return errNoTarget
	}
	th, threaded := t.(chat.Threaded)
	switch {
	case m.Op == opUpdate && threaded:
		return th.Update(ctx, *m.Ref, m.Payload)
	case m.Op == opReply && threaded:
		return th.Reply(ctx, *m.Ref, m.Payload)
	case m.story != "" && threaded:
		ref, err := th.PostRef(ctx, m.Payload)
		if err == nil {
			o.Ref = &ref
		}
		return err
	}
	return t.Post(ctx, m.Payload)
}

// saveRefs records where announcements landed, so later failures edit them in place.
func (n *Notifier) saveRefs(ctx context.Context, outcomes []Outcome) {
	refs := map[string]map[string]chat.Ref{}
	for _, o := range outcomes {
		if o.Ref == nil {
			continue
		}
		if refs[o.Message.story] == nil {
			refs[o.Message.story] = map[string]chat.Ref{}
		}
		refs[o.Message.story][o.Message.Destination] = *o.Ref
	}
	for key, r := range refs {
		if err := n.stories.SaveRefs(ctx, key, r); err != nil {
			n.log.Warn("could not keep the story's message reference; its follow-ups will be new messages", "story", key, "error", err.Error())
		}
	}
}
