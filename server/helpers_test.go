package server

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"jianbao/archive"
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
	return sample.Glob("../report/testdata/archive/*.txt", "../testdata/sample/*.txt")
}

// copyArchive copies the archive into a fresh directory, so that a test may
// change or remove files.
func copyArchive(tb testing.TB) []string {
	tb.Helper()
	dir := tb.TempDir()
	var out []string
	for _, f := range testFiles(tb) {
		data, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		dst := filepath.Join(dir, filepath.Base(f))
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			tb.Fatal(err)
		}
		out = append(out, dst)
	}
	return out
}

// newIndex builds a real index in a temporary directory from files.
func newIndex(tb testing.TB, files []string) *index.Index {
	tb.Helper()
	ix, err := index.Open(tb.TempDir(), index.Options{Create: true})
	if err != nil {
		tb.Fatalf("open index: %v", err)
	}
	tb.Cleanup(func() { ix.Close() })
	sum, err := archive.Ingest(context.Background(), ix, files, archive.Options{})
	if err != nil {
		tb.Fatalf("ingest: %v", err)
	}
	if sum.Failed > 0 {
		tb.Fatalf("ingest failed: %+v", sum.Failures)
	}
	return ix
}

// shared is one index of the archive for the tests that only read.
var shared = &sample.Shared{Files: archiveFiles}

func TestMain(m *testing.M) {
	code := m.Run()
	samples.Close()
	shared.Close()
	if bench != nil {
		bench.ix.Close()
		if os.Getenv("JIANBAO_BENCH_DIR") == "" {
			os.RemoveAll(bench.dir)
		}
	}
	os.Exit(code)
}

// sharedIndex is one index of the archive for the tests that only read.
func sharedIndex(tb testing.TB) *index.Index { tb.Helper(); return shared.Index(tb) }

// newTestServer serves store with a real HTTP server.
func newTestServer(tb testing.TB, store Store) *httptest.Server {
	tb.Helper()
	srv := httptest.NewServer(NewHandler(store, Options{}))
	tb.Cleanup(srv.Close)
	return srv
}

// httptestServer serves h and returns its URL.
func httptestServer(tb testing.TB, h http.Handler) string {
	tb.Helper()
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	return srv.URL
}

func newTextLogger(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

func encodeGB18030(s string) ([]byte, error) {
	return simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
}

// getJSON fetches url and decodes its JSON body into v; it returns the status.
func getJSON(tb testing.TB, url string, v any) int {
	tb.Helper()
	resp, err := http.Get(url)
	if err != nil {
		tb.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		tb.Fatalf("GET %s: Content-Type %q, want JSON", url, ct)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		tb.Fatalf("GET %s: decode: %v", url, err)
	}
	return resp.StatusCode
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

// grep returns the sorted ids of the articles that e matches, decided the way
// grep would: substring tests on the normalised text and equality on fields.
// It is the oracle the index must agree with.
func grep(recs []record, e index.Expr) []string {
	ids := []string{}
	for _, r := range recs {
		if matches(r, e) {
			ids = append(ids, r.art.ID)
		}
	}
	slices.Sort(ids)
	return ids
}

func matches(r record, e index.Expr) bool {
	switch e := e.(type) {
	case index.All:
		return true
	case index.Text:
		// grep on the normalised text, the phrase normalised alike
		v := ingest.MatchText(e.Value)
		for _, s := range []string{r.art.Headline, r.art.Body, r.art.SourceOrg} {
			if strings.Contains(ingest.MatchText(s), v) {
				return true
			}
		}
		return false
	case index.Field:
		switch e.Name {
		case "district":
			return r.art.District == e.Value
		case "district_mentioned":
			return slices.Contains(r.art.DistrictsMentioned, e.Value)
		case "section":
			return r.art.Section == e.Value
		case "org":
			return r.art.SourceOrg == e.Value
		case "theme":
			return slices.Contains(r.art.Themes, e.Value)
		case "organisation":
			return slices.Contains(r.art.Organisations, e.Value)
		case "orgtype":
			return slices.ContainsFunc(r.art.OrgDetails, func(o ingest.Organisation) bool { return o.Type == e.Value })
		case "issue_id":
			return r.issue.ID == e.Value
		case "year":
			return strings.HasPrefix(r.issue.Date, e.Value+"-")
		}
		panic("oracle: unknown field " + e.Name)
	case index.DateRange:
		return (e.From == "" || r.issue.Date >= e.From) && (e.To == "" || r.issue.Date <= e.To)
	case index.And:
		for _, t := range e {
			if !matches(r, t) {
				return false
			}
		}
		return true
	case index.Or:
		for _, t := range e {
			if matches(r, t) {
				return true
			}
		}
		return false
	case index.Not:
		return !matches(r, e.Expr)
	}
	panic("oracle: unknown expression")
}

func itoa(i int) string { return strconv.Itoa(i) }
