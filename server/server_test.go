package server

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"jianbao/index"
	"jianbao/ingest"
	"jianbao/query"
	"jianbao/report"
)

// TestSearchMatchesGrep checks that /api/search returns exactly the articles
// grep finds in the normalised text, for words, phrases, exclusions, OR and
// filters.
func TestSearchMatchesGrep(t *testing.T) {
	srv := newTestServer(t, sharedIndex(t))
	recs := parseArchive(t, testFiles(t))
	tests := []query.Params{
		{Q: "永定路"},
		{Q: "垃圾分类"},
		{Q: "志愿"},
		{Q: "实"},          // one character
		{Q: "区文明"},        // across words
		{Q: "1500余人"},     // the text has "1500 余人"
		{Q: "１５００ 余人"},    // full width, two words
		{Q: "复兴路40号"},     // the text has "复兴路 40 号"
		{Q: `"送实惠，专业健康"`}, // punctuation kept
		{Q: `"送实惠。专业健康"`}, // and must match
		{Q: "志愿 -疫情"},
		{Q: "桶长 OR 光盘"},
		{Q: "(永定路 OR 古北口) 志愿"},
		{Q: "文明办"}, // attribution
		{Q: "district:海淀 垃圾分类"},
		{Q: "志愿", District: "密云"},
		{Q: "-district:海淀区", Section: "工作交流"},
		{Q: "文明", From: "2021-01", To: "2021-04"},
		{Q: "year:2020"},
		{Q: "issue:2021-14"},
		{Q: "date:..2020-12 志愿"},
		{Q: "mentions:延庆"},
		{Q: "没有这样的文字"},
	}
	for _, p := range tests {
		t.Run(p.Q+" "+p.District+p.Section+p.From, func(t *testing.T) {
			req, err := p.Request()
			if err != nil {
				t.Fatal(err)
			}
			want := grep(recs, req.Expr)
			v := url.Values{"q": {p.Q}, "district": {p.District}, "section": {p.Section},
				"from": {p.From}, "to": {p.To}, "limit": {"1000"}}
			var resp query.Response
			if st := getJSON(t, srv.URL+"/api/search?"+v.Encode(), &resp); st != http.StatusOK {
				t.Fatalf("status %d", st)
			}
			got := []string{}
			for _, h := range resp.Hits {
				got = append(got, h.ID)
			}
			slices.Sort(got)
			if !slices.Equal(got, want) || resp.Total != len(want) {
				t.Errorf("total %d, hits %v\nwant %d, %v", resp.Total, got, len(want), want)
			}
		})
	}
}

// TestSearchJSON checks the shape of the answer that scripts depend on.
func TestSearchJSON(t *testing.T) {
	srv := newTestServer(t, sharedIndex(t))
	resp, err := http.Get(srv.URL + "/api/search?q=" + url.QueryEscape("永定路") + "&facets=district,year&sort=-date")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var raw map[string]json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&raw); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if want := []string{"facets", "hits", "took_ms", "total"}; !slices.Equal(keys, want) {
		t.Errorf("keys %v, want %v", keys, want)
	}
	var r query.Response
	b, _ := json.Marshal(raw)
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if r.Total < 2 || len(r.Hits) != r.Total {
		t.Fatalf("total %d, %d hits", r.Total, len(r.Hits))
	}
	for i, h := range r.Hits {
		if i > 0 && h.Date > r.Hits[i-1].Date {
			t.Errorf("sort=-date: %s after %s", h.Date, r.Hits[i-1].Date)
		}
		if h.IssueID == "" || h.Headline == "" || h.Date == "" {
			t.Errorf("hit %+v lacks fields", h)
		}
		if len(h.Snippets) == 0 || !strings.Contains(strings.Join(h.Snippets, ""), "<mark>永定路</mark>") {
			t.Errorf("hit %s: snippets %q lack the marked match", h.ID, h.Snippets)
		}
	}
	if len(r.Facets["district"]) == 0 || len(r.Facets["year"]) == 0 {
		t.Errorf("facets %v, want district and year", r.Facets)
	}
}

