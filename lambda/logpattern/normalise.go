package logpattern

import (
	"net/netip"
	"strings"
	"unicode/utf8"
)

// Placeholders that stand for the variable parts of a line.
const (
	PhUUID  = "<uuid>"
	PhHex   = "<hex>"
	PhNum   = "<num>"
	PhIP    = "<ip>"
	PhTime  = "<ts>"
	PhStr   = "<str>"
	PhEmail = "<email>"
	PhID    = "<id>"
)

// maxNormalised bounds the text a pattern is made of: the start of a line says what it is,
// and a 256 KB line must not cost its length in work or in the store.
const maxNormalised = 400

// Normalise replaces the variable parts of a line with placeholders, so that lines that say
// the same thing about different things read the same: "order 123 not found" and "order 456
// not found" both become "order <num> not found". In order of precedence it replaces
// quoted values, e-mail addresses, UUIDs, timestamps (ISO 8601, RFC 3339, syslog and common
// log formats, times of day), IP addresses (v4 with an optional port, v6), hex ids (0x…, and
// runs of hex digits mixing digits and letters), long ids mixing letters and digits, and
// numbers; runs of white space become one space. The result is cut to a few hundred bytes.
// Secrets must be redacted before: Normalise keeps words as they are.
func Normalise(s string) string {
	var b strings.Builder
	b.Grow(min(len(s), maxNormalised+16))
	space := false
	for i := 0; i < len(s) && b.Len() < maxNormalised; {
		c := s[i]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			space = b.Len() > 0
			i++
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		boundary := i == 0 || !isWord(s[i-1])
		if n, ph := token(s, i, boundary); n > 0 {
			b.WriteString(ph)
			i += n
			continue
		}
		if isWord(c) {
			// Copy the rest of the word: placeholders start only at a word's start.
			j := i + 1
			for j < len(s) && isWord(s[j]) {
				j++
			}
			b.WriteString(s[i:j])
			i = j
			continue
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		b.WriteString(s[i : i+size])
		i += size
	}
	out := b.String()
	if len(out) > maxNormalised {
		out = out[:runeStart(out, maxNormalised)]
	}
	return out
}

// token matches a variable part at s[i:], returning its length and placeholder, or 0.
func token(s string, i int, boundary bool) (int, string) {
	c := s[i]
	switch c {
	case '"', '\'', '`':
		if n := quoted(s, i); n > 0 {
			return n, string(c) + PhStr + string(c)
		}
		return 0, ""
	}
	if !boundary {
		return 0, ""
	}
	if isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-' {
		if n := email(s, i); n > 0 {
			return n, PhEmail
		}
	}
	if !isAlnum(c) && c != ':' {
		return 0, ""
	}
	if n := uuid(s, i); n > 0 {
		return n, PhUUID
	}
	if isDigit(c) {
		if n := timestamp(s, i); n > 0 {
			return n, PhTime
		}
	}
	if isLetter(c) {
		if n := syslogTime(s, i); n > 0 {
			return n, PhTime
		}
	}
	if n := ip(s, i); n > 0 {
		return n, PhIP
	}
	if c == '0' && i+2 < len(s) && (s[i+1] == 'x' || s[i+1] == 'X') && isHex(s[i+2]) {
		j := i + 2
		for j < len(s) && isHex(s[j]) {
			j++
		}
		if j == len(s) || !isWord(s[j]) {
			return j - i, PhHex
		}
	}
	if c == ':' {
		return 0, ""
	}
	// A whole word: an id if it mixes digits with letters, a number if it is digits.
	j := i
	digits, letters, hexOnly := 0, 0, true
	for j < len(s) && isAlnum(s[j]) {
		switch {
		case isDigit(s[j]):
			digits++
		default:
			letters++
			if !isHex(s[j]) {
				hexOnly = false
			}
		}
		j++
	}
	word := j - i
	switch {
	case digits > 0 && letters > 0 && hexOnly && word >= 6:
		return word, PhHex
	case digits >= 2 && letters > 0 && word >= 10:
		return word, PhID
	}
	if isDigit(c) {
		return number(s, i), PhNum
	}
	return 0, ""
}

// number matches digits with an optional fraction; a sign before is kept as text.
func number(s string, i int) int {
	j := i
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	if j+1 < len(s) && (s[j] == '.' || s[j] == ',') && isDigit(s[j+1]) {
		j++
		for j < len(s) && isDigit(s[j]) {
			j++
		}
	}
	return j - i
}

// quoted matches a quoted value on one line, escapes included. An unclosed quote (an
// apostrophe in prose) matches nothing.
func quoted(s string, i int) int {
	q := s[i]
	if q == '\'' && i > 0 && isLetter(s[i-1]) {
		return 0 // don't, it's
	}
	for j := i + 1; j < len(s) && j-i < 4096; j++ {
		switch s[j] {
		case '\\':
			j++
		case '\n':
			return 0
		case q:
			if j == i+1 {
				return 0 // "" says nothing variable
			}
			return j - i + 1
		}
	}
	return 0
}

func uuid(s string, i int) int {
	const n = 36
	if i+n > len(s) || (i+n < len(s) && isWord(s[i+n])) {
		return 0
	}
	for k := 0; k < n; k++ {
		c := s[i+k]
		if k == 8 || k == 13 || k == 18 || k == 23 {
			if c != '-' {
				return 0
			}
		} else if !isHex(c) {
			return 0
		}
	}
	return n
}

