// Package index keeps bulletins in a bleve full-text index and searches them.
//
// In: ingest.Issue records with the files they were read from (Update and
// its Tx, or Batch; package archive reads the files). Out: search results
// (Search evaluates a Request of request.go), the stored records (Article,
// Issue) and the files each issue came from (Files). Every article is one
// document carrying its issue's fields; every issue is one document holding
// its header and sources. The stored records are enough to rebuild the
// index (Reindex) without the source files.
//
// Text is indexed two ways from the ingest.MatchText form of headline,
// attribution and body (the search text): bigrams of every pair of adjacent
// characters, so that the documents holding every bigram of a query are
// the candidates that may contain it, and the bigrams starting with a
// character are where that character occurs; and dictionary words (package
// segment) that only rank. The search text itself is stored, and each
// candidate is checked against it: a search finds exactly what grep would.
//
// An index directory is used by one writer or by any number of readers at a
// time; a second user gets an *InUseError naming the process that holds it.
package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"

	"jianbao/segment"
)

// SchemaVersion changes whenever the mapping or the documents change shape.
// 9: the orgtype field and organisation_details in the stored record.
// 10: the words field is its own property, a word list cut by the index's
// Segmenter (segment.Words), no longer a second analysis of the text.
const SchemaVersion = 10

// Options control how an index is opened.
type Options struct {
	// Logger receives progress and detail; nil discards them.
	Logger *slog.Logger
	// ReadOnly opens for searching only; other readers may open at once.
	ReadOnly bool
	// Create makes a new index when dir holds none.
	Create bool
	// Words is a user dictionary for the word segmentation. It is kept in
	// the index and used whenever the index is opened; an index created
	// with other words refuses to be written to with these until reindexed.
	// Nil means: whatever the index was created with.
	Words []segment.Word
	// Command describes the opening process in the lock file (e.g.
	// "jianbao ingest"), shown to a process that finds the index in use.
	Command string
}

func (o Options) logger() *slog.Logger {
	if o.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return o.Logger
}

// Index is an open index. Its methods may be called concurrently.
type Index struct {
	dir  string
	bi   bleve.Index
	lock *lockFile
	log  *slog.Logger
	ro   bool
	now  func() time.Time // the clock of Batch.Put

	seg     *segment.Segmenter // cuts the words of the documents written, with the index's user words
	writeMu sync.Mutex         // held by Update
	// splitMin is the fewest candidates of a phrase for which its search
	// is split between two goroutines (defaultSplitMin; tests lower it).
	splitMin uint64

	facets    facetColumns // of the latest snapshot searched
	paths     readPaths    // what searches read beside bleve's searchers, and how
	closeOnce sync.Once
	life      sync.RWMutex // held for reading by background work, which must not outlive the index
	closed    bool
}

// meta is what an index records about how it was built.
type meta struct {
	Schema     int    `json:"schema"`
	Analyzer   string `json:"analyzer"`
	Dictionary string `json:"dictionary"`
	UserDict   string `json:"user_dictionary,omitempty"` // hash of the user words, "" for none
}

var (
	metaKey  = []byte("jianbao/meta")
	wordsKey = []byte("jianbao/words")
)

func currentMeta(words []segment.Word) meta {
	return meta{Schema: SchemaVersion, Analyzer: segment.AnalyzerVersion,
		Dictionary: segment.DictVersion(), UserDict: wordsHash(words)}
}

// ErrNotExist is wrapped by the error of Open when dir holds no index.
var ErrNotExist = errors.New("no index")

// VersionError reports an index built by another version of jianbao (its
// schema, analyzers or dictionaries differ). It can be rebuilt from its
// stored records with `jianbao reindex`.
type VersionError struct {
	Dir        string
	What       string // "schema", "analyzer", "dictionary" or "user dictionary"
	Have, Want string
}

