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
	max     int
	pending map[string]*Issue // issues put and not yet written, by ID
	// failed are the changes to the index's failed files: a failure, or
	// nil for a file that no longer fails.
	failed map[string]*FailedFile
	// writing is the batch being committed while the Tx goes on (nil when
	// none): the next batch is prepared meanwhile.
	writing *commit
}

// commit is a batch being committed in a goroutine of its own.
type commit struct {
	issues map[string]*Issue // what it writes, by ID: nil for a deletion
	done   chan struct{}     // closed once it is written or has failed
	err    error             // why it failed, set before done is closed
}

// Update calls fn with a Tx that holds the index for writing, then writes
// what fn left pending and the changes to the failed files. Issues that fn
// puts are written in batches of about maxDocs documents (0 means 2000) as
// they come, each batch whole issues that bleve commits at once, in order;
// a batch is committed while fn goes on and the next is prepared. If fn
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
	tx := &Tx{ix: ix, ctx: ctx, max: maxDocs,
		pending: map[string]*Issue{}, failed: map[string]*FailedFile{}}
	if err := fn(tx); err != nil {
		return errors.Join(err, tx.wait())
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

// Issue returns the issue id as the Tx has it pending or being written,
// else as the index holds it; nil (and no error) when none has it.
func (tx *Tx) Issue(id string) (*Issue, error) {
	if iss, ok := tx.pending[id]; ok {
		return iss, nil
	}
	if iss, ok := tx.writing.has(id); ok {
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
	if _, ok := tx.writing.has(id); ok {
		// Its articles are read from the index: the batch being written
		// must be in first.
		if err := tx.wait(); err != nil {
			return err
		}
	}
	b := tx.ix.NewBatch()
	if err := b.Delete(tx.ctx, id); err != nil {
		return err
	}
	return tx.write(b, map[string]*Issue{id: nil})
}

// SetFailed records that the file at path failed as f says (FailedFiles
// lists it), or with f nil that it no longer fails. It is written when
// the Tx commits.
func (tx *Tx) SetFailed(path string, f *FailedFile) {
	tx.failed[path] = f
}

// Commit writes the pending issues and the changes to the failed files
// now, and waits until they are written; Update commits when fn returns,
// so fn needs it only before Compact, NoteTaxonomy or CountIssues.
func (tx *Tx) Commit() error {
	if err := tx.flush(); err != nil {
		return errors.Join(err, tx.wait())
	}
	if err := tx.wait(); err != nil {
		return err
	}
	if err := tx.ix.updateFailedFiles(tx.failed); err != nil {
		return err
	}
	clear(tx.failed)
	return nil
}

// flush prepares the pending issues as one batch and starts writing it.
func (tx *Tx) flush() error {
	if len(tx.pending) == 0 {
		return nil
	}
	ids := slices.Sorted(maps.Keys(tx.pending))
	issues := make([]*Issue, 0, len(ids))
	for _, id := range ids {
		if _, ok := tx.writing.has(id); ok {
			// Its documents are prepared against what the index holds of
			// it: the batch being written must be in first.
			if err := tx.wait(); err != nil {
				return err
			}
		}
		issues = append(issues, tx.pending[id])
	}
	b := tx.ix.NewBatch()
	if err := b.PutAll(tx.ctx, issues); err != nil {
		return err
	}
	written := maps.Clone(tx.pending)
	clear(tx.pending)
	return tx.write(b, written)
}

// write waits for the batch being written, then starts writing b, which
// writes issues.
func (tx *Tx) write(b *Batch, issues map[string]*Issue) error {
	if err := tx.wait(); err != nil {
		return err
	}
	c := &commit{issues: issues, done: make(chan struct{})}
	go func() {
		defer close(c.done)
		c.err = tx.ix.Commit(tx.ctx, b)
	}()
	tx.writing = c
	return nil
}

// Writing returns a channel closed once the batch being written is
// written, and false when no batch is being written: a caller with more
// to put waits for either that or its next issue.
func (tx *Tx) Writing() (<-chan struct{}, bool) {
	if tx.writing == nil {
		return nil, false
	}
	return tx.writing.done, true
}

// wait waits until the batch being written, if any, is written, and
// returns its error.
func (tx *Tx) wait() error {
	if tx.writing == nil {
		return nil
	}
	<-tx.writing.done
	err := tx.writing.err
	tx.writing = nil
	return err
}

// has reports whether c writes the issue id, and what it writes (nil for
// a deletion); a nil c writes nothing.
func (c *commit) has(id string) (*Issue, bool) {
	if c == nil {
		return nil, false
	}
	iss, ok := c.issues[id]
	return iss, ok
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
