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
