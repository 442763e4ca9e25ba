package index_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"jianbao/archive"
	"jianbao/index"
	"jianbao/ingest"
	"jianbao/internal/measure"
	"jianbao/internal/synth"
)

// BenchmarkArchive builds an index of a generated archive once and reports
// ingest throughput, index size and search latency (each query's median of
// benchPasses runs), beside SQLite FTS5 (trigram tokenizer, through the
// sqlite3 command, timed the same way) and ripgrep over the same normalised
// text, with each one's recall against strings.Contains.
// JIANBAO_BENCH_ARTICLES sets the size (default 2000; make bench-index uses
// 20000).
func BenchmarkArchive(b *testing.B) {
	target := measure.BenchArticles(b)
	for range b.N {
		benchArchive(b, target)
	}
}

type benchQuery struct {
	q    string
	want int // articles containing it
}

func benchArchive(b *testing.B, target int) {
	b.StopTimer()
	dir := b.TempDir()
	src := filepath.Join(dir, "src")
	files := synth.Generate(target*10/55+1, 2026)
	if err := synth.Write(src, files); err != nil {
		b.Fatal(err)
	}
	paths, _ := filepath.Glob(filepath.Join(src, "*.txt"))
	var srcBytes int64
	for _, p := range paths {
		st, _ := os.Stat(p)
		srcBytes += st.Size()
	}

	ix, err := index.Open(filepath.Join(dir, "index"), index.Options{Create: true})
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	b.StartTimer()
	start, cpu0 := time.Now(), measure.CPUTime()
	sum, err := archive.Ingest(context.Background(), ix, paths, archive.Options{})
	if err != nil {
		b.Fatal(err)
	}
	ingestTime, ingestCPU := time.Since(start), measure.CPUTime()-cpu0
	b.StopTimer()
	// Let scorch finish merging before measuring size and searches.
	time.Sleep(2 * time.Second)

	texts := articleTexts(paths)
	textBytes := 0
	for _, t := range texts {
		textBytes += len(t)
	}
	indexBytes := dirSize(ix.Dir())

	// As a server does.
	w0 := time.Now()
	if err := ix.Warm(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Logf("jianbao: warmed in %v: facet columns, and the search texts (%.1f MB in memory)", time.Since(w0).Round(time.Millisecond), float64(index.TextsInMemory(ix))/1e6)

	queries := benchQueries(texts, 300)
	// Each query's time is the median of benchPasses runs of the set.
	lats, cpus := make([][]time.Duration, len(queries)), make([][]time.Duration, len(queries))
	var hits, expected int
	for pass := range benchPasses {
		for i, q := range queries {
			c0 := measure.CPUTime()
			t0 := time.Now()
			res, err := ix.Search(context.Background(), index.Request{Expr: index.Text{Value: q.q}, Limit: 10})
			lats[i] = append(lats[i], time.Since(t0))
			cpus[i] = append(cpus[i], measure.CPUTime()-c0)
			if err != nil {
				b.Fatal(err)
			}
			if pass == 0 {
				hits += min(res.Total, q.want) // exactness is the test's business; here: found
				expected += q.want
			}
		}
	}
	lat, cpu := medians(lats), medians(cpus)
	var lat3, cpu3 []time.Duration // queries of 3+ characters, which FTS5 trigram answers
	for i, q := range queries {
		if utf8.RuneCountInString(q.q) >= 3 {
			lat3, cpu3 = append(lat3, lat[i]), append(cpu3, cpu[i])
		}
	}
	arts := len(texts)
	b.ReportMetric(float64(arts)/ingestTime.Seconds(), "articles/s")
	b.ReportMetric(float64(srcBytes)/1e6/ingestTime.Seconds(), "MB/s")
	b.ReportMetric(float64(indexBytes)/float64(textBytes), "index/text")
	p50, p99 := percentile(lat, 50), percentile(lat, 99)
	b.ReportMetric(ms(p50), "p50-ms")
	b.ReportMetric(ms(p99), "p99-ms")
	b.ReportMetric(ms(percentile(cpu, 50)), "cpu-p50-ms")
	b.Logf("jianbao: %d articles (%d issues, %.1f MB source, %.1f MB text) ingested in %.1fs (CPU %.1fs): %.0f articles/s, %.2f MB/s; index %.1f MB = %.2f× text",
		arts, sum.Issues, float64(srcBytes)/1e6, float64(textBytes)/1e6, ingestTime.Seconds(), ingestCPU.Seconds(), float64(arts)/ingestTime.Seconds(),
		float64(srcBytes)/1e6/ingestTime.Seconds(), float64(indexBytes)/1e6, float64(indexBytes)/float64(textBytes))
	b.Logf("jianbao: total + top-10 by relevance over %d queries: wall p50 %.2f ms p99 %.2f ms, CPU p50 %.2f ms p99 %.2f ms; 3+ characters: wall p50 %.2f ms, CPU p50 %.2f ms; recall %.3f",
		len(queries), ms(p50), ms(p99), ms(percentile(cpu, 50)), ms(percentile(cpu, 99)), ms(percentile(lat3, 50)), ms(percentile(cpu3, 50)), ratio(hits, expected))

	fts := benchFTS5(b, dir, texts, queries, textBytes)
	benchRipgrep(b, dir, texts, queries)
	logByLength(b, queries, cpu, fts)
}

// logByLength logs the median CPU time of jianbao's and FTS5's queries by
// query length, where the two differ most.
func logByLength(b *testing.B, queries []benchQuery, cpu, fts []time.Duration) {
	byLen := map[int][2][]time.Duration{}
	for i, q := range queries {
		n := min(utf8.RuneCountInString(q.q), 6)
		v := byLen[n]
		v[0] = append(v[0], cpu[i])
		if len(fts) == len(queries) {
			v[1] = append(v[1], fts[i])
		}
		byLen[n] = v
	}
	var line strings.Builder
	for n := 1; n <= 6; n++ {
		v := byLen[n]
		label := strconv.Itoa(n)
		if n == 6 {
			label = "6+"
		}
		fmt.Fprintf(&line, "  %s: %.2f / %.2f ms (%d)", label, ms(percentile(v[0], 50)), ms(percentile(v[1], 50)), len(v[0]))
	}
	b.Logf("CPU p50 by query length, jianbao / FTS5 (queries):%s", line.String())
}

// benchQueries picks n queries of 1–8 characters starting anywhere in the
// texts (so crossing word boundaries), a fifth of them two characters long.
func benchQueries(texts []string, n int) []benchQuery {
	r := rand.New(rand.NewPCG(3, 3))
	var out []benchQuery
	for len(out) < n {
		rs := []rune(texts[r.IntN(len(texts))])
		l := 1 + r.IntN(8)
		if len(out)%5 == 0 {
			l = 2
		}
		if len(rs) < l {
			continue
		}
		i := r.IntN(len(rs) - l + 1)
		q := string(rs[i : i+l])
		if strings.ContainsAny(q, "\x1f\"'") {
			continue
		}
		want := 0
		for _, t := range texts {
			if strings.Contains(t, q) {
				want++
			}
		}
		out = append(out, benchQuery{q, want})
	}
	return out
}

// benchFTS5 loads the texts into an FTS5 trigram table with the sqlite3
// command and runs the queries, timing each by the CPU time sqlite3 reports
// (its wall clock has millisecond resolution). It returns each query's time,
// none when sqlite3 is missing or fails.
func benchFTS5(b *testing.B, dir string, texts []string, queries []benchQuery, textBytes int) []time.Duration {
	if _, err := exec.LookPath("sqlite3"); err != nil {
		b.Log("fts5: skipped, no sqlite3 command (Debian package sqlite3)")
		return nil
	}
	db := filepath.Join(dir, "fts5.db")
	var load bytes.Buffer
	load.WriteString("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='trigram');\nBEGIN;\n")
	for _, t := range texts {
		fmt.Fprintf(&load, "INSERT INTO t(x) VALUES('%s');\n", strings.ReplaceAll(t, "'", "''"))
	}
	load.WriteString("COMMIT;\n")
	start := time.Now()
	if out, err := sqlite(db, load.String()); err != nil {
		b.Logf("fts5: skipped: %v: %s", err, out)
		return nil
	}
	loadTime := time.Since(start)
	st, _ := os.Stat(db)

	var script bytes.Buffer
	script.WriteString(".timer on\n")
	for range benchPasses {
		for _, q := range queries {
			m := "'\"" + strings.ReplaceAll(strings.ReplaceAll(q.q, `"`, `""`), "'", "''") + "\"'"
			fmt.Fprintf(&script, "SELECT count(*) FROM t WHERE t MATCH %s;\nSELECT rowid FROM t WHERE t MATCH %s ORDER BY rank LIMIT 10;\n", m, m)
		}
	}
	out, err := sqlite(db, script.String())
	if err != nil {
		b.Logf("fts5: query run failed: %v", err)
		return nil
	}
	// Output per query: count, timer, up to 10 rowids, timer. A query's
	// time is both statements' (the total and the best ten, as Search
	// gives), the median of its passes.
	var all []time.Duration
	var counts []int
	timers := 0
	var first time.Duration
	sc := bufio.NewScanner(bytes.NewReader(out))
	expectCount := true
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "Run Time:") {
			timers++
			f := strings.Fields(line)
			var d time.Duration
			if len(f) >= 8 {
				u, _ := strconv.ParseFloat(f[5], 64)
				s, _ := strconv.ParseFloat(f[7], 64)
				d = time.Duration((u + s) * float64(time.Second))
			}
			if timers%2 == 1 {
				first = d
			} else {
				all = append(all, first+d)
			}
			expectCount = timers%2 == 0
			continue
		}
		if expectCount {
			n, _ := strconv.Atoi(line)
			counts = append(counts, n)
			expectCount = false
		}
	}
	if len(counts) != benchPasses*len(queries) || len(all) != len(counts) {
		b.Logf("fts5: could not read the output (%d counts, %d timings)", len(counts), len(all))
		return nil
	}
	passes := make([][]time.Duration, len(queries))
	for i, d := range all {
		passes[i%len(queries)] = append(passes[i%len(queries)], d)
	}
	lat := medians(passes)
	var lat3 []time.Duration
	for i, q := range queries {
		if utf8.RuneCountInString(q.q) >= 3 {
			lat3 = append(lat3, lat[i])
		}
	}
	var hits, expected, hits2, expected2 int
	for i, q := range queries {
		hits += min(counts[i], q.want)
		expected += q.want
		if utf8.RuneCountInString(q.q) == 2 {
			hits2 += min(counts[i], q.want)
			expected2 += q.want
		}
	}
	b.ReportMetric(ms(percentile(lat, 50)), "fts5-p50-ms")
	b.ReportMetric(ms(percentile(lat, 99)), "fts5-p99-ms")
	b.ReportMetric(ratio(hits, expected), "fts5-recall")
	b.Logf("fts5 trigram: loaded in %.1fs, %.1f MB = %.2f× text; count + top-10 by rank: CPU p50 %.2f ms p99 %.2f ms, 3+ characters CPU p50 %.2f ms; recall %.3f, on 2-character queries %.3f",
		loadTime.Seconds(), float64(st.Size())/1e6, float64(st.Size())/float64(textBytes),
		ms(percentile(lat, 50)), ms(percentile(lat, 99)), ms(percentile(lat3, 50)), ratio(hits, expected), ratio(hits2, expected2))
	return lat
}

