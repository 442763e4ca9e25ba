package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"jianbao/ingest"
	"jianbao/internal/measure"
	"jianbao/internal/synth"
)

// BenchmarkScale is make bench-scale: jianbao beside Groonga (a CJK-first
// C engine with bigram positions, Debian groonga-bin) on one generated
// archive of JIANBAO_SCALE_ARTICLES articles (100,000 by default; seed 1),
// the same texts loaded into each, the same queries (mixed lengths, 1 to
// 16 characters, drawn from the texts) sent over loopback HTTP by one
// client, top 10 by score. It prints, side by side: the time from files to
// a searchable index and the CPU it took, query p50 and p99 after a warm-up pass, the server's
// resident memory after the queries (private memory and mapped index pages
// apart), and jianbao's export of every article. Groonga's half is skipped
// with a message when groonga is not installed (the make target installs
// it). With JIANBAO_SCALE_DIR the archive, the index and Groonga's database
// are kept in that directory, and a later run reuses what a finished step
// left there (its ingest shows as reused), so that serving a million
// articles can be measured again without half an hour of ingest.
func BenchmarkScale(b *testing.B) {
	n := 100_000
	if s := os.Getenv("JIANBAO_SCALE_ARTICLES"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil {
			b.Fatalf("JIANBAO_SCALE_ARTICLES: %v", err)
		}
		n = v
	}
	dir := os.Getenv("JIANBAO_SCALE_DIR")
	if dir == "" {
		dir = b.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	bin := filepath.Join(dir, "jianbao")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v: %s", err, out)
	}
	src := filepath.Join(dir, "src")
	if !done(dir, "src") {
		if err := os.RemoveAll(src); err != nil {
			b.Fatal(err)
		}
		if err := synth.Write(src, synth.Generate(n*10/55+1, 1)); err != nil {
			b.Fatal(err)
		}
		markDone(b, dir, "src")
	}
	files, _ := filepath.Glob(filepath.Join(src, "*.txt"))
	var keys, texts []string
	textBytes := 0
	for _, f := range files {
		iss, _ := ingest.ParseFile(context.Background(), f, ingest.Options{})
		if iss == nil {
			continue
		}
		for _, a := range iss.Articles {
			t := ingest.MatchText(a.Headline) + "\n" + ingest.MatchText(a.SourceOrg) + "\n" + ingest.MatchText(a.Body)
			keys, texts = append(keys, a.ID), append(texts, t)
			textBytes += len(t)
		}
	}
	queries := scaleQueries(texts, 300)
	b.Logf("%d articles, %.1f MB of normalised text, %d queries", len(texts), float64(textBytes)/1e6, len(queries))
	b.ResetTimer()

	// jianbao: files → index, then serve and query.
	idx := filepath.Join(dir, "index")
	jIngest, jIngestCPU := "reused", "reused"
	if !done(dir, "index") {
		if err := os.RemoveAll(idx); err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		cmd := exec.Command(bin, "ingest", "--index", idx, src)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("ingest: %v: %s", err, out)
		}
		took := time.Since(t0)
		b.ReportMetric(took.Seconds(), "ingest-s")
		jIngest, jIngestCPU = took.Round(100*time.Millisecond).String(), cpuFigure(cmd.ProcessState, took)
		markDone(b, dir, "index")
	}
	jb := startProcess(b, "searches prepared", bin, "-v", "serve", "--index", idx, "--addr", "127.0.0.1:0")
	jBase := jb.firstURL(b)
	jLat := queryAll(b, queries, func(q string) string {
		return jBase + "/api/search?limit=10&q=" + url.QueryEscape(`"`+q+`"`)
	})
	jb.waitReady(b) // memory as the server settles, whatever the archive's size
	jMem := jb.memory(b)
	jTotals := totals(b, queries[:50], func(q string) string {
		return jBase + "/api/search?limit=1&q=" + url.QueryEscape(`"`+q+`"`)
	}, func(body []byte) (int, error) {
		var r struct{ Total int }
		err := json.Unmarshal(body, &r)
		return r.Total, err
	})
	jb.stop()
	t0 := time.Now()
	exp := exec.Command(bin, "export", "--index", idx, "--format", "jsonl")
	var expErr strings.Builder
	exp.Stdout, exp.Stderr = io.Discard, &expErr
	if err := exp.Run(); err != nil {
		b.Fatalf("export: %v: %s", err, expErr.String())
	}
	jExport := time.Since(t0)
	b.StopTimer()

	fmt.Fprintf(os.Stderr, "\nbench-scale: %d articles, %.1f MB of text\n", len(texts), float64(textBytes)/1e6)
	fmt.Fprintf(os.Stderr, "%-28s %18s %18s\n", "", "jianbao", "groonga")
	g := groongaScale(b, dir, keys, texts, queries)
	row := func(name string, j, gr string) { fmt.Fprintf(os.Stderr, "%-28s %18s %18s\n", name, j, gr) }
	row("ingest (files → searchable)", jIngest, g.ingest)
	row("ingest CPU, user + system", jIngestCPU, g.ingestCPU)
	row("query p50, one client", fmt.Sprintf("%.2f ms", measure.Ms(measure.Pct(jLat, 50))), g.p50)
	row("query p99", fmt.Sprintf("%.2f ms", measure.Ms(measure.Pct(jLat, 99))), g.p99)
	row("server memory (private)", fmt.Sprintf("%d MiB", jMem.private>>20), g.private)
	row("private memory ÷ text", fmt.Sprintf("%.1f×", float64(jMem.private)/float64(textBytes)), g.privateRatio(textBytes))
	row("index file pages mapped", fmt.Sprintf("%d MiB", jMem.mapped>>20), g.mapped)
	row("resident in all", fmt.Sprintf("%d MiB", jMem.resident()>>20), g.resident)
	row("export of every article", jExport.Round(100*time.Millisecond).String(), "–")
	if g.totals != nil {
		agree := 0
		for i := range jTotals {
			if jTotals[i] == g.totals[i] {
				agree++
			} else {
				b.Logf("%q: jianbao %d articles, groonga %d", queries[i], jTotals[i], g.totals[i])
			}
		}
		fmt.Fprintf(os.Stderr, "matching articles: the same count for %d of %d queries\n", agree, len(jTotals))
	}
	b.ReportMetric(measure.Ms(measure.Pct(jLat, 50)), "p50-ms")
	b.ReportMetric(measure.Ms(measure.Pct(jLat, 99)), "p99-ms")
	b.ReportMetric(float64(jMem.private>>20), "private-MiB")
	b.ReportMetric(float64(jMem.resident()>>20), "rss-MiB")
	b.ReportMetric(jExport.Seconds(), "export-s")
}

