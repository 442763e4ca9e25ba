package query

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"jianbao/index"
	"jianbao/ingest"
)

// Limits on paging, the same for the command line and the HTTP API.
const (
	DefaultLimit = 10
	MaxLimit     = 1000
	MaxOffset    = 10000
)

// ErrTooLarge reports a query longer than MaxQueryBytes.
var ErrTooLarge = errors.New("request too large")

// FacetNames are the facets a search can count.
var FacetNames = []string{"district", "section", "org", "theme", "year", "orgtype", "organisation"}

// Params is a search as users state it, on the command line or in the URL:
// a query in the language of Parse plus filters that narrow it.
type Params struct {
	Q        string   // query; empty matches every article
	District string   // full or short form, or 经开区
	Section  string   // section heading, with or without 【】
	Org      string   // reporting body (source_org), exactly
	Theme    string   // theme of the taxonomy
	OrgType  string   // type of an organisation the article names (ingest.OrgTypes)
	From, To string   // dates: YYYY, YYYY-MM or YYYY-MM-DD, inclusive
	Sort     string   // "relevance" (default), "date", "-date" or "-indexed" (indexed last first)
	Limit    int      // 0 means DefaultLimit
	Offset   int      //
	Facets   []string // from FacetNames
}

// ParamError is an invalid parameter of a search.
type ParamError struct {
	Param string // name of the parameter, as in the URL
	Msg   string
}

func (e *ParamError) Error() string { return e.Param + ": " + e.Msg }

// Request turns p into an index request with snippets. It returns a
// *SyntaxError for a malformed query and a *ParamError for a bad filter,
// sort order, limit, offset or facet name, and ErrTooLarge for a query
// longer than MaxQueryBytes.
func (p Params) Request() (index.Request, error) {
	if len(p.Q) > MaxQueryBytes {
		return index.Request{}, fmt.Errorf("query of %d bytes, the limit is %d: %w", len(p.Q), MaxQueryBytes, ErrTooLarge)
	}
	expr, err := Parse(p.Q)
	if err != nil {
		return index.Request{}, err
	}
	filters := index.And{}
	if _, ok := expr.(index.All); !ok {
		filters = append(filters, expr)
	}
	if v := strings.TrimSpace(p.District); v != "" {
		d, ok := District(v)
		if !ok {
			return index.Request{}, &ParamError{"district", fmt.Sprintf("unknown district %q: want one of Beijing's 16 districts (海淀区 or 海淀) or 经开区", v)}
		}
		filters = append(filters, index.Field{Name: "district", Value: d})
	}
	if v := strings.Trim(strings.TrimSpace(p.Section), "【】[]"); v != "" {
		filters = append(filters, index.Field{Name: "section", Value: v})
	}
	if v := strings.TrimSpace(p.Org); v != "" {
		filters = append(filters, index.Field{Name: "org", Value: v})
	}
	if v := strings.TrimSpace(p.Theme); v != "" {
		filters = append(filters, index.Field{Name: "theme", Value: v})
	}
	if v := strings.TrimSpace(p.OrgType); v != "" {
		if !slices.Contains(ingest.OrgTypes, v) {
			return index.Request{}, &ParamError{"orgtype", fmt.Sprintf("unknown organisation type %q: want one of %s", v, strings.Join(ingest.OrgTypes, " "))}
		}
		filters = append(filters, index.Field{Name: "orgtype", Value: v})
	}
	if p.From != "" || p.To != "" {
		var from, to string
		if p.From != "" {
			if from, _, err = dateBounds(ingest.Fold(strings.TrimSpace(p.From))); err != nil {
				return index.Request{}, &ParamError{"from", err.Error()}
			}
		}
		if p.To != "" {
			if _, to, err = dateBounds(ingest.Fold(strings.TrimSpace(p.To))); err != nil {
				return index.Request{}, &ParamError{"to", err.Error()}
			}
		}
		if from != "" && to != "" && from > to {
			return index.Request{}, &ParamError{"to", fmt.Sprintf("%s is before from %s", p.To, p.From)}
		}
		filters = append(filters, dateExpr(from, to))
	}
	req := index.Request{Limit: p.Limit, Offset: p.Offset, Snippets: true}
	switch len(filters) {
	case 0:
		req.Expr = index.All{}
	case 1:
		req.Expr = filters[0]
	default:
		req.Expr = flattenAnd(filters)
	}
	switch p.Sort {
	case "", index.SortRelevance:
		req.Sort = index.SortRelevance
	case index.SortDate, index.SortDateDesc, index.SortIndexedDesc:
		req.Sort = p.Sort
	default:
		return index.Request{}, &ParamError{"sort", fmt.Sprintf("unknown order %q: want relevance, date, -date or -indexed", p.Sort)}
	}
	switch {
	case p.Limit < 0 || p.Limit > MaxLimit:
		return index.Request{}, &ParamError{"limit", fmt.Sprintf("%d is out of range 1..%d", p.Limit, MaxLimit)}
	case p.Limit == 0:
		req.Limit = DefaultLimit
	}
	if p.Offset < 0 || p.Offset > MaxOffset {
		return index.Request{}, &ParamError{"offset", fmt.Sprintf("%d is out of range 0..%d", p.Offset, MaxOffset)}
	}
	for _, f := range p.Facets {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !slices.Contains(FacetNames, f) {
			return index.Request{}, &ParamError{"facets", fmt.Sprintf("unknown facet %q: want some of %s", f, strings.Join(FacetNames, ","))}
		}
		if !slices.Contains(req.Facets, f) {
			req.Facets = append(req.Facets, f)
		}
	}
	return req, nil
}

