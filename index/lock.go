package index

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// lockName is the lock file of an index directory. A writer holds a write
// lock on it and writes its PID and command into it; readers hold read
// locks. POSIX record locks go away with the process, so a killed writer
// never leaves the index locked.
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
	f   *os.File
	key string
}

var (
	openMu   sync.Mutex
	openDirs = map[string]bool{} // directories open in this process
)

// acquire takes the lock of dir, for writing or for reading, without
// waiting.
func acquire(dir string, write bool, command string) (*lockFile, error) {
	key, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("lock index %s: %w", dir, err)
	}
	openMu.Lock()
	defer openMu.Unlock()
	if openDirs[key] {
		return nil, &InUseError{Dir: dir, PID: os.Getpid(), Command: "this process", Writer: true}
	}
	flag := os.O_RDONLY
	if write {
		flag = os.O_RDWR | os.O_CREATE
	}
	f, err := os.OpenFile(filepath.Join(dir, lockName), flag, 0o644)
	if errors.Is(err, os.ErrNotExist) && !write {
		// An index made before the lock file existed, or read-only media:
		// readers need no file of their own.
		return &lockFile{key: key}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("lock index %s: %w", dir, err)
	}
	typ := int16(syscall.F_RDLCK)
	if write {
		typ = syscall.F_WRLCK
	}
	lk := syscall.Flock_t{Type: typ, Whence: 0, Start: 0, Len: 0}
	if err := syscall.FcntlFlock(f.Fd(), syscall.F_SETLK, &lk); err != nil {
		defer f.Close()
		if errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EACCES) {
			return nil, holder(dir, f, typ)
		}
		return nil, fmt.Errorf("lock index %s: %w", dir, err)
	}
	if write {
		desc := strconv.Itoa(os.Getpid()) + " " + command + "\n"
		if err := f.Truncate(0); err == nil {
			f.WriteAt([]byte(desc), 0)
		}
	}
	openDirs[key] = true
	return &lockFile{f: f, key: key}, nil
}

// holder describes who holds the lock that typ conflicts with.
func holder(dir string, f *os.File, typ int16) error {
	e := &InUseError{Dir: dir}
	lk := syscall.Flock_t{Type: typ, Whence: 0, Start: 0, Len: 0}
	if err := syscall.FcntlFlock(f.Fd(), syscall.F_GETLK, &lk); err == nil && lk.Type != syscall.F_UNLCK {
		e.PID = int(lk.Pid)
		e.Writer = lk.Type == syscall.F_WRLCK
	}
	if e.Writer {
		// The writer put its PID and command in the file.
		buf := make([]byte, 512)
		n, _ := f.ReadAt(buf, 0)
		pid, cmd, _ := strings.Cut(strings.TrimSpace(string(buf[:n])), " ")
		if p, err := strconv.Atoi(pid); err == nil && (e.PID == 0 || p == e.PID) {
			e.PID, e.Command = p, cmd
		}
	}
	if e.Command == "" && e.PID > 0 {
		if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", e.PID)); err == nil {
			e.Command = strings.TrimSpace(strings.ReplaceAll(string(b), "\x00", " "))
		}
	}
	return e
}

func (l *lockFile) release() {
	openMu.Lock()
	defer openMu.Unlock()
	delete(openDirs, l.key)
	if l.f != nil {
		l.f.Close() // closing drops the record lock
	}
}
