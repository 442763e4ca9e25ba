package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"jianbao/query"
	"jianbao/report"
)

// The researchers' endpoints: citations, feeds and the concordance.

// citeParamNames are the URL parameters of /api/cite; the result-set
// variant /api/cite/search reads searchParamNames and format.
var citeParamNames = []string{"ids", "format"}

// kwicParamNames are the URL parameters of /api/kwic.
var kwicParamNames = []string{"q", "district", "section", "org", "theme", "orgtype", "from", "to", "width", "sort", "limit", "offset", "format"}

// feedParamNames are the URL parameters of /api/search.atom.
var feedParamNames = []string{"q", "district", "section", "org", "theme", "orgtype", "from", "to", "limit"}

// baseURL is the address the client reached the server at, for links.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// citeFormat reads the format parameter of a citation request.
func citeFormat(v url.Values) (string, error) {
	f := v.Get("format")
	if f == "" {
		return report.FormatGBT7714, nil
	}
	for _, c := range report.CiteFormats {
		if f == c {
			return f, nil
		}
	}
	return "", &query.ParamError{Param: "format", Msg: fmt.Sprintf("unknown citation format %q: want %s", f, strings.Join(report.CiteFormats, ", "))}
}

// cite answers GET /api/cite?ids=A,B&format=F with the citations of the
// articles A, B in format F (gbt7714 by default).
func (h *Handler) cite(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	format, err := citeFormat(v)
	if err != nil {
		return err
	}
	var ids []string
	for _, s := range v["ids"] {
		for _, id := range strings.Split(s, ",") {
			if id = strings.TrimSpace(id); id != "" {
				ids = append(ids, id)
			}
		}
	}
	if len(ids) == 0 {
		return &query.ParamError{Param: "ids", Msg: "name at least one article id, such as 2021-014-02"}
	}
	refs, err := report.References(r.Context(), h.store, ids, baseURL(r))
	if err != nil {
		return err
	}
	return writeCitations(w, refs, format)
}

// citeSearch answers GET /api/cite/search with the citations of the hits
// of a search (its parameters as for /api/search; up to MaxLimit hits, all
// of them by default).
func (h *Handler) citeSearch(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	format, err := citeFormat(v)
	if err != nil {
		return err
	}
	p, err := query.ParamsFromURL(v)
	if err != nil {
		return err
	}
	if p.Limit == 0 {
		p.Limit = query.MaxLimit
	}
	p.Facets = nil
	ctx, cancel := context.WithTimeout(r.Context(), h.searchTimeout)
	defer cancel()
	resp, err := query.Search(ctx, h.store, p)
	if err != nil {
		return err
	}
	refs, err := report.References(ctx, h.store, report.HitIDs(resp), baseURL(r))
	if err != nil {
		return err
	}
	return writeCitations(w, refs, format)
}

func writeCitations(w http.ResponseWriter, refs []report.Reference, format string) error {
	var b bytes.Buffer
	if err := report.WriteCitations(&b, refs, format); err != nil {
		return err
	}
	w.Header().Set("Content-Type", report.CiteContentType(format))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Disposition", fmt.Sprintf("inline; filename=%q", "jianbao-citations"+report.CiteFileExt(format)))
	_, err := w.Write(b.Bytes())
	return err
}

// feed answers GET /api/search.atom: the search as an Atom feed, the
// articles indexed last first (DefaultFeedLimit of them by default).
func (h *Handler) feed(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	p, err := query.ParamsFromURL(v)
	if err != nil {
		return err
	}
	p = report.FeedParams(p)
	ctx, cancel := context.WithTimeout(r.Context(), h.searchTimeout)
	defer cancel()
	resp, err := query.Search(ctx, h.store, p)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := report.WriteFeed(&b, resp, p, baseURL(r)); err != nil {
		return err
	}
	// Feed readers poll: an unchanged feed is answered 304 to a request
	// with its ETag (If-None-Match).
	sum := sha256.Sum256(b.Bytes())
	w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:16])+`"`)
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(b.Bytes()))
	return nil
}

// kwicFromURL reads a concordance request from URL parameters.
func kwicFromURL(v url.Values) (report.KWICParams, error) {
	p, err := query.ParamsFromURL(v)
	if err != nil {
		return report.KWICParams{}, err
	}
	kp := report.KWICParams{Params: p, Order: v.Get("sort"), Limit: p.Limit, Offset: p.Offset}
	kp.Params.Sort, kp.Params.Limit, kp.Params.Offset = "", 0, 0
	if s := v.Get("width"); s != "" {
		if kp.Width, err = strconv.Atoi(s); err != nil {
			return kp, &query.ParamError{Param: "width", Msg: fmt.Sprintf("%q is not a number", s)}
		}
	}
	if kp.Limit == 0 {
		kp.Limit = DefaultKWICLimit
	}
	return kp, nil
}

// DefaultKWICLimit is the number of concordance lines the API returns when
// the request does not say.
const DefaultKWICLimit = 1000

// kwic answers GET /api/kwic with the concordance of a search as JSON, or
// with format=csv as CSV (every line, or limit of them).
func (h *Handler) kwic(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	p, err := kwicFromURL(v)
	if err != nil {
		return err
	}
	format := v.Get("format")
	if format != "" && format != "json" && format != "csv" {
		return &query.ParamError{Param: "format", Msg: fmt.Sprintf("unknown format %q: want json or csv", format)}
	}
	if format == "csv" && v.Get("limit") == "" {
		p.Limit = 0 // an export: every line
	}
	ctx, cancel := context.WithTimeout(r.Context(), h.searchTimeout)
	defer cancel()
	c, err := report.ComputeConcordance(ctx, h.store, p)
	if err != nil {
		return err
	}
	if format != "csv" {
		return writeJSON(w, http.StatusOK, c)
	}
	var b bytes.Buffer
	if err := report.WriteKWICCSV(&b, c); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Disposition", `attachment; filename="jianbao-kwic.csv"`)
	_, err = w.Write(b.Bytes())
	return err
}
