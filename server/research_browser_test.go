package server

import (
	"bytes"
	"encoding/csv"
	"flag"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"jianbao/query"
	"jianbao/report"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

var kwicScreenshot = flag.String("kwic-screenshot", "", "write a PNG of the concordance view to this file (for the README)")

// TestResearchToolsInBrowser drives the researchers' tools of the page in
// headless Chromium: the 引用 button copies an article's GB/T 7714
// reference to the clipboard, the export links give the citations of every
// result, the 订阅 link the search's feed, and the concordance view lists
// every occurrence, sorts by context and exports CSV.
func TestResearchToolsInBrowser(t *testing.T) {
	ctx := newBrowser(t)
	ix := sharedIndex(t)
	srv := newTestServer(t, ix)
	get := func(u string) string {
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
		return string(body)
	}
	const q = "志愿服务"
	origin := srv.URL
	for _, name := range []string{"clipboard-read", "clipboard-write"} {
		if _, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
			Permission: &browser.PermissionDescriptor{Name: name}, Setting: browser.PermissionSettingGranted, Origin: origin}); err != nil {
			t.Fatalf("allow %s: %v", name, err)
		}
	}
	do(t, ctx, "search",
		chromedp.Navigate(srv.URL+"/?q="+url.QueryEscape(q)),
		chromedp.WaitVisible(css(`#results li.hit .cite-btn`)))
	// The page moves between views without loading again: whatever the
	// Content-Security-Policy refuses from here on is recorded.
	run(t, ctx, "watch the CSP", chromedp.Evaluate[bool](`window.cspViolations = [];
		document.addEventListener("securitypolicyviolation", (e) => window.cspViolations.push(e.violatedDirective + " " + e.blockedURI)); true`))

	// 引用: the reference of the first hit, shown and on the clipboard.
	first := run(t, ctx, "first hit", chromedp.Evaluate[string](`document.querySelector("#results li.hit .cite-btn").dataset.id`))
	want := strings.TrimSpace(get(srv.URL + "/api/cite?ids=" + first))
	if !strings.Contains(want, "[Z]//") {
		t.Fatalf("reference of %s: %q", first, want)
	}
	do(t, ctx, "click 引用", chromedp.Click(css(`#results li.hit .cite-btn`)))
	waitFor(t, ctx, "citation shown", `!!document.querySelector("#results li.hit .citation .text")`)
	if shown := run(t, ctx, "citation", chromedp.Text(css(`#results li.hit .citation .text`))); shown != want {
		t.Errorf("shown %q, want %q", shown, want)
	}
	status := run(t, ctx, "status", chromedp.Text(css(`#results li.hit .citation .status`)))
	clip := run(t, ctx, "read the clipboard", chromedp.Evaluate[string](`navigator.clipboard.readText()`, chromedp.EvalAwaitPromise))
	if status != "已复制到剪贴板" || clip != want {
		t.Errorf("clipboard: status %q, holds %q, want %q", status, clip, want)
	}

	// Export these results: every hit, in each format.
	res, err := query.Search(t.Context(), ix, query.Params{Q: q, Limit: query.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	refs, err := report.References(t.Context(), ix, report.HitIDs(res), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range report.CiteFormats {
		href := run(t, ctx, "export link", chromedp.Evaluate[string](`document.getElementById("export-`+format+`").href`))
		var b bytes.Buffer
		if err := report.WriteCitations(&b, refs, format); err != nil {
			t.Fatal(err)
		}
		if got := get(href); got != b.String() {
			t.Errorf("export %s (%s): %d bytes, want the %d bytes of %d references", format, href, len(got), b.Len(), len(refs))
		}
	}
	// 订阅: the feed of the search, also announced to feed readers.
	feed := run(t, ctx, "feed link", chromedp.Evaluate[[]string](`[document.getElementById("feed").href,
		document.querySelector('link[rel="alternate"][type="application/atom+xml"]').href]`))
	if feed[0] != srv.URL+"/api/search.atom?q="+url.QueryEscape(q) || feed[1] != feed[0] {
		t.Errorf("feed links %q", feed)
	}
	if doc := get(feed[0]); !strings.Contains(doc, "<feed xmlns=\"http://www.w3.org/2005/Atom\"") || strings.Count(doc, "<entry>") != min(res.Total, report.DefaultFeedLimit) {
		t.Errorf("feed: %d entries for %d hits", strings.Count(doc, "<entry>"), res.Total)
	}

	// 索引行: the concordance of the search.
	conc, err := report.ComputeConcordance(t.Context(), ix, report.KWICParams{Params: query.Params{Q: q}})
	if err != nil || conc.Occurrences <= res.Total {
		t.Fatalf("concordance: %v (%d occurrences in %d articles)", err, conc.Occurrences, res.Total)
	}
	do(t, ctx, "open the concordance",
		chromedp.Click(css(`#to-kwic`)),
		chromedp.WaitVisible(css(`#kwic-lines tr.line`)))
	rows := `Array.from(document.querySelectorAll("#kwic-lines tr.line")).map(r => r.dataset.id + "|" + r.querySelector(".left").textContent + "|" + r.querySelector(".match").textContent + "|" + r.querySelector(".right").textContent)`
	lines := func(c *report.Concordance) []string {
		var out []string
		for _, l := range c.Lines {
			out = append(out, l.ID+"|"+l.Left+"|"+l.Match+"|"+l.Right)
		}
		return out
	}
	if got := run(t, ctx, "lines", chromedp.Evaluate[[]string](rows)); !slices.Equal(got, lines(conc)) {
		t.Errorf("concordance by date: %d lines on the page, want %d", len(got), len(conc.Lines))
	}
	if s := run(t, ctx, "summary", chromedp.Text(css(`#kwic-summary`))); !strings.HasPrefix(s, "共 "+itoa(conc.Occurrences)+" 处，出现在 "+itoa(conc.Articles)+" 篇") {
		t.Errorf("summary %q, want %d occurrences in %d articles", s, conc.Occurrences, conc.Articles)
	}
	byLeft, err := report.ComputeConcordance(t.Context(), ix, report.KWICParams{Params: query.Params{Q: q}, Width: 8, Order: report.KWICSortLeft})
	if err != nil {
		t.Fatal(err)
	}
	run(t, ctx, "sort by the left context", chromedp.Evaluate[bool](`(() => {
		const w = document.getElementById("kwic-width"); w.value = "8"; w.dispatchEvent(new Event("change"));
		const s = document.getElementById("kwic-sort"); s.value = "left"; s.dispatchEvent(new Event("change"));
		return true; })()`))
	waitFor(t, ctx, "sorted", `(() => { const f = new URLSearchParams(document.querySelector("#kwic-lines tbody").dataset.for);
		return location.search.includes("ksort=left") && f.get("sort") === "left" && f.get("width") === "8"; })()`)
	if got := run(t, ctx, "lines", chromedp.Evaluate[[]string](rows)); !slices.Equal(got, lines(byLeft)) {
		t.Errorf("concordance by left context differs from the API's: first %q", got[:min(3, len(got))])
	}
	if *kwicScreenshot != "" {
		png := run(t, ctx, "screenshot", chromedp.CaptureScreenshot())
		if err := os.WriteFile(*kwicScreenshot, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	href := run(t, ctx, "CSV link", chromedp.Evaluate[string](`document.getElementById("kwic-csv").href`))
	records, err := csv.NewReader(strings.NewReader(get(href))).ReadAll()
	if err != nil || len(records) != byLeft.Occurrences+1 || records[1][0] != byLeft.Lines[0].ID {
		t.Errorf("CSV export %s: %d rows, %v", href, len(records), err)
	}
	// An article opened from the concordance goes back to it.
	do(t, ctx, "open an article",
		chromedp.Click(css(`#kwic-lines tr.line td.id a`)),
		chromedp.WaitVisible(css(`#headline`)),
		chromedp.WaitVisible(css(`#cite-box .cite-btn`)),
		chromedp.Click(css(`#back`)),
		chromedp.WaitVisible(css(`#kwic-lines tr.line`)))
	if v := run(t, ctx, "CSP violations", chromedp.Evaluate[[]string](`window.cspViolations`)); len(v) > 0 {
		t.Errorf("the Content-Security-Policy refused: %q", v)
	}
	// On a phone the concordance fits the screen.
	do(t, ctx, "phone",
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(srv.URL+"/?view=kwic&q="+url.QueryEscape(q)),
		chromedp.WaitVisible(css(`#kwic-lines tr.line`)))
	if w := run(t, ctx, "page width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 390 {
		t.Errorf("on a 390 px phone the concordance is %d px wide", w)
	}
}
