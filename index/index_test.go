package index

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/blevesearch/bleve/v2"
	bindex "github.com/blevesearch/bleve_index_api"

	"jianbao/ingest"
	"jianbao/internal/synth"
)

// archive is a generated archive written to disk and ingested once per test
// binary: tests that only search share it.
type archive struct {
	dir      string
	ix       *Index
	articles []articleText // what was indexed, normalised, for reference
}

type articleText struct {
	id                   string
	head, org, body      string // MatchText forms
	district, section    string
	date                 string
	themes, orgs, mentns []string
}

func (a articleText) contains(v string) bool {
	return strings.Contains(a.head, v) || strings.Contains(a.org, v) || strings.Contains(a.body, v)
}

var (
	shared     *archive
	sharedErr  error
	sharedOnce sync.Once
)

// sharedArchive returns 500 generated bulletins, ingested.
func sharedArchive(t testing.TB) *archive {
	t.Helper()
	sharedOnce.Do(func() {
		dir, err := os.MkdirTemp("", "jianbao-index-test-")
		if err != nil {
			sharedErr = err
			return
		}
		shared, sharedErr = buildArchive(dir, 500, 1)
	})
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return shared
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared != nil {
		shared.ix.Close()
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

func buildArchive(dir string, n int, seed uint64) (*archive, error) {
	src := filepath.Join(dir, "src")
	if err := synth.Write(src, synth.Generate(n, seed)); err != nil {
		return nil, err
	}
	files, _ := filepath.Glob(filepath.Join(src, "*.txt"))
	ix, err := Open(filepath.Join(dir, "index"), Options{Create: true})
	if err != nil {
		return nil, err
	}
	if _, err := putFiles(ix, files, nil, 0); err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	a := &archive{dir: dir, ix: ix}
	for _, f := range files {
		iss, err := ingest.ParseFile(context.Background(), f, ingest.Options{})
		if iss == nil {
			return nil, err
		}
		for _, art := range iss.Articles {
			a.articles = append(a.articles, articleText{id: art.ID,
				head: ingest.MatchText(art.Headline), org: ingest.MatchText(art.SourceOrg), body: ingest.MatchText(art.Body),
				district: art.District, section: art.Section, date: iss.Date,
				themes: art.Themes, orgs: art.Organisations, mentns: art.DistrictsMentioned})
		}
	}
	return a, nil
}

// readerOf opens a reader on ix's current snapshot. Close it.
func readerOf(t testing.TB, ix *Index) bindex.IndexReader {
	t.Helper()
	r, err := ix.reader()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// putIssue writes iss into ix and commits it.
func putIssue(t testing.TB, ix *Index, iss *Issue) {
	t.Helper()
	b := ix.NewBatch()
	if err := b.Put(context.Background(), iss); err != nil {
		t.Fatal(err)
	}
	if err := ix.Commit(context.Background(), b); err != nil {
		t.Fatal(err)
	}
}

// allIDs returns the IDs of every article matching e, sorted. It runs the
// query that Search runs without loading the records of the hits.
func allIDs(t testing.TB, ix *Index, e Expr) []string {
	t.Helper()
	q, err := ix.compile(e, true)
	if err != nil {
		t.Fatalf("search %#v: %v", e, err)
	}
	req := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(term(fType, typeArticle), q), 100000, 0, false)
	res, err := ix.bi.Search(req)
	if err != nil {
		t.Fatalf("search %#v: %v", e, err)
	}
	if int(res.Total) != len(res.Hits) {
		t.Fatalf("search %#v: total %d, %d hits", e, res.Total, len(res.Hits))
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	slices.Sort(ids)
	return ids
}

func (a *archive) want(pred func(articleText) bool) []string {
	ids := []string{}
	for _, art := range a.articles {
		if pred(art) {
			ids = append(ids, art.id)
		}
	}
	slices.Sort(ids)
	return ids
}

// queries returns a generated query set: substrings of 1–8 characters of
// the indexed texts starting anywhere (so crossing word boundaries),
// fragments of numbers, punctuation, and strings that occur nowhere.
func (a *archive) queries(r *rand.Rand, n int) []string {
	var qs []string
	for len(qs) < n {
		art := a.articles[r.IntN(len(a.articles))]
		text := []rune(art.body)
		if r.IntN(5) == 0 {
			text = []rune(art.head + art.org)
		}
		if len(text) < 8 {
			continue
		}
		l := 1 + r.IntN(8)
		i := r.IntN(len(text) - l + 1)
		q := string(text[i : i+l])
		switch r.IntN(10) {
		case 0: // shuffled: usually found nowhere
			rs := []rune(q)
			r.Shuffle(len(rs), func(i, j int) { rs[i], rs[j] = rs[j], rs[i] })
			q = string(rs)
		case 1: // a fragment of a number, perhaps with what follows
			if j := strings.IndexAny(art.body, "0123456789"); j >= 0 {
				rs := []rune(art.body[j+r.IntN(2):])
				q = string(rs[:min(1+r.IntN(4), len(rs))])
			}
		}
		qs = append(qs, q)
	}
	return append(qs, "，", ",", "。", "1", "0", "00", "500", "区文明", "城区创", "文明城区", "(", "、", "新时代文明实践", "不存在的词语组合")
}

func TestRecallPrecision(t *testing.T) {
	a := sharedArchive(t)
	r := rand.New(rand.NewPCG(7, 7))
	qs := a.queries(r, 400)
	// Phrase search checks its candidates against the stored search texts,
	// or against those in memory once the index is warmed: alike.
	t.Run("stored texts", func(t *testing.T) { recallPrecision(t, a, qs) })
	stored := topHits(t, a.ix, qs)
	if err := a.ix.Warm(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer a.ix.paths.texts.on.Store(false)
	t.Run("texts in memory", func(t *testing.T) { recallPrecision(t, a, qs) })
	if mem := topHits(t, a.ix, qs); !slices.Equal(mem, stored) {
		t.Error("the top hits with texts in memory differ from those with stored texts")
	}
}

// topHits returns the top 10 hits of each query, with their scores.
func topHits(t *testing.T, ix *Index, qs []string) []string {
	var out []string
	for _, q := range qs {
		res, err := ix.Search(t.Context(), Request{Expr: Text{Value: q}, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range res.Hits {
			out = append(out, fmt.Sprintf("%s %s %.6f", q, h.ID, h.Score))
		}
	}
	return out
}

func recallPrecision(t *testing.T, a *archive, qs []string) {
	var hits, missed, extra, found int
	for _, q := range qs {
		got := allIDs(t, a.ix, Text{Value: q})
		v := ingest.MatchText(q)
		want := a.want(func(art articleText) bool { return art.contains(v) })
		found += len(want)
		g := map[string]bool{}
		for _, id := range got {
			g[id] = true
		}
		for _, id := range want {
			if g[id] {
				hits++
				delete(g, id)
			} else {
				missed++
				if missed < 5 {
					t.Errorf("query %q: %s not found", q, id)
				}
			}
		}
		for id := range g {
			extra++
			if extra < 5 {
				t.Errorf("query %q: %s found but does not contain it", q, id)
			}
		}
	}
	if found == 0 {
		t.Fatal("the query set found nothing")
	}
	recall := float64(hits) / float64(hits+missed)
	precision := float64(hits) / float64(max(hits+extra, 1))
	t.Logf("%d queries, %d articles, %d expected matches: recall %.3f precision %.3f", len(qs), len(a.articles), found, recall, precision)
	if missed > 0 || extra > 0 {
		t.Errorf("recall %.3f precision %.3f: want 1.000 1.000", recall, precision)
	}
}

func TestExprs(t *testing.T) { bothPaths(t, testExprs) }

func testExprs(t *testing.T) {
	a := sharedArchive(t)
	art := a.articles[len(a.articles)/2]
	district := ""
	for _, x := range a.articles {
		if x.district != "" {
			district = x.district
			break
		}
	}
	yes := func(articleText) bool { return true }
	tests := []struct {
		name string
		expr Expr
		want func(articleText) bool
	}{
		{"all", All{}, yes},
		{"nil", nil, yes},
		{"section", Field{"section", art.section}, func(x articleText) bool { return x.section == art.section }},
		{"district", Field{"district", district}, func(x articleText) bool { return x.district == district }},
		{"year", Field{"year", art.date[:4]}, func(x articleText) bool { return x.date[:4] == art.date[:4] }},
		{"issue_id", Field{"issue_id", art.id[:len(art.id)-3]}, func(x articleText) bool { return x.id[:len(x.id)-3] == art.id[:len(art.id)-3] }},
		{"date range", DateRange{From: "2018-03-01", To: "2019-06-30"}, func(x articleText) bool { return x.date >= "2018-03-01" && x.date <= "2019-06-30" }},
		{"open start", DateRange{To: "2017-01-31"}, func(x articleText) bool { return x.date <= "2017-01-31" }},
		{"open end", DateRange{From: "2024-12-01"}, func(x articleText) bool { return x.date >= "2024-12-01" }},
		{"and", And{Text{Value: "文明"}, Text{Value: "志愿"}}, func(x articleText) bool { return x.contains("文明") && x.contains("志愿") }},
		{"or", Or{Text{Value: "垃圾分类"}, Text{Value: "光盘"}}, func(x articleText) bool { return x.contains("垃圾分类") || x.contains("光盘") }},
		{"not", Not{Text{Value: "文明"}}, func(x articleText) bool { return !x.contains("文明") }},
		{"and not", And{Text{Value: "志愿"}, Not{Field{"district", district}}}, func(x articleText) bool { return x.contains("志愿") && x.district != district }},
		{"only nots", And{Not{Text{Value: "文明"}}, Not{Text{Value: "志愿"}}}, func(x articleText) bool { return !x.contains("文明") && !x.contains("志愿") }},
		{"empty or", Or{}, func(articleText) bool { return false }},
		{"theme", Field{"theme", firstOf(a, func(x articleText) []string { return x.themes })}, func(x articleText) bool {
			return slices.Contains(x.themes, firstOf(a, func(x articleText) []string { return x.themes }))
		}},
		{"organisation", Field{"organisation", firstOf(a, func(x articleText) []string { return x.orgs })}, func(x articleText) bool {
			return slices.Contains(x.orgs, firstOf(a, func(x articleText) []string { return x.orgs }))
		}},
		// White space beside a CJK character went from the text; a phrase
		// loses it alike, whatever white space it is.
		{"exact phrase", Text{Value: "文明  城区", Exact: true}, func(x articleText) bool { return x.contains("文明城区") }},
		{"exact phrase, em and thin spaces", Text{Value: "文明\u2003城区\u2009创建", Exact: true}, func(x articleText) bool { return x.contains("文明城区创建") }},
		{"exact phrase, spaces beside digits", Text{Value: "2021 年", Exact: true}, func(x articleText) bool { return x.contains("2021年") }},
		{"bare words ignore spaces", Text{Value: "文明 城区"}, func(x articleText) bool { return x.contains("文明城区") }},
		{"full width", Text{Value: "２０２１"}, func(x articleText) bool { return x.contains("2021") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, want := allIDs(t, a.ix, tt.expr), a.want(tt.want)
			if !slices.Equal(got, want) {
				t.Errorf("got %d articles, want %d (first got %v, want %v)", len(got), len(want), head(got), head(want))
			}
			if tt.name != "empty or" && tt.name != "exact phrase" && len(want) == 0 {
				t.Errorf("test matches nothing")
			}
		})
	}
}

func firstOf(a *archive, f func(articleText) []string) string {
	for _, x := range a.articles {
		if v := f(x); len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

func head(ids []string) []string { return ids[:min(3, len(ids))] }

func TestSearchErrors(t *testing.T) {
	a := sharedArchive(t)
	for _, req := range []Request{
		{Expr: Field{"colour", "red"}},
		{Expr: DateRange{From: "2021-13-01"}},
		{Sort: "popularity"},
		{Facets: []string{"colour"}},
	} {
		_, err := a.ix.Search(context.Background(), req)
		var bad *BadRequestError
		if !errors.As(err, &bad) {
			t.Errorf("Search(%+v) = %v, want a *BadRequestError", req, err)
		}
	}
}

func TestSortPagingFacets(t *testing.T) { bothPaths(t, testSortPagingFacets) }

func testSortPagingFacets(t *testing.T) {
	a := sharedArchive(t)
	ctx := context.Background()
	all, err := a.ix.Search(ctx, Request{Expr: Text{Value: "文明"}, Sort: SortDate, Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.IsSortedFunc(all.Hits, func(x, y Hit) int { return strings.Compare(x.Date, y.Date) }) {
		t.Error("date sort not ascending")
	}
	page, err := a.ix.Search(ctx, Request{Expr: Text{Value: "文明"}, Sort: SortDate, Limit: 7, Offset: 20})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != all.Total || len(page.Hits) != 7 {
		t.Fatalf("page: total %d hits %d, want %d and 7", page.Total, len(page.Hits), all.Total)
	}
	for i, h := range page.Hits {
		if h.ID != all.Hits[20+i].ID {
			t.Errorf("page hit %d = %s, want %s", i, h.ID, all.Hits[20+i].ID)
		}
	}
	desc, err := a.ix.Search(ctx, Request{Expr: All{}, Sort: SortDateDesc, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.IsSortedFunc(desc.Hits, func(x, y Hit) int { return strings.Compare(y.Date, x.Date) }) {
		t.Error("-date sort not descending")
	}
	rel, err := a.ix.Search(ctx, Request{Expr: Text{Value: "志愿服务"}, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.IsSortedFunc(rel.Hits, func(x, y Hit) int {
		if x.Score > y.Score {
			return -1
		}
		if x.Score < y.Score {
			return 1
		}
		return 0
	}) {
		t.Error("relevance sort not by descending score")
	}

	res, err := a.ix.Search(ctx, Request{Expr: All{}, Facets: []string{"district", "section", "org", "theme", "year"}})
	if err != nil {
		t.Fatal(err)
	}
	years := map[string]int{}
	sections := map[string]int{}
	for _, x := range a.articles {
		years[x.date[:4]]++
		sections[x.section]++
	}
	for _, fc := range res.Facets["year"] {
		if years[fc.Value] != fc.Count {
			t.Errorf("year %s: %d, want %d", fc.Value, fc.Count, years[fc.Value])
		}
		delete(years, fc.Value)
	}
	if len(years) > 0 {
		t.Errorf("years missing from facet: %v", years)
	}
	for _, fc := range res.Facets["section"] {
		if sections[fc.Value] != fc.Count {
			t.Errorf("section %s: %d, want %d", fc.Value, fc.Count, sections[fc.Value])
		}
	}
	for _, name := range []string{"district", "org", "theme"} {
		if len(res.Facets[name]) == 0 {
			t.Errorf("facet %s empty", name)
		}
	}
}

func TestHitsAndSnippets(t *testing.T) { bothPaths(t, testHitsAndSnippets) }

func testHitsAndSnippets(t *testing.T) {
	a := sharedArchive(t)
	res, err := a.ix.Search(context.Background(), Request{Expr: And{Text{Value: "志愿"}, Not{Text{Value: "文明"}}}, Snippets: true, Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 {
		t.Fatal("no hits")
	}
	for _, h := range res.Hits {
		if h.IssueID == "" || h.Date == "" || h.Headline == "" || h.Issue == 0 {
			t.Errorf("hit %s lacks fields: %+v", h.ID, h)
		}
		if len(h.Snippets) == 0 {
			t.Errorf("hit %s: no snippet", h.ID)
		}
		for _, s := range h.Snippets {
			if !strings.Contains(s, "<mark>志愿</mark>") || strings.Contains(s, "<mark>文明") {
				t.Errorf("hit %s: snippet %q", h.ID, s)
			}
		}
	}
}

func TestKWIC(t *testing.T) { bothPaths(t, testKWIC) }

func testKWIC(t *testing.T) {
	tests := []struct {
		text   string
		values []string
		want   []string
	}{
		{"甲乙<丙>丁", []string{"丙"}, []string{"甲乙&lt;<mark>丙</mark>&gt;丁"}},
		{"文明文明", []string{"文明"}, []string{"<mark>文明文明</mark>"}}, // adjacent matches are one mark
		{"城区创建文明城区", []string{"文明城", "城区"}, []string{"<mark>城区</mark>创建<mark>文明城区</mark>"}},
		{strings.Repeat("甲", 40) + "X" + strings.Repeat("乙", 40), []string{"X"},
			[]string{"…" + strings.Repeat("甲", 30) + "<mark>X</mark>" + strings.Repeat("乙", 30) + "…"}},
		{"无", []string{"有"}, nil},
	}
	for _, tt := range tests {
		got := kwic(tt.text, tt.values, 3)
		if !slices.Equal(got, tt.want) {
			t.Errorf("kwic(%q, %q) = %q, want %q", tt.text, tt.values, got, tt.want)
		}
	}
}

func TestArticleAndIssue(t *testing.T) {
	a := sharedArchive(t)
	ctx := context.Background()
	want := a.articles[3]
	art, err := a.ix.Article(ctx, want.id)
	if err != nil {
		t.Fatal(err)
	}
	if ingest.MatchText(art.Body) != want.body {
		t.Errorf("article %s body differs", want.id)
	}
	issueID := want.id[:len(want.id)-3]
	iss, err := a.ix.Issue(ctx, issueID)
	if err != nil {
		t.Fatal(err)
	}
	if len(iss.Articles) == 0 || len(iss.Files) != 1 || iss.Files[0].SHA256 == "" {
		t.Errorf("issue %s: %d articles, files %+v", issueID, len(iss.Articles), iss.Files)
	}
	for i, x := range iss.Articles {
		if x.Seq != i+1 {
			t.Errorf("article %d has seq %d", i, x.Seq)
		}
	}
	if _, err := a.ix.Article(ctx, issueID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Article(issue id) = %v, want ErrNotFound", err)
	}
	if _, err := a.ix.Issue(ctx, want.id); !errors.Is(err, ErrNotFound) {
		t.Errorf("Issue(article id) = %v, want ErrNotFound", err)
	}
	if _, err := a.ix.Issue(ctx, "1900-001"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Issue(unknown) = %v, want ErrNotFound", err)
	}
	list, err := a.ix.Issues(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 500 {
		t.Errorf("Issues: %d, want 500", len(list))
	}
}

// TestFacetsAsBleve checks the facet counts of Search against bleve's own
// facets (from doc values) over the same matches, value for value and in
// the same order, for every facet and several queries.
func TestFacetsAsBleve(t *testing.T) { bothPaths(t, testFacetsAsBleve) }

func testFacetsAsBleve(t *testing.T) {
	a := sharedArchive(t)
	names := []string{"district", "section", "org", "theme", "year", FacetIssueID}
	for _, e := range []Expr{All{}, Text{Value: "文明"}, Text{Value: "志愿服务"},
		And{Text{Value: "社区"}, Field{"year", "2019"}}, Not{Text{Value: "的"}}} {
		got, err := a.ix.Search(context.Background(), Request{Expr: e, Facets: names})
		if err != nil {
			t.Fatal(err)
		}
		q, err := a.ix.compile(e, false)
		if err != nil {
			t.Fatal(err)
		}
		br := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(term(fType, typeArticle), q), 0, 0, false)
		for _, name := range names {
			field, size := facetFields[name], facetSize
			if name == FacetIssueID {
				field, size = fIssueID, 1<<20
			}
			br.AddFacet(name, bleve.NewFacetRequest(field, size))
		}
		want, err := a.ix.bi.Search(br)
		if err != nil {
			t.Fatal(err)
		}
		if int(want.Total) != got.Total {
			t.Errorf("%v: total %d, bleve %d", e, got.Total, want.Total)
		}
		for _, name := range names {
			var w []FacetCount
			for _, tf := range want.Facets[name].Terms.Terms() {
				w = append(w, FacetCount{Value: tf.Term, Count: tf.Count})
			}
			if g := got.Facets[name]; !slices.Equal(g, w) {
				t.Errorf("%v: facet %s: %d values, bleve %d:\n got %v\nwant %v", e, name, len(g), len(w), g[:min(5, len(g))], w[:min(5, len(w))])
			}
		}
	}
}

// TestRecordsReadBack checks that every article record reads back from the
// index exactly as it was parsed (bodies are rebuilt from the stored
// search text), for the generated archive and the bundled sample.
func TestRecordsReadBack(t *testing.T) {
	ctx := context.Background()
	check := func(t *testing.T, ix *Index, files []string) {
		n := 0
		for _, f := range files {
			want, err := ingest.ParseFile(ctx, f, ingest.Options{})
			if want == nil {
				t.Fatalf("%s: %v", f, err)
			}
			got, err := ix.Issue(ctx, want.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Articles) != len(want.Articles) {
				t.Fatalf("%s: %d articles, want %d", want.ID, len(got.Articles), len(want.Articles))
			}
			for i, w := range want.Articles {
				if g := got.Articles[i]; !reflect.DeepEqual(g, w) {
					t.Errorf("%s:\n got %+v\nwant %+v", w.ID, g, w)
				}
				n++
			}
		}
		if n == 0 {
			t.Fatal("no article")
		}
	}
	t.Run("generated", func(t *testing.T) {
		a := sharedArchive(t)
		files, _ := filepath.Glob(filepath.Join(a.dir, "src", "*.txt"))
		check(t, a.ix, files)
	})
	t.Run("sample", func(t *testing.T) {
		files, _ := filepath.Glob(filepath.Join("..", "testdata", "sample", "*.txt"))
		ix, err := Open(t.TempDir(), Options{Create: true})
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		mustPut(t, ix, files)
		check(t, ix, files)
	})
}
