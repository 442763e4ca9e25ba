package main

import (
	"log/slog"
	"os"
	"runtime/debug"
	"runtime/metrics"
)

// A server's heap is mostly long-lived and free of pointers: the search
// texts and facet columns Warm reads, about 0.85 of the text. With Go's
// default GOGC of 100 the heap grows to twice what is live before it is
// collected, so at a million articles half a gigabyte would be garbage
// waiting. Collecting when the garbage reaches a quarter of the live heap
// (at least minGCAllowance) costs little: a collection marks the few
// pointers, not the bytes of the texts.
const (
	minGCAllowance = 32 << 20
	gcAllowance    = 4 // the allowance is live ÷ gcAllowance
)

// fitGCToServing sets the collector for the heap Warm left (see above) and
// returns the memory freed by warming to the system. GOGC set in the
// environment wins.
func fitGCToServing(log *slog.Logger) {
	if os.Getenv("GOGC") != "" {
		return
	}
	debug.FreeOSMemory() // collects, so the live heap below is current
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(live)
	if live[0].Value.Kind() != metrics.KindUint64 {
		return // not measured by this Go: keep the default
	}
	pct := servingGCPercent(live[0].Value.Uint64())
	debug.SetGCPercent(pct)
	log.Debug("garbage collector fitted to the warmed heap", "live_bytes", live[0].Value.Uint64(), "gc_percent", pct)
}

// servingGCPercent is the GOGC for a live heap of live bytes: garbage up to
// a quarter of it, at least minGCAllowance, and never more than the
// default 100.
func servingGCPercent(live uint64) int {
	if live == 0 {
		return 100
	}
	allowance := max(minGCAllowance, live/gcAllowance)
	return int(min(100, 100*allowance/live))
}

// The collector's settings while ingest and reindex write the index. The
// live heap is a few batches of documents being prepared and built into
// segments, 100–330 MB whatever the archive, and writing allocates several
// times that a second. At Go's default, collecting when the heap has
// doubled, a 1M-article ingest collected 539 times and was marking for 152
// of its 430 s (GODEBUG=gctrace=1). Collecting at five times the live
// heap, and at the latest when the process holds writeMemoryLimit, took a
// quarter off its CPU time (README, "ingest, where the time goes"). Only
// a live heap past half the limit, far above any seen, would be collected
// more often than at Go's default.
const (
	writeGCPercent   = 400
	writeMemoryLimit = 1536 << 20
)

// collectLess sets the collector's target to pct (Go's default is 100) and,
// when limit > 0, its memory limit to limit bytes, for a command that
// allocates fast over a small live heap. It returns what restores the
// settings before. GOGC or GOMEMLIMIT set in the environment wins.
func collectLess(pct int, limit int64) (restore func()) {
	var undo []func()
	if os.Getenv("GOGC") == "" {
		before := debug.SetGCPercent(pct)
		undo = append(undo, func() { debug.SetGCPercent(before) })
	}
	if limit > 0 && os.Getenv("GOMEMLIMIT") == "" {
		before := debug.SetMemoryLimit(limit)
		undo = append(undo, func() { debug.SetMemoryLimit(before) })
	}
	return func() {
		for _, f := range undo {
			f()
		}
	}
}
