package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestMakeFuzzRunsEveryTarget checks that `make fuzz` runs every fuzz
// target of the module once, each in its own package (FUZZ_TARGETS, as
// package:Target): a parser of outside input given a fuzz target is fuzzed
// by the command that says it fuzzes them all, not only by its seeds
// under make test.
func TestMakeFuzzRunsEveryTarget(t *testing.T) {
	root := filepath.Join("..", "..")
	mk, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	_, list, ok := strings.Cut(string(mk), "\nFUZZ_TARGETS := \\\n")
	if !ok {
		t.Fatal("Makefile: no FUZZ_TARGETS")
	}
	list, _, _ = strings.Cut(list, "\n\n") // up to the blank line after it
	if !strings.Contains(string(mk), "for t in $(FUZZ_TARGETS)") {
		t.Fatal("Makefile: the fuzz recipe does not run FUZZ_TARGETS")
	}
	run := map[string]bool{}
	for _, f := range strings.Fields(strings.ReplaceAll(list, "\\", "")) {
		pkg, name, ok := strings.Cut(f, ":")
		if !ok {
			t.Fatalf("FUZZ_TARGETS: %q is not package:Target", f)
		}
		if target := "./" + pkg + " " + name; run[target] {
			t.Errorf("make fuzz runs %s twice", target)
		} else {
			run[target] = true
		}
	}
	var targets []string
	decl := regexp.MustCompile(`(?m)^func (Fuzz\w+)\(\w+ \*testing\.F\)`)
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, filepath.Dir(path))
		if err != nil {
			return err
		}
		for _, m := range decl.FindAllStringSubmatch(string(src), -1) {
			targets = append(targets, "./"+filepath.ToSlash(rel)+" "+m[1])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(targets) == 0 {
		t.Fatal("no fuzz targets found")
	}
	slices.Sort(targets)
	for _, target := range targets {
		if !run[target] {
			t.Errorf("make fuzz does not run %s", target)
		}
		delete(run, target)
	}
	for target := range run {
		t.Errorf("make fuzz runs %s, which is no fuzz target", target)
	}
}
