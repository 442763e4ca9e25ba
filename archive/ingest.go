package archive

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"jianbao/index"
	"jianbao/ingest"
)

// Ingest brings ix up to date with the given files: new and changed files
// are read (in parallel, by opts.Reader) and their issues written in
// batches; unchanged ones (same size and modification time, or same
// SHA-256) are skipped without reading. Files of the same issue (a TXT and
// a PDF) make one issue listing both. A file that fails is reported in the
// summary, and recorded in the index (FailedFiles) until it is ingested or
// gone; the rest go on. The error is only for what stops the whole run (the
// index cannot be written, ctx is cancelled). Paths are made absolute.
//
// Files are read without holding the index: only writing a batch does, so
// that other ingests (a server's watcher and its hand-offs) and searches go
// on while a slow file is read. When a write fails, the reads under way
// are cancelled and waited for before Ingest returns.
func Ingest(ctx context.Context, ix *index.Index, paths []string, opts Options) (*Summary, error) {
	if ix.ReadOnly() {
		return nil, fmt.Errorf("ingest: %w", index.ErrReadOnly)
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.NumCPU()
	}
	if opts.BatchDocs <= 0 {
		opts.BatchDocs = 2000
	}
	ocrDefaults(&opts, ix.Dir())
	reader := opts.Reader
	if reader == nil {
		parse := opts.ParseOptions
		parse.Themes = opts.Themes
		reader = ReaderFunc(func(ctx context.Context, path string) ingest.FileResult {
			return ingest.ReadFile(ctx, path, parse)
		})
	}
	sum := &Summary{}
	p, err := plan(ctx, ix, paths, opts.SkipFailed, sum)
	if err != nil {
		return nil, err
	}
	if len(p.todo) > 0 {
		// The index loads what writing needs (the word segmenter) while
		// the first files are read.
		var preload sync.WaitGroup
		preload.Go(ix.PrepareWrite)
		defer preload.Wait()
	}
	w := &writer{ctx: ctx, log: opts.logger(), known: p.known, sum: sum, reader: reader, stats: p.stats}
	total := len(p.todo)
	done := 0
	// The readers stop when Ingest returns, whatever the reason, and are
	// waited for.
	rctx, cancel := context.WithCancel(ctx)
	results := readAll(rctx, reader, p.todo, readers(opts.Workers, p.stats), readAhead(opts.BatchDocs))
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
			if err := ix.Update(ctx, opts.BatchDocs, func(tx *index.Tx) error { return w.addAll(tx, chunk) }); err != nil {
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
	err = ix.Update(ctx, opts.BatchDocs, func(tx *index.Tx) error {
		if err := w.addAll(tx, chunk); err != nil {
			return err
		}
		if opts.Prune {
			if err := w.prune(tx, p); err != nil {
				return err
			}
		}
		if sum.Added+sum.Updated+sum.Pruned > 0 {
			if err := tx.Commit(); err != nil {
				return err
			}
			if sum.StaleThemes, err = tx.NoteTaxonomy(opts.Themes); err != nil {
				return err
			}
			if err := tx.Compact(); err != nil {
				return err
			}
		}
		sum.Issues, err = tx.CountIssues()
		return err
	})
	if err != nil {
		return nil, err
	}
	return sum, nil
}

// ocrDefaults fills the OCR options of an ingest left unset: the index's
// OCR cache, and as many pages of a PDF read at once as leaves the CPUs
// shared among the files parsed at once.
func ocrDefaults(opts *Options, dir string) {
	if opts.ParseOptions.OCRCacheDir == "" {
		opts.ParseOptions.OCRCacheDir = filepath.Join(dir, index.OCRCacheName)
	}
	if opts.ParseOptions.OCRWorkers <= 0 {
		opts.ParseOptions.OCRWorkers = max(1, runtime.NumCPU()/max(1, opts.Workers))
	}
}

// knownFile is a file the index holds, in the issue it gave.
type knownFile struct {
	issue string
	file  index.File
}

// work is what an ingest found to do.
type work struct {
	todo   []string               // files to read, absolute
	stats  map[string]os.FileInfo // of the files to read
	seen   map[string]bool        // every file given, absolute
	known  map[string]knownFile   // path → what the index has
	failed map[string]index.FailedFile
}

// plan stats paths and compares them with what ix holds: the files that
// are new or changed are to be read; unchanged ones, and with skipFailed
// the failed ones that have not changed, are counted in sum.
func plan(ctx context.Context, ix *index.Index, paths []string, skipFailed bool, sum *Summary) (*work, error) {
	issues, err := ix.Issues(ctx)
	if err != nil {
		return nil, err
	}
	p := &work{stats: map[string]os.FileInfo{}, seen: map[string]bool{}, known: map[string]knownFile{},
		failed: map[string]index.FailedFile{}}
	for _, it := range issues {
		for _, f := range it.Files {
			p.known[f.Path] = knownFile{issue: it.ID, file: f}
		}
	}
	failedBefore, err := ix.FailedFiles()
	if err != nil {
		return nil, err
	}
	for _, f := range failedBefore {
		p.failed[f.Path] = f
	}
	for _, path := range paths {
		abs, err := filepath.Abs(path)
		if err != nil {
			sum.fail(path, err)
			continue
		}
		if p.seen[abs] {
			continue
		}
		p.seen[abs] = true
		st, err := os.Stat(abs)
		if err != nil {
			sum.fail(abs, err)
			continue
		}
		if k, ok := p.known[abs]; ok && k.file.Size == st.Size() && k.file.ModTime.Equal(st.ModTime()) {
			sum.Unchanged++
			continue
		}
		if f, ok := p.failed[abs]; ok && skipFailed && f.Size == st.Size() && f.ModTime.Equal(st.ModTime()) {
			sum.FailedBefore++
			continue
		}
		p.todo = append(p.todo, abs)
		p.stats[abs] = st
	}
	return p, nil
}

// gone reports whether the file at path no longer exists.
func gone(path string) bool {
	_, err := os.Stat(path)
	return errors.Is(err, os.ErrNotExist)
}
