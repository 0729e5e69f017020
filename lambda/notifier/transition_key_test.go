package notifier

import (
	"strconv"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/event"
)

// alarmReference is how a transition named its alarm before the name was written only into
// keys: one string made for every alarm alert.
func alarmReference(id alert.Identity) string {
	alarm := id.Account + "/" + id.Region + "/" + id.AlarmName
	if id.Resource != "" {
		alarm += "/" + id.Resource
	}
	return alarm
}

// FuzzTransitionKeys holds a transition's ledger keys and its sameness to the strings they
// were made of before: "alarm:<alarm>:<state>@<second>|<destination>", and the same alarm
// name, state and time within the tolerance.
func FuzzTransitionKeys(f *testing.F) {
	f.Add("123456789012", "us-east-1", "cpu-high", "", "ALARM", int64(1_700_000_000_400), "123456789012", "us-east-1", "cpu-high", "", int64(300), "alerts")
	f.Add("123456789012", "us-east-1/cpu", "high", "", "OK", int64(1_700_000_000_900), "123456789012", "us-east-1", "cpu/high", "", int64(-200), "ops")
	f.Add("1", "r", "n", "TableName=orders", "ALARM", int64(5), "1", "r", "n/TableName=orders", "", int64(0), "")
	f.Fuzz(func(t *testing.T, account, region, name, resource, state string, ms int64, account2, region2, name2, resource2 string, apart int64, dest string) {
		if name == "" || state == "" || name2 == "" {
			return
		}
		at := time.UnixMilli(ms)
		a := alert.Alert{Source: event.SourceCloudWatch, Kind: alert.KindAlarm, Status: state, Time: at,
			Identity: alert.Identity{Account: account, Region: region, AlarmName: name, Resource: resource}}
		b := a
		b.Identity = alert.Identity{Account: account2, Region: region2, AlarmName: name2, Resource: resource2}
		b.Time = at.Add(time.Duration(apart) * time.Millisecond)
		ta, ok := transitionOf(&a)
		tb, okb := transitionOf(&b)
		if !ok || !okb {
			if !at.IsZero() && !b.Time.IsZero() {
				t.Fatalf("no transition of %+v or %+v", a, b)
			}
			return
		}
		keyAt := func(sec int64) string {
			return "alarm:" + alarmReference(a.Identity) + ":" + state + "@" + strconv.FormatInt(sec, 10) + "|" + dest
		}
		s := at.Unix()
		next := s + 1
		if at.Sub(time.Unix(s, 0)) < transitionTolerance {
			next = s - 1
		}
		if got, want := ta.key(dest), keyAt(s); got != want {
			t.Fatalf("key = %q, want %q", got, want)
		}
		if got, want := ta.neighbour(dest), keyAt(next); got != want {
			t.Fatalf("neighbour = %q, want %q", got, want)
		}
		d := at.Sub(b.Time)
		want := alarmReference(a.Identity) == alarmReference(b.Identity) && d <= transitionTolerance && d >= -transitionTolerance
		if got := ta.same(tb); got != want {
			t.Fatalf("same(%+v, %+v) = %v, want %v", ta, tb, got, want)
		}
	})
}
