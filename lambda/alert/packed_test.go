package alert

import (
	"fmt"
	"reflect"
	"testing"
	"time"
)

// filler sets every field of a value, reached by reflection, from a source of choices: a
// field Alert gains is filled too, so a Pack that does not know it fails the round trip.
type filler struct {
	next func() int // a choice, 0 to 255
	seq  int
}

func (f *filler) fill(v reflect.Value) {
	if v.Type() == reflect.TypeFor[time.Time]() {
		if f.next()%4 == 0 {
			return // zero
		}
		f.seq++
		loc := []*time.Location{time.UTC, time.Local, time.FixedZone("CEST", 2*3600), time.FixedZone("", -5*3600)}[f.next()%4]
		t := time.Date(2026, 3, 1+f.seq%28, f.next()%24, 7, f.seq%60, f.next()*1000003, loc)
		if f.next()%3 == 0 {
			t = t.In(time.UTC) // the UTC location set rather than left nil
		}
		v.Set(reflect.ValueOf(t))
		return
	}
	switch v.Kind() {
	case reflect.String:
		f.seq++
		s := ""
		switch c := f.next(); {
		case c < 32:
		case c < 64:
			s = string(make([]byte, 200+c*3)) // long enough for a length of two bytes
		default:
			s = fmt.Sprintf("%s-%d-\u2028\xff", v.Type().Name(), f.seq)
		}
		v.SetString(s)
	case reflect.Int:
		f.seq++
		n := []int{0, 1, -1, f.seq, -f.seq * 1000, 1 << 40, -1 << 62, 1<<63 - 1}[f.next()%8]
		v.SetInt(int64(n))
	case reflect.Pointer:
		if f.next()%3 == 0 {
			return
		}
		p := reflect.New(v.Type().Elem())
		f.fill(p.Elem())
		v.Set(p)
	case reflect.Slice:
		switch c := f.next() % 4; c {
		case 0: // nil
		case 1:
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
		default:
			s := reflect.MakeSlice(v.Type(), c, c)
			for i := range c {
				f.fill(s.Index(i))
			}
			v.Set(s)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			f.fill(v.Field(i))
		}
	default:
		panic("filler: no way to fill a " + v.Type().String())
	}
}

// roundTrip packs a and unpacks it over an alert already in use, and compares.
func roundTrip(t *testing.T, a Alert) {
	t.Helper()
	p := Pack(&a)
	if !p.Time().Equal(a.Time) || p.Time() != a.Time {
		t.Errorf("Time %v, packed %v", a.Time, p.Time())
	}
	got := Alert{Title: "left from before", Facts: []Fact{{"old", "fact"}}}
	p.Unpack(&got)
	if !reflect.DeepEqual(got, a) {
		t.Errorf("unpacked:\n%#v\nwant:\n%#v", got, a)
	}
	if a.Scaling != nil && got.Scaling != a.Scaling || a.Log != nil && got.Log != a.Log {
		t.Error("Scaling and Log are held as they were, not copied")
	}
	for i := range a.Reason.Containers {
		if e := a.Reason.Containers[i].ExitCode; e != nil && got.Reason.Containers[i].ExitCode == e {
			t.Error("an exit code is shared: the unpacked lists must be the alert's own")
		}
	}
}

// TestPackRoundTrips: every field, set or not, nil lists and empty ones, times in any
// location, come back as they were.
func TestPackRoundTrips(t *testing.T) {
	roundTrip(t, Alert{})
	roundTrip(t, Generic("Unrecognised message", "UNRECOGNISED", `{"a":1}`))
	all := 0
	for seed := range 200 {
		state := uint32(seed*2654435761 + 1)
		f := filler{next: func() int {
			state ^= state << 13
			state ^= state >> 17
			state ^= state << 5
			return int(state % 256)
		}}
		var a Alert
		f.fill(reflect.ValueOf(&a).Elem())
		roundTrip(t, a)
		all++
	}
	// Every field set at once (every choice 254: every list of two, every pointer set).
	var a Alert
	f := filler{next: func() int { return 254 }}
	f.fill(reflect.ValueOf(&a).Elem())
	if a.Reason.Containers[1].ExitCode == nil || a.Log == nil || a.Expires.IsZero() || a.Identity.Resource == "" {
		t.Fatalf("the filler left fields empty: %#v", a)
	}
	roundTrip(t, a)
}

// TestPackHoldsLess: a packed alert is a few words and one allocation, and alerts unpacked
// one after another into one Alert make no lists after the first.
func TestPackHoldsLess(t *testing.T) {
	if s := reflect.TypeFor[Packed]().Size(); s > 64 {
		t.Errorf("Packed is %d bytes", s)
	}
	var a Alert
	f := filler{next: func() int { return 210 }} // every list of two, no pointer set
	f.fill(reflect.ValueOf(&a).Elem())
	if n := testing.AllocsPerRun(100, func() { Pack(&a) }); n > 2 {
		t.Errorf("Pack made %v allocations, want the words' and the expiry's", n)
	}
	p, short := Pack(&a), a
	short.Facts, short.Links = short.Facts[:1], nil
	q := Pack(&short)
	var got Alert
	if n := testing.AllocsPerRun(100, func() { p.Unpack(&got); q.Unpack(&got) }); n > 1 {
		t.Errorf("unpacking into one Alert made %v allocations, want the links' of the second alone", n)
	}
	if !reflect.DeepEqual(got, short) {
		t.Errorf("unpacked over a longer alert: %#v", got)
	}
}

// FuzzPack: whatever the alert, it unpacks as it was packed.
func FuzzPack(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{255, 255, 255, 255})
	f.Add([]byte{3, 40, 200, 7, 1, 2, 9, 100, 33, 64, 65})
	f.Fuzz(func(t *testing.T, b []byte) {
		i := 0
		fl := filler{next: func() int {
			if len(b) == 0 {
				return 0
			}
			c := b[i%len(b)] ^ byte(i/len(b))
			i++
			return int(c)
		}}
		var a Alert
		fl.fill(reflect.ValueOf(&a).Elem())
		roundTrip(t, a)
	})
}
