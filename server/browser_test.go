package server

import (
	"context"
	"flag"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"jianbao/index"
	"jianbao/ingest"
)

var screenshot = flag.String("screenshot", "", "write a PNG of the page with results to this file (for the README)")

// chromium returns the path of a Chromium binary, or skips the test.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{os.Getenv("JIANBAO_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no Chromium found (apt-get install chromium, or set JIANBAO_CHROMIUM): skipping the web page test")
	return ""
}

// newBrowser starts a headless Chromium with a fresh profile and no network
// of its own, and returns a context that drives one tab of it for at most a
// minute.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1200, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelTab(); cancelAlloc() })
	// The first run starts the browser and must not carry the timeout.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	tctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(cancel)
	return tctx
}

// hitIDs is a script returning the ids of the results on the page.
const hitIDs = `Array.from(document.querySelectorAll("#results li.hit a.open")).map(a => a.dataset.id)`

// run runs an action that returns a value, failing the test on error.
func run[T any](t *testing.T, ctx context.Context, step string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", step, err)
	}
	return v
}

// do runs actions, failing the test on error.
func do(t *testing.T, ctx context.Context, step string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", step, err)
	}
}

// waitFor polls a JavaScript condition until it holds.
func waitFor(t *testing.T, ctx context.Context, step, cond string) {
	t.Helper()
	run(t, ctx, step, chromedp.Poll[bool](cond, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(10*time.Second)))
}

// checkPage checks that the first page of results shows distinct articles
// that grep finds, as many as fit.
func checkPage(t *testing.T, what string, ids, want []string) {
	t.Helper()
	if len(ids) != min(len(want), 10) {
		t.Errorf("%s: %d results on the page, want %d", what, len(ids), min(len(want), 10))
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] || !slices.Contains(want, id) {
			t.Errorf("%s: result %s is repeated or not found by grep", what, id)
		}
		seen[id] = true
	}
}

func summaryIs(n int) string {
	return `document.getElementById("summary").textContent.startsWith("共 ` + itoa(n) + ` 篇")`
}

type css = chromedp.CSS

