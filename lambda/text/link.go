package text

import (
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"
)

// refused reports whether r may not stand in a link as it is: a character RFC 3986 never
// allows unencoded, or an Unsafe one.
func refused(r rune) bool {
	return r <= ' ' || strings.ContainsRune("<>\"{}|\\^`", r) || Unsafe(r)
}

// urlASCII is refused's answer for each ASCII byte, negated: a URL is checked a byte at a
// time, and the runes behind the answer cost most of a link's check.
var urlASCII = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = !refused(rune(c))
	}
	return t
}()

// LinkURL returns raw as a URL safe to put in a link or button, or false. Characters that may
// not appear in a URL unencoded (RFC 3986) and Unsafe ones mean the link is not what it
// claims, so it is refused rather than repaired; non-ASCII (an IRI) and the characters in
// encode are percent-encoded. Only absolute http(s) URLs within maxLen bytes pass: a cut URL
// would lead somewhere else.
func LinkURL(raw string, maxLen int, encode string) (string, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", false
	}
	ascii := true // and so printable: urlASCII takes no control character or space
	for i := 0; i < len(raw); {
		if c := raw[i]; c < utf8.RuneSelf {
			if !urlASCII[c] {
				return "", false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(raw[i:])
		if refused(r) {
			return "", false
		}
		i += size
		ascii = false
	}
	if !ascii && !utf8.ValidString(raw) || !webURL(raw) {
		return "", false
	}
	if ascii && !strings.ContainsAny(raw, encode) {
		if len(raw) > maxLen {
			return "", false
		}
		return raw, true // nothing to percent-encode: the common case
	}
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c >= 0x80 || strings.IndexByte(encode, c) >= 0 {
			fmt.Fprintf(&b, "%%%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	if b.Len() > maxLen {
		return "", false
	}
	return b.String(), true
}

// webURL reports whether raw, which holds no character LinkURL refuses, parses as an absolute
// http(s) URL with a host. Most links are of one plain shape, which is checked here without
// url.Parse and its allocations: a lowercase scheme, a host name of letters, digits, dots and
// hyphens, and only well-formed percent escapes after it; that is where url.Parse could fail.
// Any other link is left to url.Parse.
func webURL(raw string) bool {
	rest, ok := strings.CutPrefix(raw, "https://")
	if !ok {
		if rest, ok = strings.CutPrefix(raw, "http://"); !ok {
			return parsesAsWebURL(raw)
		}
	}
	host := 0
	for host < len(rest) && hostByte[rest[host]] {
		host++
	}
	if host == 0 || host < len(rest) && rest[host] != '/' && rest[host] != '?' && rest[host] != '#' {
		return parsesAsWebURL(raw)
	}
	for i := host; i < len(rest); i++ {
		if rest[i] == '%' && (i+2 >= len(rest) || !isHex(rest[i+1]) || !isHex(rest[i+2])) {
			return parsesAsWebURL(raw)
		}
	}
	return true
}

// parsesAsWebURL is webURL by url.Parse.
func parsesAsWebURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// hostByte marks the bytes of a plain host name.
var hostByte = func() (t [256]bool) {
	for c := range t {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-'
	}
	return t
}()

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }
