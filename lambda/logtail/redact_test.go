package logtail

import (
	"strings"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/internal/awsfake"
)

// Secrets as the vendors' own documentation spells its examples. They are assembled here so
// that secret scanners, which look for the shapes, do not mistake these fakes for leaks.
var (
	exampleKeyID     = "AKIA" + "IOSFODNN7EXAMPLE"
	exampleBotToken  = "xox" + "b-000000000000-0000000000000-EXAMPLEexampleEXAMPLE"
	exampleUserToken = "xox" + "p-000000000000-EXAMPLE"
	exampleWebhook   = "https://hooks.slack.com/services/" + "T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"
)

// Every value here is a placeholder: AWS's documentation keys, jwt.io's sample token, and
// tokens spelled to be obviously fake.
func TestRedactClasses(t *testing.T) {
	tests := []struct {
		class  string
		in     string
		want   string
		secret string // must be gone from the output
	}{
		{"aws access key id", "using access key " + exampleKeyID + " for s3://reports",
			"using access key [redacted] for s3://reports", exampleKeyID},
		{"aws temporary key id", `{"AccessKeyId":"ASIAIOSFODNN7EXAMPLE","Expiration":"2024-03-14T10:26:53Z"}`,
			`{"AccessKeyId":"[redacted]","Expiration":"2024-03-14T10:26:53Z"}`, "ASIAIOSFODNN7EXAMPLE"},
		{"aws secret key, ini style", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
			"aws_secret_access_key = [redacted]", "wJalrXUtnFEMI"},
		{"aws secret key, env style", "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY exported",
			"AWS_SECRET_ACCESS_KEY=[redacted] exported", "wJalrXUtnFEMI"},
		{"aws secret key, JSON", `{"SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "SessionToken": "IQoJb3JpZ2luX2VjEXAMPLE"}`,
			`{"SecretAccessKey": "[redacted]", "SessionToken": "[redacted]"}`, "wJalrXUtnFEMI"},
		{"secret key", `client_secret: "example-client-secret"`, `client_secret: "[redacted]"`, "example-client-secret"},
		{"bearer header", "GET /v1/orders Authorization: Bearer example0123456789token 200",
			"GET /v1/orders Authorization: Bearer [redacted] 200", "example0123456789token"},
		{"bearer alone", "calling upstream with bearer example.token-0123456789 failed",
			"calling upstream with bearer [redacted] failed", "example.token-0123456789"},
		{"basic header", `headers={"authorization":"Basic ZXhhbXBsZTpleGFtcGxlLXBhc3N3b3Jk"}`,
			`headers={"authorization":"Basic [redacted]"}`, "ZXhhbXBsZTpleGFtcGxlLXBhc3N3b3Jk"},
		{"password in URL", "connecting to postgres://app:example-db-password@db.checkout.internal:5432/checkout",
			"connecting to postgres://app:***@db.checkout.internal:5432/checkout", "example-db-password"},
		{"password in URL without user", "cache at redis://:example@cache.internal:6379/0",
			"cache at redis://:***@cache.internal:6379/0", ":example@"},
		{"slack bot token", "slack: using token " + exampleBotToken,
			"slack: using token [redacted]", "xoxb-"},
		{"slack user token", "SLACK=" + exampleUserToken, "SLACK=[redacted]", "xoxp-"},
		{"slack webhook", "posting to " + exampleWebhook,
			"posting to https://hooks.slack.com/services/[redacted]", "XXXXXXXXXXXXXXXXXXXXXXXX"},
		{"discord webhook", "hook https://discord.com/api/webhooks/000000000000000000/EXAMPLE-example_token",
			"hook https://discord.com/api/webhooks/[redacted]", "EXAMPLE-example_token"},
		{"github token", "git clone https://ghp_EXAMPLEexampleEXAMPLEexample012345@github.com/org/repo",
			"git clone https://[redacted]@github.com/org/repo", "ghp_EXAMPLE"},
		{"password=", "db connect host=db user=app password=example-password sslmode=require",
			"db connect host=db user=app password=[redacted] sslmode=require", "example-password"},
		{"token= in a query", "GET /callback?state=abc&token=example-token&next=/ 302",
			"GET /callback?state=abc&token=[redacted]&next=/ 302", "example-token"},
		{"api_key:", "api_key: example-api-key-0000", "api_key: [redacted]", "example-api-key"},
		{"x-api-key header", "X-Api-Key=example-api-key-0000;", "X-Api-Key=[redacted];", "example-api-key"},
		{"quoted with escapes", `{"password":"ex\"ample","user":"app"}`, `{"password":"[redacted]","user":"app"}`, "ample"},
		{"jwt", "session eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c expired",
			"session [redacted] expired", "eyJzdWIi"},
	}
	r, err := redactorFor(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		got := r.Redact(tt.in)
		if got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.class, got, tt.want)
		}
		if strings.Contains(got, tt.secret) {
			t.Errorf("%s: %q left in %s", tt.class, tt.secret, got)
		}
		if again := r.Redact(got); again != got {
			t.Errorf("%s: redacting twice changes %q to %q", tt.class, got, again)
		}
	}
}

