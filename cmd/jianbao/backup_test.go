package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestBackupAndReadOnlyServe: a backup made through a running server opens
// as a read-only replica that answers as the server does and takes no
// ingest; without a server the command copies the index itself.
func TestBackupAndReadOnlyServe(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(sampleDir, "*.txt"))
	dir := filepath.Join(t.TempDir(), "index")
	if code, _, stderr := run(t, append([]string{"ingest", "--index", dir}, files...)...); code != 0 {
		t.Fatalf("ingest: %d %s", code, stderr)
	}
	base, stop := startServe(t, serveOptions{index: dir})
	dest := filepath.Join(t.TempDir(), "replica")
	if code, out, stderr := run(t, "backup", "--index", dir, dest); code != 0 || !strings.Contains(out, "copied into") {
		t.Fatalf("backup through the server: exit %d %s %s", code, out, stderr)
	}
	replica, _ := startServe(t, serveOptions{index: dest, readOnly: true})
	hits := func(base, q string) []string {
		t.Helper()
		resp, err := http.Get(base + "/api/search?limit=100&q=" + url.QueryEscape(q))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var r struct {
			Total int
			Hits  []struct{ ID string } `json:"hits"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, h := range r.Hits {
			ids = append(ids, h.ID)
		}
		return ids
	}
	for _, q := range []string{"永定路", "志愿服务", "district:海淀 文明"} {
		if got, want := hits(replica, q), hits(base, q); len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("%s: the replica finds %v, the server %v", q, got, want)
		}
	}
	resp, err := http.Post(replica+"/api/ingest", "application/json", strings.NewReader(`{"paths":["/tmp/x.txt"]}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("ingest on a read-only server: %d, want 404", resp.StatusCode)
	}
	if code, _, stderr := run(t, "ingest", "--index", dest, files[0]); code != 1 || !strings.Contains(stderr, "in use") {
		t.Errorf("ingest into a served replica: exit %d %s", code, stderr)
	}
	if code, _, stderr := run(t, "serve", "--read-only", "--watch", dir, "--index", dest); code != 2 || !strings.Contains(stderr, "exclude each other") {
		t.Errorf("serve --read-only --watch: exit %d %s", code, stderr)
	}

	stop()
	second := filepath.Join(t.TempDir(), "second")
	if code, _, stderr := run(t, "backup", "--index", dir, second); code != 0 {
		t.Errorf("backup without a server: exit %d %s", code, stderr)
	}
	if code, _, stderr := run(t, "backup", "--index", dir, second); code != 1 || !strings.Contains(stderr, "exists already") {
		t.Errorf("backup onto an existing directory: exit %d %s", code, stderr)
	}
}
