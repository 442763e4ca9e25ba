package server

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"jianbao/internal/measure"
)

// BenchmarkHTTPPaired is make bench-ab: the queries of BenchmarkHTTPSearch
// sent over loopback HTTP to two jianbao serve processes in turn, this
// version's and an earlier one's (JIANBAO_AB_BASE: a directory with its
// jianbao binary; its index of the same archive is built there by that
// binary on first use), so that both meet the same load on a shared
// machine. Each query goes to both, in alternating order, after a warm-up
// pass; it reports each one's p50 and p99 for each kind and the median of
// the per-query ratios this/base, the figure least moved by other work.
func BenchmarkHTTPPaired(b *testing.B) {
	baseDir := os.Getenv("JIANBAO_AB_BASE")
	if baseDir == "" {
		b.Skip("JIANBAO_AB_BASE is not set (make bench-ab sets it)")
	}
	a := loadBench(b)
	baseIndex := filepath.Join(baseDir, "index")
	if _, err := os.Stat(baseIndex); err != nil {
		if out, err := exec.Command(filepath.Join(baseDir, "jianbao"), "ingest", "--index", baseIndex, filepath.Join(a.dir, "src")).CombinedOutput(); err != nil {
			b.Fatalf("base ingest: %v: %s", err, out)
		}
	}
	servers := [2]string{ // this version, base
		serveForBench(b, filepath.Join(a.dir, "jianbao"), filepath.Join(a.dir, "index")),
		serveForBench(b, filepath.Join(baseDir, "jianbao"), baseIndex),
	}
	client := &http.Client{Timeout: time.Minute}
	get := func(base, q string) time.Duration {
		t0 := time.Now()
		resp, err := client.Get(base + "/api/search?" + q)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body) // the time to read it is what counts
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("%s/api/search?%s: status %d", base, q, resp.StatusCode)
		}
		return time.Since(t0)
	}
	kinds := benchKinds(a.texts, 200)
	b.ResetTimer()
	for _, kind := range []string{"term", "phrase", "filtered"} {
		var lat [2][]time.Duration
		var ratios []float64
		for pass := range b.N + 1 {
			for i, q := range kinds[kind] {
				var d [2]time.Duration
				for j := range 2 {
					k := (i + j + pass) % 2
					d[k] = get(servers[k], q[0])
				}
				if pass == 0 {
					continue // warm-up
				}
				lat[0], lat[1] = append(lat[0], d[0]), append(lat[1], d[1])
				ratios = append(ratios, float64(d[0])/float64(d[1]))
			}
		}
		slices.Sort(ratios)
		b.ReportMetric(measure.Ms(measure.Pct(lat[0], 50)), kind+"-p50-ms")
		b.ReportMetric(measure.Ms(measure.Pct(lat[1], 50)), kind+"-base-p50-ms")
		b.ReportMetric(measure.Ms(measure.Pct(lat[0], 99)), kind+"-p99-ms")
		b.ReportMetric(measure.Ms(measure.Pct(lat[1], 99)), kind+"-base-p99-ms")
		b.ReportMetric(ratios[len(ratios)/2], kind+"-ratio")
	}
}

// serveForBench starts jianbao serve --read-only on index and returns its
// URL; the process is stopped when the benchmark ends.
func serveForBench(b *testing.B, bin, index string) string {
	b.Helper()
	cmd := exec.Command(bin, "serve", "--read-only", "--index", index, "--addr", "127.0.0.1:0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = cmd.Process.Kill() // a read-only server has nothing to save
		_ = cmd.Wait()         // killed: its status says so
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	i := strings.Index(line, "http://")
	if err != nil || i < 0 {
		b.Fatalf("%s serve printed %q: %v", bin, line, err)
	}
	go func() { _, _ = io.Copy(io.Discard, out) }() // nothing more is needed from it
	return strings.TrimSuffix(strings.Fields(line[i:])[0], "/")
}