func sqlite(db, script string) ([]byte, error) {
	cmd := exec.Command("sqlite3", "-batch", db)
	cmd.Stdin = strings.NewReader(script)
	return cmd.CombinedOutput()
}

// benchRipgrep writes one text a line and runs `rg -F -c` per query: what a
// researcher with grep would run, process start included.
func benchRipgrep(b *testing.B, dir string, texts []string, queries []benchQuery) {
	if _, err := exec.LookPath("rg"); err != nil {
		b.Log("ripgrep: skipped, no rg command (Debian package ripgrep)")
		return
	}
	file := filepath.Join(dir, "texts.txt")
	if err := os.WriteFile(file, []byte(strings.Join(texts, "\n")+"\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	var lat []time.Duration
	var hits, expected int
	for _, q := range queries {
		t0 := time.Now()
		out, _ := exec.Command("rg", "-F", "-c", "--", q.q, file).Output() // exit 1: no match
		lat = append(lat, time.Since(t0))
		n, _ := strconv.Atoi(strings.TrimSpace(string(out)))
		hits += min(n, q.want)
		expected += q.want
	}
	b.ReportMetric(ms(percentile(lat, 50)), "rg-p50-ms")
	b.ReportMetric(ms(percentile(lat, 99)), "rg-p99-ms")
	b.Logf("ripgrep: all matches, p50 %.2f ms p99 %.2f ms (a process per query); recall %.3f",
		ms(percentile(lat, 50)), ms(percentile(lat, 99)), ratio(hits, expected))
}

// benchPasses is the number of times BenchmarkArchive runs its query set,
// in jianbao and in FTS5: each query's time is its median.
const benchPasses = 5

// medians returns the median of each list.
func medians(lists [][]time.Duration) []time.Duration {
	out := make([]time.Duration, len(lists))
	for i, l := range lists {
		out[i] = percentile(l, 50)
	}
	return out
}

func percentile(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

// BenchmarkSearch times Search alone, one op being the whole query set
// (total + top 10 by relevance, as BenchmarkArchive's queries), so that CPU
// profiles, -count and benchstat apply. The index is built once per process
// (JIANBAO_BENCH_ARTICLES articles, default 2000), or reused from
// JIANBAO_BENCH_DIR when set (built there on first use; delete the directory
// after changing the mapping). Each case runs on the fast path (scorch.go)
// and on the public path alone, in the same process.
func BenchmarkSearch(b *testing.B) {
	target := measure.BenchArticles(b)
	dir := os.Getenv("JIANBAO_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	ix, texts := benchIndex(b, dir, target)
	defer ix.Close()
	queries := benchQueries(texts, 300)
	for _, tc := range []struct {
		name     string
		sort     string
		snippets bool
		filtered bool
	}{{"relevance", "", false, false}, {"relevance+snippets", "", true, false}, {"date", index.SortDate, false, false},
		{"filtered+facets", "", true, true}} {
		for _, path := range []string{"fast", "public"} {
			b.Run(path+"/"+tc.name, func(b *testing.B) {
				index.SetPublic(ix, path == "public")
				defer index.SetPublic(ix, false)
				b.ReportAllocs()
				c0 := measure.CPUTime()
				var cpu []time.Duration
				for range b.N {
					for _, q := range queries {
						req := index.Request{Expr: index.Text{Value: q.q}, Limit: 10, Sort: tc.sort, Snippets: tc.snippets}
						if tc.filtered {
							// As the server asks for district:D from:2018 to:2025
							// with every facet.
							var years index.Or
							for y := 2018; y <= 2025; y++ {
								years = append(years, index.Field{"year", strconv.Itoa(y)})
							}
							req.Expr = index.And{req.Expr, index.Field{"district", ingest.Districts[len(q.q)%len(ingest.Districts)]}, years}
							req.Facets = []string{"district", "section", "org", "theme", "year"}
						}
						q0 := measure.CPUTime()
						res, err := ix.Search(context.Background(), req)
						if err != nil {
							b.Fatal(err)
						}
						cpu = append(cpu, measure.CPUTime()-q0)
						if !tc.filtered && res.Total != q.want {
							b.Fatalf("%q: %d hits, want %d", q.q, res.Total, q.want)
						}
					}
				}
				b.ReportMetric(ms(percentile(cpu, 50)), "cpu-p50-ms")
				b.ReportMetric(ms(percentile(cpu, 99)), "cpu-p99-ms")
				n := float64(b.N * len(queries))
				b.ReportMetric(ms(b.Elapsed())/n, "ms/query")
				b.ReportMetric(ms(measure.CPUTime()-c0)/n, "cpu-ms/query")
			})
		}
	}
}

// benchIndex opens the index in dir/index, building it from a generated
// archive of about target articles in dir/src when there is none, and
// returns it with the normalised text of every article.
func benchIndex(b *testing.B, dir string, target int) (*index.Index, []string) {
	src := filepath.Join(dir, "src")
	if _, err := os.Stat(src); err != nil {
		if err := synth.Write(src, synth.Generate(target*10/55+1, 2026)); err != nil {
			b.Fatal(err)
		}
	}
	paths, _ := filepath.Glob(filepath.Join(src, "*.txt"))
	ixDir := filepath.Join(dir, "index")
	if _, err := os.Stat(ixDir); err != nil {
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
	ix, err := index.Open(ixDir, index.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	if err := ix.Warm(context.Background()); err != nil { // as a server does
		b.Fatal(err)
	}
	return ix, articleTexts(paths)
}

// articleTexts returns the searchText of every article of the files.
func articleTexts(paths []string) []string {
	var texts []string
	for _, p := range paths {
		iss, _ := ingest.ParseFile(context.Background(), p, ingest.Options{})
		if iss == nil {
			continue
		}
		for _, a := range iss.Articles {
			texts = append(texts, index.BenchText(&a))
		}
	}
	return texts
}
