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

// setFailedFiles records now as the failed files, unless it is what was
// read before.
func (ix *Index) setFailedFiles(before []FailedFile, now map[string]FailedFile) error {
	files := slices.SortedFunc(maps.Values(now), func(a, b FailedFile) int { return cmp.Compare(a.Path, b.Path) })
	if slices.EqualFunc(before, files, func(a, b FailedFile) bool {
		return a.Path == b.Path && a.Size == b.Size && a.ModTime.Equal(b.ModTime) && a.Err == b.Err
	}) {
		return nil
	}
	raw, err := json.Marshal(files)
	if err != nil {
		return fmt.Errorf("record failed files: %w", err)
	}
	if err := ix.bi.SetInternal(failedKey, raw); err != nil {
		return fmt.Errorf("record failed files in index %s: %w", ix.dir, err)
	}
	return nil
}
