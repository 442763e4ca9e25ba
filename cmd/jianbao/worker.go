package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"jianbao/ingest"
	"jianbao/worker"
)

// newWorkerCmd is the hidden command a worker process runs: jianbao reads
// every file in such a child (see package worker), never in the process
// that ingests or serves.
func newWorkerCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:    "worker",
		Short:  "Read bulletin files for another jianbao process (internal)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			in, out := os.NewFile(3, "requests"), os.NewFile(4, "answers")
			if in == nil || out == nil {
				return errors.New("jianbao worker is started by jianbao itself, with its pipes")
			}
			return worker.Serve(cmd.Context(), in, out, a.errOut)
		},
	}
}

// readerOptions are the flags of the commands that read bulletin files:
// how many at once, and the bounds of each worker.
type readerOptions struct {
	workers  int
	memoryMB int64
	cpu      time.Duration
	time     time.Duration
	ocr      string
	ocrCache string // "" for none; ingest and serve use the index's
}

func addReaderFlags(f *pflag.FlagSet, o *readerOptions) {
	f.IntVarP(&o.workers, "workers", "j", runtime.NumCPU(), "files read at once, each in a worker process")
	f.Int64Var(&o.memoryMB, "max-memory", worker.DefaultMemory>>20, "memory a worker may use, in MiB")
	f.DurationVar(&o.cpu, "max-cpu", worker.DefaultCPU, fmt.Sprintf("CPU time a file may take, plus %s a PDF page", worker.DefaultCPUPerPage))
	f.DurationVar(&o.time, "max-time", worker.DefaultTime, fmt.Sprintf("time a file may take, plus %s a PDF page (OCR)", worker.DefaultTimePerPage))
	f.StringVar(&o.ocr, "ocr", ingest.OCRAuto, "OCR of scanned PDF pages (tesseract): auto, off or force (every page)")
	f.StringVar(&o.ocrCache, "ocr-cache", "", "keep OCR results by page image in `DIR` and reuse them (ingest and serve: the index's ocr-cache)")
}

// check reports a flag out of range and fills in the defaults of those
// left zero (by a caller that sets no flags).
func (o *readerOptions) check() error {
	o.workers = cmp.Or(o.workers, runtime.NumCPU())
	o.memoryMB = cmp.Or(o.memoryMB, worker.DefaultMemory>>20)
	o.cpu = cmp.Or(o.cpu, worker.DefaultCPU)
	o.time = cmp.Or(o.time, worker.DefaultTime)
	o.ocr = cmp.Or(o.ocr, ingest.OCRAuto)
	switch {
	case o.workers < 1:
		return usageError{fmt.Errorf("--workers must be at least 1, not %d", o.workers)}
	case o.memoryMB < 64:
		return usageError{fmt.Errorf("--max-memory %d MiB is too little for a worker: at least 64", o.memoryMB)}
	case o.cpu < time.Second:
		return usageError{fmt.Errorf("--max-cpu %v is too short: at least 1s", o.cpu)}
	case o.time < time.Second:
		return usageError{fmt.Errorf("--max-time %v is too short: at least 1s", o.time)}
	case o.ocr != ingest.OCRAuto && o.ocr != ingest.OCROff && o.ocr != ingest.OCRForce:
		return usageError{fmt.Errorf("unknown --ocr %q: want auto, off or force", o.ocr)}
	}
	return nil
}

// newPool returns the pool of worker processes that read files for this
// one: this executable, re-run as `jianbao worker`.
func newPool(a *app, o readerOptions, themes *ingest.Taxonomy) (*worker.Pool, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find this program to start workers: %w", err)
	}
	return worker.NewPool(worker.Config{
		Command: []string{exe, "worker"},
		Workers: o.workers,
		Limits:  worker.Limits{Memory: o.memoryMB << 20, CPU: o.cpu, Time: o.time},
		OCR:     o.ocr,
		// The OCR cache is shared; each worker OCRs its file's pages in
		// parallel with what the CPUs left by the other workers allow.
		OCRCacheDir: o.ocrCache,
		OCRWorkers:  max(1, runtime.NumCPU()/max(1, o.workers)),
		Themes:      themes,
		Log:         a.log,
		Debug:       a.log.Enabled(context.Background(), slog.LevelDebug),
		// --cpuprofile FILE: the workers' profiles are FILE.worker-PID.
		CPUProfile: a.prof.cpuPath,
	}), nil
}
