package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"runtime/pprof"
	"sync"
	"syscall"
	"time"

	"jianbao/ingest"
)

// maxStack bounds a worker's goroutine stacks, far below Go's default of
// 1 GB: a reader that recurses without end dies with "stack overflow"
// after a few seconds rather than first taking the memory limit.
const maxStack = 64 << 20

// Serve is a worker's main loop: it reads the hello from in, bounds its own
// process as the hello says, then reads each requested file and writes the
// answers to out, until in ends. Logs go to stderr. It is what the hidden
// `jianbao worker` command runs, with in and out the file descriptors 3 and
// 4 the pool gives it; it is not for the process that ingests.
func Serve(ctx context.Context, in io.Reader, out io.Writer, stderr io.Writer) error {
	dec := json.NewDecoder(in)
	var h hello
	if err := dec.Decode(&h); err != nil {
		return fmt.Errorf("worker: read hello: %w", err)
	}
	h.Limits = h.Limits.withDefaults()
	if err := limitMemory(h.Limits.Memory); err != nil {
		return fmt.Errorf("worker: %w", err)
	}
	debug.SetMaxStack(maxStack)
	level := slog.LevelWarn
	if h.Debug {
		level = slog.LevelDebug
	}
	// Records as JSON lines, which the pool logs again as its own.
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level}))

	w := &answerWriter{enc: json.NewEncoder(out)}
	w.enc.SetEscapeHTML(false)
	// A file over its CPU time: the kernel sends SIGXCPU, which Go would
	// ignore. The worker exits at once with a status the pool knows.
	xcpu := make(chan os.Signal, 1)
	signal.Notify(xcpu, syscall.SIGXCPU)
	defer signal.Stop(xcpu)
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-xcpu:
			fmt.Fprintln(stderr, "worker: over the CPU time limit")
			os.Exit(exitCPU)
		case <-done:
		}
	}()
	if h.CPUProfile != "" {
		stop, err := startCPUProfile(fmt.Sprintf("%s.worker-%d", h.CPUProfile, os.Getpid()))
		if err != nil {
			log.Warn("no CPU profile", "err", err) // the files are read all the same
		} else {
			defer func() {
				if err := stop(); err != nil {
					log.Warn("CPU profile", "err", err)
				}
			}()
		}
	}
	// Goroutines of its own, the profiler's included; more after a file
	// means the reader left one running (a PDF call abandoned at its time
	// limit).
	baseline := runtime.NumGoroutine()
	for {
		var req request
		if err := dec.Decode(&req); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("worker: read request: %w", err)
		}
		start := cpuTime()
		if err := limitCPU(start + h.Limits.CPU); err != nil {
			return fmt.Errorf("worker: %w", err)
		}
		opts := ingest.Options{
			Logger:      log,
			OCR:         h.OCR,
			OCRCacheDir: h.OCRCacheDir,
			OCRWorkers:  h.OCRWorkers,
			Untagged:    true,
			Progress: func(format string, pages int) {
				if format != ingest.FormatPDF {
					return // only a PDF's progress moves the limits or names a crash
				}
				if pages > 0 {
					// A limit the kernel cannot set leaves the one set
					// for the file: stricter, not looser.
					_ = limitCPU(start + h.Limits.CPU + time.Duration(pages)*h.Limits.CPUPerPage)
				}
				w.send(answer{Format: format, Pages: pages})
			},
		}
		r := ingest.ReadFile(ctx, req.Path, opts)
		a := answer{Done: true, Size: r.Size, ModTime: r.ModTime, Issue: r.Issue, Warnings: r.Warnings}
		if r.Err != nil {
			a.Err = r.Err.Error()
		}
		a.Retire = runtime.NumGoroutine() > baseline
		a.Held = heldMemory()
		if err := w.send(a); err != nil {
			return fmt.Errorf("worker: write answer: %w", err)
		}
		if a.Retire {
			log.Debug("worker retires: a reader is still running", "goroutines", runtime.NumGoroutine(), "baseline", baseline)
			return nil
		}
	}
}

// startCPUProfile starts the process's CPU profile, written to path when
// stop is called.
func startCPUProfile(path string) (stop func() error, err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close() // empty, and reported unusable
		return nil, err
	}
	return func() error {
		pprof.StopCPUProfile()
		return f.Close()
	}, nil
}

// answerWriter sends answers; progress comes from the reader's goroutine.
type answerWriter struct {
	mu  sync.Mutex
	enc *json.Encoder
}

func (w *answerWriter) send(a answer) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.enc.Encode(a)
}

// heldMemory is the memory the Go runtime holds from the system: all it
// has mapped but the heap it has released. 0 if this Go does not say.
func heldMemory() uint64 {
	m := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(m)
	if m[0].Value.Kind() != metrics.KindUint64 || m[1].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return m[0].Value.Uint64() - m[1].Value.Uint64()
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// limitCPU sets the soft limit of the process's CPU time to total, rounded
// up to a whole second; the hard limit is left as it is.
func limitCPU(total time.Duration) error {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_CPU, &l); err != nil {
		return fmt.Errorf("read the CPU limit: %w", err)
	}
	l.Cur = uint64((total + time.Second - 1) / time.Second)
	if l.Max != ^uint64(0) && l.Cur > l.Max { // ^0: RLIM_INFINITY
		l.Cur = l.Max
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_CPU, &l); err != nil {
		return fmt.Errorf("set the CPU limit: %w", err)
	}
	return nil
}

// limitMemory bounds the memory the process can write to n bytes, and has
// the garbage collector work harder as the heap nears it. The bound is
// RLIMIT_DATA, which counts the private writable mappings (heap and
// anonymous mappings) since Linux 4.7: the address space (RLIMIT_AS) would
// also count the large ranges the Go runtime reserves but never touches,
// about a gigabyte before the first allocation. No core file is written:
// it would be as large as the limit.
func limitMemory(n int64) error {
	l := syscall.Rlimit{Cur: uint64(n), Max: uint64(n)}
	if err := syscall.Setrlimit(syscall.RLIMIT_DATA, &l); err != nil {
		return fmt.Errorf("set the memory limit: %w", err)
	}
	debug.SetMemoryLimit(n / 2)
	core := syscall.Rlimit{}
	if err := syscall.Setrlimit(syscall.RLIMIT_CORE, &core); err != nil {
		return fmt.Errorf("set the core file limit: %w", err)
	}
	return nil
}
