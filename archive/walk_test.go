package archive

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestExpand: directories give their bulletin files recursively, in any
// case of extension; a file is taken as named; a pattern is expanded; an
// argument that gives no file is missing.
func TestExpand(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a.txt", "B.PDF", "notes.doc", "sub/c.txt", "sub/deeper/d.pdf", "other/e.txt", "other/f.md"} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	at := func(names ...string) []string {
		var out []string
		for _, n := range names {
			out = append(out, filepath.Join(dir, n))
		}
		return out
	}
	for _, tt := range []struct {
		name          string
		args          []string
		files, missed []string
	}{
		{"directory", at("."), at("B.PDF", "a.txt", "other/e.txt", "sub/c.txt", "sub/deeper/d.pdf"), nil},
		{"file named", at("notes.doc"), at("notes.doc"), nil},
		{"pattern", at("*.txt", "sub/*"), at("a.txt", "sub/c.txt", "sub/deeper/d.pdf"), nil},
		{"duplicates", at("sub", "sub/c.txt"), at("sub/c.txt", "sub/deeper/d.pdf"), nil},
		{"missing", at("gone.txt", "empty", "*.xls", "a.txt"), at("a.txt"), at("gone.txt", "empty", "*.xls")},
		{"malformed pattern", at("[.txt"), nil, at("[.txt")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			files, missing := Expand(tt.args)
			if !slices.Equal(files, tt.files) || !slices.Equal(missing, tt.missed) {
				t.Errorf("Expand(%q)\n = %q, missing %q\nwant %q, missing %q", tt.args, files, missing, tt.files, tt.missed)
			}
		})
	}
}
