package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMain_Writes(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	if code := Main([]string{"-n", "12", "-seed", "3", "-out", dir}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	txt, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	js, _ := filepath.Glob(filepath.Join(dir, "expected", "*.txt.json"))
	if len(txt) != 12 || len(js) != 12 {
		t.Fatalf("wrote %d bulletins and %d records, want 12 each", len(txt), len(js))
	}
	for _, p := range txt {
		if _, err := os.Stat(filepath.Join(dir, "expected", filepath.Base(p)+".json")); err != nil {
			t.Errorf("no expected record for %s", p)
		}
	}
	if !strings.Contains(stdout.String(), "wrote 12 bulletins") {
		t.Errorf("stdout = %q", stdout.String())
	}
}

func TestMain_Usage(t *testing.T) {
	for _, args := range [][]string{{}, {"-n", "0", "-out", "x"}, {"-bogus"}, {"-out", "x", "extra"}} {
		var stdout, stderr bytes.Buffer
		if code := Main(args, &stdout, &stderr); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
		if !strings.Contains(stderr.String(), "usage: jianbao-gen") {
			t.Errorf("%q: no usage on stderr: %q", args, stderr.String())
		}
	}
}

func TestMain_UnwritableDir(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := Main([]string{"-n", "2", "-out", file}, &stdout, &stderr); code != 1 {
		t.Errorf("exit %d, want 1; stderr %q", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "jianbao-gen:") {
		t.Errorf("stderr = %q", stderr.String())
	}
}
