package main

import (
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// allowed lists, for each package of jianbao, the jianbao packages it may
// import: imports point down only, in the order of the pipeline. A file's
// bytes become a record in ingest (read in a worker process), archive
// finds the files that changed and hands their records to the index, a user's query becomes an index request (query), index
// results become trends, statistics, concordances, citations and feeds
// (report), and the server serves all of it over HTTP; live is the client
// of a running server. The commands in cmd/ may import anything.
var allowed = map[string][]string{
	// Read, extract, normalise, structure: bytes → ingest.Issue.
	"jianbao/ingest": {},
	// Word segmentation and the bleve analyzers built on it.
	"jianbao/segment": {},
	// The worker process that parses one untrusted file.
	"jianbao/worker": {"jianbao/ingest"},
	// Index: records → bleve, searches → results.
	"jianbao/index": {"jianbao/segment", "jianbao/ingest"},
	// Archive: files → records for the index (walk, stat, pairing,
	// prune, watch; the readers' fan-out).
	"jianbao/archive": {"jianbao/index", "jianbao/ingest", "jianbao/worker"},
	// Query: the search language and its filters → index.Request.
	"jianbao/query": {"jianbao/index", "jianbao/ingest"},
	// Report: results → trends, stats, concordances, citations, feeds, CSV.
	"jianbao/report": {"jianbao/query", "jianbao/index", "jianbao/ingest"},
	// Live: the client of a running server and its info file.
	"jianbao/live": {"jianbao/archive", "jianbao/report", "jianbao/query", "jianbao/index"},
	// Serve: the HTTP API and web page, the hand-off endpoints (whose
	// request bodies live declares).
	"jianbao/server": {"jianbao/archive", "jianbao/live", "jianbao/report", "jianbao/query", "jianbao/index", "jianbao/ingest"},
	// Test support: files that attack the readers, built from nothing, and
	// synthetic bulletins with the records ingest must make of them.
	"jianbao/internal/hostile": {},
	"jianbao/internal/synth":   {"jianbao/ingest"},
	// The sample index that `make run` serves, built for the tests of the
	// packages above the archive.
	"jianbao/internal/sample": {"jianbao/archive", "jianbao/index"},
	// What the benchmarks measure with: CPU time, percentiles, the
	// archive's size.
	"jianbao/internal/measure": {},
}

// restricted lists, for libraries (by import path prefix) that only some
// packages may import directly, which packages those are: bleve only in
// the index and the analyzers, gse only in segment, the PDF library only in
// ingest, cobra only in the commands, and HTTP only in the server, its
// client and the commands; query, report and everything below them know
// nothing of HTTP.
var restricted = map[string][]string{
	"github.com/blevesearch/":   {"jianbao/index", "jianbao/segment"},
	"github.com/go-ego/gse":     {"jianbao/segment"},
	"github.com/ledongthuc/pdf": {"jianbao/ingest"},
	"github.com/spf13/cobra":    {"jianbao/cmd"},
	"net/http":                  {"jianbao/server", "jianbao/live", "jianbao/cmd"},
}

func TestLayers(t *testing.T) {
	// -e: a package that does not compile still lists its imports; the
	// compiler reports its errors elsewhere.
	out, err := exec.Command("go", "list", "-e", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "jianbao/...").Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	for line := range strings.Lines(string(out)) {
		fields := strings.Fields(line)
		pkg, imports := fields[0], fields[1:]
		for _, imp := range imports {
			if err := importError(pkg, imp); err != nil {
				t.Error(err)
			}
		}
	}
}

// TestImportRules pins what the layer check allows and refuses.
func TestImportRules(t *testing.T) {
	for _, tt := range []struct {
		pkg, imp string
		ok       bool
	}{
		{"jianbao/index", "jianbao/segment", true},
		{"jianbao/index", "jianbao/query", false},
		{"jianbao/index/sub", "jianbao/index", true},
		{"jianbao/query", "jianbao/index", true},
		{"jianbao/query", "jianbao/report", false},
		{"jianbao/query", "jianbao/server", false},
		{"jianbao/report", "jianbao/query", true},
		{"jianbao/report", "jianbao/live", false},
		{"jianbao/live", "jianbao/report", true},
		{"jianbao/live", "jianbao/server", false},
		{"jianbao/server", "jianbao/live", true},
		{"jianbao/worker", "jianbao/index", false},
		{"jianbao/ingest", "jianbao/internal/synth", false},
		{"jianbao/internal/synth", "jianbao/ingest", true},
		{"jianbao/internal/synth", "jianbao/index", false},
		{"jianbao/internal/hostile", "jianbao/ingest", false},
		{"jianbao/cmd/jianbao", "jianbao/server", true},
		{"jianbao/cmd/jianbao-gen", "jianbao/internal/synth", true},
		{"jianbao/unlisted", "jianbao/ingest", false},
		{"jianbao/query", "net/http", false},
		{"jianbao/query", "net/url", true},
		{"jianbao/report", "net/http", false},
		{"jianbao/server", "net/http", true},
		{"jianbao/live", "net/http", true},
		{"jianbao/index", "github.com/blevesearch/bleve/v2/search/query", true},
		{"jianbao/index", "github.com/blevesearch/bleve_index_api", true},
		{"jianbao/report", "github.com/blevesearch/bleve/v2", false},
		{"jianbao/index", "github.com/go-ego/gse", false},
		{"jianbao/segment", "github.com/go-ego/gse", true},
		{"jianbao/server", "github.com/spf13/cobra", false},
		{"jianbao/cmd/jianbao", "github.com/spf13/cobra", true},
	} {
		err := importError(tt.pkg, tt.imp)
		if (err == nil) != tt.ok {
			t.Errorf("%s importing %s: %v, want allowed %v", tt.pkg, tt.imp, err, tt.ok)
		}
	}
}

// importError says why pkg may not import imp, or returns nil when it may.
// Commands may import any jianbao package, a package its own subpackages;
// a package that the layer table does not list may import none.
func importError(pkg, imp string) error {
	within := func(pkg, prefix string) bool { return pkg == prefix || strings.HasPrefix(pkg, prefix+"/") }
	if strings.HasPrefix(imp, "jianbao/") {
		top := topPackage(pkg)
		if within(pkg, "jianbao/cmd") || topPackage(imp) == top {
			return nil
		}
		rules, ok := allowed[top]
		if !ok {
			return fmt.Errorf("%s imports %s: %s is not in the layer table (allowed in cmd/jianbao/layers_test.go)", pkg, imp, top)
		}
		if slices.Contains(rules, topPackage(imp)) {
			return nil
		}
		return fmt.Errorf("%s imports %s: %s may import only %v", pkg, imp, top, rules)
	}
	for lib, users := range restricted {
		if !strings.HasPrefix(imp, lib) {
			continue
		}
		if slices.ContainsFunc(users, func(u string) bool { return within(pkg, u) }) {
			return nil
		}
		return fmt.Errorf("%s imports %s: only %v may", pkg, imp, users)
	}
	return nil
}

// topPackage returns the top-level jianbao package of pkg, a package under
// internal/ counting as its own: jianbao/index/x → jianbao/index,
// jianbao/internal/synth → jianbao/internal/synth.
func topPackage(pkg string) string {
	n := 3
	if strings.HasPrefix(pkg, "jianbao/internal/") {
		n = 4
	}
	parts := strings.SplitN(pkg, "/", n)
	if len(parts) < n-1 {
		return pkg
	}
	return strings.Join(parts[:n-1], "/")
}
