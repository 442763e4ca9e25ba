package index

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"
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

// checkStore checks that the newest snapshot recorded in the store's root
// file names segment files that exist and are not empty. A store without a
// root file is an interrupted creation if it has no segments either.
func checkStore(dir string) error {
	store := filepath.Join(dir, "store")
	segs, _ := filepath.Glob(filepath.Join(store, "*.zap"))
	root := filepath.Join(store, "root.bolt")
	if _, err := os.Stat(root); errors.Is(err, fs.ErrNotExist) {
		if len(segs) > 0 {
			return &DamagedError{Dir: dir, Err: errors.New("store/root.bolt is missing")}
		}
		return nil
	}
	var problem error
	err := readBolt(root, func(tx *bolt.Tx) error {
		// Every page of the tree, so that a damaged one is met here and
		// not by bleve, which would panic on it.
		if err := tx.ForEach(func(_ []byte, b *bolt.Bucket) error { return walkBucket(b) }); err != nil {
			return err
		}
		snaps := tx.Bucket([]byte{'s'})
		if snaps == nil {
			return nil
		}
		k, _ := snaps.Cursor().Last()
		snap := snaps.Bucket(k)
		if snap == nil {
			return nil
		}
		return snap.ForEachBucket(func(name []byte) error {
			p := snap.Bucket(name).Get([]byte{'p'})
			if p == nil || problem != nil {
				return nil
			}
			problem = checkSegment(filepath.Join(store, filepath.Base(string(p))))
			return nil
		})
	})
	if errors.Is(err, fs.ErrPermission) {
		return fmt.Errorf("open index %s: %w", dir, err)
	}
	if err != nil {
		return &DamagedError{Dir: dir, Err: fmt.Errorf("store/root.bolt: %w", err)}
	}
	if problem != nil {
		return &DamagedError{Dir: dir, Err: problem}
	}
	return nil
}

// readBolt opens the bolt file path read-only and runs fn in a read
// transaction. bbolt panics on a damaged page (a page whose header names
// another page, an unknown page type, a key out of its page); such a panic
// is returned as an error, errDamagedPage.
func readBolt(path string, fn func(*bolt.Tx) error) (err error) {
	defer recoverDamage(&err)
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: 2 * time.Second})
	if err != nil {
		return err
	}
	defer db.Close()
	return db.View(fn)
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

// walkBucket reads every key and value of b and of the buckets in it.
func walkBucket(b *bolt.Bucket) error {
	return b.ForEach(func(k, v []byte) error {
		if v == nil {
			if sub := b.Bucket(k); sub != nil {
				return walkBucket(sub)
			}
		}
		return nil
	})
}

// segFooterBytes is the size of the footer of a zap segment file (zapx
// write.go: FooterSize); its last 8 bytes are the format version and a
// checksum, both big-endian uint32.
const segFooterBytes = 4 + 4 + 4 + 8 + 8 + 8 + 8 + 8

// checkSegment checks that a segment file exists, is at least a footer
// long, and ends with a plausible format version (zap versions are small
// numbers; truncated or overwritten files end with anything). The whole
// checksum is not verified: that would read every segment at each open.
func checkSegment(path string) error {
	name := "store/" + filepath.Base(path)
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("segment %s: %w", name, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("segment %s: %w", name, err)
	}
	if st.Size() < segFooterBytes {
		return fmt.Errorf("segment %s is %d bytes long, shorter than its footer", name, st.Size())
	}
	var tail [8]byte
	if _, err := f.ReadAt(tail[:], st.Size()-8); err != nil {
		return fmt.Errorf("segment %s: %w", name, err)
	}
	if v := binary.BigEndian.Uint32(tail[:4]); v == 0 || v > 255 {
		return fmt.Errorf("segment %s ends with format version %d: truncated or overwritten", name, v)
	}
	return nil
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
