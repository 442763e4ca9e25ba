package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"jianbao/archive"
	"jianbao/ingest"
)

type parseOptions struct {
	format string
	read   readerOptions
	themes string
	files  []string
}

func newParseCmd(a *app) *cobra.Command {
	opts := parseOptions{}
	cmd := &cobra.Command{
		Use:   "parse FILE...",
		Short: "Print the structured record of each bulletin file",
		Long: `parse reads bulletin files (TXT in UTF-8 or GB18030/GBK, and PDF) and prints the
record of each: header, footer, distribution lists and articles, as specified
in the record schema. A file that cannot be read or is not a bulletin is
reported on stderr with the reason, the others still print, and the exit
status is 1. Problems inside a bulletin (an article with no attribution, a
damaged footer) are warnings: the rest of the record still prints. Articles
are tagged with the built-in theme taxonomy, or that of --themes FILE.`,
		Example: `  jianbao parse testdata/sample/bulletin-2021-014.txt
  jianbao parse --format json testdata/sample/*.txt > records.json
  jianbao parse --format jsonl testdata/sample/*.txt | wc -l`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError{errors.New("parse needs at least one FILE")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.files = args
			if err := opts.read.check(); err != nil {
				return err
			}
			return runParse(cmd.Context(), a, opts)
		},
	}
	cmd.Flags().StringVarP(&opts.format, "format", "f", "text", "output format: text, json or jsonl")
	addReaderFlags(cmd.Flags(), &opts.read)
	cmd.Flags().StringVar(&opts.themes, "themes", "", "theme taxonomy `FILE` to tag articles with (default: the built-in one)")
	return cmd
}

func runParse(ctx context.Context, a *app, opts parseOptions) error {
	themes, err := loadThemes(opts.themes)
	if err != nil {
		return err
	}
	write, finish, err := recordWriter(a.out, opts.format, len(opts.files))
	if err != nil {
		return err
	}
	pool, err := newPool(a, opts.read, themes)
	if err != nil {
		return err
	}
	defer pool.Close()
	ctx, cancel := context.WithCancel(ctx)
	results := archive.ReadInOrder(ctx, pool, opts.files, opts.read.workers)
	defer func() {
		cancel()
		for range results { // the reads started end at once
		}
	}()
	failed := 0
	for r := range results {
		switch {
		case r.Err != nil:
			fmt.Fprintf(a.errOut, "error: %v\n", r.Err)
			failed++
			continue
		case len(r.Warnings) > 0:
			for _, w := range r.Warnings {
				fmt.Fprintf(a.errOut, "warning: %s: %s\n", r.Path, w)
			}
		}
		if err := write(r.Issue); err != nil {
			return err
		}
	}
	if err := finish(); err != nil {
		return err
	}
	if failed > 0 {
		fmt.Fprintf(a.errOut, "%d of %d files failed\n", failed, len(opts.files))
		return errSomeFailed
	}
	return nil
}

// recordWriter returns a function that writes one Issue in format and one
// that ends the output. json prints one object for a single file and an
// array for several.
func recordWriter(w io.Writer, format string, n int) (write func(*ingest.Issue) error, finish func() error, err error) {
	switch format {
	case "text":
		return func(iss *ingest.Issue) error { return writeIssueText(w, iss) }, func() error { return nil }, nil
	case "jsonl":
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		return func(iss *ingest.Issue) error { return enc.Encode(iss) }, func() error { return nil }, nil
	case "json":
		if n == 1 {
			enc := json.NewEncoder(w)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			return func(iss *ingest.Issue) error { return enc.Encode(iss) }, func() error { return nil }, nil
		}
		all := []*ingest.Issue{}
		write = func(iss *ingest.Issue) error { all = append(all, iss); return nil }
		finish = func() error {
			enc := json.NewEncoder(w)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			return enc.Encode(all)
		}
		return write, finish, nil
	}
	return nil, nil, usageError{fmt.Errorf("unknown format %q: want text, json or jsonl", format)}
}

// writeIssueText prints a readable view of an Issue.
func writeIssueText(w io.Writer, iss *ingest.Issue) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s  %s", iss.ID, masthead(iss.Title, iss.Special, iss.Issue, iss.TotalIssue))
	fmt.Fprintf(&b, "\n%s  %s  %s", iss.Date, iss.Issuer, iss.Source.Path)
	if iss.Source.Pages > 0 {
		fmt.Fprintf(&b, "  %d页", iss.Source.Pages)
	}
	b.WriteString("\n")
	for _, n := range iss.Source.PageNotes {
		fmt.Fprintf(&b, "  第%d页: %s (%s)%s\n", n.Page, n.Status, n.Reason, confidenceNote(n))
	}
	for _, c := range iss.Source.Corrections {
		fmt.Fprintf(&b, "  第%d页 第%d行 校正(%s): %s → %s\n", c.Page, c.Line, c.Kind, c.From, orDash(c.To))
	}
	for _, art := range iss.Articles {
		fmt.Fprintf(&b, "\n  %s  【%s】 %s\n", art.ID, art.Section, art.Headline)
		fmt.Fprintf(&b, "      来源: %s", orDash(art.SourceOrg))
		if art.District != "" {
			fmt.Fprintf(&b, " (%s)", art.District)
		}
		if art.Page > 0 {
			fmt.Fprintf(&b, "  第%d页", art.Page)
		}
		fmt.Fprintf(&b, "  %d字\n", len([]rune(art.Body)))
		if len(art.DistrictsMentioned) > 0 {
			fmt.Fprintf(&b, "      提及: %s\n", strings.Join(art.DistrictsMentioned, " "))
		}
		if len(art.OrgDetails) > 0 {
			names := make([]string, len(art.OrgDetails))
			for i, o := range art.OrgDetails {
				names[i] = o.Name + "(" + o.Type + ")"
			}
			fmt.Fprintf(&b, "      机构: %s\n", strings.Join(names, " "))
		} else if len(art.Organisations) > 0 {
			fmt.Fprintf(&b, "      机构: %s\n", strings.Join(art.Organisations, " "))
		}
	}
	fmt.Fprintf(&b, "\n  责编: %s  核稿: %s  电话: %s  传真: %s  邮箱: %s\n",
		orDash(iss.Editor), orDash(iss.Reviewer), orDash(iss.Contact.Phone), orDash(iss.Contact.Fax), orDash(iss.Contact.Email))
	for _, d := range []struct {
		key  string
		list []string
	}{{"报", iss.Distribution.ReportTo}, {"送", iss.Distribution.SendTo}, {"发", iss.Distribution.IssueTo}} {
		if len(d.list) > 0 {
			fmt.Fprintf(&b, "  %s: %s\n", d.key, strings.Join(d.list, " | "))
		}
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// masthead is the line that names an issue: 首都精神文明建设情况简报 · 专刊  第2期 (总第2180期).
func masthead(title, special string, issue, total int) string {
	s := title
	if special != "" {
		s += " · " + special
	}
	s += fmt.Sprintf("  第%d期", issue)
	if total > 0 {
		s += fmt.Sprintf(" (总第%d期)", total)
	}
	return s
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// confidenceNote describes the OCR confidence of a page, flagged when low.
func confidenceNote(n ingest.PageNote) string {
	if n.Status != ingest.PageStatusOCR || n.Confidence == 0 {
		return ""
	}
	s := fmt.Sprintf(", 置信度 %.0f", n.Confidence)
	if n.LowConfidence {
		s += " (低: 请对照原件核对)"
	}
	return s
}
