package index

import (
	"context"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bindex "github.com/blevesearch/bleve_index_api"
)

// charQuery ranks the articles whose text holds one character: text
// finds them (the bigrams that start with it, unscored), and each scores
// 1, or 2 when its headline holds the character too (head). A boolean
// query of the two (text a must of score 1, head a should of score 1)
// scores so when it leads the search, but ANDed with another query, which
// advances it, bleve's boolean searcher missed headline matches and
// scored them 1 (TestCharQuery); charSearcher advances head itself.
type charQuery struct{ text, head query.Query }

// Searcher implements query.Query.
func (q charQuery) Searcher(ctx context.Context, r bindex.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	inner := unscoredOptions(opts)
	text, err := q.text.Searcher(ctx, r, m, inner)
	if err != nil || opts.Score == "none" {
		return text, err
	}
	head, err := q.head.Searcher(ctx, r, m, inner)
	if err != nil {
		_ = text.Close() // the error to report is the one above
		return nil, err
	}
	return &charSearcher{text: text, head: head}, nil
}

// charSearcher is charQuery's searcher: the matches of text, each scored
// by whether head, advanced alongside, holds it too.
type charSearcher struct {
	text, head search.Searcher
	at         *search.DocumentMatch // head's match at or after the last one returned
	headDone   bool                  // head has no more matches
}

// Next implements search.Searcher.
func (s *charSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	m, err := s.text.Next(ctx)
	return s.scored(ctx, m, err)
}

// Advance implements search.Searcher.
func (s *charSearcher) Advance(ctx *search.SearchContext, id bindex.IndexInternalID) (*search.DocumentMatch, error) {
	m, err := s.text.Advance(ctx, id)
	return s.scored(ctx, m, err)
}

// scored gives m its score, advancing head to it.
func (s *charSearcher) scored(ctx *search.SearchContext, m *search.DocumentMatch, err error) (*search.DocumentMatch, error) {
	if m == nil || err != nil {
		return m, err
	}
	m.Score = 1
	if !s.headDone && (s.at == nil || s.at.IndexInternalID.Compare(m.IndexInternalID) < 0) {
		if s.at != nil {
			ctx.DocumentMatchPool.Put(s.at)
		}
		if s.at, err = s.head.Advance(ctx, m.IndexInternalID); err != nil {
			return nil, err
		}
		s.headDone = s.at == nil
	}
	if s.at != nil && s.at.IndexInternalID.Equals(m.IndexInternalID) {
		m.Score = 2
	}
	return m, nil
}

// Weight implements search.Searcher: that of the boolean query it stands
// for, two clauses of weight 1, so that the query norm of a query around
// it is what it was.
func (s *charSearcher) Weight() float64 { return 2 }

// SetQueryNorm implements search.Searcher: the scores stay as they are.
func (s *charSearcher) SetQueryNorm(float64) {}

// Count implements search.Searcher: text's.
func (s *charSearcher) Count() uint64 { return s.text.Count() }

// Min implements search.Searcher.
func (s *charSearcher) Min() int { return 0 }

// Size implements search.Searcher.
func (s *charSearcher) Size() int { return s.text.Size() + s.head.Size() }

// DocumentMatchPoolSize implements search.Searcher: text's and head's,
// which holds one match between calls.
func (s *charSearcher) DocumentMatchPoolSize() int {
	return s.text.DocumentMatchPoolSize() + s.head.DocumentMatchPoolSize() + 1
}

// Close implements search.Searcher.
func (s *charSearcher) Close() error {
	err := s.text.Close()
	if err2 := s.head.Close(); err == nil {
		err = err2
	}
	return err
}