// email matches local@domain.tld starting at a word's start.
func email(s string, i int) int {
	j := i
	for j < len(s) && (isAlnum(s[j]) || strings.IndexByte("._%+-", s[j]) >= 0) {
		j++
	}
	if j == i || j >= len(s) || s[j] != '@' {
		return 0
	}
	k, dots := j+1, 0
	for k < len(s) && (isAlnum(s[k]) || s[k] == '-' || s[k] == '.') {
		if s[k] == '.' {
			dots++
		}
		k++
	}
	for k > j+1 && s[k-1] == '.' {
		k--
		dots--
	}
	if dots == 0 || k-j < 4 {
		return 0
	}
	return k - i
}

// timestamp matches dates and times that start with a digit: 2026-03-01, 2026-03-01T10:00:00Z,
// 2026-03-01 10:00:00,123, 2026/03/01 10:00:00, 01/Mar/2026:10:00:00 +0000, 10:00:00.123.
func timestamp(s string, i int) int {
	j := i
	digits := func(n int) bool {
		for k := 0; k < n; k++ {
			if j+k >= len(s) || !isDigit(s[j+k]) {
				return false
			}
		}
		j += n
		return true
	}
	at := func(c byte) bool {
		if j < len(s) && s[j] == c {
			j++
			return true
		}
		return false
	}
	date, clf := false, false
	switch {
	case digits(4) && (at('-') || at('/')):
		sep := s[j-1]
		if !digits(2) || !at(sep) || !digits(2) {
			return 0
		}
		date = true
	default:
		j = i
		// 01/Mar/2026:10:00:00 +0000 (common log format)
		if digits(2) && at('/') && j+4 <= len(s) && isLetter(s[j]) && isLetter(s[j+1]) && isLetter(s[j+2]) && s[j+3] == '/' {
			j += 4
			if !digits(4) {
				return 0
			}
			if !at(':') {
				return j - i
			}
			clf = true
		} else {
			j = i
		}
	}
	if date && !clf && !(at('T') || at(' ') || at('_')) {
		return j - i
	}
	mark := j
	if !clock(s, &j) {
		if date {
			return mark - 1 - i // the date alone; the separator stays
		}
		return 0
	}
	// Fraction, then zone.
	if j+1 < len(s) && (s[j] == '.' || s[j] == ',') && isDigit(s[j+1]) {
		j++
		for j < len(s) && isDigit(s[j]) {
			j++
		}
	}
	switch {
	case at('Z'):
	case j < len(s) && (s[j] == '+' || s[j] == '-'):
		k := j
		j++
		if digits(2) {
			at(':')
			if !digits(2) {
				j = k
			}
		} else {
			j = k
		}
	case j+1 < len(s) && s[j] == ' ' && (s[j+1] == '+' || s[j+1] == '-'):
		k := j
		j += 2
		if !digits(4) {
			j = k
		}
	}
	return j - i
}

// clock matches hh:mm:ss at s[*j:] and advances j.
func clock(s string, j *int) bool {
	k := *j
	if k+8 > len(s) {
		return false
	}
	if !isDigit(s[k]) || !isDigit(s[k+1]) || s[k+2] != ':' || !isDigit(s[k+3]) || !isDigit(s[k+4]) || s[k+5] != ':' || !isDigit(s[k+6]) || !isDigit(s[k+7]) {
		return false
	}
	if k+8 < len(s) && isDigit(s[k+8]) {
		return false
	}
	*j = k + 8
	return true
}

var months = []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// syslogTime matches "Mar  1 10:00:00".
func syslogTime(s string, i int) int {
	if i+15 > len(s) {
		return 0
	}
	ok := false
	for _, m := range months {
		if s[i:i+3] == m {
			ok = true
			break
		}
	}
	if !ok || s[i+3] != ' ' {
		return 0
	}
	j := i + 4
	if s[j] == ' ' {
		j++
	}
	k := j
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	if j == k || j-k > 2 || j >= len(s) || s[j] != ' ' {
		return 0
	}
	j++
	if !clock(s, &j) {
		return 0
	}
	return j - i
}

// ip matches an IPv4 address (with an optional :port, which stays a number) or an IPv6
// address.
func ip(s string, i int) int {
	j := i
	colons, dots := 0, 0
	for j < len(s) && (isHex(s[j]) || s[j] == ':' || s[j] == '.') && j-i < 45 {
		switch s[j] {
		case ':':
			colons++
		case '.':
			dots++
		}
		j++
	}
	for j > i && (s[j-1] == '.' || s[j-1] == ':') {
		if s[j-1] == ':' {
			colons--
		} else {
			dots--
		}
		j--
	}
	if j < len(s) && isWord(s[j]) {
		return 0
	}
	cand := s[i:j]
	switch {
	case colons == 0 && dots == 3:
		if a, err := netip.ParseAddr(cand); err == nil && a.Is4() {
			return j - i
		}
	case colons >= 2:
		if a, err := netip.ParseAddr(cand); err == nil && a.Is6() {
			return j - i
		}
	case colons == 1 && dots == 3:
		host, _, _ := strings.Cut(cand, ":")
		if a, err := netip.ParseAddr(host); err == nil && a.Is4() {
			return len(host)
		}
	}
	return 0
}

func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isAlnum(c byte) bool  { return isDigit(c) || isLetter(c) }
func isHex(c byte) bool    { return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

// isWord: ASCII letters and digits, and any byte of a non-ASCII character. "_" and "-" end a
// word, so user_123 becomes user_<num>.
func isWord(c byte) bool { return isAlnum(c) || c >= utf8.RuneSelf }

func runeStart(s string, i int) int {
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return i
}
