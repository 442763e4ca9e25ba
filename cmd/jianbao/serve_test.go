package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jianbao/index"
)

// sampleIndex builds an index of a few bulletins of the sample archive in a
// temporary directory and returns the directory.
func sampleIndex(tb testing.TB) string {
	tb.Helper()
	files, err := filepath.Glob("../../testdata/sample/bulletin-202[01]-*.txt")
	if err != nil || len(files) == 0 {
		tb.Fatalf("sample archive: %v", err)
	}
	dir := tb.TempDir()
	ix, err := index.Open(dir, index.Options{Create: true})
	if err != nil {
		tb.Fatal(err)
	}
	defer ix.Close()
	sum, err := ix.Ingest(context.Background(), files, index.IngestOptions{})
	if err != nil || sum.Failed > 0 {
		tb.Fatalf("ingest: %v %+v", err, sum.Failures)
	}
	return dir
}

// TestServe starts the server on a free port, asks it a question, and stops
// it as SIGTERM would.
func TestServe(t *testing.T) {
	dir := sampleIndex(t)
	pr, pw := io.Pipe()
	a := &app{out: pw, errOut: io.Discard, log: slog.New(slog.DiscardHandler)}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- runServe(ctx, a, serveOptions{index: dir, addr: "127.0.0.1:0"})
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("no address printed: %v (%v)", err, <-done)
	}
	go io.Copy(io.Discard, pr)
	i := strings.Index(line, "http://")
	if i < 0 {
		t.Fatalf("printed %q, want the URL", line)
	}
	base := strings.TrimSuffix(strings.Fields(line[i:])[0], "/")

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

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v after the signal, want nil", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
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
