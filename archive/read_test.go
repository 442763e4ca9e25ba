package archive

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"jianbao/ingest"
)

// TestReadInOrder: the results come in the order of the files whatever
// order the reads end in, and a caller that stops early cancels and
// drains the channel with no read left running.
func TestReadInOrder(t *testing.T) {
	var files []string
	for i := range 40 {
		files = append(files, fmt.Sprintf("/f%02d.txt", i))
	}
	var running atomic.Int32
	r := rand.New(rand.NewPCG(1, 2))
	delays := map[string]time.Duration{}
	for _, f := range files {
		delays[f] = time.Duration(r.IntN(3000)) * time.Microsecond
	}
	reader := ReaderFunc(func(ctx context.Context, path string) ingest.FileResult {
		running.Add(1)
		defer running.Add(-1)
		select {
		case <-time.After(delays[path]):
			return ingest.FileResult{Path: path}
		case <-ctx.Done():
			return ingest.FileResult{Path: path, Err: ctx.Err()}
		}
	})
	var got []string
	for res := range ReadInOrder(context.Background(), reader, files, 4) {
		got = append(got, res.Path)
	}
	if !slices.Equal(got, files) {
		t.Errorf("results in the order %q, want the files'", got)
	}

	ctx, cancel := context.WithCancel(context.Background())
	results := ReadInOrder(ctx, reader, files, 4)
	<-results
	cancel()
	n := 1
	for range results {
		n++
	}
	if n == len(files) {
		t.Errorf("all %d files were read after the caller stopped", n)
	}
	if k := running.Load(); k != 0 {
		t.Errorf("%d reads still running after the channel closed", k)
	}
}
