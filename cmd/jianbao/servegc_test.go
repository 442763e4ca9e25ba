package main

import "testing"

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
