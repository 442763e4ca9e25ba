package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"jianbao/report"

	"github.com/spf13/cobra"
)

type statsOptions struct {
	index  string
	format string
	top    int
}

func newStatsCmd(a *app) *cobra.Command {
	opts := statsOptions{}
	cmd := &cobra.Command{
		Use:   "stats",
		Short: "Give an overview of the archive: counts, and the holes in it",
		Long: `stats counts the issues of the index per year (special issues apart) and
their articles, the articles per section, reporting district, reporting body
and theme, and lists the gaps in each year's issue numbers: the regular
numbers from 1 to the year's highest that the archive lacks. Researchers need
to know them before they read a trend.

--format json prints the object GET /api/stats returns, with every group.
When a jianbao serve owns the index, the server is asked.`,
		Example: `  jianbao stats
  jianbao stats --top 50
  jianbao stats --format json | jq '.gaps[] | {year, missing}'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runStats(cmd.Context(), a, opts)
		},
	}
	f := cmd.Flags()
	addIndexFlag(f, &opts.index)
	f.StringVarP(&opts.format, "format", "f", "text", "output format: text or json")
	f.IntVar(&opts.top, "top", 10, "groups of each kind listed in text output")
	return cmd
}

func runStats(ctx context.Context, a *app, opts statsOptions) error {
	if opts.format != "text" && opts.format != "json" {
		return usageError{fmt.Errorf("unknown format %q: want text or json", opts.format)}
	}
	if opts.top < 1 {
		return usageError{fmt.Errorf("--top must be at least 1, not %d", opts.top)}
	}
	ix, server, err := openReader(indexDir(opts.index), "jianbao stats", a)
	if err != nil {
		return err
	}
	var st *report.Stats
	if server != nil {
		st, err = server.Stats(ctx)
	} else {
		defer ix.Close()
		st, err = report.ComputeStats(ctx, ix)
	}
	if err != nil {
		return err
	}
	if opts.format == "json" {
		return writeIndentedJSON(a.out, st)
	}
	var b strings.Builder
	if err := report.WriteStatsText(&b, st, opts.top); err != nil {
		return err
	}
	_, err = io.WriteString(a.out, termText(b.String()))
	return err
}
