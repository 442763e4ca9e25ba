package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"jianbao/index"
	"jianbao/live"
	"jianbao/query"
	"jianbao/report"
)

type searchOptions struct {
	index   string
	format  string
	color   string
	baseURL string // of the server that feed links point to
	params  query.Params
}

func newSearchCmd(a *app) *cobra.Command {
	opts := searchOptions{}
	cmd := &cobra.Command{
		Use:   "search [QUERY...]",
		Short: "Find the articles that contain a phrase",
		Long: `search prints the articles whose headline, body or attribution contain QUERY
as written (after the normalisation ingest applies: spaces next to Chinese
characters dropped, full-width letters and digits folded), best first:
exactly what grep would find in the normalised text.

The query language:
  永定路                 articles containing 永定路
  垃圾分类 志愿          both words
  '"复兴路 40 号"'       the exact phrase with its punctuation and the spaces
                         between Latin words (spaces next to Chinese characters
                         go, as in the text: it finds 复兴路40号)
  -疫情  -"三八"         exclude (put the query after -- or in quotes)
  海淀 OR 密云           either; (a OR b) c groups
  district:海淀 section:工作交流 org:海淀区文明办 theme:垃圾分类
  orgtype:学校 orgname:学院路街道
  mentions:延庆 issue:2021-014 date:2021-01..2021-06 date:..2021-06 year:2021

The flags narrow the query the same way. Several QUERY arguments are joined
with spaces. With filters only, every article that passes them is listed.
A malformed query is reported with its position and exit status 2.

Output: a table with date, issue, section, reporting body, headline and a
snippet with the match marked (in colour on a terminal); json prints
{"total", "took_ms", "hits", "facets"} as GET /api/search does; jsonl one hit
per line; csv one row per hit, a cell that starts with = + - @, a tab or a
carriage return prefixed with ' so that a spreadsheet shows it as text. ris,
bibtex and csl-json print the citations of the hits (see jianbao cite), for a
reference manager. atom prints the search as an Atom feed, the articles
indexed last first, with links to the server at --base-url (GET
/api/search.atom serves the same feed).`,
		Example: `  jianbao search 文明城区
  jianbao search --district 海淀 --from 2021-01 --to 2021-06 垃圾分类
  jianbao search --sort -date --limit 50 --facets district,year 志愿服务
  jianbao search -- '志愿 -疫情'
  jianbao search --format json --limit 1000 '"复兴路 40 号"' | jq '.hits[].id'
  jianbao search --format csv --theme 垃圾分类 > 垃圾分类.csv
  jianbao search --format ris --limit 1000 --district 海淀 垃圾分类 > 海淀垃圾分类.ris
  jianbao search --format atom 志愿服务 > 志愿服务.atom`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.params.Q = strings.Join(args, " ")
			if opts.format == "atom" && !cmd.Flags().Changed("limit") {
				opts.params.Limit = report.DefaultFeedLimit // as many entries as the server's feed
			}
			return runSearch(cmd.Context(), a, opts)
		},
	}
	f := cmd.Flags()
	addIndexFlag(f, &opts.index)
	addFilterFlags(f, &opts.params)
	f.StringVar(&opts.params.Sort, "sort", index.SortRelevance, "order: relevance, date (oldest first) or -date (newest first)")
	f.IntVarP(&opts.params.Limit, "limit", "n", query.DefaultLimit, fmt.Sprintf("hits to print, at most %d", query.MaxLimit))
	f.IntVar(&opts.params.Offset, "offset", 0, "hits to skip, for paging")
	f.StringSliceVar(&opts.params.Facets, "facets", nil, "count hits by "+strings.Join(query.FacetNames, ","))
	f.StringVarP(&opts.format, "format", "f", "table", "output format: table, json, jsonl, csv; ris, bibtex, csl-json (citations); atom (a feed)")
	f.StringVar(&opts.baseURL, "base-url", "http://127.0.0.1:8080", "with --format atom: the `URL` of the jianbao server that links point to")
	f.StringVar(&opts.color, "color", "auto", "mark matches in colour: auto (on a terminal, unless $NO_COLOR), always or never")
	return cmd
}

func runSearch(ctx context.Context, a *app, opts searchOptions) error {
	switch opts.format {
	case "table", "text", "json", "jsonl", "csv", "atom", report.FormatRIS, report.FormatBibTeX, report.FormatCSLJSON:
	default:
		return usageError{fmt.Errorf("unknown format %q: want table, json, jsonl, csv, ris, bibtex, csl-json or atom", opts.format)}
	}
	if opts.format == "atom" {
		opts.params = report.FeedParams(opts.params)
	}
	color, err := useColor(opts.color, a.out)
	if err != nil {
		return err
	}
	if opts.params.Limit == 0 {
		return usageError{errors.New("--limit must be at least 1")}
	}
	req, err := opts.params.Request()
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
	ix, server, err := openReader(indexDir(opts.index), "jianbao search", a)
	if err != nil {
		return err
	}
	var resp *query.Response
	var issues report.IssueStore = server
	if server != nil {
		if resp, err = server.Search(ctx, opts.params); err != nil {
			return fmt.Errorf("search: %w", err)
		}
	} else {
		defer ix.Close()
		issues = ix
		res, err := ix.Search(ctx, req)
		if err != nil {
			return fmt.Errorf("search: %w", err)
		}
		resp = query.NewResponse(res)
	}
	switch opts.format {
	case report.FormatRIS, report.FormatBibTeX, report.FormatCSLJSON:
		base := ""
		if server != nil {
			base = server.URL
		}
		refs, err := report.References(ctx, issues, report.HitIDs(resp), base)
		if err != nil {
			return err
		}
		return report.WriteCitations(a.out, refs, opts.format)
	case "atom":
		base := opts.baseURL
		if server != nil {
			base = server.URL
		}
		return report.WriteFeed(a.out, resp, opts.params, base)
	case "json":
		return writeIndentedJSON(a.out, resp)
	case "jsonl":
		enc := json.NewEncoder(termJSONWriter{a.out})
		enc.SetEscapeHTML(false)
		for _, h := range resp.Hits {
			if err := enc.Encode(h); err != nil {
				return err
			}
		}
		return nil
	case "csv":
		return writeHitsCSV(a.out, resp)
	}
	return writeHitsTable(a.out, resp, req.Offset, color)
}

