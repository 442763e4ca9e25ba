package ingest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// ocrCache keeps OCR results on disk by the hash of the page image, so
// that a page is read by tesseract once whatever file it comes in and
// however often the file is parsed. An empty dir disables it.
type ocrCache struct {
	dir string
}

func (c ocrCache) path(key string) string {
	return filepath.Join(c.dir, key[:2], key+".json")
}

// get returns the cached result for key. A missing or unreadable entry is
// a miss: the page is read again and the entry rewritten.
func (c ocrCache) get(key string) (ocrResult, bool) {
	if c.dir == "" {
		return ocrResult{}, false
	}
	data, err := os.ReadFile(c.path(key))
	if err != nil {
		return ocrResult{}, false
	}
	var r ocrResult
	if err := json.Unmarshal(data, &r); err != nil || r.Text == "" {
		return ocrResult{}, false
	}
	return r, true
}

// put stores r under key, through a temporary file and a rename, so that
// a reader never sees half an entry and parallel writers of the same page
// do not mix.
func (c ocrCache) put(key string, r ocrResult) error {
	if c.dir == "" {
		return nil
	}
	data, err := json.MarshalIndent(r, "", " ")
	if err != nil {
		return fmt.Errorf("encode ocr result: %w", err)
	}
	p := c.path(key)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("ocr cache: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), "tmp-*")
	if err != nil {
		return fmt.Errorf("ocr cache: %w", err)
	}
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("ocr cache: %w", err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("ocr cache: %w", err)
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("ocr cache: %w", err)
	}
	return nil
}
