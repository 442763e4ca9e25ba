package index

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// TestCharQuery checks a character's charQuery against the boolean query
// it stands for (text a must of score 1, headline a should of score 1),
// on both read paths: alone and ORed with a phrase, the same hits in the
// same order with the same scores; ANDed with a phrase, the same hits,
// each scoring 1 more exactly where its headline holds the character and
// the boolean query, advanced by the conjunction, did not see it.
func TestCharQuery(t *testing.T) {
	a := sharedArchive(t)
	heads := map[string]string{}
	for _, art := range a.articles {
		heads[art.id] = art.head
	}
	asBoolean := func(v string) query.Query {
		p := bleve.NewPrefixQuery(v)
		p.SetField(fText)
		h := bleve.NewPrefixQuery(v)
		h.SetField(fHead)
		b := bleve.NewBooleanQuery()
		b.AddMust(unscored{p, 1})
		b.AddShould(unscored{h, 1})
		return b
	}
	for _, public := range []bool{false, true} {
		a.ix.paths.public = public
		for _, c := range []string{"，", "文", "的", "志", "街", "冬", "鼓", "龘", "x"} {
			cq := textQuery(c, true, &a.ix.paths, a.ix.splitMin)
			if _, ok := cq.(charQuery); !ok {
				t.Fatalf("textQuery(%q) is %T, want charQuery", c, cq)
			}
			phrase := textQuery("志愿服务", true, &a.ix.paths, a.ix.splitMin)
			for _, p := range []struct {
				name      string
				char, ref query.Query
			}{
				{c, cq, asBoolean(c)},
				{c + " OR 志愿服务", bleve.NewDisjunctionQuery(cq, phrase), bleve.NewDisjunctionQuery(asBoolean(c), phrase)},
			} {
				if got, want := hitsOf(t, a, p.char, 50), hitsOf(t, a, p.ref, 50); !slices.EqualFunc(got, want, sameHit) {
					t.Errorf("public %v, %s:\n got  %v\n want %v", public, p.name, got, want)
				}
			}
			got := hitsOf(t, a, bleve.NewConjunctionQuery(cq, phrase), 1000)
			want := hitsOf(t, a, bleve.NewConjunctionQuery(asBoolean(c), phrase), 1000)
			if len(got) != len(want) {
				t.Errorf("public %v, %s AND 志愿服务: %d hits, the boolean query %d", public, c, len(got), len(want))
				continue
			}
			scores := map[string]float64{}
			for _, h := range want {
				scores[h.id] = h.score
			}
			for i, h := range got[:len(got)-1] { // the last is the total
				inHead := strings.Contains(heads[h.id], c)
				d := h.score - scores[h.id]
				if math.Abs(d) > 1e-9 && (math.Abs(d-1) > 1e-9 || !inHead) {
					t.Errorf("public %v, %s AND 志愿服务: %s scores %.6f, the boolean query %.6f (headline holds it: %v)", public, c, h.id, h.score, scores[h.id], inHead)
				}
				if inHead && h.score < 2 {
					t.Errorf("public %v, %s AND 志愿服务: %s's headline holds it, score %.6f", public, c, h.id, h.score)
				}
				if i > 0 && got[i-1].score < h.score {
					t.Errorf("public %v, %s AND 志愿服务: hit %d out of order", public, c, i)
				}
			}
		}
	}
	a.ix.paths.public = false
}

type scoredHit struct {
	id    string
	score float64
}

// hitsOf returns the first n hits of q by relevance and the total as a
// last hit named "total".
func hitsOf(t *testing.T, a *archive, q query.Query, n int) []scoredHit {
	t.Helper()
	req := bleve.NewSearchRequestOptions(q, n, 0, false)
	req.SortBy([]string{"-_score"})
	res, err := a.ix.bi.SearchInContext(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	var out []scoredHit
	for _, h := range res.Hits {
		out = append(out, scoredHit{h.ID, h.Score})
	}
	return append(out, scoredHit{"total", float64(res.Total)})
}

// sameHit reports whether two hits are of one article with one score.
func sameHit(a, b scoredHit) bool { return a.id == b.id && math.Abs(a.score-b.score) < 1e-9 }
