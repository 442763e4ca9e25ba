package main

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/spf13/cobra"

	"jianbao/index"
	"jianbao/query"
)

type serveOptions struct {
	index string
	addr  string
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
and stops gracefully on Ctrl-C or SIGTERM, letting requests in flight finish.`,
		Example: `  jianbao serve
  jianbao serve --index /srv/jianbao-data --addr :8080
  curl 'http://127.0.0.1:8080/api/search?q=垃圾分类&district=海淀&limit=5'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runServe(cmd.Context(), a, opts)
		},
	}
	cmd.Flags().StringVar(&opts.index, "index", "", "index directory (default $JIANBAO_INDEX, else ./jianbao-data)")
	cmd.Flags().StringVar(&opts.addr, "addr", "127.0.0.1:8080", "address to listen on, host:port")
	return cmd
}

// runServe serves the index until ctx is cancelled.
func runServe(ctx context.Context, a *app, opts serveOptions) error {
	dir := indexDir(opts.index)
	ix, err := index.Open(dir, index.Options{Logger: a.log, ReadOnly: true, Command: "jianbao serve"})
	if err != nil {
		return err
	}
	defer ix.Close()
	ln, err := net.Listen("tcp", opts.addr)
	if err != nil {
		var oe *net.OpError
		if errors.As(err, &oe) && oe.Op == "listen" {
			return usageError{fmt.Errorf("cannot listen on %s: %w (is another server running? choose another --addr)", opts.addr, err)}
		}
		return fmt.Errorf("listen on %s: %w", opts.addr, err)
	}
	fmt.Fprintf(a.out, "jianbao: serving %s at http://%s/ (Ctrl-C to stop)\n", dir, ln.Addr())
	srv := query.NewServer(opts.addr, query.NewHandler(ix, query.Options{Logger: a.log}))
	if err := query.Serve(ctx, srv, ln); err != nil {
		return err
	}
	a.log.Info("server stopped")
	return nil
}