func (e *VersionError) Error() string {
	return fmt.Sprintf("index %s was built with %s %s, this jianbao uses %s: run `jianbao reindex --index %s` to rebuild it (then `jianbao retag` to apply this version's themes and organisation rules)",
		e.Dir, e.What, orNone(e.Have), orNone(e.Want), e.Dir)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// Open opens the index in dir. Without opts.Create a missing index is an
// error wrapping ErrNotExist. An index built by another version is a
// *VersionError; one used by another process an *InUseError.
func Open(dir string, opts Options) (*Index, error) {
	return open(dir, opts, true)
}

func open(dir string, opts Options, checkVersion bool) (*Index, error) {
	exists := true
	if _, err := os.Stat(filepath.Join(dir, "index_meta.json")); errors.Is(err, os.ErrNotExist) {
		exists = false
	}
	if !exists {
		if err := checkForeign(dir); err != nil {
			return nil, err
		}
	}
	if !exists && (!opts.Create || opts.ReadOnly) {
		return nil, fmt.Errorf("open index %s: %w (create one with `jianbao ingest --index %s FILES`)", dir, ErrNotExist, dir)
	}
	if !exists {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("create index %s: %w", dir, err)
		}
	}
	lk, err := acquire(dir, !opts.ReadOnly, opts.Command)
	if err != nil {
		return nil, err
	}
	ix := &Index{dir: dir, lock: lk, log: opts.logger(), ro: opts.ReadOnly, now: time.Now}
	if !exists {
		err = ix.create(opts.Words)
	} else {
		err = ix.openExisting(opts, checkVersion)
		if errors.Is(err, errUnfinished) {
			if opts.Create && !opts.ReadOnly {
				// Killed while being created: nothing to lose.
				err = ix.create(opts.Words)
			} else {
				err = fmt.Errorf("open index %s: %w; create it again with `jianbao ingest --index %s FILES`", dir, err, dir)
			}
		}
	}
	if err != nil {
		lk.release()
		return nil, err
	}
	return ix, nil
}

// config is the scorch configuration: a bolt timeout so that a bolt lock
// taken past jianbao's own (a process that does not lock jianbao.lock)
// fails instead of hanging, and batches that return once they are in the
// index's snapshot: write waits until they are on disk (persist.go).
func config(readOnly bool) map[string]any {
	return map[string]any{"bolt_timeout": "2s", "read_only": readOnly, "unsafe_batch": true}
}

func (ix *Index) create(words []segment.Word) error {
	seg, err := segment.New(words)
	if err != nil {
		return fmt.Errorf("create index %s: %w", ix.dir, err)
	}
	// A crash between bleve.New and writing the metadata leaves a
	// directory with an index but no meta: remove a leftover first.
	if err := removeBleveFiles(ix.dir); err != nil {
		return err
	}
	bi, err := bleve.NewUsing(ix.dir, newMapping(), bleve.Config.DefaultIndexType, bleve.Config.DefaultKVStore, config(false))
	if err != nil {
		return fmt.Errorf("create index %s: %w", ix.dir, err)
	}
	ix.bi = bi
	b := bi.NewBatch()
	m, err := json.Marshal(currentMeta(words))
	if err != nil {
		bi.Close()
		return fmt.Errorf("create index %s: %w", ix.dir, err)
	}
	b.SetInternal(metaKey, m)
	if len(words) > 0 {
		w, err := json.Marshal(words)
		if err != nil {
			bi.Close()
			return fmt.Errorf("create index %s: %w", ix.dir, err)
		}
		b.SetInternal(wordsKey, w)
	}
	if err := ix.write(context.Background(), b); err != nil {
		bi.Close()
		return fmt.Errorf("create index %s: %w", ix.dir, err)
	}
	ix.seg = seg
	ix.log.Info("created index", "dir", ix.dir)
	return nil
}

func removeBleveFiles(dir string) error {
	for _, name := range []string{"index_meta.json", "store"} {
		if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
			return fmt.Errorf("clean index %s: %w", dir, err)
		}
	}
	return nil
}

// openBleve opens the bleve index in dir. checkStore has read every page
// of its root file; a panic of bbolt or bleve on damage that it did not
// meet (the free list, read only when opening for writing) is an error.
func openBleve(dir string, readOnly bool) (bi bleve.Index, err error) {
	defer recoverDamage(&err)
	return bleve.OpenUsing(dir, config(readOnly))
}

