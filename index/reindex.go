package index

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// Reindex rebuilds the index in dir from its stored records, with this
// version's schema, analyzers and dictionaries, and opts.Words as the user
// dictionary (nil: the one it has). The source files are not needed. The new
// index is built beside the old one and replaces it only when complete; the
// old one is removed. The old index is read in one pass, the new one's
// documents prepared on every CPU as they are read (rewriteEach). It
// returns the number of issues.
func Reindex(ctx context.Context, dir string, opts Options) (int, error) {
	old, err := open(dir, Options{Logger: opts.Logger, Command: opts.Command}, false)
	if err != nil {
		return 0, err
	}
	defer func() {
		if old != nil {
			old.Close()
		}
	}()
	words := opts.Words
	if words == nil {
		words = old.seg.Words() // the words the old index was made with
	}
	tmp := filepath.Clean(dir) + ".reindex"
	if err := os.RemoveAll(tmp); err != nil {
		return 0, fmt.Errorf("reindex %s: %w", dir, err)
	}
	nix, err := Open(tmp, Options{Logger: opts.Logger, Create: true, Words: words, Command: opts.Command})
	if err != nil {
		return 0, fmt.Errorf("reindex %s: %w", dir, err)
	}
	sc, err := old.openScan(ctx)
	if err != nil {
		nix.Close()
		return 0, fmt.Errorf("reindex %s: %w", dir, err)
	}
	issues, err := nix.rewriteEach(ctx, sc, func(iss *Issue) (rewrite, error) {
		w, err := nix.writeOf(iss, nil)
		return rewrite{w, 1}, err
	}, rewriteBatchDocs)
	sc.close() // nothing to report: reading is done
	if err != nil {
		nix.Close()
		return 0, fmt.Errorf("reindex %s: %w", dir, err)
	}
	// The records keep their themes, so the index keeps its taxonomy label.
	if label, err := old.Taxonomy(); err == nil && label != "" {
		if err := nix.setTaxonomy(label); err != nil {
			nix.Close()
			return 0, fmt.Errorf("reindex %s: %w", dir, err)
		}
	}
	if err := nix.compact(ctx); err != nil {
		nix.Close()
		return 0, fmt.Errorf("reindex %s: %w", dir, err)
	}
	if err := nix.Close(); err != nil {
		return 0, err
	}
	// Swap: the old index moves aside, the new one takes its place.
	aside := filepath.Clean(dir) + ".old-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	if err := os.Rename(dir, aside); err != nil {
		return 0, fmt.Errorf("reindex %s: %w", dir, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return 0, fmt.Errorf("reindex %s: put the new index in place (the old one is in %s): %w", dir, aside, err)
	}
	old.Close()
	old = nil
	if err := os.RemoveAll(aside); err != nil {
		return 0, fmt.Errorf("reindex %s: remove the old index %s: %w", dir, aside, err)
	}
	return issues, nil
}
