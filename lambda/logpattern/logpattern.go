// Package logpattern turns application log lines into patterns: what a line says with its
// variable parts (ids, numbers, addresses, times, quoted values) replaced by placeholders,
// and, where the language's format makes them clear, the exception's type and first line
// (Go panics, Java and Python tracebacks, JSON logs with a level and msg/message, logfmt).
// Lines that say the same thing share a pattern and its fingerprint, so ten thousand
// "order 123 not found" lines are one thing to tell.
//
// Secrets go first: every line is cleaned and redacted as the log tail's lines are
// (logtail.Redactor.Clean) before anything else reads it, so no pattern, sample or
// fingerprint holds a secret, a control character or a bidirectional override.
//
// Fingerprints are versioned ("lp1-…"). A later scheme gets a new prefix, and Pattern.Aliases
// lists what the older schemes make of the same occurrence, so that a pattern seen before a
// change is recognised after it rather than told again as new.
package logpattern

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/foghornhq/foghorn/lambda/logtail"
	"github.com/foghornhq/foghorn/lambda/text"
)

// Scheme is the current fingerprint scheme's version.
const Scheme = 1

// Line is one log event of a stream.
type Line struct {
	ID      string
	Time    time.Time
	Message string
}

// Occurrence is one thing that happened: a log event, or the events of one stack trace that
// arrived one per line.
type Occurrence struct {
	Lines []Line
}

// Head is the occurrence's first event.
func (o Occurrence) Head() Line { return o.Lines[0] }

// Pattern is what an occurrence says, with its variable parts taken out.
type Pattern struct {
	// Fingerprint identifies the pattern under the current scheme: "lp1-" and 16 hex digits.
	Fingerprint string
	// Aliases are the fingerprints older schemes give the same occurrence; none yet.
	Aliases []string
	// Text is the normalised pattern as people read it.
	Text string
	// Exception is the exception or error type, when the format says it: "panic",
	// "java.lang.IllegalStateException", "ValueError".
	Exception string
	// Format names what was recognised: "go-panic", "java", "python", "json", "logfmt" or
	// "text".
	Format string
	// Level is the severity word the line carries, upper case: FATAL, ERROR, WARN, … or "".
	Level string
	// Samples are the occurrence's lines as they arrived, redacted, cleaned of control
	// characters and cut: the head, and the exception's line when it is another one.
	Samples []string
}

// Critical reports whether the pattern is a crash rather than an error: a panic, a fatal
// or critical level, an uncaught exception.
func (p Pattern) Critical() bool {
	switch p.Level {
	case "FATAL", "CRITICAL", "PANIC", "EMERGENCY", "ALERT":
		return true
	}
	return p.Exception == "panic" || p.Exception == "fatal error" || strings.HasPrefix(p.Text, "Exception in thread ")
}

// SampleBytes caps each sample line.
const SampleBytes = 512

// Normaliser makes patterns. It is safe for concurrent use.
type Normaliser struct {
	redactor *logtail.Redactor
}

// New returns a Normaliser redacting with the log tail's built-in rules and the given
// patterns (config.Logs' Redact, compiled).
func New(redact []*regexp.Regexp) *Normaliser {
	return &Normaliser{redactor: logtail.NewRedactor(redact)}
}

// Pattern returns the pattern of an occurrence.
func (n *Normaliser) Pattern(o Occurrence) Pattern {
	lines := make([]string, 0, len(o.Lines))
	for _, l := range o.Lines {
		for _, part := range strings.Split(l.Message, "\n") {
			if part = n.clean(part); strings.TrimSpace(part) != "" {
				lines = append(lines, part)
			}
		}
	}
	if len(lines) == 0 {
		lines = []string{""}
	}
	p := parse(lines)
	p.Samples = []string{sample(lines[0])}
	if p.exceptionLine > 0 {
		p.Samples = append(p.Samples, sample(lines[p.exceptionLine]))
	}
	p.Fingerprint = Fingerprint(Scheme, p.Exception, p.Text)
	return p.Pattern
}

// maxLine is as much of a line as is read: nothing after the first few kilobytes changes
// what a line is.
const maxLine = 8192

