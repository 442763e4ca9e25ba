package worker

import (
	"time"

	"jianbao/ingest"
)

// hello is the first value a worker reads: how to read files, and the
// bounds it puts on itself before it reads any.
type hello struct {
	Limits Limits `json:"limits"`
	// OCR is ingest.Options.OCR; OCRCacheDir and OCRWorkers are its
	// namesakes too.
	OCR         string `json:"ocr,omitempty"`
	OCRCacheDir string `json:"ocr_cache,omitempty"`
	OCRWorkers  int    `json:"ocr_workers,omitempty"`
	// Debug asks for the worker's log at the debug level on its stderr.
	Debug bool `json:"debug,omitempty"`
	// CPUProfile is Config.CPUProfile.
	CPUProfile string `json:"cpu_profile,omitempty"`
}

// request asks a worker to read one file.
type request struct {
	Path string `json:"path"`
}

// answer is a value a worker sends while it reads a file: progress, then
// the one with Done set.
type answer struct {
	// Progress: the file's format once detected, a PDF's pages once
	// counted.
	Format string `json:"format,omitempty"`
	Pages  int    `json:"pages,omitempty"`

	Done     bool             `json:"done,omitempty"`
	Size     int64            `json:"size,omitempty"`
	ModTime  time.Time        `json:"mtime,omitzero"`
	Issue    *ingest.Issue    `json:"issue,omitempty"`
	Warnings ingest.ErrorList `json:"warnings,omitempty"`
	Err      string           `json:"error,omitempty"`
	// Retire says that the worker exits after this answer: reading the
	// file left work running inside it that it cannot stop.
	Retire bool `json:"retire,omitempty"`
	// Held is the memory the worker's Go runtime holds from the system
	// after the file (heldMemory), in bytes.
	Held uint64 `json:"held,omitempty"`
}

// exitCPU is a worker's exit status when it ran over its CPU time.
const exitCPU = 3
