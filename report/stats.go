package report

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"jianbao/index"
)

// Stats is an overview of the archive: what it holds and where it has holes.
type Stats struct {
	Issues    int                `json:"issues"`
	Articles  int                `json:"articles"`
	Special   int                `json:"special_issues"` // 专刊, 增刊 and named special issues
	Years     []YearStats        `json:"years"`
	Sections  []index.FacetCount `json:"sections"`
	Districts []index.FacetCount `json:"districts"` // reporting districts; "" (municipal) left out
	Orgs      []index.FacetCount `json:"orgs"`
	Themes    []index.FacetCount `json:"themes"`
	Gaps      []Gap              `json:"gaps"` // years with missing issue numbers
	// Failed lists the files that could not be ingested, with the reason,
	// until they are ingested or pruned.
	Failed []index.FailedFile `json:"failed_files"`
}

// StatsSource is what ComputeStats reads; *index.Index is one.
type StatsSource interface {
	TrendSource
	FailedFiles() ([]index.FailedFile, error)
}

// YearStats counts one year's issues and articles.
type YearStats struct {
	Year     string `json:"year"`
	Issues   int    `json:"issues"`
	Articles int    `json:"articles"`
}

// Gap lists the regular issue numbers missing from a year of the archive:
// the numbers from 1 to the highest one present that are not there.
type Gap struct {
	Year    string `json:"year"`
	Highest int    `json:"highest"`
	Missing []int  `json:"missing"`
}

// ComputeStats counts the archive's issues and articles by year, section,
// reporting district and body, and theme, and finds the holes in each
// year's sequence of issue numbers.
func ComputeStats(ctx context.Context, s StatsSource) (*Stats, error) {
	issues, err := s.Issues(ctx)
	if err != nil {
		return nil, fmt.Errorf("stats: %w", err)
	}
	failed, err := s.FailedFiles()
	if err != nil {
		return nil, fmt.Errorf("stats: %w", err)
	}
	res, err := s.Search(ctx, index.Request{Expr: index.All{}, Limit: 1,
		Facets: []string{"year", "section", "district", "org", "theme"}})
	if err != nil {
		return nil, fmt.Errorf("stats: %w", err)
	}
	st := &Stats{Issues: len(issues), Articles: res.Total, Failed: failed,
		Sections: res.Facets["section"], Orgs: res.Facets["org"], Themes: res.Facets["theme"]}
	st.Districts = slices.DeleteFunc(slices.Clone(res.Facets["district"]), func(fc index.FacetCount) bool { return fc.Value == "" })
	articles := map[string]int{}
	for _, fc := range res.Facets["year"] {
		articles[fc.Value] = fc.Count
	}
	perYear := map[string]int{}
	numbers := map[string][]int{}
	for _, iss := range issues {
		year := iss.Date[:min(4, len(iss.Date))]
		perYear[year]++
		n, ok := regularNumber(iss.ID)
		if !ok {
			st.Special++
			continue
		}
		numbers[year] = append(numbers[year], n)
	}
	for year, n := range perYear {
		st.Years = append(st.Years, YearStats{Year: year, Issues: n, Articles: articles[year]})
	}
	slices.SortFunc(st.Years, func(a, b YearStats) int { return cmp.Compare(a.Year, b.Year) })
	st.Gaps = []Gap{}
	for _, y := range st.Years {
		if g := gapOf(y.Year, numbers[y.Year]); len(g.Missing) > 0 {
			st.Gaps = append(st.Gaps, g)
		}
	}
	return st, nil
}

// regularNumber returns the number of a regular issue from its ID
// ("2021-014" → 14); special issues ("2021-zk01") have none.
func regularNumber(id string) (int, bool) {
	_, num, ok := strings.Cut(id, "-")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(num)
	return n, err == nil && n > 0
}

// gapOf finds the numbers from 1 to the highest of nums that nums lacks.
func gapOf(year string, nums []int) Gap {
	g := Gap{Year: year, Missing: []int{}}
	if len(nums) == 0 {
		return g
	}
	g.Highest = slices.Max(nums)
	have := make([]bool, g.Highest+1)
	for _, n := range nums {
		have[n] = true
	}
	for n := 1; n <= g.Highest; n++ {
		if !have[n] {
			g.Missing = append(g.Missing, n)
		}
	}
	return g
}

// WriteStatsText writes st for a reader: totals, a table per year, the
// largest groups of each facet and the gaps.
func WriteStatsText(w io.Writer, st *Stats, top int) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%d issues (%d special), %d articles\n\n", st.Issues, st.Special, st.Articles)
	fmt.Fprintf(&b, "%-6s %7s %9s\n", "year", "issues", "articles")
	for _, y := range st.Years {
		fmt.Fprintf(&b, "%-6s %7d %9d\n", y.Year, y.Issues, y.Articles)
	}
	for _, f := range []struct {
		name   string
		counts []index.FacetCount
	}{{"sections", st.Sections}, {"reporting districts", st.Districts}, {"reporting bodies", st.Orgs}, {"themes", st.Themes}} {
		fmt.Fprintf(&b, "\n%s (%d):\n", f.name, len(f.counts))
		for i, fc := range f.counts {
			if i == top {
				fmt.Fprintf(&b, "  … %d more\n", len(f.counts)-top)
				break
			}
			fmt.Fprintf(&b, "  %6d  %s\n", fc.Count, fc.Value)
		}
	}
	b.WriteString("\ngaps in the issue numbers:\n")
	if len(st.Gaps) == 0 {
		b.WriteString("  none\n")
	}
	for _, g := range st.Gaps {
		fmt.Fprintf(&b, "  %s: %d of 1–%d missing: %s\n", g.Year, len(g.Missing), g.Highest, numberRanges(g.Missing))
	}
	if len(st.Failed) > 0 {
		fmt.Fprintf(&b, "\nfiles that could not be ingested (%d; read again once changed):\n", len(st.Failed))
		for _, f := range st.Failed {
			fmt.Fprintf(&b, "  %s: %s\n", f.Path, strings.TrimPrefix(f.Err, f.Path+": "))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// numberRanges writes sorted numbers compactly: 1-3, 7, 9-10.
func numberRanges(nums []int) string {
	var parts []string
	for i := 0; i < len(nums); {
		j := i
		for j+1 < len(nums) && nums[j+1] == nums[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, fmt.Sprintf("%d-%d", nums[i], nums[j]))
		} else {
			parts = append(parts, strconv.Itoa(nums[i]))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}
