// Package sample builds, for tests, indexes of bundled bulletins: the one
// that `make run` serves (the sample archive and the PDF of the real
// bulletin, whose articles have pages), or any list of files, shared by the
// tests of one package that only read it.
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

// Glob returns the files that match each pattern, in order; a pattern that
// matches nothing is an error.
func Glob(patterns ...string) ([]string, error) {
	var out []string
	for _, p := range patterns {
		files, err := filepath.Glob(p)
		if err != nil || len(files) == 0 {
			return nil, fmt.Errorf("no files match %s: %v", p, err)
		}
		out = append(out, files...)
	}
	return out, nil
}

// Files returns the files of the index that `make run` serves, found from
// root, the repository's top directory as a test sees it (e.g. "..").
func Files(root string) ([]string, error) {
	files, err := Glob(filepath.Join(root, "testdata", "sample", "*.txt"))
	if err != nil {
		return nil, err
	}
	return append(files, filepath.Join(root, "ingest", "testdata", "pdf", "bulletin-2021-014.lo.pdf")), nil
}

// Index ingests files into a new index in a temporary directory and
// returns it open, with its directory, which the caller removes after
// closing the index. A file that fails is an error.
func Index(files []string) (ix *index.Index, dir string, err error) {
	if dir, err = os.MkdirTemp("", "jianbao-test-"); err != nil {
		return nil, "", err
	}
	if ix, err = index.Open(dir, index.Options{Create: true}); err != nil {
		return nil, dir, err
	}
	sum, err := archive.Ingest(context.Background(), ix, files, archive.Options{})
	if err == nil && sum.Failed > 0 {
		err = fmt.Errorf("ingest: %+v", sum.Failures)
	}
	return ix, dir, err
}

// Shared is an index of Files for the tests of one test binary that only
// read it: built on first use, removed by Close (from TestMain).
type Shared struct {
	Files func() ([]string, error) // what it indexes

	once sync.Once
	ix   *index.Index
	dir  string
	err  error
}

// Index returns the shared index, building it the first time.
func (s *Shared) Index(tb testing.TB) *index.Index {
	tb.Helper()
	s.once.Do(func() {
		files, err := s.Files()
		if err != nil {
			s.err = err
			return
		}
		s.ix, s.dir, s.err = Index(files)
	})
	if s.err != nil {
		tb.Fatalf("shared index: %v", s.err)
	}
	return s.ix
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
