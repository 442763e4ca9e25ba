package index

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestLockWithinProcess: the lock of an index conflicts between two
// Indexes of one process as between processes, with no table of open
// directories: a writer excludes everyone, readers share. A refused open
// leaves the holder's lock in place (closing a POSIX-locked file would
// drop every lock of the process on it), and closing releases it.
func TestLockWithinProcess(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	w, err := Open(dir, Options{Create: true, Command: "jianbao ingest"})
	if err != nil {
		t.Fatal(err)
	}
	inUse := func(what string, opts Options, writer bool) {
		t.Helper()
		_, err := Open(dir, opts)
		var iu *InUseError
		if !errors.As(err, &iu) || iu.Writer != writer || (writer && iu.PID != os.Getpid()) {
			t.Errorf("%s: Open = %v, want an *InUseError (writer %v) naming this process", what, err, writer)
		}
	}
	inUse("reader beside a writer", Options{ReadOnly: true}, true)
	inUse("writer beside a writer", Options{}, true)
	inUse("reader after refusals", Options{ReadOnly: true}, true)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r1, err := Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("reader after the writer closed: %v", err)
	}
	r2, err := Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("second reader: %v", err)
	}
	inUse("writer beside readers", Options{}, false)
	r1.Close()
	inUse("writer beside a reader", Options{}, false)
	r2.Close()
	w, err = Open(dir, Options{})
	if err != nil {
		t.Fatalf("writer after the readers closed: %v", err)
	}
	w.Close()
}
