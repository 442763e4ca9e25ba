package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"jianbao/index"
	"jianbao/ingest"
	"jianbao/query"
	"jianbao/report"
)

type exportOptions struct {
	index  string
	format string
	issues bool
	bom    bool
	params query.Params
}

func newExportCmd(a *app) *cobra.Command {
	opts := exportOptions{}
	cmd := &cobra.Command{
		Use:   "export [QUERY...]",
		Short: "Write every matching article or issue record, for pandas or R",
		Long: `export streams the records of every article that the query and filters match
(the language of jianbao search; with none, the whole archive), without the
paging limits of search. Articles come oldest issue first, in ID order within
a date (issues without a date first); issues, with --issues, in ID order.
export reads the index once, from one snapshot, a few dates at a time: its
memory does not grow with the archive, and a whole archive of 100,000
articles takes seconds.

An article record has every field of the record schema (id, seq, section,
headline, body, source_org, district, districts_mentioned, organisations,
themes, page) and of its issue: issue_id, title, issue, total_issue, special,
date, issuer, and the format and URL path of the source file: the object that
jianbao show --format json prints. With --issues, every issue that has a
matching article is written instead, with all its articles, as
jianbao show --format json ISSUE prints it (with no filter, every issue).

--format jsonl writes one JSON object a line; csv one row a record, UTF-8,
with list fields joined by "; " (an issue row counts its articles instead of
listing them). --bom starts the CSV with a byte order mark, so that Excel
reads it as UTF-8. A cell that starts with = + - @, a tab or a carriage
return gets a leading ' so that a spreadsheet shows it as text instead of
running it as a formula.

export reads the index itself: while a jianbao serve owns the index, page
through its GET /api/search instead, or stop the server.`,
		Example: `  jianbao export --format jsonl > archive.jsonl
  jianbao export --format csv --bom --theme 垃圾分类 --from 2019 > 垃圾分类.csv
  jianbao export --format jsonl --district 海淀 志愿服务 | jq -r .headline
  jianbao export --issues --format csv > issues.csv
  python3 -c 'import pandas as pd; print(pd.read_json("archive.jsonl", lines=True).groupby("district").size())'`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.params.Q = strings.Join(args, " ")
			return runExport(cmd.Context(), a, opts)
		},
	}
	f := cmd.Flags()
	addIndexFlag(f, &opts.index)
	addFilterFlags(f, &opts.params)
	f.BoolVar(&opts.issues, "issues", false, "write issue records instead of article records")
	f.StringVarP(&opts.format, "format", "f", "", "output format: jsonl or csv (required)")
	f.BoolVar(&opts.bom, "bom", false, "start CSV output with a UTF-8 byte order mark, for Excel")
	return cmd
}

