package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"jianbao/archive"
	"jianbao/index"
	"jianbao/ingest"
	"jianbao/internal/synth"
	"jianbao/worker"
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

// BenchmarkIngestSample ingests the sample archive (what make run ingests)
// into a new index, reading the files in this process and in worker
// processes started for the run, as jianbao ingest does: the cost of the
// isolation is the difference.
func BenchmarkIngestSample(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join(sampleDir, "*.txt"))
	files = append(files, "../../ingest/testdata/pdf/bulletin-2021-014.lo.pdf")
	ingestOnce := func(b *testing.B, reader func() (archive.FileReader, func())) {
		ix, err := index.Open(filepath.Join(b.TempDir(), "index"), index.Options{Create: true})
		if err != nil {
			b.Fatal(err)
		}
		defer ix.Close()
		r, done := reader()
		defer done()
		sum, err := archive.Ingest(context.Background(), ix, files, archive.Options{Reader: r})
		if err != nil || sum.Failed > 0 || sum.Added != len(files) {
			b.Fatalf("ingest: %+v %v", sum, err)
		}
	}
	b.Run("in-process", func(b *testing.B) {
		for b.Loop() {
			ingestOnce(b, func() (archive.FileReader, func()) {
				return archive.ReaderFunc(func(ctx context.Context, path string) ingest.FileResult {
					return ingest.ReadFile(ctx, path, ingest.Options{})
				}), func() {}
			})
		}
	})
	b.Run("workers", func(b *testing.B) {
		for b.Loop() {
			ingestOnce(b, func() (archive.FileReader, func()) {
				pool := worker.NewPool(worker.Config{Command: []string{os.Args[0], "worker"}, Workers: runtime.NumCPU()})
				return pool, func() { pool.Close() }
			})
		}
	})
}
