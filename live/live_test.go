package live

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

func TestServerInfo(t *testing.T) {
	dir := t.TempDir()
	if _, err := FindServer(dir); !errors.Is(err, ErrNoServer) {
		t.Errorf("no file: %v, want ErrNoServer", err)
	}
	info := ServerInfo{PID: os.Getpid(), URL: "http://127.0.0.1:8080", Token: "t"}
	if err := WriteServerInfo(dir, info); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, ServerInfoFile))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("info file: %v, mode %v, want 0600", err, st.Mode())
	}
	c, err := FindServer(dir)
	if err != nil || c.URL != info.URL || c.Token != "t" || c.PID != info.PID {
		t.Errorf("FindServer: %v %+v", err, c)
	}
	if err := RemoveServerInfo(dir, info.PID+1); err != nil {
		t.Fatal(err)
	}
	if _, err := FindServer(dir); err != nil {
		t.Errorf("removed by another process's id: %v", err)
	}
	// The info of a process that is gone is stale.
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip("no true command")
	}
	info.PID = cmd.Process.Pid
	if err := WriteServerInfo(dir, info); err != nil {
		t.Fatal(err)
	}
	if _, err := FindServer(dir); !errors.Is(err, ErrNoServer) {
		t.Errorf("dead server: %v, want ErrNoServer", err)
	}
	if err := RemoveServerInfo(dir, info.PID); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, ServerInfoFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("info file left: %v", err)
	}
}
