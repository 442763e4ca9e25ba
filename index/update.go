package index

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"

	"jianbao/ingest"
)

// IngestOptions control Ingest.
type IngestOptions struct {
	// Workers is the number of files parsed at once; 0 means one per CPU.
	Workers int
	// Prune removes the files of the index that no longer exist, and the
	// issues left with no file.
	Prune bool
	// BatchDocs is the number of documents written at once; 0 means 2000.
	BatchDocs int
	// Progress, if set, is called after each file with the number of
	// files done and the total.
	Progress func(done, total int)
	// ParseOptions are passed to ingest.ParseFile.
	ParseOptions ingest.Options
}

// Failure is a file that could not be ingested.
type Failure struct {
	Path string `json:"path"`
	Err  string `json:"error"`
}

// Summary counts what Ingest did, by file.
type Summary struct {
	Added     int       `json:"added"`     // files new to the index
	Updated   int       `json:"updated"`   // files whose content changed
	Unchanged int       `json:"unchanged"` // files skipped: same size, time and content
	Failed    int       `json:"failed"`
	Pruned    int       `json:"pruned"`   // files gone from disk, removed with --prune
	Warnings  int       `json:"warnings"` // problems inside files that were still ingested
	Issues    int       `json:"issues"`   // issues in the index afterwards
	Failures  []Failure `json:"failures,omitempty"`
	// StaleThemes, when set, says that the files were tagged with another
	// taxonomy than the rest of the index, and what to do.
	StaleThemes string `json:"stale_themes,omitempty"`
}

// parsed is one file read and parsed.
type parsed struct {
	path string
	file File
	iss  *ingest.Issue
	err  error
	warn int // problems found inside the file
	// warning is the first of them.
	warning string
}

// Ingest brings the index up to date with the given files: new and changed
// files are parsed (in parallel) and their issues written in batches;
// unchanged ones (same size and modification time, or same SHA-256) are
// skipped without parsing. Files of the same issue (a TXT and a PDF) make
// one issue listing both. A file that fails is reported in the summary and
// the rest go on; the error is only for what stops the whole run (the
// index cannot be written, ctx is cancelled). Paths are made absolute.
func (ix *Index) Ingest(ctx context.Context, paths []string, opts IngestOptions) (*Summary, error) {
	if ix.ro {
		return nil, errors.New("ingest: index is open read-only")
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.NumCPU()
	}
	if opts.BatchDocs <= 0 {
		opts.BatchDocs = 2000
	}
	sum := &Summary{}
	issues, err := ix.Issues(ctx)
	if err != nil {
		return nil, err
	}
	known := map[string]knownFile{} // path → what the index has
	for _, it := range issues {
		for _, f := range it.Files {
			known[f.Path] = knownFile{issue: it.ID, file: f}
		}
	}

	// Decide which files need parsing.
	var todo []string
	seen := map[string]bool{}
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			sum.fail(p, err)
			continue
		}
		if seen[abs] {
			continue
		}
		seen[abs] = true
		st, err := os.Stat(abs)
		if err != nil {
			sum.fail(abs, err)
			continue
		}
		if k, ok := known[abs]; ok && k.file.Size == st.Size() && k.file.ModTime.Equal(st.ModTime()) {
			sum.Unchanged++
			continue
		}
		todo = append(todo, abs)
	}

	w := &writer{ix: ix, ctx: ctx, known: known, sum: sum, batch: ix.NewBatch(), max: opts.BatchDocs,
		pending: map[string]*Issue{}, parse: opts.ParseOptions}
	total := len(todo)
	done := 0
	for r := range parseAll(ctx, todo, opts) {
		done++
		if err := w.add(r); err != nil {
			return nil, err
		}
		if opts.Progress != nil {
			opts.Progress(done, total)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if opts.Prune {
		for path, k := range known {
			if seen[path] {
				continue
			}
			if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
				if err := w.remove(path, k.issue); err != nil {
					return nil, err
				}
				sum.Pruned++
			}
		}
	}
	if err := w.flush(); err != nil {
		return nil, err
	}
	if sum.Added+sum.Updated+sum.Pruned > 0 {
		if err := ix.noteTaxonomy(opts.ParseOptions.Themes, sum); err != nil {
			return nil, err
		}
		if err := ix.compact(ctx); err != nil {
			return nil, err
		}
	}
	n, err := ix.count(ctx, typeIssue)
	if err != nil {
		return nil, err
	}
	sum.Issues = n
	return sum, nil
}

type knownFile struct {
	issue string
	file  File
}

func (s *Summary) fail(path string, err error) {
	s.Failed++
	s.Failures = append(s.Failures, Failure{Path: path, Err: err.Error()})
}

