package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"jianbao/archive"
	"jianbao/index"
	"jianbao/ingest"
	"jianbao/internal/synth"
)

const sampleDir = "../../testdata/sample"

func TestIngestAndSearch(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	code, out, stderr := run(t, "ingest", "--index", dir, "--json", sampleDir)
	if code != 0 {
		t.Fatalf("ingest: exit %d\n%s", code, stderr)
	}
	var sum archive.Summary
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatalf("summary is not JSON: %v\n%s", err, out)
	}
	files, _ := filepath.Glob(filepath.Join(sampleDir, "*.txt"))
	if sum.Added != len(files) || sum.Issues != len(files) {
		t.Errorf("summary %+v, want %d added", sum, len(files))
	}

	code, out, stderr = run(t, "search", "--index", dir, "--format", "json", "--limit", "3", "永定路")
	if code != 0 {
		t.Fatalf("search: exit %d\n%s", code, stderr)
	}
	var res struct {
		Total int `json:"total"`
		Hits  []struct {
			ID       string   `json:"id"`
			Snippets []string `json:"snippets"`
		} `json:"hits"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("search output: %v\n%s", err, out)
	}
	want := 0
	for _, f := range files {
		iss, _ := ingest.ParseFile(context.Background(), f, ingest.Options{})
		for _, a := range iss.Articles {
			if strings.Contains(ingest.MatchText(a.Headline+"\x1f"+a.SourceOrg+"\x1f"+a.Body), "永定路") {
				want++
			}
		}
	}
	if res.Total != want || want == 0 || len(res.Hits) != min(3, want) || res.Hits[0].ID == "" {
		t.Errorf("search: total %d (want %d), hits %+v", res.Total, want, res.Hits)
	}
	if len(res.Hits) > 0 && !strings.Contains(strings.Join(res.Hits[0].Snippets, ""), "<mark>永定路</mark>") {
		t.Errorf("snippets %q", res.Hits[0].Snippets)
	}

	// Unchanged: nothing parsed.
	code, out, _ = run(t, "ingest", "--index", dir, sampleDir+"/*.txt")
	if code != 0 || !strings.Contains(out, fmt.Sprintf("0 added, 0 updated, %d unchanged, 0 failed", len(files))) {
		t.Errorf("second ingest: exit %d: %s", code, out)
	}
	// JIANBAO_INDEX is the default index.
	t.Setenv("JIANBAO_INDEX", dir)
	if code, out, _ := run(t, "search", "实"); code != 0 || !strings.Contains(out, "articles") {
		t.Errorf("search via $JIANBAO_INDEX: exit %d: %s", code, out)
	}
}

func TestIngestFailures(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	code, out, stderr := run(t, "ingest", "--index", dir,
		"../../ingest/testdata/edge/not-a-bulletin.txt", sampleDir+"/bulletin-2021-014.txt", "no/such/*.txt")
	if code != exitFailure {
		t.Errorf("exit %d, want %d", code, exitFailure)
	}
	for _, want := range []string{"1 added", "2 failed"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary %q lacks %q", out, want)
		}
	}
	for _, want := range []string{"not-a-bulletin.txt: not a bulletin", "no/such/*.txt", "2 files failed"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if code, _, stderr := run(t, "search", "--index", filepath.Join(t.TempDir(), "none"), "文明"); code != exitFailure || !strings.Contains(stderr, "no index") {
		t.Errorf("search of a missing index: exit %d: %s", code, stderr)
	}
}

// TestHelperHoldIndex is not a test: run by TestIngestIndexInUse in a child
// process, it opens the index for writing and waits to be killed.
func TestHelperHoldIndex(t *testing.T) {
	dir := os.Getenv("JIANBAO_HOLD_INDEX")
	if dir == "" {
		t.Skip("helper process")
	}
	ix, err := index.Open(dir, index.Options{Create: true, Command: "jianbao ingest"})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	defer ix.Close()
	fmt.Println("ready")
	time.Sleep(time.Minute)
}

func TestIngestIndexInUse(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperHoldIndex$")
	cmd.Env = append(os.Environ(), "JIANBAO_HOLD_INDEX="+dir)
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	buf := make([]byte, 64)
	n, _ := stdout.Read(buf)
	if !strings.HasPrefix(string(buf[:n]), "ready") {
		t.Fatalf("helper: %q", buf[:n])
	}
	start := time.Now()
	code, _, stderr := run(t, "ingest", "--index", dir, sampleDir+"/bulletin-2021-014.txt")
	if code != exitFailure || time.Since(start) > 5*time.Second {
		t.Errorf("exit %d after %v", code, time.Since(start))
	}
	for _, want := range []string{"is in use", "process " + strconv.Itoa(cmd.Process.Pid), "jianbao ingest", "wait for it"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("message lacks %q: %s", want, stderr)
		}
	}
	if code, _, stderr := run(t, "search", "--index", dir, "文明"); code != exitFailure || !strings.Contains(stderr, "is writing it") {
		t.Errorf("search while written: exit %d: %s", code, stderr)
	}
}

// TestIngestCrashSafety kills `jianbao ingest` at random moments and checks
// that a re-run leaves every issue exactly once. JIANBAO_SOAK=1 makes the run
// long (more bulletins, more kills).
func TestIngestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bulletins, kills, maxDelay := 80, 3, 700
	if os.Getenv("JIANBAO_SOAK") != "" {
		bulletins, kills, maxDelay = 1500, 25, 6000
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "jianbao")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	src := filepath.Join(tmp, "src")
	files := synth.Generate(bulletins, 42)
	if err := synth.Write(src, files); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(tmp, "index")
	args := []string{"ingest", "--index", dir, "--batch-docs", "40", "--workers", "2", src}
	r := rand.New(rand.NewPCG(1, uint64(time.Now().UnixNano())))
	killed, completed := 0, 0
	for i := 0; i < kills; i++ {
		cmd := exec.Command(bin, args...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		delay := time.Duration(50+r.IntN(maxDelay)) * time.Millisecond
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
			// Finished before the kill: start again from nothing, so that
			// the next kills fall into an ingest at work, not a no-op run.
			completed++
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
		case <-time.After(delay):
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
			killed++
		}
	}
	var stderr strings.Builder
	final := exec.Command(bin, append(args, "--json")...)
	final.Stderr = &stderr
	out, err := final.Output()
	if err != nil {
		t.Fatalf("final run: %v\n%s\n%s", err, out, stderr.String())
	}
	t.Logf("%d kills, %d runs finished first; final run: %s", killed, completed, out)

	ix, err := index.Open(dir, index.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("index does not open after the kills: %v", err)
	}
	defer ix.Close()
	ctx := context.Background()
	list, err := ix.Issues(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{} // issue → articles
	total := 0
	for _, f := range files {
		iss, err := ingest.Parse(ctx, f.Name, f.Data, ingest.Options{})
		if iss == nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		want[iss.ID] = len(iss.Articles)
		total += len(iss.Articles)
	}
	seen := map[string]bool{}
	for _, it := range list {
		if seen[it.ID] {
			t.Errorf("issue %s listed twice", it.ID)
		}
		seen[it.ID] = true
		if _, ok := want[it.ID]; !ok {
			t.Errorf("unexpected issue %s", it.ID)
		}
		if len(it.Files) != 1 {
			t.Errorf("issue %s has files %+v", it.ID, it.Files)
		}
	}
	if len(list) != len(want) {
		t.Errorf("%d issues in the index, want %d", len(list), len(want))
	}
	res, err := ix.Search(ctx, index.Request{Expr: index.All{}, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != total {
		t.Errorf("%d articles in the index, want %d", res.Total, total)
	}
	for id, n := range want {
		r, err := ix.Search(ctx, index.Request{Expr: index.Field{Name: "issue_id", Value: id}, Limit: 1})
		if err != nil || r.Total != n {
			t.Errorf("issue %s: %d articles, want %d (%v)", id, r.Total, n, err)
		}
	}
}
