package index

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"
)

// FailedFile is a file that Ingest could not ingest, as it was then. The
// index keeps the list until the file is ingested, or is gone and pruned.
type FailedFile struct {
	Path    string    `json:"path"`
	Size    int64     `json:"size"`
	ModTime time.Time `json:"mtime"`
	Err     string    `json:"error"`
}

var failedKey = []byte("jianbao/failed")

// FailedFiles returns the files that failed to be ingested and have not
// been ingested since, by path.
func (ix *Index) FailedFiles() ([]FailedFile, error) {
	raw, err := ix.bi.GetInternal(failedKey)
	if err != nil {
		return nil, fmt.Errorf("read index %s: %w", ix.dir, err)
	}
	var files []FailedFile
	if raw == nil {
		return files, nil
	}
	if err := json.Unmarshal(raw, &files); err != nil {
		return nil, fmt.Errorf("read index %s: failed files: %w", ix.dir, err)
	}
	return files, nil
}

// updateFailedFiles applies changes to the failed files the index holds
// now: a path's new failure, or nil for one that no longer fails. It is
// called with ix.writeMu held, so that ingests side by side keep each
// other's changes.
func (ix *Index) updateFailedFiles(changes map[string]*FailedFile) error {
	if len(changes) == 0 {
		return nil
	}
	cur, err := ix.FailedFiles()
	if err != nil {
		return err
	}
	files := map[string]FailedFile{}
	for _, f := range cur {
		files[f.Path] = f
	}
	for path, f := range changes {
		if f == nil {
			delete(files, path)
		} else {
			files[path] = *f
		}
	}
	next := slices.SortedFunc(maps.Values(files), func(a, b FailedFile) int { return cmp.Compare(a.Path, b.Path) })
	if slices.EqualFunc(cur, next, func(a, b FailedFile) bool {
		return a.Path == b.Path && a.Size == b.Size && a.ModTime.Equal(b.ModTime) && a.Err == b.Err
	}) {
		return nil
	}
	raw, err := json.Marshal(next)
	if err != nil {
		return fmt.Errorf("record failed files: %w", err)
	}
	if err := ix.setInternal(failedKey, raw); err != nil {
		return fmt.Errorf("record failed files in index %s: %w", ix.dir, err)
	}
	return nil
}
