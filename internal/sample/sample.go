// Package sample builds, for tests, the index that `make run` serves: the
// bundled sample archive and the PDF of the real bulletin, whose articles
// have pages.
package sample

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"jianbao/archive"
	"jianbao/index"
)

// Files returns the files of the sample index, found from root, the
// repository's top directory as a test sees it (e.g. "..").
func Files(root string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(root, "testdata", "sample", "*.txt"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no sample archive under %s: %v", root, err)
	}
	return append(files, filepath.Join(root, "ingest", "testdata", "pdf", "bulletin-2021-014.lo.pdf")), nil
}

// Index ingests Files(root) into a new index in a temporary directory and
// returns it open, with its directory, which the caller removes after
// closing the index.
func Index(root string) (ix *index.Index, dir string, err error) {
	files, err := Files(root)
	if err != nil {
		return nil, "", err
	}
	if dir, err = os.MkdirTemp("", "jianbao-sample-"); err != nil {
		return nil, "", err
	}
	if ix, err = index.Open(dir, index.Options{Create: true}); err != nil {
		return nil, dir, err
	}
	sum, err := archive.Ingest(context.Background(), ix, files, archive.Options{})
	if err == nil && sum.Failed > 0 {
		err = fmt.Errorf("ingest the sample: %+v", sum.Failures)
	}
	return ix, dir, err
}

// Shared is the sample index of one test binary: built on first use by the
// tests that only read it, removed by Close (from TestMain).
type Shared struct {
	Root string // the repository's top directory as the tests see it

	once sync.Once
	ix   *index.Index
	dir  string
	err  error
}

// Index returns the shared index, building it the first time.
func (s *Shared) Index(tb testing.TB) *index.Index {
	tb.Helper()
	s.once.Do(func() { s.ix, s.dir, s.err = Index(s.Root) })
	if s.err != nil {
		tb.Fatalf("sample index: %v", s.err)
	}
	return s.ix
}

// Files returns the files of the sample index.
func (s *Shared) Files(tb testing.TB) []string {
	tb.Helper()
	files, err := Files(s.Root)
	if err != nil {
		tb.Fatal(err)
	}
	return files
}

// Close closes and removes the index, if it was built.
func (s *Shared) Close() {
	if s.ix != nil {
		// The tests are over: a close error changes none of their results.
		_ = s.ix.Close()
	}
	if s.dir != "" {
		os.RemoveAll(s.dir)
	}
}
