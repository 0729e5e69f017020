package alert

import (
	"encoding/binary"
	"time"
)

// Packed is an alert held in one string and a few words, for a pipeline that holds a large
// batch's alerts all at once before it says any of them. An Alert is 752 bytes of fields, most
// of them empty on any one alert, and its words are a score of allocations of their own, each
// of which the collector marks on every cycle; Packed is 64 bytes and one string holding every
// string, list and number of the alert end to end, which the collector need not look inside.
// Unpack gives the same alert back, its strings pointing into that string: none is copied.
type Packed struct {
	words   string
	time    time.Time
	expires *time.Time // nil when the alert does not expire
	// Scaling and Log are held as the alert held them: few alerts have one, and they are
	// not changed once classified.
	scaling *Scaling
	log     *LogPattern
}

// Pack packs a. The packed alert shares a's Scaling and Log: neither may be changed after.
func Pack(a *Alert) Packed {
	// The words are written on the stack, then copied once into a string of their size.
	var room [2048]byte
	p := Packed{words: string(appendAlert(room[:0], a)), time: a.Time, scaling: a.Scaling, log: a.Log}
	if !a.Expires.IsZero() {
		e := a.Expires
		p.expires = &e
	}
	return p
}

// Time is the packed alert's Time.
func (p *Packed) Time() time.Time { return p.time }

// Unpack sets *a to the alert p holds. Its strings share p's memory. Its lists are made
// where the lists *a held before were, when they have the room: a caller that unpacks alert
// after alert into one Alert makes lists only for the longest, and must not keep the lists
// of an alert it unpacks over.
func (p *Packed) Unpack(a *Alert) {
	r := unpacker{s: p.words}
	containers, facts, links, lines := a.Reason.Containers, a.Facts, a.Links, a.LogLines
	*a = Alert{
		EventID:       r.str(),
		Source:        r.str(),
		DetailType:    r.str(),
		Kind:          Kind(r.str()),
		Event:         r.str(),
		Origin:        r.str(),
		Severity:      Severity(r.str()),
		Status:        r.str(),
		DesiredStatus: r.str(),
		Group:         r.str(),
		StartedBy:     r.str(),
		MutedBy:       r.str(),
		Title:         r.str(),
		Summary:       r.str(),
		Identity: Identity{
			Partition:         r.str(),
			Account:           r.str(),
			Region:            r.str(),
			Cluster:           r.str(),
			Service:           r.str(),
			TaskFamily:        r.str(),
			TaskRevision:      r.int(),
			TaskID:            r.str(),
			DeploymentID:      r.str(),
			ServiceDeployment: r.str(),
			Hook:              r.str(),
			Daemon:            r.str(),
			ContainerInstance: r.str(),
			AlarmName:         r.str(),
			AlarmARN:          r.str(),
			Resource:          r.str(),
		},
		Time:    p.time,
		Scaling: p.scaling,
		Log:     p.log,
	}
	if p.expires != nil {
		a.Expires = *p.expires
	}
	a.Reason.StopCode = r.str()
	a.Reason.StoppedReason = r.str()
	if n, ok := r.list(); ok {
		cs := room(containers, n)
		var codes []int
		if k := r.uint(); k > 0 {
			codes = make([]int, k) // one list for every exit code, not an allocation each
		}
		for i := range cs {
			c := &cs[i]
			c.Name, c.Image = r.str(), r.str()
			if r.uint() == 1 {
				codes[0] = r.int()
				c.ExitCode, codes = &codes[0], codes[1:]
			}
			c.Reason, c.Status = r.str(), r.str()
		}
		a.Reason.Containers = cs
	}
	a.Reason.Deployment = r.str()
	a.Reason.Alarm = r.str()
	a.Reason.Text = r.str()
	if n, ok := r.list(); ok {
		a.Facts = room(facts, n)
		for i := range a.Facts {
			a.Facts[i] = Fact{Label: r.str(), Value: r.str()}
		}
	}
	if n, ok := r.list(); ok {
		a.Links = room(links, n)
		for i := range a.Links {
			a.Links[i] = Link{Label: r.str(), URL: r.str()}
		}
	}
	a.Excerpt = r.str()
	if n, ok := r.list(); ok {
		a.LogLines = room(lines, n)
		for i := range a.LogLines {
			a.LogLines[i] = r.str()
		}
	}
	a.Count = r.int()
	a.AckedBy = r.str()
}

