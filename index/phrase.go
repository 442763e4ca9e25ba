package index

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bindex "github.com/blevesearch/bleve_index_api"

	"jianbao/segment"
)

// bigramPhrase matches the documents whose field holds terms[i] at position
// p+offs[i] for some p, for every i: the bigrams of a query at their places
// in the text. It does what bleve's phrase query does for such a phrase,
// with far less work per document: the documents holding every term are
// found by leapfrogging postings without positions, and positions are read
// only for those, into buffers that are reused (never for a single term,
// which needs no check). Of the phrase's bigrams it reads a cheapest cover
// (cheapestCover): every character in one of them, the fewest postings in
// all. It scores like a term as rare as the phrase's rarest bigram (idf)
// that occurs as often as the phrase in a field of that length (tf-idf),
// raised when the head field (the headline's bigrams, without positions)
// holds every term. A single term's frequency comes from its postings.
type bigramPhrase struct {
	field, head string
	bigrams     []string // at every offset of the phrase
}

// newBigramPhrase returns the phrase of v's bigrams (v of 2+ characters).
func newBigramPhrase(field, head, v string) *bigramPhrase {
	return &bigramPhrase{field: field, head: head, bigrams: segment.Bigram(v)}
}

// cheapestCover returns the offsets of the bigrams that a phrase must
// match, given the cost of each (its postings): the first and the last, and
// no two in a row left out, so that every character is in one. Of such
// sets it returns the one of least cost, each term costing termCost more
// for the reader it opens.
func cheapestCover(costs []uint64) []int {
	const termCost = 64
	best := make([]uint64, len(costs)) // least cost of a cover ending at o
	prev := make([]int, len(costs))
	for o, c := range costs {
		best[o], prev[o] = c+termCost, -1
		if o == 0 {
			continue
		}
		p := o - 1
		if o >= 2 && best[o-2] <= best[o-1] {
			p = o - 2
		}
		best[o] += best[p]
		prev[o] = p
	}
	var offs []int
	for o := len(costs) - 1; o >= 0; o = prev[o] {
		offs = append(offs, o)
	}
	slices.Reverse(offs)
	return offs
}

// headBonus is added to a phrase's term frequency (at most 1 after length
// normalisation) when its bigrams are in the headline (where, nearly
// always, the phrase is): such an article ranks above those that only have
// the phrase in the body, however often.
const headBonus = 3

// Searcher implements query.Query.
func (q *bigramPhrase) Searcher(ctx context.Context, r bindex.IndexReader, _ mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	s := &phraseSearcher{score: opts.Score != "none"}
	// A documents reader for every bigram gives the costs; those of the
	// cover are kept.
	all := make([]bindex.TermFieldReader, len(q.bigrams))
	costs := make([]uint64, len(q.bigrams))
	closeAll := func() {
		for _, d := range all {
			if d != nil {
				d.Close()
			}
		}
	}
	single := len(q.bigrams) == 1 && s.score // scored from its documents reader
	for i, t := range q.bigrams {
		d, err := r.TermFieldReader(ctx, []byte(t), q.field, single, single, false)
		if err != nil {
			closeAll()
			return nil, fmt.Errorf("phrase %q: %w", t, err)
		}
		all[i], costs[i] = d, d.Count()
	}
	offs := cheapestCover(costs)
	for _, o := range offs {
		t := q.bigrams[o]
		term := &phraseTerm{docs: all[o], off: o, count: costs[o]}
		all[o] = nil
		s.terms = append(s.terms, term)
		var err error
		if len(offs) > 1 {
			if term.pos, err = r.TermFieldReader(ctx, []byte(t), q.field, true, len(s.terms) == 1, true); err != nil {
				closeAll()
				s.Close()
				return nil, fmt.Errorf("phrase %q: %w", t, err)
			}
		}
		if s.score && q.head != "" {
			if term.head, err = r.TermFieldReader(ctx, []byte(t), q.head, false, false, false); err != nil {
				closeAll()
				s.Close()
				return nil, fmt.Errorf("phrase %q: %w", t, err)
			}
		}
	}
	closeAll()
	if len(s.terms) == 0 {
		return searcher.NewMatchNoneSearcher(r)
	}

	// The rarest term leads the leapfrog; the first term (whose reader
	// gives the field length) stays first for scoring.
	s.order = make([]*phraseTerm, len(s.terms))
	copy(s.order, s.terms)
	slices.SortStableFunc(s.order, func(a, b *phraseTerm) int { return int(a.count) - int(b.count) })
	if n, err := r.DocCount(); err == nil && s.score {
		s.idf = 1 + math.Log(float64(n)/float64(s.order[0].count+1))
		s.weight = s.idf
	}
	return s, nil
}

