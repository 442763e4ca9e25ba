package main

import (
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jianbao/archive"
	"jianbao/query"
	"jianbao/report"
)

// TestCite: jianbao cite prints the references of the articles named, in
// each format, and refuses what is not an article.
func TestCite(t *testing.T) {
	dir := sampleIndex(t)
	code, out, stderr := run(t, "cite", "--index", dir, "2021-014-02")
	want := "海淀区文明办. 海淀区永定路街道建立以服务换服务的双向供给机制,将新时代文明实践工作做实做活[Z]//首都精神文明办. " +
		"首都精神文明建设情况简报: 2021年第14期(总第2180期). [出版地不详]: 首都精神文明办, 2021-03-23.\n"
	if code != 0 || out != want {
		t.Errorf("exit %d: %q%s\nwant %q", code, out, stderr, want)
	}
	code, out, _ = run(t, "cite", "--index", dir, "2021-014-02", "2020-004-01")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); code != 0 || len(lines) != 2 || !strings.HasPrefix(lines[1], "[2] ") {
		t.Errorf("two articles: exit %d, %q", code, out)
	}
	if code, out, _ := run(t, "cite", "--index", dir, "2021-014"); code != 0 || strings.Count(out, "\n") != 5 || !strings.Contains(out, "[2] "+strings.TrimSpace(want)) {
		t.Errorf("an issue: exit %d, %q", code, out)
	}
	for format, check := range map[string]string{"ris": "TY  - MGZN\r\nID  - 2021-014-02\r\n", "bibtex": "@article{2021-014-02,\n", "csl-json": `"id": "2021-014-02"`} {
		if code, out, stderr := run(t, "cite", "--index", dir, "--format", format, "2021-014-02"); code != 0 || !strings.Contains(out, check) {
			t.Errorf("%s: exit %d, %q%s", format, code, out, stderr)
		}
	}
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"cite", "--index", dir}, exitUsage, "at least one article"},
		{[]string{"cite", "--index", dir, "2021-14"}, exitUsage, "neither an article id"},
		{[]string{"cite", "--index", dir, "2030-001"}, exitFailure, "no issue 2030-001"},
		{[]string{"cite", "--index", dir, "--format", "mla", "2021-014-02"}, exitUsage, "unknown format"},
		{[]string{"cite", "--index", dir, "2030-001-01"}, exitFailure, "2030-001 is not in the index"},
	} {
		if code, _, stderr := run(t, tc.args...); code != tc.code || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%v: exit %d, %s; want %d, %q", tc.args[1:], code, stderr, tc.code, tc.msg)
		}
	}
}

