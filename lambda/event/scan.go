package event

import (
	"encoding/binary"
	"math/bits"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
)

// scanner reads the canonical form of an event without reflection: the field names exactly as
// the struct tags spell them, each value of the type its field expects, each field once, valid
// JSON and UTF-8. At anything else (a name that could match a field only case-insensitively, a
// value of another type, a duplicate, a string with an escape it does not know) it stops, and
// the caller decodes the same bytes with Decode, whose rules it then need not copy.
//
// Its readers never fail loudly: they set bad, jump to the end of the input (so that every
// loop ends at once) and return zero values, which the caller throws away.
type scanner struct {
	b   []byte
	i   int
	bad bool

	// cache holds strings read recently (see intern). It is kept from event to event in caches.
	cache *[256]string

	// stamps holds the text of the event's timestamps, one after the other: each Timestamp is
	// a slice of it, so that an event's timestamps cost one allocation rather than one each.
	// Bytes once written are never written again (growing the builder copies them to a new
	// array), so the strings stay valid.
	stamps strings.Builder
}

func (s *scanner) fail() {
	s.bad = true
	s.i = len(s.b)
}

// peek skips white space and returns the next byte, or 0 at the end.
func (s *scanner) peek() byte {
	for s.i < len(s.b) {
		switch c := s.b[s.i]; c {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return c
		}
	}
	return 0
}

// literal consumes lit (null, true, false), whose first byte is next.
func (s *scanner) literal(lit string) {
	if len(s.b)-s.i >= len(lit) && string(s.b[s.i:s.i+len(lit)]) == lit {
		s.i += len(lit)
		return
	}
	s.fail()
}

// null consumes a null if one is next. A null leaves a field as it was, and since each field is
// read at most once, at its zero value: that is what Decode does for every type read here.
func (s *scanner) null() bool {
	if s.peek() == 'n' {
		s.literal("null")
		return true
	}
	return false
}

// more reports whether the object or array being read (end is its closing byte) has another
// member, consuming the comma before it, or the closing byte after the last one. first starts
// true for each object or array.
func (s *scanner) more(end byte, first *bool) bool {
	c := s.peek()
	if c == end && *first {
		s.i++
		return false
	}
	if *first {
		*first = false
		return true
	}
	switch c {
	case end:
		s.i++
		return false
	case ',':
		s.i++
		return true
	}
	s.fail()
	return false
}

// object starts an object: false at null (the value stays zero) or anything else (a failure).
func (s *scanner) object() bool { return s.open('{') }

// array starts an array, as object does an object.
func (s *scanner) array() bool { return s.open('[') }

func (s *scanner) open(c byte) bool {
	switch s.peek() {
	case c:
		s.i++
		return true
	case 'n':
		s.literal("null")
	default:
		s.fail()
	}
	return false
}

// key reads an object's member name and the colon after it. Names with escapes or bytes
// outside ASCII fail: Decode unescapes names and matches them with Unicode case folding.
func (s *scanner) key() []byte {
	if s.peek() != '"' {
		s.fail()
		return nil
	}
	k, plain := s.token()
	if !plain || s.peek() != ':' {
		s.fail()
		return nil
	}
	s.i++
	return k
}

// seen marks a field read, and fails when it was read before: Decode merges a repeated object
// or array into the first, and the fast path does not copy that.
func (s *scanner) seen(mask *uint64, bit uint) {
	if *mask&(1<<bit) != 0 {
		s.fail()
	}
	*mask |= 1 << bit
}

// unknown skips the value of a member whose name is not one of the struct's, unless the name
// could match one of them without regard to case (folds holds the names lower-cased, with '-'
// and '_' removed): Decode would read such a member into that field.
func (s *scanner) unknown(k []byte, folds *folds) {
	var buf [48]byte
	n, ok := fold(&buf, k)
	if !ok {
		s.fail() // longer than any field name folded
		return
	}
	if _, ok := folds.set()[string(buf[:n])]; ok {
		s.fail()
		return
	}
	s.skip(0)
}

