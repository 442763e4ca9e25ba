package server

import (
	"bytes"
	"cmp"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"jianbao/index"
	"jianbao/ingest"
	"jianbao/query"
	"jianbao/report"
)

// Store is what the server needs from an index: searches, the stored
// records of issues and the list of issues (for trends and stats).
// *index.Index is one.
type Store interface {
	query.Searcher
	report.IssueLister
	// Issue returns the record of issue id with its articles and source
	// files, or an error wrapping index.ErrNotFound when there is none.
	Issue(ctx context.Context, id string) (*index.Issue, error)
	// FailedFiles lists the files that could not be ingested.
	FailedFiles() ([]index.FailedFile, error)
}

// Errors of the API, mapped to HTTP statuses by statusOf.
var (
	// ErrNotFound is index.ErrNotFound: no such issue, article or file.
	ErrNotFound = index.ErrNotFound
	// ErrTooLarge reports a URL or request body over the limits; a query
	// over its limit is query.ErrTooLarge.
	ErrTooLarge = errors.New("request too large")
	errMethod   = errors.New("method not allowed")
	// errHeaderTooLarge reports request headers over maxHeaderBytes.
	errHeaderTooLarge = errors.New("request headers too large")
)

// Timeouts and sizes of the HTTP server.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 10 * time.Second
	writeTimeout      = 60 * time.Second // a large PDF on a slow link
	idleTimeout       = 2 * time.Minute
	searchTimeout     = 10 * time.Second
	maxHeaderBytes    = 16 << 10
	maxURLBytes       = 8 << 10
	shutdownTimeout   = 10 * time.Second
)

// Options configure a Handler.
type Options struct {
	// Logger receives request errors (level Error) and each request (Debug);
	// nil discards.
	Logger *slog.Logger
	// SourceRoot is the directory against which relative source paths stored
	// in the index are resolved; "" means the working directory.
	SourceRoot string
	// Ingester, with Token, enables POST /api/ingest for processes of this
	// machine that present the token (see live.ServerInfo).
	Ingester Ingester
	Token    string
	// Backuper, with Token, enables POST /api/backup likewise.
	Backuper Backuper
	// SearchTimeout bounds each search, trend and stats request (10 s if
	// 0): a query that takes longer is answered 503.
	SearchTimeout time.Duration
	// ReadHeaderTimeout bounds the time a client has to send its request
	// headers on a server of NewServer (5 s if 0), so that slow clients
	// cannot hold connections.
	ReadHeaderTimeout time.Duration
	// AllowHosts are the host names or addresses, besides localhost and
	// the loopback addresses, that requests may name in their Host header
	// (any port), for a server behind a reverse proxy or reached from other
	// machines. Any other Host is answered 421.
	AllowHosts []string
}

// Handler serves the JSON API, the source files and the web page:
//
//	GET /api/search        search (Params as URL parameters)
//	GET /api/facets        facet counts of a search (all articles by default)
//	GET /api/articles/{id} an article with its issue's header fields
//	GET /api/issues/{id}   an issue's record
//	GET /api/trend         articles and issues per period of a search
//	GET /api/trend.svg     the same as a chart
//	GET /api/stats         the archive by year, section, district, body, theme; gaps
//	GET /api/cite          citations of articles (GB/T 7714, RIS, BibTeX, CSL-JSON)
//	GET /api/cite/search   citations of the hits of a search
//	GET /api/search.atom   a search as an Atom feed, articles indexed last first
//	GET /api/kwic          the concordance of a search (JSON or CSV)
//	GET /api/openapi.json  the OpenAPI 3 description of the above
//	GET /files/{issue_id}  the source file of an issue, as ingested
//	GET /healthz           liveness
//	GET /                  the web page
//	POST /api/ingest       ingest files (loopback and token only; see handoff.go)
//	POST /api/backup       copy the index into a new directory (likewise)
type Handler struct {
	store    Store
	log      *slog.Logger
	root     string
	ingester Ingester
	backuper Backuper
	token    string
	mux      *http.ServeMux
	// allowHosts are Options.AllowHosts as HostName gives them.
	allowHosts []string

	searchTimeout, readHeaderTimeout time.Duration
}