func runExport(ctx context.Context, a *app, opts exportOptions) error {
	switch opts.format {
	case "jsonl", "csv":
	case "":
		return usageError{fmt.Errorf("export needs --format jsonl or --format csv")}
	default:
		return usageError{fmt.Errorf("unknown format %q: want jsonl or csv", opts.format)}
	}
	if opts.bom && opts.format != "csv" {
		return usageError{fmt.Errorf("--bom is for --format csv only")}
	}
	if err := checkParams(opts.params); err != nil {
		return err
	}
	p := opts.params
	p.Limit = 1
	req, err := p.Request()
	if err != nil {
		return usageError{err}
	}
	// An export allocates records at a high rate over a live heap of a few
	// megabytes, which the default collects every few hundred articles:
	// collecting at 4× the live heap instead of 2× takes a quarter less
	// CPU, and the heap stays in tens of megabytes whatever the archive.
	defer collectLess(exportGCPercent, 0)()
	dir := indexDir(opts.index)
	ix, server, err := openReader(dir, "jianbao export", a)
	if err != nil {
		return err
	}
	if server != nil {
		return fmt.Errorf("the index %s is owned by jianbao serve at %s and export reads the index itself: page through %s/api/search?limit=%d&offset=N instead, or stop the server and export again",
			dir, server.URL, server.URL, query.MaxLimit)
	}
	defer ix.Close()
	bw := bufio.NewWriterSize(a.out, 64<<10)
	var w exportWriter
	if opts.format == "jsonl" {
		w = newJSONLWriter(bw)
	} else {
		if opts.bom {
			bw.WriteString("\uFEFF")
		}
		w = newCSVRecordWriter(bw, opts.issues)
	}
	n := 0
	if opts.issues {
		err = ix.EachIssue(ctx, req.Expr, func(iss *index.Issue) error {
			n++
			return w.issue(iss)
		})
	} else {
		err = ix.EachArticle(ctx, req.Expr, func(head *index.Issue, rec *index.ArticleRecord) error {
			one := index.Issue{Issue: head.Issue, Files: head.Files}
			one.Articles = []ingest.Article{rec.Article}
			v, err := report.FindArticle(&one, rec.ID)
			if err != nil {
				return err
			}
			n++
			return w.article(v)
		})
	}
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := w.flush(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	a.log.Debug("exported", "records", n)
	return nil
}

// exportGCPercent is the garbage collector's target while export runs
// (the default is 100).
const exportGCPercent = 400

// exportWriter writes article or issue records in one format.
type exportWriter interface {
	article(v *report.ArticleView) error
	issue(iss *index.Issue) error
	flush() error
}

type jsonlWriter struct{ enc *json.Encoder }

func newJSONLWriter(w io.Writer) *jsonlWriter {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &jsonlWriter{enc}
}

func (j *jsonlWriter) article(v *report.ArticleView) error { return j.enc.Encode(v) }
func (j *jsonlWriter) issue(iss *index.Issue) error        { return j.enc.Encode(iss) }
func (j *jsonlWriter) flush() error                        { return nil }

// listSep joins the values of a list field in a CSV cell.
const listSep = "; "

// Columns of the CSV export.
var (
	articleColumns = []string{"id", "issue_id", "date", "issue", "total_issue", "special", "title", "issuer",
		"seq", "section", "headline", "source_org", "district", "districts_mentioned", "organisations", "themes",
		"page", "format", "file", "body"}
	issueColumns = []string{"id", "title", "issue", "total_issue", "special", "issuer", "date", "editor", "reviewer",
		"phone", "fax", "email", "report_to", "send_to", "issue_to", "source_path", "source_format", "sha256", "pages",
		"files", "articles"}
)

type csvRecordWriter struct {
	cw     *report.CSVWriter
	header []string
	wrote  bool
}

func newCSVRecordWriter(w io.Writer, issues bool) *csvRecordWriter {
	c := &csvRecordWriter{cw: report.NewCSVWriter(w), header: articleColumns}
	if issues {
		c.header = issueColumns
	}
	return c
}

func (c *csvRecordWriter) row(cells []string) error {
	if !c.wrote {
		c.wrote = true
		if err := c.cw.Write(c.header); err != nil {
			return err
		}
	}
	return c.cw.Write(cells)
}

func itoa0(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func (c *csvRecordWriter) article(v *report.ArticleView) error {
	return c.row([]string{v.ID, v.IssueID, v.Date, strconv.Itoa(v.Issue), itoa0(v.TotalIssue), v.Special, v.Title, v.Issuer,
		strconv.Itoa(v.Seq), v.Section, v.Headline, v.SourceOrg, v.District,
		strings.Join(v.DistrictsMentioned, listSep), strings.Join(v.Organisations, listSep), strings.Join(v.Themes, listSep),
		itoa0(v.Page), v.Format, v.File, v.Body})
}

func (c *csvRecordWriter) issue(iss *index.Issue) error {
	r := &iss.Issue
	src := r.Source
	paths := make([]string, len(iss.Files))
	for i, f := range iss.Files {
		paths[i] = f.Path
	}
	return c.row([]string{r.ID, r.Title, strconv.Itoa(r.Issue), itoa0(r.TotalIssue), r.Special, r.Issuer, r.Date,
		r.Editor, r.Reviewer, r.Contact.Phone, r.Contact.Fax, r.Contact.Email,
		strings.Join(r.Distribution.ReportTo, listSep), strings.Join(r.Distribution.SendTo, listSep),
		strings.Join(r.Distribution.IssueTo, listSep), src.Path, src.Format, src.SHA256, itoa0(src.Pages),
		strings.Join(paths, listSep), strconv.Itoa(len(r.Articles))})
}

func (c *csvRecordWriter) flush() error {
	if !c.wrote {
		if err := c.cw.Write(c.header); err != nil {
			return err
		}
	}
	return c.cw.Flush()
}