// openReader opens the index in dir for reading or, when a `jianbao serve`
// process owns it, returns a client of that server instead.
func openReader(dir, command string, a *app) (*index.Index, *live.Client, error) {
	ix, err := index.Open(dir, index.Options{Logger: a.log, ReadOnly: true, Command: command})
	var inUse *index.InUseError
	if errors.As(err, &inUse) {
		c, ferr := live.FindServer(dir)
		if ferr == nil {
			a.log.Debug("the index is owned by a server: asking it", "url", c.URL)
			return nil, c, nil
		}
	}
	if err != nil {
		return nil, nil, err
	}
	return ix, nil, nil
}

// useColor decides whether matches are marked with ANSI colours.
func useColor(mode string, w io.Writer) (bool, error) {
	switch mode {
	case "always":
		return true, nil
	case "never":
		return false, nil
	case "auto":
		if os.Getenv("NO_COLOR") != "" {
			return false, nil
		}
		f, ok := w.(*os.File)
		if !ok {
			return false, nil
		}
		st, err := f.Stat()
		return err == nil && st.Mode()&os.ModeCharDevice != 0, nil
	}
	return false, usageError{fmt.Errorf("unknown --color %q: want auto, always or never", mode)}
}

// Marks put around matches in the table: ANSI bold red on a terminal,
// guillemets elsewhere, which Chinese text does not use.
var (
	colorMarks = [2]string{"\x1b[1;31m", "\x1b[0m"}
	plainMarks = [2]string{"«", "»"}
)

// snippetText turns an index snippet (HTML-escaped, matches in <mark>) into
// plain text with the matches between marks.
func snippetText(s string, marks [2]string) string {
	s = termText(s)
	s = strings.ReplaceAll(s, "<mark>", "\x00")
	s = strings.ReplaceAll(s, "</mark>", "\x01")
	s = html.UnescapeString(s)
	s = strings.NewReplacer("\x00", marks[0], "\x01", marks[1], "\n", " ").Replace(s)
	return s
}

// writeHitsTable prints a readable list: per hit a line with date, issue,
// section and reporting body, the headline, and the snippets.
func writeHitsTable(w io.Writer, r *query.Response, offset int, color bool) error {
	marks := plainMarks
	if color {
		marks = colorMarks
	}
	var b strings.Builder
	switch {
	case r.Total == 0:
		b.WriteString("no articles found\n")
	case len(r.Hits) == 0:
		fmt.Fprintf(&b, "%s; none after offset %d\n", articles(r.Total), offset)
	default:
		fmt.Fprintf(&b, "%s, %d–%d shown (%.1f ms)\n", articles(r.Total), offset+1, offset+len(r.Hits), r.TookMS)
	}
	for _, h := range r.Hits {
		issue := h.IssueID
		if h.Page > 0 {
			issue += " p." + strconv.Itoa(h.Page)
		}
		fmt.Fprintf(&b, "\n%s  %s  %s  %s  %s\n", termText(h.Date), termText(issue), termText(orDash(h.Section)), termText(orDash(h.SourceOrg)), termText(h.ID))
		fmt.Fprintf(&b, "  %s\n", termText(h.Headline))
		for _, s := range h.Snippets {
			fmt.Fprintf(&b, "    %s\n", snippetText(s, marks))
		}
	}
	for _, name := range query.FacetNames {
		counts, ok := r.Facets[name]
		if !ok {
			continue
		}
		fmt.Fprintf(&b, "\n%s:", name)
		for _, c := range counts {
			fmt.Fprintf(&b, "  %s %d", termText(orDash(c.Value)), c.Count)
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func articles(n int) string {
	if n == 1 {
		return "1 article"
	}
	return strconv.Itoa(n) + " articles"
}

// writeHitsCSV prints one row per hit with the first snippet in plain text.
func writeHitsCSV(w io.Writer, r *query.Response) error {
	cw := report.NewCSVWriter(w)
	// Write errors are sticky: Flush returns the first.
	cw.Write([]string{"id", "issue_id", "date", "issue", "section", "source_org", "district", "headline", "page", "score", "snippet"})
	for _, h := range r.Hits {
		snippet := ""
		if len(h.Snippets) > 0 {
			snippet = snippetText(h.Snippets[0], [2]string{})
		}
		page := ""
		if h.Page > 0 {
			page = strconv.Itoa(h.Page)
		}
		cw.Write([]string{h.ID, h.IssueID, h.Date, strconv.Itoa(h.Issue), h.Section, h.SourceOrg, h.District,
			h.Headline, page, strconv.FormatFloat(h.Score, 'g', 6, 64), snippet})
	}
	return cw.Flush()
}
