package envelope

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"slices"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// scanner reads one JSON document held in memory, validating it as encoding/json does
// (RFC 8259; invalid UTF-8 in strings allowed; nesting at most maxDepth deep) while it goes.
// Strings are unquoted in the same pass that validates them: an event inside SNS inside SQS is
// mostly a string holding a string, and every extra pass over it shows in the CPU profile.
// Once a method fails, s.bad is set and the document is not JSON.
type scanner struct {
	b     []byte
	i     int
	depth int
	bad   bool
	// short is set when a read failed for want of bytes past the end of b, where s.i does
	// not say so (s.i == len(b)): a window of a longer input (Stream) is then read again with
	// more of it. A string cut by the end fails there, so what was read of it before (a
	// multi-byte sequence, a surrogate pair's second half) is read again too.
	short bool
}

// maxDepth is encoding/json's limit on nesting.
const maxDepth = 10000

// plain marks the bytes that stand for themselves inside a string: not a quote, a backslash,
// a control character or the start of a multi-byte sequence.
var plain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// peek skips white space and returns the next byte, 0 at the end.
func (s *scanner) peek() byte {
	for s.i < len(s.b) && isSpace(s.b[s.i]) {
		s.i++
	}
	if s.i == len(s.b) {
		return 0
	}
	return s.b[s.i]
}

// cut fails a read that reached the end of b (short). It is kept out of line: in the loop
// that unquotes strings, setting the flag there made every string slower.
//
//go:noinline
func (s *scanner) cut() {
	s.short, s.bad = true, true
}

func (s *scanner) fail() bool {
	s.bad = true
	return false
}

// expect consumes c, after white space.
func (s *scanner) expect(c byte) bool {
	if s.peek() != c {
		return s.fail()
	}
	s.i++
	return true
}

// end reports whether nothing but white space is left.
func (s *scanner) end() bool {
	s.peek()
	return s.i == len(s.b) && !s.bad
}

// next moves to the next member of the object or element of the array being read: it
// consumes a comma, or reports false at the closing delimiter (consuming it), or on an error.
// first says whether no member was read yet.
func (s *scanner) next(closing byte, first bool) bool {
	c := s.peek()
	if c == closing {
		s.i++
		s.depth--
		return false
	}
	if !first {
		if c != ',' {
			return s.fail()
		}
		s.i++
	}
	return !s.bad
}

// open consumes the opening delimiter of an object or array.
func (s *scanner) open(c byte) bool {
	if !s.expect(c) {
		return false
	}
	if s.depth++; s.depth > maxDepth {
		return s.fail()
	}
	return true
}

// name reads a member's key and its colon. The key is unquoted into scratch, unless it holds
// no escape, when it is a slice of the document.
func (s *scanner) name(scratch []byte) key {
	if s.peek() != '"' {
		s.fail()
		return key{}
	}
	var k key
	if start, i := s.i+1, plainRun(s.b, s.i+1); i < len(s.b) && s.b[i] == '"' {
		k = key{name: s.b[start:i], ascii: true} // plain bytes are ASCII
		s.i = i + 1
	} else {
		k.name = s.str(scratch[:0], true)
		k.ascii = isASCII(k.name)
	}
	if !s.expect(':') {
		return key{}
	}
	return k
}

// key is a member's name, read.
type key struct {
	name []byte
	// ascii is set when no byte of name is above 0x7F: only non-ASCII letters fold to
	// letters of another length (the Kelvin sign K to k), so such a key matches only fields
	// of its length.
	ascii bool
}

