package main

import (
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"jianbao/live"
	"jianbao/report"
)

// trendJSON runs `jianbao trend --format json` with args and decodes it.
func trendJSON(t *testing.T, args ...string) report.Trend {
	t.Helper()
	code, out, stderr := run(t, append([]string{"trend", "--format", "json"}, args...)...)
	if code != 0 {
		t.Fatalf("trend %v: exit %d: %s", args, code, stderr)
	}
	var tr report.Trend
	if err := json.Unmarshal([]byte(out), &tr); err != nil {
		t.Fatalf("trend %v: %v\n%s", args, err, out)
	}
	return tr
}

// searchCounts runs `jianbao search` with args and returns the number of
// matching articles and of distinct issues among them.
func searchCounts(t *testing.T, args ...string) (articles, issues int) {
	t.Helper()
	_, ids := searchHits(t, args...)
	seen := map[string]bool{}
	for _, id := range ids {
		seen[id] = true
	}
	return len(ids), len(seen)
}

// periodBounds turns a trend period into the --from and --to of a search.
func periodBounds(t *testing.T, p string) (from, to string) {
	t.Helper()
	if y, q, ok := strings.Cut(p, "-Q"); ok {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 || n > 4 {
			t.Fatalf("bad quarter %q", p)
		}
		return fmt.Sprintf("%s-%02d", y, 3*n-2), fmt.Sprintf("%s-%02d", y, 3*n)
	}
	return p, p
}

// nextPeriod is the period after p, computed independently of package report.
func nextPeriod(p string) string {
	switch {
	case len(p) == 4:
		y, _ := strconv.Atoi(p)
		return strconv.Itoa(y + 1)
	case strings.Contains(p, "-Q"):
		y, _ := strconv.Atoi(p[:4])
		q, _ := strconv.Atoi(p[6:])
		if q == 4 {
			return fmt.Sprintf("%d-Q1", y+1)
		}
		return fmt.Sprintf("%d-Q%d", y, q+1)
	default:
		y, _ := strconv.Atoi(p[:4])
		m, _ := strconv.Atoi(p[5:])
		if m == 12 {
			return fmt.Sprintf("%d-01", y+1)
		}
		return fmt.Sprintf("%d-%02d", y, m+1)
	}
}

// periodOfDate is the period of an ISO date, computed independently of
// package report.
func periodOfDate(by, date string) string {
	switch by {
	case "year":
		return date[:4]
	case "month":
		return date[:7]
	}
	m, _ := strconv.Atoi(date[5:7])
	return fmt.Sprintf("%s-Q%d", date[:4], (m+2)/3)
}

