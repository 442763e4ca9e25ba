package index

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

// TestRewriteEachBatches writes every issue of one index into a new one
// through rewriteEach, as Reindex does, in batches of one document (each
// issue a batch), of a few issues and of all, and checks that the new index
// holds the same records, in the same order, and that the counts add up.
func TestRewriteEachBatches(t *testing.T) {
	paths, old := smallArchive(t, 24, 7)
	ctx := context.Background()
	mustPut(t, old, paths)
	want := exportedIssues(t, old.eachIssuePaged, All{})
	for _, batchDocs := range []int{1, 40, rewriteBatchDocs} {
		nix, err := Open(filepath.Join(t.TempDir(), "new"), Options{Create: true})
		if err != nil {
			t.Fatal(err)
		}
		sc, err := old.openScan(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n, err := nix.rewriteEach(ctx, sc, func(iss *Issue) (rewrite, error) {
			w, err := nix.writeOf(iss, nil)
			return rewrite{w, 1}, err
		}, batchDocs)
		sc.close()
		if err != nil || n != len(want) {
			t.Fatalf("batches of %d: rewriteEach = %d, %v; want %d issues", batchDocs, n, err, len(want))
		}
		sameLines(t, fmt.Sprintf("batches of %d", batchDocs), exportedIssues(t, nix.eachIssuePaged, All{}), want)
		if err := nix.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestReindexKeepsRecords checks that Reindex leaves every record as it
// was, the time each issue was indexed included.
func TestReindexKeepsRecords(t *testing.T) {
	paths, ix := smallArchive(t, 30, 11)
	ctx := context.Background()
	mustPut(t, ix, paths)
	want := exportedIssues(t, ix.eachIssuePaged, All{})
	dir := ix.Dir()
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	n, err := Reindex(ctx, dir, Options{})
	if err != nil || n != len(want) {
		t.Fatalf("Reindex = %d, %v; want %d issues", n, err, len(want))
	}
	ix, err = Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	sameLines(t, "reindexed issues", exportedIssues(t, ix.eachIssuePaged, All{}), want)
}
