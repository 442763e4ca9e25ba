package report

import (
	"jianbao/query"

	"context"
	"fmt"
	"io"
	"slices"
	"strconv"

	"jianbao/index"
)

// Granularities of a trend.
const (
	ByYear    = "year"
	ByQuarter = "quarter"
	ByMonth   = "month"
)

// Splits of a trend into groups.
const (
	SplitNone     = ""
	SplitDistrict = "district"
	SplitSection  = "section"
)

// Bounds of a trend, so that its answer and chart stay small whatever the
// dates and sections of the archive: an index made before ingest refused
// implausible dates may span centuries, and a hostile bulletin may bring
// thousands of sections.
const (
	// MaxTrendPeriods is the most periods a trend lists (a century of
	// months). When the archive spans more, only the periods that have
	// issues are listed (Trend.Sparse); when even those are more, the
	// request is refused: a coarser granularity is needed.
	MaxTrendPeriods = 1200
	// MaxTrendGroups is the most groups of a split trend: the most
	// frequent ones; Trend.OtherGroups counts the rest.
	MaxTrendGroups = 50
)

// TrendPoint counts the matching articles, and the issues they stand in, of
// one period.
type TrendPoint struct {
	Period   string `json:"period"` // "2021", "2021-Q2", "2021-04"
	Articles int    `json:"articles"`
	Issues   int    `json:"issues"`
}

// TrendGroup is the series of one district or section.
type TrendGroup struct {
	Group  string       `json:"group"`
	Series []TrendPoint `json:"series"`
}

// Trend is the answer of a trend query: the series of the whole archive
// and, when split, one series per group. Every series covers the same
// periods, from the archive's first to its last, empty ones as zeros.
type Trend struct {
	Query  string       `json:"query"`
	By     string       `json:"by"`
	Split  string       `json:"split,omitempty"`
	Series []TrendPoint `json:"series"`
	Groups []TrendGroup `json:"groups,omitempty"`
	// Sparse is true when the archive spans more than MaxTrendPeriods
	// periods: Series lists only the periods that have issues.
	Sparse bool `json:"sparse,omitempty"`
	// OtherGroups counts the groups left out beyond MaxTrendGroups.
	OtherGroups int `json:"other_groups,omitempty"`
}

// IssueLister lists the issues of the archive with their dates.
type IssueLister interface {
	Issues(ctx context.Context) ([]index.IssueFiles, error)
}

// TrendSource is what a trend needs: searches and the list of issues.
type TrendSource interface {
	query.Searcher
	IssueLister
}

// ComputeTrend counts, per period of granularity by, the articles matching
// p (its query and filters) and the issues they appear in. With split it
// also counts per district or section. Paging and sort of p are ignored.
func ComputeTrend(ctx context.Context, s TrendSource, p query.Params, by, split string) (*Trend, error) {
	if periodOf(by, "2021-01-01") == "" {
		return nil, &query.ParamError{Param: "by", Msg: fmt.Sprintf("unknown granularity %q: want year, quarter or month", by)}
	}
	if split != SplitNone && split != SplitDistrict && split != SplitSection {
		return nil, &query.ParamError{Param: "split", Msg: fmt.Sprintf("unknown split %q: want district or section", split)}
	}
	issues, err := s.Issues(ctx)
	if err != nil {
		return nil, fmt.Errorf("trend: %w", err)
	}
	dates := make(map[string]string, len(issues))
	var first, last string
	for _, iss := range issues {
		dates[iss.ID] = iss.Date
		if first == "" || iss.Date < first {
			first = iss.Date
		}
		last = max(last, iss.Date)
	}
	periods, sparse := periodRange(by, first, last), false
	if periods == nil {
		periods, sparse = issuePeriods(by, dates), true
		if len(periods) > MaxTrendPeriods {
			return nil, &query.ParamError{Param: "by", Msg: fmt.Sprintf("the issues fall in %d periods by %s, more than %d: count by a longer period", len(periods), by, MaxTrendPeriods)}
		}
	}
	p.Limit, p.Offset, p.Facets = 1, 0, nil
	req, err := p.Request()
	if err != nil {
		return nil, err
	}
	t := &Trend{Query: p.Q, By: by, Split: split, Sparse: sparse}
	if t.Series, err = countSeries(ctx, s, req, by, periods, dates); err != nil {
		return nil, err
	}
	if split == SplitNone {
		return t, nil
	}
	groups, err := groupValues(ctx, s, req, split)
	if err != nil {
		return nil, err
	}
	if len(groups) > MaxTrendGroups {
		t.OtherGroups = len(groups) - MaxTrendGroups
		groups = groups[:MaxTrendGroups]
	}
	for _, g := range groups {
		greq := req
		greq.Expr = index.And{req.Expr, index.Field{Name: split, Value: g}}
		series, err := countSeries(ctx, s, greq, by, periods, dates)
		if err != nil {
			return nil, err
		}
		t.Groups = append(t.Groups, TrendGroup{Group: g, Series: series})
	}
	return t, nil
}

