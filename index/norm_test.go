package index

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"jianbao/ingest"
	"jianbao/segment"
)

// TestTextNorm checks textNorm against the norm that bleve keeps for field
// fText, read from the postings of each document's first bigram: for every
// article of an issue with short texts, repeated characters and characters
// outside the BMP (two UTF-16 units, one bigram position).
func TestTextNorm(t *testing.T) {
	bodies := []string{"哈", "哈哈", "文明实践", "𠀋𠀋文明𪚥", "abc😀def", "新时代文明实践中心开展志愿服务活动，居民踊跃参加。"}
	iss := &Issue{Issue: ingest.Issue{ID: "2021-002", Date: "2021-01-04", Issue: 2}}
	for i, b := range bodies {
		iss.Articles = append(iss.Articles, ingest.Article{ID: fmt.Sprintf("2021-002-%02d", i+1), Seq: i + 1,
			Headline: "标题", SourceOrg: "东城区文明办", Body: b})
	}
	ix, err := Open(filepath.Join(t.TempDir(), "index"), Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	putIssue(t, ix, iss)
	r := readerOf(t, ix)
	defer r.Close()
	for _, a := range iss.Articles {
		text := searchText(&a)
		id, err := r.InternalID(a.ID)
		if err != nil {
			t.Fatal(err)
		}
		first := segment.Bigram(text)[0]
		tfr, err := r.TermFieldReader(t.Context(), []byte(first), fText, false, true, false)
		if err != nil {
			t.Fatal(err)
		}
		d, err := tfr.Advance(id, nil)
		tfr.Close()
		if err != nil || d == nil || !d.ID.Equals(id) {
			t.Fatalf("%s: no posting of %q: %v", a.ID, first, err)
		}
		stored, err := publicDocs{r: r}.matchText(id, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := decodeUTF16(stored); got != text+string(segment.Separator) { // the field value ends with one
			t.Fatalf("%s: stored search text %q, want %q and a separator", a.ID, got, text)
		}
		if got := textNorm(stored); got != d.Norm {
			t.Errorf("%s (%q): textNorm %v, bleve keeps %v", a.ID, a.Body, got, d.Norm)
		}
	}

	// The scores of a phrase in every article: with the norms read from
	// the index (textNorm distrusted), computed from the stored texts, and
	// computed from the texts kept in memory, where a segment without
	// characters outside the BMP would not count them.
	scores := func() []Hit {
		t.Helper()
		res, err := ix.Search(t.Context(), Request{Expr: Text{Value: "文明办"}, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) != len(iss.Articles) {
			t.Fatalf("%d hits, want %d", len(res.Hits), len(iss.Articles))
		}
		return res.Hits
	}
	same := func(x, y Hit) bool { return x.ID == y.ID && x.Score == y.Score }
	ix.paths.norms.agreed.Store(-1)
	read := scores()
	ix.paths.norms.agreed.Store(normCheckMatches)
	if stored := scores(); !slices.EqualFunc(read, stored, same) {
		t.Errorf("norms computed from stored texts: %v, read: %v", stored, read)
	}
	if err := ix.Warm(t.Context()); err != nil {
		t.Fatal(err)
	}
	if kept := scores(); !slices.EqualFunc(read, kept, same) {
		t.Errorf("norms computed from texts in memory: %v, read: %v", kept, read)
	}
}

// TestNormCheck checks that phrase matches are scored with the norm read
// from the index until normCheck trusts textNorm, and with it after, to
// the same scores; and that a textNorm that disagrees with the index (as
// after a bleve that normalised otherwise) is never trusted and changes no
// score.
func TestNormCheck(t *testing.T) {
	a := sharedArchive(t)
	saved := a.ix.paths.norms.fromText
	defer func() {
		a.ix.paths.norms.fromText = saved
		a.ix.paths.norms.agreed.Store(0)
	}()
	qs := a.queries(rand.New(rand.NewPCG(7, 8)), 40)
	scores := func() [][]Hit {
		t.Helper()
		var out [][]Hit
		for _, q := range qs {
			res, err := a.ix.Search(t.Context(), Request{Expr: Text{Value: q}, Limit: 50})
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, res.Hits)
		}
		return out
	}
	same := func(x, y Hit) bool { return x.ID == y.ID && x.Score == y.Score }

	a.ix.paths.norms.agreed.Store(0)
	read := scores() // the first matches read their norms
	if !a.ix.paths.norms.trusted() {
		t.Fatalf("textNorm not trusted after %d queries (agreed %d)", len(qs), a.ix.paths.norms.agreed.Load())
	}
	computed := scores()
	for i := range read {
		if !slices.EqualFunc(read[i], computed[i], same) {
			t.Errorf("%q: scores with norms computed differ from those read", qs[i])
		}
	}

	a.ix.paths.norms.agreed.Store(0)
	a.ix.paths.norms.fromText = func(text []byte) float64 { return textNorm(text) * 1.5 }
	wrong := scores()
	if got := a.ix.paths.norms.agreed.Load(); got != -1 {
		t.Fatalf("a textNorm that disagrees with the index: agreed %d, want -1", got)
	}
	for i := range read {
		if !slices.EqualFunc(read[i], wrong[i], same) {
			t.Errorf("%q: a distrusted textNorm changed the scores", qs[i])
		}
	}
}

// TestLowSurrogates checks the four-units-at-a-time count against a count
// of the characters, for texts of every length around the word size with
// characters outside the BMP anywhere.
func TestLowSurrogates(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	alphabet := []rune{'文', 'a', '𠀋', '\u00dc', '\u71dc', '😀', '\u1cdc', '\uff00'}
	for n := range 40 {
		for range 20 {
			rs := make([]rune, n)
			for i := range rs {
				rs[i] = alphabet[r.IntN(len(alphabet))]
			}
			s := string(rs)
			text := appendUTF16(nil, s)
			want := len(text)/2 - utf8.RuneCountInString(s)
			if got := lowSurrogates(text); got != want {
				t.Fatalf("%q: %d low surrogates, want %d", s, got, want)
			}
		}
	}
}

func BenchmarkTextNorm(b *testing.B) {
	text := appendUTF16(nil, strings.Repeat("新时代文明实践中心开展志愿服务活动，居民踊跃参加。", 40))
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		textNorm(text)
	}
}
