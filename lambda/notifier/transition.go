package notifier

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/event"
	"github.com/foghornhq/foghorn/lambda/story"
)

// One alarm state change can reach the notifier twice: the stack's EventBridge rule matches
// every alarm's state changes, and an alarm whose actions name the stack's topic (as the
// README advises) also publishes its classic notification there, or invokes the function with
// its Lambda-action payload. The copies carry different event ids. They are one transition:
// the same alarm, the same new state, the same state-change time. Plan keeps one of them per
// batch, and the ledger keys an alarm's messages by the transition, so a copy arriving in a
// later batch finds its messages delivered.
//
// The time is what each shape says the state changed: EventBridge's detail.state.timestamp,
// the Lambda action's alarmData.state.timestamp and the classic StateChangeTime, all written
// 2019-10-02T17:04:40.989+0000 and to the millisecond in AWS's samples (EventBridge's own
// envelope time is cut to the second, 2019-10-02T17:04:40Z, and serves only when the state
// has no timestamp). No published pair of one transition in two shapes exists to prove that
// the copies agree to the millisecond, so two times count as one when they are at most
// transitionTolerance apart. A real alarm cannot leave a state and come back to it within
// that: it evaluates once a period, ten seconds at the shortest.
const transitionTolerance = 500 * time.Millisecond

// transition is one alarm state change, as every delivery path reports it.
type transition struct {
	// The alarm is named the same way on every path: account, region and name, which an
	// alarm's ARN is made of (so a copy without an ARN still matches), and the resource a
	// contributor alert is about, joined by "/" (appendAlarm) only when a key is written.
	account, region, name, resource string

	state string
	at    time.Time
}

// appendAlarm appends the alarm's name: "<account>/<region>/<name>[/<resource>]".
func (t transition) appendAlarm(b []byte) []byte {
	b = append(b, t.account...)
	b = append(b, '/')
	b = append(b, t.region...)
	b = append(b, '/')
	b = append(b, t.name...)
	if t.resource != "" {
		b = append(b, '/')
		b = append(b, t.resource...)
	}
	return b
}

// transitionOf returns the transition an alarm alert tells of; false for any other alert,
// and for an alarm alert that lacks its name, state or time.
func transitionOf(a *alert.Alert) (transition, bool) {
	id := a.Identity
	switch {
	case a.Source != event.SourceCloudWatch, a.Kind != alert.KindAlarm && a.Kind != alert.KindScaling,
		id.AlarmName == "", a.Status == "", a.Time.IsZero():
		return transition{}, false
	}
	return transition{account: id.Account, region: id.Region, name: id.AlarmName, resource: id.Resource, state: a.Status, at: a.Time}, true
}

// same reports whether t and u are one transition.
func (t transition) same(u transition) bool {
	d := t.at.Sub(u.at)
	if t.state != u.state || d > transitionTolerance || d < -transitionTolerance {
		return false
	}
	var x, y [128]byte
	return bytes.Equal(t.appendAlarm(x[:0]), u.appendAlarm(y[:0]))
}

// key is the transition's ledger key at destination dest: its time to the second, then
// "|<dest>".
func (t transition) key(dest string) string { return t.keyAt(t.at.Unix(), dest) }

// neighbour is the ledger key of the adjacent second within the tolerance: a copy timed a
// few milliseconds across a second's boundary was delivered under it.
func (t transition) neighbour(dest string) string {
	s := t.at.Unix()
	if t.at.Sub(time.Unix(s, 0)) < transitionTolerance {
		return t.keyAt(s-1, dest)
	}
	return t.keyAt(s+1, dest)
}

// keyAt is "alarm:<alarm>:<state>@<sec>|<dest>", written into one buffer.
func (t transition) keyAt(sec int64, dest string) string {
	var buf [192]byte
	b := t.appendAlarm(append(buf[:0], "alarm:"...))
	b = append(b, ':')
	b = append(b, t.state...)
	b = append(b, '@')
	b = strconv.AppendInt(b, sec, 10)
	b = append(b, '|')
	return string(append(b, dest...))
}

// shapeRank orders the shapes of one transition by what they tell: EventBridge's carries the
// datapoints and the alarm's configuration, the Lambda action's the same, the classic
// notification only a sentence. The batch keeps the lowest.
func shapeRank(a *alert.Alert) int {
	switch a.DetailType {
	case event.DetailTypeAlarmStateChange, event.DetailTypeAlarmContributorStateChange:
		return 0
	case "CloudWatch Alarm Lambda Action":
		return 1
	}
	return 2
}

// RuleSameTransition names the suppression of an alarm state change that arrived twice in one
// batch by two paths (EventBridge and the alarm's own action). Like RuleDuplicate it is not a
// noise rule and cannot be switched off.
const RuleSameTransition = "same-alarm-transition"

// seenTransition is a transition Plan has taken, and the input that tells it.
type seenTransition struct {
	t     transition
	input int
}

// oneTransition folds a, another copy of the transition in, into in and returns the
// suppression of the copy not told. in keeps the richer shape, and stands for the records of
// both: if its message cannot be delivered, every copy goes back to the queue.
func (n *Notifier) oneTransition(in *story.Input, a alert.Alert, item string) Suppression {
	other := in.Alert
	items := appendItem(in.Items, item)
	dropped := Suppression{Alert: a, Rule: RuleSameTransition, Items: itemList(item)}
	if shapeRank(&a) < shapeRank(&other) {
		dropped = Suppression{Alert: other, Rule: RuleSameTransition, Items: slices.Clone(in.Items)}
		*in = story.Input{Alert: a, Verdict: n.policy.Decide(&a), Items: items}
	} else {
		in.Items = items
	}
	dropped.Why = fmt.Sprintf("alarm %s's change to %s at %s arrived twice in this batch, as %s and as %s; told once",
		a.Identity.AlarmName, a.Status, a.Time.UTC().Format("2006-01-02T15:04:05.000Z"), orUnnamed(other.DetailType), orUnnamed(a.DetailType))
	return dropped
}

func orUnnamed(s string) string {
	if s == "" {
		return "an unnamed shape"
	}
	return s
}