// fold writes name into buf lower-cased, with '-' and '_' removed, and says how long it is;
// false if it does not fit.
func fold[T string | []byte](buf *[48]byte, name T) (int, bool) {
	n := 0
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '-' || c == '_':
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		if n == len(buf) {
			return n, false
		}
		buf[n] = c
		n++
	}
	return n, true
}

// folds holds a struct's field names for unknown, folded as it folds a key. The set is made
// at the first unknown key, not at start: there are thirty of them, and a start that reads
// no event pays nothing for them.
type folds struct {
	names []string
	once  sync.Once
	m     map[string]struct{}
}

func foldSet(names ...string) *folds { return &folds{names: names} }

func (f *folds) set() map[string]struct{} {
	f.once.Do(func() {
		f.m = make(map[string]struct{}, len(f.names))
		var buf [48]byte
		for _, name := range f.names {
			n, ok := fold(&buf, name)
			if !ok {
				panic("event: field name too long to fold: " + name)
			}
			f.m[string(buf[:n])] = struct{}{}
		}
	})
	return f.m
}

// class sorts a string's bytes: 0 plain, 1 the closing quote, 2 a backslash, 3 a control
// character (invalid JSON), 4 outside ASCII.
var class = func() (t [256]byte) {
	for c := 0; c < 0x20; c++ {
		t[c] = 3
	}
	t['"'], t['\\'] = 1, 2
	for c := 0x80; c < 0x100; c++ {
		t[c] = 4
	}
	return t
}()

// token reads a string whose opening quote is next, checking its escapes, and returns its raw
// content; plain says it has neither escapes nor bytes outside ASCII.
func (s *scanner) token() (raw []byte, plain bool) {
	start := s.i + 1
	plain = true
	for i := start; i < len(s.b); {
		// Eight bytes at a time up to the first one that is not plain ASCII.
		for i+8 <= len(s.b) {
			m := special(binary.LittleEndian.Uint64(s.b[i:]))
			if m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				break
			}
			i += 8
		}
		if i >= len(s.b) {
			break
		}
		switch class[s.b[i]] {
		case 0:
			i++
		case 1:
			s.i = i + 1
			return s.b[start:i], plain
		case 2:
			plain = false
			if i+1 >= len(s.b) {
				s.fail()
				return nil, false
			}
			switch s.b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(s.b) || hex4(s.b[i+2:i+6]) < 0 {
					s.fail()
					return nil, false
				}
				i += 6
			default:
				s.fail()
				return nil, false
			}
		case 3:
			s.fail()
			return nil, false
		default:
			plain = false
			i++
		}
	}
	s.fail()
	return nil, false
}

// special marks, with its top bit, each byte of w that is a quote, a backslash, a control
// character or outside ASCII. Only the lowest mark is sure (a borrow can mark a byte above
// it), which is all token needs.
func special(w uint64) uint64 {
	const ones, tops = 0x0101010101010101, 0x8080808080808080
	q := w ^ (ones * '"')
	b := w ^ (ones * '\\')
	return ((q-ones)&^q | (b-ones)&^b | (w - ones*0x20) | w) & tops
}

func hex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

// str reads a string value (null is "").
func (s *scanner) str() string {
	switch s.peek() {
	case '"':
	case 'n':
		s.literal("null")
		return ""
	default:
		s.fail()
		return ""
	}
	raw, plain := s.token()
	if plain {
		return s.intern(raw)
	}
	return s.unquote(raw)
}

