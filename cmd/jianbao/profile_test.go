package main

import (
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestProfiles: --cpuprofile and --memprofile write profiles that go tool
// pprof reads, the worker that read the file its own CPU profile beside the
// command's, and a profile that cannot be written is an error that names
// it.
func TestProfiles(t *testing.T) {
	dir := t.TempDir()
	cpu, mem := filepath.Join(dir, "cpu.pprof"), filepath.Join(dir, "mem.pprof")
	if code, _, stderr := run(t, "parse", "--cpuprofile", cpu, "--memprofile", mem, seed); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	workers, _ := filepath.Glob(cpu + ".worker-*")
	if len(workers) != 1 {
		t.Fatalf("worker CPU profiles %q, want the one worker's", workers)
	}
	for _, c := range []struct{ path, sample string }{{cpu, "samples/count"}, {mem, "alloc_space"}, {workers[0], "samples/count"}} {
		out, err := exec.Command("go", "tool", "pprof", "-raw", c.path).CombinedOutput()
		if err != nil {
			t.Fatalf("pprof %s: %v\n%s", c.path, err, out)
		}
		if !strings.Contains(string(out), c.sample) {
			t.Errorf("pprof -raw %s has no %s:\n%.500s", filepath.Base(c.path), c.sample, out)
		}
	}

	code, _, stderr := run(t, "parse", "--cpuprofile", filepath.Join(dir, "missing", "cpu.pprof"), seed)
	if code != exitFailure || !strings.Contains(stderr, "cpu profile") {
		t.Errorf("profile in a missing directory: exit %d, stderr %q", code, stderr)
	}
}

// TestServePprof: --pprof serves the heap profile on a loopback address
// while the server runs and stops with it; other addresses are refused.
func TestServePprof(t *testing.T) {
	dir := sampleIndex(t)
	code, _, stderr := run(t, "serve", "--index", dir, "--addr", "127.0.0.1:0", "--pprof", "0.0.0.0:0")
	if code != exitUsage || !strings.Contains(stderr, "loopback address only") {
		t.Errorf("--pprof on all interfaces: exit %d, %q", code, stderr)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // free for --pprof to take
	_, stop := startServe(t, serveOptions{index: dir, pprof: addr})
	resp, err := http.Get("http://" + addr + "/debug/pprof/heap?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "heap profile") {
		t.Errorf("heap profile: %s %.200s", resp.Status, body)
	}
	stop()
	if _, err := http.Get("http://" + addr + "/debug/pprof/"); err == nil {
		t.Error("profiles still served after the server stopped")
	}
}
