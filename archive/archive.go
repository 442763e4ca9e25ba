// Package archive is the Read stage: it brings an index up to date with a
// folder of bulletin files.
//
// In: paths of files and directories (Expand walks them for .txt and .pdf
// files). It stats each file and compares it with what the index holds
// (index.Index.Issues, FailedFiles): new and changed files are handed to a
// FileReader (a *worker.Pool reads them in child processes), and the
// records that come back are paired (the TXT and the PDF of one issue make
// one index.Issue), checked against the index for two bulletins that give
// one issue id, and written through index.Update in chunks. Out: a Summary
// of what changed, by file. With Prune, files that are gone are removed
// from the index; Watch does all this again every interval.
//
// Package archive opens and stats files; package index never does, and
// package ingest reads one file's bytes into a record.
package archive

import (
	"context"
	"log/slog"

	"jianbao/index"
	"jianbao/ingest"
)

// Options control Ingest.
type Options struct {
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
	// Reader reads the files. Nil means ingest.ReadFile in this process
	// with ParseOptions: for tests and files that are trusted.
	Reader FileReader
	// ParseOptions are how the in-process reader reads files. Their OCR
	// cache is the index's (index.OCRCacheName) unless they name one.
	ParseOptions ingest.Options
	// Themes is the taxonomy the files are tagged with, noted in the index
	// so that a mixture is reported; nil means the built-in one. The
	// in-process reader tags with it.
	Themes *ingest.Taxonomy
	// SkipFailed skips a file that failed before and has not changed since
	// (same size and time): a watcher does not read a bad file again and
	// again. It is counted in Summary.FailedBefore.
	SkipFailed bool
	// Logger receives what was worked around inside the files; nil
	// discards it.
	Logger *slog.Logger
}

func (o Options) logger() *slog.Logger {
	if o.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return o.Logger
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
	// before and have not changed (Options.SkipFailed).
	FailedBefore int       `json:"failed_before,omitempty"`
	Pruned       int       `json:"pruned"`   // files gone from disk, removed with --prune
	Warnings     int       `json:"warnings"` // problems inside files that were still ingested
	Issues       int       `json:"issues"`   // issues in the index afterwards
	Failures     []Failure `json:"failures,omitempty"`
	// StaleThemes, when set, says that the files were tagged with another
	// taxonomy than the rest of the index, and what to do.
	StaleThemes string `json:"stale_themes,omitempty"`
}

// fail counts path as failed with err.
func (s *Summary) fail(path string, err error) {
	s.Failed++
	s.Failures = append(s.Failures, Failure{Path: path, Err: err.Error()})
}

// Archive is an index with the reader of its files: what a server ingests
// with, for its watcher and for the files other processes hand it.
type Archive struct {
	Index *index.Index
	// Reader reads the files unless the options of an Ingest name another;
	// nil reads them in this process.
	Reader FileReader
	// Logger receives what was worked around inside the files, unless the
	// options of an Ingest name another; nil discards it.
	Logger *slog.Logger
}

// Ingest brings a.Index up to date with the files at paths, as the
// function Ingest does, reading them with a.Reader unless opts name one.
func (a Archive) Ingest(ctx context.Context, paths []string, opts Options) (*Summary, error) {
	if opts.Reader == nil {
		opts.Reader = a.Reader
	}
	if opts.Logger == nil {
		opts.Logger = a.Logger
	}
	return Ingest(ctx, a.Index, paths, opts)
}

// Warm prepares the index's searches for what an ingest changed
// (index.Index.Warm).
func (a Archive) Warm(ctx context.Context) error { return a.Index.Warm(ctx) }