// parseAll parses paths with opts.Workers workers and yields the results in
// the order they finish.
func parseAll(ctx context.Context, paths []string, opts IngestOptions) <-chan parsed {
	in := make(chan string)
	out := make(chan parsed, opts.Workers)
	var wg sync.WaitGroup
	for range opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range in {
				r := parseFile(ctx, p, opts.ParseOptions)
				select {
				case out <- r:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		defer close(in)
		for _, p := range paths {
			select {
			case in <- p:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(out) }()
	return out
}

// parseFile reads, hashes and parses one file.
func parseFile(ctx context.Context, path string, opts ingest.Options) parsed {
	r := parsed{path: path}
	f, err := os.Open(path)
	if err != nil {
		r.err = err
		return r
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		r.err = err
		return r
	}
	// Bounded as ingest.ParseFile is: a huge file is refused unread.
	limit := cmp.Or(opts.MaxFileBytes, ingest.DefaultMaxFileBytes)
	switch {
	case !st.Mode().IsRegular():
		r.err = fmt.Errorf("%s: not a regular file (%s)", path, st.Mode().Type())
		return r
	case st.Size() > limit:
		r.err = fmt.Errorf("%s: %w: %d bytes, over the limit of %d", path, ingest.ErrTooLarge, st.Size(), limit)
		return r
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		r.err = fmt.Errorf("read %s: %w", path, err)
		return r
	}
	if int64(len(data)) > limit {
		r.err = fmt.Errorf("%s: %w: grew over the limit of %d bytes while read", path, ingest.ErrTooLarge, limit)
		return r
	}
	h := sha256.Sum256(data)
	r.file = File{Source: ingest.Source{Path: path, SHA256: hex.EncodeToString(h[:])}, Size: st.Size(), ModTime: st.ModTime()}
	iss, err := ingest.Parse(ctx, path, data, opts)
	var warns ingest.ErrorList
	switch {
	case iss != nil && errors.As(err, &warns):
		r.warn = len(warns)
		r.warning = warns[0].Error()
	case err != nil:
		r.err = err
		return r
	}
	for _, a := range iss.Articles {
		if n := len(a.Headline) + len(a.Body); n > MaxArticleBytes {
			r.err = fmt.Errorf("%s: article %s is %d bytes long, over the limit of %d: not an article of a bulletin (lost line breaks?)",
				path, a.ID, n, MaxArticleBytes)
			return r
		}
	}
	r.iss = iss
	r.file.Source = iss.Source
	return r
}

// MaxArticleBytes bounds the text of one article that Ingest indexes. An
// article of a bulletin is a few thousand characters; indexing takes about
// 130 bytes of memory per byte of text, so a file that is one absurd
// article (a 16 MB line) would need gigabytes. Its file is refused.
const MaxArticleBytes = 1 << 20

// writer merges parsed files into issues and writes them in batches.
type writer struct {
	ix      *Index
	ctx     context.Context
	known   map[string]knownFile
	sum     *Summary
	batch   *Batch
	max     int
	pending map[string]*Issue // issues in the batch, by ID
	parse   ingest.Options    // how files are parsed, also when an issue is rebuilt
}

func (w *writer) add(r parsed) error {
	if r.err != nil {
		w.sum.fail(r.path, r.err)
		return nil
	}
	if r.warn > 0 {
		w.sum.Warnings += r.warn
		w.ix.log.Info("problems in bulletin", "file", r.path, "count", r.warn, "first", r.warning)
	}
	k, was := w.known[r.path]
	if was && k.file.SHA256 == r.file.SHA256 && k.issue == r.iss.ID {
		// Touched, not changed: record the new time so that the next run
		// skips it without hashing.
		w.sum.Unchanged++
	} else if was {
		w.sum.Updated++
	} else {
		w.sum.Added++
	}
	if was && k.issue != r.iss.ID {
		// The file now reads as another issue: take it out of the old one.
		if err := w.remove(r.path, k.issue); err != nil {
			return err
		}
	}
	cur, err := w.current(r.iss.ID)
	if err != nil {
		return err
	}
	w.pending[r.iss.ID] = merge(cur, r.iss, r.file)
	w.known[r.path] = knownFile{issue: r.iss.ID, file: r.file}
	return w.maybeFlush()
}

// current returns the issue id as the batch or the index has it, nil if
// neither has.
func (w *writer) current(id string) (*Issue, error) {
	if iss, ok := w.pending[id]; ok {
		return iss, nil
	}
	iss, err := w.ix.Issue(w.ctx, id)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	return iss, err
}

// remove takes path out of issue id, deleting the issue if no file is
// left. If path was the issue's primary source, the record is read again
// from the best remaining file.
func (w *writer) remove(path, id string) error {
	cur, err := w.current(id)
	if err != nil || cur == nil {
		return err
	}
	delete(w.known, path)
	var rest []File
	for _, f := range cur.Files {
		if f.Path != path {
			rest = append(rest, f)
		}
	}
	if len(rest) == 0 {
		delete(w.pending, id)
		if err := w.flush(); err != nil { // keep the order: earlier puts first
			return err
		}
		if err := w.batch.Delete(id); err != nil {
			return err
		}
		return w.flush()
	}
	if cur.Source.Path != path {
		cur.Files = rest
		if !hasFormat(rest, ingest.FormatPDF) {
			for i := range cur.Articles {
				cur.Articles[i].Page = 0
			}
		}
		w.pending[id] = cur
		return w.maybeFlush()
	}
	// Rebuild from the remaining files.
	var next *Issue
	for _, f := range rest {
		r := parseFile(w.ctx, f.Path, w.parse)
		if r.err != nil || r.iss.ID != id {
			continue // it will be seen (and reported) when it is ingested itself
		}
		next = merge(next, r.iss, r.file)
	}
	if next == nil {
		delete(w.pending, id)
		if err := w.flush(); err != nil {
			return err
		}
		if err := w.batch.Delete(id); err != nil {
			return err
		}
		return w.flush()
	}
	w.pending[id] = next
	return w.maybeFlush()
}

func hasFormat(files []File, format string) bool {
	return slices.ContainsFunc(files, func(f File) bool { return f.Format == format })
}

func (w *writer) maybeFlush() error {
	docs := 0
	for _, iss := range w.pending {
		docs += 1 + len(iss.Articles)
	}
	if docs < w.max {
		return nil
	}
	return w.flush()
}

// flush writes the pending issues in one batch.
func (w *writer) flush() error {
	ids := make([]string, 0, len(w.pending))
	for id := range w.pending {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if err := w.batch.Put(w.pending[id]); err != nil {
			return err
		}
	}
	if err := w.ix.Commit(w.ctx, w.batch); err != nil {
		return err
	}
	clear(w.pending)
	return nil
}

// merge adds the record iss read from file f to cur (nil for a new issue).
// The primary record is the TXT's (exact text) when there is one, else the
// PDF's; a PDF's page numbers are kept on the articles of the same ID.
func merge(cur *Issue, iss *ingest.Issue, f File) *Issue {
	if cur == nil {
		return &Issue{Issue: *iss, Files: []File{f}}
	}
	files := slices.DeleteFunc(slices.Clone(cur.Files), func(x File) bool { return x.Path == f.Path })
	files = append(files, f)
	slices.SortFunc(files, func(a, b File) int {
		if a.Path < b.Path {
			return -1
		}
		if a.Path > b.Path {
			return 1
		}
		return 0
	})
	newPrimary := cur.Source.Path == f.Path || rank(f.Format) < rank(cur.Source.Format) ||
		(rank(f.Format) == rank(cur.Source.Format) && f.Path < cur.Source.Path)
	var out Issue
	pages := map[string]int{}
	if newPrimary {
		out.Issue = *iss
		for _, a := range cur.Articles {
			pages[a.ID] = a.Page
		}
	} else {
		out.Issue = cur.Issue
		out.Articles = slices.Clone(cur.Articles)
		if f.Format == ingest.FormatPDF {
			for _, a := range iss.Articles {
				pages[a.ID] = a.Page
			}
		}
	}
	for i, a := range out.Articles {
		if a.Page == 0 && pages[a.ID] > 0 {
			out.Articles[i].Page = pages[a.ID]
		}
	}
	out.Files = files
	return &out
}

func rank(format string) int {
	if format == ingest.FormatTXT {
		return 0
	}
	return 1
}

// count returns the number of documents of type typ.
func (ix *Index) count(ctx context.Context, typ string) (int, error) {
	res, err := ix.bi.SearchInContext(ctx, bleve.NewSearchRequestOptions(term(fType, typ), 0, 0, false))
	if err != nil {
		return 0, fmt.Errorf("count %ss: %w", typ, err)
	}
	return int(res.Total), nil
}

// compact runs the index's segment merges now, to the state the merge
// policy aims at, rather than in the background of later searches: many
// small segments make searches slower and the index larger. A merge that
// fails (a full disk) is an error: the batches written before it stay, and
// the segments are merged by a later run.
func (ix *Index) compact(ctx context.Context) error {
	adv, err := ix.bi.Advanced()
	if err != nil {
		return nil
	}
	s, ok := adv.(*scorch.Scorch)
	if !ok {
		return nil
	}
	opts := mergeplan.DefaultMergePlanOptions
	// ForceMerge waits for the merge to finish and never learns of its
	// failure; the merger reports each result on a channel under the
	// context key "mergeDone" of scorch's merge.go.
	merged := make(chan error, 1)
	mctx := context.WithValue(ctx, mergeDoneKey, merged)
	// A merge whose result cannot be persisted (a full disk) leaves the
	// persister retrying: its errors come through the async callback.
	background := make(chan error, 1)
	key := filepath.Join(ix.dir, "store")
	asyncErrors.Store(key, background)
	defer asyncErrors.Delete(key)
	done := make(chan error, 1)
	go func() { done <- s.ForceMerge(mctx, &opts) }()
	for {
		select {
		case err := <-background:
			return fmt.Errorf("merge segments of index %s: %w", ix.dir, err)
		case err := <-done:
			if err != nil {
				ix.log.Info("merge segments", "err", err)
			}
			return nil
		case err := <-merged:
			if err != nil {
				// ForceMerge stays blocked until the index is closed.
				return fmt.Errorf("merge segments of index %s: %w", ix.dir, err)
			}
		}
	}
}

// mergeDoneKey is the context key under which scorch's merger reports the
// result of a merge (its unexported constant mergeDoneKey).
const mergeDoneKey = "mergeDone"
