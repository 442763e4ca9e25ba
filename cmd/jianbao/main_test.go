package main

import (
	"os"
	"testing"
)

// The test binary stands in for jianbao when a command run by a test
// starts its worker processes (os.Executable() + "worker").
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "worker" {
		os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}