// scaleQueries draws n substrings of the texts, of 1 to 16 characters,
// with no line break.
func scaleQueries(texts []string, n int) []string {
	r := rand.New(rand.NewPCG(1, 12))
	var qs []string
	for len(qs) < n {
		rs := []rune(texts[r.IntN(len(texts))])
		l := 1 + r.IntN(16)
		if len(rs) < l {
			continue
		}
		i := r.IntN(len(rs) - l + 1)
		q := string(rs[i : i+l])
		if strings.ContainsAny(q, "\n\"\\'()") || strings.TrimSpace(q) != q {
			continue
		}
		qs = append(qs, q)
	}
	return qs
}

// queryAll sends every query once to warm up, then once more timed, and
// returns the timed latencies.
func queryAll(b *testing.B, queries []string, urlOf func(q string) string) []time.Duration {
	b.Helper()
	client := &http.Client{Timeout: time.Minute}
	get := func(q string) time.Duration {
		t0 := time.Now()
		resp, err := client.Get(urlOf(q))
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("%s: status %d", urlOf(q), resp.StatusCode)
		}
		return time.Since(t0)
	}
	for _, q := range queries {
		get(q)
	}
	var lat []time.Duration
	for _, q := range queries {
		lat = append(lat, get(q))
	}
	return lat
}

// totals asks for the number of matching articles of each query.
func totals(b *testing.B, queries []string, urlOf func(q string) string, count func([]byte) (int, error)) []int {
	b.Helper()
	var out []int
	for _, q := range queries {
		resp, err := http.Get(urlOf(q))
		if err != nil {
			b.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			b.Fatal(err)
		}
		n, err := count(body)
		if err != nil {
			b.Fatalf("%s: %v", q, err)
		}
		out = append(out, n)
	}
	return out
}

// groongaFigures are Groonga's column of the table, "–" where not measured.
type groongaFigures struct {
	ingest, ingestCPU, p50, p99, private, mapped, resident string
	privateBytes                                           int64
	totals                                                 []int // matching articles of the first queries
}

func (g groongaFigures) privateRatio(text int) string {
	if g.privateBytes == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f×", float64(g.privateBytes)/float64(text))
}

