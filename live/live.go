// Package live is the client side of a running jianbao server. bleve
// allows one writer per index directory, so the server owns the index:
// `jianbao serve` opens it for writing and other jianbao processes hand
// their work to it over a loopback endpoint instead of opening the index
// themselves. The server records where it listens in ServerInfoFile in the
// index directory (mode 0600: only its user can read the token) while it
// runs; a process that finds the index in use calls FindServer and talks
// to the server with the Client it returns. In go an index directory; out
// come the answers of the server, in the types of packages index, query
// and report. The endpoints themselves are package server's; the request
// bodies they read are declared here, beside the client that sends them.
package live

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"jianbao/archive"
	"jianbao/index"
	"jianbao/query"
	"jianbao/report"
)

// ServerInfoFile is the name, in the index directory, of the file that
// tells other processes where the server that owns the index listens.
const ServerInfoFile = "serve.json"

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

// IngestRequest is the body of POST /api/ingest.
type IngestRequest struct {
	Paths []string `json:"paths"` // absolute paths of bulletin files
	Prune bool     `json:"prune"` // drop the files of the index that are gone
}

// BackupRequest is the body of POST /api/backup.
type BackupRequest struct {
	Dest string `json:"dest"` // absolute path of a directory that does not exist yet
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

// errorBody is the part of the server's JSON error answer that the client
// reads.
type errorBody struct {
	Error string `json:"error"`
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
		var e errorBody
		if json.Unmarshal(body, &e) != nil || e.Error == "" {
			e.Error = resp.Status
		}
		if resp.StatusCode == http.StatusNotFound {
			return fmt.Errorf("%s: %w", e.Error, index.ErrNotFound)
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
func (c *Client) Ingest(ctx context.Context, paths []string, prune bool) (*archive.Summary, error) {
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
	var sum archive.Summary
	if err := c.do(req, &sum); err != nil {
		return nil, err
	}
	return &sum, nil
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
func (c *Client) Search(ctx context.Context, p query.Params) (*query.Response, error) {
	var r query.Response
	if err := c.get(ctx, "/api/search", p.Values(), &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// Trend asks the server for the trend of p (GET /api/trend), as
// report.ComputeTrend computes it; paging, sort and facets of p are ignored.
func (c *Client) Trend(ctx context.Context, p query.Params, by, split string) (*report.Trend, error) {
	p.Limit, p.Offset, p.Sort, p.Facets = 0, 0, "", nil
	v := p.Values()
	if by != "" {
		v.Set("by", by)
	}
	if split != "" {
		v.Set("split", split)
	}
	var t report.Trend
	if err := c.get(ctx, "/api/trend", v, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// Stats asks the server for the overview of its archive (GET /api/stats),
// as report.ComputeStats computes it.
func (c *Client) Stats(ctx context.Context) (*report.Stats, error) {
	var st report.Stats
	if err := c.get(ctx, "/api/stats", nil, &st); err != nil {
		return nil, err
	}
	return &st, nil
}

// Issue fetches the record of an issue from the server; the error wraps
// index.ErrNotFound when it has none.
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

// Concordance asks the server for the concordance of p (GET /api/kwic), as
// report.ComputeConcordance computes it.
func (c *Client) Concordance(ctx context.Context, p report.KWICParams) (*report.Concordance, error) {
	v := p.Params.Values()
	v.Del("sort")
	v.Del("facets")
	for k, n := range map[string]int{"width": p.Width, "limit": p.Limit, "offset": p.Offset} {
		v.Del(k)
		if n != 0 {
			v.Set(k, strconv.Itoa(n))
		}
	}
	if p.Limit == 0 {
		v.Set("limit", strconv.Itoa(report.MaxKWICLines))
	}
	if p.Order != "" {
		v.Set("sort", p.Order)
	}
	var out report.Concordance
	if err := c.get(ctx, "/api/kwic", v, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