//go:embed web openapi.json
var assets embed.FS

// route is one endpoint; the OpenAPI document is checked against routes.
type route struct {
	method, path string
	handle       func(*Handler, http.ResponseWriter, *http.Request) error
}

var routes = []route{
	{"GET", "/api/search", (*Handler).search},
	{"GET", "/api/facets", (*Handler).facets},
	{"GET", "/api/articles/{id}", (*Handler).article},
	{"GET", "/api/issues/{id}", (*Handler).issue},
	{"GET", "/api/trend", (*Handler).trend},
	{"GET", "/api/trend.svg", (*Handler).trendSVG},
	{"GET", "/api/stats", (*Handler).stats},
	{"GET", "/api/cite", (*Handler).cite},
	{"GET", "/api/cite/search", (*Handler).citeSearch},
	{"GET", "/api/search.atom", (*Handler).feed},
	{"GET", "/api/kwic", (*Handler).kwic},
	{"GET", "/api/openapi.json", (*Handler).openapi},
	{"GET", "/files/{issue_id}", (*Handler).file},
	{"GET", "/healthz", (*Handler).healthz},
	{"POST", "/api/ingest", (*Handler).ingest},
	{"POST", "/api/backup", (*Handler).backup},
}

// NewHandler returns the handler of the API and web page over store.
func NewHandler(store Store, opts Options) *Handler {
	h := &Handler{store: store, log: opts.Logger, root: opts.SourceRoot, ingester: opts.Ingester,
		backuper: opts.Backuper, token: opts.Token, mux: http.NewServeMux(),
		searchTimeout: cmp.Or(opts.SearchTimeout, searchTimeout), readHeaderTimeout: cmp.Or(opts.ReadHeaderTimeout, readHeaderTimeout)}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	for _, a := range opts.AllowHosts {
		h.allowHosts = append(h.allowHosts, HostName(a))
	}
	for _, rt := range routes {
		h.mux.HandleFunc(rt.method+" "+rt.path, func(w http.ResponseWriter, r *http.Request) {
			if err := rt.handle(h, w, r); err != nil {
				h.writeError(w, r, err)
			}
		})
	}
	for _, prefix := range []string{"GET /api/", "GET /files/"} {
		h.mux.HandleFunc(prefix, func(w http.ResponseWriter, r *http.Request) {
			h.writeError(w, r, fmt.Errorf("no endpoint %s: %w", r.URL.Path, ErrNotFound))
		})
	}
	web, err := fs.Sub(assets, "web")
	if err != nil {
		panic(err) // the embedded directory is part of the binary
	}
	h.mux.Handle("GET /", pageHeaders(http.FileServerFS(web)))
	return h
}

// ServeHTTP rejects requests for another host with 421, writes from web
// pages of another origin with 403, oversized URLs with 413, and passes the
// rest on.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	if n := headerBytes(r); n > maxHeaderBytes {
		h.writeError(w, r, fmt.Errorf("request headers of %d bytes, over the limit of %d: %w", n, maxHeaderBytes, errHeaderTooLarge))
		return
	}
	if err := h.checkHost(r.Host); err != nil {
		h.writeError(w, r, err)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		if err := checkOrigin(r.Header.Get("Origin"), r.Host); err != nil {
			h.writeError(w, r, err)
			return
		}
	}
	if len(r.URL.RawQuery)+len(r.URL.Path) > maxURLBytes {
		h.writeError(w, r, fmt.Errorf("URL of %d bytes: %w", len(r.URL.RawQuery)+len(r.URL.Path), ErrTooLarge))
		return
	}
	if !utf8.ValidString(r.URL.Path) {
		// The file server of the page answers 500 to such a path.
		h.writeError(w, r, fmt.Errorf("no page %q: %w", r.URL.Path, ErrNotFound))
		return
	}
	if rt, ok := routeOf(r.URL.Path); ok && r.Method != rt.method && !(r.Method == http.MethodHead && rt.method == http.MethodGet) {
		w.Header().Set("Allow", rt.method)
		h.writeError(w, r, fmt.Errorf("%s wants %s: %w", rt.path, rt.method, errMethod))
		return
	}
	h.mux.ServeHTTP(w, r)
	h.log.Debug("request", "method", r.Method, "url", r.URL.String(), "took", time.Since(start))
}

