package archive

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestWatch: the files under the directory are ingested at once, a file
// copied in later at the next round, a bad file is reported once and not
// read again; once ctx ends Watch returns, and reports nothing after.
func TestWatch(t *testing.T) {
	paths, ix := smallArchive(t, 3, 31)
	dir := filepath.Join(t.TempDir(), "watched")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	copyIn := func(src string) {
		t.Helper()
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(src)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyIn(paths[0])
	if err := os.WriteFile(filepath.Join(dir, "bad.txt"), []byte("不是简报"), 0o644); err != nil {
		t.Fatal(err)
	}
	type round struct {
		sum *Summary
		err error
	}
	rounds := make(chan round, 100)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		Watch(ctx, Archive{Index: ix}, []string{dir}, 20*time.Millisecond, func(sum *Summary, err error) {
			rounds <- round{sum, err}
		})
	}()
	next := func() *Summary {
		t.Helper()
		select {
		case r := <-rounds:
			if r.err != nil {
				t.Fatal(r.err)
			}
			return r.sum
		case <-time.After(time.Minute):
			t.Fatal("no round of the watcher in a minute")
			return nil
		}
	}
	if sum := next(); sum.Added != 1 || sum.Failed != 1 || sum.Issues != 1 {
		t.Errorf("first round: %+v, want the bulletin added and the bad file failed", sum)
	}
	if sum := next(); sum.Added+sum.Failed != 0 || sum.Unchanged != 1 || sum.FailedBefore != 1 {
		t.Errorf("second round: %+v, want nothing read again", sum)
	}
	copyIn(paths[1])
	var sum *Summary
	for sum = next(); sum.Added == 0; sum = next() {
	}
	if sum.Added != 1 || sum.Issues != 2 || sum.Failed != 0 {
		t.Errorf("round with a new file: %+v", sum)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("Watch did not return once its context ended")
	}
	for len(rounds) > 0 {
		<-rounds // rounds that ended before ctx did
	}
	select {
	case r := <-rounds:
		t.Errorf("a round reported after Watch returned: %+v", r)
	case <-time.After(100 * time.Millisecond):
	}
}
