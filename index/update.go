package index

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/blevesearch/bleve/v2"

	"jianbao/ingest"
)

// defaultBatchDocs is the number of documents an Update writes at once
// when its caller names none.
const defaultBatchDocs = 2000

// ErrReadOnly is returned by Update on an index opened read-only.
var ErrReadOnly = errors.New("index is open read-only")

// Tx is a write to the index in progress (Update). It holds the index for
// writing: what Issue returns stays what the index holds until the Tx
// writes over it, whoever else wants to write meanwhile.
type Tx struct {
	ix      *Index
	ctx     context.Context
	batch   *Batch
	max     int
	pending map[string]*Issue // issues put and not yet written, by ID
	// failed are the changes to the index's failed files: a failure, or
	// nil for a file that no longer fails.
	failed map[string]*FailedFile
}

// Update calls fn with a Tx that holds the index for writing, then writes
// what fn left pending and the changes to the failed files. Issues that fn
// puts are written in batches of about maxDocs documents (0 means 2000) as
// they come, each batch whole issues that bleve commits at once; if fn
// returns an error, what is still pending is dropped and the error returned
// (the batches written before stay: the index is never half an issue).
//
// No other Update runs meanwhile, but searches do: a caller that must read
// files to produce records reads them before Update, not in fn, so that a
// slow file does not hold up other writers. An index opened read-only
// gives ErrReadOnly.
func (ix *Index) Update(ctx context.Context, maxDocs int, fn func(*Tx) error) error {
	if ix.ro {
		return ErrReadOnly
	}
	if maxDocs <= 0 {
		maxDocs = defaultBatchDocs
	}
	ix.writeMu.Lock()
	defer ix.writeMu.Unlock()
	tx := &Tx{ix: ix, ctx: ctx, batch: ix.NewBatch(), max: maxDocs,
		pending: map[string]*Issue{}, failed: map[string]*FailedFile{}}
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// ReadOnly reports whether the index was opened read-only: Update refuses
// to write to it.
func (ix *Index) ReadOnly() bool { return ix.ro }

// PrepareWrite loads what writing needs and searching does not (the word
// segmenter's dictionaries, about half a second) unless they are loaded: a
// writer calls it while it reads the files it will write.
func (ix *Index) PrepareWrite() { ix.seg.Load() }

// Issue returns the issue id as the Tx has it pending, else as the index
// holds it; nil (and no error) when neither has it.
func (tx *Tx) Issue(id string) (*Issue, error) {
	if iss, ok := tx.pending[id]; ok {
		return iss, nil
	}
	iss, err := tx.ix.Issue(tx.ctx, id)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	return iss, err
}

// Put adds iss, replacing the issue of the same ID and its articles. It is
// written with the next batch: once the pending issues hold the batch's
// documents, or when Update ends.
func (tx *Tx) Put(iss *Issue) error {
	if iss.ID == "" {
		return errors.New("put issue: empty id")
	}
	tx.pending[iss.ID] = iss
	docs := 0
	for _, p := range tx.pending {
		docs += 1 + len(p.Articles)
	}
	if docs < tx.max {
		return nil
	}
	return tx.flush()
}

// Delete removes the issue id and its articles, and drops a pending Put of
// it. The issues put before are written first, so that the index never
// holds the later change without the earlier ones.
func (tx *Tx) Delete(id string) error {
	delete(tx.pending, id)
	if err := tx.flush(); err != nil {
		return err
	}
	if err := tx.batch.Delete(tx.ctx, id); err != nil {
		return err
	}
	return tx.flush()
}

// SetFailed records that the file at path failed as f says (FailedFiles
// lists it), or with f nil that it no longer fails. It is written when
// the Tx commits.
func (tx *Tx) SetFailed(path string, f *FailedFile) {
	tx.failed[path] = f
}

// Commit writes the pending issues and the changes to the failed files
// now; Update commits when fn returns, so fn needs it only before Compact,
// NoteTaxonomy or CountIssues.
func (tx *Tx) Commit() error {
	if err := tx.flush(); err != nil {
		return err
	}
	if err := tx.ix.updateFailedFiles(tx.failed); err != nil {
		return err
	}
	clear(tx.failed)
	return nil
}

// flush writes the pending issues in one batch.
func (tx *Tx) flush() error {
	issues := make([]*Issue, 0, len(tx.pending))
	for _, id := range slices.Sorted(maps.Keys(tx.pending)) {
		issues = append(issues, tx.pending[id])
	}
	if err := tx.batch.PutAll(tx.ctx, issues); err != nil {
		return err
	}
	if err := tx.ix.Commit(tx.ctx, tx.batch); err != nil {
		return err
	}
	clear(tx.pending)
	return nil
}

// NoteTaxonomy records tax (nil: the built-in one) as the taxonomy the
// index is tagged with when it has none. When the index was tagged with
// another, it returns what to do about it: the articles just written
// were tagged unlike the rest.
func (tx *Tx) NoteTaxonomy(tax *ingest.Taxonomy) (stale string, err error) {
	return tx.ix.noteTaxonomy(tax)
}

// Compact commits and then merges the index's segments (compact).
func (tx *Tx) Compact() error {
	if err := tx.Commit(); err != nil {
		return err
	}
	return tx.ix.compact(tx.ctx)
}

// CountIssues commits and returns the number of issues in the index.
func (tx *Tx) CountIssues() (int, error) {
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	return tx.ix.count(tx.ctx, typeIssue)
}

// count returns the number of documents of type typ.
func (ix *Index) count(ctx context.Context, typ string) (int, error) {
	res, err := ix.bi.SearchInContext(ctx, bleve.NewSearchRequestOptions(term(fType, typ), 0, 0, false))
	if err != nil {
		return 0, fmt.Errorf("count %ss: %w", typ, err)
	}
	return int(res.Total), nil
}

// compact waits until scorch has merged the index's segments to the
// state its merge policy aims at, rather than leaving them to the
// background of later searches: many small segments make searches slower
// and the index larger. It watches the index's public statistics: scorch's
// index_bgthreads_active turns false once every snapshot is persisted and
// its merges are planned; an index without that statistic is not waited
// for. A merge or persist that fails (a full disk) is an error, seen in
// the count of failures of the background work ("errors"), with the cause
// that storeWriteError finds: the batches written before it stay, and the
// segments are merged by a later run.
func (ix *Index) compact(ctx context.Context) error {
	failures, _ := backgroundStats(ix.bi)
	tick := time.NewTicker(compactPoll)
	defer tick.Stop()
	for {
		st, known := backgroundStats(ix.bi)
		if st.failures > failures.failures {
			return fmt.Errorf("merge segments of index %s: %w", ix.dir, storeWriteError(ix.dir))
		}
		if !known || !st.active {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("merge segments of index %s: %w", ix.dir, ctx.Err())
		case <-tick.C:
		}
	}
}

// compactPoll is how often compact looks at the index's statistics.
const compactPoll = 10 * time.Millisecond

// background is what an index's statistics say of its background work.
type background struct {
	active   bool   // persisting or merging (index_bgthreads_active)
	failures uint64 // failures so far (errors)
}

// backgroundStats returns what bi's statistics say of its background work,
// and false for known when they do not say whether it is active.
func backgroundStats(bi bleve.Index) (st background, known bool) {
	stats, ok := bi.StatsMap()["index"].(map[string]any)
	if !ok {
		return st, false
	}
	st.failures, _ = stats["errors"].(uint64) // none counted: no failure seen
	st.active, known = stats["index_bgthreads_active"].(bool)
	return st, known
}