// TestPageInBrowser drives the web page in headless Chromium: type a query,
// narrow it to a district by clicking its facet count, open a result, and
// check each step against what grep finds in the archive.
func TestPageInBrowser(t *testing.T) {
	ctx := newBrowser(t)
	srv := newTestServer(t, sharedIndex(t))
	recs := parseArchive(t, testFiles(t))

	const q = "垃圾分类"
	wantAll := grep(recs, index.Text{Value: q})
	wantHaidian := grep(recs, index.And{index.Text{Value: q}, index.Field{Name: "district", Value: "海淀区"}})
	if len(wantAll) < 3 || len(wantHaidian) < 1 || len(wantHaidian) == len(wantAll) {
		t.Fatalf("the archive does not tell the filter apart: %v, %v", wantAll, wantHaidian)
	}

	// Type a query and submit it.
	do(t, ctx, "open the page",
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(css(`#results li.hit`)))
	do(t, ctx, "type a query",
		chromedp.SendKeys(css(`#q`), q+kb.Enter))
	waitFor(t, ctx, "results", summaryIs(len(wantAll)))
	checkPage(t, q, run(t, ctx, "read results", chromedp.Evaluate[[]string](hitIDs)), wantAll)
	if marked := run(t, ctx, "read marks", chromedp.Text(css(`#results li.hit .snippet mark`))); marked != q {
		t.Errorf("highlighted %q, want %q", marked, q)
	}
	checkTrendChart(t, ctx, q, "year")
	do(t, ctx, "show the trend by quarter", chromedp.Click(css(`#trend-by button[data-by="quarter"]`)))
	checkTrendChart(t, ctx, q, "quarter")
	if loc := run(t, ctx, "location", chromedp.Location()); !strings.Contains(loc, "by=quarter") {
		t.Errorf("URL %s does not keep the period of the chart", loc)
	}
	if *screenshot != "" {
		png := run(t, ctx, "screenshot", chromedp.CaptureScreenshot())
		if err := os.WriteFile(*screenshot, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// The next page holds the next ten.
	if len(wantAll) > 10 {
		do(t, ctx, "next page", chromedp.Click(css(`#next`)))
		waitFor(t, ctx, "page 2", `document.getElementById("summary").textContent.includes("第 11–")`)
		page2 := run(t, ctx, "read page 2", chromedp.Evaluate[[]string](hitIDs))
		if len(page2) == 0 || slices.ContainsFunc(page2, func(id string) bool { return !slices.Contains(wantAll, id) }) {
			t.Errorf("page 2: %v", page2)
		}
		do(t, ctx, "previous page", chromedp.Click(css(`#prev`)))
		waitFor(t, ctx, "page 1", `document.getElementById("summary").textContent.includes("第 1–")`)
	}

	// Narrow to 海淀区 by clicking its facet count.
	do(t, ctx, "click the district facet",
		chromedp.Click(css(`#facets button.facet[data-facet="district"][data-value="海淀区"]`)),
		chromedp.WaitVisible(css(`#chips .chip[data-filter="district"]`)))
	waitFor(t, ctx, "filtered results", summaryIs(len(wantHaidian)))
	checkPage(t, q+" in 海淀区", run(t, ctx, "read results", chromedp.Evaluate[[]string](hitIDs)), wantHaidian)
	if loc := run(t, ctx, "location", chromedp.Location()); !strings.Contains(loc, "district=%E6%B5%B7%E6%B7%80%E5%8C%BA") {
		t.Errorf("URL %s does not keep the filter", loc)
	}

	// Open the first result.
	first := run(t, ctx, "first result", chromedp.Evaluate[string](`document.querySelector("#results li.hit a.open").dataset.id`))
	do(t, ctx, "open a result",
		chromedp.Click(css(`#results li.hit a.open`)),
		chromedp.WaitVisible(css(`#headline`)))
	headline := run(t, ctx, "headline", chromedp.Text(css(`#headline`)))
	body := run(t, ctx, "body", chromedp.Text(css(`#article-view .body`)))
	source := run(t, ctx, "source link", chromedp.AttributeValue(css(`#source`), "href"))
	var want record
	for _, r := range recs {
		if r.art.ID == first {
			want = r
		}
	}
	if want.issue == nil || headline != want.art.Headline || !strings.Contains(body, q) {
		t.Errorf("article view of %s: headline %q, want %q", first, headline, want.art.Headline)
	}
	if want.issue != nil && source.Value != "files/"+want.issue.ID {
		t.Errorf("source link %q, want files/%s", source.Value, want.issue.ID)
	}

	// Choose another district in the filter menu.
	other, wantOther := "", []string(nil)
	for _, d := range ingest.Districts {
		if w := grep(recs, index.And{index.Text{Value: q}, index.Field{Name: "district", Value: d}}); d != "海淀区" && len(w) > 0 {
			other, wantOther = d, w
			break
		}
	}
	if other == "" {
		t.Fatalf("no %s outside 海淀区 in the archive", q)
	}
	do(t, ctx, "back",
		chromedp.Click(css(`#back`)),
		chromedp.WaitVisible(css(`#results li.hit`)))
	waitFor(t, ctx, "results again", summaryIs(len(wantHaidian)))
	chosen := run(t, ctx, "choose "+other, chromedp.Evaluate[string](`(() => { const s = document.getElementById("district"); document.getElementById("filters-box").open = true; s.value = "`+other+`"; s.dispatchEvent(new Event("change")); return s.value; })()`))
	if chosen != other {
		t.Fatalf("the district menu has no %s (value %q)", other, chosen)
	}
	waitFor(t, ctx, "results in "+other, `document.querySelector('#chips .chip[data-filter="district"]').textContent.includes("`+other+`")`)
	waitFor(t, ctx, "count in "+other, summaryIs(len(wantOther)))
	checkPage(t, q+" in "+other, run(t, ctx, "read results", chromedp.Evaluate[[]string](hitIDs)), wantOther)

	// Narrow to an organisation type in its menu: the type of the most
	// articles of the query that name an organisation.
	typ, wantType := "", []string(nil)
	for _, ot := range ingest.OrgTypes {
		if w := grep(recs, index.And{index.Text{Value: q}, index.Field{Name: "district", Value: other}, index.Field{Name: "orgtype", Value: ot}}); len(w) > len(wantType) {
			typ, wantType = ot, w
		}
	}
	if typ == "" {
		t.Fatalf("no article of %s in %s names an organisation", q, other)
	}
	chosen = run(t, ctx, "choose "+typ, chromedp.Evaluate[string](`(() => { const s = document.getElementById("orgtype"); s.value = "`+typ+`"; s.dispatchEvent(new Event("change")); return s.value; })()`))
	if chosen != typ {
		t.Fatalf("the organisation type menu has no %s (value %q)", typ, chosen)
	}
	waitFor(t, ctx, "results of "+typ, `document.querySelector('#chips .chip[data-filter="orgtype"]') !== null`)
	waitFor(t, ctx, "count of "+typ, summaryIs(len(wantType)))
	checkPage(t, q+" in "+other+" naming a "+typ, run(t, ctx, "read results", chromedp.Evaluate[[]string](hitIDs)), wantType)
	if n := run(t, ctx, "orgtype facet", chromedp.Evaluate[int](`document.querySelectorAll('#facets button.facet[data-facet="orgtype"]').length`)); n == 0 {
		t.Errorf("no organisation type facet on the page")
	}

	// An article's organisations link to the articles that name them.
	var withOrgs record
	for _, r := range recs {
		if len(r.art.OrgDetails) >= 2 {
			withOrgs = r
			break
		}
	}
	if withOrgs.issue == nil {
		t.Fatal("no article of the archive names two organisations")
	}
	do(t, ctx, "open an article naming organisations",
		chromedp.Navigate(srv.URL+"/?article="+withOrgs.art.ID),
		chromedp.WaitVisible(css(`#orgs a.org`)))
	links := run(t, ctx, "organisations", chromedp.Evaluate[[]string](`[...document.querySelectorAll("#orgs a.org")].map((a) => a.textContent + "|" + a.title)`))
	var wantLinks []string
	for _, o := range withOrgs.art.OrgDetails {
		wantLinks = append(wantLinks, o.Name+"|"+strings.Join(slices.DeleteFunc([]string{o.Type, o.District}, func(s string) bool { return s == "" }), " · "))
	}
	if !slices.Equal(links, wantLinks) {
		t.Errorf("organisations of %s: %q, want %q", withOrgs.art.ID, links, wantLinks)
	}
	org := withOrgs.art.OrgDetails[0].Name
	wantOrg := grep(recs, index.Field{Name: "organisation", Value: org})
	do(t, ctx, "follow an organisation", chromedp.Click(css(`#orgs a.org`)), chromedp.WaitVisible(css(`#results li.hit`)))
	waitFor(t, ctx, "articles naming "+org, summaryIs(len(wantOrg)))

	// Back to the results, then on a phone: nothing wider than the screen.
	do(t, ctx, "phone",
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(srv.URL+"/?q="+q),
		chromedp.WaitVisible(css(`#results li.hit`)))
	if w := run(t, ctx, "page width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 390 {
		t.Errorf("on a 390 px phone the page is %d px wide", w)
	}
}

// checkTrendChart waits until the trend chart of query q by period by is
// loaded and visible, split by district.
func checkTrendChart(t *testing.T, ctx context.Context, q, by string) {
	t.Helper()
	waitFor(t, ctx, "trend chart by "+by, `(() => {
		const img = document.getElementById("trend-chart");
		const src = new URL(img.src, location.href);
		return !document.getElementById("trend").hidden && src.pathname.endsWith("/api/trend.svg") &&
			src.searchParams.get("by") === "`+by+`" && img.complete && img.naturalWidth > 0;
	})()`)
	chart := run(t, ctx, "read the chart", chromedp.Evaluate[map[string]any](`(() => {
		const img = document.getElementById("trend-chart");
		const r = img.getBoundingClientRect();
		const src = new URL(img.src, location.href);
		return {q: src.searchParams.get("q"), split: src.searchParams.get("split"), w: r.width, h: r.height,
			pressed: document.querySelector("#trend-by button.on").dataset.by};
	})()`))
	if chart["q"] != q || chart["split"] != "district" || chart["pressed"] != by {
		t.Errorf("trend chart: %v, want q %s, split district, %s pressed", chart, q, by)
	}
	if w, _ := chart["w"].(float64); w < 200 {
		t.Errorf("trend chart is %v px wide on the page: not visible", chart["w"])
	}
	if h, _ := chart["h"].(float64); h < 50 {
		t.Errorf("trend chart is %v px high on the page: not visible", chart["h"])
	}
}
