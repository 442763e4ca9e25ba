package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"jianbao/query"
	"jianbao/report"
)

type citeOptions struct {
	index  string
	format string
	ids    []string
}

func newCiteCmd(a *app) *cobra.Command {
	opts := citeOptions{}
	cmd := &cobra.Command{
		Use:   "cite ID...",
		Short: "Print citations of articles: GB/T 7714, RIS, BibTeX or CSL-JSON",
		Long: `cite prints a citation of each article ID (such as 2021-014-02), in the order
given, ready to paste or to import into a reference manager; an issue ID (such
as 2021-014) cites each of its articles:

  gbt7714   GB/T 7714-2015, the Chinese reference standard (numbered when
            there are several): the bulletin is cited as an internal document
            [Z] with its issue (第N期, 总第N期), issuer, date and the page of
            the source PDF
  ris       RIS, for EndNote, Zotero, Mendeley
  bibtex    BibTeX/biblatex, for JabRef and LaTeX
  csl-json  CSL-JSON, for pandoc --citeproc and Zotero

Every format names the bulletin as container, its issue, date, pages, the
issuer as publisher, the reporting body as author, language zh-CN, and the
article id with its source file and page. For the hits of a search use
jianbao search --format ris|bibtex|csl-json.`,
		Example: `  jianbao cite 2021-014-02
  jianbao cite 2021-014-01 2021-014-03
  jianbao cite --format ris 2021-014 > 2021-014.ris
  jianbao cite --format bibtex 2021-014-02 >> refs.bib
  jianbao cite --format csl-json 2021-014-02 > refs.json && pandoc --citeproc --bibliography refs.json paper.md`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ids = args
			return runCite(cmd.Context(), a, opts)
		},
	}
	addIndexFlag(cmd.Flags(), &opts.index)
	cmd.Flags().StringVarP(&opts.format, "format", "f", report.FormatGBT7714, "citation format: "+strings.Join(report.CiteFormats, ", "))
	return cmd
}

func runCite(ctx context.Context, a *app, opts citeOptions) error {
	if !slices.Contains(report.CiteFormats, opts.format) {
		return usageError{fmt.Errorf("unknown format %q: want %s", opts.format, strings.Join(report.CiteFormats, ", "))}
	}
	if len(opts.ids) == 0 {
		return usageError{errors.New("cite needs at least one article ID, such as 2021-014-02")}
	}
	for _, id := range opts.ids {
		if _, ok := report.ArticleIssueID(id); ok {
			continue
		}
		if issueID, ok := query.IssueID(id); !ok || issueID != id {
			return usageError{fmt.Errorf("%q is neither an article id such as 2021-014-02 nor an issue id such as 2021-014", id)}
		}
	}
	ix, server, err := openReader(indexDir(opts.index), "jianbao cite", a)
	if err != nil {
		return err
	}
	var store report.IssueStore = server
	base := ""
	if server != nil {
		base = server.URL
	} else {
		defer ix.Close()
		store = ix
	}
	refs, err := report.References(ctx, store, opts.ids, base)
	if err != nil {
		return err
	}
	return report.WriteCitations(a.out, refs, opts.format)
}