// headerBytes returns the size of the request's header lines as sent,
// "Name: value\r\n" each, the Host line included; the request line is
// bounded by maxURLBytes instead.
func headerBytes(r *http.Request) int {
	n := 0
	if r.Host != "" {
		n += len("Host: \r\n") + len(r.Host)
	}
	for name, values := range r.Header {
		for _, v := range values {
			n += len(name) + len(": \r\n") + len(v)
		}
	}
	return n
}

// routeOf returns the route whose path pattern matches path, {name}
// matching one segment.
func routeOf(path string) (route, bool) {
	segs := strings.Split(path, "/")
	for _, rt := range routes {
		pat := strings.Split(rt.path, "/")
		if len(pat) != len(segs) {
			continue
		}
		match := true
		for i, p := range pat {
			if p != segs[i] && !(strings.HasPrefix(p, "{") && segs[i] != "") {
				match = false
				break
			}
		}
		if match {
			return rt, true
		}
	}
	return route{}, false
}

// pageHeaders adds the headers of the web page: no script, style or frame
// from elsewhere.
func pageHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}

// searchParamNames are the URL parameters of /api/search and /api/facets,
// those query.ParamsFromURL reads.
var searchParamNames = []string{"q", "district", "section", "org", "theme", "orgtype", "from", "to", "sort", "limit", "offset", "facets"}

// trendParamNames are the URL parameters of /api/trend and /api/trend.svg.
var trendParamNames = []string{"q", "district", "section", "org", "theme", "orgtype", "from", "to", "by", "split"}

func (h *Handler) search(w http.ResponseWriter, r *http.Request) error {
	p, err := query.ParamsFromURL(r.URL.Query())
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(r.Context(), h.searchTimeout)
	defer cancel()
	resp, err := query.Search(ctx, h.store, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, resp)
}

// facets answers with the counts of every facet over the articles a search
// matches (all articles when there are no parameters).
func (h *Handler) facets(w http.ResponseWriter, r *http.Request) error {
	p, err := query.ParamsFromURL(r.URL.Query())
	if err != nil {
		return err
	}
	if len(p.Facets) == 0 {
		p.Facets = query.FacetNames
	}
	p.Limit, p.Offset = 1, 0
	ctx, cancel := context.WithTimeout(r.Context(), h.searchTimeout)
	defer cancel()
	resp, err := query.Search(ctx, h.store, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, struct {
		Total  int `json:"total"`
		Facets any `json:"facets"`
	}{resp.Total, resp.Facets})
}

// issueIDPattern is the form of an issue id in a URL.
var issueIDPattern = regexp.MustCompile(`^\d{4}-(?:\d{3}|zk\d{2}|zengk\d{2})$`)

// lookupIssue validates id and fetches its issue.
func (h *Handler) lookupIssue(ctx context.Context, id string) (*index.Issue, error) {
	if !issueIDPattern.MatchString(id) {
		return nil, fmt.Errorf("no issue %q: %w", id, ErrNotFound)
	}
	iss, err := h.store.Issue(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("issue %s: %w", id, err)
	}
	return iss, nil
}

