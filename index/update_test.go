package index

import (
	"bytes"
	"compress/flate"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"

	"jianbao/ingest"
	"jianbao/internal/synth"
	"jianbao/segment"
)

// smallArchive writes n generated bulletins into a temporary directory and
// returns their paths and an empty index opened for writing.
func smallArchive(t *testing.T, n int, seed uint64) ([]string, *Index) {
	t.Helper()
	dir := t.TempDir()
	files := synth.Generate(n, seed)
	if err := synth.Write(filepath.Join(dir, "src"), files); err != nil {
		t.Fatal(err)
	}
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = filepath.Join(dir, "src", f.Name)
	}
	ix, err := Open(filepath.Join(dir, "index"), Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return paths, ix
}

// putFiles reads each file in this process and puts the issue it gives,
// listing that one file, in batches of maxDocs documents (0: the default),
// as package archive does with files new to an index (its pairing, checks
// and failed files are tested there); then it notes the taxonomy tax, as
// archive does, and merges the segments. It returns the note on the
// taxonomy.
func putFiles(ix *Index, paths []string, tax *ingest.Taxonomy, maxDocs int) (stale string, err error) {
	ctx := context.Background()
	var issues []*Issue
	for _, p := range paths {
		r := ingest.ReadFile(ctx, p, ingest.Options{Themes: tax})
		if r.Err != nil {
			return "", r.Err
		}
		issues = append(issues, &Issue{Issue: *r.Issue,
			Files: []File{{Source: r.Issue.Source, Size: r.Size, ModTime: r.ModTime}}})
	}
	err = ix.Update(ctx, maxDocs, func(tx *Tx) error {
		for _, iss := range issues {
			if err := tx.Put(iss); err != nil {
				return err
			}
		}
		if err := tx.Commit(); err != nil {
			return err
		}
		if stale, err = tx.NoteTaxonomy(tax); err != nil {
			return err
		}
		return tx.Compact()
	})
	return stale, err
}

// mustPut puts the files' issues (putFiles) with the built-in taxonomy.
func mustPut(t testing.TB, ix *Index, paths []string) {
	t.Helper()
	if _, err := putFiles(ix, paths, nil, 0); err != nil {
		t.Fatal(err)
	}
}

func TestPutDropsArticles(t *testing.T) {
	_, ix := smallArchive(t, 0, 1)
	ctx := context.Background()
	iss := &Issue{Issue: ingest.Issue{ID: "2021-001", Date: "2021-01-05", Articles: []ingest.Article{
		{ID: "2021-001-01", Seq: 1, Body: "甲"}, {ID: "2021-001-02", Seq: 2, Body: "乙"}, {ID: "2021-001-03", Seq: 3, Body: "丙"}}}}
	for _, n := range []int{3, 2} {
		iss.Articles = iss.Articles[:n]
		putIssue(t, ix, iss)
		res, err := ix.Search(ctx, Request{Expr: All{}})
		if err != nil || res.Total != n {
			t.Errorf("after putting %d articles: %v hits, %v", n, res.Total, err)
		}
	}
	if _, err := ix.Article(ctx, "2021-001-03"); !errors.Is(err, ErrNotFound) {
		t.Errorf("dropped article: %v", err)
	}
	b := ix.NewBatch()
	if err := b.Delete(context.Background(), "2021-001"); err != nil {
		t.Fatal(err)
	}
	if err := ix.Commit(ctx, b); err != nil {
		t.Fatal(err)
	}
	if res, _ := ix.Search(ctx, Request{Expr: All{}}); res.Total != 0 {
		t.Errorf("after Delete: %d articles", res.Total)
	}
}

