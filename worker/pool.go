package worker

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"jianbao/ingest"
)

// Limits bound each worker and each file it reads.
type Limits struct {
	// Memory bounds the memory a worker writes to, in bytes (DefaultMemory
	// if 0): its heap, stacks and the tools it starts, each on its own.
	Memory int64 `json:"memory,omitempty"`
	// CPU is the CPU time a file may take (DefaultCPU if 0), and
	// CPUPerPage what each page of a PDF adds (DefaultCPUPerPage if 0).
	CPU        time.Duration `json:"cpu,omitempty"`
	CPUPerPage time.Duration `json:"cpu_per_page,omitempty"`
	// Time is the wall-clock time a file may take (DefaultTime if 0), and
	// TimePerPage what each page of a PDF adds (DefaultTimePerPage if 0):
	// OCR runs in tools whose CPU time is their own.
	Time        time.Duration `json:"time,omitempty"`
	TimePerPage time.Duration `json:"time_per_page,omitempty"`
}

// Default limits: a bulletin takes tens of megabytes and milliseconds a
// page, a scanned page a few seconds of OCR, and a page read unsure up to
// five readings (levelled, cleaned three ways, its masthead alone), which
// on a busy machine is half a minute of wall-clock time.
const (
	DefaultMemory      = 1 << 30
	DefaultCPU         = time.Minute
	DefaultCPUPerPage  = 2 * time.Second
	DefaultTime        = 2 * time.Minute
	DefaultTimePerPage = 30 * time.Second
)

func (l Limits) withDefaults() Limits {
	if l.Memory <= 0 {
		l.Memory = DefaultMemory
	}
	if l.CPU <= 0 {
		l.CPU = DefaultCPU
	}
	if l.CPUPerPage <= 0 {
		l.CPUPerPage = DefaultCPUPerPage
	}
	if l.Time <= 0 {
		l.Time = DefaultTime
	}
	if l.TimePerPage <= 0 {
		l.TimePerPage = DefaultTimePerPage
	}
	return l
}

// Config sets up a Pool.
type Config struct {
	// Command starts a worker: the program and its arguments (for jianbao,
	// its own executable and "worker"). Env is added to the environment.
	Command []string
	Env     []string
	// Workers is the number of files read at once (1 if 0).
	Workers int
	Limits  Limits
	// OCR, OCRCacheDir and OCRWorkers are their namesakes of
	// ingest.Options: the OCR cache is shared by the workers.
	OCR         string
	OCRCacheDir string
	OCRWorkers  int
	// Themes tags the records that workers return (ingest.DefaultTaxonomy()
	// if nil): tagging reads a record, not the file, and is done here.
	Themes *ingest.Taxonomy
	// Log receives the workers' log records, with the worker's process
	// id; nil discards them. Debug asks workers for their debug records.
	// What else a worker writes to its stderr (a crash's stack traces) is
	// kept only to tell why it ended.
	Log   *slog.Logger
	Debug bool
	// CPUProfile, when set, has each worker write a CPU profile of its
	// life to CPUProfile.worker-PID (PID its process id), for go tool
	// pprof; a worker killed or over its CPU time writes none.
	CPUProfile string
}

// Pool reads files in worker processes. Its methods may be called from
// several goroutines; Close ends the workers, after which ReadFile must not
// be called.
type Pool struct {
	cfg   Config
	slots chan struct{} // one per file being read
	mu    sync.Mutex
	idle  []*proc
	// started counts the workers started.
	started int
	// filesPerWorker is the most files a worker reads (keep).
	filesPerWorker int
}

// A worker is replaced once it has read filesPerWorker files, or sooner
// once its runtime holds more than its memory bound ÷ heldShare (after a
// large PDF): the heap of a long-lived process fragments, and a worker
// that has read many files should not come near its bound on an ordinary
// one. Reading TXT bulletins, a worker holds about 25 MB after thousands of
// files; replacing one every 500, as earlier versions did, cost 4% of an
// ingest's CPU in starting workers.
const (
	filesPerWorker = 5000
	heldShare      = 4
)

// keep reports whether a worker that has read files files and holds held
// bytes reads the next file too.
func (p *Pool) keep(files int, held uint64) bool {
	return files < p.filesPerWorker && held <= uint64(p.cfg.Limits.Memory)/heldShare
}

