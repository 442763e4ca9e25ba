package server

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"jianbao/archive"
	"jianbao/internal/synth"
	"jianbao/live"
	"jianbao/query"
)

// startServer serves h with NewServer and Serve on a free loopback port,
// as `jianbao serve` does, and returns its base URL and a function that
// shuts it down and waits for Serve to return.
func startServer(t *testing.T, h *Handler) (string, func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(ln.Addr().String(), h)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, srv, ln) }()
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
	return "http://" + ln.Addr().String(), stop
}

// peakRSS returns the peak resident set size of this process (VmHWM).
func peakRSS(t *testing.T) int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Logf("no /proc/self/status: %v", err)
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// TestLoad runs 64 clients of mixed searches against a real server on
// loopback for 5 s (60 s with JIANBAO_SOAK=1) while new bulletins are handed
// to it for ingest, and checks: no request fails, every handed-off bulletin
// is searchable afterwards, memory stays bounded, and no goroutine is left
// behind once the server stops.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("a load run")
	}
	dur, clients, extra := 5*time.Second, 64, 30
	if os.Getenv("JIANBAO_SOAK") != "" {
		dur, extra = 60*time.Second, 300
	}
	src := t.TempDir()
	gen := synth.Generate(100+extra, 7)
	if err := synth.Write(src, gen); err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, g := range gen {
		files = append(files, filepath.Join(src, g.Name))
	}
	first, later := files[:100], files[100:]
	ix := newIndex(t, first)
	if err := ix.Warm(context.Background()); err != nil { // as serve does
		t.Fatal(err)
	}

	// Queries: words and phrases taken from the bulletins, filters, facets.
	var terms, phrases []string
	for _, g := range gen[:100] {
		for _, a := range g.Expected.Articles {
			r := []rune(strings.TrimSpace(a.Body))
			if len(r) > 12 {
				terms = append(terms, string(r[2:4]))
				phrases = append(phrases, string(r[3:9]))
			}
		}
	}
	if len(terms) == 0 {
		t.Fatal("no text to query")
	}
	queryURL := func(r *rand.Rand) string {
		v := url.Values{}
		switch r.IntN(4) {
		case 0: // term
			v.Set("q", terms[r.IntN(len(terms))])
		case 1: // phrase
			v.Set("q", `"`+phrases[r.IntN(len(phrases))]+`"`)
		case 2: // filtered
			v.Set("q", terms[r.IntN(len(terms))]+" OR "+terms[r.IntN(len(terms))])
			v.Set("district", []string{"海淀", "朝阳", "东城区", "西城"}[r.IntN(4)])
			v.Set("from", "2018")
			v.Set("sort", "-date")
		default: // faceted
			v.Set("q", terms[r.IntN(len(terms))])
			v.Set("facets", strings.Join(query.FacetNames, ","))
			v.Set("limit", "20")
		}
		if r.IntN(10) == 0 {
			return "/api/facets?" + v.Encode()
		}
		return "/api/search?" + v.Encode()
	}

	baseline := runtime.NumGoroutine()
	h := NewHandler(ix, Options{Ingester: WarmAfterIngest(archive.Archive{Index: ix}, nil), Token: "load-token"})
	base, stop := startServer(t, h)
	tr := &http.Transport{MaxIdleConnsPerHost: clients}
	hc := &http.Client{Transport: tr, Timeout: 30 * time.Second}

	ctx, cancel := context.WithTimeout(context.Background(), dur)
	defer cancel()
	var (
		mu        sync.Mutex
		latencies []time.Duration
		errs      atomic.Int64
		firstErr  atomic.Value
		wg        sync.WaitGroup
	)
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(i), 99))
			var mine []time.Duration
			for ctx.Err() == nil {
				u := queryURL(r)
				start := time.Now()
				resp, err := hc.Get(base + u)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if err == nil && resp.StatusCode != http.StatusOK {
						err = fmt.Errorf("status %d", resp.StatusCode)
					}
				}
				if err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, fmt.Sprintf("GET %s: %v", u, err))
					continue
				}
				mine = append(mine, time.Since(start))
			}
			mu.Lock()
			latencies = append(latencies, mine...)
			mu.Unlock()
		}()
	}
	// Hand new bulletins to the server meanwhile, a few at a time.
	c := &live.Client{URL: base, Token: "load-token", HTTP: hc}
	handed, step := 0, max(1, len(later)*int(200*time.Millisecond)/int(dur))
	for handed < len(later) && ctx.Err() == nil {
		n := min(step, len(later)-handed)
		sum, err := c.Ingest(context.Background(), later[handed:handed+n], false)
		if err != nil || sum.Added != n || sum.Failed != 0 {
			t.Errorf("hand-off of %d bulletins: %v %+v", n, err, sum)
			break
		}
		handed += n
		select {
		case <-ctx.Done():
		case <-time.After(200 * time.Millisecond):
		}
	}
	wg.Wait()

	slices.Sort(latencies)
	n := len(latencies)
	if n == 0 {
		t.Fatalf("no request succeeded: %v", firstErr.Load())
	}
	p50, p99 := latencies[n/2], latencies[n*99/100]
	rss := peakRSS(t)
	t.Logf("load: %d requests from %d clients in %v (%.0f/s), %d errors, p50 %v, p99 %v, max %v; %d bulletins handed off; peak RSS %d MiB",
		n, clients, dur, float64(n)/dur.Seconds(), errs.Load(), p50.Round(time.Microsecond), p99.Round(time.Microsecond),
		latencies[n-1].Round(time.Millisecond), handed, rss>>20)
	if e := errs.Load(); e != 0 {
		t.Errorf("%d requests failed; first: %v", e, firstErr.Load())
	}
	if handed == 0 {
		t.Error("no bulletin was handed off during the run")
	}
	// What was handed off is there, each issue once.
	want := 0
	for _, g := range gen[:100+handed] {
		want += len(g.Expected.Articles)
	}
	if res, err := c.Search(context.Background(), query.Params{Limit: 1}); err != nil || res.Total != want {
		t.Errorf("after the run: %v, %d articles, want %d", err, res.Total, want)
	}
	const rssBound = 1 << 30
	if rss > rssBound {
		t.Errorf("peak RSS %d MiB, over %d MiB", rss>>20, rssBound>>20)
	}

	stop()
	tr.CloseIdleConnections()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > baseline+2 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if g := runtime.NumGoroutine(); g > baseline+2 {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines after the server stopped, %d before:\n%s", g, baseline, buf[:runtime.Stack(buf, true)])
	}
}

