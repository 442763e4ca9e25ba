package index

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"jianbao/ingest"
)

// TestBigramPhrase checks the phrase searcher on texts made to trip it:
// repeated characters (overlapping occurrences), a phrase whose bigrams all
// occur but never in order, occurrences at the very start and end of a text
// and across the separators between headline, attribution and body. Each
// query runs alone, ANDed with another phrase (so that the searcher is
// advanced, not only stepped) and under Not.
func TestBigramPhrase(t *testing.T) {
	bodies := []string{
		"哈哈哈哈", "哈哈", "哈哈哈", "哈哈，哈哈哈",
		"文明城区文明城区", "城区文明", "区文明城", "文明实践城区",
		"新时代文明实践中心", "新时代文明", "实践中心新时代",
		"abcabcabc", "abab", "cabca",
	}
	iss := &Issue{Issue: ingest.Issue{ID: "2021-001", Date: "2021-01-04", Issue: 1}}
	for i, b := range bodies {
		iss.Articles = append(iss.Articles, ingest.Article{ID: fmt.Sprintf("2021-001-%02d", i+1), Seq: i + 1,
			Headline: "标题" + strings.Repeat("明", i%3), SourceOrg: "东城区文明办", Body: b})
	}
	ix, err := Open(filepath.Join(t.TempDir(), "index"), Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	putIssue(t, ix, iss)
	texts := map[string]string{}
	for _, a := range iss.Articles {
		texts[a.ID] = searchText(&a)
	}
	want := func(pred func(string) bool) []string {
		ids := []string{}
		for id, text := range texts {
			if pred(text) {
				ids = append(ids, id)
			}
		}
		slices.Sort(ids)
		return ids
	}
	has := func(v string) func(string) bool { return func(s string) bool { return strings.Contains(s, v) } }
	queries := []string{"哈哈哈", "哈哈哈哈", "哈哈哈哈哈", "文明城区", "文明城区文明", "区文明城区", "城区文明",
		"新时代文明实践", "时代文明实践中", "实践中心新时代", "abc", "abca", "bcabc", "abcabcabc", "cabca",
		"题明明", "标题明", "区文明办", "办哈哈", "明办", "文明办"}
	for _, q := range queries {
		t.Run(q, func(t *testing.T) {
			for _, public := range []bool{false, true} {
				ix.paths.public = public
				t.Run(fmt.Sprintf("public=%v", public), func(t *testing.T) { checkPhrase(t, ix, q, want, has) })
			}
			ix.paths.public = false
		})
	}
	// Deleted articles are no candidates: the issue again, with every
	// other article.
	var kept []ingest.Article
	for i, a := range iss.Articles {
		if i%2 == 0 {
			kept = append(kept, a)
		} else {
			delete(texts, a.ID)
		}
	}
	iss.Articles = kept
	putIssue(t, ix, iss)
	for _, public := range []bool{false, true} {
		ix.paths.public = public
		for _, q := range queries {
			if got, w := allIDs(t, ix, Text{Value: q}), want(has(q)); !slices.Equal(got, w) {
				t.Errorf("%s after deletes, public path %v: got %v, want %v", q, public, got, w)
			}
		}
	}
}

// checkPhrase checks the matches of phrase q alone, ANDed and under Not,
// and of its searches sorted both ways, against want.
func checkPhrase(t *testing.T, ix *Index, q string, want func(func(string) bool) []string, has func(string) func(string) bool) {
	t.Helper()
	if got, w := allIDs(t, ix, Text{Value: q}), want(has(q)); !slices.Equal(got, w) {
		t.Errorf("alone: got %v, want %v", got, w)
	}
	if got, w := allIDs(t, ix, And{Text{Value: q}, Text{Value: "东城区文明"}}), want(func(s string) bool {
		return has(q)(s) && has("东城区文明")(s)
	}); !slices.Equal(got, w) {
		t.Errorf("and: got %v, want %v", got, w)
	}
	if got, w := allIDs(t, ix, Not{Text{Value: q}}), want(func(s string) bool { return !has(q)(s) }); !slices.Equal(got, w) {
		t.Errorf("not: got %v, want %v", got, w)
	}
	for _, sort := range []string{SortRelevance, SortDate} {
		res, err := ix.Search(context.Background(), Request{Expr: Text{Value: q}, Sort: sort, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.ID)
		}
		slices.Sort(got)
		if w := want(has(q)); res.Total != len(w) || !slices.Equal(got, w) && !(len(got) == 0 && len(w) == 0) {
			t.Errorf("search sorted by %s: total %d, hits %v, want %v", sort, res.Total, got, w)
		}
	}
}

// TestSplitSearch checks that a phrase search split between two goroutines
// finds what one goroutine finds, with the same scores and in the same
// order, read to the end or driven by other clauses (filters, OR, NOT).
func TestSplitSearch(t *testing.T) { bothPaths(t, testSplitSearch) }

func testSplitSearch(t *testing.T) {
	a := sharedArchive(t)
	r := rand.New(rand.NewPCG(9, 9))
	qs := a.queries(r, 60)
	art := a.articles[len(a.articles)/3]
	run := func(min uint64) [][]Hit {
		t.Helper()
		defer func(old uint64) { a.ix.splitMin = old }(a.ix.splitMin)
		a.ix.splitMin = min
		var out [][]Hit
		for i, q := range qs {
			for _, e := range []Expr{
				Text{Value: q},
				And{Text{Value: q}, Field{"year", art.date[:4]}},
				Or{Text{Value: q}, Text{Value: qs[(i+1)%len(qs)]}},
				And{Text{Value: q}, Not{Text{Value: "社区"}}},
			} {
				for _, sort := range []string{SortRelevance, SortDate} {
					res, err := a.ix.Search(context.Background(), Request{Expr: e, Sort: sort, Limit: 100000})
					if err != nil {
						t.Fatal(err)
					}
					out = append(out, res.Hits)
				}
			}
		}
		return out
	}
	one, two := run(1<<62), run(1)
	for i := range one {
		if !slices.EqualFunc(one[i], two[i], func(x, y Hit) bool { return x.ID == y.ID && x.Score == y.Score }) {
			t.Fatalf("search %d (query %q): split gives %d hits, unsplit %d, or another order or scores", i, qs[i/8], len(two[i]), len(one[i]))
		}
	}
}

// TestMatchList checks that the worker's matches give back their ids and
// term frequencies, whether the ids all have one length or not.
func TestMatchList(t *testing.T) {
	for _, lens := range [][]int{{8, 8, 8}, {8, 8, 3, 8, 12}, {3, 8}, {0, 8, 0}} {
		var l matchList
		var want [][]byte
		for i, n := range lens {
			id := make([]byte, n)
			for j := range id {
				id[j] = byte(10*i + j)
			}
			l.add(id, float64(i))
			want = append(want, id)
		}
		if l.len() != len(want) {
			t.Fatalf("%v: %d matches, want %d", lens, l.len(), len(want))
		}
		for i, id := range want {
			if got := l.id(i); !bytes.Equal(got, id) || l.tfs[i] != float64(i) {
				t.Errorf("%v: match %d: id %x tf %v, want %x %v", lens, i, []byte(got), l.tfs[i], id, float64(i))
			}
		}
	}
}
