package report

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"jianbao/ingest"
)

func TestGapOf(t *testing.T) {
	tests := []struct {
		nums    []int
		highest int
		missing []int
	}{
		{[]int{1, 2, 3}, 3, []int{}},
		{[]int{3, 1, 7}, 7, []int{2, 4, 5, 6}},
		{[]int{2}, 2, []int{1}},
		{nil, 0, []int{}},
	}
	for _, tt := range tests {
		g := gapOf("2021", tt.nums)
		if g.Highest != tt.highest || !slices.Equal(g.Missing, tt.missing) {
			t.Errorf("gapOf(%v) = %d %v, want %d %v", tt.nums, g.Highest, g.Missing, tt.highest, tt.missing)
		}
	}
	if got := numberRanges([]int{1, 2, 3, 7, 9, 10}); got != "1-3, 7, 9-10" {
		t.Errorf("numberRanges = %q", got)
	}
}

// TestStatsOfArchive checks the overview of the test archive against the
// records parsed straight from its files.
func TestStatsOfArchive(t *testing.T) {
	st, err := ComputeStats(context.Background(), sharedIndex(t))
	if err != nil {
		t.Fatal(err)
	}
	nums := map[string][]int{}
	articles, special := 0, 0
	years := map[string]int{}
	seen := map[string]bool{}
	for _, f := range testFiles(t) {
		iss, err := ingest.ParseFile(context.Background(), f, ingest.Options{})
		if iss == nil {
			t.Fatalf("%s: %v", filepath.Base(f), err)
		}
		if seen[iss.ID] {
			continue
		}
		seen[iss.ID] = true
		articles += len(iss.Articles)
		years[iss.Date[:4]]++
		if iss.Special != "" {
			special++
			continue
		}
		nums[iss.Date[:4]] = append(nums[iss.Date[:4]], iss.Issue)
	}
	if st.Issues != len(seen) || st.Articles != articles || st.Special != special {
		t.Errorf("stats: %d issues, %d articles, %d special; files: %d, %d, %d", st.Issues, st.Articles, st.Special, len(seen), articles, special)
	}
	if len(st.Years) != len(years) {
		t.Errorf("%d years, want %d", len(st.Years), len(years))
	}
	for _, y := range st.Years {
		if y.Issues != years[y.Year] {
			t.Errorf("%s: %d issues, want %d", y.Year, y.Issues, years[y.Year])
		}
	}
	for _, g := range st.Gaps {
		for _, n := range g.Missing {
			if slices.Contains(nums[g.Year], n) {
				t.Errorf("%s: issue %d reported missing but present", g.Year, n)
			}
		}
		if g.Highest != slices.Max(nums[g.Year]) || len(g.Missing) != g.Highest-len(nums[g.Year]) {
			t.Errorf("%s: gap %+v for issues %v", g.Year, g, nums[g.Year])
		}
	}
	var b strings.Builder
	if err := WriteStatsText(&b, st, 5); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "gaps in the issue numbers:") || !strings.Contains(b.String(), " missing: ") {
		t.Errorf("text view:\n%s", b.String())
	}
}
