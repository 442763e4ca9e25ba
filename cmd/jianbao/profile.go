package main

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// profiles writes the CPU and heap profiles that --cpuprofile and
// --memprofile ask for: where a command's time and memory go, for `go tool
// pprof`.
type profiles struct {
	cpuPath, memPath string
	cpu              *os.File // open while the CPU profile runs
}

// start begins the CPU profile, if one was asked for.
func (p *profiles) start() error {
	if p.cpuPath == "" {
		return nil
	}
	f, err := os.Create(p.cpuPath)
	if err != nil {
		return fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		// The file is empty and about to be reported as unusable.
		_ = f.Close()
		return fmt.Errorf("cpu profile: %w", err)
	}
	p.cpu = f
	return nil
}

// stop ends the CPU profile and writes the heap profile, if asked for. The
// heap profile is of the live heap after a collection, at the command's end.
func (p *profiles) stop() error {
	var errs []error
	if p.cpu != nil {
		pprof.StopCPUProfile()
		if err := p.cpu.Close(); err != nil {
			errs = append(errs, fmt.Errorf("cpu profile: %w", err))
		}
		p.cpu = nil
	}
	if p.memPath != "" {
		f, err := os.Create(p.memPath)
		if err != nil {
			return errors.Join(append(errs, fmt.Errorf("memory profile: %w", err))...)
		}
		runtime.GC()
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			errs = append(errs, fmt.Errorf("memory profile: %w", err))
		}
		if err := f.Close(); err != nil {
			errs = append(errs, fmt.Errorf("memory profile: %w", err))
		}
	}
	return errors.Join(errs...)
}
