package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"jianbao/archive"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"jianbao/live"
	"jianbao/query"
	"jianbao/report"
)

// feedparserScript reads an Atom document on stdin with Universal Feed
// Parser and prints what a feed reader sees as JSON.
const feedparserScript = `
import json, sys, feedparser
d = feedparser.parse(sys.stdin.buffer.read())
print(json.dumps({
  "bozo": int(d.bozo), "error": str(d.get("bozo_exception", "")), "version": d.version,
  "title": d.feed.get("title", ""), "id": d.feed.get("id", ""),
  "self": [l.href for l in d.feed.get("links", []) if l.rel == "self"],
  "entries": [{"id": e.id, "title": e.title, "updated": e.updated, "published": e.get("published", ""),
    "link": e.link, "summary": e.summary, "author": e.get("author", ""),
    "tags": [t.term for t in e.get("tags", [])]} for e in d.entries],
}, ensure_ascii=False))
`

// feedEntryJSON is an entry as feedparser reads it.
type feedEntryJSON struct {
	ID, Title, Updated, Published, Link, Summary, Author string
	Tags                                                 []string
}

type feedJSON struct {
	Bozo    int
	Error   string
	Version string
	Title   string
	ID      string
	Self    []string
	Entries []feedEntryJSON
}

// feedparser returns a function that reads a feed with python3-feedparser,
// or skips the test when it is not installed.
func feedparser(t *testing.T) func(doc []byte) feedJSON {
	t.Helper()
	python := ""
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(p, "-c", "import feedparser").Run() == nil {
			python = p
			break
		}
	}
	if python == "" {
		t.Skip("python3-feedparser is not installed (.ci/run installs it): feeds not read by a feed parser")
	}
	return func(doc []byte) feedJSON {
		t.Helper()
		cmd := exec.CommandContext(t.Context(), python, "-c", feedparserScript)
		cmd.Stdin = bytes.NewReader(doc)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("feedparser: %v\n%s", err, stderr.String())
		}
		var f feedJSON
		if err := json.Unmarshal(out, &f); err != nil {
			t.Fatalf("feedparser output: %v\n%s", err, out)
		}
		if f.Bozo != 0 || f.Version != "atom10" {
			t.Fatalf("feedparser: bozo %d (%s), version %q\n%s", f.Bozo, f.Error, f.Version, doc)
		}
		return f
	}
}

func getFeed(t *testing.T, u string) []byte {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/atom+xml; charset=utf-8" {
		t.Fatalf("GET %s: %d %s %v\n%s", u, resp.StatusCode, resp.Header.Get("Content-Type"), err, body)
	}
	return body
}

