package index

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestBackup: a copy made while the index is open for writing opens on its
// own and answers every search as the index does; an existing destination
// or one inside the index is refused.
func TestBackup(t *testing.T) {
	paths, ix := smallArchive(t, 8, 21)
	mustPut(t, ix, paths[:5])
	dest := filepath.Join(t.TempDir(), "copy")
	if err := ix.Backup(dest); err != nil {
		t.Fatal(err)
	}
	// Written after the copy: not in it.
	mustPut(t, ix, paths[5:])
	cp, err := Open(dest, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("open the copy: %v", err)
	}
	defer cp.Close()
	n, err := cp.count(context.Background(), typeIssue)
	if err != nil || n != 5 {
		t.Errorf("the copy has %d issues (%v), want the 5 of when it was made", n, err)
	}
	issues, err := cp.Issues(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	copied := map[string]bool{}
	for _, it := range issues {
		copied[it.ID] = true
	}
	for _, q := range []string{"文明", "志愿服务", "区"} {
		e := Text{Value: q}
		got, want := allIDs(t, cp, e), allIDs(t, ix, e)
		want = slices.DeleteFunc(want, func(id string) bool { return !copied[id[:strings.LastIndex(id, "-")]] })
		if len(got) == 0 || !slices.Equal(got, want) {
			t.Errorf("%s: the copy finds %d, the index %d of the copied issues", q, len(got), len(want))
		}
	}
	if err := ix.Backup(dest); err == nil || !strings.Contains(err.Error(), "exists already") {
		t.Errorf("backup onto an existing directory: %v", err)
	}
	if err := ix.Backup(filepath.Join(ix.Dir(), "inside")); err == nil || !strings.Contains(err.Error(), "inside the index") {
		t.Errorf("backup into the index: %v", err)
	}
	if _, err := os.Stat(dest + ".partial"); !os.IsNotExist(err) {
		t.Errorf("a partial copy is left: %v", err)
	}
}
