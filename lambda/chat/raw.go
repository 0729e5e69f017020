package chat

import "unicode/utf8"

// Verbatim reports whether Encode writes raw, as a json.RawMessage, byte for byte as it is:
// raw is one JSON value, with no white space outside its strings, no U+2028 or U+2029 left
// unescaped in a string (Encode escapes them), no escaped surrogate, and nested at most
// maxVerbatimDepth deep. Bodies made by Encode or by the hand-written renderers are; a caller
// writing a message around its body copies such a body rather than have Encode read it
// again, and hands any other to Encode.
func Verbatim(raw []byte) bool {
	v := verbatim{b: raw}
	return v.value(0) && v.i == len(raw)
}

// maxVerbatimDepth bounds the recursion; deeper bodies are left to Encode.
const maxVerbatimDepth = 64

type verbatim struct {
	b []byte
	i int
}

func (v *verbatim) value(depth int) bool {
	if v.i >= len(v.b) {
		return false
	}
	switch c := v.b[v.i]; {
	case c == '"':
		return v.str()
	case c == '{':
		if depth == maxVerbatimDepth {
			return false
		}
		v.i++
		if v.at('}') {
			return true
		}
		for {
			if v.i >= len(v.b) || v.b[v.i] != '"' || !v.str() || !v.at(':') || !v.value(depth+1) {
				return false
			}
			if v.at('}') {
				return true
			}
			if !v.at(',') {
				return false
			}
		}
	case c == '[':
		if depth == maxVerbatimDepth {
			return false
		}
		v.i++
		if v.at(']') {
			return true
		}
		for {
			if !v.value(depth + 1) {
				return false
			}
			if v.at(']') {
				return true
			}
			if !v.at(',') {
				return false
			}
		}
	case c == 't':
		return v.literal("true")
	case c == 'f':
		return v.literal("false")
	case c == 'n':
		return v.literal("null")
	case c == '-' || '0' <= c && c <= '9':
		return v.number()
	}
	return false
}

// at consumes c if it comes next.
func (v *verbatim) at(c byte) bool {
	if v.i < len(v.b) && v.b[v.i] == c {
		v.i++
		return true
	}
	return false
}

func (v *verbatim) literal(lit string) bool {
	if len(v.b)-v.i < len(lit) || string(v.b[v.i:v.i+len(lit)]) != lit {
		return false
	}
	v.i += len(lit)
	return true
}

// number reads -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (v *verbatim) number() bool {
	b, i := v.b, v.i
	digits := func() bool {
		j := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		return i > j
	}
	if b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case !digits():
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if !digits() {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if !digits() {
			return false
		}
	}
	v.i = i
	return true
}

func (v *verbatim) str() bool {
	b, i := v.b, v.i+1
	for i < len(b) {
		// Most of a body's text is plain ASCII: eight bytes at a time pass over it.
		for i+8 <= len(b) && asIsWord(uint64(b[i])|uint64(b[i+1])<<8|uint64(b[i+2])<<16|uint64(b[i+3])<<24|
			uint64(b[i+4])<<32|uint64(b[i+5])<<40|uint64(b[i+6])<<48|uint64(b[i+7])<<56) {
			i += 8
		}
		if i == len(b) {
			return false
		}
		switch c := b[i]; {
		case c == '"':
			v.i = i + 1
			return true
		case c == '\\':
			if i+1 == len(b) {
				return false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if len(b)-i < 6 || !isHex(b[i+2]) || !isHex(b[i+3]) || !isHex(b[i+4]) || !isHex(b[i+5]) ||
					b[i+2] == 'd' || b[i+2] == 'D' { // U+D800–U+DFFF: surrogates are left to Encode
					return false
				}
				i += 6
			default:
				return false
			}
		case c < 0x20:
			return false
		case c < utf8.RuneSelf:
			i++
		case c == 0xe2 && i+2 < len(b) && b[i+1] == 0x80 && (b[i+2] == 0xa8 || b[i+2] == 0xa9):
			return false // U+2028 or U+2029, which Encode escapes
		default:
			i++ // any other byte, valid UTF-8 or not, Encode copies
		}
	}
	return false
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }
