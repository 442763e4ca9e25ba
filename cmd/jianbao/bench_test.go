package main

import (
	"os/exec"
	"path/filepath"
	"testing"

	"jianbao/ingest/synth"
)

// benchSetup builds the binary and ingests 500 generated bulletins.
func benchSetup(b *testing.B) benchEnv {
	b.Helper()
	dir := b.TempDir()
	env := benchEnv{dir: dir, bin: filepath.Join(dir, "jianbao"), src: filepath.Join(dir, "src"), index: filepath.Join(dir, "index")}
	if out, err := exec.Command("go", "build", "-o", env.bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v: %s", err, out)
	}
	if err := synth.Write(env.src, synth.Generate(500, 500)); err != nil {
		b.Fatal(err)
	}
	if out, err := exec.Command(env.bin, "ingest", "--index", env.index, env.src).CombinedOutput(); err != nil {
		b.Fatalf("ingest: %v: %s", err, out)
	}
	return env
}

type benchEnv struct{ dir, bin, src, index string }

// BenchmarkColdSearch runs a whole `jianbao search` process on an index of
// 500 bulletins: the time a script or a user waits (goal: under 150 ms).
func BenchmarkColdSearch(b *testing.B) {
	env := benchSetup(b)
	b.ResetTimer()
	for _, q := range []string{"文明城区", "实", "志愿服务"} {
		b.Run(q, func(b *testing.B) {
			for b.Loop() {
				if out, err := exec.Command(env.bin, "search", "--index", env.index, "--format", "json", "--limit", "10", q).Output(); err != nil {
					b.Fatalf("search: %v: %s", err, out)
				}
			}
		})
	}
}

// BenchmarkReingestUnchanged runs `jianbao ingest` over an unchanged
// archive of 500 bulletins (goal: under 1 s).
func BenchmarkReingestUnchanged(b *testing.B) {
	env := benchSetup(b)
	b.ResetTimer()
	for b.Loop() {
		if out, err := exec.Command(env.bin, "ingest", "--index", env.index, env.src).CombinedOutput(); err != nil {
			b.Fatalf("ingest: %v: %s", err, out)
		}
	}
}
