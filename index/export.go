package index

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2/search/query"

	"jianbao/ingest"
)

// ArticleRecord is an article as the index stores it, with the fields of its
// issue that place it: the issue ID, date and number.
type ArticleRecord struct {
	IssueID string `json:"issue_id"`
	Date    string `json:"date"`
	Issue   int    `json:"issue"`
	ingest.Article
}

// EachArticle calls fn with every article that expr matches, oldest issue
// first and in ID order within a date (undated issues first),
// with the header of its issue (the issue record with its files but without
// articles; do not modify either, nor keep rec after fn returns). Unlike
// Search it has no limit: it reads one snapshot of the index in one pass,
// date by date, decoding a few dates at a time in parallel, so the whole
// archive streams in memory that does not grow with it. It stops at the
// first error of fn, or when ctx is done, and returns that error.
func (ix *Index) EachArticle(ctx context.Context, expr Expr, fn func(head *Issue, rec *ArticleRecord) error) error {
	return ix.eachArticle(ctx, expr, sparseMatches, fn)
}

// eachArticle is EachArticle, reading the dates of the matches rather
// than every date for at most sparse matches.
func (ix *Index) eachArticle(ctx context.Context, expr Expr, sparse int, fn func(head *Issue, rec *ArticleRecord) error) error {
	sc, match, matched, err := ix.scanMatching(ctx, expr)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer sc.close() // nothing to report: reading is done
	// Every date in order, or for a filter that matches few articles the
	// dates of those alone; the documents of each in one group.
	eachDate := func(ctx context.Context, fn func(date string) error) ([]uint64, error) {
		if match == nil || matched > sparse {
			return nil, sc.terms(ctx, fDate, fn)
		}
		dates, undated, err := sc.datesOf(ctx, match)
		if err != nil {
			return nil, err
		}
		for _, d := range dates {
			if err := fn(d); err != nil {
				return nil, err
			}
		}
		return undated, nil
	}
	dates := func(ctx context.Context, send func([]uint64) error) error {
		var done docSet
		undated, err := eachDate(ctx, func(date string) error {
			docs, err := sc.postings(ctx, fDate, date, nil)
			if err != nil {
				return err
			}
			for _, n := range docs {
				done.add(n)
			}
			if !sc.anyArticle(docs, match) {
				return nil
			}
			return send(docs)
		})
		if err != nil {
			return err
		}
		// Documents without a date term (jianbao writes none): last,
		// where a search sorted by date puts them.
		rest := undated
		if match == nil || matched > sparse {
			err = sc.all(ctx, func(n uint64) error {
				if !done.has(n) {
					rest = append(rest, n)
				}
				return nil
			})
		}
		if err != nil || !sc.anyArticle(rest, match) {
			return err
		}
		return send(rest)
	}
	load := func(docs []uint64) ([]headed, error) {
		arts, err := sc.articles(ctx, docs, match)
		if err != nil {
			return nil, fmt.Errorf("export: %w", err)
		}
		return arts, nil
	}
	groups := func(ctx context.Context, send func([]uint64) error) error {
		if err := dates(ctx, send); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		return nil
	}
	return inOrder(ctx, groups, load, func(arts []headed) error {
		for i := range arts {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := fn(arts[i].head, &arts[i].rec); err != nil {
				return err
			}
		}
		return nil
	})
}

// sparseMatches is the most matching documents for which EachArticle
// reads the dates of the matches (a set of at most this many dates) rather
// than every date of the index.
const sparseMatches = 20000

// scanMatching opens a scan and returns the articles that expr matches
// and their number, nil for every article.
func (ix *Index) scanMatching(ctx context.Context, expr Expr) (*scan, docSet, int, error) {
	_, all := expr.(All)
	var q query.Query
	if !all && expr != nil {
		var err error
		if q, err = ix.compile(expr, false); err != nil {
			return nil, nil, 0, err
		}
	}
	sc, err := ix.openScan(ctx)
	if err != nil {
		return nil, nil, 0, err
	}
	if q == nil {
		return sc, nil, 0, nil
	}
	match, n, err := sc.matching(ctx, q)
	if err != nil {
		sc.close() // the error of the search is the one to report
		return nil, nil, 0, err
	}
	return sc, match, n, nil
}

// headed is an article record with the header of its issue.
type headed struct {
	head *Issue
	rec  ArticleRecord
}

// anyArticle reports whether docs has an article in match (nil: any).
func (s *scan) anyArticle(docs []uint64, match docSet) bool {
	for _, n := range docs {
		if !s.issues.has(n) && (match == nil || match.has(n)) {
			return true
		}
	}
	return false
}

