package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// goldenCases are bulletins whose whole record is pinned by a golden file,
// with the warnings each must produce.
var goldenCases = []struct {
	file     string
	warnings []string
}{
	{file: "../testdata/sample/bulletin-2021-014.txt"},
	{file: "testdata/edge/special-brief-items.txt"},
	{file: "testdata/edge/gbk-crlf.txt"},
	{file: "testdata/edge/bom-utf8.txt", warnings: []string{
		`line 15: article "怀柔区组织开展“雁栖湖畔讲文明”主题宣传…" has no attribution line`,
		`line 17: footer line not understood: "核稿 李四"`,
	}},
	{file: "testdata/edge/page-breaks.txt", warnings: []string{
		`line 15: article "怀柔区组织开展“雁栖湖畔讲文明”主题宣传…" has no attribution line`,
		`line 17: footer line not understood: "核稿 李四"`,
	}},
}

func TestGolden(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			data, err := os.ReadFile(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			iss, err := Parse(context.Background(), filepath.Base(tc.file), data, Options{})
			if iss == nil {
				t.Fatalf("Parse: %v", err)
			}
			var got []string
			var warnings ErrorList
			if errors.As(err, &warnings) {
				for _, w := range warnings {
					got = append(got, w.Error())
				}
			} else if err != nil {
				t.Fatalf("Parse: unexpected error %v", err)
			}
			if strings.Join(got, "\n") != strings.Join(tc.warnings, "\n") {
				t.Errorf("warnings:\n got %q\nwant %q", got, tc.warnings)
			}
			checkGolden(t, filepath.Join("testdata/golden", filepath.Base(tc.file)+".json"), iss)
		})
	}
}

// checkGolden compares the indented JSON of v with the golden file, or
// rewrites the file when -update is set.
func checkGolden(t *testing.T, path string, v any) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("%s differs from the golden file:\n%s", path, lineDiff(string(want), buf.String()))
	}
}

// lineDiff lists the lines where want and got differ.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			b.WriteString("-" + wl + "\n+" + gl + "\n")
		}
	}
	return b.String()
}
