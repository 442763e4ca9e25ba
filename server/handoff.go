package server

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"jianbao/archive"
	"jianbao/live"
	"jianbao/query"
)

// The server's side of live ingest and backup: the endpoints through which
// other jianbao processes of this machine hand their work to the server
// that owns the index (package live is the client side).

// maxIngestBody is the largest ingest request: a list of paths.
const maxIngestBody = 4 << 20

// ErrForbidden reports an ingest request from another machine or without
// the server's token.
var ErrForbidden = errors.New("forbidden")

// Ingester brings an index up to date with files; archive.Archive is one.
type Ingester interface {
	Ingest(ctx context.Context, paths []string, opts archive.Options) (*archive.Summary, error)
}

// warmingIngester prepares searches after each ingest that changed the
// index; the index itself lets one ingest write at a time.
type warmingIngester struct {
	next Ingester
	log  *slog.Logger
}

// WarmAfterIngest returns an Ingester that runs the ingests of ing and,
// when ing can (archive.Archive), prepares searches for what each one changed
// before it returns, so that the first searches after it are not slow.
func WarmAfterIngest(ing Ingester, log *slog.Logger) Ingester {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &warmingIngester{next: ing, log: log}
}

func (s *warmingIngester) Ingest(ctx context.Context, paths []string, opts archive.Options) (*archive.Summary, error) {
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
// ingest left it (archive.Archive).
type warmer interface {
	Warm(context.Context) error
}

// ingest serves POST /api/ingest: only from the loopback interface, only
// with the server's token, only absolute paths. The summary is sent once the
// files are committed to the index: an acknowledged ingest is durable.
func (h *Handler) ingest(w http.ResponseWriter, r *http.Request) error {
	if err := h.fromOwner(r, "ingest", h.ingester != nil); err != nil {
		return err
	}
	var req live.IngestRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxIngestBody))
	if err := dec.Decode(&req); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return fmt.Errorf("ingest request over %d bytes: %w", maxIngestBody, ErrTooLarge)
		}
		return &query.ParamError{Param: "body", Msg: "want JSON {\"paths\": [...], \"prune\": false}: " + err.Error()}
	}
	if len(req.Paths) == 0 && !req.Prune {
		return &query.ParamError{Param: "paths", Msg: "no files to ingest"}
	}
	for _, p := range req.Paths {
		if !filepath.IsAbs(p) {
			return &query.ParamError{Param: "paths", Msg: fmt.Sprintf("%q is not an absolute path", p)}
		}
	}
	// A large archive takes longer than the server's write timeout.
	if err := http.NewResponseController(w).SetWriteDeadline(time.Time{}); err != nil {
		h.log.Debug("clear write deadline", "err", err)
	}
	sum, err := h.ingester.Ingest(r.Context(), req.Paths, archive.Options{Prune: req.Prune})
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
		return fmt.Errorf("%s needs the token in %s: %w", what, live.ServerInfoFile, ErrForbidden)
	}
	return nil
}

// Backuper copies an index while it is in use; *index.Index is one.
type Backuper interface {
	Backup(dest string) error
}

// backup serves POST /api/backup, under the rules of ingest: a consistent
// copy of the index into a new directory, answered once it is complete.
func (h *Handler) backup(w http.ResponseWriter, r *http.Request) error {
	if err := h.fromOwner(r, "backup", h.backuper != nil); err != nil {
		return err
	}
	var req live.BackupRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxIngestBody)).Decode(&req); err != nil {
		return &query.ParamError{Param: "body", Msg: "want JSON {\"dest\": \"/absolute/path\"}: " + err.Error()}
	}
	if !filepath.IsAbs(req.Dest) {
		return &query.ParamError{Param: "dest", Msg: fmt.Sprintf("%q is not an absolute path", req.Dest)}
	}
	// A large index takes longer than the server's write timeout.
	if err := http.NewResponseController(w).SetWriteDeadline(time.Time{}); err != nil {
		h.log.Debug("clear write deadline", "err", err)
	}
	if err := h.backuper.Backup(req.Dest); err != nil {
		return &query.ParamError{Param: "dest", Msg: err.Error()}
	}
	h.log.Info("index copied", "to", req.Dest)
	return writeJSON(w, http.StatusOK, req)
}