func (h *Handler) article(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	issueID, ok := report.ArticleIssueID(id)
	if !ok {
		return fmt.Errorf("no article %q: %w", id, ErrNotFound)
	}
	iss, err := h.lookupIssue(r.Context(), issueID)
	if err != nil {
		return err
	}
	v, err := report.FindArticle(iss, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

func (h *Handler) issue(w http.ResponseWriter, r *http.Request) error {
	iss, err := h.lookupIssue(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, iss)
}

// trendOf computes the trend of the search in the URL: its filters, and
// by (year, quarter or month; default year) and split (district, section).
func (h *Handler) trendOf(r *http.Request) (*report.Trend, error) {
	v := r.URL.Query()
	p, err := query.ParamsFromURL(v)
	if err != nil {
		return nil, err
	}
	by := v.Get("by")
	if by == "" {
		by = report.ByYear
	}
	ctx, cancel := context.WithTimeout(r.Context(), h.searchTimeout)
	defer cancel()
	return report.ComputeTrend(ctx, h.store, p, by, v.Get("split"))
}

func (h *Handler) trend(w http.ResponseWriter, r *http.Request) error {
	t, err := h.trendOf(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, t)
}

func (h *Handler) trendSVG(w http.ResponseWriter, r *http.Request) error {
	t, err := h.trendOf(r)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := report.WriteTrendSVG(&b, t); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	_, err = w.Write(b.Bytes())
	return err
}

func (h *Handler) stats(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), h.searchTimeout)
	defer cancel()
	st, err := report.ComputeStats(ctx, h.store)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, st)
}

func (h *Handler) openapi(w http.ResponseWriter, r *http.Request) error {
	doc, err := assets.ReadFile("openapi.json")
	if err != nil {
		return fmt.Errorf("read openapi document: %w", err)
	}
	w.Header().Set("Content-Type", "application/json")
	_, err = w.Write(doc)
	return err
}

