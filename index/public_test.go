package index

import (
	"encoding/json"
	"errors"
	"go/parser"
	"go/token"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	bindex "github.com/blevesearch/bleve_index_api"
)

// bothPaths runs fn on the shared archive twice: with the fast path where
// its checks pass (scorch.go), and with the public path alone.
func bothPaths(t *testing.T, fn func(t *testing.T)) {
	a := sharedArchive(t)
	for _, public := range []bool{false, true} {
		name := "fast"
		if public {
			name = "public"
		}
		t.Run(name, func(t *testing.T) {
			a.ix.paths.public = public
			defer func() { a.ix.paths.public = false }()
			fn(t)
		})
	}
}

// TestPublicBleveOnly fails when a file of jianbao other than a test or the
// fast path's (index/scorch*.go) imports bleve's scorch index or a zap
// segment format: the rest speaks bleve's public packages only, so that a
// bleve upgrade that changes the internals breaks at most the fast path,
// whose run-time checks then select the public one.
func TestPublicBleveOnly(t *testing.T) {
	internal := []string{"github.com/blevesearch/bleve/v2/index/", "github.com/blevesearch/zapx/",
		"github.com/blevesearch/scorch_segment_api/", "github.com/blevesearch/upsidedown_store_api"}
	fset := token.NewFileSet()
	checked := 0
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != ".." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		checked++
		fast := filepath.Dir(path) == filepath.Join("..", "index") && strings.HasPrefix(filepath.Base(path), "scorch")
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			for _, in := range internal {
				if strings.HasPrefix(p, in) && !fast {
					t.Errorf("%s imports %s: only index/scorch*.go may, behind run-time checks", path, p)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 20 {
		t.Fatalf("checked %d files: the walk missed the module", checked)
	}
}

// TestAccessPathsAgree runs the exactness oracle on the public path, and
// compares whole results (hits, order, scores, snippets, texts, facets) of
// the public path with those of the fast path, cold and with the search
// texts in memory.
func TestAccessPathsAgree(t *testing.T) {
	a := sharedArchive(t)
	r := rand.New(rand.NewPCG(3, 4))
	qs := a.queries(r, 200)
	a.ix.paths.public = true
	defer func() { a.ix.paths.public = false }()
	t.Run("public recall", func(t *testing.T) { recallPrecision(t, a, qs) })

	facets := []string{"district", "section", "org", "theme", "year", "orgtype", "organisation", FacetIssueID}
	var reqs []Request
	for i, q := range qs {
		req := Request{Expr: Text{Value: q}, Limit: 20, Snippets: true, Texts: i%3 == 0}
		switch i % 4 {
		case 1:
			req.Facets = facets
		case 2:
			req.Expr = And{Text{Value: q}, Not{Text{Value: "文明"}}}
			req.Sort = SortDate
		case 3:
			req.Expr = Or{Text{Value: q}, Text{Value: "志愿服务"}}
			req.Offset = 5
		}
		reqs = append(reqs, req)
	}
	reqs = append(reqs, Request{Expr: All{}, Facets: facets, Limit: 50},
		Request{Expr: Field{"year", "2019"}, Facets: facets, Sort: SortDateDesc, Limit: 30, Snippets: true})
	results := func(public bool) []string {
		t.Helper()
		a.ix.paths.public = public
		var out []string
		for _, req := range reqs {
			res, err := a.ix.Search(t.Context(), req)
			if err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(res)
			if err != nil {
				t.Fatal(err)
			}
			texts, _ := json.Marshal(textsOf(res))
			out = append(out, string(b)+string(texts))
		}
		return out
	}
	public := results(true)
	compare := func(name string, fast []string) {
		t.Helper()
		diffs := 0
		for i := range public {
			if public[i] != fast[i] {
				if diffs++; diffs < 4 {
					t.Errorf("%s: request %+v:\npublic %.400s\n  fast %.400s", name, reqs[i], public[i], fast[i])
				}
			}
		}
		if diffs > 0 {
			t.Errorf("%s: %d of %d results differ from the public path's", name, diffs, len(reqs))
		}
	}
	compare("fast, stored texts", results(false))
	if err := a.ix.Warm(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer a.ix.paths.texts.on.Store(false)
	compare("fast, texts in memory", results(false))
	// The public path keeps the texts it reads once warmed: the second
	// pass reads them from memory.
	compare("public, texts being kept", results(true))
	if n := len(a.ix.paths.read.texts); n == 0 {
		t.Error("the public path kept no texts once warmed")
	}
	compare("public, texts kept", results(true))
	if a.ix.paths.layout.state.Load() != 1 {
		t.Errorf("the fast path's check of internal ids did not pass (state %d): the fast runs used the public path", a.ix.paths.layout.state.Load())
	}
}

func textsOf(res *Result) []*SearchText {
	var out []*SearchText
	for _, h := range res.Hits {
		out = append(out, h.Text)
	}
	return out
}

// otherReader is an index reader that is not scorch's.
type otherReader struct{ bindex.IndexReader }

// TestFastPathChecks checks that a reader the fast path does not know, or
// ids not laid out as it computes them, select the public path instead of
// an error.
func TestFastPathChecks(t *testing.T) {
	a := sharedArchive(t)
	r := readerOf(t, a.ix)
	defer r.Close()
	paths := &readPaths{}
	if d, err := paths.docReader(r); err != nil {
		t.Fatal(err)
	} else if _, ok := d.(*scorchDocs); !ok {
		t.Errorf("scorch snapshot: %T, want the fast path", d)
	}
	if d, err := paths.docReader(otherReader{r}); err != nil {
		t.Fatal(err)
	} else if _, ok := d.(publicDocs); !ok {
		t.Errorf("another reader: %T, want the public path", d)
	}
	failed := &readPaths{}
	failed.layout.state.Store(2)
	if d, err := failed.docReader(r); err != nil {
		t.Fatal(err)
	} else if _, ok := d.(publicDocs); !ok {
		t.Errorf("ids laid out otherwise: %T, want the public path", d)
	}
	// The check itself: documents read at the numbers computed are those
	// the reader names.
	d, ok, err := newScorchDocs(r, nil, &layoutCheck{})
	if err != nil || !ok {
		t.Fatalf("fast path: %v %v", ok, err)
	}
	if err := d.checkLayout(); err != nil {
		t.Errorf("layout: %v", err)
	}
	if len(d.offsets) > 1 {
		d.offsets[1]++ // a numbering that is off by one
		if err := d.checkLayout(); err == nil {
			t.Error("a wrong numbering passed the layout check")
		}
	}
}

// TestCompactWaits checks that the statistic compact waits on exists in
// this bleve, and is at rest when an Update that compacts returns: an
// ingest ends with the index merged as its policy aims at.
func TestCompactWaits(t *testing.T) {
	paths, ix := smallArchive(t, 30, 5)
	if _, err := putFiles(ix, paths, nil, 20); err != nil {
		t.Fatal(err)
	}
	st, known := backgroundStats(ix.bi)
	if !known {
		t.Fatal("the index has no index_bgthreads_active statistic: compact does not wait")
	}
	if st.active {
		t.Error("ingest returned while segments were still merged or persisted")
	}
	files, _ := filepath.Glob(filepath.Join(ix.Dir(), "store", "*.zap"))
	t.Logf("%d segment files after ingest", len(files))
	if _, err := os.Stat(filepath.Join(ix.Dir(), "store")); err != nil {
		t.Fatal(err)
	}
}

// TestStoreCheckOnlyForScorch checks that the check of scorch's files runs
// for a scorch index (a missing root file with segments is damage) and
// not for an index of a layout it does not know.
func TestStoreCheckOnlyForScorch(t *testing.T) {
	for _, tt := range []struct {
		meta    string
		damaged bool
	}{
		{`{"storage":"","index_type":"scorch"}`, true},
		{`{"storage":"boltdb","index_type":"upside_down"}`, false},
	} {
		dir := t.TempDir()
		if err := os.MkdirAll(filepath.Join(dir, "store"), 0o755); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "index_meta.json"), []byte(tt.meta), 0o644)
		os.WriteFile(filepath.Join(dir, "store", "000000000001.zap"), []byte("segment"), 0o644)
		err := checkStore(dir)
		var de *DamagedError
		if got := errors.As(err, &de); got != tt.damaged {
			t.Errorf("%s: %v, want damaged %v", tt.meta, err, tt.damaged)
		}
	}
}
