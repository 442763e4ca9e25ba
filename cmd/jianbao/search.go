package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"jianbao/index"
)

type searchOptions struct {
	index  string
	format string
	limit  int
	query  string
}

func newSearchCmd(a *app) *cobra.Command {
	opts := searchOptions{}
	cmd := &cobra.Command{
		Use:   "search QUERY",
		Short: "Find the articles that contain a phrase",
		Long: `search prints the articles whose headline, body or attribution contain QUERY
as written (after the normalisation ingest applies: spaces next to Chinese
characters dropped, full-width letters and digits folded), best first:
exactly what grep would find in the normalised text.`,
		Example: `  jianbao search 文明城区
  jianbao search --format json --limit 50 垃圾分类`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError{errors.New("search needs one QUERY")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.query = args[0]
			return runSearch(cmd, a, opts)
		},
	}
	cmd.Flags().StringVar(&opts.index, "index", "", "index directory (default $JIANBAO_INDEX, else ./jianbao-data)")
	cmd.Flags().StringVarP(&opts.format, "format", "f", "text", "output format: text or json")
	cmd.Flags().IntVarP(&opts.limit, "limit", "n", 10, "hits to print")
	return cmd
}

func runSearch(cmd *cobra.Command, a *app, opts searchOptions) error {
	if opts.format != "text" && opts.format != "json" {
		return usageError{fmt.Errorf("unknown format %q: want text or json", opts.format)}
	}
	if opts.limit < 1 {
		return usageError{fmt.Errorf("--limit must be at least 1, not %d", opts.limit)}
	}
	ix, err := index.Open(indexDir(opts.index), index.Options{Logger: a.log, ReadOnly: true, Command: "jianbao search"})
	if err != nil {
		return err
	}
	defer ix.Close()
	res, err := ix.Search(cmd.Context(), index.Request{
		Expr: index.Text{Value: opts.query}, Limit: opts.limit, Snippets: true,
	})
	if err != nil {
		return err
	}
	if opts.format == "json" {
		enc := json.NewEncoder(a.out)
		enc.SetEscapeHTML(false)
		return enc.Encode(res)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d articles\n", res.Total)
	for _, h := range res.Hits {
		fmt.Fprintf(&b, "\n%s  %s  【%s】 %s\n  %s\n", h.ID, h.Date, h.Section, h.Headline, h.SourceOrg)
		for _, s := range h.Snippets {
			fmt.Fprintf(&b, "  %s\n", s)
		}
	}
	_, err = fmt.Fprint(a.out, b.String())
	return err
}
