package logtail

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// Marker replaces every secret the Redactor finds.
const Marker = "[redacted]"

// urlMarker stands for the password of a URL's userinfo: brackets there would make the URL
// read as malformed and stop chat linkifiers short.
const urlMarker = "***"

// Redactor removes secrets from log lines: AWS access key ids, secret keys, bearer and basic
// credentials, passwords in URLs, Slack and GitHub tokens, chat webhook URLs, JWTs, values of
// password/secret/token/api-key style keys, and patterns the user configures. It errs towards
// redacting: a missed secret is posted to a channel, an extra marker costs a click.
// A Redactor is safe for concurrent use.
type Redactor struct {
	// own are the configured patterns, applied after the built-in rules.
	own []rule
}

// rule replaces what re matches: the subexpression named "secret" when it has one, else the
// whole match.
type rule struct {
	name string
	re   *regexp.Regexp
	// hints are lower-case substrings one of which a line must hold for re to match at all;
	// checking them first keeps ordinary lines off the regexp engine. Nil means always try.
	hints  []string
	secret int    // subexpression index; 0 for the whole match
	with   string // the replacement
	// keep, when set, spares a match that only looks like a secret.
	keep func(secret string) bool
}

// builtin lists the rules every Redactor applies, most specific first, so a token inside a
// webhook URL or an Authorization header is named by the rule that knows its shape. No rule
// matches a value that starts with "[", so a marker one rule wrote is left alone by the next.
// They are compiled when the first line is redacted, not when a Redactor is made: every
// notifier makes one at start (its log patterns), and most starts redact nothing.
var builtin = sync.OnceValue(func() []rule {
	return []rule{
		newRule("slack-webhook", `https://hooks\.slack(?:-gov)?\.com/(?:services|workflows|triggers)/(?P<secret>[A-Za-z0-9_/\-]+)`, Marker, "hooks.slack"),
		newRule("discord-webhook", `https://(?:[a-z]+\.)?discord(?:app)?\.com/api/webhooks/(?P<secret>[0-9]+/[A-Za-z0-9_\-]+)`, Marker, "discord"),
		newRule("slack-token", `\bxox[abposre]-[A-Za-z0-9\-]{8,}`, Marker, "xox"),
		newRule("github-token", `\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})`, Marker, "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
		newRule("aws-access-key-id", `\b(?:AKIA|ASIA)[A-Z0-9]{16}\b`, Marker, "akia", "asia"),
		newRule("jwt", `\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*`, Marker, "eyj"),
		newRule("authorization", `(?i)\b(?:proxy-)?authorization["']?\s*[:=]\s*["']?(?:(?:basic|digest|bearer|token|negotiate|aws4-hmac-sha256)\s+)?(?P<secret>[^\s"',;\[][^\s"',;]*)`, Marker, "authorization").spare(func(secret string) bool {
			// "Authorization: Bearer [redacted]" read without its scheme would take "Bearer" for
			// the credential.
			return authSchemes[strings.ToLower(secret)]
		}),
		newRule("bearer", `(?i)\bbearer\s+(?P<secret>[A-Za-z0-9\-._~+/]{8,}=*)`, Marker, "bearer"),
		newRule("url-password", `\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s:@/?#]*:(?P<secret>[^\s@/?#]+)@`, urlMarker, "://"),
		// key=value, key: value and "key": "value" for keys that name a secret. The value is a
		// quoted string or a run up to a delimiter; it may not start with "[" so a marker already
		// put there stays as it is.
		newRule("secret-value", `(?i)[\w.\-]*(?:secret|passw(?:or)?d|pwd|token|api[_\-]?key|access[_\-]?key|private[_\-]?key|credentials?)[\w.\-]*["']?\s*[:=]\s*(?P<secret>"(?:[^"\\\[]|\\.)(?:[^"\\]|\\.)*"|'[^'\[][^']*'|[^\s"',;&}\])\[][^\s"',;&}\])]*)`,
			Marker, "secret", "passw", "pwd", "token", "key", "credential"),
	}
})

var authSchemes = map[string]bool{"basic": true, "digest": true, "bearer": true, "token": true, "negotiate": true, "aws4-hmac-sha256": true}

func (ru rule) spare(keep func(string) bool) rule {
	ru.keep = keep
	return ru
}

func newRule(name, expr, with string, hints ...string) rule {
	re := regexp.MustCompile(expr)
	return rule{name: name, re: re, hints: hints, secret: max(re.SubexpIndex("secret"), 0), with: with}
}

// NewRedactor returns a Redactor applying the built-in rules, then patterns (config.Logs'
// Redact, compiled by its Compile).
func NewRedactor(patterns []*regexp.Regexp) *Redactor { return newRedactor(rules(patterns)) }

func newRedactor(own []rule) *Redactor { return &Redactor{own: own} }

// rules turns compiled patterns into a Redactor's rules, named after their place in the list.
func rules(patterns []*regexp.Regexp) []rule {
	out := make([]rule, len(patterns))
	for i, re := range patterns {
		out[i] = rule{name: fmt.Sprintf("redact[%d]", i), re: re, secret: max(re.SubexpIndex("secret"), 0), with: Marker}
	}
	return out
}

// Redact returns line with every secret it finds replaced.
func (r *Redactor) Redact(line string) string {
	line, lower := redact(builtin(), line, strings.ToLower(line))
	line, _ = redact(r.own, line, lower)
	return line
}

// redact applies rules in turn to line, whose lower-case form is lower.
func redact(rules []rule, line, lower string) (string, string) {
	for i := range rules {
		ru := &rules[i]
		if ru.hints != nil && !containsAny(lower, ru.hints) {
			continue
		}
		if out := ru.apply(line); out != line {
			line, lower = out, strings.ToLower(out)
		}
	}
	return line, lower
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func (ru *rule) apply(s string) string {
	matches := ru.re.FindAllStringSubmatchIndex(s, -1)
	if matches == nil {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for _, m := range matches {
		start, end := m[2*ru.secret], m[2*ru.secret+1]
		if start < 0 || start < last || ru.keep != nil && ru.keep(s[start:end]) {
			continue
		}
		b.WriteString(s[last:start])
		b.WriteString(quoted(s[start:end], ru.with))
		last = end
	}
	b.WriteString(s[last:])
	return b.String()
}

// quoted keeps the quotes around a quoted secret, so JSON stays JSON.
func quoted(secret, with string) string {
	if n := len(secret); n >= 2 && (secret[0] == '"' || secret[0] == '\'') && secret[n-1] == secret[0] {
		return secret[:1] + with + secret[:1]
	}
	return with
}