// TestRequestLimits checks each limit of a request at its boundary: the
// last value accepted and the first refused.
func TestRequestLimits(t *testing.T) {
	srv := newTestServer(t, sharedIndex(t))
	pad := func(n int) string { return strings.Repeat("z", n) }
	// The URL limit counts the path and the raw query.
	urlAt := func(n int) string {
		return "/api/search?q=a&x=" + pad(n-len("/api/search")-len("q=a&x="))
	}
	tests := []struct {
		name   string
		path   string
		status int
	}{
		{"query at the limit", "/api/search?q=" + pad(query.MaxQueryBytes), 200},
		{"query over the limit", "/api/search?q=" + pad(query.MaxQueryBytes+1), 413},
		{"64 terms", "/api/search?q=" + url.QueryEscape(strings.TrimSpace(strings.Repeat("a ", 64))), 200},
		{"65 terms", "/api/search?q=" + url.QueryEscape(strings.TrimSpace(strings.Repeat("a ", 65))), 400},
		{"16 parentheses", "/api/search?q=" + strings.Repeat("(", 16) + "a" + strings.Repeat(")", 16), 200},
		{"17 parentheses", "/api/search?q=" + strings.Repeat("(", 17) + "a" + strings.Repeat(")", 17), 400},
		{"page size at the limit", "/api/search?limit=" + strconv.Itoa(query.MaxLimit), 200},
		{"page size over the limit", "/api/search?limit=" + strconv.Itoa(query.MaxLimit+1), 400},
		{"negative page size", "/api/search?limit=-1", 400},
		{"offset at the limit", "/api/search?offset=" + strconv.Itoa(query.MaxOffset), 200},
		{"offset over the limit", "/api/search?offset=" + strconv.Itoa(query.MaxOffset+1), 400},
		{"huge offset", "/api/search?offset=99999999999999999999", 400},
		{"every facet", "/api/search?facets=" + strings.Join(query.FacetNames, ","), 200},
		{"every facet many times", "/api/search?facets=" + strings.Repeat("year,", 500) + "org", 200},
		{"unknown facet", "/api/search?facets=year,colour", 400},
		{"URL at the limit", urlAt(maxURLBytes), 200},
		{"URL over the limit", urlAt(maxURLBytes + 1), 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e apiError
			if st := getJSON(t, srv.URL+tt.path, &e); st != tt.status {
				t.Errorf("status %d (%q), want %d", st, e.Error, tt.status)
			}
		})
	}
	// Facet counts are bounded by the index, not by the request: every
	// facet lists each value once.
	var r query.Response
	if st := getJSON(t, srv.URL+"/api/facets", &r); st != 200 {
		t.Fatalf("facets: %d", st)
	}
	for name, counts := range r.Facets {
		seen := map[string]bool{}
		for _, c := range counts {
			if seen[c.Value] {
				t.Errorf("facet %s lists %q twice", name, c.Value)
			}
			seen[c.Value] = true
		}
	}
	// Headers over the limit are refused (431): at the byte through the
	// handler, and through a real server from 16 KiB + 1 byte (net/http
	// alone let 20 KiB through) up to far beyond the limit, with a URL at
	// its own limit beside them.
	hh := NewHandler(sharedIndex(t), Options{})
	for _, tt := range []struct {
		size   int // of the header lines, Host included
		status int
	}{{maxHeaderBytes, 200}, {maxHeaderBytes + 1, 431}} {
		req := httptest.NewRequest("GET", "http://localhost/healthz", nil)
		fixed := len("Host: localhost\r\n") + len("X-Big: \r\n")
		req.Header.Set("X-Big", strings.Repeat("h", tt.size-fixed))
		if n := headerBytes(req); n != tt.size {
			t.Fatalf("headers of %d bytes, want %d", n, tt.size)
		}
		w := httptest.NewRecorder()
		hh.ServeHTTP(w, req)
		if w.Code != tt.status {
			t.Errorf("headers of %d bytes: %d, want %d", tt.size, w.Code, tt.status)
		}
	}
	base, _ := startServer(t, hh)
	for _, tt := range []struct {
		big    int
		path   string
		status int
	}{
		{15 << 10, "/healthz", 200},
		{15 << 10, urlAt(maxURLBytes), 200},
		{maxHeaderBytes + 1, "/healthz", 431},
		{20 << 10, "/healthz", 431},
		{20 << 10, urlAt(maxURLBytes), 431},
		{64 << 10, "/healthz", 431},
	} {
		req, _ := http.NewRequest("GET", base+tt.path, nil)
		req.Header.Set("X-Big", strings.Repeat("h", tt.big))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.status {
			t.Errorf("X-Big of %d bytes, URL of %d: %d, want %d", tt.big, len(tt.path), resp.StatusCode, tt.status)
		}
	}
	// The ingest body limit, at the boundary: one byte over is 413.
	h := NewHandler(sharedIndex(t), Options{Ingester: failingIngester{}, Token: "tok"})
	for _, tt := range []struct {
		size   int
		status int
	}{{maxIngestBody, 500}, {maxIngestBody + 1, 413}} {
		body := `{"paths":["/` + pad(tt.size-len(`{"paths":["/"]}`)) + `"]}`
		req := httptest.NewRequest("POST", "http://localhost/api/ingest", strings.NewReader(body))
		req.RemoteAddr = "127.0.0.1:4000"
		req.Header.Set("Authorization", "Bearer tok")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != tt.status {
			t.Errorf("ingest body of %d bytes: %d %s, want %d", len(body), w.Code, w.Body, tt.status)
		}
	}
}