func (ix *Index) openExisting(opts Options, checkVersion bool) error {
	if err := checkStore(ix.dir); err != nil {
		return err
	}
	bi, err := openBleve(ix.dir, opts.ReadOnly)
	if err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return fmt.Errorf("open index %s: %w", ix.dir, err)
		}
		return &DamagedError{Dir: ix.dir, Err: err}
	}
	ix.bi = bi
	have, stored, err := ix.meta()
	var ve *VersionError
	if errors.As(err, &ve) && ve.Have == "" {
		if n, cerr := bi.DocCount(); cerr == nil && n == 0 {
			err = errUnfinished
			if hasSegments(ix.dir) {
				// Segments that bleve could not load, not a creation cut short.
				err = &DamagedError{Dir: ix.dir, Err: errors.New("its segments do not load")}
			}
		}
	}
	if err != nil {
		bi.Close()
		return err
	}
	if checkVersion {
		want := currentMeta(stored)
		if opts.Words != nil && !opts.ReadOnly {
			want.UserDict = wordsHash(opts.Words)
		}
		if err := compareMeta(ix.dir, have, want); err != nil {
			bi.Close()
			return err
		}
	}
	seg, err := segment.New(stored)
	if err != nil {
		bi.Close()
		return fmt.Errorf("open index %s: %w", ix.dir, err)
	}
	ix.seg = seg
	return nil
}

// errUnfinished reports an index whose creation was interrupted: it has
// neither metadata nor documents.
var errUnfinished = errors.New("index creation was interrupted")

// meta reads the index's metadata and stored user words.
func (ix *Index) meta() (meta, []segment.Word, error) {
	var m meta
	raw, err := ix.bi.GetInternal(metaKey)
	if err != nil {
		return m, nil, fmt.Errorf("read index %s: %w", ix.dir, err)
	}
	if raw == nil {
		return m, nil, &VersionError{Dir: ix.dir, What: "schema", Have: "", Want: fmt.Sprint(SchemaVersion)}
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return m, nil, fmt.Errorf("read index %s metadata: %w", ix.dir, err)
	}
	var words []segment.Word
	if raw, err := ix.bi.GetInternal(wordsKey); err != nil {
		return m, nil, fmt.Errorf("read index %s: %w", ix.dir, err)
	} else if raw != nil {
		if err := json.Unmarshal(raw, &words); err != nil {
			return m, nil, fmt.Errorf("read index %s user dictionary: %w", ix.dir, err)
		}
	}
	return m, words, nil
}

func compareMeta(dir string, have, want meta) error {
	switch {
	case have.Schema != want.Schema:
		return &VersionError{Dir: dir, What: "schema", Have: fmt.Sprint(have.Schema), Want: fmt.Sprint(want.Schema)}
	case have.Analyzer != want.Analyzer:
		return &VersionError{Dir: dir, What: "analyzer", Have: have.Analyzer, Want: want.Analyzer}
	case have.Dictionary != want.Dictionary:
		return &VersionError{Dir: dir, What: "dictionary", Have: have.Dictionary, Want: want.Dictionary}
	case have.UserDict != want.UserDict:
		return &VersionError{Dir: dir, What: "user dictionary", Have: have.UserDict, Want: want.UserDict}
	}
	return nil
}

func wordsHash(words []segment.Word) string {
	if len(words) == 0 {
		return ""
	}
	var b strings.Builder
	sorted := slices.Clone(words)
	slices.SortFunc(sorted, func(a, b segment.Word) int { return strings.Compare(a.Text, b.Text) })
	for _, w := range sorted {
		fmt.Fprintf(&b, "%s %g %s\n", w.Text, w.Freq, w.Pos)
	}
	return shortHash(b.String())
}

// Dir returns the directory of the index.
func (ix *Index) Dir() string { return ix.dir }

// Close closes the index and releases its lock. Closing again does nothing.
func (ix *Index) Close() error {
	var err error
	ix.closeOnce.Do(func() {
		ix.life.Lock()
		ix.closed = true
		ix.life.Unlock()
		err = ix.bi.Close()
		ix.lock.release()
	})
	if err != nil {
		return fmt.Errorf("close index %s: %w", ix.dir, err)
	}
	return nil
}
