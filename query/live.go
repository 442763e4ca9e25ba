package query

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"jianbao/index"
)

// Live ingest. bleve allows one writer per index directory, so the server
// owns the index: `jianbao serve` opens it for writing and other jianbao
// processes hand their work to it over a loopback endpoint instead of
// opening the index themselves. The server writes ServerInfoFile into the
// index directory (mode 0600: only its user can read the token) while it
// runs; a process that finds the index in use reads the file and talks to
// the server with a Client.

// ServerInfoFile is the name, in the index directory, of the file that
// tells other processes where the server that owns the index listens.
const ServerInfoFile = "serve.json"

// maxIngestBody is the largest ingest request: a list of paths.
const maxIngestBody = 4 << 20

// ErrForbidden reports an ingest request from another machine or without
// the server's token.
var ErrForbidden = errors.New("forbidden")

// Ingester brings an index up to date with files; *index.Index is one.
type Ingester interface {
	Ingest(ctx context.Context, paths []string, opts index.IngestOptions) (*index.Summary, error)
}

// warmingIngester prepares searches after each ingest that changed the
// index; the index itself lets one ingest write at a time.
type warmingIngester struct {
	next Ingester
	log  *slog.Logger
}

// WarmAfterIngest returns an Ingester that runs the ingests of ing and,
// when ing can (index.Index), prepares searches for what each one changed
// before it returns, so that the first searches after it are not slow.
func WarmAfterIngest(ing Ingester, log *slog.Logger) Ingester {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &warmingIngester{next: ing, log: log}
}

func (s *warmingIngester) Ingest(ctx context.Context, paths []string, opts index.IngestOptions) (*index.Summary, error) {
	sum, err := s.next.Ingest(ctx, paths, opts)
	if w, ok := s.next.(warmer); ok && sum != nil && sum.Added+sum.Updated+sum.Pruned > 0 {
		if werr := w.Warm(ctx); werr != nil {
			// Searches read what they need themselves: slower, not wrong.
			s.log.Warn("prepare searches after ingest", "err", werr)
		}
	}
	return sum, err
}

// warmer is an Ingester that can prepare searches for the index as an
// ingest left it (index.Index).
type warmer interface {
	Warm(context.Context) error
}

// IngestRequest is the body of POST /api/ingest.
type IngestRequest struct {
	Paths []string `json:"paths"` // absolute paths of bulletin files
	Prune bool     `json:"prune"` // drop the files of the index that are gone
}

// ingest serves POST /api/ingest: only from the loopback interface, only
// with the server's token, only absolute paths. The summary is sent once the
// files are committed to the index: an acknowledged ingest is durable.
func (h *Handler) ingest(w http.ResponseWriter, r *http.Request) error {
	if err := h.fromOwner(r, "ingest", h.ingester != nil); err != nil {
		return err
	}
	var req IngestRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxIngestBody))
	if err := dec.Decode(&req); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return fmt.Errorf("ingest request over %d bytes: %w", maxIngestBody, ErrTooLarge)
		}
		return &ParamError{"body", "want JSON {\"paths\": [...], \"prune\": false}: " + err.Error()}
	}
	if len(req.Paths) == 0 && !req.Prune {
		return &ParamError{"paths", "no files to ingest"}
	}
	for _, p := range req.Paths {
		if !filepath.IsAbs(p) {
			return &ParamError{"paths", fmt.Sprintf("%q is not an absolute path", p)}
		}
	}
	// A large archive takes longer than the server's write timeout.
	if err := http.NewResponseController(w).SetWriteDeadline(time.Time{}); err != nil {
		h.log.Debug("clear write deadline", "err", err)
	}
	sum, err := h.ingester.Ingest(r.Context(), req.Paths, index.IngestOptions{Prune: req.Prune})
	if err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	h.log.Info("ingested", "added", sum.Added, "updated", sum.Updated, "unchanged", sum.Unchanged, "failed", sum.Failed)
	return writeJSON(w, http.StatusOK, sum)
}

// fromOwner checks a request to an endpoint that writes (what): it must be
// enabled, come over the loopback interface, and carry the server's token.
func (h *Handler) fromOwner(r *http.Request, what string, enabled bool) error {
	if !enabled || h.token == "" {
		return fmt.Errorf("%s is not enabled on this server: %w", what, ErrNotFound)
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("%s is accepted from this machine only: %w", what, ErrForbidden)
	}
	want := "Bearer " + h.token
	if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte(want)) != 1 {
		return fmt.Errorf("%s needs the token in %s: %w", what, ServerInfoFile, ErrForbidden)
	}
	return nil
}

