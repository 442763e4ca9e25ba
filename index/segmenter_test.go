package index

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"jianbao/ingest"
	"jianbao/segment"
)

// putBody writes one issue of one article with body into ix.
func putBody(t testing.TB, ix *Index, id, body string) {
	t.Helper()
	putIssue(t, ix, &Issue{Issue: ingest.Issue{ID: id, Title: "简报", Date: "2021-03-23",
		Articles: []ingest.Article{{ID: id + "-01", Seq: 1, Headline: "标题", Body: body}}}})
}

// wordDocs returns the number of documents that hold w as a word (field
// fWords): the word terms that rank a query.
func wordDocs(t testing.TB, ix *Index, w string) uint64 {
	t.Helper()
	r := readerOf(t, ix)
	defer r.Close()
	tfr, err := r.TermFieldReader(context.Background(), []byte(w), fWords, false, false, false)
	if err != nil {
		t.Fatal(err)
	}
	defer tfr.Close()
	return tfr.Count()
}

// TestUserWordsPerIndex: two indexes open in one process, one with a user
// word and one without: each is written with its own words, whichever was
// opened last.
func TestUserWordsPerIndex(t *testing.T) {
	const w = "街坊议事厅"
	body := "本区组建" + w + "和楼门议事会"
	with, err := Open(filepath.Join(t.TempDir(), "with"), Options{Create: true, Words: []segment.Word{{Text: w, Freq: 100000}}})
	if err != nil {
		t.Fatal(err)
	}
	defer with.Close()
	without, err := Open(filepath.Join(t.TempDir(), "without"), Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer without.Close()
	putBody(t, with, "2021-001", body)
	putBody(t, without, "2021-001", body)
	if n := wordDocs(t, with, w); n != 1 {
		t.Errorf("index with the user word %s: %d documents hold it as a word, want 1", w, n)
	}
	if n := wordDocs(t, without, w); n != 0 {
		t.Errorf("index without the user word %s: %d documents hold it as a word, want 0", w, n)
	}
}

// TestReindexDropsWord: reindexing with a dictionary that no longer has a
// word stops it being a word: its documents no longer hold it.
func TestReindexDropsWord(t *testing.T) {
	const dropped, kept = "街坊议事厅", "楼门议事会"
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Open(dir, Options{Create: true, Words: []segment.Word{{Text: dropped, Freq: 100000}, {Text: kept, Freq: 100000}}})
	if err != nil {
		t.Fatal(err)
	}
	putBody(t, ix, "2021-001", "本区组建"+dropped+"和"+kept+"伍")
	if wordDocs(t, ix, dropped) != 1 || wordDocs(t, ix, kept) != 1 {
		t.Fatalf("before: %s in %d, %s in %d documents as a word, want 1 and 1", dropped, wordDocs(t, ix, dropped), kept, wordDocs(t, ix, kept))
	}
	ix.Close()
	if _, err := Reindex(context.Background(), dir, Options{Words: []segment.Word{{Text: kept, Freq: 100000}}}); err != nil {
		t.Fatal(err)
	}
	ix, err = Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if n := wordDocs(t, ix, dropped); n != 0 {
		t.Errorf("after reindex without %s: %d documents hold it as a word, want 0", dropped, n)
	}
	if n := wordDocs(t, ix, kept); n != 1 {
		t.Errorf("after reindex: %s in %d documents as a word, want 1", kept, n)
	}
}

// rankWithWords returns the ids of the articles that contain q, best first,
// in an index of bodies made with the user words.
func rankWithWords(t *testing.T, words []segment.Word, q string, bodies ...string) []string {
	t.Helper()
	ix, err := Open(filepath.Join(t.TempDir(), "index"), Options{Create: true, Words: words})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for i, b := range bodies {
		putBody(t, ix, fmt.Sprintf("2021-%03d", i+1), b)
	}
	res, err := ix.Search(context.Background(), Request{Expr: Text{Value: q}, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
		t.Logf("%s %.4f", h.ID, h.Score)
	}
	return ids
}
