package index

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"jianbao/ingest"
	"jianbao/internal/synth"
)

// TestFailedWriteLeavesIndexReadable fills a small tmpfs while batches are
// written: the write fails with the disk's error, and the index, still
// open, answers searches and reads with what was written before. Waiting
// for scorch's own Batch to persist, the failure closed a segment that the
// index's snapshot still held, and the next read crashed the process.
// Needs root and mount(2); skipped otherwise.
func TestFailedWriteLeavesIndexReadable(t *testing.T) {
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs to fill (needs root and a kernel that allows it): %v %s", err, out)
	}
	defer exec.Command("umount", mnt).Run()
	src := t.TempDir()
	files := synth.Generate(120, 29)
	if err := synth.Write(src, files); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var issues []*Issue
	for _, f := range files {
		r := ingest.ReadFile(ctx, filepath.Join(src, f.Name), ingest.Options{})
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		issues = append(issues, &Issue{Issue: *r.Issue, Files: []File{{Source: r.Issue.Source, Size: r.Size, ModTime: r.ModTime}}})
	}
	ix, err := Open(filepath.Join(mnt, "index"), Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	var written []string // issues whose batch was written before the failure
	werr := ix.Update(ctx, 40, func(tx *Tx) error {
		for _, iss := range issues {
			if err := tx.Put(iss); err != nil {
				return err
			}
			// Searches run while batches are written, as a server's do.
			if _, err := ix.Search(ctx, Request{Expr: Text{Value: "文明"}}); err != nil {
				return err
			}
			written = append(written, iss.ID)
		}
		return nil
	})
	if werr == nil {
		t.Fatal("the index fitted in 600k; make the disk smaller")
	}
	if !errors.Is(werr, syscall.ENOSPC) && !strings.Contains(werr.Error(), "no space left on device") {
		t.Errorf("Update = %v, want the full disk's error", werr)
	}
	res, err := ix.Search(ctx, Request{Expr: Text{Value: "文明"}})
	if err != nil {
		t.Fatalf("search after the failed write: %v", err)
	}
	if res.Total == 0 {
		t.Error("search after the failed write: no hits, want those written before")
	}
	if _, err := ix.Issue(ctx, written[0]); err != nil {
		t.Errorf("Issue(%s), written before the failure: %v", written[0], err)
	}
	t.Logf("failed after %d of %d issues put: %v; %d hits after", len(written), len(issues), werr, res.Total)
}