// TestFeed: a search's feed, read by feedparser, lists the hits of the
// search indexed last first, each with its tag URI, headline, time indexed,
// date, link to the article on the page, and the snippets.
func TestFeed(t *testing.T) {
	parse := feedparser(t)
	ix := sharedIndex(t)
	srv := newTestServer(t, ix)
	p := report.FeedParams(query.Params{Q: "志愿", District: "海淀"})
	want, err := query.Search(t.Context(), ix, p)
	if err != nil || want.Total == 0 {
		t.Fatalf("search: %v", err)
	}
	f := parse(getFeed(t, srv.URL+"/api/search.atom?q=志愿&district=海淀"))
	if !strings.Contains(f.Title, "志愿") || !strings.HasPrefix(f.ID, "tag:jianbao,") || len(f.Self) != 1 || !strings.Contains(f.Self[0], "/api/search.atom?") {
		t.Errorf("feed: %+v", f)
	}
	if len(f.Entries) != len(want.Hits) || len(f.Entries) != min(want.Total, report.DefaultFeedLimit) {
		t.Fatalf("%d entries, %d hits of %d", len(f.Entries), len(want.Hits), want.Total)
	}
	for i, e := range f.Entries {
		h := want.Hits[i]
		indexed, err := time.Parse(time.RFC3339, e.Updated)
		if err != nil || h.Indexed == "" || indexed.Format(time.RFC3339) != h.Indexed {
			t.Errorf("%s: updated %q, indexed %q", h.ID, e.Updated, h.Indexed)
		}
		if i > 0 && f.Entries[i-1].Updated < e.Updated {
			t.Errorf("%s: indexed after the entry before it", h.ID)
		}
		link := srv.URL + "/?" + url.Values{"article": {h.ID}}.Encode()
		if e.ID != "tag:jianbao,2026:article:"+h.ID || e.Title != h.Headline || e.Link != link ||
			!strings.HasPrefix(e.Published, h.Date+"T00:00:00") || e.Author != h.SourceOrg || !slices.Contains(e.Tags, "海淀区") {
			t.Errorf("entry %d: %+v, hit %+v", i, e, h)
		}
		if !strings.Contains(e.Summary, "<b>志愿</b>") {
			t.Errorf("%s: summary without the snippet: %q", h.ID, e.Summary)
		}
	}
	// A feed of filters only, and an empty one, are feeds too.
	if f := parse(getFeed(t, srv.URL+"/api/search.atom?district=密云&limit=5")); len(f.Entries) != 5 {
		t.Errorf("filters only: %d entries", len(f.Entries))
	}
	if f := parse(getFeed(t, srv.URL+"/api/search.atom?q=不存在的词语组合")); len(f.Entries) != 0 {
		t.Errorf("no hits: %d entries", len(f.Entries))
	}
	// Polling with the ETag: 304 while the feed is unchanged.
	resp, err := http.Get(srv.URL + "/api/search.atom?q=志愿")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	etag := resp.Header.Get("ETag")
	req, _ := http.NewRequest("GET", srv.URL+"/api/search.atom?q=志愿", nil)
	req.Header.Set("If-None-Match", etag)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusNotModified || etag == "" {
		t.Errorf("poll with ETag %q: %v %v, want 304", etag, resp.Status, err)
	} else {
		resp.Body.Close()
	}
	req.Header.Set("If-None-Match", `"other"`)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Errorf("poll with another ETag: %v %v, want 200", resp.Status, err)
	} else {
		resp.Body.Close()
	}
	var e apiError
	if st := getJSON(t, srv.URL+"/api/search.atom?q=(", &e); st != 400 {
		t.Errorf("bad query: %d", st)
	}
}

// TestFeedAfterHandOff: a feed reader polling the feed of a search sees a
// bulletin handed to the running server as soon as the ingest is
// acknowledged: its articles first, though the bulletin is older than
// those already there.
func TestFeedAfterHandOff(t *testing.T) {
	parse := feedparser(t)
	var first []string
	old := ""
	for _, f := range copyArchive(t) {
		switch {
		case strings.Contains(f, "bulletin-2020-031") || strings.Contains(f, "bulletin-2021-020"):
			first = append(first, f)
		case strings.Contains(f, "bulletin-2016-002"):
			old = f
		}
	}
	ix := newIndex(t, first)
	srv := httptest.NewServer(NewHandler(ix, Options{Ingester: WarmAfterIngest(archive.Archive{Index: ix}, nil), Token: "s3cret"}))
	defer srv.Close()
	feedURL := srv.URL + "/api/search.atom?q=文明"
	before := parse(getFeed(t, feedURL))
	if len(before.Entries) == 0 {
		t.Fatal("no entries before the hand-off")
	}
	seen := map[string]bool{}
	for _, e := range before.Entries {
		seen[e.ID] = true
	}
	// The next second: times indexed are kept to the second.
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second)))
	start := time.Now()
	c := &live.Client{URL: srv.URL, Token: "s3cret"}
	if sum, err := c.Ingest(context.Background(), []string{old}, false); err != nil || sum.Added != 1 {
		t.Fatalf("hand-off: %v %+v", err, sum)
	}
	after := parse(getFeed(t, feedURL))
	took := time.Since(start)
	var fresh []feedEntryJSON
	for _, e := range after.Entries {
		if !seen[e.ID] {
			fresh = append(fresh, e)
		}
	}
	if len(fresh) == 0 {
		t.Fatal("no new entries after the hand-off")
	}
	for i, e := range fresh {
		if !strings.Contains(e.ID, ":article:2016-002-") || after.Entries[i].ID != e.ID || e.Updated <= before.Entries[0].Updated {
			t.Errorf("new entry %d: %+v (first before: %s)", i, e, before.Entries[0].Updated)
		}
	}
	if took > 5*time.Second {
		t.Errorf("in the feed after %v, want seconds", took)
	}
	t.Logf("%d new entries in the feed %v after the hand-off began", len(fresh), took)
}
