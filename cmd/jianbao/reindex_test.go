package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReindexDropsDictionary: `reindex --dict FILE` makes FILE's words the
// index's user dictionary, also when FILE drops every word the index had:
// afterwards the index is written with FILE and refuses the old words.
func TestReindexDropsDictionary(t *testing.T) {
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "index")
	old, none := filepath.Join(tmp, "old.txt"), filepath.Join(tmp, "none.txt")
	if err := os.WriteFile(old, []byte("街坊议事厅 100000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(none, []byte("# no words any more\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sample := filepath.Join(sampleDir, "bulletin-2021-014.txt")
	if code, _, stderr := run(t, "ingest", "--index", dir, "--dict", old, sample); code != 0 {
		t.Fatalf("ingest: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := run(t, "reindex", "--index", dir, "--dict", none); code != 0 {
		t.Fatalf("reindex: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := run(t, "ingest", "--index", dir, "--dict", none, sample); code != 0 {
		t.Errorf("ingest with the dictionary reindexed with: exit %d\n%s", code, stderr)
	}
	code, _, stderr := run(t, "ingest", "--index", dir, "--dict", old, sample)
	if code == 0 || !strings.Contains(stderr, "user dictionary") {
		t.Errorf("ingest with the dropped dictionary: exit %d, want a refusal naming the user dictionary\n%s", code, stderr)
	}
}
