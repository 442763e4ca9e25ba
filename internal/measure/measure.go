// Package measure holds what jianbao's benchmarks measure with in every
// package: the process's CPU time, percentiles of latencies, and the size
// of the generated archive they run on.
package measure

import (
	"os"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// CPUTime is the CPU time this process has used, user and system: unlike
// wall time, it does not depend on what else the machine runs.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	// Getrusage of the calling process cannot fail.
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Pct returns the p-th percentile of d (d is not changed).
func Pct(d []time.Duration, p int) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

// Ms returns d in milliseconds, to the microsecond.
func Ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// BenchArticles is the size of the generated archive of a benchmark:
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