// clean makes a line safe to read the way the log tail does: escapes and unsafe characters
// go, then secrets, and very long lines are cut.
func (n *Normaliser) clean(s string) string {
	s, _ = n.redactor.Clean(s, maxLine)
	return s
}

func sample(s string) string {
	return text.Bytes(strings.TrimRightFunc(s, unicode.IsSpace), SampleBytes)
}

// Fingerprint is the versioned fingerprint of a pattern: the scheme, then a hash of the
// exception type and the normalised text. config.ValidFingerprint checks its shape where a
// team names one (noise.mutedPatterns).
func Fingerprint(scheme int, exception, text string) string {
	h := sha256.Sum256([]byte(exception + "\x00" + text))
	return "lp" + string(rune('0'+scheme)) + "-" + hex.EncodeToString(h[:8])
}

// parsed is a pattern and the index of the line holding its exception, if another than the
// first.
type parsed struct {
	Pattern
	exceptionLine int
}

func parse(lines []string) parsed {
	head := lines[0]
	trimmed := strings.TrimSpace(head)
	switch {
	case strings.HasPrefix(trimmed, "{") && strings.HasSuffix(trimmed, "}"):
		if p, ok := fromJSON(trimmed); ok {
			return parsed{Pattern: p}
		}
	case strings.HasPrefix(trimmed, "panic: ") || strings.HasPrefix(trimmed, "fatal error: "):
		kind, msg, _ := strings.Cut(trimmed, ": ")
		kind = strings.TrimSpace(kind)
		return parsed{Pattern: Pattern{Exception: kind, Format: "go-panic", Level: "PANIC", Text: kind + ": " + Normalise(msg)}}
	case strings.HasPrefix(trimmed, "Traceback (most recent call last)"):
		// The exception is the last line that is not a frame.
		for i := len(lines) - 1; i > 0; i-- {
			if typ, msg, ok := exceptionLine(lines[i]); ok {
				return parsed{Pattern: Pattern{Exception: typ, Format: "python", Level: "ERROR", Text: typ + ": " + Normalise(msg)}, exceptionLine: i}
			}
		}
		return parsed{Pattern: Pattern{Format: "python", Level: "ERROR", Text: Normalise(trimmed)}}
	}
	if typ, msg, ok := javaException(trimmed); ok {
		return parsed{Pattern: Pattern{Exception: typ, Format: "java", Level: "ERROR", Text: javaText(trimmed, typ, msg)}}
	}
	if p, ok := fromLogfmt(trimmed); ok {
		return parsed{Pattern: p}
	}
	if typ, msg, ok := exceptionLine(trimmed); ok && len(lines) == 1 {
		// A Python exception line on its own (its traceback's head came in another
		// delivery, or was filtered out): the same pattern as the whole traceback.
		return parsed{Pattern: Pattern{Exception: typ, Format: "python", Level: "ERROR", Text: typ + ": " + Normalise(msg)}}
	}
	p := parsed{Pattern: Pattern{Format: "text", Level: levelWord(trimmed), Text: Normalise(trimmed)}}
	// A header line ("ERROR Failed to process order 42") followed by its exception: the
	// exception's type sets the pattern apart; its message stays a sample.
	for i := 1; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if strings.HasPrefix(l, "Traceback (most recent call last)") {
			for k := len(lines) - 1; k > i; k-- {
				if typ, _, ok := exceptionLine(lines[k]); ok {
					p.Exception, p.Format, p.exceptionLine = typ, "python", k
					return p
				}
			}
			continue
		}
		if strings.HasPrefix(l, "panic: ") {
			p.Exception, p.Format, p.exceptionLine = "panic", "go-panic", i
			return p
		}
		if typ, _, ok := javaException(strings.TrimPrefix(l, "Caused by: ")); ok {
			p.Exception, p.Format, p.exceptionLine = typ, "java", i
			return p
		}
	}
	return p
}

// javaText is the pattern of a Java exception line: "Exception in thread "main" " kept as
// it is (the thread name is a quoted value), the type, and the normalised message.
func javaText(line, typ, msg string) string {
	prefix := ""
	if strings.HasPrefix(line, "Exception in thread ") {
		prefix = "Exception in thread " + Normalise(strings.TrimPrefix(line[:strings.Index(line, typ)], "Exception in thread ")) + " "
	}
	if msg == "" {
		return prefix + typ
	}
	return prefix + typ + ": " + Normalise(msg)
}

