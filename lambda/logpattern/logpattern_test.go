package logpattern

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/config"
)

func TestNormalise(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"order 123 not found", "order <num> not found"},
		{"order 456 not found", "order <num> not found"},
		{"ERROR payment declined: card 4242 amount 12.50", "ERROR payment declined: card <num> amount <num>"},
		{"request 3f2b9c4e-8d1a-4b7e-9a3c-2e5f6d7c8b9a failed", "request <uuid> failed"},
		{"user bob.smith+test@example.co.uk not allowed", "user <email> not allowed"},
		{"connect to 10.0.12.7:5432 refused", "connect to <ip>:<num> refused"},
		{"dial tcp [2001:db8::1]:443: i/o timeout", "dial tcp [<ip>]:<num>: i/o timeout"},
		{"2026-03-01T10:00:00.123Z ERROR boom", "<ts> ERROR boom"},
		{"2026-03-01 10:00:00,123 ERROR boom", "<ts> ERROR boom"},
		{"2026/03/01 10:00:00 boom", "<ts> boom"},
		{"at 2026-03-01T10:00:00+01:00 and 10:00:01", "at <ts> and <ts>"},
		{`127.0.0.1 - - [01/Mar/2026:10:00:00 +0000] "GET /x HTTP/1.1" 500`, `<ip> - - [<ts>] "<str>" <num>`},
		{"Mar  1 10:00:00 host app: failure", "<ts> host app: failure"},
		{"object 0x7f3a9c00 freed twice", "object <hex> freed twice"},
		{"commit deadbeef1234 and abcdef123456", "commit <hex> and <hex>"},
		{"instance i-0abc123def4567890 unhealthy", "instance i-<hex> unhealthy"},
		{"session AbX92kLqPz77 expired", "session <id> expired"},
		{`user "alice" not found`, `user "<str>" not found`},
		{`KeyError: 'user_id'`, `KeyError: '<str>'`},
		{"don't retry, it's gone", "don't retry, it's gone"},
		{"user_123 and v2 and http2 stay words", "user_<num> and v2 and http2 stay words"},
		{"  many\t\tspaces   here ", "many spaces here"},
		{"took -12ms", "took -<num>ms"},
		{"ログ 12 件", "ログ <num> 件"},
	} {
		if got := Normalise(tc.in); got != tc.want {
			t.Errorf("Normalise(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

func TestNormaliseBounds(t *testing.T) {
	long := strings.Repeat("word ", 10000)
	if got := Normalise(long); len(got) > maxNormalised {
		t.Errorf("%d bytes, want at most %d", len(got), maxNormalised)
	}
	if got := Normalise(strings.Repeat("é", 1000)); !strings.HasPrefix(strings.Repeat("é", 1000), got) {
		t.Error("cut inside a character")
	}
}

func occ(msgs ...string) Occurrence {
	var o Occurrence
	for i, m := range msgs {
		o.Lines = append(o.Lines, Line{ID: string(rune('a' + i)), Time: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC), Message: m})
	}
	return o
}

func normaliser(t testing.TB) *Normaliser {
	t.Helper()
	return New([]*regexp.Regexp{regexp.MustCompile(`sess_[A-Za-z0-9]{8}`)})
}

func TestPatterns(t *testing.T) {
	n := normaliser(t)
	for _, tc := range []struct {
		name                    string
		o                       Occurrence
		text, exception, format string
		critical                bool
	}{
		{"plain", occ("ERROR order 123 not found"), "ERROR order <num> not found", "", "text", false},
		{"go panic", occ("panic: runtime error: index out of range [5] with length 3", "", "goroutine 1 [running]:", "main.main()", "\t/app/main.go:12 +0x1d"),
			"panic: runtime error: index out of range [<num>] with length <num>", "panic", "go-panic", true},
		{"java exception with frames", occ("java.lang.IllegalStateException: Order 42 not found", "\tat com.acme.Orders.get(Orders.java:10)", "Caused by: java.io.IOException: reset"),
			"java.lang.IllegalStateException: Order <num> not found", "java.lang.IllegalStateException", "java", false},
		{"java uncaught", occ(`Exception in thread "main" java.lang.NullPointerException`), `Exception in thread "<str>" java.lang.NullPointerException`, "java.lang.NullPointerException", "java", true},
		{"logger header and its exception", occ("2026-03-01 10:00:00 ERROR c.a.Checkout - Failed to charge order 42", "com.acme.PaymentDeclinedException: card declined"),
			"<ts> ERROR c.a.Checkout - Failed to charge order <num>", "com.acme.PaymentDeclinedException", "java", false},
		{"python traceback", occ("Traceback (most recent call last):", `  File "/app/main.py", line 12, in <module>`, "    int(x)", "ValueError: invalid literal for int() with base 10: 'abc'"),
			"ValueError: invalid literal for int() with base <num>: '<str>'", "ValueError", "python", false},
		{"python logging.exception", occ("ERROR:root:charge failed for 42", "Traceback (most recent call last):", "KeyError: 'card'"),
			"ERROR:root:charge failed for <num>", "KeyError", "python", false},
		{"json slog", occ(`{"time":"2026-03-01T10:00:00Z","level":"ERROR","msg":"payment declined for order 42","err":"card 4242 declined"}`),
			"error: payment declined for order <num>", "", "json", false},
		{"json with error type", occ(`{"level":"fatal","message":"cannot start","error":{"type":"ConfigError","message":"missing DATABASE_URL"}}`),
			"fatal: cannot start", "ConfigError", "json", true},
		{"json python logger with exc_info", occ(`{"levelname":"ERROR","message":"job 7 failed","exc_info":"Traceback (most recent call last):\n  File \"x.py\", line 1\nZeroDivisionError: division by zero"}`),
			"error: job <num> failed", "ZeroDivisionError", "json", false},
		{"logfmt", occ(`time=2026-03-01T10:00:00Z level=error msg="card 4242 declined for order 42" order=42`),
			"error: card <num> declined for order <num>", "", "logfmt", false},
		{"fatal level", occ("FATAL could not bind :8080"), "FATAL could not bind :<num>", "", "text", true},
		{"pino numeric level", occ(`{"level":60,"time":1,"msg":"configuration invalid","err":{"type":"ConfigError","message":"missing required env DATABASE_URL"}}`),
			"fatal: configuration invalid", "ConfigError", "json", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := n.Pattern(tc.o)
			if p.Text != tc.text || p.Exception != tc.exception || p.Format != tc.format || p.Critical() != tc.critical {
				t.Errorf("got text %q exception %q format %q critical %v\nwant text %q exception %q format %q critical %v",
					p.Text, p.Exception, p.Format, p.Critical(), tc.text, tc.exception, tc.format, tc.critical)
			}
			if !config.ValidFingerprint(p.Fingerprint) || !strings.HasPrefix(p.Fingerprint, "lp1-") {
				t.Errorf("fingerprint %q", p.Fingerprint)
			}
		})
	}
}

// The table: same pattern for the same message about different things, different
// for different exception types.
func TestFingerprints(t *testing.T) {
	n := normaliser(t)
	fp := func(msgs ...string) string { return n.Pattern(occ(msgs...)).Fingerprint }
	same := [][2]string{
		{"order 123 not found", "order 456 not found"},
		{"2026-03-01T10:00:00Z ERROR user 3f2b9c4e-8d1a-4b7e-9a3c-2e5f6d7c8b9a from 10.0.0.1 failed", "2026-03-02T11:30:00.5Z ERROR user 0b0a0c0d-1111-4222-8333-444455556666 from 192.168.7.20 failed"},
		{`{"level":"error","msg":"order 1 not found"}`, `{"msg":"order 99 not found","level":"error","ts":1}`},
		{"panic: assignment to entry in nil map", "panic: assignment to entry in nil map"},
		{"login failed for token=abc123secret", "login failed for token=zzz999other"},
	}
	for _, p := range same {
		if a, b := fp(p[0]), fp(p[1]); a != b {
			t.Errorf("%q and %q: %s != %s", p[0], p[1], a, b)
		}
	}
	differ := [][2][]string{
		{{"java.lang.IllegalStateException: order 1 not found"}, {"java.lang.IllegalArgumentException: order 1 not found"}},
		{{"Traceback (most recent call last):", "ValueError: bad order 1"}, {"Traceback (most recent call last):", "KeyError: bad order 1"}},
		{{"ERROR Failed to charge order 1", "com.acme.PaymentDeclinedException: x"}, {"ERROR Failed to charge order 1", "com.acme.GatewayTimeoutException: x"}},
		{{"order 123 not found"}, {"order 123 was found"}},
		{{`{"level":"error","msg":"x"}`}, {`{"level":"warn","msg":"x"}`}},
	}
	for _, p := range differ {
		if a, b := fp(p[0]...), fp(p[1]...); a == b {
			t.Errorf("%q and %q share %s", p[0], p[1], a)
		}
	}
}

// Secrets are redacted before anything reads the line: no pattern or sample holds one.
func TestSecretsNeverReachPatterns(t *testing.T) {
	n := normaliser(t)
	// AWS's documented example key id, split so that no scanner takes it for a leaked one.
	const exampleKeyID = "AKIA" + "IOSFODNN7EXAMPLE"
	secrets := []string{exampleKeyID, "xoxb-fake-not-a-real-token", "hunter2-fake", "sess_ABCD1234", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmYWtlIn0.c2lnbmF0dXJl"}
	for _, msg := range []string{
		"ERROR upload with key " + exampleKeyID + " denied",
		"ERROR slack post failed token xoxb-fake-not-a-real-token",
		`{"level":"error","msg":"db login password=hunter2-fake failed"}`,
		`level=error msg="session sess_ABCD1234 rejected"`,
		"ERROR Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmYWtlIn0.c2lnbmF0dXJl",
	} {
		p := n.Pattern(occ(msg, "java.lang.IllegalStateException: "+msg))
		for _, s := range secrets {
			for _, field := range append([]string{p.Text, p.Exception}, p.Samples...) {
				if strings.Contains(field, s) {
					t.Errorf("%q leaks %q in %q", msg, s, field)
				}
			}
		}
	}
}

func TestSamplesAreClean(t *testing.T) {
	n := normaliser(t)
	p := n.Pattern(occ("\x1b[31mERROR\x1b[0m boom\x00 \u202e"+strings.Repeat("x", 2000), "java.lang.IllegalStateException: y"))
	if len(p.Samples) != 2 {
		t.Fatalf("samples %q", p.Samples)
	}
	s := p.Samples[0]
	if strings.ContainsAny(s, "\x1b\x00\u202e") || len(s) > SampleBytes || !strings.HasPrefix(s, "ERROR boom") {
		t.Errorf("sample %q", s)
	}
	// Control characters go before secrets are looked for: one inside a key must not hide
	// it from the rules and then vanish, joining it back together.
	p = n.Pattern(occ("ERROR upload failed for key AKIA\x00IOSFODNN7EXAMPLE\u200f\u2028 sess_abcdefgh"))
	if s := p.Samples[0]; strings.Contains(s, "IOSFODNN7EXAMPLE") || strings.Contains(s, "sess_abcdefgh") || strings.ContainsAny(s, "\u200f\u2028") {
		t.Errorf("sample %q", s)
	}
	if strings.Contains(p.Text, "IOSFODNN7EXAMPLE") {
		t.Errorf("pattern %q", p.Text)
	}
}

func TestJoin(t *testing.T) {
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	l := func(sec float64, msg string) Line {
		return Line{ID: msg, Time: at.Add(time.Duration(sec * float64(time.Second))), Message: msg}
	}
	for _, tc := range []struct {
		name  string
		lines []Line
		want  []int // lines per occurrence
	}{
		{"plain lines stay apart", []Line{l(0, "ERROR a"), l(0, "ERROR b"), l(0, "ERROR c")}, []int{1, 1, 1}},
		{"java trace, one event a line", []Line{l(0, "ERROR Failed to charge"), l(0, "com.acme.PaymentException: declined"), l(0, "\tat com.acme.Pay.charge(Pay.java:1)"), l(0, "Caused by: java.io.IOException: x"), l(0, "\t... 3 more"), l(0.1, "ERROR next")}, []int{5, 1}},
		{"python traceback then another error", []Line{l(0, "Traceback (most recent call last):"), l(0, `  File "a.py", line 1, in <module>`), l(0, "ValueError: x"), l(0.5, "ValueError: y")}, []int{3, 1}},
		{"traceback filtered to its head and exception", []Line{l(0, "Traceback (most recent call last):"), l(0, "ValueError: x")}, []int{2}},
		{"go panic", []Line{l(0, "panic: boom"), l(0, ""), l(0, "goroutine 1 [running]:"), l(0, "main.main()"), l(0, "\t/app/main.go:12 +0x1d"), l(1, "ERROR after")}, []int{5, 1}},
		{"too far apart in time", []Line{l(0, "ERROR Failed to charge"), l(30, "com.acme.PaymentException: declined")}, []int{1, 1}},
		{"an unrelated exception a second later", []Line{l(0, "ERROR Failed to charge"), l(1, "com.acme.PaymentException: declined")}, []int{1, 1}},
		{"node error and its frames", []Line{l(0, `{"level":60,"msg":"configuration invalid"}`), l(0.05, "ConfigError: missing required env DATABASE_URL"), l(0.05, "    at requireEnv (/app/src/config.ts:27:11)")}, []int{3}},
		{"two exceptions in a row", []Line{l(0, "java.lang.IllegalStateException: a"), l(0, "java.lang.IllegalStateException: b")}, []int{1, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Join(tc.lines)
			var sizes []int
			total := 0
			for _, o := range got {
				sizes = append(sizes, len(o.Lines))
				total += len(o.Lines)
			}
			if total != len(tc.lines) || len(sizes) != len(tc.want) {
				t.Fatalf("sizes %v, want %v", sizes, tc.want)
			}
			for i := range sizes {
				if sizes[i] != tc.want[i] {
					t.Fatalf("sizes %v, want %v", sizes, tc.want)
				}
			}
		})
	}
}