// room is a list of n, in old's room when it has it (cleared first: nothing is kept of what
// it held).
func room[T any](old []T, n int) []T {
	if old == nil || cap(old) < n {
		return make([]T, n) // of none: empty, not nil, and no allocation
	}
	clear(old[:cap(old)])
	return old[:n] // its room kept for the next, which may be longer
}

// appendAlert appends a's words to b: its strings, each after its length, its numbers and
// its lists' lengths, in the order Unpack reads them.
func appendAlert(b []byte, a *Alert) []byte {
	for _, s := range [...]string{
		a.EventID, a.Source, a.DetailType, string(a.Kind), a.Event, a.Origin, string(a.Severity),
		a.Status, a.DesiredStatus, a.Group, a.StartedBy, a.MutedBy, a.Title, a.Summary,
		a.Identity.Partition, a.Identity.Account, a.Identity.Region, a.Identity.Cluster,
		a.Identity.Service, a.Identity.TaskFamily,
	} {
		b = appendString(b, s)
	}
	b = binary.AppendVarint(b, int64(a.Identity.TaskRevision))
	for _, s := range [...]string{
		a.Identity.TaskID, a.Identity.DeploymentID, a.Identity.ServiceDeployment, a.Identity.Hook,
		a.Identity.Daemon, a.Identity.ContainerInstance, a.Identity.AlarmName, a.Identity.AlarmARN,
		a.Identity.Resource, a.Reason.StopCode, a.Reason.StoppedReason,
	} {
		b = appendString(b, s)
	}
	if b = appendLen(b, a.Reason.Containers == nil, len(a.Reason.Containers)); a.Reason.Containers != nil {
		codes := 0
		for i := range a.Reason.Containers {
			if a.Reason.Containers[i].ExitCode != nil {
				codes++
			}
		}
		b = binary.AppendUvarint(b, uint64(codes))
		for i := range a.Reason.Containers {
			c := &a.Reason.Containers[i]
			b = appendString(appendString(b, c.Name), c.Image)
			if c.ExitCode == nil {
				b = append(b, 0)
			} else {
				b = binary.AppendVarint(append(b, 1), int64(*c.ExitCode))
			}
			b = appendString(appendString(b, c.Reason), c.Status)
		}
	}
	b = appendString(appendString(appendString(b, a.Reason.Deployment), a.Reason.Alarm), a.Reason.Text)
	b = appendLen(b, a.Facts == nil, len(a.Facts))
	for _, f := range a.Facts {
		b = appendString(appendString(b, f.Label), f.Value)
	}
	b = appendLen(b, a.Links == nil, len(a.Links))
	for _, l := range a.Links {
		b = appendString(appendString(b, l.Label), l.URL)
	}
	b = appendString(b, a.Excerpt)
	b = appendLen(b, a.LogLines == nil, len(a.LogLines))
	for _, l := range a.LogLines {
		b = appendString(b, l)
	}
	b = binary.AppendVarint(b, int64(a.Count))
	return appendString(b, a.AckedBy)
}

func appendString(b []byte, s string) []byte {
	if len(s) < 0x80 {
		return append(append(b, byte(len(s))), s...)
	}
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// appendLen appends a list's length, telling a nil list (0) from an empty one (1).
func appendLen(b []byte, isNil bool, n int) []byte {
	if isNil {
		return append(b, 0)
	}
	return binary.AppendUvarint(b, uint64(n)+1)
}

// unpacker reads what appendAlert wrote.
type unpacker struct {
	s string
	i int
}

func (r *unpacker) uint() uint64 {
	var x uint64
	for shift := 0; ; shift += 7 {
		c := r.s[r.i]
		r.i++
		x |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return x
		}
	}
}

func (r *unpacker) int() int {
	u := r.uint()
	return int(int64(u>>1) ^ -int64(u&1))
}

func (r *unpacker) str() string {
	n := int(r.uint())
	if n == 0 {
		return ""
	}
	s := r.s[r.i : r.i+n]
	r.i += n
	return s
}

// list reads a list's length, and whether the list is there at all (not nil).
func (r *unpacker) list() (int, bool) {
	n := r.uint()
	if n == 0 {
		return 0, false
	}
	return int(n - 1), true
}