func TestRedactLeavesOrdinaryLines(t *testing.T) {
	r, err := redactorFor(nil)
	if err != nil {
		t.Fatal(err)
	}
	lines := []string{
		"missing required env DATABASE_URL",
		"ConfigError: missing required env DATABASE_URL",
		`{"level":40,"msg":"STRIPE_WEBHOOK_SECRET not set; webhooks disabled"}`,
		`{"level":30,"msg":"cache connected","latencyMs":4}`,
		"    at requireEnv (/app/src/config.ts:27:11)",
		"GET /healthz 200 3ms",
		"listening on http://0.0.0.0:8080",
		"fetching https://api.example.com:443/v1/orders?page=2",
		"token bucket refilled",
		"password reset email sent",
		"the bearer of this message",
		"Authorization failed for user bob",
		"panic: runtime error: invalid memory address or nil pointer dereference",
		"2024/03/14 09:26:52 exit status 1",
		"Node.js v20.11.1",
	}
	for _, l := range lines {
		if got := r.Redact(l); got != l {
			t.Errorf("changed %q to %q", l, got)
		}
	}
}

func TestRedactUserPatterns(t *testing.T) {
	r, err := redactorFor([]string{`cust-[0-9]{6}`, `ssn=(?P<secret>\d{3}-\d{2}-\d{4})`})
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{
		"refund for cust-123456 failed":       "refund for [redacted] failed",
		"verify ssn=000-00-0000 for customer": "verify ssn=[redacted] for customer",
		"cust-12 is too short to match":       "cust-12 is too short to match",
	} {
		if got := r.Redact(in); got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
	for _, bad := range [][]string{{`(unclosed`}, {`.*`}, {`ok`, `[z-a]`}} {
		if _, err := redactorFor(bad); err == nil || !strings.Contains(err.Error(), "redact[") {
			t.Errorf("%q: err %v, want one naming the pattern", bad, err)
		}
	}
}

// The tail of the checkout-api crash, with a few secrets in it, through the whole line
// shaping: cleaning, redaction and cutting of 20 lines.
func BenchmarkRedactTail(b *testing.B) {
	var messages []string
	for _, e := range awsfake.CheckoutCrashLog(time.Date(2024, 3, 14, 9, 26, 53, 0, time.UTC)) {
		messages = append(messages, e.Message)
	}
	messages = append(messages[len(messages)-16:],
		"Authorization: Bearer example0123456789token",
		"aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		"posting to "+exampleWebhook,
		"\x1b[31mERROR\x1b[0m using access key "+exampleKeyID,
	)
	red, err := redactorFor([]string{`cust-[0-9]{6}`})
	if err != nil {
		b.Fatal(err)
	}
	s := shaper{lines: config.DefaultLogLines, lineBytes: config.DefaultLogLineBytes, redactor: red}
	bytes := 0
	for _, m := range messages {
		bytes += len(m)
	}
	b.SetBytes(int64(bytes))
	b.ReportAllocs()
	for b.Loop() {
		if lines, _ := s.shape(messages); len(lines) != config.DefaultLogLines {
			b.Fatalf("%d lines", len(lines))
		}
	}
}

// redactorFor returns a Redactor applying the built-in rules and then patterns, regular
// expressions in Go's RE2 syntax. A pattern with a subexpression named "secret" redacts only
// that part (`user_id=(?P<secret>\d+)` keeps "user_id="); otherwise the whole match goes.
// Each pattern that does not compile, or that matches the empty string, is an error naming it.
func redactorFor(patterns []string) (*Redactor, error) {
	own, problems := config.Logs{Redact: patterns}.Compile()
	if len(problems) > 0 {
		return nil, invalid(problems)
	}
	return newRedactor(rules(own)), nil
}