// NewPool returns a pool that starts workers as files come; none runs yet.
func NewPool(cfg Config) *Pool {
	cfg.Workers = max(cfg.Workers, 1)
	cfg.Limits = cfg.Limits.withDefaults()
	if cfg.Themes == nil {
		cfg.Themes = ingest.DefaultTaxonomy()
	}
	return &Pool{cfg: cfg, slots: make(chan struct{}, cfg.Workers), filesPerWorker: filesPerWorker}
}

// ReadFile reads the bulletin file at path in a worker, like
// ingest.ReadFile. A worker that crashes, runs over a limit or is killed
// makes the file fail with the reason; the error is in the result, as for
// any file that cannot be read. When ctx ends, the file's worker is killed
// and the result's error is ctx's.
func (p *Pool) ReadFile(ctx context.Context, path string) ingest.FileResult {
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		return ingest.FileResult{Path: path, Err: ctx.Err()}
	}
	defer func() { <-p.slots }()
	w, err := p.get()
	if err != nil {
		return ingest.FileResult{Path: path, Err: fmt.Errorf("%s: %w", path, err)}
	}
	r, healthy := w.read(ctx, path, p.cfg.Limits)
	switch w.files++; {
	case !healthy:
		w.kill()
	case p.keep(w.files, w.held):
		p.put(w)
	default:
		// Replaced: it ends as at the end of a run, writing its CPU
		// profile. The file's answer is in, whatever its exit says.
		if err := w.stop(); err != nil && p.cfg.Log != nil {
			p.cfg.Log.Warn("replacing a worker", "err", err)
		}
	}
	if r.Issue != nil {
		p.cfg.Themes.TagIssue(r.Issue)
	}
	return r
}

// Close ends the workers: each finishes the file it reads, if any, and
// exits; one that does not within a few seconds is killed.
func (p *Pool) Close() error {
	for range p.cfg.Workers {
		p.slots <- struct{}{} // wait for files being read
	}
	defer func() {
		for range p.cfg.Workers {
			<-p.slots
		}
	}()
	p.mu.Lock()
	procs := p.idle
	p.idle = nil
	p.mu.Unlock()
	var errs []error
	for _, w := range procs {
		errs = append(errs, w.stop())
	}
	return errors.Join(errs...)
}

func (p *Pool) get() (*proc, error) {
	p.mu.Lock()
	if n := len(p.idle); n > 0 {
		w := p.idle[n-1]
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		return w, nil
	}
	p.mu.Unlock()
	w, err := start(p.cfg)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	p.started++
	p.mu.Unlock()
	return w, nil
}

func (p *Pool) put(w *proc) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.idle = append(p.idle, w)
}

// proc is one worker process.
type proc struct {
	cmd    *exec.Cmd
	req    *os.File // its requests, fd 3
	resp   *os.File // its answers, fd 4
	dec    *json.Decoder
	stderr *tail
	waited bool
	files  int    // read so far
	held   uint64 // bytes its runtime held after the last file (answer.Held)
}

// start starts a worker and sends it its hello.
func start(cfg Config) (*proc, error) {
	if len(cfg.Command) == 0 {
		return nil, errors.New("no command to start a worker")
	}
	reqR, reqW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("start a worker: %w", err)
	}
	respR, respW, err := os.Pipe()
	if err != nil {
		reqR.Close()
		reqW.Close()
		return nil, fmt.Errorf("start a worker: %w", err)
	}
	cmd := exec.Command(cfg.Command[0], cfg.Command[1:]...)
	cmd.Env = append(os.Environ(), cfg.Env...)
	cmd.ExtraFiles = []*os.File{reqR, respW}
	errs := &tail{}
	if cfg.Log != nil {
		errs.line = func(line []byte) { relog(cfg.Log, cmd, line) }
	}
	cmd.Stdout, cmd.Stderr = errs, errs
	cmd.SysProcAttr = sysProcAttr()
	cmd.WaitDelay = 2 * time.Second
	err = cmd.Start()
	// The child has its own copies of its ends.
	reqR.Close()
	respW.Close()
	if err != nil {
		reqW.Close()
		respR.Close()
		return nil, fmt.Errorf("start a worker: %w", err)
	}
	w := &proc{cmd: cmd, req: reqW, resp: respR, dec: json.NewDecoder(respR), stderr: errs}
	if err := json.NewEncoder(reqW).Encode(hello{Limits: cfg.Limits, OCR: cfg.OCR, OCRCacheDir: cfg.OCRCacheDir, OCRWorkers: cfg.OCRWorkers, Debug: cfg.Debug, CPUProfile: cfg.CPUProfile}); err != nil {
		w.kill()
		return nil, fmt.Errorf("start a worker: %w", w.reason(err, "", 0, cfg.Limits))
	}
	return w, nil
}

