package index

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// lockName is the lock file of an index directory. A writer holds a write
// lock on it and writes its PID and command into it; readers hold read
// locks. The locks are Linux's open file description locks (F_OFD_SETLK):
// they belong to the open file, so a second Index of the same process
// conflicts with the first as another process would, and closing any other
// descriptor of the file drops nothing (unlike POSIX record locks). They go
// away with the process, so a killed writer never leaves the index locked.
const lockName = "jianbao.lock"

// InUseError reports an index held by another process (or by another Index
// of this process).
type InUseError struct {
	Dir     string
	PID     int    // the holder's process id; 0 if unknown
	Command string // what the holder runs, if known
	Writer  bool   // the holder writes (else it only reads)
}

func (e *InUseError) Error() string {
	who := "another process"
	if e.PID > 0 {
		who = "process " + strconv.Itoa(e.PID)
		if e.Command != "" {
			who += " (" + e.Command + ")"
		}
	}
	what := "reading"
	if e.Writer {
		what = "writing"
	}
	return fmt.Sprintf("index %s is in use: %s is %s it; wait for it to finish or stop it, then try again", e.Dir, who, what)
}

type lockFile struct {
	f *os.File // nil: no lock file (a reader of an index without one)
}

// acquire takes the lock of dir, for writing or for reading, without
// waiting.
func acquire(dir string, write bool, command string) (*lockFile, error) {
	flag := os.O_RDONLY
	if write {
		flag = os.O_RDWR | os.O_CREATE
	}
	f, err := os.OpenFile(filepath.Join(dir, lockName), flag|unix.O_CLOEXEC, 0o644)
	if errors.Is(err, os.ErrNotExist) && !write {
		// An index made before the lock file existed, or read-only media:
		// readers need no file of their own.
		return &lockFile{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("lock index %s: %w", dir, err)
	}
	typ := int16(unix.F_RDLCK)
	if write {
		typ = unix.F_WRLCK
	}
	lk := unix.Flock_t{Type: typ, Whence: 0, Start: 0, Len: 0}
	if err := unix.FcntlFlock(f.Fd(), unix.F_OFD_SETLK, &lk); err != nil {
		defer f.Close()
		if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EACCES) {
			return nil, holder(dir, f, typ)
		}
		return nil, fmt.Errorf("lock index %s: %w", dir, err)
	}
	if write {
		desc := strconv.Itoa(os.Getpid()) + " " + command + "\n"
		// The description only helps another process name the holder: a
		// file that cannot be written leaves it without.
		if err := f.Truncate(0); err == nil {
			_, _ = f.WriteAt([]byte(desc), 0)
		}
	}
	return &lockFile{f: f}, nil
}

// holder describes who holds the lock that typ conflicts with. An open
// file description lock does not name its process; a writer names itself
// in the file.
func holder(dir string, f *os.File, typ int16) error {
	e := &InUseError{Dir: dir}
	lk := unix.Flock_t{Type: typ, Whence: 0, Start: 0, Len: 0}
	if err := unix.FcntlFlock(f.Fd(), unix.F_OFD_GETLK, &lk); err == nil && lk.Type != unix.F_UNLCK {
		e.Writer = lk.Type == unix.F_WRLCK
		if lk.Pid > 0 {
			e.PID = int(lk.Pid)
		}
	}
	if e.Writer {
		// The writer put its PID and command in the file.
		buf := make([]byte, 512)
		n, _ := f.ReadAt(buf, 0) // a short or failed read leaves the holder unnamed
		pid, cmd, _ := strings.Cut(strings.TrimSpace(string(buf[:n])), " ")
		if p, err := strconv.Atoi(pid); err == nil && (e.PID == 0 || p == e.PID) {
			e.PID, e.Command = p, cmd
		}
	}
	if e.PID == os.Getpid() {
		e.Command = "this process"
	}
	if e.Command == "" && e.PID > 0 {
		if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", e.PID)); err == nil {
			e.Command = strings.TrimSpace(strings.ReplaceAll(string(b), "\x00", " "))
		}
	}
	return e
}

func (l *lockFile) release() {
	if l.f != nil {
		l.f.Close() // closing the file drops its lock
	}
}
