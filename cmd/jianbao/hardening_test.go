package main

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"jianbao/archive"
	"jianbao/index"
	"jianbao/internal/hostile"
	"jianbao/live"
)

// buildJianbao builds the command into a temporary directory and returns
// the binary's path.
func buildJianbao(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "jianbao")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// runBinary runs bin with args under a deadline and returns its exit code,
// output, wall time and peak resident set size.
func runBinary(t *testing.T, bin string, deadline time.Duration, args ...string) (code int, stdout, stderr string, took time.Duration, maxRSS int64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	// Past the deadline: SIGQUIT, so that the goroutines show where it hangs.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGQUIT) }
	cmd.WaitDelay = 5 * time.Second
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	took = time.Since(start)
	if ctx.Err() != nil {
		dump := errOut.String()
		if i := strings.Index(dump, "goroutine 1 "); i >= 0 {
			dump = dump[i:min(len(dump), i+6000)]
		}
		t.Fatalf("jianbao %s: still running after %v\n%s", strings.Join(args, " "), deadline, dump)
	}
	if err != nil && cmd.ProcessState == nil {
		t.Fatalf("jianbao %s: %v", strings.Join(args, " "), err)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		maxRSS = ru.Maxrss << 10 // kilobytes on Linux
	}
	return cmd.ProcessState.ExitCode(), out.String(), errOut.String(), took, maxRSS
}

// buildPDF assembles a PDF of the given object bodies, numbered from 1,
// with a correct cross-reference table; object 1 is the catalog.
func buildPDF(objs ...[]byte) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	var offs []int
	for i, o := range objs {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n", i+1)
		b.Write(o)
		b.WriteString("\nendobj\n")
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offs)+1, xref)
	return b.Bytes()
}

const (
	pdfCatalog = "<< /Type /Catalog /Pages 2 0 R >>"
	pdfPages   = "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
	pdfPage    = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>"
)

// nestedPDF is a one-page PDF whose page content is an array nested depth
// deep, and whose page dictionary holds dictionaries nested as deep.
func nestedPDF(depth int) []byte {
	arr := strings.Repeat("[", depth) + strings.Repeat("]", depth)
	dict := strings.Repeat("<< /A ", depth) + "1" + strings.Repeat(" >>", depth)
	page := strings.Replace(pdfPage, "/Contents 4 0 R", "/Contents 4 0 R /Deep "+dict, 1)
	content := "BT /F1 12 Tf " + arr + " TJ ET"
	return buildPDF([]byte(pdfCatalog), []byte(pdfPages), []byte(page),
		[]byte(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content)))
}

