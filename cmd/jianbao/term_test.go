package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"jianbao/index"
	"jianbao/ingest"
)

// controlIndex returns an index holding a bulletin whose section,
// headline, body and attribution carry ESC sequences and the C1 CSI
// U+009B, as an index made before ingest refused them may hold: the record
// is put into the index directly.
func controlIndex(t *testing.T) string {
	t.Helper()
	iss, err := ingest.ParseFile(context.Background(), "../../testdata/sample/bulletin-2021-014.txt", ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const evil = "\x1b]0;pwned\x07\x1b[2J\u009b2J\u009b31m\x7f\r"
	a := &iss.Articles[1] // 2021-014-02, about 永定路
	a.Section += evil
	a.Headline = "永定路" + evil + a.Headline
	a.Body = a.Headline + "\n" + evil + a.Body
	a.SourceOrg += evil
	dir := t.TempDir()
	ix, err := index.Open(dir, index.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	b := ix.NewBatch()
	if err := b.Put(context.Background(), &index.Issue{Issue: *iss}); err != nil {
		t.Fatal(err)
	}
	if err := ix.Commit(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestNoControlsToTerminal checks that search and show, in every format,
// write no ESC, BEL, CR, DEL or C1 character of the text raw, and that
// JSON output still decodes to the text as stored.
func TestNoControlsToTerminal(t *testing.T) {
	dir := controlIndex(t)
	for _, args := range [][]string{
		{"search", "永定路"},
		{"search", "--color", "always", "永定路"},
		{"search", "--facets", "section,org", "永定路"},
		{"search", "--format", "json", "永定路"},
		{"search", "--format", "jsonl", "永定路"},
		{"show", "2021-014-02"},
		{"show", "--format", "json", "2021-014-02"},
		{"show", "2021-014"},
		{"show", "--format", "json", "2021-014"},
		{"show", "--why", "2021-014-02"},
		{"trend", "--split", "section", "永定路"},
		{"trend", "--format", "json", "--split", "section", "永定路"},
		{"stats"},
		{"stats", "--format", "json"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, out, stderr := run(t, append(args, "--index", dir)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if args[0] != "trend" && args[0] != "stats" && !strings.Contains(out, "永定路") {
				t.Fatalf("the article is not in the output:\n%s", out)
			}
			colour := strings.Contains(strings.Join(args, " "), "--color always")
			for _, r := range out {
				if r == 0x1b && colour {
					continue // the colour marks; checked below
				}
				if isTermControl(r) {
					t.Fatalf("raw control character %U in the output:\n%q", r, out)
				}
			}
			if colour && strings.Contains(strings.NewReplacer("\x1b[1;31m", "", "\x1b[0m", "").Replace(out), "\x1b") {
				t.Errorf("ESC other than the colour marks:\n%q", out)
			}
			if !strings.Contains(out, `\u009b`) || !strings.Contains(out, `\x1b`) && !strings.Contains(out, `\u001b`) {
				t.Errorf("the control characters are not shown escaped:\n%s", out)
			}
			if strings.Contains(strings.Join(args, " "), "json") {
				line := out // one value, or one a line for jsonl
				if strings.Contains(strings.Join(args, " "), "jsonl") {
					line, _, _ = strings.Cut(out, "\n")
				}
				var v any
				if err := json.Unmarshal([]byte(line), &v); err != nil {
					t.Fatalf("JSON: %v", err)
				}
				if !strings.Contains(jsonText(v), "\u009b31m\x7f") {
					t.Errorf("JSON does not decode to the stored text")
				}
			}
		})
	}
}

// jsonText returns every string of a decoded JSON value, joined.
func jsonText(v any) string {
	var b strings.Builder
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			b.WriteString(v)
		case []any:
			for _, x := range v {
				walk(x)
			}
		case map[string]any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(v)
	return b.String()
}

// TestIngestRefusesControls checks the other side: a TXT bulletin holding
// ESC or a C1 control is refused at ingest with its position.
func TestIngestRefusesControls(t *testing.T) {
	data, err := os.ReadFile("../../testdata/sample/bulletin-2021-014.txt")
	if err != nil {
		t.Fatal(err)
	}
	src := t.TempDir()
	for name, c := range map[string]string{"esc.txt": "\x1b[2J", "csi.txt": "\u009b2J", "nel.txt": "\u0085"} {
		bad := strings.Replace(string(data), "永定路", "永定"+c+"路", 1)
		if err := os.WriteFile(filepath.Join(src, name), []byte(bad), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, _, stderr := run(t, "ingest", "--index", filepath.Join(t.TempDir(), "ix"), src)
	if code != exitFailure {
		t.Fatalf("exit %d, want %d: %s", code, exitFailure, stderr)
	}
	for _, want := range []string{"esc.txt: binary data (control byte 0x1B) at byte offset", "csi.txt: binary data (control character U+009B) at byte offset", "nel.txt: binary data (control character U+0085)"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}
