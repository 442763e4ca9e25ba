package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"jianbao/archive"
	"jianbao/index"
	"jianbao/internal/measure"
	"jianbao/internal/synth"
)

// BenchmarkExportCommand runs jianbao export of every article (JSON lines
// and CSV, written to io.Discard) in this process on a generated archive of
// JIANBAO_BENCH_ARTICLES articles (default 2000), in
// JIANBAO_BENCH_DIR/index when set (built there on first use and kept: make
// bench-export), and reports articles/s.
func BenchmarkExportCommand(b *testing.B) {
	dir := os.Getenv("JIANBAO_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	ixDir := filepath.Join(dir, "index")
	if _, err := os.Stat(ixDir); err != nil {
		n := 2000
		if s := os.Getenv("JIANBAO_BENCH_ARTICLES"); s != "" {
			if n, err = strconv.Atoi(s); err != nil {
				b.Fatalf("JIANBAO_BENCH_ARTICLES: %v", err)
			}
		}
		src := filepath.Join(dir, "src")
		if err := synth.Write(src, synth.Generate(n*10/55+1, 1)); err != nil {
			b.Fatal(err)
		}
		paths, _ := filepath.Glob(filepath.Join(src, "*.txt"))
		ix, err := index.Open(ixDir, index.Options{Create: true})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := archive.Ingest(context.Background(), ix, paths, archive.Options{}); err != nil {
			b.Fatal(err)
		}
		if err := ix.Close(); err != nil {
			b.Fatal(err)
		}
	}
	// The JSON lines count the articles, which the CSV (whose bodies break
	// lines) has as many of.
	articles := 0
	for _, format := range []string{"jsonl", "csv"} {
		b.Run(format, func(b *testing.B) {
			lines := 0
			c0 := measure.CPUTime()
			for range b.N {
				var stderr bytes.Buffer
				w := lineCounter{w: io.Discard}
				if code := Main([]string{"export", "--index", ixDir, "--format", format}, &w, &stderr); code != 0 {
					b.Fatalf("export: exit %d: %s", code, stderr.String())
				}
				lines += w.lines
			}
			if format == "jsonl" {
				articles = lines / b.N
			}
			n := float64(articles * b.N)
			b.ReportMetric(n/b.Elapsed().Seconds(), "articles/s")
			b.ReportMetric(n/(measure.CPUTime()-c0).Seconds(), "articles/cpu-s")
		})
	}
}

// lineCounter counts the line breaks written through it.
type lineCounter struct {
	w     io.Writer
	lines int
}

func (c *lineCounter) Write(p []byte) (int, error) {
	c.lines += bytes.Count(p, []byte{'\n'})
	return c.w.Write(p)
}
