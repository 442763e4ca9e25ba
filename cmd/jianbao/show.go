package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"jianbao/index"
	"jianbao/ingest"
	"jianbao/query"
	"jianbao/report"
)

type showOptions struct {
	index  string
	format string
	id     string
	why    bool   // explain the themes of an article
	themes string // the taxonomy that explains them; "" the built-in one
}

func newShowCmd(a *app) *cobra.Command {
	opts := showOptions{}
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Print an article or a whole issue from the index",
		Long: `show prints the article with id ID (such as 2021-014-02: issue id and
sequence number) or, given an issue id (such as 2021-014), the whole issue:
header, and every article with its full text. --format json prints the record,
as the HTTP API returns it.

--why explains the themes of an article: for each theme, the rule (strong, any, all
or near) and every phrase that matched, how often, and its first occurrence in
context; a near rule names its two phrases (清理…楼道), the sentences they met
in, and the first of them. A theme whose rules match but that is only a
secondary mention (the headline tells another theme, and its one sentence in
the body names it as an outcome, an exhibit, a point checked, a person's deed
…) is listed as dropped, with that role. A theme the built-in taxonomy's
learned filter drops (a model trained on judged articles that scores each tag
the rules give) is listed as dropped by the filter, with its score. The rules
are those of the built-in taxonomy or of --themes FILE (which has no filter).`,
		Example: `  jianbao show 2021-014-02
  jianbao show 2021-014
  jianbao show --format json 2021-014-02 | jq .body
  jianbao show --why 2021-014-02
  jianbao show --why --themes my-themes.toml --format json 2021-014-02 | jq .why`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError{errors.New("show needs one ID")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.id = args[0]
			return runShow(cmd.Context(), a, opts)
		},
	}
	addIndexFlag(cmd.Flags(), &opts.index)
	cmd.Flags().StringVarP(&opts.format, "format", "f", "text", "output format: text or json")
	cmd.Flags().BoolVar(&opts.why, "why", false, "explain the themes of the article: rule and matched text per theme")
	cmd.Flags().StringVar(&opts.themes, "themes", "", "with --why: the taxonomy `FILE` (default: the built-in one)")
	return cmd
}

func runShow(ctx context.Context, a *app, opts showOptions) error {
	if opts.format != "text" && opts.format != "json" {
		return usageError{fmt.Errorf("unknown format %q: want text or json", opts.format)}
	}
	articleID := ""
	issueID, isArticle := report.ArticleIssueID(opts.id)
	if isArticle {
		articleID = opts.id
	} else {
		var ok bool
		if issueID, ok = query.IssueID(opts.id); !ok {
			return usageError{fmt.Errorf("%q is neither an article id (2021-014-02) nor an issue id (2021-014)", opts.id)}
		}
	}
	if opts.why && !isArticle {
		return usageError{fmt.Errorf("--why explains an article: give an article id such as %s-01", issueID)}
	}
	tax, err := loadThemes(opts.themes)
	if err != nil {
		return err
	}
	if tax == nil {
		tax = ingest.DefaultTaxonomy()
	}
	dir := indexDir(opts.index)
	ix, server, err := openReader(dir, "jianbao show", a)
	if err != nil {
		return err
	}
	var iss *index.Issue
	if server != nil {
		iss, err = server.Issue(ctx, issueID)
	} else {
		defer ix.Close()
		iss, err = ix.Issue(ctx, issueID)
	}
	if errors.Is(err, index.ErrNotFound) && isArticle {
		return fmt.Errorf("no article %s in %s: its issue %s is not in the index", articleID, dir, issueID)
	}
	if errors.Is(err, index.ErrNotFound) {
		return fmt.Errorf("no issue %s in %s", issueID, dir)
	}
	if err != nil {
		return err
	}
	if isArticle {
		v, err := report.FindArticle(iss, articleID)
		if err != nil {
			return fmt.Errorf("no article %s in %s: issue %s has %d articles", articleID, dir, issueID, len(iss.Articles))
		}
		if opts.why {
			return writeWhy(a.out, opts.format, v, tax)
		}
		if opts.format == "json" {
			return writeIndentedJSON(a.out, v)
		}
		return writeArticleText(a.out, v, report.SourceOf(iss).Path)
	}
	if opts.format == "json" {
		return writeIndentedJSON(a.out, iss)
	}
	return writeFullIssueText(a.out, iss)
}

