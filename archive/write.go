package archive

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"slices"

	"jianbao/index"
	"jianbao/ingest"
)

// writer merges the records of files read into the issues of the index,
// through the Tx of each chunk.
type writer struct {
	ctx    context.Context
	log    *slog.Logger
	known  map[string]knownFile // path → what the index has, as written so far
	sum    *Summary
	reader FileReader             // reads files again when an issue is rebuilt
	stats  map[string]os.FileInfo // of the files to read, when planned
}

// addAll adds the files of chunk.
func (w *writer) addAll(tx *index.Tx, chunk []ingest.FileResult) error {
	for _, r := range chunk {
		if err := w.add(tx, r); err != nil {
			return err
		}
	}
	return nil
}

// add merges one file's result into its issue.
func (w *writer) add(tx *index.Tx, r ingest.FileResult) error {
	if r.Err == nil {
		r.Err = conflict(tx, r)
	}
	if r.Err != nil {
		w.sum.fail(r.Path, r.Err)
		f := &index.FailedFile{Path: r.Path, Size: r.Size, ModTime: r.ModTime, Err: r.Err.Error()}
		if st, ok := w.stats[r.Path]; ok && f.ModTime.IsZero() {
			// The reader died before it said what it read.
			f.Size, f.ModTime = st.Size(), st.ModTime()
		}
		tx.SetFailed(r.Path, f)
		return nil
	}
	tx.SetFailed(r.Path, nil)
	if n := len(r.Warnings); n > 0 {
		w.sum.Warnings += n
		w.log.Info("problems in bulletin", "file", r.Path, "count", n, "first", r.Warnings[0].Error())
	}
	iss := r.Issue
	f := index.File{Source: iss.Source, Size: r.Size, ModTime: r.ModTime}
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
		if err := w.remove(tx, r.Path, k.issue); err != nil {
			return err
		}
	}
	cur, err := tx.Issue(iss.ID)
	if err != nil {
		return err
	}
	w.known[r.Path] = knownFile{issue: iss.ID, file: f}
	return tx.Put(merge(cur, iss, f))
}

// conflict reports a file whose issue the index already has from another
// file of the same format with other content: two different bulletins
// that give the same issue id. One of them would be lost; the later one
// fails instead, naming the other. A copy of the same file, or the TXT and
// the PDF of one issue, are no conflict; nor is a file that has replaced
// one that is gone (moved or renamed).
func conflict(tx *index.Tx, r ingest.FileResult) error {
	cur, err := tx.Issue(r.Issue.ID)
	if err != nil || cur == nil {
		return err
	}
	for _, f := range cur.Files {
		if f.Path == r.Path || f.Format != r.Issue.Source.Format || f.SHA256 == r.Issue.Source.SHA256 {
			continue
		}
		if gone(f.Path) {
			continue
		}
		return fmt.Errorf("%s: issue %s is in the index already from another file, %s: two different bulletins give the same issue id (第%d期 of %s)",
			r.Path, r.Issue.ID, f.Path, r.Issue.Issue, r.Issue.Date)
	}
	return nil
}

// prune removes the files of the index that are gone and were not given,
// and forgets the failed files that are gone.
func (w *writer) prune(tx *index.Tx, p *work) error {
	for path, k := range w.known {
		if p.seen[path] || !gone(path) {
			continue
		}
		if err := w.remove(tx, path, k.issue); err != nil {
			return err
		}
		w.sum.Pruned++
	}
	for path := range p.failed {
		if gone(path) {
			tx.SetFailed(path, nil)
		}
	}
	return nil
}

// remove takes path out of issue id, deleting the issue if no file is
// left. If path was the issue's primary source, the record is read again
// from the best remaining file.
func (w *writer) remove(tx *index.Tx, path, id string) error {
	cur, err := tx.Issue(id)
	if err != nil || cur == nil {
		return err
	}
	delete(w.known, path)
	var rest []index.File
	for _, f := range cur.Files {
		if f.Path != path {
			rest = append(rest, f)
		}
	}
	if len(rest) == 0 {
		return tx.Delete(id)
	}
	if cur.Source.Path != path {
		cur.Files = rest
		if !hasFormat(rest, ingest.FormatPDF) {
			for i := range cur.Articles {
				cur.Articles[i].Page = 0
			}
		}
		return tx.Put(cur)
	}
	// Rebuild from the remaining files.
	var next *index.Issue
	for _, f := range rest {
		r := w.reader.ReadFile(w.ctx, f.Path)
		if r.Err != nil || r.Issue.ID != id {
			continue // it will be seen (and reported) when it is ingested itself
		}
		next = merge(next, r.Issue, index.File{Source: r.Issue.Source, Size: r.Size, ModTime: r.ModTime})
	}
	if next == nil {
		return tx.Delete(id)
	}
	return tx.Put(next)
}

func hasFormat(files []index.File, format string) bool {
	return slices.ContainsFunc(files, func(f index.File) bool { return f.Format == format })
}
