package index

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// TestDamagedRootPage overwrites each page of an index's root.bolt in
// turn, with zeros and with random bytes, and opens the index for reading
// and for writing: bbolt panics on a damaged page it reads, and each open
// must either work (the page was free) and search, or report the index
// damaged; never panic.
func TestDamagedRootPage(t *testing.T) {
	paths, ix := smallArchive(t, 20, 7)
	mustPut(t, ix, paths)
	good := ix.Dir()
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	root, err := os.ReadFile(filepath.Join(good, "store", "root.bolt"))
	if err != nil {
		t.Fatal(err)
	}
	const pageSize = 4096 // bbolt's page size on this platform's file
	damaged := 0
	rng := rand.New(rand.NewPCG(1, 2))
	for page := 2; page*pageSize < len(root); page++ { // 0 and 1: the two meta pages, each a fallback of the other
		for _, fill := range []string{"zeros", "random"} {
			bad := bytes.Clone(root)
			p := bad[page*pageSize : (page+1)*pageSize]
			if fill == "zeros" {
				clear(p)
			} else {
				for i := range p {
					p[i] = byte(rng.Uint32())
				}
			}
			for _, readOnly := range []bool{true, false} {
				dir := filepath.Join(t.TempDir(), "index")
				if err := os.CopyFS(dir, os.DirFS(good)); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, "store", "root.bolt"), bad, 0o600); err != nil {
					t.Fatal(err)
				}
				ix, err := Open(dir, Options{ReadOnly: readOnly})
				var de *DamagedError
				switch {
				case errors.As(err, &de):
					damaged++
				case err != nil:
					t.Errorf("page %d %s, read-only %v: %v, want a *DamagedError", page, fill, readOnly, err)
				default:
					if _, err := ix.Search(context.Background(), Request{Expr: Text{Value: "文明"}, Limit: 10}); err != nil {
						t.Errorf("page %d %s: opened, then search: %v", page, fill, err)
					}
					ix.Close()
				}
			}
		}
	}
	if damaged == 0 {
		t.Error("no page of root.bolt was found damaged: the test damages nothing that is read")
	}
	t.Logf("%d pages of root.bolt, %d opens reported damage", len(root)/pageSize, damaged)
}

// TestStoreWriteError: the cause of a background failure is the error of
// writing to the store, or errBackground when writing works; the probe
// leaves nothing behind.
func TestStoreWriteError(t *testing.T) {
	dir := t.TempDir()
	if err := storeWriteError(dir); err == nil || errors.Is(err, errBackground) {
		t.Errorf("no store: %v, want the error of creating a file in it", err)
	}
	if err := os.Mkdir(filepath.Join(dir, "store"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := storeWriteError(dir); !errors.Is(err, errBackground) {
		t.Errorf("a writable store: %v, want errBackground", err)
	}
	if left, _ := os.ReadDir(filepath.Join(dir, "store")); len(left) != 0 {
		t.Errorf("the probe left %v", left)
	}
	// Segments larger than the room left (a sparse file takes none): the
	// disk was too full to merge them.
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	seg := filepath.Join(dir, "store", "000000000001.zap")
	if err := os.WriteFile(seg, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(seg, int64(st.Bavail*uint64(st.Bsize))+1<<30); err != nil {
		t.Skipf("no sparse file as large as the free space: %v", err)
	}
	if err := storeWriteError(dir); !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "no space left on device") {
		t.Errorf("segments larger than the free space: %v, want ENOSPC", err)
	}
}