func (h *Handler) healthz(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// file serves the source file of an issue. The path comes from the index
// record of the issue, never from the request: the request names an issue
// id, which must match the id pattern and be in the index. A TXT source is
// served decoded to UTF-8.
func (h *Handler) file(w http.ResponseWriter, r *http.Request) error {
	iss, err := h.lookupIssue(r.Context(), r.PathValue("issue_id"))
	if err != nil {
		return err
	}
	src := report.SourceOf(iss)
	path := src.Path
	if path == "" {
		return fmt.Errorf("issue %s has no source file: %w", iss.ID, ErrNotFound)
	}
	if !filepath.IsAbs(path) && h.root != "" {
		path = filepath.Join(h.root, path)
	}
	path, err = realSource(path)
	if errors.Is(err, errOutside) {
		h.log.Warn("source file of an ingested issue now leads outside its directory; not served", "issue", iss.ID, "path", src.Path)
		return fmt.Errorf("source of issue %s is not served: %w", iss.ID, ErrNotFound)
	}
	var f *os.File
	if err == nil {
		// O_NONBLOCK: a FIFO swapped in is not waited on; the check for a
		// regular file follows.
		f, err = os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	}
	if errors.Is(err, fs.ErrNotExist) {
		h.log.Warn("source file of an ingested issue is gone", "issue", iss.ID, "path", path)
		return fmt.Errorf("source of issue %s is no longer on the server: %w", iss.ID, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("open source of %s: %w", iss.ID, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("stat source of %s: %w", iss.ID, err)
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("source of %s is not a regular file: %w", iss.ID, ErrNotFound)
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	name := iss.ID + strings.ToLower(filepath.Ext(path))
	w.Header().Set("Content-Disposition", fmt.Sprintf("inline; filename=%q", name))
	if src.Format == ingest.FormatTXT {
		if st.Size() > ingest.DefaultMaxFileBytes {
			return fmt.Errorf("source of %s has grown to %d bytes, more than a bulletin: %w", iss.ID, st.Size(), ErrNotFound)
		}
		data, err := io.ReadAll(io.LimitReader(f, ingest.DefaultMaxFileBytes))
		if err != nil {
			return fmt.Errorf("read source of %s: %w", iss.ID, err)
		}
		text, _, err := ingest.Decode(data)
		if err != nil {
			return fmt.Errorf("decode source of %s: %w", iss.ID, err)
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		http.ServeContent(w, r, name, st.ModTime(), bytes.NewReader([]byte(text)))
		return nil
	}
	w.Header().Set("Content-Type", "application/pdf")
	http.ServeContent(w, r, name, st.ModTime(), f)
	return nil
}

// errOutside reports a source path that resolves outside its directory.
var errOutside = errors.New("source file resolves outside its directory")

// realSource resolves the symbolic links of path, the stored path of an
// ingested file. A link is followed only to a file in the directory that
// holds path or below it: a link swapped in for a bulletin and pointing
// elsewhere (/etc/passwd, another user's files) gives errOutside.
func realSource(path string) (string, error) {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", err
	}
	dir, err := filepath.EvalSymlinks(filepath.Dir(path))
	if err != nil {
		return "", err
	}
	real, err = filepath.Abs(real)
	if err != nil {
		return "", err
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if rel, err := filepath.Rel(dir, real); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", fmt.Errorf("%s: %w", path, errOutside)
	}
	return real, nil
}

// statusOf is the one table from errors to HTTP statuses and the message
// users see. Errors it does not know are internal: users get a generic
// message, the log gets the error.
func statusOf(err error) (status int, msg string, internal bool) {
	var se *query.SyntaxError
	var pe *query.ParamError
	var be *index.BadRequestError
	switch {
	case errors.As(err, &se):
		return http.StatusBadRequest, se.Error(), false
	case errors.As(err, &pe):
		return http.StatusBadRequest, pe.Error(), false
	case errors.As(err, &be):
		return http.StatusBadRequest, be.Error(), false
	case errors.Is(err, errHeaderTooLarge):
		return http.StatusRequestHeaderFieldsTooLarge, err.Error(), false
	case errors.Is(err, ErrMisdirected):
		return http.StatusMisdirectedRequest, err.Error(), false
	case errors.Is(err, errMethod):
		return http.StatusMethodNotAllowed, err.Error(), false
	case errors.Is(err, ErrForbidden):
		return http.StatusForbidden, err.Error(), false
	case errors.Is(err, ErrTooLarge), errors.Is(err, query.ErrTooLarge):
		return http.StatusRequestEntityTooLarge, err.Error(), false
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound, err.Error(), false
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, "the search took too long", false
	}
	return http.StatusInternalServerError, "internal error", true
}

// apiError is the JSON body of every error response.
type apiError struct {
	Error  string `json:"error"`
	Column int    `json:"column,omitempty"` // of a query syntax error, 1-based runes
}

func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, msg, internal := statusOf(err)
	if internal {
		if r.Context().Err() != nil {
			return // the client went away
		}
		h.log.Error("request failed", "method", r.Method, "url", r.URL.String(), "err", err)
	}
	body := apiError{Error: msg}
	var se *query.SyntaxError
	if errors.As(err, &se) {
		body.Column = se.Column
	}
	if werr := writeJSON(w, status, body); werr != nil {
		h.log.Debug("write error response", "err", werr)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, err := w.Write(b.Bytes())
	return err
}

// NewServer returns an HTTP server for h on addr with read and write
// timeouts and a header size limit; the header timeout is the one of the
// Options of h when h is a *Handler. net/http reads up to MaxHeaderBytes
// plus 4 KiB of request line and headers; the server's limit leaves room
// for a URL of maxURLBytes, and the Handler refuses headers over
// maxHeaderBytes itself (431).
func NewServer(addr string, h http.Handler) *http.Server {
	rht := readHeaderTimeout
	if hh, ok := h.(*Handler); ok {
		rht = hh.readHeaderTimeout
	}
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: rht,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes + maxURLBytes,
	}
}

// Serve runs srv on ln until ctx is cancelled (SIGTERM in the command),
// then shuts down gracefully: it stops accepting, lets requests in flight
// finish for up to ten seconds, and returns nil.
func Serve(ctx context.Context, srv *http.Server, ln net.Listener) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
