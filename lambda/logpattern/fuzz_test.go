package logpattern

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/text"
)

// FuzzPattern feeds any text, cut into events at NUL bytes, through Join and Pattern. For
// every input: every event ends in exactly one occurrence, in order; every pattern has a
// valid fingerprint, bounded text and bounded, valid samples holding no character
// text.Unsafe names but tabs; the same occurrence always
// gives the same pattern.
func FuzzPattern(f *testing.F) {
	for _, s := range []string{
		"ERROR order 123 not found",
		"Traceback (most recent call last):\x00  File \"a.py\", line 1\x00ValueError: x 12",
		"panic: boom\x00goroutine 1 [running]:\x00main.main()",
		`{"level":"error","msg":"order 1","error":{"type":"E"}}`,
		`level=error msg="card \"4242\" declined"`,
		"ERROR Failed\x00com.acme.PaymentException: declined\x00\tat a.b(C.java:1)",
		"2026-03-01T10:00:00Z 10.0.0.1 3f2b9c4e-8d1a-4b7e-9a3c-2e5f6d7c8b9a bob@example.com 0xdead \"q\"",
		"\xff\xfe\x1b[31m\u202e",
	} {
		f.Add(s, uint8(0))
	}
	n := normaliser(f)
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, in string, gaps uint8) {
		var lines []Line
		for i, m := range strings.Split(in, "\x00") {
			// gaps spreads some events apart in time, so both joining and not are tried.
			d := time.Duration(0)
			if gaps&(1<<(i%8)) != 0 {
				d = time.Duration(i) * 3 * time.Second
			}
			lines = append(lines, Line{ID: string(rune('a' + i%26)), Time: at.Add(d), Message: m})
		}
		occs := Join(lines)
		k := 0
		for _, o := range occs {
			if len(o.Lines) == 0 {
				t.Fatal("an empty occurrence")
			}
			for _, l := range o.Lines {
				if l != lines[k] {
					t.Fatalf("event %d is out of place", k)
				}
				k++
			}
			p := n.Pattern(o)
			if !config.ValidFingerprint(p.Fingerprint) {
				t.Fatalf("fingerprint %q", p.Fingerprint)
			}
			if len(p.Text) > maxNormalised+len("critical: ") || !utf8.ValidString(p.Text) {
				t.Fatalf("text %q", p.Text)
			}
			if len(p.Samples) == 0 || len(p.Samples) > 2 {
				t.Fatalf("%d samples", len(p.Samples))
			}
			for _, s := range p.Samples {
				if len(s) > SampleBytes || !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return r != '\t' && text.Unsafe(r) }) {
					t.Fatalf("sample %q", s)
				}
			}
			if again := n.Pattern(o); again.Fingerprint != p.Fingerprint {
				t.Fatal("the same occurrence gave two fingerprints")
			}
		}
		if k != len(lines) {
			t.Fatalf("%d of %d events in occurrences", k, len(lines))
		}
	})
}
