package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"jianbao/index"
	"jianbao/internal/sample"
)

// samples is the sample index that `make run` serves, shared by the tests
// that read it; TestMain removes it.
var samples = &sample.Shared{Files: func() ([]string, error) { return sample.Files("..") }}

func sampleIndex(tb testing.TB) *index.Index { tb.Helper(); return samples.Index(tb) }

// sampleRefs returns the references of every article of the sample
// archive, in order of issue and article.
func sampleRefs(tb testing.TB) []Reference {
	tb.Helper()
	ix := sampleIndex(tb)
	issues, err := ix.Issues(tb.Context())
	if err != nil {
		tb.Fatal(err)
	}
	var ids []string
	for _, it := range issues {
		iss, err := ix.Issue(tb.Context(), it.ID)
		if err != nil {
			tb.Fatal(err)
		}
		for _, a := range iss.Articles {
			ids = append(ids, a.ID)
		}
	}
	slices.Sort(ids)
	refs, err := References(tb.Context(), ix, ids, "")
	if err != nil {
		tb.Fatal(err)
	}
	if len(refs) < 100 {
		tb.Fatalf("only %d articles in the sample archive", len(refs))
	}
	return refs
}

// TestCiteGolden compares the citations of every article of the sample
// archive with the golden files in testdata/cite (go test ./query -run
// TestCiteGolden -update rewrites them). The GB/T 7714 file was checked
// line by line against the rules that the comment of Reference.GBT7714
// cites.
func TestCiteGolden(t *testing.T) {
	refs := sampleRefs(t)
	for _, format := range CiteFormats {
		t.Run(format, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteCitations(&b, refs, format); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "cite", "sample"+CiteFileExt(format))
			if format == FormatGBT7714 {
				golden = filepath.Join("testdata", "cite", "sample.gbt7714.txt")
			}
			if *updateGolden {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (go test ./query -run TestCiteGolden -update writes it)", err)
			}
			if got := b.String(); got != string(want) {
				gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
				for i := range min(len(gl), len(wl)) {
					if gl[i] != wl[i] {
						t.Fatalf("%s line %d:\n got %s\nwant %s", golden, i+1, gl[i], wl[i])
					}
				}
				t.Fatalf("%s: %d lines, want %d", golden, len(gl), len(wl))
			}
		})
	}
}

// TestGBT7714 pins the parts of a GB/T 7714-2015 reference, each to its
// rule.
func TestGBT7714(t *testing.T) {
	base := Reference{ID: "2021-014-02", Headline: "海淀区开展文明交通志愿服务。", SourceOrg: "海淀区文明办",
		Title: "首都精神文明建设情况简报", Issuer: "首都精神文明办", Issue: 14, TotalIssue: 2180,
		Date: "2021-03-23", Page: 3, File: "bulletin-2021-014.pdf"}
	for _, tc := range []struct {
		name string
		edit func(*Reference)
		want string
	}{
		{"full", func(*Reference) {},
			"海淀区文明办. 海淀区开展文明交通志愿服务[Z]//首都精神文明办. 首都精神文明建设情况简报: 2021年第14期(总第2180期). [出版地不详]: 首都精神文明办, 2021-03-23: 3."},
		{"no page from a TXT source", func(r *Reference) { r.Page = 0 },
			"海淀区文明办. 海淀区开展文明交通志愿服务[Z]//首都精神文明办. 首都精神文明建设情况简报: 2021年第14期(总第2180期). [出版地不详]: 首都精神文明办, 2021-03-23."},
		{"no reporting body: the entry opens with the title", func(r *Reference) { r.SourceOrg = "" },
			"海淀区开展文明交通志愿服务[Z]//首都精神文明办. 首都精神文明建设情况简报: 2021年第14期(总第2180期). [出版地不详]: 首都精神文明办, 2021-03-23: 3."},
		{"special issue without total number", func(r *Reference) { r.Special, r.Issue, r.TotalIssue, r.Date = "增刊", 1, 0, "2017-05-05" },
			"海淀区文明办. 海淀区开展文明交通志愿服务[Z]//首都精神文明办. 首都精神文明建设情况简报: 2017年增刊第1期. [出版地不详]: 首都精神文明办, 2017-05-05: 3."},
		{"title line kept whole", func(r *Reference) { r.Headline = "“小巷管家”：让社区更美" },
			"海淀区文明办. “小巷管家”：让社区更美[Z]//首都精神文明办. 首都精神文明建设情况简报: 2021年第14期(总第2180期). [出版地不详]: 首都精神文明办, 2021-03-23: 3."},
	} {
		r := base
		tc.edit(&r)
		if got := r.GBT7714(); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
	}
	var b bytes.Buffer
	if err := WriteCitations(&b, []Reference{base, base}, FormatGBT7714); err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(b.String()), "\n"); len(lines) != 2 || !strings.HasPrefix(lines[0], "[1] ") || !strings.HasPrefix(lines[1], "[2] ") {
		t.Errorf("a list is numbered: %q", b.String())
	}
	if err := WriteCitations(&b, nil, "mla"); err == nil {
		t.Error("unknown format: no error")
	}
}

// clientsDir holds the npm packages of the citation client.
const clientsDir = "testdata/clients"

