package index

import (
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"jianbao/ingest"
)

// What the benchmarks of package index_test (which ingest through package
// archive, and so cannot be in package index) need of its internals, and
// the helpers they share with the benchmarks of package index.

// TextsInMemory returns the bytes of search text that ix keeps in memory.
func TextsInMemory(ix *Index) int { return ix.paths.texts.size() }

// SetPublic makes ix search through bleve's public API only (public), or
// through its fast path where it can.
func SetPublic(ix *Index, public bool) { ix.paths.public = public }

// BenchText is searchText, for the benchmarks.
func BenchText(a *ingest.Article) string { return searchText(a) }

// searchText is the normalised text of an article as a search sees it:
// headline, attribution and body, separated.
func searchText(a *ingest.Article) string {
	return ingest.MatchText(a.Headline) + "\x1f" + ingest.MatchText(a.SourceOrg) + "\x1f" + ingest.MatchText(a.Body)
}

// BenchArticles is the size of the generated archive of the benchmarks:
// JIANBAO_BENCH_ARTICLES, default 2000.
func BenchArticles(b *testing.B) int {
	n := 2000
	if s := os.Getenv("JIANBAO_BENCH_ARTICLES"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil {
			b.Fatalf("JIANBAO_BENCH_ARTICLES: %v", err)
		}
		n = v
	}
	return n
}

// CPUTime is the CPU time this process has used, user and system.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	// Getrusage of the calling process cannot fail.
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