func TestSearchPaging(t *testing.T) {
	srv := newTestServer(t, sharedIndex(t))
	var all query.Response
	getJSON(t, srv.URL+"/api/search?sort=date&limit=1000", &all)
	if all.Total != len(all.Hits) || all.Total < 9 {
		t.Fatalf("all: total %d, %d hits", all.Total, len(all.Hits))
	}
	var seen []string
	for off := 0; off < all.Total; off += 25 {
		var page query.Response
		getJSON(t, srv.URL+"/api/search?sort=date&limit=25&offset="+strconv.Itoa(off), &page)
		if page.Total != all.Total {
			t.Fatalf("offset %d: total %d, want %d", off, page.Total, all.Total)
		}
		for _, h := range page.Hits {
			seen = append(seen, h.ID)
		}
	}
	var want []string
	for _, h := range all.Hits {
		want = append(want, h.ID)
	}
	if !slices.Equal(seen, want) {
		t.Errorf("pages %v, want %v", seen, want)
	}
}

func TestErrors(t *testing.T) {
	srv := newTestServer(t, sharedIndex(t))
	tests := []struct {
		path   string
		status int
		msg    string // part of the error message
	}{
		{"/api/search?q=" + url.QueryEscape(`"永定路`), 400, "never closed"},
		{"/api/search?q=" + url.QueryEscape("district:海"), 400, "unknown district"},
		{"/api/search?q=" + url.QueryEscape("distrct:海淀"), 400, "unknown filter"},
		{"/api/search?district=" + url.QueryEscape("海"), 400, "district"},
		{"/api/search?limit=abc", 400, "not a number"},
		{"/api/search?limit=5000", 400, "limit"},
		{"/api/search?offset=-1", 400, "offset"},
		{"/api/search?sort=score", 400, "sort"},
		{"/api/search?facets=colour", 400, "facet"},
		{"/api/search?from=2021-13", 400, "bad date"},
		{"/api/search?q=" + strings.Repeat("a", query.MaxQueryBytes+1), 413, "too large"},
		{"/api/search?q=a&x=" + strings.Repeat("b", maxURLBytes), 413, "too large"},
		{"/api/articles/2021-014-99", 404, "not found"},
		{"/api/articles/nonsense", 404, "not found"},
		{"/api/articles/..%2F..%2Fetc%2Fpasswd", 404, "not found"},
		{"/api/issues/2030-001", 404, "not found"},
		{"/api/issues/2021-014x", 404, "not found"},
		{"/api/nothing", 404, "no endpoint"},
		{"/files/2030-001", 404, "not found"},
		{"/files/..%2F..%2Fetc%2Fpasswd", 404, "not found"},
		{"/files/%2Fetc%2Fpasswd", 404, "not found"},
	}
	for _, tt := range tests {
		t.Run(tt.path[:min(len(tt.path), 60)], func(t *testing.T) {
			var body apiError
			st := getJSON(t, srv.URL+tt.path, &body)
			if st != tt.status {
				t.Errorf("status %d, want %d (%q)", st, tt.status, body.Error)
			}
			if !strings.Contains(body.Error, tt.msg) {
				t.Errorf("error %q, want it to contain %q", body.Error, tt.msg)
			}
		})
	}
	// A syntax error says where.
	var body apiError
	getJSON(t, srv.URL+"/api/search?q="+url.QueryEscape("志愿 )"), &body)
	if body.Column != 4 || !strings.Contains(body.Error, "\n志愿 )\n     ^") {
		t.Errorf("syntax error %+v, want column 4 and a caret", body)
	}
	// Other methods are refused, in JSON too.
	for _, path := range []string{"/api/search", "/api/articles/2021-014-01", "/files/2021-014"} {
		resp, err := http.Post(srv.URL+path, "text/plain", strings.NewReader("q"))
		if err != nil {
			t.Fatal(err)
		}
		var e apiError
		err = json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed || err != nil || resp.Header.Get("Allow") != "GET" {
			t.Errorf("POST %s: status %d, %v, Allow %q; want 405 JSON", path, resp.StatusCode, err, resp.Header.Get("Allow"))
		}
	}
	resp, err := http.Head(srv.URL + "/api/search?q=a")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("HEAD: %d, want 200", resp.StatusCode)
	}
}

// failingStore fails every call with an internal error.
type failingStore struct{}

var errDisk = errors.New("read /var/lib/jianbao/index: input/output error")