// articles returns the records of the articles among docs that are in
// match (nil: all), in ID order, with the headers of their issues, which
// are among docs.
func (s *scan) articles(ctx context.Context, docs []uint64, match docSet) ([]headed, error) {
	var out []headed
	var issues []uint64
	for _, n := range docs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if s.issues.has(n) {
			issues = append(issues, n)
			continue
		}
		if match != nil && !match.has(n) {
			continue
		}
		a, ok, err := s.article(n)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, headed{rec: ArticleRecord(a)})
		}
	}
	slices.SortFunc(out, func(a, b headed) int { return strings.Compare(a.rec.ID, b.rec.ID) })
	// The headers of the issues that have an article here.
	for _, n := range issues {
		id, err := s.id(n)
		if err != nil {
			return nil, err
		}
		var head *Issue
		for i := range out {
			if out[i].rec.IssueID != id {
				continue
			}
			if head == nil {
				if head, err = s.issueHead(n, id); err != nil {
					return nil, err
				}
			}
			out[i].head = head
		}
	}
	for _, a := range out {
		if a.head == nil {
			return nil, fmt.Errorf("article %s: issue %s: %w", a.rec.ID, a.rec.IssueID, ErrNotFound)
		}
	}
	return out, nil
}

// decodeIssueHead returns the issue record of issue document id from its
// stored record, without articles.
func decodeIssueHead(id string, rec []byte) (*Issue, error) {
	var iss Issue
	if err := decodeRecord(rec, &iss); err != nil {
		return nil, fmt.Errorf("read issue %s: %w", id, err)
	}
	iss.Articles = nil
	return &iss, nil
}

// EachIssue calls fn with every issue that has an article expr matches,
// with all its articles, in ID order. For All it calls fn with every issue,
// those without articles too. Like EachArticle it reads one snapshot in one
// pass, an issue at a time. It stops at the first error of fn, or when ctx
// is done, and returns that error.
func (ix *Index) EachIssue(ctx context.Context, expr Expr, fn func(iss *Issue) error) error {
	sc, match, _, err := ix.scanMatching(ctx, expr)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer sc.close() // nothing to report: reading is done
	return sc.eachIssue(ctx, match, fn)
}

// eachIssue calls fn with every issue of the snapshot, in ID order, with
// its articles in order; with match, only the issues with an article in
// it. Issues are read a few at a time in parallel.
func (s *scan) eachIssue(ctx context.Context, match docSet, fn func(iss *Issue) error) error {
	return eachIssueOf(ctx, s, match, func(iss *Issue) (*Issue, error) { return iss, nil }, fn)
}

// eachIssueOf is eachIssue with each issue turned into a T by prepare,
// which runs on the goroutines that read the issues, in parallel.
func eachIssueOf[T any](ctx context.Context, s *scan, match docSet, prepare func(*Issue) (T, error), fn func(T) error) error {
	ids := func(ctx context.Context, send func([]uint64) error) error {
		return s.terms(ctx, fIssueID, func(id string) error {
			docs, err := s.postings(ctx, fIssueID, id, nil)
			if err != nil {
				return err
			}
			if !slices.ContainsFunc(docs, s.issues.has) {
				return nil // articles without their issue make no issue
			}
			if match != nil && !s.anyArticle(docs, match) {
				return nil
			}
			return send(docs)
		})
	}
	load := func(docs []uint64) (T, error) {
		iss, err := s.issue(ctx, docs)
		if err != nil {
			var zero T
			return zero, fmt.Errorf("read index: %w", err)
		}
		return prepare(iss)
	}
	return inOrder(ctx, ids, load, fn)
}

// issue returns the issue whose documents are docs, with its articles in
// order.
func (s *scan) issue(ctx context.Context, docs []uint64) (*Issue, error) {
	var iss *Issue
	var arts []storedArticle
	for _, n := range docs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if s.issues.has(n) {
			id, err := s.id(n)
			if err != nil {
				return nil, err
			}
			if iss, err = s.issueHead(n, id); err != nil {
				return nil, err
			}
			continue
		}
		a, ok, err := s.article(n)
		if err != nil {
			return nil, err
		}
		if ok {
			arts = append(arts, a)
		}
	}
	if iss == nil {
		return nil, fmt.Errorf("issue of documents %v: %w", docs, ErrNotFound)
	}
	slices.SortStableFunc(arts, func(a, b storedArticle) int { return a.Seq - b.Seq })
	iss.Articles = make([]ingest.Article, len(arts))
	for i, a := range arts {
		iss.Articles[i] = a.Article
	}
	return iss, nil
}
