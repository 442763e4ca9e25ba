package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"jianbao/ingest"
)

type searchJSON struct {
	Total  int     `json:"total"`
	TookMS float64 `json:"took_ms"`
	Hits   []struct {
		ID       string   `json:"id"`
		IssueID  string   `json:"issue_id"`
		Date     string   `json:"date"`
		District string   `json:"district"`
		Section  string   `json:"section"`
		Snippets []string `json:"snippets"`
	} `json:"hits"`
	Facets map[string][]struct {
		Value string `json:"value"`
		Count int    `json:"count"`
	} `json:"facets"`
}

func searchJSONOf(t *testing.T, args ...string) searchJSON {
	t.Helper()
	code, out, stderr := run(t, append([]string{"search", "--format", "json"}, args...)...)
	if code != 0 {
		t.Fatalf("search %v: exit %d: %s", args, code, stderr)
	}
	var r searchJSON
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("search %v: %v\n%s", args, err, out)
	}
	return r
}

func TestSearchJSONContract(t *testing.T) {
	dir := sampleIndex(t)
	code, out, _ := run(t, "search", "--index", dir, "--format", "json", "--facets", "district,year", "永定路")
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &raw); err != nil || code != 0 {
		t.Fatalf("exit %d, %v", code, err)
	}
	var keys []string
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if want := []string{"facets", "hits", "took_ms", "total"}; !slices.Equal(keys, want) {
		t.Errorf("keys %v, want %v", keys, want)
	}
	r := searchJSONOf(t, "--index", dir, "--facets", "district,year", "永定路")
	if r.Total == 0 || r.Hits[0].ID == "" || len(r.Facets["district"]) == 0 || len(r.Facets["year"]) == 0 {
		t.Errorf("%+v", r)
	}
	found := false
	for _, h := range r.Hits {
		found = found || h.ID == "2021-014-02"
		if !strings.Contains(strings.Join(h.Snippets, ""), "<mark>永定路</mark>") {
			t.Errorf("hit %s: snippets %q", h.ID, h.Snippets)
		}
	}
	if !found {
		t.Errorf("2021-014-02 not among %+v", r.Hits)
	}
}

// TestSearchFlags checks that each filter flag narrows as its query form
// does, and that --limit/--offset page through the same hits.
func TestSearchFlags(t *testing.T) {
	dir := sampleIndex(t)
	ids := func(r searchJSON) []string {
		var s []string
		for _, h := range r.Hits {
			s = append(s, h.ID)
		}
		slices.Sort(s)
		return s
	}
	pairs := []struct{ flags, query []string }{
		{[]string{"--district", "海淀", "志愿"}, []string{"district:海淀区 志愿"}},
		{[]string{"--section", "工作交流", "文明"}, []string{"section:工作交流 文明"}},
		{[]string{"--from", "2021-01", "--to", "2021-03", "文明"}, []string{"date:2021-01..2021-03 文明"}},
		{[]string{"--org", "海淀区文明办"}, []string{"org:海淀区文明办"}},
		{[]string{"--orgtype", "街道", "志愿"}, []string{"orgtype:街道 志愿"}},
	}
	for _, p := range pairs {
		a := searchJSONOf(t, append([]string{"--index", dir, "--limit", "1000"}, p.flags...)...)
		b := searchJSONOf(t, append([]string{"--index", dir, "--limit", "1000"}, p.query...)...)
		if a.Total == 0 || !slices.Equal(ids(a), ids(b)) {
			t.Errorf("%v: %d hits %v; %v: %v", p.flags, a.Total, ids(a), p.query, ids(b))
		}
	}
	all := searchJSONOf(t, "--index", dir, "--limit", "1000", "--sort", "date", "文明")
	var paged []string
	for off := 0; off < all.Total; off += 7 {
		r := searchJSONOf(t, "--index", dir, "--limit", "7", "--offset", itoa(off), "--sort", "date", "文明")
		for _, h := range r.Hits {
			paged = append(paged, h.ID)
		}
	}
	var want []string
	for i, h := range all.Hits {
		want = append(want, h.ID)
		if i > 0 && h.Date < all.Hits[i-1].Date {
			t.Errorf("--sort date: %s after %s", h.Date, all.Hits[i-1].Date)
		}
	}
	if !slices.Equal(paged, want) {
		t.Errorf("pages %v\nwant %v", paged, want)
	}
}

