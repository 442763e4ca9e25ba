package index

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"jianbao/ingest"
	"jianbao/internal/measure"
	"jianbao/internal/synth"
)

// BenchmarkExport reads every article of a generated archive
// (JIANBAO_BENCH_ARTICLES, default 2000) with EachArticle, decoded as export
// writes them, and with the paged export of earlier versions in the same
// run, all articles and a filter (district and text) alike. It reports
// articles/s, the heap's peak above what it was before the pass (sampled
// every 1024 articles) and the process's peak RSS. The index is built in
// JIANBAO_BENCH_DIR/index when set and kept there (make bench-export).
func BenchmarkExport(b *testing.B) {
	ix := exportBenchIndex(b, Options{ReadOnly: true})
	defer ix.Close()
	ctx := context.Background()
	for _, f := range []struct {
		name string
		expr Expr
	}{{"all", All{}}, {"filtered", And{Field{Name: "district", Value: "海淀区"}, Text{Value: "志愿"}}}} {
		for _, impl := range []struct {
			name string
			each func(context.Context, Expr, func(*Issue, *ArticleRecord) error) error
		}{{"stream", ix.EachArticle}, {"paged", ix.eachArticlePaged}} {
			b.Run(f.name+"/"+impl.name, func(b *testing.B) {
				n := 0
				var peak heapPeak
				peak.start()
				c0 := measure.CPUTime()
				for range b.N {
					err := impl.each(ctx, f.expr, func(head *Issue, a *ArticleRecord) error {
						n++
						if n%1024 == 0 {
							peak.sample()
						}
						return nil
					})
					if err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "articles/s")
				b.ReportMetric(float64(n)/(measure.CPUTime()-c0).Seconds(), "articles/cpu-s")
				b.ReportMetric(float64(n/b.N), "articles")
				b.ReportMetric(float64(peak.max)/(1<<20), "peak-heap-MiB")
				b.ReportMetric(float64(maxRSS())/(1<<20), "maxrss-MiB")
				b.ReportMetric(float64(peak.anon)/(1<<20), "peak-anon-rss-MiB")
			})
		}
	}
}

// BenchmarkRetag retags every article of a copy of the archive of
// BenchmarkExport with a taxonomy that changes the themes of most articles
// (every article rewritten), then with the same taxonomy again (none
// rewritten), streaming and as earlier versions did, in the same run. It
// reports the time of each, and the peak heap and anonymous resident
// memory sampled every 50 ms.
func BenchmarkRetag(b *testing.B) {
	src := exportBenchIndex(b, Options{ReadOnly: true})
	srcDir := src.Dir()
	src.Close()
	custom, err := ingest.ParseTaxonomy([]byte("version = \"bench\"\n[[theme]]\nname = \"工作\"\nany = [\"工作\"]\n"))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for _, impl := range []struct {
		name  string
		retag func(*Index, context.Context, *ingest.Taxonomy) (int, error)
	}{{"stream", (*Index).Retag}, {"paged", (*Index).retagPaged}} {
		b.Run(impl.name, func(b *testing.B) {
			var peak heapPeak
			peak.start()
			for range b.N {
				b.StopTimer()
				dir := filepath.Join(b.TempDir(), "index")
				if out, err := exec.Command("cp", "-rL", srcDir, dir).CombinedOutput(); err != nil {
					b.Fatalf("cp: %v: %s", err, out)
				}
				ix, err := Open(dir, Options{})
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				stop := peak.every(50 * time.Millisecond)
				t0 := time.Now()
				changed, err := impl.retag(ix, ctx, custom)
				if err != nil || changed == 0 {
					b.Fatalf("retag: %d changed, %v", changed, err)
				}
				b.ReportMetric(time.Since(t0).Seconds(), "changed-s")
				b.ReportMetric(float64(changed)/time.Since(t0).Seconds(), "changed-articles/s")
				t0 = time.Now()
				if again, err := impl.retag(ix, ctx, custom); err != nil || again != 0 {
					b.Fatalf("second retag: %d changed, %v", again, err)
				}
				b.ReportMetric(time.Since(t0).Seconds(), "unchanged-s")
				stop()
				b.StopTimer()
				if err := ix.Close(); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(maxRSS())/(1<<20), "maxrss-MiB")
			b.ReportMetric(float64(peak.max)/(1<<20), "peak-heap-MiB")
			b.ReportMetric(float64(peak.anon)/(1<<20), "peak-anon-rss-MiB")
		})
	}
}

// exportBenchIndex opens the index of BenchmarkExport, building it from a
// generated archive when JIANBAO_BENCH_DIR holds none.
func exportBenchIndex(b *testing.B, opts Options) *Index {
	b.Helper()
	dir := os.Getenv("JIANBAO_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	ixDir := filepath.Join(dir, "index")
	if _, err := os.Stat(ixDir); err != nil {
		src := filepath.Join(dir, "src")
		if err := synth.Write(src, synth.Generate(measure.BenchArticles(b)*10/55+1, 1)); err != nil {
			b.Fatal(err)
		}
		paths, _ := filepath.Glob(filepath.Join(src, "*.txt"))
		ix, err := Open(ixDir, Options{Create: true})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := putFiles(ix, paths, nil, 0); err != nil {
			b.Fatal(err)
		}
		if err := ix.Close(); err != nil {
			b.Fatal(err)
		}
	}
	ix, err := Open(ixDir, opts)
	if err != nil {
		b.Fatal(err)
	}
	return ix
}

// heapPeak follows the largest heap seen above the heap at its start, and
// the largest anonymous resident memory (RSS without the index files that
// bleve maps, whose pages count as resident once read).
type heapPeak struct {
	base, max uint64
	anon      int64
	s         []metrics.Sample
}

func (p *heapPeak) start() {
	runtime.GC()
	p.s = []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(p.s)
	p.base = p.s[0].Value.Uint64()
	p.anon = rssAnon()
}

func (p *heapPeak) sample() {
	metrics.Read(p.s)
	if v := p.s[0].Value.Uint64(); v > p.base && v-p.base > p.max {
		p.max = v - p.base
	}
	p.anon = max(p.anon, rssAnon())
}

// every samples every d until the function it returns is called, which
// returns when the sampling has stopped.
func (p *heapPeak) every(d time.Duration) (stop func()) {
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(d)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				p.sample()
			}
		}
	}()
	return func() { close(done); <-stopped }
}

// rssAnon returns the process's anonymous resident memory in bytes, 0
// where /proc does not tell.
func rssAnon() int64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "RssAnon:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// maxRSS returns the process's peak resident memory in bytes.
func maxRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Maxrss << 10
}
