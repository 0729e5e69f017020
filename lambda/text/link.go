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
	if raw == "" || !utf8.ValidString(raw) {
		return "", false
	}
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
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", false
	}
	if printable(raw, "") && !strings.ContainsAny(raw, encode) {
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