// Backuper copies an index while it is in use; *index.Index is one.
type Backuper interface {
	Backup(dest string) error
}

// BackupRequest is the body of POST /api/backup.
type BackupRequest struct {
	Dest string `json:"dest"` // absolute path of a directory that does not exist yet
}

// backup serves POST /api/backup, under the rules of ingest: a consistent
// copy of the index into a new directory, answered once it is complete.
func (h *Handler) backup(w http.ResponseWriter, r *http.Request) error {
	if err := h.fromOwner(r, "backup", h.backuper != nil); err != nil {
		return err
	}
	var req BackupRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxIngestBody)).Decode(&req); err != nil {
		return &ParamError{"body", "want JSON {\"dest\": \"/absolute/path\"}: " + err.Error()}
	}
	if !filepath.IsAbs(req.Dest) {
		return &ParamError{"dest", fmt.Sprintf("%q is not an absolute path", req.Dest)}
	}
	// A large index takes longer than the server's write timeout.
	if err := http.NewResponseController(w).SetWriteDeadline(time.Time{}); err != nil {
		h.log.Debug("clear write deadline", "err", err)
	}
	if err := h.backuper.Backup(req.Dest); err != nil {
		return &ParamError{"dest", err.Error()}
	}
	h.log.Info("index copied", "to", req.Dest)
	return writeJSON(w, http.StatusOK, req)
}

// Backup asks the server to copy its index into dest (made absolute here),
// a directory that must not exist yet, and returns once the copy is
// complete.
func (c *Client) Backup(ctx context.Context, dest string) error {
	abs, err := filepath.Abs(dest)
	if err != nil {
		return fmt.Errorf("backup to %s: %w", dest, err)
	}
	body, err := json.Marshal(BackupRequest{Dest: abs})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL+"/api/backup", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	req.Header.Set("Content-Type", "application/json")
	var out BackupRequest
	return c.do(req, &out)
}

// ServerInfo tells other processes where the server that owns an index
// listens and the token its ingest endpoint wants.
type ServerInfo struct {
	PID   int    `json:"pid"`
	URL   string `json:"url"` // http://127.0.0.1:PORT
	Token string `json:"token"`
}

// WriteServerInfo records info in the index directory dir, readable by its
// owner only. The server removes it with RemoveServerInfo when it stops.
func WriteServerInfo(dir string, info ServerInfo) error {
	data, err := json.Marshal(info)
	if err != nil {
		return fmt.Errorf("write server info: %w", err)
	}
	tmp := filepath.Join(dir, ServerInfoFile+".tmp")
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return fmt.Errorf("write server info: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, ServerInfoFile)); err != nil {
		return fmt.Errorf("write server info: %w", err)
	}
	return nil
}

// RemoveServerInfo removes the server info of dir if it is the one of
// process pid.
func RemoveServerInfo(dir string, pid int) error {
	info, err := readServerInfo(dir)
	if err != nil || info.PID != pid {
		return nil
	}
	return os.Remove(filepath.Join(dir, ServerInfoFile))
}

func readServerInfo(dir string) (*ServerInfo, error) {
	data, err := os.ReadFile(filepath.Join(dir, ServerInfoFile))
	if err != nil {
		return nil, err
	}
	var info ServerInfo
	if err := json.Unmarshal(data, &info); err != nil {
		return nil, fmt.Errorf("read %s: %w", ServerInfoFile, err)
	}
	return &info, nil
}

// ErrNoServer reports that no running server owns an index.
var ErrNoServer = errors.New("no jianbao server owns the index")

// FindServer returns a client of the server that owns the index in dir, or
// an error wrapping ErrNoServer when there is none (no info file, or its
// process is gone).
func FindServer(dir string) (*Client, error) {
	info, err := readServerInfo(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", dir, ErrNoServer)
	}
	if err != nil {
		return nil, err
	}
	if info.PID <= 0 || syscall.Kill(info.PID, 0) == syscall.ESRCH {
		return nil, fmt.Errorf("%s: the server (process %d) is gone: %w", dir, info.PID, ErrNoServer)
	}
	u, err := url.Parse(info.URL)
	if err != nil || u.Scheme != "http" {
		return nil, fmt.Errorf("%s: bad server URL %q", ServerInfoFile, info.URL)
	}
	return &Client{URL: strings.TrimSuffix(info.URL, "/"), Token: info.Token, PID: info.PID}, nil
}