// citationJS returns a function that parses text in format with
// citation-js and returns the CSL-JSON items it read; the test skips when
// node or the npm packages are missing.
func citationJS(t *testing.T) func(format string, text []byte) []map[string]any {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed (.ci/run installs it with npm): citation-js not run")
	}
	if _, err := os.Stat(filepath.Join(clientsDir, "node_modules", "@citation-js", "core")); err != nil {
		t.Skipf("citation-js is not installed: run npm ci in report/%s (.ci/run does)", clientsDir)
	}
	return func(format string, text []byte) []map[string]any {
		t.Helper()
		cmd := exec.CommandContext(t.Context(), node, "parse.js", format)
		cmd.Dir = clientsDir
		cmd.Stdin = bytes.NewReader(text)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("citation-js %s: %v\n%s", format, err, stderr.String())
		}
		var items []map[string]any
		if err := json.Unmarshal(out, &items); err != nil {
			t.Fatalf("citation-js %s: %v", format, err)
		}
		return items
	}
}

// TestCiteClients: citation-js (the library behind many reference tools)
// reads every exported format back into the fields of the reference.
func TestCiteClients(t *testing.T) {
	parse := citationJS(t)
	refs := sampleRefs(t)
	refs[0].URL = "http://127.0.0.1:8080/files/" + refs[0].ID[:8]
	// Characters that BibTeX and RIS must carry through.
	refs[1].Headline = `50% of {braces} & #tags_ $ ~ ^ \ 百分之五十`
	wantType := map[string]string{FormatRIS: "article-magazine", FormatBibTeX: "article-journal", FormatCSLJSON: "article-magazine"}
	for _, format := range []string{FormatRIS, FormatBibTeX, FormatCSLJSON} {
		t.Run(format, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteCitations(&b, refs, format); err != nil {
				t.Fatal(err)
			}
			items := parse(format, b.Bytes())
			if len(items) != len(refs) {
				t.Fatalf("%d items read, %d written", len(items), len(refs))
			}
			for i, r := range refs {
				if diff := compareItem(items[i], r, wantType[format]); diff != "" {
					t.Errorf("%s: %s", r.ID, diff)
				}
			}
		})
	}
}

// compareItem returns what differs between a CSL-JSON item that a client
// read and the reference it was made from.
func compareItem(it map[string]any, r Reference, typ string) string {
	str := func(k string) string {
		switch v := it[k].(type) {
		case string:
			return v
		case float64:
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
		return ""
	}
	author := ""
	if as, ok := it["author"].([]any); ok && len(as) == 1 {
		a, _ := as[0].(map[string]any)
		author, _ = a["literal"].(string)
		if author == "" {
			author, _ = a["family"].(string)
		}
	}
	var date []int
	if iss, ok := it["issued"].(map[string]any); ok {
		if dp, ok := iss["date-parts"].([]any); ok && len(dp) == 1 {
			for _, p := range dp[0].([]any) {
				switch p := p.(type) {
				case float64:
					date = append(date, int(p))
				case string:
					n, _ := strconv.Atoi(p)
					date = append(date, n)
				}
			}
		}
	}
	page := ""
	if r.Page > 0 {
		page = strconv.Itoa(r.Page)
	}
	var diffs []string
	for _, c := range []struct{ field, got, want string }{
		{"id", str("id"), r.ID},
		{"type", str("type"), typ},
		{"title", str("title"), r.title()},
		{"container-title", str("container-title"), r.Title},
		{"author", author, r.SourceOrg},
		{"publisher", str("publisher"), r.Issuer},
		{"issue", str("issue"), r.issueLabel(false)},
		{"issued", fmt.Sprint(date), fmt.Sprint(r.dateParts())},
		{"page", str("page"), page},
		{"language", str("language"), "zh-CN"},
		{"note", str("note"), r.note()},
		{"call-number", str("call-number"), r.locator()},
		{"URL", str("URL"), r.URL},
	} {
		if c.got != c.want {
			diffs = append(diffs, fmt.Sprintf("%s %q, want %q", c.field, c.got, c.want))
		}
	}
	return strings.Join(diffs, "; ")
}

// TestCitePandoc: pandoc's citeproc renders the CSL-JSON of every sample
// article without a warning, each with its title and bulletin.
func TestCitePandoc(t *testing.T) {
	pandoc, err := exec.LookPath("pandoc")
	if err != nil {
		t.Skip("pandoc is not installed (.ci/run installs it): CSL-JSON not rendered")
	}
	refs := sampleRefs(t)
	dir := t.TempDir()
	var b bytes.Buffer
	if err := WriteCitations(&b, refs, FormatCSLJSON); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "refs.json"), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	doc := "---\nbibliography: refs.json\nlang: zh-CN\nnocite: |\n  @*\n---\n\n见 [@" + refs[0].ID + "]。\n"
	cmd := exec.CommandContext(t.Context(), pandoc, "--citeproc", "--wrap=none", "-f", "markdown", "-t", "plain")
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(doc)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("pandoc: %v\n%s", err, stderr.String())
	}
	// The style puts titles in quotes and turns the quotes inside into
	// others (“…” into 〈…〉): compare without them.
	unquote := strings.NewReplacer("“", "", "”", "", "‘", "", "’", "", "〈", "", "〉", "", "《", "", "》", "", `"`, "")
	lines := strings.Split(unquote.Replace(string(out)), "\n")
	for _, r := range refs {
		title := unquote.Replace(r.title())
		d := r.dateParts()
		date := fmt.Sprintf("%d年%d月%d日", d[0], d[1], d[2])
		// Without an author, the style puts the bulletin's title in the
		// author's place, "———" when it repeats the entry before.
		if !slices.ContainsFunc(lines, func(l string) bool {
			return strings.Contains(l, title) && strings.Contains(l, date) && (r.SourceOrg == "" || strings.Contains(l, r.Title))
		}) {
			t.Errorf("%s: no line of pandoc's bibliography has %q, %q and %s", r.ID, r.title(), r.Title, date)
		}
	}
}