func (failingStore) Search(context.Context, index.Request) (*index.Result, error) {
	return nil, errDisk
}
func (failingStore) Issue(context.Context, string) (*index.Issue, error) { return nil, errDisk }
func (failingStore) Issues(context.Context) ([]index.IssueFiles, error)  { return nil, errDisk }
func (failingStore) FailedFiles() ([]index.FailedFile, error)            { return nil, errDisk }

// TestInternalErrorsAreHidden checks that users see a generic message while
// the log gets the error.
func TestInternalErrorsAreHidden(t *testing.T) {
	var logged strings.Builder
	srv := httptestServer(t, NewHandler(failingStore{}, Options{Logger: newTextLogger(&logged)}))
	for _, path := range []string{"/api/search?q=a", "/api/issues/2021-014"} {
		var body apiError
		if st := getJSON(t, srv+path, &body); st != 500 || body.Error != "internal error" {
			t.Errorf("%s: %d %q, want 500 internal error", path, st, body.Error)
		}
	}
	if !strings.Contains(logged.String(), "input/output error") {
		t.Errorf("log %q lacks the error", logged.String())
	}
}

func TestArticleAndIssue(t *testing.T) {
	srv := newTestServer(t, sharedIndex(t))
	var a report.ArticleView
	if st := getJSON(t, srv.URL+"/api/articles/2021-014-02", &a); st != 200 {
		t.Fatalf("status %d", st)
	}
	if a.ID != "2021-014-02" || a.IssueID != "2021-014" || a.Date != "2021-03-23" || a.Issue != 14 ||
		a.SourceOrg != "海淀区文明办" || a.District != "海淀区" || !strings.Contains(a.Body, "永定路") ||
		a.File != "/files/2021-014" || a.Format != "txt" {
		t.Errorf("article %+v", a)
	}
	var iss index.Issue
	if st := getJSON(t, srv.URL+"/api/issues/2020-031", &iss); st != 200 {
		t.Fatalf("status %d", st)
	}
	if iss.ID != "2020-031" || len(iss.Articles) != 3 || iss.Articles[2].District != "密云区" {
		t.Errorf("issue %+v", iss.Issue)
	}
}

// TestFiles checks that /files serves the ingested source, decoded, and
// nothing else.
func TestFiles(t *testing.T) {
	files := copyArchive(t)
	srv := newTestServer(t, newIndex(t, files))
	resp, err := http.Get(srv.URL + "/files/2021-020")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	want, _ := os.ReadFile(files[1])
	if resp.StatusCode != 200 || string(body) != string(want) || resp.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
		t.Errorf("status %d, type %q, %d bytes; want 200 text/plain and the file's %d bytes",
			resp.StatusCode, resp.Header.Get("Content-Type"), len(body), len(want))
	}
	// A file removed after ingest is 404, not 500.
	if err := os.Remove(files[1]); err != nil {
		t.Fatal(err)
	}
	var e apiError
	if st := getJSON(t, srv.URL+"/files/2021-020", &e); st != 404 {
		t.Errorf("removed file: status %d (%s), want 404", st, e.Error)
	}
}

// TestFilesGBK checks that a TXT in GB18030 is served as UTF-8.
func TestFilesGBK(t *testing.T) {
	src, err := os.ReadFile("../testdata/sample/bulletin-2021-014.txt")
	if err != nil {
		t.Fatal(err)
	}
	gbk, err := encodeGB18030(string(src))
	if err != nil {
		t.Fatal(err)
	}
	f := t.TempDir() + "/bulletin-gbk.txt"
	if err := os.WriteFile(f, gbk, 0o644); err != nil {
		t.Fatal(err)
	}
	srv := newTestServer(t, newIndex(t, []string{f}))
	resp, err := http.Get(srv.URL + "/files/2021-014")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	text, _, _ := ingest.Decode(src)
	if string(body) != text {
		t.Errorf("served %d bytes, want the %d bytes of the UTF-8 text", len(body), len(text))
	}
}

