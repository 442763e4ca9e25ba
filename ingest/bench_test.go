package ingest

import (
	"context"
	"os"
	"testing"
)

// BenchmarkParseSeed measures parsing the real bulletin: decode, normalise,
// structure and tag, on one core.
func BenchmarkParseSeed(b *testing.B) {
	data, err := os.ReadFile("../testdata/sample/bulletin-2021-014.txt")
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	DefaultTaxonomy()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(ctx, "seed.txt", data, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "bulletins/s")
}
