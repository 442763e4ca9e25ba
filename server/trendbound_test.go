package server

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"

	"jianbao/index"
	"jianbao/ingest"
	"jianbao/report"
)

// oddIndex returns an index as one made before ingest refused implausible
// dates may be: the sample bulletin of 2021 beside copies dated in the
// years 1000 and 9999, one of them with sections articles, each of its
// own section. The records are put into the index directly.
func oddIndex(t *testing.T, sections int) *index.Index {
	t.Helper()
	ix, err := index.Open(t.TempDir(), index.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	b := ix.NewBatch()
	for _, date := range []string{"2021-03-23", "1000-01-01", "9999-12-31"} {
		iss, err := ingest.ParseFile(context.Background(), "../testdata/sample/bulletin-2021-014.txt", ingest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		iss.Date = date
		iss.ID = date[:4] + "-014"
		if date == "9999-12-31" {
			a := iss.Articles[0]
			iss.Articles = nil
			for i := range sections {
				a.Seq = i + 1
				a.Section = fmt.Sprintf("栏目%03d", i)
				iss.Articles = append(iss.Articles, a)
			}
		}
		for i := range iss.Articles {
			iss.Articles[i].ID = fmt.Sprintf("%s-%02d", iss.ID, i+1)
		}
		if err := b.Put(context.Background(), &index.Issue{Issue: *iss}); err != nil {
			t.Fatal(err)
		}
	}
	if err := ix.Commit(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	return ix
}

// TestTrendBounded checks that a trend over an archive spanning 9,000
// years answers by every granularity, counting every article, with at most
// MaxTrendPeriods periods and MaxTrendGroups groups, and that its chart
// stays small: before, by month answered 500 and the chart by year was
// 1.2 MB.
func TestTrendBounded(t *testing.T) {
	const sections = 80
	ix := oddIndex(t, sections)
	base := httptestServer(t, NewHandler(ix, Options{}))
	total := 5 + 5 + sections
	for _, by := range []string{report.ByYear, report.ByQuarter, report.ByMonth} {
		for _, split := range []string{report.SplitNone, report.SplitSection} {
			var tr report.Trend
			url := base + "/api/trend?by=" + by + "&split=" + split
			if st := getJSON(t, url, &tr); st != 200 {
				t.Fatalf("%s: %d", url, st)
			}
			n := 0
			for _, p := range tr.Series {
				n += p.Articles
			}
			if n != total || !tr.Sparse || len(tr.Series) != 3 {
				t.Errorf("by %s: %d articles in %d periods (sparse %v), want %d in 3", by, n, len(tr.Series), tr.Sparse, total)
			}
			if split == report.SplitSection && (len(tr.Groups) != report.MaxTrendGroups || tr.OtherGroups != sections+3-report.MaxTrendGroups) {
				t.Errorf("by %s split by section: %d groups and %d others, want %d and %d", by, len(tr.Groups), tr.OtherGroups, report.MaxTrendGroups, sections+3-report.MaxTrendGroups)
			}
			resp, err := http.Get(base + "/api/trend.svg?by=" + by + "&split=" + split)
			if err != nil {
				t.Fatal(err)
			}
			svg, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || len(svg) > 64<<10 {
				t.Errorf("trend.svg by %s split %q: %d, %d bytes", by, split, resp.StatusCode, len(svg))
			}
		}
	}
}