// intern returns b as a string, from the scanner's cache when a string of the same bytes was
// read recently: events repeat their ARNs, names and states, and Decode, which did the same,
// allocated none of them twice.
func (s *scanner) intern(b []byte) string {
	if s.cache == nil || len(b) < 2 || len(b) > 256 {
		return string(b)
	}
	// A hash of the first and last eight bytes (or fewer) keeps it cheap for long strings.
	var h uint64
	if len(b) >= 8 {
		h = binary.LittleEndian.Uint64(b)*0x9e3779b97f4a7c15 ^ binary.LittleEndian.Uint64(b[len(b)-8:])*0xc2b2ae3d27d4eb4f
	} else {
		for _, c := range b {
			h = (h ^ uint64(c)) * 0x100000001b3
		}
		h *= 0x9e3779b97f4a7c15
	}
	h ^= uint64(len(b))
	i := (h >> 56) // the top byte: 256 entries
	if v := s.cache[i]; v == string(b) {
		return v
	}
	v := string(b)
	s.cache[i] = v
	return v
}

// unquote decodes a string's content with escapes or bytes outside ASCII. Invalid UTF-8 and
// lone surrogates fail: Decode replaces them, and the fast path does not copy that.
func (s *scanner) unquote(raw []byte) string {
	if s.bad || !utf8.Valid(raw) {
		s.fail()
		return ""
	}
	var buf [256]byte
	out := buf[:0]
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '\\' {
			j := i + 1
			for j < len(raw) && raw[j] != '\\' {
				j++
			}
			out = append(out, raw[i:j]...)
			i = j
			continue
		}
		switch raw[i+1] {
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r := hex4(raw[i+2:])
			i += 6
			if utf16.IsSurrogate(r) {
				if r >= 0xdc00 || i+6 > len(raw) || raw[i] != '\\' || raw[i+1] != 'u' {
					s.fail()
					return ""
				}
				r = utf16.DecodeRune(r, hex4(raw[i+2:]))
				if r == utf8.RuneError {
					s.fail()
					return ""
				}
				i += 6
			}
			out = utf8.AppendRune(out, r)
			continue
		default: // '"', '\\', '/'
			out = append(out, raw[i+1])
		}
		i += 2
	}
	return string(out)
}

// stamp reads a Timestamp. A plain string, the only form events use, becomes a slice of the
// scanner's timestamp text; any other value is read by Timestamp's own method.
func (s *scanner) stamp() Timestamp {
	if s.peek() == '"' {
		start := s.i
		raw, plain := s.token()
		if plain {
			if s.stamps.Cap() == 0 {
				s.stamps.Grow(192)
			}
			n := s.stamps.Len()
			s.stamps.Write(raw)
			return Timestamp(s.stamps.String()[n:])
		}
		s.i = start
	}
	var t Timestamp
	raw := s.value()
	if !s.bad {
		_ = t.UnmarshalJSON(raw)
	}
	return t
}

// code reads a container's exit code with its own method.
func (s *scanner) code() Code {
	var c Code
	raw := s.value()
	if !s.bad {
		_ = c.UnmarshalJSON(raw)
	}
	return c
}

// value skips a value and returns its bytes.
func (s *scanner) value() []byte {
	s.peek()
	start := s.i
	s.skip(0)
	if s.bad {
		return nil
	}
	return s.b[start:s.i]
}

// number reads a number's text, checking its syntax.
func (s *scanner) number() []byte {
	start := s.i
	i := s.i
	b := s.b
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
	default:
		s.fail()
		return nil
	}
	if i < len(b) && b[i] == '.' {
		i++
		d := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		if i == d {
			s.fail()
			return nil
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		d := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		if i == d {
			s.fail()
			return nil
		}
	}
	s.i = i
	return b[start:i]
}

// numberOrNull reads a number's literal; false at null (the value stays zero) or anything
// else that is not a number (a failure).
func (s *scanner) numberOrNull() ([]byte, bool) {
	switch c := s.peek(); {
	case c == 'n':
		s.literal("null")
		return nil, false
	case c != '-' && (c < '0' || c > '9'):
		s.fail()
		return nil, false
	}
	return s.number(), true
}

