package worker

import (
	"context"
	"path/filepath"
	"testing"

	"jianbao/ingest"
)

// BenchmarkRead reads the sample archive's files (what make run ingests)
// in this process and through a pool whose workers are already running:
// the per-file cost of the pipe and of encoding the records.
func BenchmarkRead(b *testing.B) {
	files, _ := filepath.Glob("../testdata/sample/*.txt")
	files = append(files, "../ingest/testdata/pdf/bulletin-2021-014.lo.pdf")
	b.Run("in-process", func(b *testing.B) {
		for b.Loop() {
			for _, f := range files {
				if r := ingest.ReadFile(context.Background(), f, ingest.Options{}); r.Err != nil {
					b.Fatal(r.Err)
				}
			}
		}
	})
	b.Run("warm-pool", func(b *testing.B) {
		p := testPool(b, Limits{}, 1)
		p.ReadFile(context.Background(), files[0])
		for b.Loop() {
			for _, f := range files {
				if r := p.ReadFile(context.Background(), f); r.Err != nil {
					b.Fatal(r.Err)
				}
			}
		}
	})
	b.Run("cold-pool", func(b *testing.B) {
		for b.Loop() {
			p := NewPool(testConfig(Limits{}, 1))
			for _, f := range files {
				if r := p.ReadFile(context.Background(), f); r.Err != nil {
					b.Fatal(r.Err)
				}
			}
			p.Close()
		}
	})
}