// failingIngester refuses every ingest: it marks a request that got
// through the endpoint's checks.
type failingIngester struct{}

func (failingIngester) Ingest(context.Context, []string, archive.Options) (*archive.Summary, error) {
	return nil, errDisk
}

// TestSlowClientCutOff opens a connection and sends the request headers a
// byte at a time: the server must close it once the header timeout is over
// instead of waiting for the client.
func TestSlowClientCutOff(t *testing.T) {
	if srv := NewServer("127.0.0.1:0", NewHandler(sharedIndex(t), Options{})); srv.ReadHeaderTimeout != readHeaderTimeout ||
		srv.ReadTimeout == 0 || srv.WriteTimeout == 0 || srv.IdleTimeout == 0 || srv.MaxHeaderBytes < maxHeaderBytes {
		t.Errorf("server limits: %+v", srv)
	}
	const timeout = 300 * time.Millisecond
	base, _ := startServer(t, NewHandler(sharedIndex(t), Options{ReadHeaderTimeout: timeout}))
	// The server's clock starts when it accepts the connection, which may
	// be well before Dial returns on a loaded machine: start before it.
	start := time.Now()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	req := "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + strings.Repeat("s", 200) + "\r\n\r\n"
	sent := 0
	for ; sent < len(req); sent++ {
		if _, err := conn.Write([]byte{req[sent]}); err != nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
		if time.Since(start) > 5*time.Second {
			break
		}
		conn.SetReadDeadline(time.Now().Add(time.Millisecond))
		var b [1]byte
		if _, err := conn.Read(b[:]); err != nil && !os.IsTimeout(err) {
			break // closed by the server
		}
	}
	took := time.Since(start)
	if sent == len(req) {
		t.Fatalf("the server waited for the whole request (%v)", took)
	}
	if took < timeout || took > timeout+2*time.Second {
		t.Errorf("cut off after %v (%d bytes), want soon after %v", took, sent, timeout)
	}
	// The server still serves others.
	if st := getJSON(t, base+"/healthz", new(map[string]string)); st != 200 {
		t.Errorf("healthz after the slow client: %d", st)
	}
}