// streamBombPDF is a one-page PDF whose content stream inflates from a few
// hundred kilobytes to n bytes.
func streamBombPDF(t *testing.T, n int) []byte {
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	chunk := bytes.Repeat([]byte("BT /F1 12 Tf (a) Tj ET\n"), 1<<14)
	for w := 0; w < n; w += len(chunk) {
		if _, err := zw.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	zw.Close()
	stream := append([]byte(fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>\nstream\n", z.Len())), z.Bytes()...)
	stream = append(stream, "\nendstream"...)
	return buildPDF([]byte(pdfCatalog), []byte(pdfPages), []byte(pdfPage), stream)
}

// TestIngestNastyBatch runs the real binary on a batch of hostile files
// mixed with good bulletins: each bad file gets its own clear error, the
// good ones are ingested, and the run stays within bounds of time and
// memory. The big inputs are made here; nothing large is committed.
func TestIngestNastyBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and writes a 200 MB sparse file")
	}
	bin := buildJianbao(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "archive")
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name string, data []byte) string {
		p := filepath.Join(src, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	junk := make([]byte, 1<<16)
	r := rand.New(rand.NewPCG(3, 4))
	for i := range junk {
		junk[i] = byte(r.UintN(256))
	}
	var zipped bytes.Buffer
	zw := zip.NewWriter(&zipped)
	w, _ := zw.Create("bulletin.txt")
	w.Write(bytes.Repeat([]byte("首都精神文明建设情况简报\n"), 100))
	zw.Close()
	gbk, _ := simplifiedchinese.GBK.NewEncoder().Bytes([]byte("【工作动态】\n海淀区开展志愿服务。\n"))
	var giant strings.Builder
	giant.WriteString("首都精神文明建设情况简报\n第 9 期\n首都精神文明办\n2019年5月6日\n【简讯】\n")
	for i := range 10000 {
		fmt.Fprintf(&giant, "海淀区第%d项活动开展志愿服务,参与群众%d人。\n(海淀区文明办)\n", i, i*3)
	}
	giant.WriteString("责编:梅雪峰\n")
	huge := filepath.Join(src, "huge-200mb.txt")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(200 << 20); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	f.Close()

	bad := map[string]string{ // path → part of its error
		write("empty.txt", nil):                                  "empty file",
		write("junk.txt", junk):                                  "offset",
		write("junk.pdf", append([]byte("%PDF-1.7\n"), junk...)): "",
		huge: "file too large",
		write("nested-bomb.pdf", nestedPDF(200000)):         "",
		write("stream-bomb.pdf", streamBombPDF(t, 200<<20)): "",
		write("zip-renamed.pdf", zipped.Bytes()):            "",
		write("mixed-encodings.txt", append([]byte("首都精神文明建设情况简报\n第1期\n2021年1月1日\n"), gbk...)):                                         "neither UTF-8",
		write("long-line.txt", append([]byte("首都精神文明建设情况简报\n第1期\n2018年1月1日\n【工作动态】\n"), bytes.Repeat([]byte("很长的一行没有标点"), 600000)...)): "over the limit of 1048576",
		// Each crashes, hangs or exhausts the PDF library in-process.
		write("selfref-objstm.pdf", hostile.SelfReferencingObjectStream()):   "the PDF library crashed: stack overflow",
		write("looping-prev.pdf", hostile.LoopingPrev()):                     "over the CPU time limit of 3s",
		write("shared-stream.pdf", hostile.SharedContentStream(500, 32<<20)): "content streams decode to more than",
		write("commented-xref.pdf", hostile.CommentedXrefHeader()):           "names more objects than a file of",
		write("tiny-articles.txt", hostile.TinyArticles(12_000)):             "more than 10000 articles",
		write("tiny-articles-100k.txt", hostile.TinyArticles(100_000)):       "more than 100000 lines",
		write("one-char-lines.txt", hostile.OneCharLines(60<<20)):            "more than 100000 lines",
	}
	fifo := filepath.Join(src, "fifo.txt")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	bad[fifo] = "not a regular file (a FIFO)"
	// Absurd but well-formed: ingested.
	write("giant-10000.txt", []byte(giant.String()))
	var good []string
	for _, name := range []string{"bulletin-2021-014.txt", "bulletin-2016-002.txt", "bulletin-2017-009.txt"} {
		data, err := os.ReadFile(filepath.Join(sampleDir, name))
		if err != nil {
			t.Fatal(err)
		}
		good = append(good, write(name, data))
	}

	if d := os.Getenv("JIANBAO_KEEP_NASTY"); d != "" {
		os.CopyFS(d, os.DirFS(src))
	}
	ix := filepath.Join(dir, "index")
	// A CPU bound of 3 s instead of a minute keeps the looping PDF short;
	// make soak runs with the defaults.
	args := []string{"ingest", "--index", ix, "--json", "--max-cpu", "3s", src}
	if os.Getenv("JIANBAO_SOAK") != "" {
		args = []string{"ingest", "--index", ix, "--json", src}
		bad[filepath.Join(src, "looping-prev.pdf")] = "over the CPU time limit of 1m0s"
	}
	code, out, stderr, took, rss := runBinary(t, bin, 5*time.Minute, args...)
	t.Logf("nasty batch: exit %d in %v, peak RSS %d MiB", code, took.Round(time.Millisecond), rss>>20)
	if code != exitFailure {
		t.Errorf("exit %d, want %d\n%s", code, exitFailure, stderr)
	}
	var sum archive.Summary
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatalf("summary: %v\n%s", err, out)
	}
	if sum.Added != len(good)+1 || sum.Failed != len(bad) {
		t.Errorf("added %d, failed %d; want %d added (the good bulletins and the giant), %d failed\n%s",
			sum.Added, sum.Failed, len(good)+1, len(bad), stderr)
	}
	for path, want := range bad {
		line := ""
		for _, l := range strings.Split(stderr, "\n") {
			if strings.HasPrefix(l, "error: "+path+": ") {
				line = l
			}
		}
		if line == "" || !strings.Contains(line, want) || strings.Contains(line, "goroutine ") {
			t.Errorf("%s: error line %q, want one saying %q", filepath.Base(path), line, want)
		} else {
			t.Logf("%s", strings.TrimPrefix(line, "error: "+src+"/"))
		}
	}
	// Bounds: the whole batch, 200 MB and bombs included.
	if took > 3*time.Minute {
		t.Errorf("the batch took %v", took)
	}
	// rss is the largest of jianbao and its workers.
	const rssBound = 1 << 30
	if rss > rssBound {
		t.Errorf("peak RSS %d MiB, over %d MiB", rss>>20, rssBound>>20)
	}
	for _, s := range []string{"fatal error", "panic:", "goroutine "} {
		if strings.Contains(stderr, s) {
			t.Errorf("stderr shows %q:\n%.2000s", s, stderr)
		}
	}
	// The good bulletins and the giant are searchable.
	code, out, stderr = run(t, "search", "--index", ix, "--format", "json", "--limit", "1", "第9999项活动")
	if code != 0 || !strings.Contains(out, "2019-009-10000") {
		t.Errorf("search of the giant bulletin: exit %d %s %.200s", code, stderr, out)
	}
	if code, out, _ := run(t, "search", "--index", ix, "--format", "json", "--limit", "1", "永定路"); code != 0 || !strings.Contains(out, "2021-014") {
		t.Errorf("search of a good bulletin: exit %d %.200s", code, out)
	}
}

// TestIngestFullDisk ingests onto small tmpfs file systems that fill up at
// different points (an eighth, half and all of the finished index's size:
// while batches are written, while segments are merged):
// each run fails with a clear error instead of hanging, and the index left
// behind opens and takes the rest, each issue once, when there is room
// again. Needs root and mount(2); skipped otherwise.
func TestIngestFullDisk(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	probe := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", probe).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs to fill (needs root and a kernel that allows it): %v %s", err, out)
	}
	exec.Command("umount", probe).Run()
	bin := buildJianbao(t)
	files, _ := filepath.Glob(filepath.Join(sampleDir, "*.txt"))
	// Sizes relative to the finished index: full while the first batches
	// are written, half way, and at the end, while segments are merged.
	whole := filepath.Join(t.TempDir(), "index")
	if code, _, stderr, _, _ := runBinary(t, bin, 2*time.Minute, "ingest", "--index", whole, "--batch-docs", "20", sampleDir); code != 0 {
		t.Fatalf("ingest: %s", stderr)
	}
	var total int64
	filepath.WalkDir(whole, func(p string, d fs.DirEntry, err error) error {
		if info, err := os.Stat(p); err == nil && info.Mode().IsRegular() {
			total += info.Size()
		}
		return nil
	})
	for i, size := range []string{fmt.Sprintf("%dk", total/8>>10), fmt.Sprintf("%dk", total/2>>10), fmt.Sprintf("%dk", total>>10)} {
		t.Run(size, func(t *testing.T) {
			mnt := t.TempDir()
			if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", mnt).CombinedOutput(); err != nil {
				t.Fatalf("mount: %v %s", err, out)
			}
			defer exec.Command("umount", mnt).Run()
			ix := filepath.Join(mnt, "index")
			code, _, stderr, took, _ := runBinary(t, bin, time.Minute, "ingest", "--index", ix, "--batch-docs", "20", sampleDir)
			if code == 0 {
				if i < 2 {
					t.Fatalf("ingest onto a %s disk succeeded; make it smaller", size)
				}
				// The index varies in size from run to run: at its own
				// size it may just fit.
				t.Skipf("the index fitted in %s this time", size)
			}
			if !strings.Contains(stderr, "no space left on device") || !strings.Contains(stderr, ix) {
				t.Errorf("error does not say the disk is full:\n%s", stderr)
			}
			if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine ") {
				t.Errorf("crashed:\n%s", stderr)
			}
			t.Logf("full %s disk: exit %d after %v: %s", size, code, took.Round(time.Millisecond), lastLine(stderr))

			// Room again: the rerun completes the index, each issue once.
			if out, err := exec.Command("mount", "-o", "remount,size=64m", mnt).CombinedOutput(); err != nil {
				t.Fatalf("remount: %v %s", err, out)
			}
			code, out, stderr, _, _ := runBinary(t, bin, 2*time.Minute, "ingest", "--index", ix, "--json", sampleDir)
			if code != 0 {
				t.Fatalf("ingest after the disk was freed: exit %d\n%s", code, stderr)
			}
			var sum archive.Summary
			if err := json.Unmarshal([]byte(out), &sum); err != nil || sum.Issues != len(files) {
				t.Fatalf("summary %v %+v, want %d issues", err, sum, len(files))
			}
			x, err := index.Open(ix, index.Options{ReadOnly: true})
			if err != nil {
				t.Fatalf("index after a full disk: %v", err)
			}
			defer x.Close()
			list, err := x.Issues(context.Background())
			if err != nil || len(list) != len(files) {
				t.Errorf("issues: %v, %d, want %d", err, len(list), len(files))
			}
		})
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// TestDamagedAndForeignIndex damages copies of a good index in several
// ways, and points jianbao at directories that are not indexes: each is
// refused with a message that names the problem and what to do, and
// nothing is written into a foreign directory.
func TestDamagedAndForeignIndex(t *testing.T) {
	good := sampleIndex(t)
	segs, _ := filepath.Glob(filepath.Join(good, "store", "*.zap"))
	if len(segs) == 0 {
		t.Fatal("the index has no segment files")
	}
	seg := filepath.Join("store", filepath.Base(segs[0]))
	damage := []struct {
		name string
		do   func(dir string) error
	}{
		{"index_meta.json truncated", func(d string) error { return os.Truncate(filepath.Join(d, "index_meta.json"), 10) }},
		{"index_meta.json garbled", func(d string) error {
			return os.WriteFile(filepath.Join(d, "index_meta.json"), []byte("\x00\xff garbage"), 0o644)
		}},
		{"root.bolt truncated", func(d string) error { return os.Truncate(filepath.Join(d, "store", "root.bolt"), 100) }},
		{"root.bolt gone", func(d string) error { return os.Remove(filepath.Join(d, "store", "root.bolt")) }},
		// Every page but the two meta pages garbled: bbolt panics on the
		// first it reads (TestDamagedRootPage in index tries each page).
		{"root.bolt pages garbled", func(d string) error {
			f, err := os.OpenFile(filepath.Join(d, "store", "root.bolt"), os.O_RDWR, 0)
			if err != nil {
				return err
			}
			defer f.Close()
			st, _ := f.Stat()
			_, err = f.WriteAt(bytes.Repeat([]byte{0xA5}, int(st.Size())-2*4096), 2*4096)
			return err
		}},
		{"segment truncated", func(d string) error { return os.Truncate(filepath.Join(d, seg), 4096) }},
		{"segment emptied", func(d string) error { return os.Truncate(filepath.Join(d, seg), 0) }},
		{"segment gone", func(d string) error { return os.Remove(filepath.Join(d, seg)) }},
		{"segment garbled at its end", func(d string) error {
			f, err := os.OpenFile(filepath.Join(d, seg), os.O_RDWR, 0)
			if err != nil {
				return err
			}
			defer f.Close()
			st, _ := f.Stat()
			_, err = f.WriteAt(bytes.Repeat([]byte{0xA5}, 64), st.Size()-64)
			return err
		}},
	}
	for _, tt := range damage {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "index")
			if err := os.CopyFS(dir, os.DirFS(good)); err != nil {
				t.Fatal(err)
			}
			if err := tt.do(dir); err != nil {
				t.Fatal(err)
			}
			for _, args := range [][]string{
				{"search", "--index", dir, "文明"},
				{"ingest", "--index", dir, sampleDir + "/bulletin-2021-014.txt"},
			} {
				code, out, stderr := run(t, args...)
				if code != exitFailure || !strings.Contains(stderr, "is damaged") || !strings.Contains(stderr, "jianbao ingest --index "+dir) {
					t.Errorf("%s: exit %d: %s%.300s", args[0], code, stderr, out)
				}
			}
			// The damage is left as found: nothing was deleted to "recover".
			if _, err := os.Stat(filepath.Join(dir, "index_meta.json")); err != nil {
				t.Errorf("index_meta.json: %v", err)
			}
		})
	}

	foreign := t.TempDir()
	os.WriteFile(filepath.Join(foreign, "notes.txt"), []byte("my notes"), 0o644)
	os.Mkdir(filepath.Join(foreign, "photos"), 0o755)
	for _, args := range [][]string{
		{"ingest", "--index", foreign, sampleDir + "/bulletin-2021-014.txt"},
		{"search", "--index", foreign, "文明"},
		{"serve", "--index", foreign, "--addr", "127.0.0.1:0"},
	} {
		code, _, stderr := run(t, args...)
		if code != exitFailure || !strings.Contains(stderr, foreign+" is not a jianbao index") || !strings.Contains(stderr, "notes.txt") {
			t.Errorf("%s on a foreign directory: exit %d: %s", args[0], code, stderr)
		}
	}
	entries, _ := os.ReadDir(foreign)
	if len(entries) != 2 {
		t.Errorf("jianbao wrote into the foreign directory: %v", entries)
	}
	// A bleve-looking directory with a meta file that is not bleve's.
	fake := t.TempDir()
	os.WriteFile(filepath.Join(fake, "index_meta.json"), []byte(`{"storage":"elsewhere"}`), 0o644)
	if code, _, stderr := run(t, "search", "--index", fake, "文明"); code != exitFailure || !strings.Contains(stderr, fake) {
		t.Errorf("search on a fake index: exit %d: %s", code, stderr)
	}
}