func TestSearchFormats(t *testing.T) {
	dir := sampleIndex(t)
	code, out, _ := run(t, "search", "--index", dir, "--format", "jsonl", "--limit", "3", "文明")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 3 {
		t.Fatalf("jsonl: exit %d, %d lines", code, len(lines))
	}
	for _, l := range lines {
		var h map[string]any
		if err := json.Unmarshal([]byte(l), &h); err != nil || h["id"] == nil {
			t.Errorf("jsonl line %q: %v", l, err)
		}
	}
	code, out, _ = run(t, "search", "--index", dir, "--format", "csv", "--limit", "3", "永定路")
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil || len(rows) < 2 || rows[0][0] != "id" || len(rows[1]) != 11 {
		t.Fatalf("csv: exit %d, %v, %q", code, err, rows)
	}
	if strings.Contains(out, "<mark>") || !strings.Contains(out, "永定路") {
		t.Errorf("csv snippet keeps HTML or lacks the match: %s", out)
	}
	code, out, _ = run(t, "search", "--index", dir, "永定路")
	if code != 0 || !strings.Contains(out, "«永定路»") || strings.Contains(out, "\x1b[") ||
		!strings.Contains(out, "2021-03-23  2021-014  工作交流  海淀区文明办  2021-014-02") {
		t.Errorf("table:\n%s", out)
	}
	code, out, _ = run(t, "search", "--index", dir, "--color", "always", "永定路")
	if code != 0 || !strings.Contains(out, "\x1b[1;31m永定路\x1b[0m") {
		t.Errorf("--color always:\n%q", out)
	}
	code, out, _ = run(t, "search", "--index", dir, "没有这样的文字")
	if code != 0 || !strings.Contains(out, "no articles found") {
		t.Errorf("no hits: exit %d, %q", code, out)
	}
}

func TestSearchErrors(t *testing.T) {
	dir := sampleIndex(t)
	tests := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{`"永定路`}, exitUsage, "query: column 1: '\"' is never closed\n\"永定路\n^"},
		{[]string{"district:海"}, exitUsage, "unknown district"},
		{[]string{"--district", "海", "a"}, exitUsage, "--district: unknown district"},
		{[]string{"--sort", "score", "a"}, exitUsage, "--sort: unknown order"},
		{[]string{"--limit", "0", "a"}, exitUsage, "--limit"},
		{[]string{"--limit", "5000", "a"}, exitUsage, "--limit: 5000 is out of range"},
		{[]string{"--facets", "colour", "a"}, exitUsage, "unknown facet"},
		{[]string{"--format", "xml", "a"}, exitUsage, "unknown format"},
		{[]string{"--color", "sometimes", "a"}, exitUsage, "--color"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, _, stderr := run(t, append([]string{"search", "--index", dir}, tt.args...)...)
			if code != tt.code || !strings.Contains(stderr, tt.msg) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, tt.code, tt.msg)
			}
		})
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestSearchMatchesGrep checks that the command finds exactly the articles
// whose normalised headline, body or attribution contain the query.
func TestSearchMatchesGrep(t *testing.T) {
	dir := sampleIndex(t)
	files, _ := filepath.Glob("../../testdata/sample/bulletin-202[01]-*.txt")
	var texts = map[string][]string{}
	for _, f := range files {
		iss, _ := ingest.ParseFile(context.Background(), f, ingest.Options{})
		if iss == nil {
			t.Fatalf("parse %s", f)
		}
		for _, a := range iss.Articles {
			texts[a.ID] = []string{ingest.MatchText(a.Headline), ingest.MatchText(a.Body), ingest.MatchText(a.SourceOrg)}
		}
	}
	for _, q := range []string{"永定路", "志愿", "实", "区文明", "1500余人", "１５００余人", "复兴路40号", "文明办", "垃圾分类", "没有这样的文字",
		// quoted phrases with white space beside CJK characters, as the
		// search page's own example, of every kind of white space
		`"复兴路 40 号"`, `"复兴路　40 号"`, "\"复兴路\u2003 40\u2009号\"", `"永定路 街道"`, `"区 文明办"`} {
		want := []string{}
		v := ingest.MatchText(strings.Trim(q, `"`))
		for id, ts := range texts {
			if slices.ContainsFunc(ts, func(s string) bool { return strings.Contains(s, v) }) {
				want = append(want, id)
			}
		}
		slices.Sort(want)
		r := searchJSONOf(t, "--index", dir, "--limit", "1000", q)
		got := []string{}
		for _, h := range r.Hits {
			got = append(got, h.ID)
		}
		slices.Sort(got)
		if r.Total != len(want) || !slices.Equal(got, want) {
			t.Errorf("%s: %d %v\nwant %d %v", q, r.Total, got, len(want), want)
		}
	}
}