type phraseTerm struct {
	docs, pos, head     bindex.TermFieldReader
	off                 int
	count               uint64
	doc, posed, headDoc bindex.TermFieldDoc
	started             bool // doc holds the docs reader's current document
	headDone            bool // the head reader is past its last document
}

type phraseSearcher struct {
	terms  []*phraseTerm // in phrase order
	order  []*phraseTerm // rarest first
	score  bool
	idf    float64
	weight float64  // idf × query norm
	starts []uint64 // where the phrase may start
	at     []uint64 // positions of a term
	done   bool
}

// Next implements search.Searcher.
func (s *phraseSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	return s.seek(ctx, nil)
}

// Advance implements search.Searcher.
func (s *phraseSearcher) Advance(ctx *search.SearchContext, id bindex.IndexInternalID) (*search.DocumentMatch, error) {
	return s.seek(ctx, id)
}

// seek returns the first match at or after id (nil: after the last one
// returned).
func (s *phraseSearcher) seek(ctx *search.SearchContext, id bindex.IndexInternalID) (*search.DocumentMatch, error) {
	for !s.done {
		cand, err := s.candidate(id)
		if err != nil || cand == nil {
			s.done = cand == nil
			return nil, err
		}
		first := s.terms[0]
		freq, norm := int(first.doc.Freq), first.doc.Norm
		if first.pos != nil {
			if freq, err = s.occurrences(cand); err != nil {
				return nil, err
			}
			norm = first.posed.Norm
		} else if !s.score {
			freq = 1
		}
		if freq > 0 {
			m := ctx.DocumentMatchPool.Get()
			m.IndexInternalID = append(m.IndexInternalID[:0], cand...)
			if s.score {
				tf := math.Sqrt(float64(freq)) * norm
				head, err := s.inHead(cand)
				if err != nil {
					return nil, err
				}
				if head {
					tf += headBonus
				}
				m.Score = tf * s.idf * s.weight
			}
			return m, nil
		}
		id = nil
	}
	return nil, nil
}

// candidate returns the next document at or after id (nil: after the
// current one) that holds every term. No reader is moved backwards (that
// restarts it).
func (s *phraseSearcher) candidate(id bindex.IndexInternalID) (bindex.IndexInternalID, error) {
	lead := s.order[0]
	if id != nil && lead.started && lead.doc.ID.Compare(id) >= 0 {
		id = nil // already past id: go on from there
	}
	var d *bindex.TermFieldDoc
	var err error
	if id == nil {
		d, err = lead.docs.Next(&lead.doc)
	} else {
		d, err = lead.docs.Advance(id, &lead.doc)
	}
	lead.started = true
	for {
		if err != nil || d == nil {
			return nil, err
		}
		target := d.ID
		agreed := true
		for _, t := range s.order[1:] {
			if !t.started || t.doc.ID.Compare(target) < 0 {
				o, err := t.docs.Advance(target, &t.doc)
				if err != nil || o == nil {
					return nil, err
				}
				t.started = true
			}
			if c := t.doc.ID.Compare(target); c > 0 {
				target = t.doc.ID
				agreed = false
				break
			}
		}
		if agreed {
			return target, nil
		}
		d, err = lead.docs.Advance(target, &lead.doc)
	}
}

// occurrences returns the number of places in document id where every term
// sits at its offset.
func (s *phraseSearcher) occurrences(id bindex.IndexInternalID) (int, error) {
	s.starts = s.starts[:0]
	for i, t := range s.terms {
		d, err := t.pos.Advance(id, &t.posed)
		if err != nil {
			return 0, err
		}
		if d == nil || d.ID.Compare(id) != 0 {
			return 0, fmt.Errorf("phrase: postings of document %x disagree", []byte(id))
		}
		if i == 0 {
			for _, v := range d.Vectors {
				if v.Pos >= uint64(t.off) {
					s.starts = append(s.starts, v.Pos-uint64(t.off))
				}
			}
			slices.Sort(s.starts)
			continue
		}
		// Keep the starts p for which the term is at p+off: with both
		// lists sorted, one merge pass.
		s.at = s.at[:0]
		for _, v := range d.Vectors {
			s.at = append(s.at, v.Pos)
		}
		slices.Sort(s.at) // in order already: linear
		kept, j := s.starts[:0], 0
		for _, p := range s.starts {
			want := p + uint64(t.off)
			for j < len(s.at) && s.at[j] < want {
				j++
			}
			if j < len(s.at) && s.at[j] == want {
				kept = append(kept, p)
			}
		}
		s.starts = kept
		if len(s.starts) == 0 {
			return 0, nil
		}
	}
	return len(s.starts), nil
}

