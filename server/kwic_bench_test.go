package server

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jianbao/query"
	"jianbao/report"
)

// BenchmarkConcordance reports the time of a whole concordance (every
// occurrence counted, lines sorted by the left context) of words from
// frequent to rare on the generated archive of BenchmarkHTTPSearch, with
// the occurrences counted, beside ripgrep counting the same occurrences
// (rg -o, a process per query) in the archive's normalised text. The
// occurrence counts must agree with strings.Count over that text.
func BenchmarkConcordance(b *testing.B) {
	a := loadBench(b)
	rg, _ := exec.LookPath("rg")
	for _, q := range []string{"文明", "志愿服务", "新时代文明实践", "垃圾分类", "永定路"} {
		b.Run(q, func(b *testing.B) {
			want := 0
			for _, t := range a.texts {
				want += occurrencesOf(t, q)
			}
			var c *report.Concordance
			for b.Loop() {
				var err error
				c, err = report.ComputeConcordance(b.Context(), a.ix, report.KWICParams{Params: query.Params{Q: q}, Order: report.KWICSortLeft})
				if err != nil {
					b.Fatal(err)
				}
			}
			if c.Occurrences != want {
				b.Fatalf("%s: %d occurrences, strings.Count finds %d", q, c.Occurrences, want)
			}
			b.ReportMetric(float64(c.Occurrences), "occurrences")
			b.ReportMetric(float64(len(c.Lines)), "lines")
			if rg != "" {
				start := time.Now()
				out, err := exec.Command(rg, "-o", "-F", "--no-filename", q, filepath.Join(a.dir, "text.txt")).Output()
				if err != nil && len(out) > 0 {
					b.Fatal(err)
				}
				b.ReportMetric(float64(time.Since(start).Microseconds())/1000, "rg-ms")
			}
		})
	}
}

// occurrencesOf counts q in an article's text of the bench archive
// (headline␟attribution␟body) the way the concordance does: the headline
// only when the body does not start with it.
func occurrencesOf(text, q string) int {
	parts := strings.SplitN(text, "\x1f", 3)
	n := strings.Count(parts[1], q) + strings.Count(parts[2], q)
	if !strings.HasPrefix(parts[2], parts[0]) {
		n += strings.Count(parts[0], q)
	}
	return n
}