// writeIndentedJSON writes v as indented JSON, with the control characters
// that encoding/json leaves raw escaped (termJSON).
func writeIndentedJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(termJSONWriter{w})
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// writeArticleText prints an article with what a reader needs to cite it.
func writeArticleText(w io.Writer, v *report.ArticleView, path string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s  【%s】\n%s\n\n", v.ID, v.Section, v.Headline)
	fmt.Fprintf(&b, "%s  %s  %s\n", masthead(v.Title, v.Special, v.Issue, v.TotalIssue), v.Date, v.Issuer)
	fmt.Fprintf(&b, "来源: %s", orDash(v.SourceOrg))
	if v.District != "" {
		fmt.Fprintf(&b, " (%s)", v.District)
	}
	if v.Page > 0 {
		fmt.Fprintf(&b, "  第%d页", v.Page)
	}
	b.WriteString("\n")
	if path != "" {
		fmt.Fprintf(&b, "原文: %s\n", path)
	}
	if v.OCR != nil {
		fmt.Fprintf(&b, "第%d页由扫描件 OCR 识别%s\n", v.Page, confidenceNote(*v.OCR))
	}
	fmt.Fprintf(&b, "\n%s\n", v.Body)
	_, err := io.WriteString(w, termText(b.String()))
	return err
}

// writeFullIssueText prints an issue's header and every article in full.
func writeFullIssueText(w io.Writer, iss *index.Issue) error {
	rec := &iss.Issue
	var b strings.Builder
	fmt.Fprintf(&b, "%s  %s\n%s  %s\n", rec.ID, masthead(rec.Title, rec.Special, rec.Issue, rec.TotalIssue), rec.Date, rec.Issuer)
	for _, f := range iss.Files {
		fmt.Fprintf(&b, "原文: %s\n", f.Path)
	}
	for _, n := range rec.Source.PageNotes {
		if n.Status == ingest.PageStatusOCR {
			fmt.Fprintf(&b, "第%d页由扫描件 OCR 识别%s\n", n.Page, confidenceNote(n))
		}
	}
	if k := len(rec.Source.Corrections); k > 0 {
		fmt.Fprintf(&b, "OCR 校正 %d 处 (show --format json: source.corrections)\n", k)
	}
	section := ""
	for _, art := range rec.Articles {
		if art.Section != section {
			section = art.Section
			fmt.Fprintf(&b, "\n【%s】\n", section)
		}
		fmt.Fprintf(&b, "\n%s  %s\n\n%s\n", art.ID, art.Headline, art.Body)
		if art.SourceOrg != "" {
			fmt.Fprintf(&b, "(%s)\n", art.SourceOrg)
		}
	}
	fmt.Fprintf(&b, "\n责编: %s  核稿: %s\n", orDash(rec.Editor), orDash(rec.Reviewer))
	_, err := io.WriteString(w, termText(b.String()))
	return err
}

// articleWhy is the JSON of show --why: the article, the reasons for its
// themes and, for each theme whose rules match but that is dropped as a
// secondary mention, why.
type articleWhy struct {
	*report.ArticleView
	Why     []ingest.Reason `json:"why"`
	Dropped []ingest.Reason `json:"dropped,omitempty"`
}

// writeWhy explains the themes of v with tax: per theme the rule, the
// phrases that matched and the first match in context. When tax gives other
// themes than the index has, a note says so: the index was tagged with
// another taxonomy.
func writeWhy(w io.Writer, format string, v *report.ArticleView, tax *ingest.Taxonomy) error {
	reasons := tax.ExplainArticle(&v.Article)
	if reasons == nil {
		reasons = []ingest.Reason{}
	}
	dropped := tax.DroppedArticle(&v.Article)
	if format == "json" {
		return writeIndentedJSON(w, articleWhy{v, reasons, dropped})
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s  %s\n", v.ID, v.Headline)
	fmt.Fprintf(&b, "themes in the index: %s\n", orDash(strings.Join(v.Themes, ", ")))
	var given []string
	for i, r := range reasons {
		if i == 0 || reasons[i-1].Theme != r.Theme {
			given = append(given, r.Theme)
			fmt.Fprintf(&b, "\n%s\n", r.Theme)
		}
		fmt.Fprintf(&b, "  %s %q ×%d: %s\n", r.Rule, r.Phrase, r.Count, r.Context)
	}
	if len(reasons) == 0 {
		fmt.Fprintf(&b, "\nno theme of taxonomy %s matches\n", orDash(tax.Version))
	}
	for _, r := range dropped {
		if r.Rule == "filter" {
			fmt.Fprintf(&b, "\ndropped: %s, by the learned filter (score %.3f)\n  %s\n", r.Theme, r.Score, r.Context)
			continue
		}
		fmt.Fprintf(&b, "\ndropped: %s, a secondary mention\n  %q: %s\n", r.Theme, r.Phrase, r.Context)
	}
	if strings.Join(given, ",") != strings.Join(v.Themes, ",") {
		fmt.Fprintf(&b, "\nnote: taxonomy %s gives %s; the index was tagged with another taxonomy (see jianbao retag)\n",
			orDash(tax.Version), orDash(strings.Join(given, ", ")))
	}
	_, err := io.WriteString(w, termText(b.String()))
	return err
}