// countSeries runs req with an issue_id facet and adds the counts up by
// period.
func countSeries(ctx context.Context, s query.Searcher, req index.Request, by string, periods []string, dates map[string]string) ([]TrendPoint, error) {
	req.Facets = []string{"issue_id"}
	req.Snippets = false
	res, err := s.Search(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("trend: %w", err)
	}
	series := make([]TrendPoint, len(periods))
	at := make(map[string]int, len(periods))
	for i, p := range periods {
		series[i].Period = p
		at[p] = i
	}
	counted := 0
	for _, fc := range res.Facets["issue_id"] {
		i, ok := at[periodOf(by, dates[fc.Value])]
		if !ok || fc.Count == 0 {
			continue
		}
		series[i].Articles += fc.Count
		series[i].Issues++
		counted += fc.Count
	}
	if counted != res.Total {
		return nil, fmt.Errorf("trend: counted %d of %d matching articles: the index and its issue list disagree", counted, res.Total)
	}
	return series, nil
}

// groupValues lists the districts or sections that the matching articles
// have, most frequent first.
func groupValues(ctx context.Context, s query.Searcher, req index.Request, split string) ([]string, error) {
	req.Facets = []string{split}
	res, err := s.Search(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("trend: %w", err)
	}
	var values []string
	for _, fc := range res.Facets[split] {
		if fc.Value != "" {
			values = append(values, fc.Value)
		}
	}
	return values, nil
}

// periodOf returns the period of an ISO date: "2021", "2021-Q1" or
// "2021-01"; "" for an unknown granularity or a malformed date.
func periodOf(by, date string) string {
	if len(date) < len("2006-01") {
		return ""
	}
	switch by {
	case ByYear:
		return date[:4]
	case ByMonth:
		return date[:7]
	case ByQuarter:
		m, err := strconv.Atoi(date[5:7])
		if err != nil || m < 1 || m > 12 {
			return ""
		}
		return fmt.Sprintf("%s-Q%d", date[:4], (m-1)/3+1)
	}
	return ""
}

// periodRange lists every period from the one of first to the one of
// last; nil when they are more than MaxTrendPeriods (or a date is
// malformed).
func periodRange(by, first, last string) []string {
	if first == "" {
		return []string{}
	}
	y, m, ok := yearMonth(first)
	ly, lm, lok := yearMonth(last)
	if !ok || !lok || (ly-y)*12+lm-m >= MaxTrendPeriods*12 {
		return nil // a bound in months before listing years
	}
	end := periodOf(by, last)
	var out []string
	for {
		p := periodOf(by, fmt.Sprintf("%04d-%02d-01", y, m))
		if len(out) == 0 || out[len(out)-1] != p {
			out = append(out, p)
		}
		if len(out) > MaxTrendPeriods {
			return nil
		}
		if p == end {
			return out
		}
		if m++; m > 12 {
			m, y = 1, y+1
		}
	}
}

// yearMonth returns the year and month of an ISO date.
func yearMonth(date string) (y, m int, ok bool) {
	if len(date) < len("2006-01") {
		return 0, 0, false
	}
	y, err := strconv.Atoi(date[:4])
	m, err2 := strconv.Atoi(date[5:7])
	return y, m, err == nil && err2 == nil && m >= 1 && m <= 12
}

// issuePeriods lists the periods that hold an issue of dates, in order.
func issuePeriods(by string, dates map[string]string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, d := range dates {
		if p := periodOf(by, d); !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

// WriteTrendTable writes t as a table: a row per period, a column for the
// whole archive and one per group.
func WriteTrendTable(w io.Writer, t *Trend) {
	fmt.Fprintf(w, "%-8s %8s %7s", "period", "articles", "issues")
	for _, g := range t.Groups {
		fmt.Fprintf(w, " %8s", g.Group)
	}
	fmt.Fprintln(w)
	for i, pt := range t.Series {
		fmt.Fprintf(w, "%-8s %8d %7d", pt.Period, pt.Articles, pt.Issues)
		for _, g := range t.Groups {
			fmt.Fprintf(w, " %8d", g.Series[i].Articles)
		}
		fmt.Fprintln(w)
	}
	if t.Sparse {
		fmt.Fprintf(w, "(only the periods with issues: the archive spans more than %d)\n", MaxTrendPeriods)
	}
	if t.OtherGroups > 0 {
		fmt.Fprintf(w, "(%d more groups, less frequent, not shown)\n", t.OtherGroups)
	}
}

// TrendCSV returns t as CSV rows: period, group ("" for the whole archive),
// articles, issues.
func TrendCSV(t *Trend) [][]string {
	rows := [][]string{{"period", "group", "articles", "issues"}}
	add := func(group string, series []TrendPoint) {
		for _, pt := range series {
			rows = append(rows, []string{pt.Period, group, strconv.Itoa(pt.Articles), strconv.Itoa(pt.Issues)})
		}
	}
	add("", t.Series)
	for _, g := range t.Groups {
		add(g.Group, g.Series)
	}
	return rows
}