func TestFacetsEndpoint(t *testing.T) {
	srv := newTestServer(t, sharedIndex(t))
	recs := parseArchive(t, testFiles(t))
	var r struct {
		Total  int                           `json:"total"`
		Facets map[string][]index.FacetCount `json:"facets"`
	}
	getJSON(t, srv.URL+"/api/facets", &r)
	if r.Total != len(recs) {
		t.Errorf("total %d, want %d", r.Total, len(recs))
	}
	want := map[string]int{}
	for _, rec := range recs {
		if rec.art.District != "" {
			want[rec.art.District]++
		}
	}
	got := map[string]int{}
	for _, f := range r.Facets["district"] {
		got[f.Value] = f.Count
	}
	for d, n := range want {
		if got[d] != n {
			t.Errorf("district %s: %d, want %d", d, got[d], n)
		}
	}
	for _, name := range query.FacetNames {
		if _, ok := r.Facets[name]; !ok && name != "theme" {
			t.Errorf("no facet %s in %v", name, r.Facets)
		}
	}
}

// TestOrgTypeFacetAndFilter checks the orgtype facet and filter of the API
// against the parsed records: the count of each type is the number of
// articles naming an organisation of it, and the filter finds exactly them.
func TestOrgTypeFacetAndFilter(t *testing.T) {
	srv := newTestServer(t, sharedIndex(t))
	recs := parseArchive(t, testFiles(t))
	want := map[string][]string{}
	for _, rec := range recs {
		seen := map[string]bool{}
		for _, o := range rec.art.OrgDetails {
			if !seen[o.Type] {
				seen[o.Type] = true
				want[o.Type] = append(want[o.Type], rec.art.ID)
			}
		}
	}
	if len(want) < 3 {
		t.Fatalf("the archive names organisations of %d types, want at least 3", len(want))
	}
	var r struct {
		Facets map[string][]index.FacetCount `json:"facets"`
	}
	getJSON(t, srv.URL+"/api/facets?facets=orgtype", &r)
	got := map[string]int{}
	for _, f := range r.Facets["orgtype"] {
		got[f.Value] = f.Count
	}
	for typ, ids := range want {
		if got[typ] != len(ids) {
			t.Errorf("orgtype %s: %d, want %d", typ, got[typ], len(ids))
		}
	}
	for typ, ids := range want {
		for _, q := range []string{"orgtype=" + url.QueryEscape(typ), "q=" + url.QueryEscape("orgtype:"+typ)} {
			var s struct {
				Total int `json:"total"`
			}
			getJSON(t, srv.URL+"/api/search?limit=1&"+q, &s)
			if s.Total != len(ids) {
				t.Errorf("%s: %d hits, want %d", q, s.Total, len(ids))
			}
		}
	}
	resp, err := http.Get(srv.URL + "/api/search?orgtype=" + url.QueryEscape("学堂"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Errorf("unknown organisation type: status %d, want 400", resp.StatusCode)
	}
}

// TestOpenAPI checks the OpenAPI document against the routes: the same
// paths and methods, the search parameters of the handler, and every path
// answering 200.
func TestOpenAPI(t *testing.T) {
	srv := newTestServer(t, sharedIndex(t))
	var doc struct {
		OpenAPI string `json:"openapi"`
		Paths   map[string]map[string]struct {
			Parameters []struct {
				Ref  string `json:"$ref"`
				Name string `json:"name"`
				In   string `json:"in"`
			} `json:"parameters"`
			Responses map[string]any `json:"responses"`
		} `json:"paths"`
		Components struct {
			Parameters map[string]struct {
				Name string `json:"name"`
			} `json:"parameters"`
		} `json:"components"`
	}
	if st := getJSON(t, srv.URL+"/api/openapi.json", &doc); st != 200 {
		t.Fatalf("status %d", st)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("openapi %q, want 3.x", doc.OpenAPI)
	}
	var docRoutes, codeRoutes []string
	for path, ops := range doc.Paths {
		for m := range ops {
			docRoutes = append(docRoutes, strings.ToUpper(m)+" "+path)
		}
	}
	for _, rt := range routes {
		codeRoutes = append(codeRoutes, rt.method+" "+rt.path)
	}
	slices.Sort(docRoutes)
	slices.Sort(codeRoutes)
	if !slices.Equal(docRoutes, codeRoutes) {
		t.Errorf("document routes %v\nhandler routes %v", docRoutes, codeRoutes)
	}
	citeSearch := append(slices.Clone(searchParamNames[:len(searchParamNames)-1]), "format") // no facets
	for path, want := range map[string][]string{"/api/search": searchParamNames, "/api/facets": searchParamNames,
		"/api/trend": trendParamNames, "/api/trend.svg": trendParamNames, "/api/cite": citeParamNames,
		"/api/cite/search": citeSearch, "/api/kwic": kwicParamNames, "/api/search.atom": feedParamNames} {
		var names []string
		for _, p := range doc.Paths[path]["get"].Parameters {
			name := p.Name
			if p.Ref != "" {
				name = doc.Components.Parameters[strings.TrimPrefix(p.Ref, "#/components/parameters/")].Name
			}
			names = append(names, name)
		}
		if !slices.Equal(names, want) {
			t.Errorf("%s: parameters %v, handler reads %v", path, names, want)
		}
	}
	ids := map[string]string{"{id}": "", "{issue_id}": "2021-014"}
	for _, rt := range routes {
		if rt.method != "GET" {
			continue // POST /api/ingest: TestIngestEndpoint
		}
		path := rt.path
		if strings.HasPrefix(path, "/api/articles/") {
			ids["{id}"] = "2021-014-01"
		} else {
			ids["{id}"] = "2021-014"
		}
		for k, v := range ids {
			path = strings.ReplaceAll(path, k, v)
		}
		// Endpoints that need a parameter.
		path += map[string]string{"/api/cite": "?ids=2021-014-01", "/api/kwic": "?q=文明"}[rt.path]
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("GET %s: %d, the document promises 200", path, resp.StatusCode)
		}
		if _, ok := doc.Paths[rt.path]["get"].Responses["200"]; !ok {
			t.Errorf("%s: no 200 response documented", rt.path)
		}
	}
	// Every parameter named in the handler code is documented.
	for _, file := range []string{"server.go", "research.go"} {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`v\.Get\("(\w+)"\)`).FindAllStringSubmatch(string(src), -1) {
			if !slices.ContainsFunc([][]string{searchParamNames, trendParamNames, citeParamNames, kwicParamNames, feedParamNames},
				func(names []string) bool { return slices.Contains(names, m[1]) }) {
				t.Errorf("%s reads parameter %q that no parameter list names", file, m[1])
			}
		}
	}
}

