package index

import (
	"context"
	"errors"
	"fmt"

	"github.com/blevesearch/bleve/v2"

	"jianbao/ingest"
)

// exportPage is the number of records EachArticle reads from the index at
// once.
const exportPage = 500

// ArticleRecord is an article as the index stores it, with the fields of its
// issue that place it: the issue ID, date and number.
type ArticleRecord struct {
	IssueID string `json:"issue_id"`
	Date    string `json:"date"`
	Issue   int    `json:"issue"`
	ingest.Article
}

// EachArticle calls fn with every article that expr matches, oldest issue
// first and in ID order within a date, with the header of its issue (the
// issue record with its files but without articles; do not modify it).
// Unlike Search it has no limit: it pages through the index, so the whole
// archive can be streamed. It stops at the first error of fn and returns it.
func (ix *Index) EachArticle(ctx context.Context, expr Expr, fn func(head *Issue, a *ArticleRecord) error) error {
	q, err := ix.compile(expr, false)
	if err != nil {
		return err
	}
	if !articlesOnly(expr) {
		q = bleve.NewConjunctionQuery(term(fType, typeArticle), q)
	}
	heads := map[string]*Issue{} // the issue of the current date
	var after []string
	for {
		br := bleve.NewSearchRequestOptions(q, exportPage, 0, false)
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
				if head, err = ix.issueHead(a.IssueID); err != nil {
					return fmt.Errorf("export: %w", err)
				}
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
		if len(res.Hits) < exportPage {
			return nil
		}
		after = res.Hits[len(res.Hits)-1].Sort
	}
}

// issueHead returns the stored record of issue id without its articles.
func (ix *Index) issueHead(id string) (*Issue, error) {
	iss, err := ix.issueRecord(id)
	if err != nil {
		return nil, err
	}
	iss.Articles = nil
	return iss, nil
}

// EachIssue calls fn with every issue that has an article expr matches, with
// all its articles, in the order of Issues (ID order). For All it calls fn
// with every issue, those without articles too. It stops at the first error
// of fn and returns it.
func (ix *Index) EachIssue(ctx context.Context, expr Expr, fn func(iss *Issue) error) error {
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
		if err := ctx.Err(); err != nil {
			return err
		}
		iss, err := ix.Issue(ctx, id)
		if errors.Is(err, ErrNotFound) {
			continue // removed since the list was made
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
