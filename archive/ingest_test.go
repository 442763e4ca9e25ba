package archive

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"jianbao/index"
	"jianbao/ingest"
	"jianbao/internal/synth"
)

// smallArchive writes n generated bulletins into a temporary directory and
// returns their paths and an empty index opened for writing.
func smallArchive(t *testing.T, n int, seed uint64) ([]string, *index.Index) {
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
	ix, err := index.Open(filepath.Join(dir, "index"), index.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return paths, ix
}

func mustIngest(t *testing.T, ix *index.Index, paths []string, opts Options) *Summary {
	t.Helper()
	sum, err := Ingest(context.Background(), ix, paths, opts)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// issueCount returns the number of issues in ix.
func issueCount(t *testing.T, ix *index.Index) int {
	t.Helper()
	list, err := ix.Issues(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

// TestFailedFilesKept: a file that fails is recorded with its reason until
// it is ingested; with SkipFailed it is not read again until it changes.
func TestFailedFilesKept(t *testing.T) {
	paths, ix := smallArchive(t, 2, 5)
	bad := filepath.Join(filepath.Dir(paths[0]), "bad.txt")
	if err := os.WriteFile(bad, []byte("不是简报"), 0o644); err != nil {
		t.Fatal(err)
	}
	reads := map[string]int{}
	counting := ReaderFunc(func(ctx context.Context, path string) ingest.FileResult {
		reads[path]++
		return ingest.ReadFile(ctx, path, ingest.Options{})
	})
	opts := Options{Reader: counting, SkipFailed: true, Workers: 1}
	sum := mustIngest(t, ix, append(paths, bad), opts)
	if sum.Failed != 1 || sum.Added != 2 {
		t.Fatalf("first run: %+v", sum)
	}
	failed, err := ix.FailedFiles()
	if err != nil || len(failed) != 1 || failed[0].Path != bad || !strings.Contains(failed[0].Err, "not a bulletin") {
		t.Fatalf("FailedFiles = %+v, %v", failed, err)
	}
	// Unchanged: skipped, counted, still recorded.
	sum = mustIngest(t, ix, append(paths, bad), opts)
	if sum.FailedBefore != 1 || sum.Failed != 0 || reads[bad] != 1 {
		t.Errorf("second run: %+v, %d reads of the bad file", sum, reads[bad])
	}
	if failed, _ := ix.FailedFiles(); len(failed) != 1 {
		t.Errorf("FailedFiles after a skip = %+v", failed)
	}
	// Without SkipFailed it is read again.
	if sum = mustIngest(t, ix, []string{bad}, Options{Reader: counting}); sum.Failed != 1 || reads[bad] != 2 {
		t.Errorf("run without SkipFailed: %+v, %d reads", sum, reads[bad])
	}
	// Mended: read, ingested, no longer recorded.
	good, err := os.ReadFile(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, good, 0o644); err != nil { // a copy of a good bulletin
		t.Fatal(err)
	}
	if err := os.Chtimes(bad, time.Now(), time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	sum = mustIngest(t, ix, []string{bad}, opts)
	if reads[bad] != 3 {
		t.Errorf("the changed file was not read again: %+v", sum)
	}
	if failed, _ := ix.FailedFiles(); len(failed) != 0 {
		t.Errorf("FailedFiles after the file was ingested = %+v", failed)
	}
}

// TestSameIssueTwoFiles: two different TXT files that give one issue id:
// the second fails, naming the first, and loses nothing silently; a copy
// of the same file is no conflict.
func TestSameIssueTwoFiles(t *testing.T) {
	paths, ix := smallArchive(t, 2, 6)
	data, err := os.ReadFile(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(paths[0])
	other := filepath.Join(dir, "other.txt")
	changed := strings.Replace(string(data), "。", "。另有补充。", 1)
	if err := os.WriteFile(other, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	copyPath := filepath.Join(dir, "copy.txt")
	if err := os.WriteFile(copyPath, data, 0o644); err != nil {
		t.Fatal(err)
	}
	sum := mustIngest(t, ix, []string{paths[0], paths[1], copyPath}, Options{})
	if sum.Failed != 0 || sum.Added != 3 {
		t.Fatalf("a copy of a file: %+v", sum)
	}
	sum = mustIngest(t, ix, []string{other}, Options{})
	if sum.Failed != 1 || !strings.Contains(sum.Failures[0].Err, "is in the index already from another file") ||
		!strings.Contains(sum.Failures[0].Err, paths[0]) && !strings.Contains(sum.Failures[0].Err, copyPath) {
		t.Fatalf("a different file with the same issue: %+v", sum)
	}
	// Once the first is gone (moved away), the other takes its place.
	for _, p := range []string{paths[0], copyPath} {
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
	}
	if sum = mustIngest(t, ix, []string{other}, Options{}); sum.Failed != 0 || sum.Added != 1 {
		t.Errorf("after the first file is gone: %+v", sum)
	}
}

// TestIngestReadsWithoutHolding: while one ingest waits on a slow file,
// another ingest writes, and searches see it.
func TestIngestReadsWithoutHolding(t *testing.T) {
	paths, ix := smallArchive(t, 2, 7)
	release := make(chan struct{})
	slow := ReaderFunc(func(ctx context.Context, path string) ingest.FileResult {
		<-release
		return ingest.ReadFile(ctx, path, ingest.Options{})
	})
	done := make(chan error, 1)
	go func() {
		_, err := Ingest(context.Background(), ix, paths[:1], Options{Reader: slow})
		done <- err
	}()
	sum, err := Ingest(context.Background(), ix, paths[1:], Options{})
	if err != nil || sum.Added != 1 {
		t.Errorf("ingest beside a slow one: %+v, %v", sum, err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := issueCount(t, ix); n != 2 {
		t.Errorf("%d issues; want 2", n)
	}
}

// TestIngestStopsReaders: when writing fails, Ingest returns and its
// readers stop; none is left behind.
func TestIngestStopsReaders(t *testing.T) {
	paths, ix := smallArchive(t, 40, 8)
	before := runtime.NumGoroutine()
	first := true
	closing := ReaderFunc(func(ctx context.Context, path string) ingest.FileResult {
		if first {
			first = false
			ix.Close() // every later write fails
		}
		return ingest.ReadFile(ctx, path, ingest.Options{})
	})
	_, err := Ingest(context.Background(), ix, paths, Options{Reader: closing, Workers: 1, BatchDocs: 1})
	if err == nil {
		t.Fatal("ingest into a closed index succeeded")
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines after the failed ingest, %d before:\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}

// fileSize is an os.FileInfo of a size only.
type fileSize int64

func (s fileSize) Name() string       { return "f" }
func (s fileSize) Size() int64        { return int64(s) }
func (s fileSize) Mode() os.FileMode  { return 0 }
func (s fileSize) ModTime() time.Time { return time.Time{} }
func (s fileSize) IsDir() bool        { return false }
func (s fileSize) Sys() any           { return nil }

// TestReaders: one reader per megabyte of input, at least one, at most the
// number asked for.
func TestReaders(t *testing.T) {
	files := func(sizes ...int64) map[string]os.FileInfo {
		m := map[string]os.FileInfo{}
		for i, s := range sizes {
			m[string(rune('a'+i))] = fileSize(s)
		}
		return m
	}
	for _, tt := range []struct {
		max   int
		files map[string]os.FileInfo
		want  int
	}{
		{4, files(), 1},
		{4, files(10 << 10), 1},
		{4, files(600<<10, 600<<10), 2},
		{4, files(5<<20, 3<<20), 4},
		{2, files(64 << 20), 2},
	} {
		if got := readers(tt.max, tt.files); got != tt.want {
			t.Errorf("readers(%d, %d files) = %d, want %d", tt.max, len(tt.files), got, tt.want)
		}
	}
}

func TestIngestIncremental(t *testing.T) {
	paths, ix := smallArchive(t, 6, 11)
	ctx := context.Background()
	sum := mustIngest(t, ix, paths, Options{})
	if sum.Added != 6 || sum.Issues != 6 || sum.Failed != 0 {
		t.Fatalf("first run: %+v", sum)
	}
	sum = mustIngest(t, ix, paths, Options{})
	if sum.Unchanged != 6 || sum.Added+sum.Updated+sum.Failed != 0 {
		t.Fatalf("second run: %+v", sum)
	}

	// Touched but not changed: hashed, not counted as an update.
	later := time.Now().Add(time.Hour)
	os.Chtimes(paths[0], later, later)
	if sum = mustIngest(t, ix, paths, Options{}); sum.Unchanged != 6 {
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
	sum = mustIngest(t, ix, paths, Options{})
	if sum.Updated != 1 || sum.Unchanged != 5 {
		t.Errorf("changed file: %+v", sum)
	}
	res, err := ix.Search(ctx, index.Request{Expr: index.Text{Value: "独一无二"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || res.Hits[0].IssueID != iss.ID {
		t.Errorf("changed text: %d hits, want 1 in %s", res.Total, iss.ID)
	}

	// Gone, with and without --prune.
	os.Remove(paths[2])
	sum = mustIngest(t, ix, paths, Options{})
	if sum.Failed != 1 || sum.Issues != 6 {
		t.Errorf("missing file without prune: %+v", sum)
	}
	sum = mustIngest(t, ix, paths[3:], Options{Prune: true})
	if sum.Pruned != 1 || sum.Issues != 5 {
		t.Errorf("prune: %+v", sum)
	}

	// A bad file is reported; the others still go in.
	bad := filepath.Join(filepath.Dir(paths[0]), "junk.txt")
	os.WriteFile(bad, []byte("这不是简报。\n"), 0o644)
	sum = mustIngest(t, ix, append([]string{bad}, paths...), Options{})
	if sum.Failed != 2 || len(sum.Failures) != 2 || sum.Issues != 5 {
		t.Errorf("bad file: %+v", sum)
	}
}

func TestIngestMovedFile(t *testing.T) {
	paths, ix := smallArchive(t, 2, 5)
	mustIngest(t, ix, paths, Options{})
	ctx := context.Background()
	a, _ := ingest.ParseFile(ctx, paths[0], ingest.Options{})
	b, _ := ingest.ParseFile(ctx, paths[1], ingest.Options{})
	// paths[0] now holds what paths[1] holds: the issue of paths[0] loses
	// its only file and goes; the other lists two files.
	data, _ := os.ReadFile(paths[1])
	os.WriteFile(paths[0], data, 0o644)
	sum := mustIngest(t, ix, paths, Options{})
	if sum.Updated != 1 || sum.Issues != 1 {
		t.Fatalf("moved: %+v", sum)
	}
	if _, err := ix.Issue(ctx, a.ID); !errors.Is(err, index.ErrNotFound) {
		t.Errorf("issue %s still there: %v", a.ID, err)
	}
	iss, err := ix.Issue(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(iss.Files) != 2 {
		t.Errorf("issue %s files %+v, want both", b.ID, iss.Files)
	}
	res, err := ix.Search(ctx, index.Request{Expr: index.Field{Name: "issue_id", Value: a.ID}})
	if err != nil || res.Total != 0 {
		t.Errorf("articles of %s left: %v %v", a.ID, res, err)
	}
}

func TestMergeTXTAndPDF(t *testing.T) {
	txt := &ingest.Issue{ID: "2021-014", Title: "t", Source: ingest.Source{Path: "/a/x.txt", Format: "txt"},
		Articles: []ingest.Article{{ID: "2021-014-01", Seq: 1, Body: "正文"}, {ID: "2021-014-02", Seq: 2}}}
	pdf := &ingest.Issue{ID: "2021-014", Title: "p", Source: ingest.Source{Path: "/a/x.pdf", Format: "pdf"},
		Articles: []ingest.Article{{ID: "2021-014-01", Seq: 1, Body: "正 文", Page: 1}, {ID: "2021-014-02", Seq: 2, Page: 3}}}
	for _, order := range [][]*ingest.Issue{{txt, pdf}, {pdf, txt}} {
		var cur *index.Issue
		for _, iss := range order {
			cur = merge(cur, iss, index.File{Source: iss.Source})
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
	ix, err := index.Open(filepath.Join(dir, "index"), index.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	sum := mustIngest(t, ix, []string{pdf, txt}, Options{Workers: 1})
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
	if sum := mustIngest(t, ix, []string{pdf, txt}, Options{}); sum.Unchanged != 2 {
		t.Errorf("second run %+v", sum)
	}
	list, _ := ix.Issues(ctx)
	if len(list) != 1 || len(list[0].Files) != 2 {
		t.Errorf("Issues = %+v", list)
	}
	// The TXT gone and pruned: the issue stays, read from the PDF.
	os.Remove(txt)
	if sum := mustIngest(t, ix, []string{pdf}, Options{Prune: true}); sum.Pruned != 1 || sum.Issues != 1 {
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
