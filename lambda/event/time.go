package event

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Timestamp is a time as an event writes it. It decodes from a JSON string or number and never
// fails, so an odd timestamp cannot sink the event it is part of; Time parses it.
type Timestamp string

// UnmarshalJSON keeps strings as they are and numbers (epoch seconds or milliseconds) as their
// text; anything else becomes empty.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	// The common case, a plain quoted string, needs no second decoder.
	if n := len(b); n >= 2 && b[0] == '"' && b[n-1] == '"' && bytes.IndexByte(b[1:n-1], '\\') < 0 {
		*t = Timestamp(b[1 : n-1])
		return nil
	}
	var s string
	switch {
	case json.Unmarshal(b, &s) == nil:
		*t = Timestamp(s)
	case len(b) > 0 && (b[0] == '-' || (b[0] >= '0' && b[0] <= '9')):
		*t = Timestamp(b)
	default:
		*t = ""
	}
	return nil
}

// Time returns the parsed time in UTC, or the zero time when it cannot be read.
func (t Timestamp) Time() time.Time {
	v, _ := ParseTime(string(t))
	return v
}

// timeLayouts are every timestamp shape seen in the events this package reads: RFC 3339 with
// any number of fractional digits (ECS, EventBridge), offsets without a colon (CloudWatch
// alarms: 2019-10-02T17:04:40.989+0000), and RFC 1123 dates (AWS Health: Sat, 05 Jun 2016
// 15:10:09 GMT). Go accepts a fractional second after the seconds field even when the layout
// has none, so one layout per offset style covers every precision.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05-0700",
	"2006-01-02T15:04:05-07",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05-0700",
	"2006-01-02 15:04:05",
	time.RFC1123,
	time.RFC1123Z,
	"Mon, 2 Jan 2006 15:04:05 MST",
	time.RFC850,
	time.ANSIC,
	time.UnixDate,
}

// firstNamed is the index in timeLayouts of the first layout that starts with a day's name.
const firstNamed = 7

// ParseTime reads a timestamp in any shape AWS events use and returns it in UTC. Plain numbers
// are epoch seconds, or milliseconds when they are too large to be seconds.
func ParseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	// isNumber first: it keeps out "NaN" and "Inf", which ParseFloat takes, and spares a date
	// (the common case) the error ParseFloat would allocate for it.
	if isNumber(s) {
		if n, err := strconv.ParseFloat(s, 64); err == nil {
			// 1e11 seconds is the year 5138: anything larger is milliseconds.
			if n > 1e11 || n < -1e11 {
				return time.UnixMilli(int64(n)).UTC(), true
			}
			sec := int64(n)
			return time.Unix(sec, int64((n-float64(sec))*1e9)).UTC(), true
		}
	}
	layouts := timeLayouts
	switch {
	case isDigit(s[0]):
		// Every date-first layout wants a four-digit year first, every other layout a day's
		// name: a time.Parse certain to fail makes and throws away an error.
		layouts = layouts[:firstNamed]
	case isLetter(s[0]):
		layouts = layouts[firstNamed:]
	}
	if len(layouts) > 0 && layouts[0] == time.RFC3339Nano && colonlessOffset(s) {
		// RFC 3339 wants a colon in the offset: it cannot read this one (CloudWatch alarms'
		// timestamps), and its failure, an error made and thrown away, was most of the cost.
		layouts = layouts[1:]
	}
	for _, layout := range layouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// colonlessOffset reports whether s ends in an offset without a colon: a sign and four digits.
func colonlessOffset(s string) bool {
	if len(s) < 5 || s[len(s)-5] != '+' && s[len(s)-5] != '-' {
		return false
	}
	for _, c := range []byte(s[len(s)-4:]) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// isNumber reports whether s is a plain decimal number, so that "NaN" and "Inf", which
// strconv.ParseFloat also accepts, are not read as times.
func isNumber(s string) bool {
	for i, r := range s {
		if (r < '0' || r > '9') && r != '.' && !(i == 0 && (r == '-' || r == '+')) {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