// groongaScale loads the texts into a Groonga database (groongaLoad; kept
// from an earlier run with JIANBAO_SCALE_DIR), serves it over HTTP and
// sends it the queries: a phrase search on the text column, top 10 by
// score.
func groongaScale(b *testing.B, dir string, keys, texts, queries []string) groongaFigures {
	none := groongaFigures{ingest: "–", ingestCPU: "–", p50: "–", p99: "–", private: "–", mapped: "–", resident: "–"}
	bin, err := exec.LookPath("groonga")
	if err != nil {
		b.Log("groonga: skipped, no groonga command (Debian package groonga-bin; make bench-scale installs it)")
		return none
	}
	db := filepath.Join(dir, "groonga", "db")
	ingest, ingestCPU := "reused", "reused"
	if !done(dir, "groonga") {
		if err := os.RemoveAll(filepath.Dir(db)); err != nil {
			b.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(db), 0o755); err != nil {
			b.Fatal(err)
		}
		took, ps := groongaLoad(b, bin, db, keys, texts)
		ingest, ingestCPU = took.Round(100*time.Millisecond).String(), cpuFigure(ps, took)
		markDone(b, dir, "groonga")
	}
	port := freePort(b)
	gs := startProcess(b, "", bin, "-s", "--protocol", "http", "--bind-address", "127.0.0.1", "--port", strconv.Itoa(port), db)
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	waitHTTP(b, base+"/d/status")
	lat := queryAll(b, queries, func(q string) string {
		v := url.Values{"table": {"Articles"}, "match_columns": {"text"}, "query": {`"` + q + `"`},
			"limit": {"10"}, "sort_keys": {"-_score"}, "output_columns": {"_key,_score"}}
		return base + "/d/select?" + v.Encode()
	})
	mem := gs.memory(b)
	counts := totals(b, queries[:50], func(q string) string {
		v := url.Values{"table": {"Articles"}, "match_columns": {"text"}, "query": {`"` + q + `"`}, "limit": {"0"}}
		return base + "/d/select?" + v.Encode()
	}, func(body []byte) (int, error) {
		// [[status, start, elapsed], [[[n_hits], columns...]]]
		var r []json.RawMessage
		if err := json.Unmarshal(body, &r); err != nil || len(r) < 2 {
			return 0, fmt.Errorf("groonga answer %.200s: %v", body, err)
		}
		var res [][][]json.RawMessage
		if err := json.Unmarshal(r[1], &res); err != nil || len(res) == 0 || len(res[0]) == 0 || len(res[0][0]) == 0 {
			return 0, fmt.Errorf("groonga result %.200s: %v", r[1], err)
		}
		return strconv.Atoi(string(res[0][0][0]))
	})
	gs.stop()
	return groongaFigures{totals: counts, ingest: ingest, ingestCPU: ingestCPU,
		p50: fmt.Sprintf("%.2f ms", measure.Ms(measure.Pct(lat, 50))), p99: fmt.Sprintf("%.2f ms", measure.Ms(measure.Pct(lat, 99))),
		private: fmt.Sprintf("%d MiB", mem.private>>20), mapped: fmt.Sprintf("%d MiB", mem.mapped>>20),
		resident: fmt.Sprintf("%d MiB", mem.resident()>>20), privateBytes: mem.private}
}

// groongaLoad loads the texts into a new Groonga database db and builds its
// bigram index with positions offline (the fast way to load), returning
// the time it took and the state of the finished process.
func groongaLoad(b *testing.B, bin, db string, keys, texts []string) (time.Duration, *os.ProcessState) {
	b.Helper()
	var cmds strings.Builder
	cmds.WriteString("table_create Articles TABLE_HASH_KEY ShortText\n")
	cmds.WriteString("column_create Articles text COLUMN_SCALAR LongText\n")
	cmds.WriteString("load --table Articles\n[\n")
	for i := range texts {
		rec, _ := json.Marshal(map[string]string{"_key": keys[i], "text": texts[i]}) // strings always marshal
		cmds.Write(rec)
		cmds.WriteString(",\n")
	}
	cmds.WriteString("]\n")
	cmds.WriteString("table_create Terms TABLE_PAT_KEY ShortText --default_tokenizer TokenBigramSplitSymbolAlphaDigit --normalizer NormalizerAuto\n")
	cmds.WriteString("column_create Terms index COLUMN_INDEX|WITH_POSITION Articles text\n")
	t0 := time.Now()
	load := exec.Command(bin, "-n", db)
	load.Stdin = strings.NewReader(cmds.String())
	var loadErr strings.Builder
	load.Stdout, load.Stderr = io.Discard, &loadErr
	if err := load.Run(); err != nil {
		b.Fatalf("groonga load: %v: %s", err, loadErr.String())
	}
	return time.Since(t0), load.ProcessState
}

