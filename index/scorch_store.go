package index

// The check of a scorch index's files before bleve opens them: part of the
// fast path of scorch.go, since it knows the layout of scorch's root file
// (a bolt database whose bucket "s" holds a bucket per snapshot, naming
// its segment files under key "p") and the footer of a zap segment file.
// It runs only for an index whose index_meta.json says it is a scorch
// index (checkStore); each part that does not find the layout it expects
// passes, leaving the index to bleve's open. TestDamagedRootPage and
// cmd/jianbao's TestDamagedAndForeignIndex damage both files.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch" // the fast path
	bolt "go.etcd.io/bbolt"
)

// scorchIndexType is the index type of a scorch index in index_meta.json.
const scorchIndexType = scorch.Name

// checkScorchStore checks that the newest snapshot recorded in the store's
// root file names segment files that exist and are not empty. A store
// without a root file is an interrupted creation if it has no segments
// either.
func checkScorchStore(dir string) error {
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
