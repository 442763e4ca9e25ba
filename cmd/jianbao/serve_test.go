package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"jianbao/archive"
	"jianbao/index"
	"jianbao/ingest"
	"jianbao/internal/hostile"
	"jianbao/internal/synth"
	"jianbao/live"
)

// sampleIndex builds an index of a few bulletins of the sample archive in a
// temporary directory and returns the directory.
func sampleIndex(tb testing.TB) string {
	tb.Helper()
	dir, _ := indexOf(tb, "../../testdata/sample/bulletin-202[01]-*.txt")
	return dir
}

// indexOf builds an index in a temporary directory from the files that
// match pattern and returns it with the files.
func indexOf(tb testing.TB, pattern string) (dir string, files []string) {
	tb.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		tb.Fatalf("sample archive: %v", err)
	}
	dir = tb.TempDir()
	ix, err := index.Open(dir, index.Options{Create: true})
	if err != nil {
		tb.Fatal(err)
	}
	defer ix.Close()
	sum, err := archive.Ingest(context.Background(), ix, files, archive.Options{})
	if err != nil || sum.Failed > 0 {
		tb.Fatalf("ingest: %v %+v", err, sum.Failures)
	}
	return dir, files
}

// TestServe starts the server on a free port, asks it a question, and stops
// it as SIGTERM would.
func TestServe(t *testing.T) {
	dir := sampleIndex(t)
	base, stop := startServe(t, serveOptions{index: dir})
	resp, err := http.Get(base + "/api/search?q=" + url.QueryEscape("永定路") + "&district=" + url.QueryEscape("海淀"))
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Total int `json:"total"`
		Hits  []struct {
			ID       string `json:"id"`
			District string `json:"district"`
		} `json:"hits"`
	}
	err = json.NewDecoder(resp.Body).Decode(&r)
	resp.Body.Close()
	if err != nil || r.Total == 0 || r.Hits[0].District != "海淀区" {
		t.Errorf("search: %v %+v", err, r)
	}
	stopped := make(chan struct{})
	go func() { stop(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("the server still answers after it stopped")
	}
}

func TestServeAddressInUse(t *testing.T) {
	dir := sampleIndex(t)
	code, _, stderr := run(t, "serve", "--index", dir, "--addr", "256.0.0.1:80")
	if code != exitUsage || !strings.Contains(stderr, "cannot listen on 256.0.0.1:80") {
		t.Errorf("exit %d, %q", code, stderr)
	}
}

func TestServeNoIndex(t *testing.T) {
	code, _, stderr := run(t, "serve", "--index", t.TempDir(), "--addr", "127.0.0.1:0")
	if code != exitFailure || !strings.Contains(stderr, "jianbao ingest") {
		t.Errorf("exit %d, %q: want a hint to run ingest", code, stderr)
	}
}

// startServe runs `jianbao serve` in this process on a free port and
// returns its base URL and a function that stops it as SIGTERM does; it
// stops at the end of the test in any case.
func startServe(t *testing.T, opts serveOptions) (string, func()) {
	t.Helper()
	return startServeWith(t, opts, io.Discard, slog.New(slog.DiscardHandler))
}

// startServeWith is startServe with the server's errors and its output
// (the address line included) going to w and its log to log.
func startServeWith(t *testing.T, opts serveOptions, w io.Writer, log *slog.Logger) (string, func()) {
	t.Helper()
	opts.addr = "127.0.0.1:0"
	if opts.interval == 0 {
		opts.interval = 2 * time.Second
	}
	pr, pw := io.Pipe()
	a := &app{out: pw, errOut: w, log: log}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- runServe(ctx, a, opts)
		pw.Close()
	}()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	br := bufio.NewReader(pr)
	line, err := br.ReadString('\n')
	if err != nil {
		t.Fatalf("serve printed no address: %v", err)
	}
	w.Write([]byte(line))
	go io.Copy(w, br)
	i := strings.Index(line, "http://")
	if i < 0 {
		t.Fatalf("serve printed %q", line)
	}
	return strings.TrimSuffix(strings.Fields(line[i:])[0], "/"), stop
}

// waitSearchable polls the server until q finds want, and returns how long
// that took; it fails after 5 s.
func waitSearchable(t *testing.T, base, q, want string) time.Duration {
	t.Helper()
	return waitSearchableWithin(t, base, q, want, 5*time.Second)
}