// TestExpensiveQueryCutOff checks that the costliest query the language
// allows (64 OR'd single characters, each matching much of the archive,
// with every facet) is either answered within the search deadline or cut
// off with 503 and a clear message, and that queries beyond the language's
// limits are refused before they run.
func TestExpensiveQueryCutOff(t *testing.T) {
	chars := []rune("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处府")
	var parts []string
	for _, c := range chars[:64] {
		parts = append(parts, string(c))
	}
	q := url.QueryEscape(strings.Join(parts, " OR "))
	facets := "&facets=" + strings.Join(query.FacetNames, ",")

	// With the usual deadline, on the test archive, it is answered.
	srv := newTestServer(t, sharedIndex(t))
	var r query.Response
	if st := getJSON(t, srv.URL+"/api/search?q="+q+facets, &r); st != 200 || r.Total == 0 {
		t.Errorf("64 OR'd characters: status %d, %d hits", st, r.Total)
	}
	// A search that outlasts the deadline is cut off with 503.
	slow := httptestServer(t, NewHandler(sharedIndex(t), Options{SearchTimeout: time.Nanosecond}))
	for _, path := range []string{"/api/search?q=" + q + facets, "/api/facets?q=" + q, "/api/trend?q=" + q, "/api/stats"} {
		start := time.Now()
		var e apiError
		st := getJSON(t, slow+path, &e)
		if st != http.StatusServiceUnavailable || e.Error != "the search took too long" {
			t.Errorf("%s past its deadline: %d %q, want 503 \"the search took too long\"", path[:20], st, e.Error)
		}
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("%s: answered after %v", path[:20], took)
		}
	}
	// Beyond the language's limits the query does not run.
	q65 := url.QueryEscape(strings.Join(append(parts, "x"), " OR "))
	var e apiError
	if st := getJSON(t, srv.URL+"/api/search?q="+q65, &e); st != 400 || !strings.Contains(e.Error, "more than 64 terms") {
		t.Errorf("65 OR'd characters: %d %q, want 400 more than 64 terms", st, e.Error)
	}
}

