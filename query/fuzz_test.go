package query

import (
	"errors"
	"net/url"
	"strings"
	"testing"
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

// FuzzParams checks that no URL query makes ParamsFromURL or
// Params.Request panic, that every refusal is a user error (a *ParamError,
// *SyntaxError or ErrTooLarge, all answered with 4xx), and that an accepted
// request stays within the limits.
func FuzzParams(f *testing.F) {
	for _, s := range paramSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return // net/http answers 400 before the handler sees it
		}
		p, err := ParamsFromURL(v)
		if err != nil {
			checkUserError(t, err)
			return
		}
		req, err := p.Request()
		if err != nil {
			checkUserError(t, err)
			return
		}
		if req.Expr == nil {
			t.Fatal("request without an expression")
		}
		if req.Limit < 1 || req.Limit > MaxLimit || req.Offset < 0 || req.Offset > MaxOffset {
			t.Fatalf("limit %d offset %d out of range", req.Limit, req.Offset)
		}
		if len(req.Facets) > len(FacetNames) {
			t.Fatalf("%d facets", len(req.Facets))
		}
	})
}

// checkUserError fails t unless err is an error of the user's query: a
// *ParamError, a *SyntaxError or ErrTooLarge (the server answers each 4xx).
func checkUserError(t *testing.T, err error) {
	t.Helper()
	var pe *ParamError
	var se *SyntaxError
	if !errors.As(err, &pe) && !errors.As(err, &se) && !errors.Is(err, ErrTooLarge) {
		t.Fatalf("error %v (%T) is not an error of the query", err, err)
	}
	if err.Error() == "" {
		t.Fatalf("error %T without a message", err)
	}
}

// TestFuzzSeedsAreUserErrors pins the seeds that must be refused.
func TestFuzzSeedsAreUserErrors(t *testing.T) {
	for _, raw := range []string{"limit=abc&offset=-1", "limit=1001&facets=colour", "to=2020&from=2021"} {
		v, _ := url.ParseQuery(raw)
		p, err := ParamsFromURL(v)
		if err == nil {
			_, err = p.Request()
		}
		var pe *ParamError
		if !errors.As(err, &pe) {
			t.Errorf("%s: %v, want a *ParamError", raw, err)
		}
	}
}