// is matches a key to a field name as encoding/json does: exactly or case-insensitively.
func (k key) is(field string) bool {
	if len(k.name) != len(field) && k.ascii {
		return false
	}
	return string(k.name) == field || bytes.EqualFold(k.name, []byte(field))
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// str reads the string at s.i, validating it, and returns its content appended to dst; with
// alias set, a string without escapes or invalid UTF-8 is returned as a slice of the document
// instead (the caller must not keep it).
func (s *scanner) str(dst []byte, alias bool) []byte {
	b := s.b
	start := s.i + 1 // past the opening quote
	i := plainRun(b, start)
	if i < len(b) && b[i] == '"' {
		s.i = i + 1
		if alias {
			return b[start:i]
		}
		return append(dst, b[start:i]...)
	}
	return s.unescape(dst, start, i)
}

// unescape goes on with a string whose bytes from start to i were plain, and b[i] (if any) not.
//
// Escapes come every few bytes in a document held in a string held in a string, so runs of
// plain bytes are short: each is written with one 8-byte store however short it is (the
// bytes past it are overwritten next), into room made at once (the rest of the document
// bounds the string; a message is most of its notification) and kept at least 8 bytes wide.
func (s *scanner) unescape(dst []byte, start, i int) []byte {
	b := s.b
	if dst == nil {
		dst = make([]byte, 0, min(len(b)-start, 64<<10)+8)
	}
	n := len(dst)
	out := dst[:cap(dst)]
	if len(out)-n < i-start+8 {
		out = grow(out, n, i-start+8)
	}
	n += copy(out[n:], b[start:i])
	for {
		n, i = unescapeRuns(out, b, n, i)
		if len(out)-n < 8 {
			out = grow(out, n, 8)
			continue
		}
		if len(b)-i < 8 {
			// Fewer than 8 bytes are left: their plain ones fit in the room kept.
			for i < len(b) && plain[b[i]] {
				out[n] = b[i]
				n++
				i++
			}
			if i == len(b) {
				s.cut()
				return nil
			}
			if len(out)-n < utf8.UTFMax {
				out = grow(out, n, utf8.UTFMax) // what is read next writes at most that
			}
		}
		switch c := b[i]; {
		case c == '\\':
			if i+1 == len(b) {
				s.cut()
				return nil
			}
			if e := unescaped[b[i+1]]; e != 0 {
				out[n] = e
				n++
				i += 2
				continue
			}
			if b[i+1] != 'u' {
				s.fail()
				return nil
			}
			r, ok := hex4(b[i+2:])
			if !ok {
				if len(b)-i < 6 {
					s.cut()
				}
				s.fail()
				return nil
			}
			i += 6
			if utf16.IsSurrogate(r) {
				// A pair makes one character; anything else is U+FFFD, as encoding/json reads it.
				r2, ok2 := rune(-1), false
				if i+1 < len(b) && b[i] == '\\' && b[i+1] == 'u' {
					r2, ok2 = hex4(b[i+2:])
				}
				if dec := utf16.DecodeRune(r, r2); ok2 && dec != unicode.ReplacementChar {
					r = dec
					i += 6
				} else {
					r = unicode.ReplacementChar
				}
			}
			n += utf8.EncodeRune(out[n:], r)
		case c == '"':
			s.i = i + 1
			return out[:n]
		case c < 0x20:
			s.fail()
			return nil
		default: // the start of a multi-byte sequence
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 {
				n += utf8.EncodeRune(out[n:], unicode.ReplacementChar)
			} else {
				n += copy(out[n:], b[i:i+size])
			}
			i += size
		}
	}
}

// unescapeRuns copies plain bytes and the escapes of one byte from b[i:] to out[n:], while at
// least 8 bytes of each are left, and returns where it stopped in each.
func unescapeRuns(out, b []byte, n, i int) (int, int) {
	for i <= len(b)-8 && n <= len(out)-8 {
		// Full slice expressions spare the masking of a slice's pointer that could reach
		// past its array, which the compiler otherwise adds to each load and store.
		x := binary.LittleEndian.Uint64(b[i:len(b):len(b)])
		binary.LittleEndian.PutUint64(out[n:len(out):len(out)], x)
		m := special(x)
		if m == 0 {
			i += 8
			n += 8
			continue
		}
		k := bits.TrailingZeros64(m) >> 3
		i += k
		n += k
		if b[i] != '\\' {
			break
		}
		// Escapes come in runs in a string held in a string: \\\" is one. What ends the
		// run is read again above, and a byte that is not plain then ends the loop.
		for {
			if i+2 >= len(b) || uint(n) >= uint(len(out)) {
				return n, i
			}
			e := unescaped[b[i+1]]
			if e == 0 {
				return n, i
			}
			out[n] = e
			n++
			i += 2
			if b[i] != '\\' {
				break
			}
		}
	}
	return n, i
}

// grow returns out, whose first n bytes are kept, with at least more bytes of room past them.
func grow(out []byte, n, more int) []byte {
	out = slices.Grow(out[:n], more)
	return out[:cap(out)]
}

// unescaped maps the byte after a backslash to what the escape stands for, 0 for \u and
// for bytes that make no escape.
var unescaped = [256]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// Every byte, and every byte's top bit, of a word.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// special tells, eight bytes at a time, which bytes of x (read little-endian) are not plain:
// their top bits are set in the result. Only the lowest set bit is exact (a borrow out of a
// byte that is not plain may set bits above it), and it is the only one read.
func special(x uint64) uint64 {
	// A byte below 0x20, or equal to '"' or '\\' (its xor with them is then 0), borrows when
	// 0x20 or 1 is taken from it and so sets its top bit; one of 0x80 or more has it set.
	return ((x - 0x20*ones) | ((x ^ '"'*ones) - ones) | ((x ^ '\\'*ones) - ones) | x) & highs
}

// plainRun returns the index of the first byte of b from i on that is not plain, or len(b).
func plainRun(b []byte, i int) int {
	for ; i+8 <= len(b); i += 8 {
		if m := special(binary.LittleEndian.Uint64(b[i:len(b):len(b)])); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for i < len(b) && plain[b[i]] {
		i++
	}
	return i
}

// skipString validates the string at s.i and moves past it.
func (s *scanner) skipString() bool {
	b := s.b
	i := s.i + 1
	for {
		i = plainRun(b, i)
		if i == len(b) {
			s.short = true
			return s.fail()
		}
		switch c := b[i]; {
		case c == '"':
			s.i = i + 1
			return true
		case c == '\\':
			if i+1 == len(b) {
				s.short = true
				return s.fail()
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if _, ok := hex4(b[i+2:]); !ok {
					s.short = s.short || len(b)-i < 6
					return s.fail()
				}
				i += 6
			default:
				return s.fail()
			}
		case c < 0x20:
			return s.fail()
		default:
			i++ // any other byte, valid UTF-8 or not, is allowed
		}
	}
}

// skip validates the value at s.i and moves past it.
func (s *scanner) skip() bool {
	switch c := s.peek(); {
	case c == '"':
		return s.skipString()
	case c == '{':
		s.open('{')
		for first := true; s.next('}', first); first = false {
			if s.peek() != '"' || !s.skipString() || !s.expect(':') || !s.skip() {
				return s.fail()
			}
		}
		return !s.bad
	case c == '[':
		s.open('[')
		for first := true; s.next(']', first); first = false {
			if !s.skip() {
				return false
			}
		}
		return !s.bad
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	case c == '-' || '0' <= c && c <= '9':
		return s.number()
	}
	return s.fail()
}

func (s *scanner) literal(lit string) bool {
	if len(s.b)-s.i < len(lit) || string(s.b[s.i:s.i+len(lit)]) != lit {
		s.short = s.short || len(s.b)-s.i < len(lit)
		return s.fail()
	}
	s.i += len(lit)
	return true
}

// number validates a number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *scanner) number() bool {
	b, i := s.b, s.i
	digits := func() bool {
		j := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		return i > j
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case !digits():
		return s.failAt(i)
	}
	if i < len(b) && b[i] == '.' {
		i++
		if !digits() {
			return s.failAt(i)
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if !digits() {
			return s.failAt(i)
		}
	}
	s.i = i
	return true
}

// failAt fails a number read up to i: at the end of b, it may go on past it.
func (s *scanner) failAt(i int) bool {
	s.short = s.short || i == len(s.b)
	return s.fail()
}
