package worker

import (
	"os/exec"
	"syscall"
)

// sysProcAttr puts a worker in a process group of its own, so that the
// tools it starts (pdftotext, tesseract) die with it, and has the kernel
// kill it if the process that started it dies.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// killGroup kills a worker's process group.
func killGroup(cmd *exec.Cmd) {
	if cmd.Process == nil {
		return
	}
	// Errors mean the group is gone already.
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	_ = cmd.Process.Kill()
}