// Client talks to a jianbao server.
type Client struct {
	URL   string // base URL, without a final slash
	Token string // for ingest
	PID   int    // of the server, when known
	HTTP  *http.Client
}

func (c *Client) http() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return http.DefaultClient
}

// do sends a request and decodes the JSON answer into v; an error answer
// becomes an error carrying the server's message.
func (c *Client) do(req *http.Request, v any) error {
	resp, err := c.http().Do(req)
	if err != nil {
		return fmt.Errorf("ask the server at %s: %w", c.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("read answer of %s: %w", c.URL, err)
	}
	if resp.StatusCode != http.StatusOK {
		var e apiError
		if json.Unmarshal(body, &e) != nil || e.Error == "" {
			e.Error = resp.Status
		}
		if resp.StatusCode == http.StatusNotFound {
			return fmt.Errorf("%s: %w", e.Error, ErrNotFound)
		}
		return fmt.Errorf("server at %s: %s", c.URL, e.Error)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("decode answer of %s: %w", c.URL, err)
	}
	return nil
}

// Ingest asks the server to ingest paths (made absolute here) and returns
// its summary once they are committed.
func (c *Client) Ingest(ctx context.Context, paths []string, prune bool) (*index.Summary, error) {
	abs := make([]string, len(paths))
	for i, p := range paths {
		a, err := filepath.Abs(p)
		if err != nil {
			return nil, fmt.Errorf("ingest %s: %w", p, err)
		}
		abs[i] = a
	}
	body, err := json.Marshal(IngestRequest{Paths: abs, Prune: prune})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL+"/api/ingest", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.Token)
	var sum index.Summary
	if err := c.do(req, &sum); err != nil {
		return nil, err
	}
	return &sum, nil
}

// urlValues returns p as the URL parameters of the API.
func (p Params) urlValues() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"q": p.Q, "district": p.District, "section": p.Section, "org": p.Org,
		"theme": p.Theme, "orgtype": p.OrgType, "from": p.From, "to": p.To, "sort": p.Sort, "facets": strings.Join(p.Facets, ",")} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if p.Limit != 0 {
		v.Set("limit", strconv.Itoa(p.Limit))
	}
	if p.Offset != 0 {
		v.Set("offset", strconv.Itoa(p.Offset))
	}
	return v
}

// get sends GET path?v and decodes the JSON answer into out.
func (c *Client) get(ctx context.Context, path string, v url.Values, out any) error {
	u := c.URL + path
	if len(v) > 0 {
		u += "?" + v.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	return c.do(req, out)
}

// Search runs a search on the server.
func (c *Client) Search(ctx context.Context, p Params) (*Response, error) {
	var r Response
	if err := c.get(ctx, "/api/search", p.urlValues(), &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// Trend asks the server for the trend of p (GET /api/trend), as
// ComputeTrend computes it; paging, sort and facets of p are ignored.
func (c *Client) Trend(ctx context.Context, p Params, by, split string) (*Trend, error) {
	p.Limit, p.Offset, p.Sort, p.Facets = 0, 0, "", nil
	v := p.urlValues()
	if by != "" {
		v.Set("by", by)
	}
	if split != "" {
		v.Set("split", split)
	}
	var t Trend
	if err := c.get(ctx, "/api/trend", v, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// Stats asks the server for the overview of its archive (GET /api/stats),
// as ComputeStats computes it.
func (c *Client) Stats(ctx context.Context) (*Stats, error) {
	var st Stats
	if err := c.get(ctx, "/api/stats", nil, &st); err != nil {
		return nil, err
	}
	return &st, nil
}

// Issue fetches the record of an issue from the server; the error wraps
// ErrNotFound when it has none.
func (c *Client) Issue(ctx context.Context, id string) (*index.Issue, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.URL+"/api/issues/"+url.PathEscape(id), nil)
	if err != nil {
		return nil, err
	}
	var iss index.Issue
	if err := c.do(req, &iss); err != nil {
		return nil, err
	}
	return &iss, nil
}
