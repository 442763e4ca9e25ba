package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/text/width"

	"jianbao/query"
	"jianbao/report"
)

type kwicOptions struct {
	index  string
	format string
	color  string
	params report.KWICParams
}

func newKWICCmd(a *app) *cobra.Command {
	opts := kwicOptions{}
	cmd := &cobra.Command{
		Use:   "kwic QUERY...",
		Short: "Print a concordance: every occurrence of a phrase with its context",
		Long: `kwic prints every occurrence of QUERY (not every article) in the articles
that the search QUERY with the filters finds, one line each, aligned on the
match, with --width characters of context on each side, the article id and
its date. The text is the normalised text that search matches (spaces next
to Chinese characters dropped, full- and half-width forms alike): the number
of lines is the number of non-overlapping occurrences a substring count finds
there. A query of several words lists the occurrences of each.

--sort left orders the lines by the left context, read from the match
leftwards; right by the right context; date (the default) by date, article
and position. Contexts sort in pinyin order. The table ends with the counts of
occurrences per year and per reporting district; csv prints one row per line
(id, issue_id, date, district, part, position, left, match, right) for
further analysis; json prints the lines with the counts, as GET /api/kwic does.`,
		Example: `  jianbao kwic 志愿服务
  jianbao kwic --sort left --width 10 文明
  jianbao kwic --district 海淀 --from 2021 --sort right 垃圾分类
  jianbao kwic --format csv 新时代文明实践 > kwic.csv`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.params.Q = strings.Join(args, " ")
			return runKWIC(cmd.Context(), a, opts)
		},
	}
	f := cmd.Flags()
	addIndexFlag(f, &opts.index)
	addFilterFlags(f, &opts.params.Params)
	f.IntVarP(&opts.params.Width, "width", "w", report.DefaultKWICWidth, fmt.Sprintf("characters of context on each side, at most %d", report.MaxKWICWidth))
	f.StringVar(&opts.params.Order, "sort", report.KWICSortDate, "order of the lines: left, right or date")
	f.IntVarP(&opts.params.Limit, "limit", "n", 0, fmt.Sprintf("lines to print (0: all, up to %d)", report.MaxKWICLines))
	f.StringVarP(&opts.format, "format", "f", "table", "output format: table, csv or json")
	f.StringVar(&opts.color, "color", "auto", "mark matches in colour: auto, always or never")
	return cmd
}

func runKWIC(ctx context.Context, a *app, opts kwicOptions) error {
	switch opts.format {
	case "table", "csv", "json":
	default:
		return usageError{fmt.Errorf("unknown format %q: want table, csv or json", opts.format)}
	}
	if strings.TrimSpace(opts.params.Q) == "" {
		return usageError{errors.New("kwic needs a word or phrase to look for")}
	}
	if opts.params.Width == 0 {
		return usageError{errors.New("--width must be at least 1")}
	}
	color, err := useColor(opts.color, a.out)
	if err != nil {
		return err
	}
	ix, server, err := openReader(indexDir(opts.index), "jianbao kwic", a)
	if err != nil {
		return err
	}
	var c *report.Concordance
	if server != nil {
		c, err = server.Concordance(ctx, opts.params)
	} else {
		defer ix.Close()
		c, err = report.ComputeConcordance(ctx, ix, opts.params)
	}
	var se *query.SyntaxError
	var pe *query.ParamError
	switch {
	case errors.As(err, &se):
		return usageError{se}
	case errors.As(err, &pe):
		return usageError{fmt.Errorf("--%s", pe)}
	case err != nil:
		return fmt.Errorf("kwic: %w", err)
	}
	switch opts.format {
	case "json":
		return writeIndentedJSON(a.out, c)
	case "csv":
		return report.WriteKWICCSV(a.out, c)
	}
	marks := plainMarks
	if color {
		marks = colorMarks
	}
	return writeKWICTable(a.out, c, marks)
}

// writeKWICTable prints the lines aligned on the match: the left context
// padded to the same display width (a Chinese character takes two columns),
// then the counts per year and per district.
func writeKWICTable(w io.Writer, c *report.Concordance, marks [2]string) error {
	var b strings.Builder
	switch {
	case c.Occurrences == 0:
		b.WriteString("no occurrences found\n")
	case c.Truncated:
		fmt.Fprintf(&b, "%s in %s; the first %d by date are listed\n", occurrences(c.Occurrences), articles(c.Articles), len(c.Lines))
	default:
		fmt.Fprintf(&b, "%s in %s\n", occurrences(c.Occurrences), articles(c.Articles))
	}
	leftCols, idCols := 0, 0
	for _, l := range c.Lines {
		leftCols = max(leftCols, displayWidth(l.Left))
		idCols = max(idCols, len(l.ID))
	}
	for _, l := range c.Lines {
		pad := strings.Repeat(" ", leftCols-displayWidth(l.Left))
		fmt.Fprintf(&b, "%-10s  %-*s  %s%s%s%s%s%s\n", l.Date, idCols, l.ID, pad, l.Left, marks[0], l.Match, marks[1], l.Right)
	}
	for _, group := range []struct {
		name   string
		counts []report.KWICCount
	}{{"year", c.ByYear}, {"district", c.ByDistrict}} {
		if len(group.counts) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s:", group.name)
		for _, n := range group.counts {
			fmt.Fprintf(&b, "  %s %d", orDash(n.Value), n.Count)
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// displayWidth is the number of terminal columns s takes: two for wide and
// full-width characters.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

func occurrences(n int) string {
	if n == 1 {
		return "1 occurrence"
	}
	return fmt.Sprintf("%d occurrences", n)
}
