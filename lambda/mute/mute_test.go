package mute

import (
	"testing"
	"time"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestContains(t *testing.T) {
	berlin, err := LoadZone("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	span := Span("test migration", at("2026-09-12T22:00:00Z"), at("2026-09-13T02:00:00Z"))
	sunNight := Weekly("test patching", []time.Weekday{time.Sunday}, 2*time.Hour, 4*time.Hour, berlin)
	overnight := Weekly("test batch", []time.Weekday{time.Friday}, 22*time.Hour, 2*time.Hour, nil)
	weekend := Weekly("test freeze", []time.Weekday{time.Saturday}, 20*time.Hour, 8*time.Hour, nil)
	wholeDay := Weekly("test day", []time.Weekday{time.Wednesday}, 0, 24*time.Hour, nil)

	tests := []struct {
		name string
		w    Window
		t    string
		want bool
	}{
		{"span: before", span, "2026-09-12T21:59:59.999Z", false},
		{"span: start is inside", span, "2026-09-12T22:00:00Z", true},
		{"span: inside", span, "2026-09-13T00:30:00Z", true},
		{"span: start in another zone", span, "2026-09-13T00:00:00+02:00", true},
		{"span: last instant", span, "2026-09-13T01:59:59.999999999Z", true},
		{"span: end is outside", span, "2026-09-13T02:00:00Z", false},

		// 2026-09-13 is a Sunday; Berlin is UTC+2 in September.
		{"weekly: before, in zone", sunNight, "2026-09-12T23:59:59Z", false},
		{"weekly: opens at 02:00 local", sunNight, "2026-09-13T00:00:00Z", true},
		{"weekly: last second", sunNight, "2026-09-13T01:59:59Z", true},
		{"weekly: closes at 04:00 local", sunNight, "2026-09-13T02:00:00Z", false},
		{"weekly: 02:00 UTC is 04:00 local", sunNight, "2026-09-13T02:30:00Z", false},
		{"weekly: wrong day", sunNight, "2026-09-14T00:30:00Z", false},
		{"weekly: next week", sunNight, "2026-09-20T01:00:00Z", true},
		// In winter Berlin is UTC+1: the window follows the clocks.
		{"weekly: winter time", sunNight, "2026-12-13T01:00:00Z", true},
		{"weekly: winter time, UTC hours of summer", sunNight, "2026-12-13T00:30:00Z", false},
		// 2026-03-29: clocks jump from 02:00 to 03:00, so the window is one hour long.
		{"weekly: DST gap", sunNight, "2026-03-29T00:59:59Z", false},
		{"weekly: DST day, 03:30 local", sunNight, "2026-03-29T01:30:00Z", true},

		// 2026-09-11 is a Friday.
		{"overnight: Friday evening", overnight, "2026-09-11T22:00:00Z", true},
		{"overnight: past midnight", overnight, "2026-09-12T01:59:00Z", true},
		{"overnight: closes", overnight, "2026-09-12T02:00:00Z", false},
		{"overnight: Friday before it opens", overnight, "2026-09-11T01:00:00Z", false},
		{"overnight: Thursday night is not Friday's", overnight, "2026-09-10T23:00:00Z", false},
		{"across the week's end: Saturday", weekend, "2026-09-12T21:00:00Z", true},
		{"across the week's end: Sunday morning", weekend, "2026-09-13T07:59:59Z", true},
		{"across the week's end: Sunday 08:00", weekend, "2026-09-13T08:00:00Z", false},
		{"whole day: midnight", wholeDay, "2026-09-16T00:00:00Z", true},
		{"whole day: last second", wholeDay, "2026-09-16T23:59:59Z", true},
		{"whole day: next midnight", wholeDay, "2026-09-17T00:00:00Z", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.w.Contains(at(tt.t)); got != tt.want {
				t.Errorf("%s contains %s = %v, want %v", tt.w, tt.t, got, tt.want)
			}
		})
	}
}

func TestString(t *testing.T) {
	berlin, _ := LoadZone("Europe/Berlin")
	for _, tt := range []struct {
		w    Window
		want string
	}{
		{Span("x", at("2026-09-12T22:00:00Z"), at("2026-09-13T02:00:00+02:00")), "2026-09-12T22:00:00Z to 2026-09-13T02:00:00+02:00"},
		{Weekly("x", []time.Weekday{time.Saturday, time.Sunday}, 2*time.Hour+30*time.Minute, 24*time.Hour, berlin), "weekly sun,sat 02:30-24:00 Europe/Berlin"},
		{Weekly("x", []time.Weekday{time.Monday}, 0, time.Hour, nil), "weekly mon 00:00-01:00 UTC"},
	} {
		if got := tt.w.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestParse(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"00:00", 0, true}, {"02:30", 2*time.Hour + 30*time.Minute, true}, {"23:59", 23*time.Hour + 59*time.Minute, true},
		{"24:00", 24 * time.Hour, true}, {"24:01", 0, false}, {"2:30", 0, false}, {"02:60", 0, false},
		{"-1:00", 0, false}, {"0230", 0, false}, {"", 0, false}, {"ab:cd", 0, false},
	} {
		got, err := ParseClock(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseClock(%q) = %v, %v; want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
	for _, tt := range []struct {
		in   string
		want time.Weekday
		ok   bool
	}{
		{"sun", time.Sunday, true}, {"Mon", time.Monday, true}, {"SATURDAY", time.Saturday, true}, {"wednesday", time.Wednesday, true},
		{"tues", 0, false}, {"", 0, false},
	} {
		got, err := ParseDay(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseDay(%q) = %v, %v; want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
	if _, err := ParseTime("2026-09-12 22:00"); err == nil {
		t.Error("ParseTime accepted a time without T and offset")
	}
	if _, err := ParseTime("2026-09-12T22:00:00"); err == nil {
		t.Error("ParseTime accepted a time without an offset")
	}
	for _, z := range []string{"", "UTC", "Europe/Berlin", "America/New_York"} {
		if _, err := LoadZone(z); err != nil {
			t.Errorf("LoadZone(%q): %v", z, err)
		}
	}
	for _, z := range []string{"Local", "Mars/Olympus_Mons", "CEST+2"} {
		if _, err := LoadZone(z); err == nil {
			t.Errorf("LoadZone(%q) succeeded", z)
		}
	}
}
