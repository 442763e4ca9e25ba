package index

import (
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
	"unicode/utf8"

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

func mustIngest(t *testing.T, ix *Index, paths []string, opts IngestOptions) *Summary {
	t.Helper()
	sum, err := ix.Ingest(context.Background(), paths, opts)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func TestIngestIncremental(t *testing.T) {
	paths, ix := smallArchive(t, 6, 11)
	ctx := context.Background()
	sum := mustIngest(t, ix, paths, IngestOptions{})
	if sum.Added != 6 || sum.Issues != 6 || sum.Failed != 0 {
		t.Fatalf("first run: %+v", sum)
	}
	sum = mustIngest(t, ix, paths, IngestOptions{})
	if sum.Unchanged != 6 || sum.Added+sum.Updated+sum.Failed != 0 {
		t.Fatalf("second run: %+v", sum)
	}

	// Touched but not changed: hashed, not counted as an update.
	later := time.Now().Add(time.Hour)
	os.Chtimes(paths[0], later, later)
	if sum = mustIngest(t, ix, paths, IngestOptions{}); sum.Unchanged != 6 {
		t.Errorf("touched file: %+v", sum)
	}

	// Changed: a word added inside an article of a UTF-8 file, next to a
	// stretch of its body that occurs once in the file.
	var iss *ingest.Issue
	var changed string
	for _, p := range paths {
		data, _ := os.ReadFile(p)
		parsed, _ := ingest.ParseFile(ctx, p, ingest.Options{})
		if parsed == nil || !utf8.Valid(data) || len(parsed.Articles) == 0 {
			continue
		}
		body := []rune(parsed.Articles[0].Body)
		for i := 0; i+8 <= len(body) && changed == ""; i += 4 {
			anchor := string(body[i : i+8])
			if strings.Count(string(data), anchor) == 1 {
				text := strings.Replace(string(data), anchor, anchor+"独一无二", 1)
				if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
				iss, changed = parsed, p
			}
		}
		if changed != "" {
			break
		}
	}
	if changed == "" {
		t.Fatal("no file to change")
	}
	sum = mustIngest(t, ix, paths, IngestOptions{})
	if sum.Updated != 1 || sum.Unchanged != 5 {
		t.Errorf("changed file: %+v", sum)
	}
	res, err := ix.Search(ctx, Request{Expr: Text{Value: "独一无二"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || res.Hits[0].IssueID != iss.ID {
		t.Errorf("changed text: %d hits, want 1 in %s", res.Total, iss.ID)
	}

	// Gone, with and without --prune.
	os.Remove(paths[2])
	sum = mustIngest(t, ix, paths, IngestOptions{})
	if sum.Failed != 1 || sum.Issues != 6 {
		t.Errorf("missing file without prune: %+v", sum)
	}
	sum = mustIngest(t, ix, paths[3:], IngestOptions{Prune: true})
	if sum.Pruned != 1 || sum.Issues != 5 {
		t.Errorf("prune: %+v", sum)
	}

	// A bad file is reported; the others still go in.
	bad := filepath.Join(filepath.Dir(paths[0]), "junk.txt")
	os.WriteFile(bad, []byte("这不是简报。\n"), 0o644)
	sum = mustIngest(t, ix, append([]string{bad}, paths...), IngestOptions{})
	if sum.Failed != 2 || len(sum.Failures) != 2 || sum.Issues != 5 {
		t.Errorf("bad file: %+v", sum)
	}
}

func TestIngestMovedFile(t *testing.T) {
	paths, ix := smallArchive(t, 2, 5)
	mustIngest(t, ix, paths, IngestOptions{})
	ctx := context.Background()
	a, _ := ingest.ParseFile(ctx, paths[0], ingest.Options{})
	b, _ := ingest.ParseFile(ctx, paths[1], ingest.Options{})
	// paths[0] now holds what paths[1] holds: the issue of paths[0] loses
	// its only file and goes; the other lists two files.
	data, _ := os.ReadFile(paths[1])
	os.WriteFile(paths[0], data, 0o644)
	sum := mustIngest(t, ix, paths, IngestOptions{})
	if sum.Updated != 1 || sum.Issues != 1 {
		t.Fatalf("moved: %+v", sum)
	}
	if _, err := ix.Issue(ctx, a.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("issue %s still there: %v", a.ID, err)
	}
	iss, err := ix.Issue(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(iss.Files) != 2 {
		t.Errorf("issue %s files %+v, want both", b.ID, iss.Files)
	}
	res, err := ix.Search(ctx, Request{Expr: Field{"issue_id", a.ID}})
	if err != nil || res.Total != 0 {
		t.Errorf("articles of %s left: %v %v", a.ID, res, err)
	}
}

func TestPutDropsArticles(t *testing.T) {
	_, ix := smallArchive(t, 0, 1)
	ctx := context.Background()
	iss := &Issue{Issue: ingest.Issue{ID: "2021-001", Date: "2021-01-05", Articles: []ingest.Article{
		{ID: "2021-001-01", Seq: 1, Body: "甲"}, {ID: "2021-001-02", Seq: 2, Body: "乙"}, {ID: "2021-001-03", Seq: 3, Body: "丙"}}}}
	for _, n := range []int{3, 2} {
		iss.Articles = iss.Articles[:n]
		b := ix.NewBatch()
		if err := b.Put(context.Background(), iss); err != nil {
			t.Fatal(err)
		}
		if err := ix.Commit(ctx, b); err != nil {
			t.Fatal(err)
		}
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

func TestMergeTXTAndPDF(t *testing.T) {
	txt := &ingest.Issue{ID: "2021-014", Title: "t", Source: ingest.Source{Path: "/a/x.txt", Format: "txt"},
		Articles: []ingest.Article{{ID: "2021-014-01", Seq: 1, Body: "正文"}, {ID: "2021-014-02", Seq: 2}}}
	pdf := &ingest.Issue{ID: "2021-014", Title: "p", Source: ingest.Source{Path: "/a/x.pdf", Format: "pdf"},
		Articles: []ingest.Article{{ID: "2021-014-01", Seq: 1, Body: "正 文", Page: 1}, {ID: "2021-014-02", Seq: 2, Page: 3}}}
	for _, order := range [][]*ingest.Issue{{txt, pdf}, {pdf, txt}} {
		var cur *Issue
		for _, iss := range order {
			cur = merge(cur, iss, File{Source: iss.Source})
		}
		if cur.Title != "t" || cur.Source.Format != "txt" {
			t.Errorf("primary is %q from %s, want the TXT's", cur.Title, cur.Source.Path)
		}
		if len(cur.Files) != 2 || cur.Files[0].Path != "/a/x.pdf" || cur.Files[1].Path != "/a/x.txt" {
			t.Errorf("files %+v", cur.Files)
		}
		if cur.Articles[0].Page != 1 || cur.Articles[1].Page != 3 || cur.Articles[0].Body != "正文" {
			t.Errorf("articles %+v: want the TXT's text with the PDF's pages", cur.Articles)
		}
	}
}

func TestVersionMismatchAndReindex(t *testing.T) {
	paths, ix := smallArchive(t, 3, 9)
	mustIngest(t, ix, paths, IngestOptions{})
	dir := ix.Dir()
	// Pretend an older analyzer built it.
	m, _ := json.Marshal(meta{Schema: SchemaVersion, Analyzer: "0", Dictionary: segment.DictVersion()})
	if err := ix.bi.SetInternal(metaKey, m); err != nil {
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
	mustIngest(t, ix, paths, IngestOptions{})
	ix.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperSearchOnly$", "-test.v")
	cmd.Env = append(os.Environ(), "JIANBAO_SEARCH_ONLY="+ix.Dir())
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestHelperSearchOnly") {
		t.Errorf("search process: %v\n%s", err, out)
	}
}

func TestIngestTXTAndPDFOfOneIssue(t *testing.T) {
	dir := t.TempDir()
	txt, pdf := filepath.Join(dir, "b.txt"), filepath.Join(dir, "b.pdf")
	for src, dst := range map[string]string{"../testdata/sample/bulletin-2021-014.txt": txt, "../ingest/testdata/pdf/bulletin-2021-014.lo.pdf": pdf} {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(dst, data, 0o644)
	}
	ix, err := Open(filepath.Join(dir, "index"), Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	sum := mustIngest(t, ix, []string{pdf, txt}, IngestOptions{Workers: 1})
	if sum.Added != 2 || sum.Issues != 1 || sum.Failed != 0 {
		t.Fatalf("summary %+v, want 2 files in 1 issue", sum)
	}
	ctx := context.Background()
	iss, err := ix.Issue(ctx, "2021-014")
	if err != nil {
		t.Fatal(err)
	}
	if len(iss.Files) != 2 || iss.Source.Format != ingest.FormatTXT {
		t.Errorf("files %+v, primary %s: want both, the TXT first", iss.Files, iss.Source.Path)
	}
	want, _ := ingest.ParseFile(ctx, txt, ingest.Options{})
	pages := 0
	for i, a := range iss.Articles {
		if a.Body != want.Articles[i].Body {
			t.Errorf("article %s: body is not the TXT's", a.ID)
		}
		if a.Page > 0 {
			pages++
		}
	}
	if pages != len(iss.Articles) {
		t.Errorf("%d of %d articles have a PDF page", pages, len(iss.Articles))
	}
	// Unchanged on a second run.
	if sum := mustIngest(t, ix, []string{pdf, txt}, IngestOptions{}); sum.Unchanged != 2 {
		t.Errorf("second run %+v", sum)
	}
	list, _ := ix.Issues(ctx)
	if len(list) != 1 || len(list[0].Files) != 2 {
		t.Errorf("Issues = %+v", list)
	}
	// The TXT gone and pruned: the issue stays, read from the PDF.
	os.Remove(txt)
	if sum := mustIngest(t, ix, []string{pdf}, IngestOptions{Prune: true}); sum.Pruned != 1 || sum.Issues != 1 {
		t.Errorf("prune run %+v", sum)
	}
	iss, err = ix.Issue(ctx, "2021-014")
	if err != nil {
		t.Fatal(err)
	}
	if len(iss.Files) != 1 || iss.Source.Path != pdf || len(iss.Articles) == 0 || iss.Articles[0].Page == 0 {
		t.Errorf("after pruning the TXT: files %+v, primary %s", iss.Files, iss.Source.Path)
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
	if err := ix.bi.DeleteInternal(metaKey); err != nil {
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
	b := ix.NewBatch()
	if err := b.Put(context.Background(), iss); err != nil {
		t.Fatal(err)
	}
	if err := ix.Commit(ctx, b); err != nil {
		t.Fatal(err)
	}
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
		b := ix.NewBatch()
		if err := b.Put(context.Background(), iss); err != nil {
			t.Fatal(err)
		}
		if err := ix.Commit(ctx, b); err != nil {
			t.Fatal(err)
		}
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
// on) or the whole of it (schema 4, which reindex reads).
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
	for name, rec := range map[string]string{"split": rest, "whole": whole} {
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
	mustIngest(t, ix, paths, IngestOptions{})
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
		adv, _ := ix.bi.Advanced()
		r, err := adv.Reader()
		if err != nil {
			t.Fatal(err)
		}
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
	mustIngest(t, ix, more, IngestOptions{})
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
