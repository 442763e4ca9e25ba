package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"jianbao/query"
	"jianbao/report"
)

type trendOptions struct {
	index  string
	by     string
	split  string
	format string
	svg    string
	params query.Params
}

func newTrendCmd(a *app) *cobra.Command {
	opts := trendOptions{}
	cmd := &cobra.Command{
		Use:   "trend [QUERY | theme:NAME]",
		Short: "Count the matching articles and issues per year, quarter or month",
		Long: `trend counts, per period, the articles that a search matches (the query
language and filters of jianbao search) and the issues they appear in. Every
period from the archive's first issue to its last is listed, empty ones as
zeros. --split district (or section) adds one series per reporting district
(or section), the most frequent first.

Output: a table; csv has the columns period, group ("" for the whole
archive), articles, issues; json prints
  {"query": "…", "by": "year", "series": [{"period": "2016", "articles": N, "issues": M}, …]}
and with --split also "split" and "groups": [{"group": "海淀区", "series": […]}, …],
as GET /api/trend does. --svg FILE also writes the chart of the web page.

Periods are "2021", "2021-Q2" or "2021-04". When a jianbao serve owns the
index, the server is asked.`,
		Example: `  jianbao trend theme:垃圾分类
  jianbao trend --by quarter --district 海淀 志愿服务
  jianbao trend --split district --format csv theme:疫情防控 > 疫情防控.csv
  jianbao trend --format json 文明城区 | jq '.series[] | [.period, .articles]'
  jianbao trend --by month --split section --svg chart.svg 垃圾分类`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.params.Q = strings.Join(args, " ")
			return runTrend(cmd.Context(), a, opts)
		},
	}
	f := cmd.Flags()
	addIndexFlag(f, &opts.index)
	f.StringVar(&opts.by, "by", report.ByYear, "period: year, quarter or month")
	f.StringVar(&opts.split, "split", "", "one series per group: district or section")
	addFilterFlags(f, &opts.params)
	f.StringVarP(&opts.format, "format", "f", "table", "output format: table, csv or json")
	f.StringVar(&opts.svg, "svg", "", "also write the chart as SVG to `FILE`")
	return cmd
}

func runTrend(ctx context.Context, a *app, opts trendOptions) error {
	switch opts.format {
	case "table", "csv", "json":
	default:
		return usageError{fmt.Errorf("unknown format %q: want table, csv or json", opts.format)}
	}
	switch opts.by {
	case report.ByYear, report.ByQuarter, report.ByMonth:
	default:
		return usageError{fmt.Errorf("unknown --by %q: want year, quarter or month", opts.by)}
	}
	switch opts.split {
	case report.SplitNone, report.SplitDistrict, report.SplitSection:
	default:
		return usageError{fmt.Errorf("unknown --split %q: want district or section", opts.split)}
	}
	if err := checkParams(opts.params); err != nil {
		return err
	}
	ix, server, err := openReader(indexDir(opts.index), "jianbao trend", a)
	if err != nil {
		return err
	}
	var t *report.Trend
	if server != nil {
		t, err = server.Trend(ctx, opts.params, opts.by, opts.split)
	} else {
		defer ix.Close()
		t, err = report.ComputeTrend(ctx, ix, opts.params, opts.by, opts.split)
	}
	if err != nil {
		return fmt.Errorf("trend: %w", err)
	}
	if opts.svg != "" {
		var b bytes.Buffer
		if err := report.WriteTrendSVG(&b, t); err != nil {
			return err
		}
		if err := os.WriteFile(opts.svg, b.Bytes(), 0o644); err != nil {
			return fmt.Errorf("write chart: %w", err)
		}
	}
	switch opts.format {
	case "json":
		return writeIndentedJSON(a.out, t)
	case "csv":
		cw := report.NewCSVWriter(a.out)
		for _, row := range report.TrendCSV(t) {
			if err := cw.Write(row); err != nil {
				return fmt.Errorf("write csv: %w", err)
			}
		}
		if err := cw.Flush(); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
		return nil
	}
	var b bytes.Buffer
	report.WriteTrendTable(&b, t)
	_, err = io.WriteString(a.out, termText(b.String()))
	return err
}

// checkParams reports a malformed query or filter of p as a usage error,
// before any index or server is asked.
func checkParams(p query.Params) error {
	p.Limit, p.Offset = 1, 0
	_, err := p.Request()
	var se *query.SyntaxError
	var pe *query.ParamError
	switch {
	case errors.As(err, &se):
		return usageError{se}
	case errors.As(err, &pe):
		return usageError{fmt.Errorf("--%s", pe)}
	case err != nil:
		return usageError{err}
	}
	return nil
}