// TestServeDefaultsToLoopback checks that serve listens on 127.0.0.1 unless
// told otherwise.
func TestServeDefaultsToLoopback(t *testing.T) {
	cmd := newServeCmd(&app{})
	if def := cmd.Flags().Lookup("addr").DefValue; !strings.HasPrefix(def, "127.0.0.1:") {
		t.Errorf("--addr defaults to %q, want loopback", def)
	}
}

// TestServeLogsNoToken runs the server with the Debug log on, hands it a
// file, and checks that its token appears in neither its log nor its
// output, while serve.json keeps it readable by its user only.
func TestServeLogsNoToken(t *testing.T) {
	dir := sampleIndex(t)
	var logged syncBuffer
	base, stop := startServeLogged(t, serveOptions{index: dir}, &logged)
	c, err := live.FindServer(dir)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, live.ServerInfoFile))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("%s: %v mode %v, want 0600", live.ServerInfoFile, err, st.Mode())
	}
	if _, err := c.Ingest(context.Background(), []string{sampleDir + "/bulletin-2021-014.txt"}, false); err != nil {
		t.Fatalf("hand-off: %v", err)
	}
	(&live.Client{URL: base, Token: "wrong"}).Ingest(context.Background(), []string{"/x.txt"}, false)
	stop()
	if !strings.Contains(logged.String(), "ingested") {
		t.Fatalf("nothing logged:\n%s", logged.String())
	}
	if strings.Contains(logged.String(), c.Token) {
		t.Errorf("the token is in the log:\n%s", logged.String())
	}
}

// startServeLogged is startServe with the Debug log, the errors and the
// output after the first line all going to logged.
func startServeLogged(t *testing.T, opts serveOptions, logged *syncBuffer) (string, func()) {
	t.Helper()
	return startServeWith(t, opts, logged, slog.New(slog.NewTextHandler(logged, &slog.HandlerOptions{Level: slog.LevelDebug})))
}

// syncBuffer is a buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