// flattenAnd merges nested Ands into one, so that a Not of the query stands
// beside the filters.
func flattenAnd(terms index.And) index.And {
	var out index.And
	for _, t := range terms {
		if a, ok := t.(index.And); ok {
			out = append(out, flattenAnd(a)...)
			continue
		}
		out = append(out, t)
	}
	// All beside other terms adds nothing.
	if len(out) > 1 {
		out = slices.DeleteFunc(out, func(e index.Expr) bool { _, ok := e.(index.All); return ok })
		if len(out) == 0 || allNot(out) {
			out = append(index.And{index.All{}}, out...)
		}
	}
	return out
}

func allNot(terms index.And) bool {
	for _, t := range terms {
		if _, ok := t.(index.Not); !ok {
			return false
		}
	}
	return true
}

// Response is the JSON answer to a search, the same from `jianbao search
// --format json` and GET /api/search.
type Response struct {
	Total  int                           `json:"total"`
	TookMS float64                       `json:"took_ms"`
	Hits   []index.Hit                   `json:"hits"`
	Facets map[string][]index.FacetCount `json:"facets"`
}

// Searcher runs searches; *index.Index is one.
type Searcher interface {
	Search(ctx context.Context, req index.Request) (*index.Result, error)
}

// Search parses p and runs it on s.
func Search(ctx context.Context, s Searcher, p Params) (*Response, error) {
	req, err := p.Request()
	if err != nil {
		return nil, err
	}
	res, err := s.Search(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return NewResponse(res), nil
}

// NewResponse converts an index result to its JSON form: hits and facets are
// never null, snippets never null.
func NewResponse(res *index.Result) *Response {
	r := &Response{
		Total:  res.Total,
		TookMS: math.Round(float64(res.Took.Microseconds())) / 1000,
		Hits:   res.Hits,
		Facets: res.Facets,
	}
	if r.Hits == nil {
		r.Hits = []index.Hit{}
	}
	for i := range r.Hits {
		if r.Hits[i].Snippets == nil {
			r.Hits[i].Snippets = []string{}
		}
	}
	if r.Facets == nil {
		r.Facets = map[string][]index.FacetCount{}
	}
	return r
}