// TestSearchCitationsAndFeed: search --format ris|bibtex|csl-json cites
// every hit; --format atom writes the feed of the search, as many entries
// as the server's feed unless --limit says.
func TestSearchCitationsAndFeed(t *testing.T) {
	dir, _ := wholeSampleIndex(t)
	total := searchJSONOf(t, "--index", dir, "--limit", "1000", "志愿").Total
	if total <= query.DefaultLimit {
		t.Fatalf("%d hits", total)
	}
	for format, entry := range map[string]string{"ris": "TY  - ", "bibtex": "@article{", "csl-json": `"type": "article-magazine"`} {
		code, out, stderr := run(t, "search", "--index", dir, "--limit", "1000", "--format", format, "志愿")
		if code != 0 || strings.Count(out, entry) != total {
			t.Errorf("%s: exit %d, %d entries for %d hits %s", format, code, strings.Count(out, entry), total, stderr)
		}
	}
	code, out, stderr := run(t, "search", "--index", dir, "--format", "atom", "--base-url", "http://jianbao.example:8080", "志愿")
	var feed struct {
		Title   string `xml:"title"`
		Entries []struct {
			ID   string `xml:"id"`
			Link []struct {
				Href string `xml:"href,attr"`
			} `xml:"link"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal([]byte(out), &feed); err != nil || code != 0 {
		t.Fatalf("atom: exit %d, %v %s", code, err, stderr)
	}
	if len(feed.Entries) != min(total, report.DefaultFeedLimit) || !strings.HasPrefix(feed.Entries[0].Link[0].Href, "http://jianbao.example:8080/?article=") {
		t.Errorf("atom: %d entries for %d hits, %+v", len(feed.Entries), total, feed.Entries[:1])
	}
}

// TestKWICCommand: jianbao kwic prints as many lines as the concordance
// counts, aligned on the match, in each format.
func TestKWICCommand(t *testing.T) {
	dir := sampleIndex(t)
	code, out, stderr := run(t, "kwic", "--index", dir, "--format", "json", "--width", "6", "--sort", "right", "--district", "海淀", "文明")
	var c report.Concordance
	if err := json.Unmarshal([]byte(out), &c); err != nil || code != 0 {
		t.Fatalf("json: exit %d, %v %s", code, err, stderr)
	}
	if c.Occurrences < 5 || len(c.Lines) != c.Occurrences || c.Width != 6 || c.Order != "right" {
		t.Fatalf("json: %d occurrences, %d lines, width %d, %s", c.Occurrences, len(c.Lines), c.Width, c.Order)
	}
	code, out, _ = run(t, "kwic", "--index", dir, "--format", "csv", "--width", "6", "--sort", "right", "--district", "海淀", "文明")
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || code != 0 || len(rows) != c.Occurrences+1 || rows[1][0] != c.Lines[0].ID || rows[1][8] != c.Lines[0].Right {
		t.Errorf("csv: exit %d, %d rows, %v", code, len(rows), err)
	}
	code, out, _ = run(t, "kwic", "--index", dir, "--width", "6", "--sort", "right", "--district", "海淀", "文明")
	lines := strings.Split(out, "\n")
	if code != 0 || !strings.HasPrefix(lines[0], itoa(c.Occurrences)+" occurrences in ") {
		t.Fatalf("table: exit %d, %q", code, lines[0])
	}
	col := -1
	for i, l := range c.Lines {
		row := lines[1+i]
		mark := strings.Index(row, "«"+l.Match+"»")
		if mark < 0 || !strings.HasSuffix(row, l.Right) {
			t.Fatalf("table line %d %q is not %+v", i, row, l)
		}
		if w := displayWidth(row[:mark]); col < 0 {
			col = w
		} else if w != col {
			t.Errorf("table line %d: match at column %d, the first at %d", i, w, col)
		}
	}
	if !strings.Contains(out, "\nyear:") || !strings.Contains(out, "\ndistrict:  海淀区 "+itoa(c.Occurrences)) {
		t.Errorf("table without the counts:\n%s", out)
	}
	for _, args := range [][]string{{"kwic", "--index", dir}, {"kwic", "--index", dir, "--sort", "middle", "文明"},
		{"kwic", "--index", dir, "--width", "0", "文明"}, {"kwic", "--index", dir, "--format", "xml", "文明"}, {"kwic", "--index", dir, "district:海淀"}} {
		if code, _, stderr := run(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, %s; want usage", args[1:], code, stderr)
		}
	}
}

// TestServeResearchTools: while jianbao serve owns the index, cite and kwic
// ask it, and a bulletin that the scheduled jianbao ingest hands over is at
// the top of a search's feed within seconds, as a feed parser reads it.
func TestServeResearchTools(t *testing.T) {
	dir := sampleIndex(t)
	base, stop := startServe(t, serveOptions{index: dir})
	defer stop()
	if code, out, stderr := run(t, "cite", "--index", dir, "--format", "ris", "2021-014-02"); code != 0 || !strings.Contains(out, "UR  - "+base+"/files/2021-014\r\n") {
		t.Errorf("cite while serving: exit %d, %q %s", code, out, stderr)
	}
	code, out, stderr := run(t, "kwic", "--index", dir, "--format", "json", "文明")
	var c report.Concordance
	if err := json.Unmarshal([]byte(out), &c); err != nil || code != 0 || c.Occurrences == 0 || len(c.Lines) != c.Occurrences {
		t.Errorf("kwic while serving: exit %d, %v %s", code, err, stderr)
	}

	feedURL := base + "/api/search.atom?q=" + url.QueryEscape("文明")
	before := readFeed(t, feedURL)
	news, _ := filepath.Glob("../../testdata/sample/bulletin-2016-*.txt")
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second))) // times indexed are kept to the second
	start := time.Now()
	code, out, stderr = run(t, append([]string{"ingest", "--index", dir, "--json"}, news...)...)
	var sum archive.Summary
	if code != 0 || json.Unmarshal([]byte(out), &sum) != nil || sum.Added != len(news) {
		t.Fatalf("ingest while serving: exit %d, %s%s", code, out, stderr)
	}
	var after []string
	for time.Since(start) < 5*time.Second {
		if after = readFeed(t, feedURL); len(after) > 0 && strings.Contains(after[0], ":article:2016-") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(after) == 0 || !strings.Contains(after[0], ":article:2016-") || after[0] == before[0] {
		t.Fatalf("feed after the hand-off starts with %q (before: %q)", after[:min(1, len(after))], before[:min(1, len(before))])
	}
	t.Logf("the handed-off bulletins head the feed %v after the ingest began", time.Since(start))
}

// readFeed returns the entry ids of the feed at u, read by
// python3-feedparser when it is installed, else by encoding/xml.
func readFeed(t *testing.T, u string) []string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %v", u, resp.StatusCode, err)
	}
	for _, python := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(python, "-c", "import feedparser").Run() != nil {
			continue
		}
		cmd := exec.Command(python, "-c", `import sys, feedparser
d = feedparser.parse(sys.stdin.buffer.read())
assert not d.bozo and d.version == "atom10", d.get("bozo_exception")
print("\n".join(e.id for e in d.entries))`)
		cmd.Stdin = strings.NewReader(string(body))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("feedparser: %v\n%s", err, out)
		}
		return strings.Fields(string(out))
	}
	var feed struct {
		Entries []struct {
			ID string `xml:"id"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(body, &feed); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range feed.Entries {
		ids = append(ids, e.ID)
	}
	return ids
}
