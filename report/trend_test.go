package report

import (
	"jianbao/query"

	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"jianbao/index"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files in testdata")

// periodCounts counts, from a plain search, the articles and issues matching
// p per period of granularity by: what a trend must equal.
func periodCounts(t *testing.T, ix *index.Index, p query.Params, by string) map[string]TrendPoint {
	t.Helper()
	p.Limit, p.Offset, p.Facets = query.MaxLimit, 0, nil
	res, err := query.Search(context.Background(), ix, p)
	if err != nil {
		t.Fatal(err)
	}
	if res.Total > query.MaxLimit {
		t.Fatalf("%d hits: more than one page", res.Total)
	}
	counts := map[string]TrendPoint{}
	issues := map[string]bool{}
	for _, h := range res.Hits {
		period := periodOf(by, h.Date)
		c := counts[period]
		c.Period = period
		c.Articles++
		if !issues[h.IssueID] {
			issues[h.IssueID] = true
			c.Issues++
		}
		counts[period] = c
	}
	return counts
}

func TestTrendEqualsSearchPerPeriod(t *testing.T) {
	ix := sharedIndex(t)
	ctx := context.Background()
	for _, tt := range []struct {
		q, district string
	}{
		{q: "志愿"}, {q: "垃圾分类"}, {q: "theme:疫情防控"}, {q: ""}, {q: "文明", district: "海淀"},
	} {
		for _, by := range []string{ByYear, ByQuarter, ByMonth} {
			p := query.Params{Q: tt.q, District: tt.district}
			tr, err := ComputeTrend(ctx, ix, p, by, SplitNone)
			if err != nil {
				t.Fatalf("%q by %s: %v", tt.q, by, err)
			}
			want := periodCounts(t, ix, p, by)
			total := 0
			for i, pt := range tr.Series {
				if i > 0 && pt.Period <= tr.Series[i-1].Period {
					t.Errorf("%q by %s: periods out of order: %s after %s", tt.q, by, pt.Period, tr.Series[i-1].Period)
				}
				w := want[pt.Period]
				if pt.Articles != w.Articles || pt.Issues != w.Issues {
					t.Errorf("%q by %s, %s: trend %d articles %d issues, search %d and %d", tt.q, by, pt.Period, pt.Articles, pt.Issues, w.Articles, w.Issues)
				}
				total += pt.Articles
				delete(want, pt.Period)
			}
			if len(want) > 0 {
				t.Errorf("%q by %s: periods with hits missing from the trend: %v", tt.q, by, want)
			}
			if tt.q == "" && tt.district == "" && total == 0 {
				t.Errorf("by %s: the whole archive counts no article", by)
			}
		}
	}
}

func TestTrendZerosAndSplit(t *testing.T) {
	ix := sharedIndex(t)
	tr, err := ComputeTrend(context.Background(), ix, query.Params{Q: "志愿"}, ByYear, SplitDistrict)
	if err != nil {
		t.Fatal(err)
	}
	issues, err := ix.Issues(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	first, last := issues[0].Date[:4], issues[0].Date[:4]
	for _, iss := range issues {
		first, last = min(first, iss.Date[:4]), max(last, iss.Date[:4])
	}
	if tr.Series[0].Period != first || tr.Series[len(tr.Series)-1].Period != last {
		t.Errorf("series spans %s..%s, archive %s..%s", tr.Series[0].Period, tr.Series[len(tr.Series)-1].Period, first, last)
	}
	if len(tr.Groups) < 2 {
		t.Fatalf("split by district gave %d groups", len(tr.Groups))
	}
	for _, g := range tr.Groups {
		if len(g.Series) != len(tr.Series) {
			t.Errorf("group %s has %d periods, want %d", g.Group, len(g.Series), len(tr.Series))
		}
		want := periodCounts(t, ix, query.Params{Q: "志愿", District: g.Group}, ByYear)
		for _, pt := range g.Series {
			if pt.Articles != want[pt.Period].Articles {
				t.Errorf("group %s %s: %d articles, search says %d", g.Group, pt.Period, pt.Articles, want[pt.Period].Articles)
			}
		}
	}
}

func TestTrendErrors(t *testing.T) {
	ix := sharedIndex(t)
	ctx := context.Background()
	if _, err := ComputeTrend(ctx, ix, query.Params{}, "week", SplitNone); err == nil || !strings.Contains(err.Error(), "unknown granularity") {
		t.Errorf("by week: %v", err)
	}
	if _, err := ComputeTrend(ctx, ix, query.Params{}, ByYear, "org"); err == nil || !strings.Contains(err.Error(), "unknown split") {
		t.Errorf("split org: %v", err)
	}
	var se *query.SyntaxError
	if _, err := ComputeTrend(ctx, ix, query.Params{Q: `"open`}, ByYear, SplitNone); !errors.As(err, &se) {
		t.Errorf("bad query: %v", err)
	}
}

func TestPeriods(t *testing.T) {
	tests := []struct {
		by, first, last string
		want            []string
	}{
		{ByYear, "2019-05-01", "2021-01-02", []string{"2019", "2020", "2021"}},
		{ByQuarter, "2019-11-01", "2020-04-30", []string{"2019-Q4", "2020-Q1", "2020-Q2"}},
		{ByMonth, "2019-11-15", "2020-02-01", []string{"2019-11", "2019-12", "2020-01", "2020-02"}},
		{ByMonth, "", "", []string{}},
	}
	for _, tt := range tests {
		if got := periodRange(tt.by, tt.first, tt.last); !slices.Equal(got, tt.want) {
			t.Errorf("periodRange(%s, %s, %s) = %v, want %v", tt.by, tt.first, tt.last, got, tt.want)
		}
	}
}

func TestTrendSVG(t *testing.T) {
	tr := &Trend{Query: "垃圾分类", By: ByYear, Split: SplitDistrict,
		Series: []TrendPoint{{Period: "2019", Articles: 3, Issues: 2}, {Period: "2020"}, {Period: "2021", Articles: 5, Issues: 4}},
		Groups: []TrendGroup{
			{Group: "海淀区", Series: []TrendPoint{{Period: "2019", Articles: 2, Issues: 1}, {Period: "2020"}, {Period: "2021", Articles: 1, Issues: 1}}},
			{Group: "密云区", Series: []TrendPoint{{Period: "2019", Articles: 1, Issues: 1}, {Period: "2020"}, {Period: "2021", Articles: 4, Issues: 3}}},
		}}
	var buf bytes.Buffer
	if err := WriteTrendSVG(&buf, tr); err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(buf.Bytes(), new(struct{})); err != nil {
		t.Fatalf("not well-formed XML: %v", err)
	}
	svg := buf.String()
	if n := strings.Count(svg, `class="bar"`); n != 3 {
		t.Errorf("%d period bars, want 3", n)
	}
	if n := strings.Count(svg, `class="group"`); n != 2 {
		t.Errorf("%d group bars, want 2", n)
	}
	for _, want := range []string{"2021: 5 篇文章, 4 期", ">海淀区<", ">5<", "<title>垃圾分类 · year</title>"} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	golden := filepath.Join("testdata", "trend.svg")
	if *updateGolden {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(want, buf.Bytes()) {
		t.Errorf("SVG differs from %s (run go test -update after a deliberate change)", golden)
	}
}

func TestPeriodRange(t *testing.T) {
	for _, tt := range []struct {
		by, first, last string
		n               int // -1: nil, too many
	}{
		{ByYear, "2016-01-02", "2021-12-01", 6},
		{ByQuarter, "2016-01-02", "2021-12-01", 24},
		{ByMonth, "2016-01-02", "2021-12-01", 72},
		{ByMonth, "1949-01-01", "2048-12-31", 1200},
		{ByMonth, "1949-01-01", "2049-01-01", -1},
		{ByYear, "1000-01-01", "2021-03-23", 1022},
		{ByYear, "1000-01-01", "9999-12-31", -1},
		{ByMonth, "1000-01-01", "2021-03-23", -1},
	} {
		got := periodRange(tt.by, tt.first, tt.last)
		if tt.n < 0 && got != nil || tt.n >= 0 && len(got) != tt.n {
			t.Errorf("periodRange(%s, %s, %s): %d periods, want %d", tt.by, tt.first, tt.last, len(got), tt.n)
		}
	}
}