// read has the worker read path. healthy is false when the worker is gone
// or must not be reused.
func (w *proc) read(ctx context.Context, path string, lim Limits) (r ingest.FileResult, healthy bool) {
	r.Path = path
	if err := json.NewEncoder(w.req).Encode(request{Path: path}); err != nil {
		w.kill()
		r.Err = fmt.Errorf("%s: %w", path, w.reason(err, "", 0, lim))
		return r, false
	}
	// The wall clock: a deadline on the answers, moved on when the pages
	// are known; ctx ending cuts it short.
	started := time.Now()
	deadline := started.Add(lim.Time)
	if err := w.resp.SetReadDeadline(deadline); err != nil {
		w.kill()
		r.Err = fmt.Errorf("%s: %w", path, err)
		return r, false
	}
	stop := context.AfterFunc(ctx, func() { _ = w.resp.SetReadDeadline(time.Now()) }) // an error means the pipe is closed, and Decode says so
	defer func() {
		if !stop() && healthy {
			// ctx ended as the file was done: the deadline it sets may
			// come after the next file's, so the worker is not reused.
			healthy = false
		}
	}()
	var format string
	var pages int
	for {
		var a answer
		err := w.dec.Decode(&a)
		if err != nil {
			w.kill()
			switch {
			case ctx.Err() != nil:
				r.Err = ctx.Err()
			case errors.Is(err, os.ErrDeadlineExceeded):
				r.Err = fmt.Errorf("%s: over the time limit of %s", path, deadline.Sub(started))
			default:
				r.Err = fmt.Errorf("%s: %w", path, w.reason(err, format, pages, lim))
			}
			return r, false
		}
		if !a.Done {
			if a.Format != "" {
				format = a.Format
			}
			if a.Pages > 0 {
				pages = a.Pages
				deadline = started.Add(lim.Time + time.Duration(pages)*lim.TimePerPage)
				if err := w.resp.SetReadDeadline(deadline); err != nil {
					w.kill()
					r.Err = fmt.Errorf("%s: %w", path, err)
					return r, false
				}
			}
			continue
		}
		r.Size, r.ModTime, r.Issue, r.Warnings = a.Size, a.ModTime, a.Issue, a.Warnings
		w.held = a.Held
		if a.Err != "" {
			r.Err = errors.New(a.Err)
			r.Issue = nil
		}
		return r, !a.Retire
	}
}

// reason says why a worker stopped answering, from how it ended and what
// it printed last; err is what reading from or writing to it gave.
func (w *proc) reason(err error, format string, pages int, lim Limits) error {
	w.kill()
	st := w.cmd.ProcessState
	msg := w.stderr.String()
	reader := "the reader"
	if format == ingest.FormatPDF {
		reader = "the PDF library"
	}
	cpu := lim.CPU + time.Duration(pages)*lim.CPUPerPage
	switch {
	case strings.Contains(msg, "stack overflow") || strings.Contains(msg, "stack exceeds"):
		return fmt.Errorf("%s crashed: stack overflow", reader)
	case strings.Contains(msg, "out of memory") || strings.Contains(msg, "cannot allocate memory") || runtimeFault(msg):
		return fmt.Errorf("over the memory limit of %s", bytesString(lim.Memory))
	case st != nil && st.ExitCode() == exitCPU,
		st != nil && signalled(st, syscall.SIGXCPU),
		st != nil && signalled(st, syscall.SIGKILL) && st.UserTime()+st.SystemTime() >= cpu:
		return fmt.Errorf("over the CPU time limit of %s", cpu)
	case strings.Contains(msg, "panic:"):
		return fmt.Errorf("%s crashed: %s", reader, firstLine(msg[strings.Index(msg, "panic:"):]))
	case st != nil:
		if line := fatalLine(msg); line != "" {
			return fmt.Errorf("the worker process ended (%s): %s", st, line)
		}
		return fmt.Errorf("the worker process ended (%s)", st)
	}
	return fmt.Errorf("the worker process: %w", err)
}

