package index

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"

	"jianbao/ingest"
)

// IngestOptions control Ingest.
type IngestOptions struct {
	// Workers is the number of files read at once; 0 means one per CPU.
	Workers int
	// Prune removes the files of the index that no longer exist, and the
	// issues left with no file.
	Prune bool
	// BatchDocs is the number of documents written at once; 0 means 2000.
	BatchDocs int
	// Progress, if set, is called after each file with the number of
	// files done and the total.
	Progress func(done, total int)
	// Reader reads the files. Nil means the index's (Options.Reader), and
	// when it has none, ingest.ReadFile in this process with ParseOptions:
	// for tests and files that are trusted.
	Reader FileReader
	// ParseOptions are how the in-process reader reads files.
	ParseOptions ingest.Options
	// Themes is the taxonomy the files are tagged with, noted in the index
	// so that a mixture is reported; nil means the built-in one. The
	// in-process reader tags with it.
	Themes *ingest.Taxonomy
	// SkipFailed skips a file that failed before and has not changed since
	// (same size and time): a watcher does not read a bad file again and
	// again. It is counted in Summary.FailedBefore.
	SkipFailed bool
}

// FileReader reads and parses one bulletin file; *worker.Pool reads in
// child processes, ReaderFunc(ingest.ReadFile…) in this one.
type FileReader interface {
	ReadFile(ctx context.Context, path string) ingest.FileResult
}

// ReaderFunc is a function that is a FileReader.
type ReaderFunc func(ctx context.Context, path string) ingest.FileResult

// ReadFile calls f.
func (f ReaderFunc) ReadFile(ctx context.Context, path string) ingest.FileResult { return f(ctx, path) }

// Failure is a file that could not be ingested.
type Failure struct {
	Path string `json:"path"`
	Err  string `json:"error"`
}

// Summary counts what Ingest did, by file.
type Summary struct {
	Added     int `json:"added"`     // files new to the index
	Updated   int `json:"updated"`   // files whose content changed
	Unchanged int `json:"unchanged"` // files skipped: same size, time and content
	Failed    int `json:"failed"`
	// FailedBefore counts the files not read again because they failed
	// before and have not changed (IngestOptions.SkipFailed).
	FailedBefore int       `json:"failed_before,omitempty"`
	Pruned       int       `json:"pruned"`   // files gone from disk, removed with --prune
	Warnings     int       `json:"warnings"` // problems inside files that were still ingested
	Issues       int       `json:"issues"`   // issues in the index afterwards
	Failures     []Failure `json:"failures,omitempty"`
	// StaleThemes, when set, says that the files were tagged with another
	// taxonomy than the rest of the index, and what to do.
	StaleThemes string `json:"stale_themes,omitempty"`
}

