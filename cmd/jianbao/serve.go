package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	"jianbao/archive"
	"jianbao/index"
	"jianbao/live"
	"jianbao/server"
	"jianbao/worker"
)

type serveOptions struct {
	index    string
	addr     string
	watch    []string
	interval time.Duration
	read     readerOptions
	readOnly bool
	hosts    []string // --allow-host
	pprof    string   // --pprof: loopback address of Go's profiles
}

func newServeCmd(a *app) *cobra.Command {
	opts := serveOptions{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the search page and the JSON API over HTTP",
		Long: `serve answers searches over HTTP: a web page at / for people who would rather
click than type, and a JSON API for scripts (GET /api/search?q=…, with the
filters of 'jianbao search'; /api/articles/ID, /api/issues/ID, /api/facets,
/files/ISSUE_ID for the source file, /healthz; the OpenAPI description is at
/api/openapi.json). It listens on 127.0.0.1:8080 unless --addr says otherwise,
and stops gracefully on Ctrl-C or SIGTERM, letting requests in flight finish.

The server owns the index while it runs (bleve allows one writer per index):
'jianbao ingest' run meanwhile, by hand or from cron, hands its files to the
server over the loopback interface instead of opening the index, and
'jianbao search' and 'jianbao show' ask the server. The address and a token
are in serve.json in the index directory, readable by this user only.
With --watch DIR the server also ingests new and changed bulletins under DIR
itself, every --watch-interval: they are searchable seconds after they
appear, without a restart. A file that fails is not read again until it
changes; jianbao stats and /api/stats list the failed files with the reason.
Files are read in worker processes, as by jianbao ingest (--workers,
--max-memory, --max-cpu, --max-time): no file can take the server down.

With --read-only the server only reads the index: it takes no ingest, writes
nothing into the index directory, and several such servers may serve one
index, a copy made by 'jianbao backup' for instance.

The server answers only requests addressed to localhost, a loopback address
(127.0.0.0/8, [::1]), 0.0.0.0 or [::], or the host of --addr, so that a web
page of another site cannot read the archive through a browser by pointing
its own name at this machine (DNS rebinding); any other Host gets 421
Misdirected Request. Behind a reverse proxy, or reached by name from other
machines, list each name the clients use with --allow-host.`,
		Example: `  jianbao serve
  jianbao serve --index /srv/jianbao-data --addr :8080
  jianbao serve --watch /srv/bulletins
  jianbao serve --read-only --index /srv/replica --addr :8081
  jianbao serve --addr :8080 --allow-host jianbao.example.org --allow-host 192.0.2.7
  curl 'http://127.0.0.1:8080/api/search?q=垃圾分类&district=海淀&limit=5'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runServe(cmd.Context(), a, opts)
		},
	}
	addIndexFlag(cmd.Flags(), &opts.index)
	cmd.Flags().StringVar(&opts.addr, "addr", "127.0.0.1:8080", "address to listen on, host:port")
	cmd.Flags().StringArrayVar(&opts.watch, "watch", nil, "ingest new and changed bulletins under `DIR` while serving (repeatable)")
	cmd.Flags().DurationVar(&opts.interval, "watch-interval", 2*time.Second, "how often --watch looks for new files")
	addReaderFlags(cmd.Flags(), &opts.read)
	cmd.Flags().StringVar(&opts.pprof, "pprof", "", "serve Go's profiles (heap, CPU) at loopback `ADDR`, e.g. 127.0.0.1:6060, under /debug/pprof/")
	cmd.Flags().BoolVar(&opts.readOnly, "read-only", false, "only read the index: no ingest, no --watch; several servers may share it")
	cmd.Flags().StringArrayVar(&opts.hosts, "allow-host", nil, "also answer requests for host `NAME` (a name or address; repeatable), besides localhost and loopback addresses")
	return cmd
}

// runServe serves the index until ctx is cancelled, owning it: other
// jianbao processes reach it through the server.
func runServe(ctx context.Context, a *app, opts serveOptions) error {
	if opts.interval < 100*time.Millisecond {
		return usageError{fmt.Errorf("--watch-interval %v is too short", opts.interval)}
	}
	if err := opts.read.check(); err != nil {
		return err
	}
	if opts.readOnly && len(opts.watch) > 0 {
		return usageError{errors.New("--read-only and --watch exclude each other: a read-only server ingests nothing")}
	}
	for _, h := range opts.hosts {
		if name := server.HostName(h); name == "" || strings.ContainsAny(name, "/ *") {
			return usageError{fmt.Errorf("--allow-host %q is not a host name or address", h)}
		}
	}
	dir := indexDir(opts.index)
	var ix *index.Index
	var pool *worker.Pool
	if opts.readOnly {
		var err error
		if ix, err = index.Open(dir, index.Options{Logger: a.log, ReadOnly: true, Command: "jianbao serve --read-only"}); err != nil {
			return err
		}
	} else {
		var err error
		opts.read.ocrCache = cmp.Or(opts.read.ocrCache, filepath.Join(dir, index.OCRCacheName))
		if pool, err = newPool(a, opts.read, nil); err != nil {
			return err
		}
		defer pool.Close()
		ix, err = openOwned(ctx, dir, index.Options{Logger: a.log, Create: len(opts.watch) > 0, Command: "jianbao serve"})
		if err != nil {
			return err
		}
	}
	defer ix.Close()
	// Searches read what they need themselves until it is ready; it ends
	// before the index closes.
	var warming sync.WaitGroup
	warming.Go(func() {
		t0 := time.Now()
		if err := ix.Warm(ctx); err != nil {
			if ctx.Err() == nil {
				a.log.Warn("prepare searches", "err", err)
			}
			return
		}
		fitGCToServing(a.log)
		a.log.Debug("searches prepared", "took", time.Since(t0).Round(time.Millisecond))
	})
	defer warming.Wait()
	ln, err := net.Listen("tcp", opts.addr)
	if err != nil {
		var oe *net.OpError
		if errors.As(err, &oe) && oe.Op == "listen" {
			return usageError{fmt.Errorf("cannot listen on %s: %w (is another server running? choose another --addr)", opts.addr, err)}
		}
		return fmt.Errorf("listen on %s: %w", opts.addr, err)
	}
	url := "http://" + ln.Addr().String()
	if opts.pprof != "" {
		stop, err := startPprof(opts.pprof, a.log)
		if err != nil {
			ln.Close()
			return err
		}
		defer stop()
	}
	hopts := server.Options{Logger: a.log, AllowHosts: allowedHosts(opts)}
	var ing server.Ingester // of a server that owns the index
	if !opts.readOnly {
		// The owner: other jianbao processes hand it their work.
		ing = server.WarmAfterIngest(archive.Archive{Index: ix, Reader: pool, Logger: a.log}, a.log)
		token, err := newToken()
		if err != nil {
			ln.Close()
			return err
		}
		hopts.Ingester, hopts.Backuper, hopts.Token = ing, ix, token
		if err := live.WriteServerInfo(dir, live.ServerInfo{PID: os.Getpid(), URL: loopbackURL(ln.Addr()), Token: token}); err != nil {
			ln.Close()
			return err
		}
		defer live.RemoveServerInfo(dir, os.Getpid())
	}
	h := server.NewHandler(ix, hopts)
	fmt.Fprintf(a.out, "jianbao: serving %s at %s/ (Ctrl-C to stop)\n", dir, url)
	// The server and the watcher end together, and both before the index
	// closes.
	g, gctx := errgroup.WithContext(ctx)
	if len(opts.watch) > 0 {
		g.Go(func() error {
			archive.Watch(gctx, ing, opts.watch, opts.interval, func(sum *archive.Summary, err error) {
				reportWatch(a, opts.watch, sum, err)
			})
			return nil
		})
	}
	g.Go(func() error { return server.Serve(gctx, server.NewServer(opts.addr, h), ln) })
	if err := g.Wait(); err != nil {
		return err
	}
	a.log.Info("server stopped")
	return nil
}

// allowedHosts returns the hosts the server answers to besides the
// loopback ones: those of --allow-host, and the host of --addr when it
// names one (not an unspecified address such as :8080 or 0.0.0.0:8080).
func allowedHosts(opts serveOptions) []string {
	hosts := opts.hosts
	if host, _, err := net.SplitHostPort(opts.addr); err == nil && host != "" {
		if ip := net.ParseIP(host); ip == nil || !ip.IsUnspecified() {
			hosts = append(hosts[:len(hosts):len(hosts)], host)
		}
	}
	return hosts
}

// openOwned opens the index for writing, waiting up to ten seconds for a
// writer that holds it (an ingest finishing) to let go.
func openOwned(ctx context.Context, dir string, opts index.Options) (*index.Index, error) {
	deadline := time.Now().Add(10 * time.Second)
	for {
		ix, err := index.Open(dir, opts)
		var inUse *index.InUseError
		if !errors.As(err, &inUse) || time.Now().After(deadline) {
			return ix, err
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// loopbackURL is the URL at which processes of this machine reach a server
// listening on addr.
func loopbackURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make a token: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// reportWatch prints what a round of --watch changed, and its failures;
// a round that failed as a whole is logged.
func reportWatch(a *app, dirs []string, sum *archive.Summary, err error) {
	switch {
	case err != nil:
		a.log.Error("watch: ingest failed", "dirs", strings.Join(dirs, " "), "err", err)
	case sum.Added+sum.Updated+sum.Failed > 0:
		fmt.Fprintf(a.out, "jianbao: %s watch: %d added, %d updated, %d failed; %d issues in the index\n",
			time.Now().Format(time.TimeOnly), sum.Added, sum.Updated, sum.Failed, sum.Issues)
		for _, f := range sum.Failures {
			fmt.Fprintf(a.errOut, "error: %s: %s\n", f.Path, strings.TrimPrefix(f.Err, f.Path+": "))
		}
	}
}

// ingestViaServer hands files to the `jianbao serve` process that owns the
// index in dir and returns its summary once they are committed. The error
// wraps live.ErrNoServer when no server owns the index: then the caller
// opens the index itself. `jianbao ingest` calls it when the index is in use.
func ingestViaServer(ctx context.Context, dir string, files []string, prune bool) (*archive.Summary, error) {
	c, err := live.FindServer(dir)
	if err != nil {
		return nil, err
	}
	sum, err := c.Ingest(ctx, files, prune)
	if err != nil {
		return nil, fmt.Errorf("hand files to the server (process %d) that owns %s: %w", c.PID, dir, err)
	}
	return sum, nil
}
