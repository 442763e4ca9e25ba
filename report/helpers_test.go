package report

import (
	"context"
	"os"
	"testing"

	"jianbao/index"
	"jianbao/ingest"
	"jianbao/internal/sample"
)

// testFiles lists the bulletins the tests index: the repository's sample and
// two more with the same reporting bodies, so that filters and facets have
// something to tell apart.
func testFiles(tb testing.TB) []string {
	tb.Helper()
	files, err := archiveFiles()
	if err != nil {
		tb.Fatal(err)
	}
	return files
}

func archiveFiles() ([]string, error) {
	return sample.Glob("testdata/archive/*.txt", "../testdata/sample/*.txt")
}

// shared is one index of the archive for the tests that only read.
var shared = &sample.Shared{Files: archiveFiles}

func TestMain(m *testing.M) {
	code := m.Run()
	samples.Close()
	shared.Close()
	os.Exit(code)
}

// sharedIndex is one index of the archive for the tests that only read.
func sharedIndex(tb testing.TB) *index.Index { tb.Helper(); return shared.Index(tb) }

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
