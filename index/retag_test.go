package index

import (
	"context"
	"slices"
	"strings"
	"testing"

	"jianbao/ingest"
)

// TestRetag applies a custom taxonomy to an index and back, and checks the
// theme searches against tagging the stored records directly.
func TestRetag(t *testing.T) {
	paths, ix := smallArchive(t, 30, 7)
	ctx := context.Background()
	mustPut(t, ix, paths)
	custom, err := ingest.ParseTaxonomy([]byte(`
version = "test"
[[theme]]
name = "街道"
any = ["街道"]
[[theme]]
name = "志愿服务"
all = ["志愿者", "社区"]
not = ["疫情"]
`))
	if err != nil {
		t.Fatal(err)
	}
	before := allIDs(t, ix, Field{Name: "theme", Value: "志愿服务"})
	changed, err := ix.Retag(ctx, custom)
	if err != nil || changed == 0 {
		t.Fatalf("retag: %d changed, %v", changed, err)
	}
	want := map[string][]string{}
	list, _ := ix.Issues(ctx)
	total := 0
	for _, it := range list {
		iss, err := ix.Issue(ctx, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range iss.Articles {
			total++
			tags := custom.Tag(articleTextOf(a))
			if !slices.Equal(a.Themes, tags) {
				t.Errorf("%s has %v, the taxonomy gives %v", a.ID, a.Themes, tags)
			}
			for _, th := range tags {
				want[th] = append(want[th], a.ID)
			}
		}
	}
	for _, th := range []string{"街道", "志愿服务", "垃圾分类"} {
		w := want[th]
		slices.Sort(w)
		if got := allIDs(t, ix, Field{Name: "theme", Value: th}); !slices.Equal(got, w) {
			t.Errorf("theme:%s finds %d articles, want %d", th, len(got), len(w))
		}
	}
	if len(want["街道"]) == 0 || len(want["街道"]) == total {
		t.Errorf("街道 tags %d of %d articles: the test proves nothing", len(want["街道"]), total)
	}
	if again, err := ix.Retag(ctx, custom); err != nil || again != 0 {
		t.Errorf("a second retag changed %d articles: %v", again, err)
	}
	if _, err := ix.Retag(ctx, ingest.DefaultTaxonomy()); err != nil {
		t.Fatal(err)
	}
	if got := allIDs(t, ix, Field{Name: "theme", Value: "志愿服务"}); !slices.Equal(got, before) {
		t.Errorf("back to the default taxonomy: %d articles of 志愿服务, were %d", len(got), len(before))
	}
	ctxDone, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := ix.Retag(ctxDone, custom); err == nil {
		t.Error("a cancelled retag reports no error")
	}
}

// articleTextOf is the text ingest tags: the headline unless the body
// starts with it, and the body.
func articleTextOf(a ingest.Article) string {
	if strings.HasPrefix(a.Body, a.Headline) {
		return a.Body
	}
	return a.Headline + "\n" + a.Body
}

// TestTaxonomyRecorded checks that the index remembers which taxonomy
// tagged it, warns when files are ingested with another, and that retag
// makes the other one the index's.
func TestTaxonomyRecorded(t *testing.T) {
	paths, ix := smallArchive(t, 6, 11)
	ctx := context.Background()
	if stale := mustPutTagged(t, ix, paths[:3], nil); stale != "" {
		t.Errorf("first ingest: %q", stale)
	}
	def := ingest.DefaultTaxonomy()
	if got, err := ix.Taxonomy(); err != nil || got != def.Version+"/"+def.Digest {
		t.Fatalf("recorded taxonomy %q, %v; want the default's", got, err)
	}
	custom, err := ingest.ParseTaxonomy([]byte("version = \"mine\"\n[[theme]]\nname = \"街道\"\nany = [\"街道\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	stale := mustPutTagged(t, ix, paths[3:4], custom)
	if !strings.Contains(stale, "jianbao retag") || !strings.Contains(stale, "mine/") {
		t.Errorf("ingest with another taxonomy: stale_themes %q", stale)
	}
	if stale := mustPutTagged(t, ix, paths[4:5], nil); stale != "" {
		t.Errorf("ingest with the recorded taxonomy: %q", stale)
	}
	if _, err := ix.Retag(ctx, custom); err != nil {
		t.Fatal(err)
	}
	if got, _ := ix.Taxonomy(); !strings.HasPrefix(got, "mine/") {
		t.Errorf("after retag the index records %q", got)
	}
	if stale := mustPutTagged(t, ix, paths[5:], custom); stale != "" {
		t.Errorf("ingest with the retagged taxonomy: %q", stale)
	}
}

// TestRetagOrganisations rewrites stored records as an earlier version
// wrote them (organisation names only, no types) and checks that retag finds
// the organisations again with their types, so orgtype: works.
func TestRetagOrganisations(t *testing.T) {
	paths, ix := smallArchive(t, 20, 3)
	ctx := context.Background()
	mustPut(t, ix, paths)
	list, err := ix.Issues(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{} // type → articles
	b := ix.NewBatch()
	for _, it := range list {
		iss, err := ix.Issue(ctx, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		for i := range iss.Articles {
			a := &iss.Articles[i]
			for _, o := range a.OrgDetails {
				if !slices.Contains(want[o.Type], a.ID) {
					want[o.Type] = append(want[o.Type], a.ID)
				}
			}
			a.OrgDetails = nil
		}
		if err := b.Put(context.Background(), iss); err != nil {
			t.Fatal(err)
		}
	}
	if err := ix.Commit(ctx, b); err != nil {
		t.Fatal(err)
	}
	if len(want) < 2 {
		t.Fatalf("the archive names organisations of %d types", len(want))
	}
	for typ := range want {
		if got := allIDs(t, ix, Field{Name: "orgtype", Value: typ}); len(got) != 0 {
			t.Fatalf("orgtype:%s finds %d articles before retag", typ, len(got))
		}
	}
	changed, err := ix.Retag(ctx, ingest.DefaultTaxonomy())
	if err != nil || changed == 0 {
		t.Fatalf("retag: %d changed, %v", changed, err)
	}
	for typ, w := range want {
		slices.Sort(w)
		if got := allIDs(t, ix, Field{Name: "orgtype", Value: typ}); !slices.Equal(got, w) {
			t.Errorf("orgtype:%s finds %d articles after retag, want %d", typ, len(got), len(w))
		}
	}
	if changed, err := ix.Retag(ctx, ingest.DefaultTaxonomy()); err != nil || changed != 0 {
		t.Errorf("a second retag changed %d articles (%v), want 0", changed, err)
	}
}

// mustPutTagged puts the files' issues tagged with tax (putFiles) and
// returns the note on the taxonomy.
func mustPutTagged(t *testing.T, ix *Index, paths []string, tax *ingest.Taxonomy) string {
	t.Helper()
	stale, err := putFiles(ix, paths, tax, 0)
	if err != nil {
		t.Fatal(err)
	}
	return stale
}
