package query

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"

	"jianbao/index"
	"jianbao/ingest"
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
	for _, by := range []string{ByYear, ByQuarter, ByMonth} {
		for _, split := range []string{SplitNone, SplitSection} {
			var tr Trend
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
			if split == SplitSection && (len(tr.Groups) != MaxTrendGroups || tr.OtherGroups != sections+3-MaxTrendGroups) {
				t.Errorf("by %s split by section: %d groups and %d others, want %d and %d", by, len(tr.Groups), tr.OtherGroups, MaxTrendGroups, sections+3-MaxTrendGroups)
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