// int64 reads an integer (null is 0). A fraction, an exponent or a value out of range fails.
func (s *scanner) int64() int64 {
	lit, ok := s.numberOrNull()
	if !ok {
		return 0
	}
	neg := len(lit) > 0 && lit[0] == '-'
	digits := lit
	if neg {
		digits = lit[1:]
	}
	if len(digits) == 0 || len(digits) > 18 {
		s.fail()
		return 0
	}
	var n int64
	for _, c := range digits {
		if c < '0' || c > '9' {
			s.fail()
			return 0
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n
}

// int reads an int as int64 does.
func (s *scanner) int() int {
	n := s.int64()
	if int64(int(n)) != n {
		s.fail()
		return 0
	}
	return int(n)
}

// intPtr reads a *int (null is nil).
func (s *scanner) intPtr() *int {
	if s.null() {
		return nil
	}
	n := s.int()
	return &n
}

// float reads a float64 (null is 0). A value out of range fails.
func (s *scanner) float() float64 {
	lit, ok := s.numberOrNull()
	if !ok || s.bad {
		return 0
	}
	f, err := strconv.ParseFloat(string(lit), 64)
	if err != nil {
		s.fail()
		return 0
	}
	return f
}

// floatPtr reads a *float64 (null is nil).
func (s *scanner) floatPtr() *float64 {
	if s.null() {
		return nil
	}
	f := s.float()
	return &f
}

// bool reads a bool (null is false).
func (s *scanner) bool() bool {
	switch s.peek() {
	case 't':
		s.literal("true")
		return true
	case 'f':
		s.literal("false")
	case 'n':
		s.literal("null")
	default:
		s.fail()
	}
	return false
}

// boolPtr reads a *bool (null is nil).
func (s *scanner) boolPtr() *bool {
	if s.null() {
		return nil
	}
	b := s.bool()
	return &b
}

// strs reads a []string (null is nil, [] is empty but not nil, as Decode makes them).
func (s *scanner) strs() []string {
	if !s.array() {
		return nil
	}
	var buf [8]string
	out := buf[:0]
	for first := true; s.more(']', &first); {
		if s.peek() == 'n' {
			s.fail() // Decode keeps what the element held before: not copied
			return nil
		}
		out = append(out, s.str())
	}
	return list(out)
}

// strMap reads a map[string]string (null is nil, {} is empty but not nil).
func (s *scanner) strMap() map[string]string {
	if !s.object() {
		return nil
	}
	out := map[string]string{}
	for first := true; s.more('}', &first); {
		k, ok := s.mapKey()
		if !ok {
			return nil
		}
		if s.peek() != '"' {
			s.fail() // null and other types: not copied
			return nil
		}
		out[k] = s.str()
	}
	return out
}

// maxDepth bounds skip's nesting; deeper input is left to Decode.
const maxDepth = 64

// skip checks and skips one value of any type.
func (s *scanner) skip(depth int) {
	if depth > maxDepth {
		s.fail()
		return
	}
	switch c := s.peek(); {
	case c == '"':
		s.token()
	case c == '{':
		s.i++
		for first := true; s.more('}', &first); {
			s.key2()
			s.skip(depth + 1)
		}
	case c == '[':
		s.i++
		for first := true; s.more(']', &first); {
			s.skip(depth + 1)
		}
	case c == 't':
		s.literal("true")
	case c == 'f':
		s.literal("false")
	case c == 'n':
		s.literal("null")
	case c == '-' || '0' <= c && c <= '9':
		s.number()
	default:
		s.fail()
	}
}

// key2 reads a member name of an object being skipped (any valid string) and its colon.
func (s *scanner) key2() {
	if s.peek() != '"' {
		s.fail()
		return
	}
	s.token()
	if s.peek() != ':' {
		s.fail()
		return
	}
	s.i++
}

// end checks that nothing but white space follows the value read.
func (s *scanner) end() {
	if s.peek() != 0 || s.i != len(s.b) {
		s.fail()
	}
}

// mapKey reads a map's key and the colon after it.
func (s *scanner) mapKey() (string, bool) {
	if s.peek() != '"' {
		s.fail()
		return "", false
	}
	k := s.str()
	if s.peek() != ':' {
		s.fail()
		return "", false
	}
	s.i++
	return k, true
}
