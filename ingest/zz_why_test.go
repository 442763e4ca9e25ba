package ingest_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"jianbao/ingest"
)

func TestZZWhy(t *testing.T) {
	part := os.Getenv("ZZPART")
	ids := strings.Fields(os.Getenv("ZZIDS"))
	arts := readJudged(t, filepath.Join("testdata", "judged", part))
	tx := ingest.DefaultTaxonomy()
	for _, a := range arts {
		if len(ids) > 0 && !slices.Contains(ids, a.id) {
			continue
		}
		text := a.title + "\n" + strings.Join(a.body, "\n")
		t.Logf("%s judged %v", a.id, a.themes)
		for _, r := range tx.Explain(text) {
			t.Logf("   + %+v", r)
		}
		for _, r := range tx.Dropped(text) {
			t.Logf("   - %+v", r)
		}
	}
}