// rawGet sends a request line as written, without a client cleaning the
// path, and returns the status and body.
func rawGet(t *testing.T, base, target string) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", target)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestFilesServeOnlyIngested tries to get files other than the ingested
// sources out of /files/ and the page's file server: traversal, encoded
// traversal, absolute paths, and a symbolic link swapped in for an
// ingested bulletin.
func TestFilesServeOnlyIngested(t *testing.T) {
	files := copyArchive(t)
	secret := filepath.Join(t.TempDir(), "secret.txt")
	if err := os.WriteFile(secret, []byte("TOP-SECRET key material"), 0o600); err != nil {
		t.Fatal(err)
	}
	ix := newIndex(t, files)
	base, _ := startServer(t, NewHandler(ix, Options{}))
	for _, target := range []string{
		"/files/../../../../etc/passwd",
		"/files/..%2f..%2f..%2f..%2fetc%2fpasswd",
		"/files/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
		"/files/%2e%2e/%2e%2e/etc/passwd",
		"/files//etc/passwd",
		"/files/%2Fetc%2Fpasswd",
		"/files/" + url.PathEscape(secret),
		"/files/2021-014/../../../etc/passwd",
		"/files/2021-014%00/etc/passwd",
		"/../../../../etc/passwd",
		"/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
		"/..%2f..%2f..%2fetc%2fpasswd",
		"/static/../../etc/passwd",
		"//etc/passwd",
		"http://jianbao/../../etc/passwd",
	} {
		st, body := rawGet(t, base, target)
		if strings.Contains(body, "root:") || strings.Contains(body, "TOP-SECRET") {
			t.Errorf("GET %s: %d served a file outside the archive", target, st)
		}
		if st == 200 && !strings.Contains(body, "<!doctype html>") && !strings.Contains(strings.ToLower(body), "<!doctype html>") {
			t.Errorf("GET %s: 200 with %.60q", target, body)
		}
	}

	// A symbolic link swapped in for an ingested bulletin, pointing outside
	// its directory, is not followed.
	var victim, sibling string
	for _, f := range files {
		switch {
		case strings.Contains(f, "bulletin-2021-020"):
			victim = f
		case strings.Contains(f, "bulletin-2021-014"):
			sibling = f
		}
	}
	if victim == "" || sibling == "" {
		t.Fatal("archive lacks 2021-020 or 2021-014")
	}
	if st, _ := rawGet(t, base, "/files/2021-020"); st != 200 {
		t.Fatalf("the bulletin itself: %d", st)
	}
	for _, target := range []string{secret, "/etc/passwd", filepath.Join(filepath.Dir(victim), "..", filepath.Base(secret))} {
		if err := os.Remove(victim); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, victim); err != nil {
			t.Fatal(err)
		}
		st, body := rawGet(t, base, "/files/2021-020")
		if st != 404 || strings.Contains(body, "TOP-SECRET") || strings.Contains(body, "root:") {
			t.Errorf("link to %s: %d %.80q, want 404", target, st, body)
		}
	}
	// A link to a file beside it, in the archive, is followed.
	os.Remove(victim)
	if err := os.Symlink(filepath.Base(sibling), victim); err != nil {
		t.Fatal(err)
	}
	if st, body := rawGet(t, base, "/files/2021-020"); st != 200 || !strings.Contains(body, "2021") {
		t.Errorf("link within the archive: %d", st)
	}
	// A FIFO swapped in is not opened for reading (which would wait for a
	// writer forever): 404 at once.
	os.Remove(victim)
	if err := syscall.Mkfifo(victim, 0o644); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if st, _ := rawGet(t, base, "/files/2021-020"); st != 404 || time.Since(start) > 5*time.Second {
		t.Errorf("a FIFO in place of the bulletin: %d after %v, want 404 at once", st, time.Since(start))
	}
}

// TestPageSecurityHeaders checks the headers of the page and that it needs
// no inline script: the CSP allows scripts from the server only.
func TestPageSecurityHeaders(t *testing.T) {
	srv := newTestServer(t, sharedIndex(t))
	resp, err := http.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "frame-ancestors 'none'", "base-uri 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	for _, bad := range []string{"unsafe-inline", "unsafe-eval", "*", "http:", "https:", "data: 'self'; script"} {
		if strings.Contains(csp, bad) {
			t.Errorf("CSP %q allows %q", csp, bad)
		}
	}
	if resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("headers %v", resp.Header)
	}
	page := strings.ToLower(string(body))
	for i := 0; ; {
		j := strings.Index(page[i:], "<script")
		if j < 0 {
			break
		}
		tag := page[i+j : i+j+strings.Index(page[i+j:], ">")]
		if !strings.Contains(tag, "src=") {
			t.Errorf("inline script %q: the CSP would block it", tag)
		}
		i += j + 1
	}
	for _, attr := range []string{" onclick=", " onload=", " onerror=", " onsubmit=", " oninput=", "javascript:"} {
		if strings.Contains(page, attr) {
			t.Errorf("page has an inline handler %q", attr)
		}
	}
}