func TestVersionMismatchAndReindex(t *testing.T) {
	paths, ix := smallArchive(t, 3, 9)
	mustPut(t, ix, paths)
	dir := ix.Dir()
	// Pretend an older analyzer built it.
	m, _ := json.Marshal(meta{Schema: SchemaVersion, Analyzer: "0", Dictionary: segment.DictVersion()})
	if err := ix.setInternal(metaKey, m); err != nil {
		t.Fatal(err)
	}
	ix.Close()

	_, err := Open(dir, Options{ReadOnly: true})
	var ve *VersionError
	if !errors.As(err, &ve) || ve.What != "analyzer" || !strings.Contains(err.Error(), "jianbao reindex") {
		t.Fatalf("Open = %v, want a *VersionError about the analyzer naming jianbao reindex", err)
	}
	// The source files are not needed.
	for _, p := range paths {
		os.Remove(p)
	}
	n, err := Reindex(context.Background(), dir, Options{})
	if err != nil || n != 3 {
		t.Fatalf("Reindex = %d, %v", n, err)
	}
	ix2, err := Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ix2.Close()
	res, err := ix2.Search(context.Background(), Request{Expr: All{}})
	if err != nil || res.Total == 0 {
		t.Fatalf("after reindex: %v %v", res, err)
	}
	list, _ := ix2.Issues(context.Background())
	if len(list) != 3 || len(list[0].Files) != 1 {
		t.Errorf("issues after reindex: %+v", list)
	}
}

// TestUserDictionary: an index keeps the user words it was made with and
// cuts with them, also when opened without naming them: a user word is a
// word of its documents and ranks a query for it; other words for writing
// are refused until a reindex makes them the index's, after which the old
// words are words no more.
func TestUserDictionary(t *testing.T) {
	const word, other = "坊议事厅", "别的词"
	text := "社区建成" + word + "和" + other
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Open(dir, Options{Create: true, Words: []segment.Word{{Text: word, Freq: 3000}}})
	if err != nil {
		t.Fatal(err)
	}
	putBody(t, ix, "2021-001", text)
	ix.Close()
	// Readers need not name the words: the index keeps them.
	ix, err = Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := ix.seg.Cut(text); !slices.Contains(got, word) || slices.Contains(got, other) {
		t.Errorf("reopened: Cut = %q, want %s a word and %s not", got, word, other)
	}
	if n := wordDocs(t, ix, word); n != 1 {
		t.Errorf("reopened: %d documents hold %s as a word, want 1", n, word)
	}
	ix.Close()
	// Another dictionary for writing: refused, naming reindex.
	_, err = Open(dir, Options{Words: []segment.Word{{Text: other, Freq: 5000}}})
	var ve *VersionError
	if !errors.As(err, &ve) || ve.What != "user dictionary" {
		t.Fatalf("Open with other words = %v, want a *VersionError", err)
	}
	if _, err := Reindex(context.Background(), dir, Options{Words: []segment.Word{{Text: other, Freq: 5000}}}); err != nil {
		t.Fatal(err)
	}
	ix, err = Open(dir, Options{Words: []segment.Word{{Text: other, Freq: 5000}}})
	if err != nil {
		t.Fatalf("after reindex with the new words: %v", err)
	}
	defer ix.Close()
	if got := ix.seg.Cut(text); slices.Contains(got, word) || !slices.Contains(got, other) {
		t.Errorf("after reindex with other words, Cut = %q: want %s a word and the old %s not", got, other, word)
	}
	if n, m := wordDocs(t, ix, word), wordDocs(t, ix, other); n != 0 || m != 1 {
		t.Errorf("after reindex: %s a word of %d documents, %s of %d; want 0 and 1", word, n, other, m)
	}
}

