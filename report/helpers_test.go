package report

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"jianbao/archive"
	"jianbao/index"
	"jianbao/ingest"
)

// testFiles lists the bulletins the tests index: the repository's sample and
// two more with the same reporting bodies, so that filters and facets have
// something to tell apart.
func testFiles(tb testing.TB) []string {
	tb.Helper()
	files, err := filepath.Glob("testdata/archive/*.txt")
	if err != nil || len(files) == 0 {
		tb.Fatalf("no test archive: %v", err)
	}
	sample, err := filepath.Glob("../testdata/sample/*.txt")
	if err != nil || len(sample) == 0 {
		tb.Fatalf("no sample archive: %v", err)
	}
	return append(files, sample...)
}

var (
	sharedOnce sync.Once
	sharedDir  string
	sharedIx   *index.Index
	sharedErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	samples.Close()
	if sharedIx != nil {
		sharedIx.Close()
	}
	if sharedDir != "" {
		os.RemoveAll(sharedDir)
	}
	os.Exit(code)
}

// sharedIndex is one index of the archive for the tests that only read.
func sharedIndex(tb testing.TB) *index.Index {
	tb.Helper()
	sharedOnce.Do(func() {
		dir, err := os.MkdirTemp("", "jianbao-report-test-")
		if err != nil {
			sharedErr = err
			return
		}
		sharedDir = dir
		ix, err := index.Open(dir, index.Options{Create: true})
		if err != nil {
			sharedErr = err
			return
		}
		if _, err := archive.Ingest(context.Background(), ix, testFiles(tb), archive.Options{}); err != nil {
			sharedErr = err
			return
		}
		sharedIx = ix
	})
	if sharedErr != nil {
		tb.Fatalf("shared index: %v", sharedErr)
	}
	return sharedIx
}

// record is an article of the archive as grep sees it.
type record struct {
	issue *ingest.Issue
	art   ingest.Article
}

// parseArchive parses the archive's files directly, for the oracle.
func parseArchive(tb testing.TB, files []string) []record {
	tb.Helper()
	var recs []record
	for _, f := range files {
		iss, err := ingest.ParseFile(context.Background(), f, ingest.Options{})
		if iss == nil {
			tb.Fatalf("parse %s: %v", f, err)
		}
		for _, a := range iss.Articles {
			recs = append(recs, record{iss, a})
		}
	}
	return recs
}