// waitSearchableWithin is waitSearchable with another deadline.
func waitSearchableWithin(t *testing.T, base, q, want string, within time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for time.Since(start) < within {
		resp, err := http.Get(base + "/api/search?limit=100&q=" + url.QueryEscape(q))
		if err == nil {
			var r struct {
				Hits []struct{ ID string } `json:"hits"`
			}
			json.NewDecoder(resp.Body).Decode(&r)
			resp.Body.Close()
			for _, h := range r.Hits {
				if h.ID == want {
					return time.Since(start)
				}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s did not find %s within %v", q, want, within)
	return 0
}

// TestServeOwnsIndex checks that while serve runs, ingest hands its files to
// it, search and show ask it, and what it acknowledged is in the index after
// it stops.
func TestServeOwnsIndex(t *testing.T) {
	dir := sampleIndex(t)
	base, stop := startServe(t, serveOptions{index: dir})
	if _, err := os.Stat(filepath.Join(dir, live.ServerInfoFile)); err != nil {
		t.Fatalf("no server info: %v", err)
	}
	// The server holds the index: a reader of this or another process
	// cannot open it, so search and show go through the server.
	code, out, stderr := run(t, "search", "--index", dir, "--format", "json", "永定路")
	if code != 0 || !strings.Contains(out, `"2021-014-02"`) {
		t.Fatalf("search while serving: exit %d, %s%s", code, out, stderr)
	}
	if code, out, stderr := run(t, "show", "--index", dir, "2021-014-02"); code != 0 || !strings.Contains(out, "永定路") {
		t.Errorf("show while serving: exit %d, %s%s", code, out, stderr)
	}
	if code, _, stderr := run(t, "show", "--index", dir, "2030-001"); code != exitFailure || !strings.Contains(stderr, "no issue 2030-001") {
		t.Errorf("show of a missing issue while serving: exit %d, %s", code, stderr)
	}

	news, _ := filepath.Glob("../../testdata/sample/bulletin-2016-*.txt")
	if len(news) == 0 {
		t.Fatal("no 2016 bulletins in the sample")
	}
	// The command the scheduled job runs: it finds the server and hands
	// the files over instead of failing on the held index.
	code, out, stderr = run(t, append([]string{"ingest", "--index", dir, "--json"}, news...)...)
	var sum archive.Summary
	if code != 0 || json.Unmarshal([]byte(out), &sum) != nil || sum.Added != len(news) || sum.Failed != 0 {
		t.Fatalf("ingest while serving: exit %d, %s%s", code, out, stderr)
	}
	iss := firstIssue(t, news[0])
	took := waitSearchable(t, base, "issue:"+iss.ID, iss.Articles[0].ID)
	t.Logf("searchable %v after the hand-off was acknowledged", took)

	// Stop the server: the info file goes, the acknowledged issue stays.
	stop()
	if _, err := os.Stat(filepath.Join(dir, live.ServerInfoFile)); !os.IsNotExist(err) {
		t.Errorf("server info left after stop: %v", err)
	}
	if _, err := ingestViaServer(context.Background(), dir, news, false); !errors.Is(err, live.ErrNoServer) {
		t.Errorf("hand-off without a server: %v, want ErrNoServer", err)
	}
	code, out, _ = run(t, "show", "--index", dir, iss.ID)
	if code != 0 || !strings.Contains(out, iss.Articles[0].Headline) {
		t.Errorf("after stop: show %s: exit %d", iss.ID, code)
	}
}

// TestServeWatch checks that serve --watch makes a new bulletin dropped into
// the watched directory searchable within 5 s, without a restart.
func TestServeWatch(t *testing.T) {
	src := t.TempDir()
	copyFile(t, "../../testdata/sample/bulletin-2021-014.txt", filepath.Join(src, "bulletin-2021-014.txt"))
	dir := filepath.Join(t.TempDir(), "index")
	base, _ := startServe(t, serveOptions{index: dir, watch: []string{src}, interval: 300 * time.Millisecond})
	waitSearchable(t, base, "永定路", "2021-014-02")

	news, _ := filepath.Glob("../../testdata/sample/bulletin-2016-*.txt")
	iss := firstIssue(t, news[0])
	start := time.Now()
	copyFile(t, news[0], filepath.Join(src, "new", filepath.Base(news[0])))
	waitSearchable(t, base, "issue:"+iss.ID, iss.Articles[0].ID)
	t.Logf("a new bulletin was searchable %v after it appeared", time.Since(start))
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	// Write under another name and rename, as a careful copy does, so that
	// the watcher never sees half a file.
	if err := os.WriteFile(to+".part", data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(to+".part", to); err != nil {
		t.Fatal(err)
	}
}

func firstIssue(t *testing.T, path string) *ingest.Issue {
	t.Helper()
	iss, _ := ingest.ParseFile(context.Background(), path, ingest.Options{})
	if iss == nil || len(iss.Articles) == 0 {
		t.Fatalf("parse %s", path)
	}
	return iss
}

// TestServeKilledMidIngest kills `jianbao serve` with SIGKILL while it
// ingests files handed to it, a few times, and checks that every ingest it
// acknowledged is in the index and that a final run leaves every issue
// exactly once.
func TestServeKilledMidIngest(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "jianbao")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	src := filepath.Join(tmp, "src")
	gen := synth.Generate(60, 7)
	if err := synth.Write(src, gen); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(src, "*.txt"))
	dir := filepath.Join(tmp, "index")
	ix, err := index.Open(dir, index.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()

	r := rand.New(rand.NewPCG(2, uint64(time.Now().UnixNano())))
	for round := range 3 {
		cmd := exec.Command(bin, "serve", "--index", dir, "--addr", "127.0.0.1:0")
		stdout, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if _, err := bufio.NewReader(stdout).ReadString('\n'); err != nil {
			cmd.Process.Kill()
			t.Fatalf("round %d: serve printed no address: %v", round, err)
		}
		c, err := live.FindServer(dir)
		if err != nil {
			cmd.Process.Kill()
			t.Fatal(err)
		}
		acked := make(chan bool, 1)
		go func() {
			sum, err := c.Ingest(context.Background(), files, false)
			acked <- err == nil && sum.Failed == 0
		}()
		select {
		case ok := <-acked:
			if !ok {
				t.Errorf("round %d: ingest failed", round)
			}
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()
			checkAllIngested(t, dir, gen)
		case <-time.After(time.Duration(50+r.IntN(500)) * time.Millisecond):
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()
			if <-acked {
				checkAllIngested(t, dir, gen) // acknowledged just before the kill
			}
		}
	}
	// The server is gone: its info is stale, not a server.
	if _, err := live.FindServer(dir); !errors.Is(err, live.ErrNoServer) {
		t.Errorf("after SIGKILL: %v, want ErrNoServer", err)
	}
	ix, err = index.Open(dir, index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	sum, err := archive.Ingest(context.Background(), ix, files, archive.Options{})
	if err != nil || sum.Failed != 0 || sum.Issues != len(gen) {
		t.Fatalf("final run: %v %+v, want %d issues", err, sum, len(gen))
	}
	want := 0
	for _, g := range gen {
		want += len(g.Expected.Articles)
	}
	res, err := ix.Search(context.Background(), index.Request{Expr: index.All{}, Limit: 1})
	if err != nil || res.Total != want {
		t.Errorf("articles after the final run: %v %d, want %d (each exactly once)", err, res.Total, want)
	}
}

// checkAllIngested checks that the index in dir holds every generated issue
// with all its articles.
func checkAllIngested(t *testing.T, dir string, gen []synth.File) {
	t.Helper()
	ix, err := index.Open(dir, index.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for _, g := range gen {
		iss, err := ix.Issue(context.Background(), g.Expected.ID)
		if err != nil || len(iss.Articles) != len(g.Expected.Articles) {
			t.Errorf("acknowledged issue %s: %v", g.Expected.ID, err)
		}
	}
}

// TestServeWatchHostile: serve --watch over files that crash or hang the
// PDF library stays up, reports each bad file once with its reason (and
// does not read it again while it is unchanged), and a hand-off from
// jianbao ingest beside them completes and is searchable.
func TestServeWatchHostile(t *testing.T) {
	src := t.TempDir()
	for name, data := range map[string][]byte{
		"selfref.pdf": hostile.SelfReferencingObjectStream(),
		"prev.pdf":    hostile.LoopingPrev(),
	} {
		if err := os.WriteFile(filepath.Join(src, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyFile(t, "../../testdata/sample/bulletin-2021-014.txt", filepath.Join(src, "bulletin-2021-014.txt"))
	dir := filepath.Join(t.TempDir(), "index")
	var errOut syncBuffer
	base, stop := startServeWith(t, serveOptions{index: dir, watch: []string{src}, interval: 200 * time.Millisecond,
		read: readerOptions{cpu: time.Second}}, &errOut, slog.New(slog.DiscardHandler))
	// The first round ends once the looping PDF's worker is stopped.
	waitSearchableWithin(t, base, "永定路", "2021-014-02", time.Minute)

	// A hand-off beside the watcher.
	news, _ := filepath.Glob("../../testdata/sample/bulletin-2016-*.txt")
	iss := firstIssue(t, news[0])
	if code, out, stderr := run(t, "ingest", "--index", dir, news[0]); code != 0 {
		t.Fatalf("hand-off: exit %d\n%s%s", code, out, stderr)
	}
	waitSearchable(t, base, "issue:"+iss.ID, iss.Articles[0].ID)
	// A crashing PDF handed off: it fails, the server stays.
	elsewhere := filepath.Join(t.TempDir(), "handed.pdf")
	if err := os.WriteFile(elsewhere, hostile.SelfReferencingObjectStream(), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := run(t, "ingest", "--index", dir, elsewhere); code != 1 || !strings.Contains(stderr, "handed.pdf: the PDF library crashed: stack overflow") {
		t.Errorf("hand-off of a crashing PDF: exit %d\n%s", code, stderr)
	}
	waitSearchable(t, base, "永定路", "2021-014-02")

	time.Sleep(time.Second) // rounds of the watcher
	code, out, stderr := run(t, "stats", "--index", dir, "--format", "json")
	if code != 0 {
		t.Fatalf("stats: exit %d %s", code, stderr)
	}
	var st struct {
		Failed []index.FailedFile `json:"failed_files"`
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"prev.pdf": "over the CPU time limit of 1s", "selfref.pdf": "the PDF library crashed: stack overflow",
		"handed.pdf": "the PDF library crashed: stack overflow"}
	if len(st.Failed) != len(want) {
		t.Errorf("stats lists failed files %+v, want %v", st.Failed, want)
	}
	for _, f := range st.Failed {
		if w := want[filepath.Base(f.Path)]; w == "" || !strings.Contains(f.Err, w) {
			t.Errorf("failed file %s: %q, want %q", f.Path, f.Err, w)
		}
	}
	stop()
	for _, name := range []string{"prev.pdf", "selfref.pdf"} {
		if n := strings.Count(errOut.String(), name+": "); n != 1 {
			t.Errorf("%s reported %d times, want once:\n%s", name, n, errOut.String())
		}
	}
}

// TestServeAllowHost checks the Host allow-list of jianbao serve: loopback
// by default, the names of --allow-host and the host of --addr besides,
// 421 for any other name, and a usage error for a value that names no host.
func TestServeAllowHost(t *testing.T) {
	dir := sampleIndex(t)
	base, _ := startServe(t, serveOptions{index: dir, hosts: []string{"jianbao.example.org"}})
	port := base[strings.LastIndex(base, ":")+1:]
	for _, tt := range []struct {
		host string
		want int
	}{
		{"", 200},
		{"localhost:" + port, 200},
		{"jianbao.example.org", 200},
		{"jianbao.example.org:" + port, 200},
		{"rebound.example:" + port, 421},
	} {
		req, err := http.NewRequest("GET", base+"/api/search?q="+url.QueryEscape("永定路"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if tt.host != "" {
			req.Host = tt.host
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("Host %q: %d %s, want %d", tt.host, resp.StatusCode, body, tt.want)
		}
		if tt.want == 421 && !strings.Contains(string(body), "--allow-host") {
			t.Errorf("Host %q: 421 without the way out: %s", tt.host, body)
		}
	}
	for _, bad := range []string{"", "a/b", "*"} {
		code, _, stderr := run(t, "serve", "--index", dir, "--addr", "127.0.0.1:0", "--allow-host", bad)
		if code != exitUsage || !strings.Contains(stderr, "--allow-host") {
			t.Errorf("--allow-host %q: exit %d, %q", bad, code, stderr)
		}
	}
	for _, tt := range []struct {
		addr  string
		hosts []string
		want  []string
	}{
		{"127.0.0.1:8080", nil, []string{"127.0.0.1"}},
		{":8080", []string{"a.example"}, []string{"a.example"}},
		{"0.0.0.0:8080", nil, nil},
		{"[::]:8080", nil, nil},
		{"192.0.2.7:8080", []string{"a.example"}, []string{"a.example", "192.0.2.7"}},
		{"jianbao.lan:80", nil, []string{"jianbao.lan"}},
	} {
		if got := allowedHosts(serveOptions{addr: tt.addr, hosts: tt.hosts}); !slices.Equal(got, tt.want) {
			t.Errorf("allowedHosts(%s, %v) = %v, want %v", tt.addr, tt.hosts, got, tt.want)
		}
	}
}
