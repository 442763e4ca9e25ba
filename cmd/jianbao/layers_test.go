package main

import (
	"errors"
	"os/exec"
	"strings"
	"testing"
)

// allowed lists, for each package of jianbao, the jianbao packages it may
// import: imports point down only (cmd → query → index → segment, ingest;
// cmd → worker → ingest).
var allowed = map[string][]string{
	"jianbao/ingest":  {},
	"jianbao/segment": {},
	"jianbao/index":   {"jianbao/segment", "jianbao/ingest"},
	"jianbao/query":   {"jianbao/index", "jianbao/ingest", "jianbao/segment"},
	"jianbao/worker":  {"jianbao/ingest"},
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
