package ingest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"
)

// DefaultMaxFileBytes bounds the size of a file ReadFile reads: a bulletin
// is tens of kilobytes as text and a few megabytes as a scanned PDF.
const DefaultMaxFileBytes = 64 << 20

// ErrTooLarge is wrapped by the error for a file over the size limit.
var ErrTooLarge = errors.New("file too large")

// ErrNotRegular is wrapped by the error for a path that is not a regular
// file: a directory, a FIFO, a device or a socket.
var ErrNotRegular = errors.New("not a regular file")

// FileResult is what reading one bulletin file gives: the file as it was
// opened, and its record or why there is none.
type FileResult struct {
	Path    string
	Size    int64     // bytes, when opened
	ModTime time.Time // when opened
	// Issue is the record, nil when Err is set. Its Source says which
	// bytes it was read from.
	Issue *Issue
	// Warnings are the problems inside a file whose record was still made.
	Warnings ErrorList
	// Err says why the file gave no record; it names the path.
	Err error
}

// ReadFile reads and parses the bulletin at path; see Parse. Only a regular
// file is read: it is looked at before it is opened, and opened without
// blocking, so that a FIFO or a device named .txt is refused rather than
// waited on. A file larger than opts.MaxFileBytes (DefaultMaxFileBytes if
// 0) is refused without being read.
func ReadFile(ctx context.Context, path string, opts Options) FileResult {
	r := FileResult{Path: path}
	data, st, err := readRegular(path, cmp.Or(opts.MaxFileBytes, DefaultMaxFileBytes))
	if st != nil {
		r.Size, r.ModTime = st.Size(), st.ModTime()
	}
	if err != nil {
		r.Err = err
		return r
	}
	iss, err := Parse(ctx, path, data, opts)
	var named *NamedErrorList
	switch {
	case iss != nil && errors.As(err, &named):
		r.Warnings = named.ErrorList
	case err != nil:
		r.Err = err
		return r
	}
	r.Issue = iss
	return r
}

// ParseFile reads the bulletin at path with ReadFile. As with Parse, an
// ErrorList error (of the problems inside the file) comes with a usable
// Issue, any other error with none.
func ParseFile(ctx context.Context, path string, opts Options) (*Issue, error) {
	r := ReadFile(ctx, path, opts)
	if r.Err != nil {
		return nil, r.Err
	}
	if len(r.Warnings) > 0 {
		return r.Issue, &NamedErrorList{Name: path, ErrorList: r.Warnings}
	}
	return r.Issue, nil
}

// readRegular reads the regular file at path, up to limit bytes, and
// returns its data and what it was when opened.
func readRegular(path string, limit int64) ([]byte, os.FileInfo, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, st, fmt.Errorf("%s: %w (%s)", path, ErrNotRegular, kind(st.Mode()))
	}
	// O_NONBLOCK: a FIFO swapped in after the look is not waited on.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, st, err
	}
	defer f.Close()
	if st, err = f.Stat(); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	if !st.Mode().IsRegular() {
		return nil, st, fmt.Errorf("%s: %w (%s)", path, ErrNotRegular, kind(st.Mode()))
	}
	if st.Size() > limit {
		return nil, st, fmt.Errorf("%s: %w: %d bytes, over the limit of %d", path, ErrTooLarge, st.Size(), limit)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, st, fmt.Errorf("%s: %w", path, err)
	}
	if int64(len(data)) > limit {
		return nil, st, fmt.Errorf("%s: %w: grew over the limit of %d bytes while read", path, ErrTooLarge, limit)
	}
	return data, st, nil
}

// kind names the type of a file that is not regular.
func kind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeNamedPipe != 0:
		return "a FIFO"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeDevice != 0:
		return "a device"
	}
	return m.Type().String()
}
