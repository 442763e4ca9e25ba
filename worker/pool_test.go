package worker

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"jianbao/ingest"
	"jianbao/internal/hostile"
)

// The test binary is also the worker: a pool started by a test runs it
// again with JIANBAO_TEST_WORKER set.
func TestMain(m *testing.M) {
	if os.Getenv("JIANBAO_TEST_WORKER") == "1" {
		err := Serve(context.Background(), os.NewFile(3, "requests"), os.NewFile(4, "answers"), os.Stderr)
		if err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// testConfig starts the test binary as a worker.
func testConfig(lim Limits, workers int) Config {
	return Config{Command: []string{os.Args[0]}, Env: []string{"JIANBAO_TEST_WORKER=1"}, Workers: workers, Limits: lim, OCR: ingest.OCROff}
}

func testPool(t testing.TB, lim Limits, workers int) *Pool {
	t.Helper()
	cfg := testConfig(lim, workers)
	cfg.Log = slog.New(slog.NewTextHandler(testLog{t}, nil))
	p := NewPool(cfg)
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return p
}

// testLog passes what workers write to stderr to the test's log.
type testLog struct{ t testing.TB }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// TestPoolReadsLikeIngest: a worker's record of a bulletin is the one
// ingest.ReadFile makes in-process, field for field, for TXT and PDF.
func TestPoolReadsLikeIngest(t *testing.T) {
	p := testPool(t, Limits{}, 2)
	for _, f := range []string{
		"../testdata/sample/bulletin-2021-014.txt",
		"../testdata/sample/bulletin-2016-004.txt",
		"../ingest/testdata/pdf/bulletin-2021-014.lo.pdf",
		"../ingest/testdata/pdf/bulletin-2022-zk01.cairo.pdf",
	} {
		t.Run(filepath.Base(f), func(t *testing.T) {
			want := ingest.ReadFile(context.Background(), f, ingest.Options{OCR: ingest.OCROff})
			got := p.ReadFile(context.Background(), f)
			if got.Err != nil || want.Err != nil {
				t.Fatalf("errors: worker %v, in-process %v", got.Err, want.Err)
			}
			if got.Size != want.Size || !got.ModTime.Equal(want.ModTime) {
				t.Errorf("file: worker %d %v, in-process %d %v", got.Size, got.ModTime, want.Size, want.ModTime)
			}
			g, _ := json.Marshal(got.Issue)
			w, _ := json.Marshal(want.Issue)
			if string(g) != string(w) {
				t.Errorf("records differ:\nworker     %s\nin-process %s", g, w)
			}
			if len(got.Warnings) != len(want.Warnings) {
				t.Errorf("warnings: worker %v, in-process %v", got.Warnings, want.Warnings)
			}
		})
	}
}

// TestPoolContainsHostileFiles: each class of attacking file fails alone,
// with its reason, and the pool goes on reading good files after it.
func TestPoolContainsHostileFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	fifo := filepath.Join(dir, "fifo.txt")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	good := "../testdata/sample/bulletin-2021-014.txt"
	tests := []struct {
		name, path string
		lim        Limits
		want       string
	}{
		{"self-referencing object stream", write("selfref.pdf", hostile.SelfReferencingObjectStream()), Limits{}, "the PDF library crashed: stack overflow"},
		{"looping /Prev, CPU", write("prev.pdf", hostile.LoopingPrev()), Limits{CPU: 2 * time.Second}, "over the CPU time limit of 2s"},
		{"looping /Prev, wall clock", write("prev2.pdf", hostile.LoopingPrev()), Limits{Time: time.Second}, "over the time limit of 1s"},
		{"pages sharing a giant stream", write("shared.pdf", hostile.SharedContentStream(500, 32<<20)), Limits{}, "content streams decode to more than 134217728 bytes"},
		{"memory", write("lines.txt", hostile.OneCharLines(60<<20)), Limits{Memory: 128 << 20}, "over the memory limit of 128 MiB"},
		{"FIFO", fifo, Limits{}, "not a regular file (a FIFO)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := testPool(t, tt.lim, 1)
			start := time.Now()
			r := p.ReadFile(context.Background(), tt.path)
			if r.Err == nil || !strings.Contains(r.Err.Error(), tt.want) || !strings.HasPrefix(r.Err.Error(), tt.path) {
				t.Fatalf("error = %v, want one naming %s and saying %q", r.Err, tt.path, tt.want)
			}
			t.Logf("%s in %v", r.Err, time.Since(start).Round(time.Millisecond))
			if r := p.ReadFile(context.Background(), good); r.Err != nil || len(r.Issue.Articles) != 5 {
				t.Errorf("the next file: %v", r.Err)
			}
		})
	}
}

