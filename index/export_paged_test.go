package index

import (
	"context"
	"errors"
	"fmt"

	"github.com/blevesearch/bleve/v2"
)

// This file keeps the export of earlier versions, pages of sorted
// searches, as the reference that the streaming export is compared with
// (TestEachArticleAsPaged) and measured against (BenchmarkExport).

// pagedExportPage is the number of records a page held.
const pagedExportPage = 500

// eachArticlePaged is EachArticle as it was: pages of 500 hits sorted by
// date and ID, each page a new search.
func (ix *Index) eachArticlePaged(ctx context.Context, expr Expr, fn func(head *Issue, a *ArticleRecord) error) error {
	q, err := ix.compile(expr, false)
	if err != nil {
		return err
	}
	if !articlesOnly(expr) {
		q = bleve.NewConjunctionQuery(term(fType, typeArticle), q)
	}
	heads := map[string]*Issue{}
	var after []string
	for {
		br := bleve.NewSearchRequestOptions(q, pagedExportPage, 0, false)
		br.Fields = articleFields
		br.Score = "none"
		br.SortBy([]string{fDate, "_id"})
		if after != nil {
			br.SetSearchAfter(after)
		}
		res, err := ix.bi.SearchInContext(ctx, br)
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		for _, h := range res.Hits {
			a, err := decodeArticle(h.Fields)
			if err != nil {
				return fmt.Errorf("export: record of %s: %w", h.ID, err)
			}
			head, ok := heads[a.IssueID]
			if !ok {
				if head, err = ix.issueRecord(a.IssueID); err != nil {
					return fmt.Errorf("export: %w", err)
				}
				head.Articles = nil
				if len(heads) > 64 {
					clear(heads)
				}
				heads[a.IssueID] = head
			}
			rec := ArticleRecord(a)
			if err := fn(head, &rec); err != nil {
				return err
			}
		}
		if len(res.Hits) < pagedExportPage {
			return nil
		}
		after = res.Hits[len(res.Hits)-1].Sort
	}
}

// eachIssuePaged is EachIssue as it was: the issue list, a faceted search
// for the issues with a match, and each issue read by Issue.
func (ix *Index) eachIssuePaged(ctx context.Context, expr Expr, fn func(iss *Issue) error) error {
	var ids []string
	if _, all := expr.(All); all || expr == nil {
		list, err := ix.Issues(ctx)
		if err != nil {
			return err
		}
		for _, it := range list {
			ids = append(ids, it.ID)
		}
	} else {
		res, err := ix.Search(ctx, Request{Expr: expr, Limit: 1, Sort: SortDate, Facets: []string{FacetIssueID}})
		if err != nil {
			return err
		}
		have := map[string]bool{}
		for _, fc := range res.Facets[FacetIssueID] {
			if fc.Count > 0 {
				have[fc.Value] = true
			}
		}
		list, err := ix.Issues(ctx)
		if err != nil {
			return err
		}
		for _, it := range list {
			if have[it.ID] {
				ids = append(ids, it.ID)
			}
		}
	}
	for _, id := range ids {
		iss, err := ix.Issue(ctx, id)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		if err := fn(iss); err != nil {
			return err
		}
	}
	return nil
}