// cpuFigure is the CPU time a finished process and the children it waited
// for used, and how many cores that kept busy over wall: an ingest that
// keeps every core busy is bound by the work it does, not by waiting.
func cpuFigure(ps *os.ProcessState, wall time.Duration) string {
	cpu := ps.UserTime() + ps.SystemTime()
	return fmt.Sprintf("%s (%.1f cores)", cpu.Round(100*time.Millisecond), cpu.Seconds()/wall.Seconds())
}

// done reports whether a step of a kept benchmark directory (JIANBAO_SCALE_DIR)
// finished in an earlier run.
func done(dir, step string) bool {
	_, err := os.Stat(filepath.Join(dir, step+".done"))
	return err == nil
}

// markDone records that a step finished.
func markDone(b *testing.B, dir, step string) {
	b.Helper()
	if err := os.WriteFile(filepath.Join(dir, step+".done"), nil, 0o644); err != nil {
		b.Fatal(err)
	}
}

// process is a server started by a benchmark.
type process struct {
	cmd *exec.Cmd
	out *bufio.Reader
	// ready is closed when the process logs its ready line (and at its
	// end, unless ready was logged).
	ready chan struct{}
}

// startProcess starts a server, whose standard error goes to the
// benchmark's, but for debugging lines; readyLine is the line that tells
// it is ready (waitReady), "" for none.
func startProcess(b *testing.B, readyLine, name string, args ...string) *process {
	b.Helper()
	cmd := exec.Command(name, args...)
	pr, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	pe, err := cmd.StderrPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	p := &process{cmd: cmd, out: bufio.NewReader(pr), ready: make(chan struct{})}
	go func() {
		ready := false
		defer func() {
			if !ready {
				close(p.ready)
			}
		}()
		sc := bufio.NewScanner(pe)
		for sc.Scan() {
			line := sc.Text()
			switch {
			case !ready && readyLine != "" && strings.Contains(line, readyLine):
				ready = true
				close(p.ready)
			case !strings.Contains(line, "level=DEBUG"):
				fmt.Fprintln(os.Stderr, line)
			}
		}
	}()
	b.Cleanup(p.stop)
	return p
}

// waitReady waits for the process's ready line.
func (p *process) waitReady(b *testing.B) {
	b.Helper()
	select {
	case <-p.ready: // or it ended, which memory then reports
	case <-time.After(10 * time.Minute):
		b.Fatalf("%s was not ready in 10 minutes", p.cmd.Path)
	}
}

// firstURL reads the http:// address jianbao serve prints first.
func (p *process) firstURL(b *testing.B) string {
	b.Helper()
	line, err := p.out.ReadString('\n')
	if err != nil {
		b.Fatalf("serve printed no address: %v", err)
	}
	i := strings.Index(line, "http://")
	if i < 0 {
		b.Fatalf("serve printed %q", line)
	}
	return strings.TrimSuffix(strings.Fields(line[i:])[0], "/")
}

// memory is a process's resident memory in two parts, from
// /proc/PID/status: private (RssAnon: heap, stacks; what the process holds)
// and mapped (RssFile + RssShmem: pages of files it maps, the index files
// for both servers, which stay in the page cache and which the kernel takes
// back under pressure).
type memory struct{ private, mapped int64 }

func (m memory) resident() int64 { return m.private + m.mapped }

func (p *process) memory(b *testing.B) memory {
	b.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		b.Fatal(err)
	}
	var m memory
	for line := range strings.Lines(string(data)) {
		name, rest, _ := strings.Cut(line, ":")
		f := strings.Fields(rest)
		if len(f) == 0 {
			continue
		}
		kb, _ := strconv.ParseInt(f[0], 10, 64) // the kernel writes numbers
		switch name {
		case "RssAnon":
			m.private = kb << 10
		case "RssFile", "RssShmem":
			m.mapped += kb << 10
		}
	}
	return m
}

func (p *process) stop() {
	if p.cmd.ProcessState != nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM) // gone already is as good
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }() // its status is not the point
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
}

func freePort(b *testing.B) int {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func waitHTTP(b *testing.B, u string) {
	b.Helper()
	for start := time.Now(); time.Since(start) < 30*time.Second; time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(u); err == nil {
			resp.Body.Close()
			return
		}
	}
	b.Fatalf("%s did not answer within 30 s", u)
}