// TestPoolCancel: a cancelled read kills its worker at once.
func TestPoolCancel(t *testing.T) {
	p := testPool(t, Limits{}, 1)
	prev := filepath.Join(t.TempDir(), "prev.pdf")
	if err := os.WriteFile(prev, hostile.LoopingPrev(), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	r := p.ReadFile(ctx, prev)
	if r.Err != context.DeadlineExceeded || time.Since(start) > 5*time.Second {
		t.Errorf("error %v after %v, want the context's at once", r.Err, time.Since(start))
	}
}

// TestPoolReusesWorkers: files read one after another share a worker.
func TestPoolReusesWorkers(t *testing.T) {
	p := testPool(t, Limits{}, 1)
	for range 3 {
		if r := p.ReadFile(context.Background(), "../testdata/sample/bulletin-2021-014.txt"); r.Err != nil {
			t.Fatal(r.Err)
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.started != 1 {
		t.Errorf("%d workers started for 3 files, want 1", p.started)
	}
	// What decides when it is replaced.
	if len(p.idle) != 1 || p.idle[0].held < 1<<20 || p.idle[0].held > 1<<30 {
		t.Errorf("the idle worker holds %v, want its runtime's memory, megabytes", heldOf(p.idle))
	}
}

// TestPoolCPUProfile: with Config.CPUProfile, a worker writes its CPU
// profile when it ends, and its profiler's goroutine does not count as one
// a reader left running: the worker reads every file, not one.
func TestPoolCPUProfile(t *testing.T) {
	cfg := testConfig(Limits{}, 1)
	cfg.CPUProfile = filepath.Join(t.TempDir(), "cpu")
	p := NewPool(cfg)
	// A worker replaced after its second file writes its profile too.
	p.filesPerWorker = 2
	for range 5 {
		if r := p.ReadFile(context.Background(), "../testdata/sample/bulletin-2021-014.txt"); r.Err != nil {
			t.Fatal(r.Err)
		}
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if p.started != 3 {
		t.Errorf("%d workers started for 5 files, 2 a worker, want 3", p.started)
	}
	profiles, _ := filepath.Glob(cfg.CPUProfile + ".worker-*")
	if len(profiles) != p.started {
		t.Fatalf("profiles %q, want one for each of %d workers", profiles, p.started)
	}
	for _, path := range profiles {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		// A profile is gzipped protocol buffers; go tool pprof reads it
		// (cmd/jianbao's TestProfiles).
		z, err := gzip.NewReader(f)
		if err != nil {
			t.Errorf("%s: %v", path, err)
		} else if n, err := io.Copy(io.Discard, z); err != nil || n == 0 {
			t.Errorf("%s: %d bytes, %v", path, n, err)
		}
		f.Close()
	}
}

func heldOf(procs []*proc) []uint64 {
	var out []uint64
	for _, w := range procs {
		out = append(out, w.held)
	}
	return out
}

// TestKeepWorker: a worker reads on until it has read filesPerWorker
// files or holds more than a heldShare of its memory bound.
func TestKeepWorker(t *testing.T) {
	p := NewPool(Config{Limits: Limits{Memory: 1 << 30}})
	for _, c := range []struct {
		files int
		held  uint64
		want  bool
	}{
		{1, 25 << 20, true},
		{filesPerWorker - 1, 25 << 20, true},
		{filesPerWorker, 25 << 20, false},
		{1, 256 << 20, true},
		{1, 256<<20 + 1, false},
		{1, 0, true}, // a Go that does not say
	} {
		if got := p.keep(c.files, c.held); got != c.want {
			t.Errorf("keep(%d files, %d bytes) = %v, want %v", c.files, c.held, got, c.want)
		}
	}
}
