package logpattern

import "testing"

// Lines of the kinds an error filter lets through, for the benchmarks.
var benchLines = []string{
	"2026-03-01T10:00:00.123Z ERROR payment declined for order 48213: card 4242 (request 3f2b9c4e-8d1a-4b7e-9a3c-2e5f6d7c8b9a) from 10.0.12.7",
	`{"time":"2026-03-01T10:00:00Z","level":"ERROR","msg":"payment declined for order 48213","err":"card 4242 declined","trace_id":"0af7651916cd43dd8448eb211c80319c"}`,
	`time=2026-03-01T10:00:00Z level=error msg="upstream timeout after 3000ms" host=10.0.3.4 attempt=3`,
	"java.lang.IllegalStateException: Order 48213 not found for customer bob@example.com",
	"panic: runtime error: invalid memory address or nil pointer dereference",
}

// BenchmarkNormalise is the placeholder pass alone, per line.
func BenchmarkNormalise(b *testing.B) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		Normalise(benchLines[i%len(benchLines)])
	}
}

// BenchmarkPattern is a whole line's work: redaction, cleaning, format detection,
// normalisation and the fingerprint.
func BenchmarkPattern(b *testing.B) {
	n := normaliser(b)
	occs := make([]Occurrence, len(benchLines))
	for i, l := range benchLines {
		occs[i] = occ(l)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		n.Pattern(occs[i%len(occs)])
	}
}
