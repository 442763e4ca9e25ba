package server

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"jianbao/archive"
	"jianbao/index"
	"jianbao/ingest"
	"jianbao/internal/measure"
	"jianbao/internal/synth"
	"jianbao/query"
)

// benchArchive is a generated archive indexed once per test process.
type benchArchive struct {
	dir   string // holds src/, index/, text.txt
	ix    *index.Index
	texts []string // normalised text of each article, one per line in text.txt
	arts  int
}

var (
	benchOnce sync.Once
	bench     *benchArchive
	benchErr  error
)

func loadBench(b *testing.B) *benchArchive {
	b.Helper()
	benchOnce.Do(func() { bench, benchErr = buildBench(measure.BenchArticles(b)) })
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return bench
}

// buildBench generates and indexes an archive of about target articles in
// a new directory, or in JIANBAO_BENCH_DIR when set, where it is reused if
// it has an index already (delete it after changing the mapping).
func buildBench(target int) (*benchArchive, error) {
	dir := os.Getenv("JIANBAO_BENCH_DIR")
	var err error
	if dir == "" {
		if dir, err = os.MkdirTemp("", "jianbao-bench-query-"); err != nil {
			return nil, err
		}
	}
	// Build the command first, from the same sources as this test binary.
	if out, err := exec.Command("go", "build", "-o", filepath.Join(dir, "jianbao"), "../cmd/jianbao").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "bench: no CLI timings, build failed: %v: %s\n", err, out)
	}
	src := filepath.Join(dir, "src")
	if _, err := os.Stat(filepath.Join(dir, "index")); err != nil {
		if err := synth.Write(src, synth.Generate(target*10/55+1, 2026)); err != nil {
			return nil, err
		}
		paths, _ := filepath.Glob(filepath.Join(src, "*.txt"))
		ix, err := index.Open(filepath.Join(dir, "index"), index.Options{Create: true})
		if err != nil {
			return nil, err
		}
		start := time.Now()
		if _, err := archive.Ingest(context.Background(), ix, paths, archive.Options{}); err != nil {
			return nil, err
		}
		fmt.Fprintf(os.Stderr, "bench: indexed %d bulletins in %.1fs\n", len(paths), time.Since(start).Seconds())
		if err := ix.Close(); err != nil {
			return nil, err
		}
		time.Sleep(2 * time.Second) // let scorch merge before timing
	}
	paths, _ := filepath.Glob(filepath.Join(src, "*.txt"))
	// Open for reading and warm, as serve does, so that CLI processes may
	// read too.
	ix, err := index.Open(filepath.Join(dir, "index"), index.Options{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	if err := ix.Warm(context.Background()); err != nil {
		return nil, err
	}
	a := &benchArchive{dir: dir, ix: ix}
	var text strings.Builder
	for _, p := range paths {
		iss, _ := ingest.ParseFile(context.Background(), p, ingest.Options{})
		if iss == nil {
			continue
		}
		for _, art := range iss.Articles {
			t := ingest.MatchText(art.Headline) + "\x1f" + ingest.MatchText(art.SourceOrg) + "\x1f" + strings.ReplaceAll(ingest.MatchText(art.Body), "\n", " ")
			a.texts = append(a.texts, t)
			text.WriteString(t)
			text.WriteByte('\n')
		}
	}
	a.arts = len(a.texts)
	if err := os.WriteFile(filepath.Join(dir, "text.txt"), []byte(text.String()), 0o644); err != nil {
		return nil, err
	}
	return a, nil
}

// benchKinds returns the URL queries of each kind: bare terms of 2–4
// characters, quoted phrases of 6–10 characters (punctuation included), and
// terms narrowed by district and year with every facet counted. Each comes
// with the plain text ripgrep looks for.
func benchKinds(texts []string, n int) map[string][][2]string {
	r := rand.New(rand.NewPCG(5, 5))
	pick := func(minLen, maxLen int) string {
		for {
			rs := []rune(texts[r.IntN(len(texts))])
			l := minLen + r.IntN(maxLen-minLen+1)
			if len(rs) < l {
				continue
			}
			i := r.IntN(len(rs) - l + 1)
			q := string(rs[i : i+l])
			if !strings.ContainsAny(q, "\x1f\"' ()-:") {
				return q
			}
		}
	}
	kinds := map[string][][2]string{}
	for range n {
		t := pick(2, 4)
		kinds["term"] = append(kinds["term"], [2]string{url.Values{"q": {t}}.Encode(), t})
		p := pick(6, 10)
		kinds["phrase"] = append(kinds["phrase"], [2]string{url.Values{"q": {`"` + p + `"`}}.Encode(), p})
		f := pick(2, 3)
		v := url.Values{"q": {f}, "district": {ingest.Districts[r.IntN(len(ingest.Districts))]},
			"from": {strconv.Itoa(2016 + r.IntN(5))}, "to": {"2025"}, "facets": {strings.Join(query.FacetNames, ",")}}
		kinds["filtered"] = append(kinds["filtered"], [2]string{v.Encode(), f})
	}
	return kinds
}

// BenchmarkHTTPSearch reports the latency of GET /api/search over loopback
// HTTP on a generated archive, p50 and p99 for each kind of query, and the
// CPU time of the process (server and client) a query, beside
// ripgrep (a process per query, as a user would run it) over the same
// normalised text, and the wall time of a cold `jianbao search` process.
// Each iteration runs every query once; with -benchtime Nx the figures are
// the medians of the N passes' percentiles.
func BenchmarkHTTPSearch(b *testing.B) {
	a := loadBench(b)
	srv := httptest.NewServer(NewHandler(a.ix, Options{}))
	defer srv.Close()
	kinds := benchKinds(a.texts, 200)
	client := srv.Client()
	pcts := map[string][][2]time.Duration{} // kind → p50, p99 of each pass
	cpu := map[string][]time.Duration{}     // kind → CPU a query of each pass
	b.ResetTimer()
	for range b.N {
		for _, kind := range []string{"term", "phrase", "filtered"} {
			var lat []time.Duration
			c0 := measure.CPUTime()
			for _, q := range kinds[kind] {
				t0 := time.Now()
				resp, err := client.Get(srv.URL + "/api/search?" + q[0])
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lat = append(lat, time.Since(t0))
				if resp.StatusCode != 200 {
					b.Fatalf("%s: status %d", q[0], resp.StatusCode)
				}
			}
			cpu[kind] = append(cpu[kind], (measure.CPUTime()-c0)/time.Duration(len(kinds[kind])))
			pcts[kind] = append(pcts[kind], [2]time.Duration{measure.Pct(lat, 50), measure.Pct(lat, 99)})
		}
	}
	b.StopTimer()
	for kind, ps := range pcts {
		p50s, p99s := make([]time.Duration, len(ps)), make([]time.Duration, len(ps))
		for i, p := range ps {
			p50s[i], p99s[i] = p[0], p[1]
		}
		b.ReportMetric(measure.Ms(measure.Pct(p50s, 50)), kind+"-p50-ms")
		b.ReportMetric(measure.Ms(measure.Pct(p99s, 50)), kind+"-p99-ms")
		b.ReportMetric(measure.Ms(measure.Pct(cpu[kind], 50)), kind+"-cpu-ms")
		b.Logf("%s: p50 %v, p99 %v (each pass)", kind, p50s, p99s)
	}
	b.Logf("%d articles", a.arts)
	benchRipgrep(b, a, kinds)
	benchCLI(b, a, kinds["term"])
}

func benchRipgrep(b *testing.B, a *benchArchive, kinds map[string][][2]string) {
	rg, err := exec.LookPath("rg")
	if err != nil {
		b.Log("ripgrep: skipped, no rg command (Debian package ripgrep)")
		return
	}
	var lat []time.Duration
	for _, q := range kinds["term"][:100] {
		t0 := time.Now()
		// Exit status 1 means no match, which is an answer too.
		exec.Command(rg, "-c", "-F", "--", q[1], filepath.Join(a.dir, "text.txt")).Run()
		lat = append(lat, time.Since(t0))
	}
	b.ReportMetric(measure.Ms(measure.Pct(lat, 50)), "rg-p50-ms")
	b.ReportMetric(measure.Ms(measure.Pct(lat, 99)), "rg-p99-ms")
}

// benchCLI builds jianbao and times cold `jianbao search` processes.
func benchCLI(b *testing.B, a *benchArchive, queries [][2]string) {
	bin := filepath.Join(a.dir, "jianbao")
	if _, err := os.Stat(bin); err != nil {
		b.Log("cli: skipped, no binary")
		return
	}
	var lat []time.Duration
	for _, q := range queries[:20] {
		t0 := time.Now()
		out, err := exec.Command(bin, "search", "--index", filepath.Join(a.dir, "index"), "--format", "json", q[1]).CombinedOutput()
		lat = append(lat, time.Since(t0))
		if err != nil {
			b.Fatalf("jianbao search %s: %v: %s", q[1], err, out)
		}
	}
	b.ReportMetric(measure.Ms(measure.Pct(lat, 50)), "cli-p50-ms")
	b.ReportMetric(measure.Ms(slices.Max(lat)), "cli-max-ms")
}
