package index

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// Checks of an index directory before bleve opens it. bleve does not fail
// on a missing or unreadable segment file: it logs, falls back to an older
// snapshot or to an empty index, and deletes what it could not read on its
// next write. jianbao refuses instead, so that a damaged index is reported
// and not silently emptied.

// DamagedError reports an index whose files are missing, truncated or
// garbled. It cannot be repaired in place, and `jianbao reindex` cannot
// help (it reads the records stored in the index itself): the index has to
// be built again from the bulletins.
type DamagedError struct {
	Dir string
	Err error // what is wrong
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("index %s is damaged: %v; it cannot be repaired: move the directory aside and build the index again with `jianbao ingest --index %s ARCHIVE` (`jianbao reindex` reads the damaged index and cannot help)",
		e.Dir, e.Err, e.Dir)
}

func (e *DamagedError) Unwrap() error { return e.Err }

// ForeignError reports a directory that is not a jianbao index but holds
// other files: jianbao neither writes an index among them nor reads it as
// one. It wraps ErrNotExist.
type ForeignError struct {
	Dir   string
	Files []string // some of the files that do not belong to an index
}

func (e *ForeignError) Error() string {
	return fmt.Sprintf("%s is not a jianbao index: it holds %s; give --index a new or empty directory, or the directory of an index",
		e.Dir, strings.Join(e.Files, ", "))
}

func (e *ForeignError) Unwrap() error { return ErrNotExist }

// indexEntries are the names an index directory may hold before its
// creation is complete: a lock, a store left by an interrupted creation,
// the server's info file, and what a new file system brings.
var indexEntries = []string{lockName, "store", "index_meta.json", "serve.json", "serve.json.tmp", "lost+found", OCRCacheName}

// checkForeign returns a *ForeignError when dir exists and holds files
// that are not part of an index.
func checkForeign(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil // missing: it will be created; unreadable: reported when used
	}
	var foreign []string
	for _, e := range entries {
		if !slices.Contains(indexEntries, e.Name()) {
			foreign = append(foreign, e.Name())
		}
	}
	if len(foreign) == 0 {
		return nil
	}
	if len(foreign) > 3 {
		foreign = append(foreign[:3], fmt.Sprintf("%d more", len(foreign)-3))
	}
	return &ForeignError{Dir: dir, Files: foreign}
}

// checkStore checks the store of the index in dir before bleve opens it,
// where it knows the store's layout: that of a scorch index
// (checkScorchStore). Any index is then opened with bleve's panics on
// damage turned into errors (openBleve), and one whose segments do not
// load is refused (openExisting).
func checkStore(dir string) error {
	raw, err := os.ReadFile(filepath.Join(dir, "index_meta.json"))
	if err != nil {
		return nil // reported by bleve's open, which reads it too
	}
	var m struct {
		IndexType string `json:"index_type"`
	}
	if json.Unmarshal(raw, &m) != nil || m.IndexType != scorchIndexType {
		return nil // not a layout this package knows
	}
	return checkScorchStore(dir)
}

// errDamagedPage reports a panic of bbolt on a damaged page.
var errDamagedPage = errors.New("a damaged page")

// recoverDamage turns a panic of bbolt or bleve while reading a damaged
// file into *err; call it deferred at the boundary that calls them.
func recoverDamage(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%w: %v", errDamagedPage, r)
	}
}

// probeBytes is what storeWriteError writes: about a small segment.
const probeBytes = 256 << 10

// storeWriteError tells why scorch could not write to the store of dir,
// which its failure counter does not. It writes and syncs a file of
// probeBytes there and returns the error of that (a full disk, a
// read-only file system). When that works but the disk has less room than
// the segments of the store take (what a merge of them writes, at most),
// the disk was full for the merge: an error wrapping syscall.ENOSPC.
// Otherwise errBackground.
func storeWriteError(dir string) error {
	store := filepath.Join(dir, "store")
	f, err := os.CreateTemp(store, "probe-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	_, err = f.Write(make([]byte, probeBytes))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	var st unix.Statfs_t
	if err := unix.Statfs(store, &st); err == nil {
		free := st.Bavail * uint64(st.Bsize)
		if need := segmentBytes(store); free < need {
			return fmt.Errorf("%w: %d KiB free, where the segments to merge take %d KiB", syscall.ENOSPC, free>>10, need>>10)
		}
	}
	return errBackground
}

// segmentBytes returns the size of the segment files in store.
func segmentBytes(store string) uint64 {
	segs, _ := filepath.Glob(filepath.Join(store, "*.zap")) // a bad pattern is impossible
	var n uint64
	for _, p := range segs {
		if st, err := os.Stat(p); err == nil {
			n += uint64(st.Size())
		}
	}
	return n
}

// errBackground reports a failure of scorch's background work whose cause
// storeWriteError could not find.
var errBackground = errors.New("persisting the merged segments failed")

// hasSegments reports whether the store of dir holds segment files.
func hasSegments(dir string) bool {
	segs, _ := filepath.Glob(filepath.Join(dir, "store", "*.zap"))
	return len(segs) > 0
}
