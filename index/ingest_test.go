package index

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"

	"jianbao/ingest"
)

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
	opts := IngestOptions{Reader: counting, SkipFailed: true, Workers: 1}
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
	if sum = mustIngest(t, ix, []string{bad}, IngestOptions{Reader: counting}); sum.Failed != 1 || reads[bad] != 2 {
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
	sum := mustIngest(t, ix, []string{paths[0], paths[1], copyPath}, IngestOptions{})
	if sum.Failed != 0 || sum.Added != 3 {
		t.Fatalf("a copy of a file: %+v", sum)
	}
	sum = mustIngest(t, ix, []string{other}, IngestOptions{})
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
	if sum = mustIngest(t, ix, []string{other}, IngestOptions{}); sum.Failed != 0 || sum.Added != 1 {
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
		_, err := ix.Ingest(context.Background(), paths[:1], IngestOptions{Reader: slow})
		done <- err
	}()
	sum, err := ix.Ingest(context.Background(), paths[1:], IngestOptions{})
	if err != nil || sum.Added != 1 {
		t.Errorf("ingest beside a slow one: %+v, %v", sum, err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n, err := ix.count(context.Background(), typeIssue); err != nil || n != 2 {
		t.Errorf("%d issues, %v; want 2", n, err)
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
			ix.bi.Close() // every later write fails
		}
		return ingest.ReadFile(ctx, path, ingest.Options{})
	})
	_, err := ix.Ingest(context.Background(), paths, IngestOptions{Reader: closing, Workers: 1, BatchDocs: 1})
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
	// Open it again for the test's cleanup to close.
	if ix.bi, err = bleve.OpenUsing(ix.dir, config(false)); err != nil {
		t.Fatal(err)
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
