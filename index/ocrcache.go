package index

import (
	"path/filepath"
	"runtime"
)

// OCRCacheName is the directory of an index that keeps the OCR of scanned
// pages by page image, so that re-ingesting a scan, or another file with the
// same pages, does not read them again.
const OCRCacheName = "ocr-cache"

// ocrDefaults fills the OCR options of an ingest left unset: the index's
// OCR cache, and as many pages of a PDF read at once as leaves the CPUs
// shared among the files parsed at once.
func ocrDefaults(opts *IngestOptions, dir string) {
	if opts.ParseOptions.OCRCacheDir == "" {
		opts.ParseOptions.OCRCacheDir = filepath.Join(dir, OCRCacheName)
	}
	if opts.ParseOptions.OCRWorkers <= 0 {
		opts.ParseOptions.OCRWorkers = max(1, runtime.NumCPU()/max(1, opts.Workers))
	}
}