// searchHits runs `jianbao search` with args and returns the date and
// issue of every matching article.
func searchHits(t *testing.T, args ...string) (dates, issues []string) {
	t.Helper()
	code, out, stderr := run(t, append([]string{"search", "--format", "json", "--limit", "1000"}, args...)...)
	if code != 0 {
		t.Fatalf("search %v: exit %d: %s", args, code, stderr)
	}
	var r struct {
		Total int `json:"total"`
		Hits  []struct {
			Date    string `json:"date"`
			IssueID string `json:"issue_id"`
		} `json:"hits"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil || len(r.Hits) != r.Total {
		t.Fatalf("search %v: %v, %d hits of %d", args, err, len(r.Hits), r.Total)
	}
	for _, h := range r.Hits {
		dates = append(dates, h.Date)
		issues = append(issues, h.IssueID)
	}
	return dates, issues
}

// TestTrendMatchesSearch checks that every count of a trend is the number
// of articles (and of their issues) that search returns in the period, that
// the periods run without a hole from the first issue to the last, and that
// empty periods are zeros.
func TestTrendMatchesSearch(t *testing.T) {
	dir := sampleIndex(t)
	tests := []struct {
		by    string
		query []string
	}{
		{"year", []string{"theme:志愿服务"}},
		{"quarter", []string{"志愿"}},
		{"month", []string{"垃圾分类"}},
		{"month", nil},
		{"quarter", []string{"--district", "海淀", "theme:志愿服务"}},
		{"year", []string{"--section", "工作交流"}},
		{"month", []string{"志愿 -疫情"}},
	}
	for _, tt := range tests {
		t.Run(tt.by+" "+strings.Join(tt.query, " "), func(t *testing.T) {
			tr := trendJSON(t, append([]string{"--index", dir, "--by", tt.by}, tt.query...)...)
			if tr.By != tt.by || len(tr.Series) == 0 || tr.Groups != nil {
				t.Fatalf("trend %+v", tr)
			}
			dates, issueIDs := searchHits(t, append([]string{"--index", dir}, tt.query...)...)
			articles := map[string]int{}
			issues := map[string]map[string]bool{}
			for i, d := range dates {
				p := periodOfDate(tt.by, d)
				articles[p]++
				if issues[p] == nil {
					issues[p] = map[string]bool{}
				}
				issues[p][issueIDs[i]] = true
			}
			zeros, sum := 0, 0
			for i, pt := range tr.Series {
				if i > 0 && pt.Period != nextPeriod(tr.Series[i-1].Period) {
					t.Errorf("period %s follows %s", pt.Period, tr.Series[i-1].Period)
				}
				if pt.Articles != articles[pt.Period] || pt.Issues != len(issues[pt.Period]) {
					t.Errorf("%s: trend says %d articles in %d issues, search returns %d in %d",
						pt.Period, pt.Articles, pt.Issues, articles[pt.Period], len(issues[pt.Period]))
				}
				if pt.Articles == 0 {
					zeros++
				}
				sum += pt.Articles
			}
			if sum != len(dates) {
				t.Errorf("the periods add up to %d articles, search returns %d", sum, len(dates))
			}
			if tt.by == "month" && zeros == 0 {
				t.Errorf("no empty month in %v: the sample has months without issues", tr.Series)
			}
		})
	}
	// The same through the date filters of search, period by period.
	tr := trendJSON(t, "--index", dir, "--by", "quarter", "theme:志愿服务")
	for _, pt := range tr.Series {
		from, to := periodBounds(t, pt.Period)
		if articles, issues := searchCounts(t, "--index", dir, "--from", from, "--to", to, "theme:志愿服务"); pt.Articles != articles || pt.Issues != issues {
			t.Errorf("%s: trend %d/%d, search --from %s --to %s %d/%d", pt.Period, pt.Articles, pt.Issues, from, to, articles, issues)
		}
	}
}

// TestTrendSplit checks the per-district and per-section matrix against
// searches with the group as a filter.
func TestTrendSplit(t *testing.T) {
	dir := sampleIndex(t)
	for _, split := range []string{"district", "section"} {
		t.Run(split, func(t *testing.T) {
			tr := trendJSON(t, "--index", dir, "--split", split, "theme:志愿服务")
			if tr.Split != split || len(tr.Groups) < 2 {
				t.Fatalf("want at least two groups: %+v", tr)
			}
			sum := make([]int, len(tr.Series))
			for _, g := range tr.Groups {
				if len(g.Series) != len(tr.Series) {
					t.Fatalf("group %s has %d periods, the whole %d", g.Group, len(g.Series), len(tr.Series))
				}
				for i, pt := range g.Series {
					if pt.Period != tr.Series[i].Period {
						t.Errorf("group %s: period %s at %d, want %s", g.Group, pt.Period, i, tr.Series[i].Period)
					}
					articles, issues := searchCounts(t, "--index", dir, "--"+split, g.Group, "--from", pt.Period, "--to", pt.Period, "theme:志愿服务")
					if pt.Articles != articles || pt.Issues != issues {
						t.Errorf("%s %s: trend %d/%d, search %d/%d", g.Group, pt.Period, pt.Articles, pt.Issues, articles, issues)
					}
					sum[i] += pt.Articles
				}
			}
			for i, pt := range tr.Series {
				if split == "section" && sum[i] != pt.Articles {
					t.Errorf("%s: sections add up to %d, the whole is %d", pt.Period, sum[i], pt.Articles)
				}
				if sum[i] > pt.Articles {
					t.Errorf("%s: groups add up to %d, more than the whole %d", pt.Period, sum[i], pt.Articles)
				}
			}
		})
	}
}

// TestTrendFormats checks the table, the CSV and the SVG chart against the
// JSON of the same trend.
func TestTrendFormats(t *testing.T) {
	dir := sampleIndex(t)
	tr := trendJSON(t, "--index", dir, "--split", "district", "--by", "quarter", "theme:志愿服务")

	code, out, stderr := run(t, "trend", "--index", dir, "--split", "district", "--by", "quarter", "--format", "csv", "theme:志愿服务")
	if code != 0 {
		t.Fatalf("csv: exit %d: %s", code, stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("csv: %v", err)
	}
	if want := 1 + len(tr.Series)*(1+len(tr.Groups)); len(rows) != want || !reflect.DeepEqual(rows[0], []string{"period", "group", "articles", "issues"}) {
		t.Fatalf("csv: %d rows, want %d; header %v", len(rows), want, rows[0])
	}
	last := tr.Groups[len(tr.Groups)-1]
	pt := last.Series[len(last.Series)-1]
	if got := rows[len(rows)-1]; !reflect.DeepEqual(got, []string{pt.Period, last.Group, strconv.Itoa(pt.Articles), strconv.Itoa(pt.Issues)}) {
		t.Errorf("last csv row %v, want %+v of %s", got, pt, last.Group)
	}

	svg := filepath.Join(t.TempDir(), "chart.svg")
	code, out, stderr = run(t, "trend", "--index", dir, "--split", "district", "--by", "quarter", "--svg", svg, "theme:志愿服务")
	if code != 0 {
		t.Fatalf("table: exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 1+len(tr.Series) || !strings.HasPrefix(lines[0], "period") || !strings.Contains(lines[0], tr.Groups[0].Group) {
		t.Errorf("table:\n%s", out)
	}
	f, err := os.Open(svg)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	bars, groups, root := 0, 0, ""
	dec := xml.NewDecoder(f)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the chart is not well-formed XML: %v", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if root == "" {
			root = se.Name.Space + " " + se.Name.Local
		}
		if se.Name.Local == "rect" {
			for _, a := range se.Attr {
				if a.Name.Local == "class" && a.Value == "bar" {
					bars++
				}
				if a.Name.Local == "class" && a.Value == "group" {
					groups++
				}
			}
		}
	}
	if root != "http://www.w3.org/2000/svg svg" || bars != len(tr.Series) || groups != len(tr.Groups) {
		t.Errorf("chart: root %q, %d bars for %d periods, %d group bars for %d groups", root, bars, len(tr.Series), groups, len(tr.Groups))
	}
}

func TestTrendErrors(t *testing.T) {
	dir := sampleIndex(t)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--by", "week", "x"}, "unknown --by"},
		{[]string{"--split", "org", "x"}, "unknown --split"},
		{[]string{"--format", "xml", "x"}, "unknown format"},
		{[]string{"--district", "火星区", "x"}, "--district"},
		{[]string{"(志愿"}, "column"},
	} {
		code, _, stderr := run(t, append([]string{"trend", "--index", dir}, tt.args...)...)
		if code != exitUsage || !strings.Contains(stderr, tt.want) {
			t.Errorf("trend %v: exit %d, %q; want usage error with %q", tt.args, code, stderr, tt.want)
		}
	}
}

// TestTrendAndStatsThroughServer checks that trend and stats ask the
// server that owns the index, and answer as they do without it.
func TestTrendAndStatsThroughServer(t *testing.T) {
	dir := sampleIndex(t)
	args := []string{"--index", dir, "--by", "quarter", "--split", "district", "theme:志愿服务"}
	direct := trendJSON(t, args...)
	code, statsDirect, stderr := run(t, "stats", "--index", dir, "--format", "json")
	if code != 0 {
		t.Fatalf("stats: exit %d: %s", code, stderr)
	}
	startServe(t, serveOptions{index: dir})
	if _, err := live.FindServer(dir); err != nil {
		t.Fatalf("no server owns the index: %v", err)
	}
	if served := trendJSON(t, args...); !reflect.DeepEqual(served, direct) {
		t.Errorf("trend through the server differs:\n%+v\n%+v", served, direct)
	}
	code, statsServed, stderr := run(t, "stats", "--index", dir, "--format", "json")
	if code != 0 || statsServed != statsDirect {
		t.Errorf("stats through the server: exit %d, %s\n%s\nwant\n%s", code, stderr, statsServed, statsDirect)
	}
	if code, _, stderr := run(t, "trend", "--index", dir, "--by", "week", "x"); code != exitUsage {
		t.Errorf("bad --by through the server: exit %d, %s", code, stderr)
	}
}