func signalled(st *os.ProcessState, sig syscall.Signal) bool {
	ws, ok := st.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == sig
}

// stop closes the worker's requests, which ends it, and waits a little
// for it to exit before killing it.
func (w *proc) stop() error {
	w.req.Close()
	done := make(chan struct{})
	timer := time.AfterFunc(3*time.Second, func() {
		select {
		case <-done:
		default:
			killGroup(w.cmd)
		}
	})
	defer timer.Stop()
	err := w.wait()
	close(done)
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return fmt.Errorf("worker %d: %s", w.cmd.Process.Pid, ee)
	}
	return err
}

// kill ends the worker and whatever it started, and reaps it.
func (w *proc) kill() {
	if w.waited {
		return
	}
	killGroup(w.cmd)
	_ = w.wait() // a killed process's status is an error by design
}

func (w *proc) wait() error {
	if w.waited {
		return nil
	}
	w.waited = true
	w.req.Close()
	err := w.cmd.Wait()
	w.resp.Close()
	return err
}

// tail keeps the start and the end of what a worker writes to its stderr,
// to tell why it died (the Go runtime names a fatal error first, then
// prints every goroutine's stack), and passes each whole line to line.
type tail struct {
	mu      sync.Mutex
	head    []byte
	buf     []byte
	line    func([]byte)
	partial []byte // of a line not yet ended
}

const (
	headBytes = 4 << 10
	tailBytes = 16 << 10
)

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if n := min(len(p), headBytes-len(t.head)); n > 0 {
		t.head = append(t.head, p[:n]...)
	}
	t.buf = append(t.buf, p...)
	if len(t.buf) > 2*tailBytes {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-tailBytes:]...)
	}
	if t.line != nil {
		t.partial = append(t.partial, p...)
		for {
			i := bytes.IndexByte(t.partial, '\n')
			if i < 0 {
				break
			}
			t.line(t.partial[:i])
			t.partial = t.partial[i+1:]
		}
		if len(t.partial) > tailBytes { // not a log record
			t.partial = t.partial[:0]
		}
	}
	return len(p), nil
}

// relog logs again a worker's log record, a line of JSON from
// slog.JSONHandler; other lines are not records and are left.
func relog(log *slog.Logger, cmd *exec.Cmd, line []byte) {
	var rec map[string]any
	if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &rec) != nil {
		return
	}
	msg, _ := rec[slog.MessageKey].(string)
	var level slog.Level
	if s, ok := rec[slog.LevelKey].(string); !ok || level.UnmarshalText([]byte(s)) != nil {
		level = slog.LevelInfo
	}
	attrs := []slog.Attr{slog.Int("worker", cmd.Process.Pid)}
	for k, v := range rec {
		if k != slog.MessageKey && k != slog.LevelKey && k != slog.TimeKey {
			attrs = append(attrs, slog.Any(k, v))
		}
	}
	slices.SortFunc(attrs[1:], func(a, b slog.Attr) int { return strings.Compare(a.Key, b.Key) })
	log.LogAttrs(context.Background(), level, msg, attrs...)
}

// String returns the start and the end: the whole when it is short.
func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.buf) == len(t.head) {
		return string(t.buf)
	}
	return string(t.head) + "\n…\n" + string(t.buf)
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

// runtimeFault reports a crash on a fault inside the Go runtime's own code
// (its first frame is in package runtime): that is how the runtime fails
// when the kernel refuses it memory while it collects garbage, instead of
// saying it is out of memory.
func runtimeFault(msg string) bool {
	if !strings.HasPrefix(msg, "SIGSEGV") && !strings.HasPrefix(msg, "SIGBUS") {
		return false
	}
	_, stack, ok := strings.Cut(msg, "\ngoroutine ")
	if !ok {
		return false
	}
	_, frames, _ := strings.Cut(stack, "\n")
	return strings.HasPrefix(frames, "runtime.")
}

// fatalLine returns the line in which the Go runtime names a fatal error
// or a panic, else the last line.
func fatalLine(s string) string {
	for line := range strings.Lines(s) {
		if strings.HasPrefix(line, "fatal error:") || strings.HasPrefix(line, "panic:") || strings.HasPrefix(line, "runtime:") {
			return strings.TrimSpace(line)
		}
	}
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return s
}

// bytesString writes n bytes as people say them: 1 GiB, 512 MiB.
func bytesString(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20:
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}