// Ingest brings the index up to date with the given files: new and changed
// files are read (in parallel, by opts.Reader) and their issues written in
// batches; unchanged ones (same size and modification time, or same
// SHA-256) are skipped without reading. Files of the same issue (a TXT and
// a PDF) make one issue listing both. A file that fails is reported in the
// summary, and recorded in the index (FailedFiles) until it is ingested or
// gone; the rest go on. The error is only for what stops the whole run (the
// index cannot be written, ctx is cancelled). Paths are made absolute.
//
// Files are read without holding the index: only writing a batch does, so
// that other ingests (a server's watcher and its hand-offs) and searches go
// on while a slow file is read.
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
	ocrDefaults(&opts, ix.dir)
	reader := cmp.Or[FileReader](opts.Reader, ix.reader)
	if reader == nil {
		parse := opts.ParseOptions
		parse.Themes = opts.Themes
		reader = ReaderFunc(func(ctx context.Context, path string) ingest.FileResult {
			return ingest.ReadFile(ctx, path, parse)
		})
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
	failedBefore, err := ix.FailedFiles()
	if err != nil {
		return nil, err
	}
	failed := map[string]FailedFile{}
	for _, f := range failedBefore {
		failed[f.Path] = f
	}

	// Decide which files need reading.
	var todo []string
	stats := map[string]os.FileInfo{} // of the files to read, when planned
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
		if f, ok := failed[abs]; ok && opts.SkipFailed && f.Size == st.Size() && f.ModTime.Equal(st.ModTime()) {
			sum.FailedBefore++
			continue
		}
		todo = append(todo, abs)
		stats[abs] = st
	}

	if len(todo) > 0 {
		// Writing needs the word segmenter: it loads (about half a
		// second) while the first files are read.
		var preload sync.WaitGroup
		preload.Go(ix.seg.Load)
		defer preload.Wait()
	}
	w := &writer{ix: ix, ctx: ctx, known: known, sum: sum, batch: ix.NewBatch(), max: opts.BatchDocs,
		pending: map[string]*Issue{}, reader: reader, failures: map[string]*FailedFile{}, stats: stats}
	total := len(todo)
	done := 0
	// The readers stop when Ingest returns, whatever the reason, and are
	// waited for.
	rctx, cancel := context.WithCancel(ctx)
	results := readAll(rctx, reader, todo, readers(opts.Workers, stats))
	defer func() {
		cancel()
		for range results {
		}
	}()
	var chunk []ingest.FileResult
	docs := 0
	for r := range results {
		done++
		chunk = append(chunk, r)
		if r.Issue != nil {
			docs += 1 + len(r.Issue.Articles)
		}
		if docs >= opts.BatchDocs && ctx.Err() == nil {
			if err := w.write(chunk); err != nil {
				return nil, err
			}
			chunk, docs = nil, 0
		}
		if opts.Progress != nil {
			opts.Progress(done, total)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ix.writeMu.Lock()
	defer ix.writeMu.Unlock()
	for _, r := range chunk {
		if err := w.add(r); err != nil {
			return nil, err
		}
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
		for path := range failed {
			if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
				w.failures[path] = nil
			}
		}
	}
	if err := w.flush(); err != nil {
		return nil, err
	}
	if err := ix.updateFailedFiles(w.failures); err != nil {
		return nil, err
	}
	if sum.Added+sum.Updated+sum.Pruned > 0 {
		if err := ix.noteTaxonomy(opts.Themes, sum); err != nil {
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

// bytesPerReader is how much input makes another reader worth starting:
// a reader may be a worker process, whose start costs about what reading
// a megabyte of bulletins does, and a small batch is read while the word
// segmenter loads anyway.
const bytesPerReader = 1 << 20

// readers returns how many files to read at once: one per bytesPerReader
// of the files, at most max.
func readers(max int, files map[string]os.FileInfo) int {
	var total int64
	for _, st := range files {
		total += st.Size()
	}
	return int(min(int64(max), 1+total/bytesPerReader))
}

// readAll reads paths with n goroutines and yields the results in the order
// they finish. The channel is closed once every goroutine has returned:
// after the last file, or soon after ctx ends.
func readAll(ctx context.Context, reader FileReader, paths []string, n int) <-chan ingest.FileResult {
	in := make(chan string)
	out := make(chan ingest.FileResult, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			for p := range in {
				r := reader.ReadFile(ctx, p)
				select {
				case out <- r:
				case <-ctx.Done():
					return
				}
			}
		})
	}
	wg.Go(func() {
		defer close(in)
		for _, p := range paths {
			select {
			case in <- p:
			case <-ctx.Done():
				return
			}
		}
	})
	go func() { wg.Wait(); close(out) }()
	return out
}

// writer merges read files into issues and writes them in batches.
type writer struct {
	ix      *Index
	ctx     context.Context
	known   map[string]knownFile
	sum     *Summary
	batch   *Batch
	max     int
	pending map[string]*Issue // issues in the batch, by ID
	reader  FileReader        // reads files again when an issue is rebuilt
	// failures are the changes to the index's failed files: a failure,
	// or nil for a file ingested or gone.
	failures map[string]*FailedFile
	stats    map[string]os.FileInfo // of the files to read, when planned
}

// write adds the files of chunk and writes them, holding the index for
// writing meanwhile.
func (w *writer) write(chunk []ingest.FileResult) error {
	w.ix.writeMu.Lock()
	defer w.ix.writeMu.Unlock()
	for _, r := range chunk {
		if err := w.add(r); err != nil {
			return err
		}
	}
	return w.flush()
}

// add merges one file's result into the pending issues. Called with
// ix.writeMu held.
func (w *writer) add(r ingest.FileResult) error {
	if r.Err == nil {
		r.Err = w.conflict(r)
	}
	if r.Err != nil {
		w.sum.fail(r.Path, r.Err)
		f := &FailedFile{Path: r.Path, Size: r.Size, ModTime: r.ModTime, Err: r.Err.Error()}
		if st, ok := w.stats[r.Path]; ok && f.ModTime.IsZero() {
			// The reader died before it said what it read.
			f.Size, f.ModTime = st.Size(), st.ModTime()
		}
		w.failures[r.Path] = f
		return nil
	}
	w.failures[r.Path] = nil
	if n := len(r.Warnings); n > 0 {
		w.sum.Warnings += n
		w.ix.log.Info("problems in bulletin", "file", r.Path, "count", n, "first", r.Warnings[0].Error())
	}
	iss := r.Issue
	f := File{Source: iss.Source, Size: r.Size, ModTime: r.ModTime}
	k, was := w.known[r.Path]
	if was && k.file.SHA256 == f.SHA256 && k.issue == iss.ID {
		// Touched, not changed: record the new time so that the next run
		// skips it without hashing.
		w.sum.Unchanged++
	} else if was {
		w.sum.Updated++
	} else {
		w.sum.Added++
	}
	if was && k.issue != iss.ID {
		// The file now reads as another issue: take it out of the old one.
		if err := w.remove(r.Path, k.issue); err != nil {
			return err
		}
	}
	cur, err := w.current(iss.ID)
	if err != nil {
		return err
	}
	w.pending[iss.ID] = merge(cur, iss, f)
	w.known[r.Path] = knownFile{issue: iss.ID, file: f}
	return w.maybeFlush()
}

// conflict reports a file whose issue the index already has from another
// file of the same format with other content: two different bulletins
// that give the same issue id. One of them would be lost; the later one
// fails instead, naming the other. A copy of the same file, or the TXT and
// the PDF of one issue, are no conflict; nor is a file that has replaced
// one that is gone (moved or renamed).
func (w *writer) conflict(r ingest.FileResult) error {
	cur, err := w.current(r.Issue.ID)
	if err != nil || cur == nil {
		return err
	}
	for _, f := range cur.Files {
		if f.Path == r.Path || f.Format != r.Issue.Source.Format || f.SHA256 == r.Issue.Source.SHA256 {
			continue
		}
		if _, err := os.Stat(f.Path); errors.Is(err, os.ErrNotExist) {
			continue
		}
		return fmt.Errorf("%s: issue %s is in the index already from another file, %s: two different bulletins give the same issue id (第%d期 of %s)",
			r.Path, r.Issue.ID, f.Path, r.Issue.Issue, r.Issue.Date)
	}
	return nil
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
		if err := w.batch.Delete(w.ctx, id); err != nil {
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
		r := w.reader.ReadFile(w.ctx, f.Path)
		if r.Err != nil || r.Issue.ID != id {
			continue // it will be seen (and reported) when it is ingested itself
		}
		next = merge(next, r.Issue, File{Source: r.Issue.Source, Size: r.Size, ModTime: r.ModTime})
	}
	if next == nil {
		delete(w.pending, id)
		if err := w.flush(); err != nil {
			return err
		}
		if err := w.batch.Delete(w.ctx, id); err != nil {
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
		if err := w.batch.Put(w.ctx, w.pending[id]); err != nil {
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