// TestIngestEndpointAccess extends TestIngestEndpoint: the endpoint is off
// without a token, and a server listening beyond loopback refuses it to
// clients that reach it from another address even with the token.
func TestIngestEndpointAccess(t *testing.T) {
	ix := sharedIndex(t)
	off := NewHandler(ix, Options{Ingester: failingIngester{}})
	req := httptest.NewRequest("POST", "http://localhost/api/ingest", strings.NewReader(`{"paths":["/x.txt"]}`))
	req.RemoteAddr = "127.0.0.1:4000"
	req.Header.Set("Authorization", "Bearer ")
	w := httptest.NewRecorder()
	off.ServeHTTP(w, req)
	if w.Code != 404 || !strings.Contains(w.Body.String(), "not enabled") {
		t.Errorf("ingest without a token configured: %d %s, want 404 not enabled", w.Code, w.Body)
	}

	// A non-loopback address of this machine, if it has one.
	var ext net.IP
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil {
			ext = n.IP
			break
		}
	}
	if ext == nil {
		t.Skip("this machine has no non-loopback IPv4 address to reach the server by")
	}
	ln, err := net.Listen("tcp", "0.0.0.0:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	// The address is allowed as a host, so that the request reaches the
	// ingest endpoint's own check of the client's address.
	srv := NewServer("", NewHandler(ix, Options{Ingester: failingIngester{}, Token: "tok", AllowHosts: []string{ext.String()}}))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, srv, ln) }()
	defer func() { cancel(); <-done }()
	for _, tt := range []struct {
		host   string
		status int
	}{
		{ext.String(), 403}, // beyond loopback: refused even with the token
		{"127.0.0.1", 500},  // loopback with the token: reaches the ingester
	} {
		c := &live.Client{URL: "http://" + net.JoinHostPort(tt.host, strconv.Itoa(port)), Token: "tok"}
		_, err := c.Ingest(context.Background(), []string{"/x.txt"}, false)
		want := map[int]string{403: "from this machine only", 500: "internal error"}[tt.status]
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ingest via %s: %v, want %q", tt.host, err, want)
		}
	}
}

// TestNoTokenInLogs captures the server's log at the Debug level through
// ingest requests with the right and wrong tokens, failures included, and
// checks that the token never appears in it.
func TestNoTokenInLogs(t *testing.T) {
	var logged syncBuffer
	const token = "9f2c7d1e-secret-token-4b8a"
	log := slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug}))
	files := copyArchive(t)
	ix := newIndex(t, files[:1])
	base, stop := startServer(t, NewHandler(ix, Options{Logger: log, Ingester: WarmAfterIngest(archive.Archive{Index: ix}, nil), Token: token}))
	ctx := context.Background()
	good := &live.Client{URL: base, Token: token}
	if _, err := good.Ingest(ctx, files[1:2], false); err != nil {
		t.Fatalf("ingest: %v", err)
	}
	good.Ingest(ctx, []string{"/no/such/file.txt"}, false)
	(&live.Client{URL: base, Token: token + "x"}).Ingest(ctx, files[2:3], false)
	http.Get(base + "/api/search?token=" + token[:8])
	stop()
	out := logged.String()
	if !strings.Contains(out, "ingested") || !strings.Contains(out, "request") {
		t.Fatalf("the log lacks the requests; is Debug on?\n%s", out)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, token) {
			t.Errorf("token in the log: %s", line)
		}
		if strings.Contains(line, "Bearer") || strings.Contains(line, "Authorization") {
			t.Errorf("credentials in the log: %s", line)
		}
	}
}

// syncBuffer is a bytes buffer safe for the server's goroutines.
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
