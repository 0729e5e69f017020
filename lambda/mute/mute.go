// Package mute is maintenance windows: spans of time during which a route posts nothing. A
// window is either absolute (an RFC 3339 start and end) or weekly (days of the week and a time
// of day in a time zone). The config package parses windows with these functions, so that the
// document is checked by the same code that later decides.
package mute

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	// The notifier runs on a Lambda runtime that may have no zone database; embedding one makes
	// a weekly window's time zone resolve the same in the function as on a laptop or at preview.
	_ "time/tzdata"
)

// Window is one parsed mute window. Build it with Span or Weekly.
type Window struct {
	// Reason says why the route is quiet ("payments database migration"); every alert the
	// window mutes is logged with it.
	Reason string

	weekly     bool
	start, end time.Time // absolute: [start, end)

	days     [7]bool        // weekly: the days on which the window opens
	from, to time.Duration  // weekly: time of day; to <= from means it runs past midnight
	loc      *time.Location // weekly: the zone the days and times are read in
}

// Span is an absolute window, open from start (included) to end (excluded).
func Span(reason string, start, end time.Time) Window {
	return Window{Reason: reason, start: start, end: end}
}

// Weekly is a window that opens on each of days at from and closes at to, both read in loc (nil
// means UTC). When to is not after from, the window runs past midnight into the next day.
func Weekly(reason string, days []time.Weekday, from, to time.Duration, loc *time.Location) Window {
	w := Window{Reason: reason, weekly: true, from: from, to: to, loc: loc}
	if w.loc == nil {
		w.loc = time.UTC
	}
	for _, d := range days {
		w.days[d] = true
	}
	return w
}

// Contains reports whether t falls inside the window. Weekly windows compare wall-clock times
// in their zone, so a daylight-saving change moves the window with the clocks.
func (w Window) Contains(t time.Time) bool {
	if !w.weekly {
		return !t.Before(w.start) && t.Before(w.end)
	}
	t = t.In(w.loc)
	day := t.Weekday()
	tod := time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute +
		time.Duration(t.Second())*time.Second + time.Duration(t.Nanosecond())
	if w.from < w.to {
		return w.days[day] && tod >= w.from && tod < w.to
	}
	yesterday := (day + 6) % 7
	return (w.days[day] && tod >= w.from) || (w.days[yesterday] && tod < w.to)
}

// String describes the window's time, without its reason: "2026-09-12T22:00:00Z to
// 2026-09-13T02:00:00Z", "weekly sun 02:00-04:00 Europe/Berlin".
func (w Window) String() string {
	if !w.weekly {
		return w.start.Format(time.RFC3339) + " to " + w.end.Format(time.RFC3339)
	}
	var days []string
	for d, on := range w.days {
		if on {
			days = append(days, dayNames[d])
		}
	}
	return fmt.Sprintf("weekly %s %s-%s %s", strings.Join(days, ","), clock(w.from), clock(w.to), w.loc)
}

var dayNames = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// Days lists the accepted day names, in the order of time.Weekday.
func Days() []string { return dayNames[:] }

// ParseDay reads a day of the week: its first three letters ("mon") or its full English name,
// in any case.
func ParseDay(s string) (time.Weekday, error) {
	l := strings.ToLower(s)
	for d, name := range dayNames {
		if l == name || l == strings.ToLower(time.Weekday(d).String()) {
			return time.Weekday(d), nil
		}
	}
	return 0, fmt.Errorf("%q is not a day (want one of %s)", s, strings.Join(dayNames[:], ", "))
}

// ParseClock reads a time of day, "HH:MM" on the 24-hour clock, from 00:00 to 24:00 (the end of
// the day, for a window that closes at midnight).
func ParseClock(s string) (time.Duration, error) {
	bad := fmt.Errorf("%q is not a time of day (want HH:MM, 00:00 to 24:00)", s)
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) != 2 || len(m) != 2 {
		return 0, bad
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh > 24 || (hh == 24 && mm != 0) {
		return 0, bad
	}
	return time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute, nil
}

// ParseTime reads an absolute instant in RFC 3339, with its offset ("2026-09-12T22:00:00Z").
func ParseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time (want e.g. 2026-09-12T22:00:00Z)", s)
	}
	return t, nil
}

// LoadZone reads an IANA time zone name ("Europe/Berlin"); "" means UTC. "Local" is refused:
// it would mean the zone of whatever machine reads the document.
func LoadZone(name string) (*time.Location, error) {
	if name == "" {
		return time.UTC, nil
	}
	if name == "Local" {
		return nil, errors.New(`"Local" depends on the machine: name an IANA zone such as Europe/Berlin`)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("%q is not an IANA time zone (want e.g. Europe/Berlin or UTC)", name)
	}
	return loc, nil
}

func clock(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d.Hours()), int(d.Minutes())%60)
}
