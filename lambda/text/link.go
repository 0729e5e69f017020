package text

import (
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"
)

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
	for _, r := range raw {
		if r <= ' ' || strings.ContainsRune("<>\"{}|\\^`", r) || Unsafe(r) {
			return "", false
		}
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