// inHead reports whether the head field of document id holds every term.
// Its readers only move forwards, as documents are matched in order.
func (s *phraseSearcher) inHead(id bindex.IndexInternalID) (bool, error) {
	for _, t := range s.terms {
		if t.head == nil || t.headDone {
			return false, nil
		}
		if t.headDoc.ID == nil || t.headDoc.ID.Compare(id) < 0 {
			d, err := t.head.Advance(id, &t.headDoc)
			if err != nil {
				return false, err
			}
			if d == nil {
				t.headDone = true
				return false, nil
			}
		}
		if !t.headDoc.ID.Equals(id) {
			return false, nil
		}
	}
	return true, nil
}

// Close implements search.Searcher.
func (s *phraseSearcher) Close() error {
	var first error
	var readers []bindex.TermFieldReader
	for _, t := range s.terms {
		readers = append(readers, t.docs, t.pos, t.head)
	}
	for _, r := range readers {
		if r != nil {
			if err := r.Close(); err != nil && first == nil {
				first = err
			}
		}
	}
	return first
}

// Weight implements search.Searcher.
func (s *phraseSearcher) Weight() float64 { return s.idf * s.idf }

// SetQueryNorm implements search.Searcher.
func (s *phraseSearcher) SetQueryNorm(n float64) { s.weight = s.idf * n }

// Count implements search.Searcher: at most the rarest term's documents.
func (s *phraseSearcher) Count() uint64 { return s.order[0].count }

// Min implements search.Searcher.
func (s *phraseSearcher) Min() int { return 0 }

// Size implements search.Searcher.
func (s *phraseSearcher) Size() int { return 64 + 8*(cap(s.starts)+cap(s.at)) + 256*len(s.terms) }

// DocumentMatchPoolSize implements search.Searcher.
func (s *phraseSearcher) DocumentMatchPoolSize() int { return 1 }

// unscored matches what q matches without scoring it: every match scores
// score. Filters (fields, dates, the document type), excluded terms and
// single characters (thousands of bigrams) gain nothing from tf-idf, and
// without it bleve ORs their postings as bitmaps.
type unscored struct {
	q     query.Query
	score float64
}

// Searcher implements query.Query.
func (u unscored) Searcher(ctx context.Context, r bindex.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	inner := opts
	inner.Score, inner.IncludeTermVectors, inner.Explain = "none", false, false
	s, err := u.q.Searcher(ctx, r, m, inner)
	if err != nil || opts.Score == "none" {
		return s, err
	}
	return &constScorer{Searcher: s, score: u.score}, nil
}

// constScorer gives every match of its searcher the same score.
type constScorer struct {
	search.Searcher
	score float64
}

// Next implements search.Searcher.
func (c *constScorer) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	m, err := c.Searcher.Next(ctx)
	if m != nil {
		m.Score = c.score
	}
	return m, err
}

// Advance implements search.Searcher.
func (c *constScorer) Advance(ctx *search.SearchContext, id bindex.IndexInternalID) (*search.DocumentMatch, error) {
	m, err := c.Searcher.Advance(ctx, id)
	if m != nil {
		m.Score = c.score
	}
	return m, err
}

// Weight implements search.Searcher: that of a clause of boost 1, so that
// query norms stay finite when nothing else scores.
func (c *constScorer) Weight() float64 { return 1 }

// SetQueryNorm implements search.Searcher: the score stays as it is.
func (c *constScorer) SetQueryNorm(float64) {}

// rankWords scores the articles whose word field holds any of words
// (tf-idf), leaving out the words that no article has and those in more
// than a maxWordShare of the documents: they weigh little in a score and
// cost a posting list as long as the archive.
type rankWords struct{ words []string }

// maxWordShare is the share of the documents above which a word does not rank.
const maxWordShare = 0.25

// Searcher implements query.Query.
func (q rankWords) Searcher(ctx context.Context, r bindex.IndexReader, _ mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	n, err := r.DocCount()
	if err != nil {
		return nil, fmt.Errorf("rank words: %w", err)
	}
	var ss []search.Searcher
	closeAll := func() {
		for _, s := range ss {
			s.Close()
		}
	}
	for _, w := range q.words {
		tfr, err := r.TermFieldReader(ctx, []byte(w), fWords, false, false, false)
		if err != nil {
			closeAll()
			return nil, fmt.Errorf("rank words: %w", err)
		}
		c := tfr.Count()
		tfr.Close()
		if c == 0 || float64(c) > maxWordShare*float64(n) {
			continue
		}
		s, err := searcher.NewTermSearcher(ctx, r, w, fWords, 1, opts)
		if err != nil {
			closeAll()
			return nil, fmt.Errorf("rank words: %w", err)
		}
		ss = append(ss, s)
	}
	switch len(ss) {
	case 0:
		return searcher.NewMatchNoneSearcher(r)
	case 1:
		return ss[0], nil
	}
	return searcher.NewDisjunctionSearcher(ctx, r, ss, 0, opts)
}