func TestPage(t *testing.T) {
	srv := newTestServer(t, sharedIndex(t))
	for path, want := range map[string]string{
		"/":          "text/html",
		"/app.js":    "text/javascript",
		"/style.css": "text/css",
	} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), want) || len(body) == 0 {
			t.Errorf("%s: %d %q, want 200 %s", path, resp.StatusCode, resp.Header.Get("Content-Type"), want)
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
			t.Errorf("%s: CSP %q", path, csp)
		}
		if strings.Contains(string(body), "http://") || strings.Contains(string(body), "https://") {
			t.Errorf("%s refers to another site: the page must work offline", path)
		}
	}
}

// slowStore delays searches, to catch a request in flight.
type slowStore struct {
	Store
	started chan struct{}
}

func (s slowStore) Search(ctx context.Context, req index.Request) (*index.Result, error) {
	close(s.started)
	time.Sleep(300 * time.Millisecond)
	return s.Store.Search(ctx, req)
}

// TestServeShutdown checks that cancelling Serve's context (as SIGTERM does
// in the command) lets a request in flight finish and then returns nil.
func TestServeShutdown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	store := slowStore{Store: sharedIndex(t), started: make(chan struct{})}
	srv := NewServer(ln.Addr().String(), NewHandler(store, Options{}))
	if srv.ReadTimeout == 0 || srv.WriteTimeout == 0 || srv.ReadHeaderTimeout == 0 {
		t.Errorf("server without timeouts: %+v", srv)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, srv, ln) }()
	type result struct {
		status int
		err    error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/api/search?q=" + url.QueryEscape("永定路"))
		if err != nil {
			got <- result{0, err}
			return
		}
		resp.Body.Close()
		got <- result{resp.StatusCode, nil}
	}()
	<-store.started
	cancel()
	if r := <-got; r.err != nil || r.status != 200 {
		t.Errorf("request in flight: %d %v, want 200", r.status, r.err)
	}
	if err := <-done; err != nil {
		t.Errorf("Serve: %v", err)
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/healthz"); err == nil {
		t.Errorf("server still answers after shutdown")
	}
}
