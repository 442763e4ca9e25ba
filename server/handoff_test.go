package server

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jianbao/archive"
	"jianbao/internal/synth"
	"jianbao/live"
	"jianbao/query"
)

// TestIngestEndpoint hands a new bulletin to a server that owns its index
// and finds it searchable as soon as the ingest is acknowledged.
func TestIngestEndpoint(t *testing.T) {
	files := copyArchive(t)
	var first []string
	var sample string
	for _, f := range files {
		if strings.Contains(f, "bulletin-2021-014") {
			sample = f
		} else if strings.Contains(f, "bulletin-2020-031") || strings.Contains(f, "bulletin-2021-020") {
			first = append(first, f)
		}
	}
	ix := newIndex(t, first)
	h := NewHandler(ix, Options{Ingester: WarmAfterIngest(archive.Archive{Index: ix}, nil), Token: "s3cret"})
	srv := httptest.NewServer(h)
	defer srv.Close()
	c := &live.Client{URL: srv.URL, Token: "s3cret"}
	ctx := context.Background()

	r, err := c.Search(ctx, query.Params{Q: "蓝马甲"})
	if err != nil || r.Total != 0 {
		t.Fatalf("before: %v %+v", err, r)
	}
	start := time.Now()
	sum, err := c.Ingest(ctx, []string{sample}, false)
	if err != nil || sum.Added != 1 || sum.Failed != 0 {
		t.Fatalf("ingest: %v %+v", err, sum)
	}
	r, err = c.Search(ctx, query.Params{Q: "蓝马甲"})
	took := time.Since(start)
	if err != nil || r.Total != 1 || r.Hits[0].ID != "2021-014-02" {
		t.Fatalf("after: %v %+v", err, r)
	}
	if took > 5*time.Second {
		t.Errorf("searchable after %v, want under 5 s", took)
	}
	iss, err := c.Issue(ctx, "2021-014")
	if err != nil || len(iss.Articles) != 5 {
		t.Errorf("issue: %v", err)
	}
	if _, err := c.Issue(ctx, "2030-001"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing issue: %v, want ErrNotFound", err)
	}
	// Again: unchanged, nothing rewritten.
	if sum, err := c.Ingest(ctx, []string{sample}, false); err != nil || sum.Unchanged != 1 {
		t.Errorf("re-ingest: %v %+v", err, sum)
	}

	// Refusals.
	bad := []struct {
		name   string
		client *live.Client
		paths  []string
		status string
	}{
		{"no token", &live.Client{URL: srv.URL}, []string{sample}, "forbidden"},
		{"wrong token", &live.Client{URL: srv.URL, Token: "guess"}, []string{sample}, "forbidden"},
		{"no paths", c, nil, "no files"},
	}
	for _, b := range bad {
		if _, err := b.client.Ingest(ctx, b.paths, false); err == nil || !strings.Contains(err.Error(), b.status) {
			t.Errorf("%s: %v, want %q", b.name, err, b.status)
		}
	}
	for _, tt := range []struct {
		name, remote, body string
		status             int
	}{
		{"from another machine", "192.0.2.1:5555", `{"paths":["/x.txt"]}`, 403},
		{"relative path", "127.0.0.1:5555", `{"paths":["x.txt"]}`, 400},
		{"not JSON", "127.0.0.1:5555", `paths=/x.txt`, 400},
		{"too large", "127.0.0.1:5555", `{"paths":["/` + strings.Repeat("x", maxIngestBody) + `"]}`, 413},
	} {
		req := httptest.NewRequest("POST", "http://localhost/api/ingest", strings.NewReader(tt.body))
		req.RemoteAddr = tt.remote
		req.Header.Set("Authorization", "Bearer s3cret")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != tt.status || !strings.Contains(w.Body.String(), `"error"`) {
			t.Errorf("%s: %d %s, want %d", tt.name, w.Code, w.Body, tt.status)
		}
	}
	// A server built without an ingester has no endpoint.
	plain := httptest.NewServer(NewHandler(ix, Options{}))
	defer plain.Close()
	if _, err := (&live.Client{URL: plain.URL, Token: "s3cret"}).Ingest(ctx, []string{sample}, false); !errors.Is(err, ErrNotFound) {
		t.Errorf("ingest on a plain server: %v, want not found", err)
	}
	resp, err := http.Get(srv.URL + "/api/ingest")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /api/ingest: %d, want 405", resp.StatusCode)
	}
}

// TestIngestClientGone cancels hand-offs part way, as a killed `jianbao
// ingest` would, and checks that the server stays consistent: a final
// ingest leaves every issue exactly once.
func TestIngestClientGone(t *testing.T) {
	if testing.Short() {
		t.Skip("ingests 60 generated bulletins")
	}
	src := t.TempDir()
	gen := synth.Generate(60, 11)
	if err := synth.Write(src, gen); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(src, "*.txt"))
	ix := newIndex(t, files[:1])
	srv := httptest.NewServer(NewHandler(ix, Options{Ingester: WarmAfterIngest(archive.Archive{Index: ix}, nil), Token: "t"}))
	defer srv.Close()
	c := &live.Client{URL: srv.URL, Token: "t"}
	for _, d := range []time.Duration{30 * time.Millisecond, 120 * time.Millisecond, 300 * time.Millisecond} {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		c.Ingest(ctx, files, false) // cut off part way, or done: both fine
		cancel()
	}
	sum, err := c.Ingest(context.Background(), files, false)
	if err != nil || sum.Failed != 0 || sum.Issues != len(gen) {
		t.Fatalf("final ingest: %v %+v, want %d issues", err, sum, len(gen))
	}
	want := 0
	for _, g := range gen {
		want += len(g.Expected.Articles)
	}
	r, err := c.Search(context.Background(), query.Params{Limit: 1})
	if err != nil || r.Total != want {
		t.Errorf("articles: %v %d, want %d, each once", err, r.Total, want)
	}
}
