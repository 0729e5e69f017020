package envelope

import (
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
func (s *scanner) name(scratch []byte) []byte {
	if s.peek() != '"' {
		s.fail()
		return nil
	}
	key := s.str(scratch[:0], true)
	if !s.expect(':') {
		return nil
	}
	return key
}

// str reads the string at s.i, validating it, and returns its content appended to dst; with
// alias set, a string without escapes or invalid UTF-8 is returned as a slice of the document
// instead (the caller must not keep it).
func (s *scanner) str(dst []byte, alias bool) []byte {
	s.i++ // the opening quote
	b := s.b
	start := s.i
	i := s.i
	for i < len(b) && plain[b[i]] {
		i++
	}
	if i < len(b) && b[i] == '"' {
		s.i = i + 1
		if alias {
			return b[start:i]
		}
		return append(dst, b[start:i]...)
	}
	// Escapes come every few bytes in a document held in a string held in a string: the
	// common ones are copied in the loop that copies plain bytes, into room made at once
	// (the rest of the document bounds the string; a message is most of its notification).
	if dst == nil {
		dst = make([]byte, 0, min(len(b)-start, 64<<10))
	}
	dst = append(dst, b[start:i]...)
	for {
		for i < len(b) {
			c := b[i]
			if plain[c] {
				dst = append(dst, c)
				i++
				continue
			}
			if c == '\\' && i+1 < len(b) && (b[i+1] == '"' || b[i+1] == '\\' || b[i+1] == '/') {
				dst = append(dst, b[i+1])
				i += 2
				continue
			}
			break
		}
		if i == len(b) {
			s.cut()
			return nil
		}
		switch c := b[i]; {
		case c == '"':
			s.i = i + 1
			return dst
		case c == '\\':
			if i+1 == len(b) {
				s.cut()
				return nil
			}
			switch e := b[i+1]; e {
			case '"', '\\', '/':
				dst = append(dst, e)
			case 'b':
				dst = append(dst, '\b')
			case 'f':
				dst = append(dst, '\f')
			case 'n':
				dst = append(dst, '\n')
			case 'r':
				dst = append(dst, '\r')
			case 't':
				dst = append(dst, '\t')
			case 'u':
				r, ok := hex4(b[i+2:])
				if !ok {
					if len(b)-i < 6 {
						s.cut()
					}
					s.fail()
					return nil
				}
				i += 4
				if utf16.IsSurrogate(r) {
					// A pair makes one character; anything else is U+FFFD, as encoding/json reads it.
					r2, ok2 := rune(-1), false
					if i+3 < len(b) && b[i+2] == '\\' && b[i+3] == 'u' {
						r2, ok2 = hex4(b[i+4:])
					}
					if dec := utf16.DecodeRune(r, r2); ok2 && dec != unicode.ReplacementChar {
						r = dec
						i += 6
					} else {
						r = unicode.ReplacementChar
					}
				}
				dst = utf8.AppendRune(dst, r)
			default:
				s.fail()
				return nil
			}
			i += 2
		case c < 0x20:
			s.fail()
			return nil
		default: // the start of a multi-byte sequence
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 {
				dst = utf8.AppendRune(dst, unicode.ReplacementChar)
			} else {
				dst = append(dst, b[i:i+size]...)
			}
			i += size
		}
	}
}

// skipString validates the string at s.i and moves past it.
func (s *scanner) skipString() bool {
	b := s.b
	i := s.i + 1
	for {
		for i < len(b) && plain[b[i]] {
			i++
		}
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
