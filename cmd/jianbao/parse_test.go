package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

const seed = "../../testdata/sample/bulletin-2021-014.txt"

// run runs the command line and returns its exit code and output.
func run(tb testing.TB, args ...string) (code int, stdout, stderr string) {
	tb.Helper()
	var out, errOut bytes.Buffer
	code = Main(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestParseSeedJSON(t *testing.T) {
	code, out, stderr := run(t, "parse", "--format", "json", seed)
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	var rec struct {
		ID       string
		Articles []struct {
			Section   string
			SourceOrg string `json:"source_org"`
		}
	}
	if err := json.Unmarshal([]byte(out), &rec); err != nil {
		t.Fatalf("output is not one JSON object: %v", err)
	}
	var sections, orgs []string
	for _, a := range rec.Articles {
		sections = append(sections, a.Section)
		orgs = append(orgs, a.SourceOrg)
	}
	if got, want := strings.Join(sections, " "), "文明创建 工作交流 工作交流 工作动态 工作动态"; got != want {
		t.Errorf("sections %q, want %q", got, want)
	}
	if got, want := strings.Join(orgs, " "), "精神文明创建活动指导处 海淀区文明办 密云区文明办 天安门地区管委会 北京市重点站区管委会"; got != want {
		t.Errorf("source orgs %q, want %q", got, want)
	}
}

func TestParseBatchGoesOnAfterBadFiles(t *testing.T) {
	code, out, stderr := run(t, "parse", "--format", "jsonl",
		"../../ingest/testdata/edge/not-a-bulletin.txt", seed, "../../ingest/testdata/edge/latin1-junk.txt",
		"../../ingest/testdata/edge/page-breaks.txt", "no/such/file.txt")
	if code != exitFailure {
		t.Errorf("exit code %d, want %d", code, exitFailure)
	}
	if n := strings.Count(out, "\n"); n != 2 {
		t.Errorf("%d records printed, want 2:\n%s", n, out)
	}
	for _, want := range []string{
		"error: ../../ingest/testdata/edge/not-a-bulletin.txt: not a bulletin: no issue number",
		"error: ../../ingest/testdata/edge/latin1-junk.txt: neither UTF-8 (invalid byte at offset 37)",
		"warning: ../../ingest/testdata/edge/page-breaks.txt: line 15: article",
		"error: stat no/such/file.txt: no such file or directory",
		"3 of 5 files failed",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

func TestParseFormats(t *testing.T) {
	code, out, _ := run(t, "parse", "--format", "json", seed, seed)
	var arr []json.RawMessage
	if code != 0 || json.Unmarshal([]byte(out), &arr) != nil || len(arr) != 2 {
		t.Errorf("json of two files: exit %d, want an array of 2: %.200s", code, out)
	}
	code, out, _ = run(t, "parse", seed)
	if code != 0 || !strings.Contains(out, "2021-014-02  【工作交流】 海淀区永定路街道") {
		t.Errorf("text view: exit %d:\n%s", code, out)
	}
	code, _, stderr := run(t, "parse", "--format", "xml", seed)
	if code != exitUsage || !strings.Contains(stderr, `unknown format "xml"`) {
		t.Errorf("bad format: exit %d, stderr %q", code, stderr)
	}
	if code, _, _ := run(t, "parse"); code != exitUsage {
		t.Errorf("no files: exit %d, want %d", code, exitUsage)
	}
}

func TestVersionAndHelp(t *testing.T) {
	if code, out, _ := run(t, "--version"); code != 0 || !strings.Contains(out, "jianbao version") {
		t.Errorf("--version: exit %d, %q", code, out)
	}
	if code, out, _ := run(t, "parse", "--help"); code != 0 || !strings.Contains(out, "Examples:") {
		t.Errorf("parse --help: exit %d, %q", code, out)
	}
}

func TestEveryCommandHasExamples(t *testing.T) {
	root := newRootCmd(&app{})
	for _, c := range root.Commands() {
		if c.Name() == "help" || c.Name() == "completion" || c.Hidden {
			continue
		}
		if strings.TrimSpace(c.Example) == "" {
			t.Errorf("command %q has no examples in its help", c.Name())
		}
	}
}
