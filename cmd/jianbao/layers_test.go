package main

import (
	"errors"
	"os/exec"
	"strings"
	"testing"
)

// allowed lists, for each package of jianbao, the jianbao packages it may
// import: imports point down only, in the order of the pipeline. A file's
// bytes become a record in ingest (read in a worker process), records
// become an index, a user's query becomes an index request (query), index
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
	// Query: the search language and its filters → index.Request.
	"jianbao/query": {"jianbao/index", "jianbao/ingest"},
	// Report: results → trends, stats, concordances, citations, feeds, CSV.
	"jianbao/report": {"jianbao/query", "jianbao/index", "jianbao/ingest"},
	// Live: the client of a running server and its info file.
	"jianbao/live": {"jianbao/report", "jianbao/query", "jianbao/index"},
	// Serve: the HTTP API and web page, the hand-off endpoints (whose
	// request bodies live declares).
	"jianbao/server": {"jianbao/live", "jianbao/report", "jianbao/query", "jianbao/index", "jianbao/ingest"},
	// Test support: files that attack the readers, built from nothing, and
	// synthetic bulletins with the records ingest must make of them.
	"jianbao/internal/hostile": {},
	"jianbao/internal/synth":   {"jianbao/ingest"},
}

// thirdParty lists which jianbao packages may import each library directly.
var thirdParty = map[string][]string{
	"github.com/blevesearch/bleve": {"jianbao/index", "jianbao/segment"},
	"github.com/go-ego/gse":        {"jianbao/segment"},
	"github.com/ledongthuc/pdf":    {"jianbao/ingest"},
	"github.com/spf13/cobra":       {"jianbao/cmd/"},
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
			checkImport(t, pkg, imp)
		}
	}
}

func checkImport(t *testing.T, pkg, imp string) {
	t.Helper()
	top := topPackage(pkg)
	if strings.HasPrefix(imp, "jianbao/") {
		rules, ok := allowed[top]
		if !ok || topPackage(imp) == top {
			return // commands may import anything; a package may import its own subpackages
		}
		for _, a := range rules {
			if topPackage(imp) == a {
				return
			}
		}
		t.Errorf("%s imports %s: %s may import only %v", pkg, imp, top, rules)
		return
	}
	for lib, users := range thirdParty {
		if !strings.HasPrefix(imp, lib) {
			continue
		}
		for _, u := range users {
			if strings.HasPrefix(pkg, u) || pkg == u {
				return
			}
		}
		t.Errorf("%s imports %s: only %v may", pkg, imp, users)
	}
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