// TestUserWordRanks: a user word ranks a query for it. Of two articles
// holding 坊议事厅, the longer one holds it as the user word (建成|坊议事厅)
// and the shorter one across words (街坊|议事厅): without the user word the
// shorter ranks first, with it the one where the word stands. (A third
// article makes 议事厅 commoner than 坊议事厅; the others make both rare
// enough to rank.)
func TestUserWordRanks(t *testing.T) {
	const q = "坊议事厅"
	bodies := []string{"社区建成坊议事厅开放了", "东城区街坊议事厅开放", "议事厅开放"}
	for range 9 {
		bodies = append(bodies, "本区开展垃圾分类工作")
	}
	if got := rankWithWords(t, nil, q, bodies...); !slices.Equal(got, []string{"2021-002-01", "2021-001-01"}) {
		t.Errorf("without the user word: %v, want the shorter article first", got)
	}
	if got := rankWithWords(t, []segment.Word{{Text: q, Freq: 3000}}, q, bodies...); !slices.Equal(got, []string{"2021-001-01", "2021-002-01"}) {
		t.Errorf("with the user word %s: %v, want the article where it stands first", q, got)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	if _, err := Open(dir, Options{ReadOnly: true}); !errors.Is(err, ErrNotExist) {
		t.Errorf("Open(missing) = %v, want ErrNotExist", err)
	}
	ix, err := Open(dir, Options{Create: true, Command: "jianbao ingest"})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	_, err = Open(dir, Options{ReadOnly: true})
	var iu *InUseError
	if !errors.As(err, &iu) || iu.PID != os.Getpid() {
		t.Errorf("second Open = %v, want an *InUseError naming this process", err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestHelperSearchOnly is not a test: run by TestSearchLeavesSegmenterUnloaded
// in a fresh process, it searches the index JIANBAO_SEARCH_ONLY names and
// fails if the word segmenter was loaded.
func TestHelperSearchOnly(t *testing.T) {
	dir := os.Getenv("JIANBAO_SEARCH_ONLY")
	if dir == "" {
		t.Skip("helper process")
	}
	ix, err := Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for _, q := range []string{"实", "文明", "文明城区创建", "志愿服务"} {
		if _, err := ix.Search(context.Background(), Request{Expr: Text{Value: q}, Snippets: true,
			Facets: []string{"district", "year"}}); err != nil {
			t.Fatal(err)
		}
	}
	if ix.seg.Loaded() {
		t.Fatal("searching loaded the word segmenter")
	}
}

func TestSearchLeavesSegmenterUnloaded(t *testing.T) {
	paths, ix := smallArchive(t, 3, 4)
	mustPut(t, ix, paths)
	ix.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperSearchOnly$", "-test.v")
	cmd.Env = append(os.Environ(), "JIANBAO_SEARCH_ONLY="+ix.Dir())
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestHelperSearchOnly") {
		t.Errorf("search process: %v\n%s", err, out)
	}
}

func TestOpenAfterInterruptedCreate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Open(dir, Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	// As if killed between creating the bleve index and writing the
	// metadata.
	b := ix.bi.NewBatch()
	b.DeleteInternal(metaKey)
	if err := ix.write(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	ix.Close()
	if _, err := Open(dir, Options{ReadOnly: true}); err == nil {
		t.Fatal("read-only Open of an unfinished index succeeded")
	}
	ix, err = Open(dir, Options{Create: true})
	if err != nil {
		t.Fatalf("Open(Create) of an unfinished index: %v", err)
	}
	ix.Close()
	ix, err = Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("after re-creating: %v", err)
	}
	ix.Close()
}

// TestRanking checks the order of relevance: the article with the phrase in
// its headline first (here at the headline's very end), for 2-character and
// longer phrases alike, then the one that repeats the phrase most; no
// phrase matches across the end of the headline.
func TestRanking(t *testing.T) {
	_, ix := smallArchive(t, 0, 1)
	ctx := context.Background()
	iss := &Issue{Issue: ingest.Issue{ID: "2021-002", Date: "2021-01-12", Articles: []ingest.Article{
		{ID: "2021-002-01", Seq: 1, Headline: "社区工作简况", Body: "垃圾分类，垃圾分类，再说垃圾分类。"},
		{ID: "2021-002-02", Seq: 2, Headline: "海淀区推进垃圾分类", Body: "全区开展工作。"},
		{ID: "2021-002-03", Seq: 3, Headline: "一项工作", Body: "开展垃圾分类。"},
		{ID: "2021-002-04", Seq: 4, Headline: "垃圾", Body: "分类收运。"},
	}}}
	putIssue(t, ix, iss)
	for _, tc := range []struct {
		q     string
		want  []string
		total int
	}{
		{"垃圾分类", []string{"2021-002-02", "2021-002-01", "2021-002-03"}, 3},
		{"分类", []string{"2021-002-02"}, 4},
		{"圾分", []string{"2021-002-02"}, 3},
	} {
		res, err := ix.Search(ctx, Request{Expr: Text{Value: tc.q}, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.ID)
		}
		if len(got) != tc.total || !slices.Equal(got[:len(tc.want)], tc.want) {
			t.Errorf("%s: %v, want %d hits, %v first", tc.q, got, tc.total, tc.want)
		}
	}
}

// TestFacetsFollowChanges checks that facet counts come from the index as
// it is now: after an issue is added and after it is deleted.
func TestFacetsFollowChanges(t *testing.T) {
	_, ix := smallArchive(t, 0, 1)
	ctx := context.Background()
	count := func(facet, value string) int {
		t.Helper()
		res, err := ix.Search(ctx, Request{Expr: All{}, Facets: []string{facet, FacetIssueID}})
		if err != nil {
			t.Fatal(err)
		}
		for _, fc := range res.Facets[facet] {
			if fc.Value == value {
				return fc.Count
			}
		}
		return 0
	}
	put := func(id, date, district string, n int) {
		t.Helper()
		iss := &Issue{Issue: ingest.Issue{ID: id, Date: date}}
		for i := range n {
			aid := fmt.Sprintf("%s-%02d", id, i+1)
			iss.Articles = append(iss.Articles, ingest.Article{ID: aid, Seq: i + 1, Body: "正文", District: district})
		}
		putIssue(t, ix, iss)
	}
	put("2021-001", "2021-01-05", "海淀区", 2)
	if got := count("district", "海淀区"); got != 2 {
		t.Fatalf("海淀区: %d, want 2", got)
	}
	put("2022-001", "2022-01-04", "海淀区", 3)
	if got, got2 := count("district", "海淀区"), count("year", "2022"); got != 5 || got2 != 3 {
		t.Errorf("after a second issue: 海淀区 %d, 2022 %d; want 5 and 3", got, got2)
	}
	put("2021-001", "2021-01-05", "朝阳区", 1) // replaces the first issue
	if got, got2 := count("district", "海淀区"), count("district", "朝阳区"); got != 3 || got2 != 1 {
		t.Errorf("after replacing an issue: 海淀区 %d, 朝阳区 %d; want 3 and 1", got, got2)
	}
	b := ix.NewBatch()
	if err := b.Delete(context.Background(), "2022-001"); err != nil {
		t.Fatal(err)
	}
	if err := ix.Commit(ctx, b); err != nil {
		t.Fatal(err)
	}
	if got := count("district", "海淀区"); got != 0 {
		t.Errorf("after deleting an issue: 海淀区 %d, want 0", got)
	}
}

// TestDecodeArticleLayouts checks that an article record decodes from the
// two stored fields whether fRecord holds the rest of the record (schema 5
// on) or the whole of it (schema 4, which reindex reads), as JSON or
// deflated as earlier versions stored it.
func TestDecodeArticleLayouts(t *testing.T) {
	want := storedArticle{IssueID: "2021-014", Date: "2021-04-20", Issue: 14, Article: ingest.Article{
		ID: "2021-014-02", Seq: 2, Section: "工作交流", Headline: "标题", Body: "正文。\n\n第二段。", SourceOrg: "海淀区文明办",
		District: "海淀区", DistrictsMentioned: []string{"海淀区"}, Organisations: []string{"海淀区文明办"}, Themes: []string{"志愿服务"}, Page: 3}}
	a := want.Article
	hit, _ := json.Marshal(Citation{IssueID: want.IssueID, Date: want.Date, Issue: want.Issue, Section: a.Section,
		SourceOrg: a.SourceOrg, District: a.District, Headline: a.Headline, Page: a.Page})
	rest, err := encodeRecord(restFields{ID: a.ID, Seq: a.Seq, Body: a.Body,
		DistrictsMentioned: a.DistrictsMentioned, Organisations: a.Organisations, Themes: a.Themes})
	if err != nil {
		t.Fatal(err)
	}
	whole, err := encodeRecord(want)
	if err != nil {
		t.Fatal(err)
	}
	// Versions before records were JSON stored them deflated.
	var deflated bytes.Buffer
	zw, _ := flate.NewWriter(&deflated, flate.DefaultCompression)
	js, _ := json.Marshal(restFields{ID: a.ID, Seq: a.Seq, Body: a.Body,
		DistrictsMentioned: a.DistrictsMentioned, Organisations: a.Organisations, Themes: a.Themes})
	zw.Write(js)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	for name, rec := range map[string]string{"split": rest, "whole": whole, "deflated": deflated.String()} {
		got, err := decodeArticle(map[string]any{fHit: string(hit), fRecord: rec})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if g, w := fmt.Sprintf("%+v", got), fmt.Sprintf("%+v", want); g != w {
			t.Errorf("%s:\n got %s\nwant %s", name, g, w)
		}
	}
}

// TestWarm checks that warming reads the columns and the search texts a
// search then uses, that texts of merged-away segments are dropped, and
// that warming a closed index is an error, not a crash.
func TestWarm(t *testing.T) {
	paths, ix := smallArchive(t, 3, 1)
	mustPut(t, ix, paths)
	ctx := context.Background()
	if err := ix.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	ix.facets.mu.Lock()
	n := len(ix.facets.columns)
	ix.facets.mu.Unlock()
	if n != len(facetFields) {
		t.Errorf("%d columns after warming, want %d", n, len(facetFields))
	}
	segments := func() (int, int) {
		r := readerOf(t, ix)
		defer r.Close()
		ix.paths.texts.mu.Lock()
		defer ix.paths.texts.mu.Unlock()
		return len(r.(*scorch.IndexSnapshot).Segments()), len(ix.paths.texts.segs)
	}
	if segs, kept := segments(); segs == 0 || kept != segs {
		t.Errorf("texts of %d segments in memory, want %d", kept, segs)
	}
	res, err := ix.Search(ctx, Request{Expr: All{}, Facets: []string{"district"}})
	if err != nil || len(res.Facets["district"]) == 0 {
		t.Errorf("search after warming: %v, %v", res, err)
	}
	// New segments are read when a phrase search first needs them, and
	// only the live ones are kept.
	more, _ := smallArchive(t, 2, 9)
	mustPut(t, ix, more)
	if _, err := ix.Search(ctx, Request{Expr: Text{Value: "文明"}}); err != nil {
		t.Fatal(err)
	}
	if segs, kept := segments(); kept != segs {
		t.Errorf("after an ingest: texts of %d segments in memory, want %d", kept, segs)
	}
	ix.Close()
	if err := ix.Warm(ctx); err == nil {
		t.Error("warming a closed index: no error")
	}
}

// TestUpdate checks the write API that package archive writes through:
// issues are written in batches as they are put, a Tx that fails drops
// what is pending and keeps what was written, Delete writes the puts
// before it first, failed files are recorded with the Tx, and a
// read-only index refuses to be written.
func TestUpdate(t *testing.T) {
	paths, ix := smallArchive(t, 3, 17)
	ctx := context.Background()
	var recs []*Issue
	for _, p := range paths {
		r := ingest.ReadFile(ctx, p, ingest.Options{})
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		recs = append(recs, &Issue{Issue: *r.Issue, Files: []File{{Source: r.Issue.Source, Size: r.Size, ModTime: r.ModTime}}})
	}
	a, b, c := recs[0], recs[1], recs[2]
	has := func(id string) bool {
		t.Helper()
		_, err := ix.Issue(ctx, id)
		if err != nil && !errors.Is(err, ErrNotFound) {
			t.Fatal(err)
		}
		return err == nil
	}
	failed := func() []string {
		t.Helper()
		list, err := ix.FailedFiles()
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, f := range list {
			out = append(out, f.Path)
		}
		return out
	}
	stop := errors.New("stop")
	// a fills a batch by itself and is written at once; b is pending
	// when fn fails, and is dropped with the failed file.
	err := ix.Update(ctx, 1+len(a.Articles), func(tx *Tx) error {
		if err := tx.Put(a); err != nil {
			return err
		}
		if !has(a.ID) {
			t.Errorf("%s not written once it filled a batch", a.ID)
		}
		head := *b
		head.Articles = nil // one document: stays pending
		if err := tx.Put(&head); err != nil {
			return err
		}
		if got, err := tx.Issue(b.ID); err != nil || got != &head {
			t.Errorf("Tx.Issue(%s) = %p, %v; want the pending record %p", b.ID, got, err, &head)
		}
		tx.SetFailed("/x/bad.txt", &FailedFile{Path: "/x/bad.txt", Err: "not a bulletin"})
		return stop
	})
	if !errors.Is(err, stop) {
		t.Fatalf("Update = %v, want fn's error", err)
	}
	if !has(a.ID) || has(b.ID) || len(failed()) != 0 {
		t.Errorf("after a failed Update: %s %v, %s %v, failed files %v; want the first written, the rest dropped",
			a.ID, has(a.ID), b.ID, has(b.ID), failed())
	}
	// Delete writes what was put before it.
	err = ix.Update(ctx, 0, func(tx *Tx) error {
		if err := tx.Put(b); err != nil {
			return err
		}
		if err := tx.Put(c); err != nil {
			return err
		}
		if err := tx.Delete(a.ID); err != nil {
			return err
		}
		if !has(b.ID) || !has(c.ID) || has(a.ID) {
			t.Errorf("after Delete in a Tx: %s %v, %s %v, %s %v", a.ID, has(a.ID), b.ID, has(b.ID), c.ID, has(c.ID))
		}
		tx.SetFailed("/x/bad.txt", &FailedFile{Path: "/x/bad.txt", Err: "not a bulletin"})
		tx.SetFailed("/x/worse.txt", &FailedFile{Path: "/x/worse.txt", Err: "empty file"})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := failed(); !slices.Equal(got, []string{"/x/bad.txt", "/x/worse.txt"}) {
		t.Errorf("failed files %v", got)
	}
	err = ix.Update(ctx, 0, func(tx *Tx) error {
		tx.SetFailed("/x/bad.txt", nil)
		n, err := tx.CountIssues()
		if n != 2 {
			t.Errorf("CountIssues = %d, want 2", n)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := failed(); !slices.Equal(got, []string{"/x/worse.txt"}) {
		t.Errorf("failed files after one was mended: %v", got)
	}
	dir := ix.Dir()
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ro, err := Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if err := ro.Update(ctx, 0, func(*Tx) error { return nil }); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Update of a read-only index = %v, want ErrReadOnly", err)
	}
}

// TestPutAllAsPut: issues put together (PutAll, prepared on every CPU) make
// the index that putting them one by one makes, replacements and the
// articles they drop included.
func TestPutAllAsPut(t *testing.T) {
	ctx := context.Background()
	paths, one := smallArchive(t, 40, 7)
	_, all := smallArchive(t, 0, 7)
	when := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var issues []*Issue
	for _, p := range paths {
		r := ingest.ReadFile(ctx, p, ingest.Options{})
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		issues = append(issues, &Issue{Issue: *r.Issue, Indexed: when})
	}
	// The second round replaces every other issue by itself without its
	// last article.
	var shorter []*Issue
	for i, iss := range issues {
		if i%2 == 0 && len(iss.Articles) > 1 {
			c := *iss
			c.Articles = c.Articles[:len(c.Articles)-1]
			shorter = append(shorter, &c)
		}
	}
	for _, round := range [][]*Issue{issues, shorter} {
		b := one.NewBatch()
		for _, iss := range round {
			if err := b.Put(ctx, iss); err != nil {
				t.Fatal(err)
			}
		}
		if err := one.Commit(ctx, b); err != nil {
			t.Fatal(err)
		}
		b = all.NewBatch()
		if err := b.PutAll(ctx, round); err != nil {
			t.Fatal(err)
		}
		if err := all.Commit(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	for _, iss := range issues {
		a, err := one.Issue(ctx, iss.ID)
		if err != nil {
			t.Fatal(err)
		}
		b, err := all.Issue(ctx, iss.ID)
		if err != nil {
			t.Fatal(err)
		}
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if string(ja) != string(jb) {
			t.Errorf("issue %s differs:\n one by one %s\n together   %s", iss.ID, ja, jb)
		}
	}
	for _, e := range []Expr{All{}, Text{Value: "文明"}, Text{Value: "志愿服务"}, Text{Value: "区"}} {
		req := Request{Expr: e, Limit: 1000, Sort: SortDate}
		ra, err := one.Search(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		rb, err := all.Search(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if ra.Total != rb.Total || !slices.Equal(hitIDs(ra), hitIDs(rb)) {
			t.Errorf("%#v: %d hits one by one, %d together", e, ra.Total, rb.Total)
		}
	}

	if err := all.NewBatch().PutAll(ctx, []*Issue{issues[0], {}}); err == nil {
		t.Error("PutAll of an issue without an id: no error")
	}
}

func hitIDs(r *Result) []string {
	ids := make([]string, len(r.Hits))
	for i, h := range r.Hits {
		ids[i] = h.ID
	}
	return ids
}
