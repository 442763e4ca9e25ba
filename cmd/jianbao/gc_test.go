package main

import (
	"runtime/debug"
	"testing"
)

func TestServingGCPercent(t *testing.T) {
	const mib = 1 << 20
	for _, c := range []struct {
		live uint64
		want int
	}{
		{0, 100},
		{8 * mib, 100},   // a small archive: the default
		{32 * mib, 100},  // the allowance is the live heap itself
		{64 * mib, 50},   // 32 MiB of 64
		{128 * mib, 25},  // a quarter from here on
		{600 * mib, 25},  // a million articles
		{4096 * mib, 25}, // whatever the size
	} {
		if got := servingGCPercent(c.live); got != c.want {
			t.Errorf("servingGCPercent(%d MiB) = %d, want %d", c.live/mib, got, c.want)
		}
	}
}

// TestCollectLess: the settings apply and are restored, and GOGC or
// GOMEMLIMIT in the environment wins over them.
func TestCollectLess(t *testing.T) {
	gcNow := func() int { p := debug.SetGCPercent(-1); debug.SetGCPercent(p); return p }
	limitNow := func() int64 { return debug.SetMemoryLimit(-1) }
	gc0, limit0 := gcNow(), limitNow()
	for _, c := range []struct {
		gogc, gomemlimit string
		wantGC           int
		wantLimit        int64
	}{
		{"", "", 400, 1 << 30},
		{"150", "", gc0, 1 << 30},
		{"", "2GiB", 400, limit0},
		{"150", "2GiB", gc0, limit0},
	} {
		t.Setenv("GOGC", c.gogc)
		t.Setenv("GOMEMLIMIT", c.gomemlimit)
		restore := collectLess(400, 1<<30)
		if got := gcNow(); got != c.wantGC {
			t.Errorf("GOGC=%q: GC percent %d, want %d", c.gogc, got, c.wantGC)
		}
		if got := limitNow(); got != c.wantLimit {
			t.Errorf("GOMEMLIMIT=%q: memory limit %d, want %d", c.gomemlimit, got, c.wantLimit)
		}
		restore()
		if gc, limit := gcNow(), limitNow(); gc != gc0 || limit != limit0 {
			t.Errorf("GOGC=%q GOMEMLIMIT=%q: restored to %d and %d, want %d and %d", c.gogc, c.gomemlimit, gc, limit, gc0, limit0)
		}
	}
	// export sets no memory limit.
	restore := collectLess(exportGCPercent, 0)
	defer restore()
	if got := limitNow(); got != limit0 {
		t.Errorf("collectLess with no limit set the memory limit to %d", got)
	}
}
