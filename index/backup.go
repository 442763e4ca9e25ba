package index

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blevesearch/bleve/v2"
)

// Backup writes a consistent copy of the index as it is now into dest, a
// directory that must not exist yet, while the index goes on being searched
// and written. The copy is a whole index: any jianbao command opens it, and
// `jianbao serve --read-only` serves it. It is written into dest.partial
// and renamed to dest once complete, so that dest is never half a copy.
func (ix *Index) Backup(dest string) error {
	c, ok := ix.bi.(bleve.IndexCopyable)
	if !ok {
		return errors.New("backup: this index cannot be copied while open")
	}
	dest = filepath.Clean(dest)
	if _, err := os.Lstat(dest); err == nil {
		return fmt.Errorf("backup: %s exists already: name a new directory", dest)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("backup: %w", err)
	}
	abs, err := filepath.Abs(dest)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	src, err := filepath.Abs(ix.dir)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if rel, err := filepath.Rel(src, abs); err == nil && filepath.IsLocal(rel) {
		return fmt.Errorf("backup: %s is inside the index %s: name a directory outside it", dest, ix.dir)
	}
	tmp := dest + ".partial"
	if err := os.RemoveAll(tmp); err != nil { // of a backup cut short
		return fmt.Errorf("backup: %w", err)
	}
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := c.CopyTo(bleve.FileSystemDirectory(tmp)); err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("backup of index %s: %w", ix.dir, err)
	}
	// The lock file, on which readers of the copy (a read-only server)
	// take their locks, so that a writer sees them.
	if err := os.WriteFile(filepath.Join(tmp, lockName), nil, 0o644); err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("backup: %w", err)
	}
	if err := os.Rename(tmp, dest); err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("backup: %w", err)
	}
	ix.log.Info("index copied", "index", ix.dir, "to", dest)
	return nil
}
