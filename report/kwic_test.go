package report

import (
	"jianbao/query"

	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"jianbao/ingest"
)

// kwicOracle counts the occurrences of v in the articles of recs that the
// filter keeps, the way the concordance promises: strings.Count over the
// normalised body, attribution, and headline unless the body starts with it.
// It returns the count, the articles with any, and counts per year and
// district.
func kwicOracle(recs []record, v string, keep func(record) bool) (n, articles int, years, districts map[string]int) {
	years, districts = map[string]int{}, map[string]int{}
	for _, r := range recs {
		if !keep(r) {
			continue
		}
		head, body := ingest.MatchText(r.art.Headline), ingest.MatchText(r.art.Body)
		if strings.HasPrefix(body, head) {
			head = ""
		}
		k := strings.Count(body, v) + strings.Count(ingest.MatchText(r.art.SourceOrg), v)
		if head != "" {
			k += strings.Count(head, v)
		}
		if k > 0 {
			n += k
			articles++
			years[r.issue.Date[:4]] += k
			districts[r.art.District] += k
		}
	}
	return n, articles, years, districts
}

// TestConcordanceCounts: for 200 queries cut at random from the archive's
// texts (1–6 characters) and some chosen ones, with and without a filter,
// the concordance has as many lines as the oracle counts, in the same
// articles, years and districts; each line is its match in its context.
func TestConcordanceCounts(t *testing.T) {
	ix := sharedIndex(t)
	recs := parseArchive(t, testFiles(t))
	r := rand.New(rand.NewPCG(15, 15))
	queries := []string{"志愿服务", "文明", "区", "2021", "“", "。", "新时代文明实践", "朝阳门"}
	for len(queries) < 208 {
		body := []rune(ingest.MatchText(recs[r.IntN(len(recs))].art.Body))
		n := 1 + r.IntN(6)
		if len(body) <= n {
			continue
		}
		i := r.IntN(len(body) - n)
		q := string(body[i : i+n])
		if strings.ContainsAny(q, " \n\"()（）-:：") || strings.EqualFold(q, "or") {
			continue // query syntax, not text
		}
		queries = append(queries, q)
	}
	var lines, withFilter int
	for i, q := range queries {
		p := KWICParams{Params: query.Params{Q: q}, Width: 5}
		keep := func(record) bool { return true }
		if i%4 == 3 {
			p.District, p.From = "海淀", "2019"
			keep = func(r record) bool { return r.art.District == "海淀区" && r.issue.Date >= "2019-01-01" }
			withFilter++
		}
		c, err := ComputeConcordance(t.Context(), ix, p)
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		v := ingest.MatchText(q)
		want, articles, years, districts := kwicOracle(recs, v, keep)
		if c.Occurrences != want || len(c.Lines) != want || c.Articles != articles {
			t.Errorf("%q: %d occurrences, %d lines in %d articles; substring count: %d in %d articles",
				q, c.Occurrences, len(c.Lines), c.Articles, want, articles)
			continue
		}
		lines += want
		for _, g := range []struct {
			name string
			got  []KWICCount
			want map[string]int
		}{{"year", c.ByYear, years}, {"district", c.ByDistrict, districts}} {
			got := map[string]int{}
			for _, n := range g.got {
				got[n.Value] = n.Count
			}
			if len(got) != len(g.want) {
				t.Errorf("%q by %s: %v, want %v", q, g.name, got, g.want)
			}
			for k, n := range g.want {
				if got[k] != n {
					t.Errorf("%q by %s: %s %d, want %d", q, g.name, k, got[k], n)
				}
			}
		}
		for _, l := range c.Lines {
			if l.Match != v || utf8.RuneCountInString(l.Left) > 5 || utf8.RuneCountInString(l.Right) > 5 {
				t.Errorf("%q: line %+v", q, l)
			}
		}
	}
	if lines < 1000 {
		t.Errorf("only %d lines over all queries: the test is too weak", lines)
	}
	t.Logf("%d queries (%d filtered): %d lines, each count equal to the substring count", len(queries), withFilter, lines)
}

// TestConcordanceContext checks each line of one query against the
// article's text: the context is what stands around the match, Position
// points at it, and the lines sort as asked.
func TestConcordanceContext(t *testing.T) {
	ix := sharedIndex(t)
	texts := map[string]map[string]string{}
	for _, rec := range parseArchive(t, testFiles(t)) {
		texts[rec.art.ID] = map[string]string{"headline": ingest.MatchText(rec.art.Headline),
			"source_org": ingest.MatchText(rec.art.SourceOrg), "body": ingest.MatchText(rec.art.Body)}
	}
	col := collate.New(language.SimplifiedChinese)
	for _, order := range []string{KWICSortDate, KWICSortLeft, KWICSortRight} {
		c, err := ComputeConcordance(t.Context(), ix, KWICParams{Params: query.Params{Q: "文明"}, Width: 8, Order: order})
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Lines) < 100 {
			t.Fatalf("%d lines of 文明", len(c.Lines))
		}
		for i, l := range c.Lines {
			part := []rune(texts[l.ID][l.Part])
			from, to := max(0, l.Position-8), min(len(part), l.Position+2+8)
			want := flat(string(part[from:l.Position])) + "|" + string(part[l.Position:l.Position+2]) + "|" + flat(string(part[l.Position+2:to]))
			if got := l.Left + "|" + l.Match + "|" + l.Right; got != want {
				t.Fatalf("%s line %d: %q, the text has %q", order, i, got, want)
			}
			if i == 0 {
				continue
			}
			prev := c.Lines[i-1]
			var cmp int
			switch order {
			case KWICSortDate:
				cmp = strings.Compare(prev.Date, l.Date)
			case KWICSortLeft:
				cmp = col.CompareString(reverseRunes(prev.Left), reverseRunes(l.Left))
			case KWICSortRight:
				cmp = col.CompareString(prev.Match+prev.Right, l.Match+l.Right)
			}
			if cmp > 0 {
				t.Fatalf("%s: line %d %+v before %+v", order, i, prev, l)
			}
		}
	}
	c, err := ComputeConcordance(t.Context(), ix, KWICParams{Params: query.Params{Q: "文明"}, Limit: 3, Offset: 2})
	if err != nil || len(c.Lines) != 3 || c.Occurrences < 100 {
		t.Errorf("limit and offset: %d lines of %d, %v", len(c.Lines), c.Occurrences, err)
	}
	for _, p := range []KWICParams{
		{Params: query.Params{Q: "district:海淀"}},
		{Params: query.Params{Q: "文明"}, Width: MaxKWICWidth + 1},
		{Params: query.Params{Q: "文明"}, Order: "middle"},
		{Params: query.Params{Q: "文明 ("}},
	} {
		if _, err := ComputeConcordance(t.Context(), ix, p); err == nil {
			t.Errorf("%+v: no error", p)
		}
	}
}