var (
	// java.lang.IllegalStateException: msg; com.acme.PaymentError; Exception in thread "main" …
	javaRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(?:Exception in thread "[^"]*" )?((?:[a-zA-Z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error|Throwable|Fault))(?::\s?(.*))?$`)
	})
	// ValueError: msg; requests.exceptions.ConnectionError: msg; KeyboardInterrupt
	pythonRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^((?:[A-Za-z_]\w*\.)*[A-Z]\w*(?:Error|Exception|Exit|Interrupt|Warning|Fault|Timeout|NotFound|Denied))(?::\s?(.*))?$`)
	})
)

func javaException(line string) (typ, msg string, ok bool) {
	m := javaRE().FindStringSubmatch(line)
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}

func exceptionLine(line string) (typ, msg string, ok bool) {
	if line == "" || line[0] == ' ' || line[0] == '\t' {
		return "", "", false // a frame, or its source line
	}
	m := pythonRE().FindStringSubmatch(strings.TrimSpace(line))
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}

// levels are the severity words a line may carry, in the order they are looked for.
var levels = []string{"FATAL", "CRITICAL", "PANIC", "EMERGENCY", "ALERT", "ERROR", "ERR", "SEVERE", "WARNING", "WARN", "INFO", "DEBUG"}

// levelWord finds a level among the first words of a line: "ERROR", "[error]", "level=error",
// "E0301" is not one.
func levelWord(line string) string {
	words := strings.FieldsFunc(line[:min(len(line), 120)], func(r rune) bool {
		return !unicode.IsLetter(r)
	})
	for _, w := range words {
		u := strings.ToUpper(w)
		for _, l := range levels {
			if u == l && (w == u || w == strings.ToLower(w) || w == strings.ToUpper(w[:1])+strings.ToLower(w[1:])) {
				return canonicalLevel(u)
			}
		}
	}
	return ""
}

// jsonLevel reads a level word, or a pino/bunyan number (10 trace … 60 fatal).
func jsonLevel(s string) string {
	switch strings.TrimSpace(s) {
	case "10":
		return "TRACE"
	case "20":
		return "DEBUG"
	case "30":
		return "INFO"
	case "40":
		return "WARN"
	case "50":
		return "ERROR"
	case "60":
		return "FATAL"
	}
	return canonicalLevel(strings.ToUpper(strings.TrimSpace(s)))
}

func canonicalLevel(u string) string {
	switch u {
	case "ERR", "SEVERE":
		return "ERROR"
	case "WARNING":
		return "WARN"
	}
	return u
}

// JSON logs: the keys loggers use for the level, the message and the error.
var (
	jsonLevelKeys = []string{"level", "lvl", "severity", "levelname", "log.level", "@l", "loglevel"}
	jsonMsgKeys   = []string{"msg", "message", "@m", "@mt", "event"}
	jsonErrKeys   = []string{"error.type", "error.kind", "exception.type", "exc_type", "error_type", "err.type", "error.class"}
	jsonErrText   = []string{"error", "err", "exception", "exc_info", "stack_trace", "error.message"}
)

func fromJSON(s string) (Pattern, bool) {
	var m map[string]any
	if json.Unmarshal([]byte(s), &m) != nil {
		return Pattern{}, false
	}
	msg, hasMsg := field(m, jsonMsgKeys)
	level, hasLevel := field(m, jsonLevelKeys)
	if !hasMsg && !hasLevel {
		return Pattern{}, false
	}
	p := Pattern{Format: "json", Level: jsonLevel(level)}
	if typ, ok := field(m, jsonErrKeys); ok {
		p.Exception = strings.TrimSpace(typ)
	} else if text, ok := field(m, jsonErrText); ok {
		// A Python traceback or a Java stack in a field: its exception's type.
		tl := strings.Split(strings.TrimSpace(text), "\n")
		if strings.HasPrefix(tl[0], "Traceback") {
			for i := len(tl) - 1; i > 0; i-- {
				if typ, _, ok := exceptionLine(tl[i]); ok {
					p.Exception = typ
					break
				}
			}
		} else if typ, _, ok := javaException(tl[0]); ok {
			p.Exception = typ
		} else if typ, _, ok := exceptionLine(tl[0]); ok {
			p.Exception = typ
		}
	}
	text := Normalise(firstLine(msg))
	if text == "" {
		text = "(no message)"
	}
	if p.Level != "" {
		text = strings.ToLower(p.Level) + ": " + text
	}
	p.Text = text
	return p, true
}

// field returns the first of keys present as a string (or a number, as text), looking into
// nested objects for dotted keys.
func field(m map[string]any, keys []string) (string, bool) {
	for _, k := range keys {
		v, ok := m[k]
		if !ok && strings.Contains(k, ".") {
			outer, inner, _ := strings.Cut(k, ".")
			if o, isObj := m[outer].(map[string]any); isObj {
				v, ok = o[inner]
			}
		}
		switch v := v.(type) {
		case string:
			if ok {
				return v, true
			}
		case float64:
			return strconv.FormatFloat(v, 'f', -1, 64), true
		}
	}
	return "", false
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}

// fromLogfmt reads `level=error msg="…" err="…"` lines: the quoted message is the pattern,
// not a value to hide.
func fromLogfmt(s string) (Pattern, bool) {
	if !strings.Contains(s, "msg=") && !strings.Contains(s, "message=") {
		return Pattern{}, false
	}
	kv := logfmt(s)
	msg, ok := kv["msg"]
	if !ok {
		msg, ok = kv["message"]
	}
	if !ok {
		return Pattern{}, false
	}
	level := canonicalLevel(strings.ToUpper(firstOf(kv["level"], kv["lvl"], kv["severity"])))
	text := Normalise(msg)
	if level != "" {
		text = strings.ToLower(level) + ": " + text
	}
	p := Pattern{Format: "logfmt", Level: level, Text: text}
	if e := firstOf(kv["error.type"], kv["error_type"]); e != "" {
		p.Exception = e
	}
	return p, true
}

// logfmt splits key=value pairs; values may be quoted with escapes.
func logfmt(s string) map[string]string {
	out := map[string]string{}
	for i := 0; i < len(s); {
		for i < len(s) && s[i] == ' ' {
			i++
		}
		k := i
		for i < len(s) && s[i] != '=' && s[i] != ' ' {
			i++
		}
		if i >= len(s) || s[i] != '=' {
			continue
		}
		key := s[k:i]
		i++
		var val string
		if i < len(s) && s[i] == '"' {
			var b strings.Builder
			i++
			for i < len(s) && s[i] != '"' {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				b.WriteByte(s[i])
				i++
			}
			i++
			val = b.String()
		} else {
			v := i
			for i < len(s) && s[i] != ' ' {
				i++
			}
			val = s[v:i]
		}
		if _, dup := out[key]; !dup {
			out[key] = val
		}
	}
	return out
}

func firstOf(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// placeholders are every placeholder Normalise writes.
var placeholders = []string{PhUUID, PhHex, PhNum, PhIP, PhTime, PhStr, PhEmail, PhID}

// InsightsQuery is a CloudWatch Logs Insights query for the lines of a pattern: its literal
// parts in order, anything in between. Level prefixes the JSON and logfmt readers add
// ("error: ") are not in the lines and are left out.
func InsightsQuery(p Pattern) string {
	text := p.Text
	if p.Format == "json" || p.Format == "logfmt" {
		if _, rest, ok := strings.Cut(text, ": "); ok && p.Level != "" {
			text = rest
		}
	}
	parts := []string{text}
	for _, ph := range placeholders {
		var next []string
		for _, s := range parts {
			next = append(next, strings.Split(s, ph)...)
		}
		parts = next
	}
	var b strings.Builder
	n := 0
	for _, s := range parts {
		s = strings.TrimSpace(s)
		if s == "" || n == 6 {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(".*")
		}
		b.WriteString(regexQuote(s))
		n++
	}
	re := b.String()
	if re == "" {
		re = "."
	}
	return "fields @timestamp, @logStream, @message\n| filter @message like /" + re + "/\n| sort @timestamp desc\n| limit 100"
}

// regexQuote escapes a literal for a Logs Insights regular expression between slashes.
func regexQuote(s string) string {
	s = regexp.QuoteMeta(s)
	return strings.ReplaceAll(s, "/", `\/`)
}
