package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestProfiles: --cpuprofile and --memprofile write profiles that go tool
// pprof reads, and a profile that cannot be written is an error that names
// it.
func TestProfiles(t *testing.T) {
	dir := t.TempDir()
	cpu, mem := filepath.Join(dir, "cpu.pprof"), filepath.Join(dir, "mem.pprof")
	if code, _, stderr := run(t, "parse", "--cpuprofile", cpu, "--memprofile", mem, seed); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, c := range []struct{ path, sample string }{{cpu, "samples/count"}, {mem, "alloc_space"}} {
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
