package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"jianbao/report"
)

// paramSeeds are URL query strings of searches, good and bad.
var paramSeeds = []string{
	"",
	"q=" + url.QueryEscape("永定路"),
	"q=" + url.QueryEscape(`"垃圾分类" OR 志愿 -海淀`) + "&district=" + url.QueryEscape("海淀") + "&facets=district,year",
	"q=" + url.QueryEscape("district:朝阳 year:2021") + "&sort=-date&limit=20&offset=40",
	"from=2021-03&to=2022&section=" + url.QueryEscape("【工作动态】"),
	"limit=abc&offset=-1",
	"limit=1001&facets=colour",
	"q=%ZZ&q=a&q=b",
	"facets=,,,&facets=org",
	"theme=" + url.QueryEscape("垃圾分类") + "&org=" + url.QueryEscape("海淀区文明办"),
	"q=" + url.QueryEscape(strings.Repeat("(", 20)+"a"),
	"to=2020&from=2021",
}

// checkUserError fails t unless err is answered with a 4xx and a message.
func checkUserError(t *testing.T, err error) {
	t.Helper()
	status, msg, internal := statusOf(err)
	if internal || status < 400 || status >= 500 || msg == "" {
		t.Fatalf("error %v gives status %d (internal %v), want a 4xx with a message", err, status, internal)
	}
}

// FuzzHandler sends fuzzed paths and query strings to the whole handler
// over a real index and checks that every answer is a known status with a
// JSON body (or the page), and never a 500.
func FuzzHandler(f *testing.F) {
	for _, s := range paramSeeds {
		f.Add("/api/search", s)
	}
	for _, p := range []string{"/api/facets", "/api/trend", "/api/trend.svg", "/api/stats", "/api/articles/2021-014-01",
		"/api/issues/2021-014", "/files/2021-014", "/files/..%2f..%2fetc%2fpasswd", "/%2e%2e/%2e%2e/etc/passwd",
		"/api/issues/2021-014%00", "/healthz", "/", "/app.js", "/api/nothing"} {
		f.Add(p, "q=a&by=month&split=district")
	}
	for p, q := range map[string]string{
		"/api/cite":        "ids=2021-014-01,2021-014-02&format=ris",
		"/api/cite/search": "q=" + url.QueryEscape("志愿") + "&format=bibtex&limit=3",
		"/api/search.atom": "q=" + url.QueryEscape("文明") + "&district=" + url.QueryEscape("海淀") + "&limit=5",
		"/api/kwic":        "q=" + url.QueryEscape("文明") + "&width=3&sort=left&format=csv&limit=10",
	} {
		f.Add(p, q)
	}
	f.Add("/api/kwic", "q=a&width=-1&limit=-5&offset=x")
	f.Add("/api/cite", "ids=,,../x&format=csl-json")
	h := NewHandler(sharedIndex(f), Options{AllowHosts: []string{"jianbao.test"}})
	f.Fuzz(func(t *testing.T, path, raw string) {
		u, err := url.Parse("http://jianbao.test" + path)
		if err != nil || !strings.HasPrefix(path, "/") || !utf8.ValidString(path) || strings.ContainsAny(path, " \r\n#?") {
			return // not a request line net/http would accept
		}
		if _, err := url.ParseQuery(raw); err != nil {
			return
		}
		u.RawQuery = raw
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.URL = u
		req.Host = u.Host
		req.RequestURI = u.RequestURI()
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		switch w.Code {
		case 200, 301, 304, 307, 308, 400, 404, 405, 413, 503:
		default:
			t.Fatalf("GET %s?%s: status %d: %s", path, raw, w.Code, w.Body)
		}
		ct := w.Header().Get("Content-Type")
		if w.Code >= 400 && w.Code != 404 || strings.HasPrefix(path, "/api/") && w.Code >= 400 {
			var e apiError
			if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Error == "" {
				t.Fatalf("GET %s?%s: status %d without a JSON error (%s): %q", path, raw, w.Code, ct, w.Body)
			}
		}
		if w.Header().Get("X-Content-Type-Options") != "nosniff" && (w.Code < 300 || w.Code >= 400) {
			t.Fatalf("GET %s?%s: %d without nosniff", path, raw, w.Code)
		}
	})
}

// FuzzKWIC checks that no URL query makes a concordance panic, that every
// refusal is a user error, and that an answer keeps its promises: lines
// within the limit, as many occurrences as counted, widths respected.
func FuzzKWIC(f *testing.F) {
	for _, s := range paramSeeds {
		f.Add(s + "&width=4&sort=right")
	}
	f.Add("q=" + url.QueryEscape("文明") + "&width=200&sort=left&limit=7&offset=3")
	f.Add("q=" + url.QueryEscape(`"复兴路 40 号" OR 志愿`) + "&width=0")
	ix := sharedIndex(f)
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		p, err := kwicFromURL(v)
		if err != nil {
			checkUserError(t, err)
			return
		}
		c, err := report.ComputeConcordance(t.Context(), ix, p)
		if err != nil {
			checkUserError(t, err)
			return
		}
		if len(c.Lines) > p.Limit || len(c.Lines) > c.Occurrences || c.Articles > c.Occurrences {
			t.Fatalf("%d lines (limit %d) of %d occurrences in %d articles", len(c.Lines), p.Limit, c.Occurrences, c.Articles)
		}
		for _, l := range c.Lines {
			if utf8.RuneCountInString(l.Left) > c.Width || utf8.RuneCountInString(l.Right) > c.Width || l.Match == "" {
				t.Fatalf("line %+v of width %d", l, c.Width)
			}
		}
	})
}
