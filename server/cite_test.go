package server

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"jianbao/index"
	"jianbao/internal/sample"
	"jianbao/query"
	"jianbao/report"
)

// samples is the sample index that `make run` serves, shared by the tests
// that read it; TestMain removes it.
var samples = &sample.Shared{Files: func() ([]string, error) { return sample.Files("..") }}

func sampleIndex(tb testing.TB) *index.Index { tb.Helper(); return samples.Index(tb) }

// TestCiteEndpoints: /api/cite answers the citations of named articles,
// /api/cite/search those of a search's hits, as WriteCitations writes them,
// with the server's address in the links; errors are 400 and 404.
func TestCiteEndpoints(t *testing.T) {
	ix := sampleIndex(t)
	srv := newTestServer(t, ix)
	get := func(u string) (int, string, string) {
		t.Helper()
		resp, err := http.Get(srv.URL + u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Content-Type"), string(body)
	}
	refs, err := report.References(t.Context(), ix, []string{"2021-014-02", "2016-002-01"}, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if refs[0].URL != srv.URL+"/files/2021-014#page=2" {
		t.Errorf("URL %q", refs[0].URL)
	}
	for _, format := range report.CiteFormats {
		var want bytes.Buffer
		if err := report.WriteCitations(&want, refs, format); err != nil {
			t.Fatal(err)
		}
		st, ct, body := get("/api/cite?ids=2021-014-02,2016-002-01&format=" + format)
		if st != 200 || ct != report.CiteContentType(format) || body != want.String() {
			t.Errorf("%s: %d %s\n%s\nwant\n%s", format, st, ct, body, want.String())
		}
	}
	if _, _, body := get("/api/cite?ids=2021-014-02&ids=2016-002-01"); !strings.HasPrefix(body, "[1] 海淀区文明办. ") {
		t.Errorf("default format: %q", body)
	}
	iss, err := ix.Issue(t.Context(), "2021-014")
	if err != nil {
		t.Fatal(err)
	}
	if st, _, body := get("/api/cite?ids=2021-014&format=ris"); st != 200 || strings.Count(body, "TY  - ") != len(iss.Articles) || !strings.Contains(body, "ID  - 2021-014-05\r\n") {
		t.Errorf("an issue id: %d, %d references for %d articles", st, strings.Count(body, "TY  - "), len(iss.Articles))
	}
	resp, err := query.Search(t.Context(), ix, query.Params{Q: "垃圾分类", District: "海淀", Limit: query.MaxLimit})
	if err != nil || resp.Total == 0 {
		t.Fatalf("search: %v", err)
	}
	refs, err = report.References(t.Context(), ix, report.HitIDs(resp), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := report.WriteCitations(&want, refs, report.FormatRIS); err != nil {
		t.Fatal(err)
	}
	if st, _, body := get("/api/cite/search?q=垃圾分类&district=海淀&format=ris"); st != 200 || body != want.String() || strings.Count(body, "TY  - ") != resp.Total {
		t.Errorf("result set: %d, %d entries for %d hits", st, strings.Count(body, "TY  - "), resp.Total)
	}
	for u, status := range map[string]int{
		"/api/cite":                            400,
		"/api/cite?ids=2021-014-02&format=mla": 400,
		"/api/cite?ids=2021-014-99":            404,
		"/api/cite?ids=2030-001-01":            404,
		"/api/cite?ids=../etc":                 404,
		"/api/cite/search?q=(":                 400,
		"/api/cite/search?q=a&format=doc":      400,
	} {
		if st, ct, body := get(u); st != status || !strings.HasPrefix(ct, "application/json") || !strings.Contains(body, `"error"`) {
			t.Errorf("%.60s: %d %s %s, want %d", u, st, ct, body, status)
		}
	}
	// More ids than a URL holds can come from a program.
	many := slices.Repeat([]string{"2021-014-02"}, report.MaxCiteIDs+1)
	var pe *query.ParamError
	if _, err := report.References(t.Context(), ix, many, ""); !errors.As(err, &pe) {
		t.Errorf("%d ids: %v, want a ParamError", len(many), err)
	}
}
