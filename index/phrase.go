package index

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bindex "github.com/blevesearch/bleve_index_api"

	"jianbao/segment"
)

// bigramPhrase matches the documents whose search text (field fText, its
// bigrams; fMatch, the text) contains a phrase. The documents holding
// every bigram of a cheapest cover (cheapestCover: every character in one
// of them, the fewest postings in all) are found by leapfrogging their
// postings; each is then checked against its stored search text, where the
// phrase's occurrences are counted (a single bigram needs no check: its
// postings give its frequency). It scores like a term as rare as the
// phrase's rarest bigram (idf) that occurs as often as the phrase in a field
// of that length (tf-idf), raised when the phrase is in the headline (for
// a single bigram: when the head field, the headline's bigrams, holds it),
// and by the tf-idf of the words (dictionary words of the query, field
// fWords) that a match holds as words.
type bigramPhrase struct {
	field, head string
	bigrams     []string   // at every offset of the phrase
	utf16       []byte     // the phrase as stored search texts hold it
	words       []string   // that may rank the matches
	texts       *textCache // the index's, nil: none
}

// newBigramPhrase returns the phrase v (of 2+ characters), ranked by the
// words among words that the index has.
func newBigramPhrase(field, head, v string, words []string, texts *textCache) *bigramPhrase {
	return &bigramPhrase{field: field, head: head, bigrams: segment.Bigram(v), utf16: appendUTF16(nil, v), words: words, texts: texts}
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
	if len(q.bigrams) == 0 {
		return searcher.NewMatchNoneSearcher(r)
	}
	s := &phraseSearcher{q: q, ctx: ctx, r: r, score: opts.Score != "none"}
	// A documents reader for every bigram gives the costs; those of the
	// cover are kept for the first cursor.
	all := make([]bindex.TermFieldReader, len(q.bigrams))
	costs := make([]uint64, len(q.bigrams))
	defer func() {
		for _, d := range all {
			if d != nil {
				d.Close()
			}
		}
	}()
	for i, t := range q.bigrams {
		d, err := s.docsReader(t)
		if err != nil {
			return nil, err
		}
		all[i], costs[i] = d, d.Count()
	}
	s.offs = cheapestCover(costs)
	s.count = slices.Min(costs)
	var err error
	if s.docs, err = r.DocCount(); err != nil {
		return nil, fmt.Errorf("phrase: %w", err)
	}
	var words []*wordTerm
	if s.score {
		s.idf = 1 + math.Log(float64(s.docs)/float64(s.count+1))
		s.weight = s.idf
		if words, err = s.rankingWords(); err != nil {
			return nil, err
		}
	}
	if len(s.offs) > 1 {
		if s.texts, err = newMatchReader(ctx, r, q.texts); err != nil {
			closeWords(words)
			return nil, err
		}
	}
	first, err := s.cursor(func(o int) bindex.TermFieldReader { d := all[o]; all[o] = nil; return d }, words)
	if err != nil {
		return nil, err
	}
	s.main = first
	return s, nil
}

// maxWordShare is the share of the documents above which a word does not
// rank: it would weigh little in a score and cost a posting list as long
// as the archive.
const maxWordShare = 0.25

// wordRank is a word that ranks the matches of a phrase.
type wordRank struct {
	text string
	idf  float64
}

// rankingWords chooses the words of the phrase that rank its matches:
// those that the index has, in at most a maxWordShare of its documents.
// It returns their readers (for the first cursor) and keeps the choice
// for a second one.
func (s *phraseSearcher) rankingWords() ([]*wordTerm, error) {
	n := s.docs
	if len(s.q.words) == 0 {
		return nil, nil
	}
	// Most substrings of a query are no word: one dictionary lookup each
	// costs less than opening their postings (scorch can do it).
	var dict bindex.FieldDictContains
	if c, ok := s.r.(interface {
		FieldDictContains(string) (bindex.FieldDictContains, error)
	}); ok {
		var err error
		if dict, err = c.FieldDictContains(fWords); err != nil {
			return nil, fmt.Errorf("rank words: %w", err)
		}
	}
	var out []*wordTerm
	for _, w := range s.q.words {
		if dict != nil {
			ok, err := dict.Contains([]byte(w))
			if err != nil {
				closeWords(out)
				return nil, fmt.Errorf("rank words: %w", err)
			}
			if !ok {
				continue
			}
		}
		tfr, err := s.r.TermFieldReader(s.ctx, []byte(w), fWords, true, true, false)
		if err != nil {
			closeWords(out)
			return nil, fmt.Errorf("rank words: %w", err)
		}
		c := tfr.Count()
		if c == 0 || float64(c) > maxWordShare*float64(n) {
			tfr.Close()
			continue
		}
		wr := wordRank{text: w, idf: 1 + math.Log(float64(n)/float64(c+1))}
		s.words = append(s.words, wr)
		out = append(out, &wordTerm{wordRank: wr, r: tfr})
	}
	return out, nil
}

// wordTerm reads the postings of a ranking word forwards.
type wordTerm struct {
	wordRank
	r    bindex.TermFieldReader
	doc  bindex.TermFieldDoc
	done bool
}

// at returns the frequency and norm of the word in document id (0: none).
func (w *wordTerm) at(id bindex.IndexInternalID) (uint64, float64, error) {
	if w.done {
		return 0, 0, nil
	}
	if w.doc.ID == nil || w.doc.ID.Compare(id) < 0 {
		d, err := w.r.Advance(id, &w.doc)
		if err != nil {
			return 0, 0, err
		}
		if d == nil {
			w.done = true
			return 0, 0, nil
		}
	}
	if !w.doc.ID.Equals(id) {
		return 0, 0, nil
	}
	return w.doc.Freq, w.doc.Norm, nil
}

func closeWords(ws []*wordTerm) {
	for _, w := range ws {
		w.r.Close()
	}
}

// phraseSearcher finds the matches of a bigramPhrase with a cursor. When
// it is read to the end (splitAfter Next calls and no Advance), a worker
// goroutine finds those
// in the upper half of the documents with a second cursor meanwhile
// (ahead), so that a phrase found in thousands of documents takes both
// cores.
type phraseSearcher struct {
	q      *bigramPhrase
	ctx    context.Context
	r      bindex.IndexReader
	offs   []int  // the cover: offsets of the bigrams read
	count  uint64 // documents of the rarest bigram
	docs   uint64 // documents of the index
	score  bool
	idf    float64
	weight float64 // idf × query norm
	words  []wordRank
	texts  *matchReader // nil for a single term
	main   *cursor
	nexts  int    // Next calls, while there was no Advance
	ahead  *ahead // nil until split
}

// splitMin is the fewest documents of a phrase's rarest bigram for which
// its search is split between two goroutines (a variable for tests).
var splitMin uint64 = 1000

// splitAfter is the number of Next calls without an Advance after which a
// searcher is taken to be read to the end. A searcher driven by another
// (a filter's) sees an Advance first or soon: a boolean searcher calls
// Next twice before it advances.
const splitAfter = 64

// match is a document where the phrase is, with its term frequency (length
// normalised, headline bonus included).
type match struct {
	doc uint64
	tf  float64
}

// ahead is the work of the worker: every match from mid on. Its cursor is
// closed by the searcher's goroutine (closing reports to the search).
type ahead struct {
	mid     uint64
	cursor  *cursor
	stop    atomic.Bool
	done    chan struct{}
	matches []match // when done is closed
	err     error   // when done is closed
	next    int     // first match not yet returned
	id      bindex.IndexInternalID
}

// docsReader opens the documents reader of bigram t: without frequencies,
// except for a single bigram, which is scored from it.
func (s *phraseSearcher) docsReader(t string) (bindex.TermFieldReader, error) {
	single := len(s.q.bigrams) == 1 && s.score // scored from its documents reader
	d, err := s.r.TermFieldReader(s.ctx, []byte(t), s.q.field, single, single, false)
	if err != nil {
		return nil, fmt.Errorf("phrase %q: %w", t, err)
	}
	return d, nil
}

// cursor opens a cursor over the cover, with docs(o) as the documents
// reader of the bigram at offset o, and words as the ranking words' readers
// (nil: opened here).
func (s *phraseSearcher) cursor(docs func(o int) bindex.TermFieldReader, words []*wordTerm) (*cursor, error) {
	c := &cursor{score: s.score, idf: s.idf, words: words, texts: s.texts, phrase: s.q.utf16}
	if words == nil {
		for _, w := range s.words {
			tfr, err := s.r.TermFieldReader(s.ctx, []byte(w.text), fWords, true, true, false)
			if err != nil {
				c.close()
				return nil, fmt.Errorf("rank words: %w", err)
			}
			c.words = append(c.words, &wordTerm{wordRank: w, r: tfr})
		}
	}
	for _, o := range s.offs {
		t := s.q.bigrams[o]
		d := docs(o)
		if d == nil {
			var err error
			if d, err = s.docsReader(t); err != nil {
				c.close()
				return nil, err
			}
		}
		term := &phraseTerm{docs: d, count: d.Count()}
		c.terms = append(c.terms, term)
		if s.score && s.q.head != "" && s.texts == nil {
			var err error
			if term.head, err = s.r.TermFieldReader(s.ctx, []byte(t), s.q.head, false, false, false); err != nil {
				c.close()
				return nil, fmt.Errorf("phrase %q: %w", t, err)
			}
		}
	}
	// The rarest term leads the leapfrog.
	c.order = slices.Clone(c.terms)
	slices.SortStableFunc(c.order, func(a, b *phraseTerm) int { return int(a.count) - int(b.count) })
	return c, nil
}

// Next implements search.Searcher.
func (s *phraseSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	if s.nexts >= 0 {
		s.nexts++
		if s.nexts == splitAfter {
			s.split()
		}
	}
	return s.seek(ctx, nil)
}

// Advance implements search.Searcher.
func (s *phraseSearcher) Advance(ctx *search.SearchContext, id bindex.IndexInternalID) (*search.DocumentMatch, error) {
	s.nexts = -1 // driven by another searcher: most documents may be skipped
	return s.seek(ctx, id)
}

// split starts the worker on the upper half of the documents not yet read,
// if the phrase is common enough, has more than one term (a single term
// checks no text: its work per match is the collector's, which a
// second cursor does not share) and there is a core for it.
func (s *phraseSearcher) split() {
	if s.count < splitMin || len(s.offs) == 1 || runtime.GOMAXPROCS(0) < 2 || s.main.done || !s.main.order[0].started {
		return
	}
	n := s.docs
	cur := s.main.order[0].doc.ID.Value()
	if n <= cur+2*splitMin {
		return
	}
	c, err := s.cursor(func(int) bindex.TermFieldReader { return nil }, nil)
	if err != nil {
		return // the main cursor does it all
	}
	a := &ahead{mid: cur + (n-cur)/2, cursor: c, done: make(chan struct{})}
	c.stop = &a.stop
	s.ahead = a
	go func() {
		defer close(a.done)
		id := bindex.NewIndexInternalID(nil, a.mid)
		for {
			doc, tf, err := c.next(id)
			if err != nil {
				a.err = err
				return
			}
			if doc == nil {
				return
			}
			a.matches = append(a.matches, match{doc.Value(), tf})
			id = nil
		}
	}()
}

// seek returns the first match at or after id (nil: after the last one
// returned).
func (s *phraseSearcher) seek(ctx *search.SearchContext, id bindex.IndexInternalID) (*search.DocumentMatch, error) {
	a := s.ahead
	if a == nil || !s.main.done && (id == nil || id.Value() < a.mid) {
		doc, tf, err := s.main.next(id)
		if err != nil {
			return nil, err
		}
		if a == nil || doc != nil && doc.Value() < a.mid {
			return s.documentMatch(ctx, doc, tf), nil
		}
		s.main.done = true // the worker has the rest
	}
	<-a.done
	if a.err != nil {
		return nil, a.err
	}
	if id != nil {
		for a.next < len(a.matches) && a.matches[a.next].doc < id.Value() {
			a.next++
		}
	}
	if a.next == len(a.matches) {
		return nil, nil
	}
	m := a.matches[a.next]
	a.next++
	a.id = bindex.NewIndexInternalID(a.id, m.doc)
	return s.documentMatch(ctx, a.id, m.tf), nil
}

// documentMatch returns a match of document doc (nil: none).
func (s *phraseSearcher) documentMatch(ctx *search.SearchContext, doc bindex.IndexInternalID, tf float64) *search.DocumentMatch {
	if doc == nil {
		return nil
	}
	m := ctx.DocumentMatchPool.Get()
	m.IndexInternalID = append(m.IndexInternalID[:0], doc...)
	if s.score {
		m.Score = tf * s.idf * s.weight
	}
	return m
}

// Close implements search.Searcher.
func (s *phraseSearcher) Close() error {
	err := s.main.close()
	if s.ahead != nil {
		s.ahead.stop.Store(true)
		<-s.ahead.done
		if err2 := s.ahead.cursor.close(); err == nil {
			err = err2
		}
	}
	return err
}

// Weight implements search.Searcher: that of the phrase and its words as
// the clauses of a boolean query.
func (s *phraseSearcher) Weight() float64 {
	w := s.idf * s.idf
	for _, r := range s.words {
		w += r.idf * r.idf
	}
	return w
}

// SetQueryNorm implements search.Searcher.
func (s *phraseSearcher) SetQueryNorm(n float64) { s.weight = s.idf * n }

// Count implements search.Searcher: at most the rarest term's documents.
func (s *phraseSearcher) Count() uint64 { return s.count }

// Min implements search.Searcher.
func (s *phraseSearcher) Min() int { return 0 }

// Size implements search.Searcher.
func (s *phraseSearcher) Size() int {
	return 64 + cap(s.main.text) + 256*len(s.offs)
}

// DocumentMatchPoolSize implements search.Searcher.
func (s *phraseSearcher) DocumentMatchPoolSize() int { return 1 }

type phraseTerm struct {
	docs, head   bindex.TermFieldReader
	count        uint64
	doc, headDoc bindex.TermFieldDoc
	started      bool // doc holds the docs reader's current document
	headDone     bool // the head reader is past its last document
}

// cursor reads the postings of a phrase's terms forwards, one goroutine's.
type cursor struct {
	terms  []*phraseTerm // in phrase order
	order  []*phraseTerm // rarest first
	words  []*wordTerm
	score  bool
	idf    float64      // the phrase's
	texts  *matchReader // nil: a single term, no check
	phrase []byte       // UTF-16LE
	text   []byte       // the search text of the current candidate
	done   bool
	stop   *atomic.Bool // set: give up (nil: never)
}

// next returns the first document at or after id (nil: after the current
// one) where the phrase is, with its term frequency (nil at the end).
func (c *cursor) next(id bindex.IndexInternalID) (bindex.IndexInternalID, float64, error) {
	for !c.done && (c.stop == nil || !c.stop.Load()) {
		cand, err := c.candidate(id)
		if err != nil || cand == nil {
			c.done = cand == nil
			return nil, 0, err
		}
		first := c.terms[0]
		freq, norm, head := int(first.doc.Freq), first.doc.Norm, false
		if c.texts != nil {
			if freq, norm, head, err = c.check(cand); err != nil {
				return nil, 0, err
			}
		} else if !c.score {
			freq = 1
		}
		if freq == 0 {
			id = nil
			continue
		}
		if !c.score {
			return cand, 0, nil
		}
		tf := math.Sqrt(float64(freq)) * norm
		if c.texts == nil {
			if head, err = c.inHead(cand); err != nil {
				return nil, 0, err
			}
		}
		if head {
			tf += headBonus
		}
		// A word's tf-idf, in terms of the phrase's idf (documentMatch
		// multiplies by it twice).
		for _, w := range c.words {
			f, norm, err := w.at(cand)
			if err != nil {
				return nil, 0, err
			}
			if f > 0 {
				r := w.idf / c.idf
				tf += math.Sqrt(float64(f)) * norm * r * r
			}
		}
		return cand, tf, nil
	}
	return nil, 0, nil
}

// candidate returns the next document at or after id (nil: after the
// current one) that holds every term. No reader is moved backwards (that
// restarts it).
func (c *cursor) candidate(id bindex.IndexInternalID) (bindex.IndexInternalID, error) {
	lead := c.order[0]
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
		for _, t := range c.order[1:] {
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

// check returns the number of places where the phrase is in the search
// text of document id, the norm of the field (as bleve computes it from
// the number of bigrams) and whether the phrase is in the headline.
func (c *cursor) check(id bindex.IndexInternalID) (freq int, norm float64, head bool, err error) {
	if c.text, err = c.texts.get(id.Value(), c.text); err != nil {
		return 0, 0, false, err
	}
	headEnd := len(c.text)
	for i := 0; i+1 < len(c.text); i += 2 {
		if c.text[i] == byte(segment.Separator) && c.text[i+1] == 0 {
			headEnd = i
			break
		}
	}
	freq, head = occurrences(c.text, c.phrase, headEnd)
	// Bigrams: one fewer than characters (two bytes each, but for the few
	// outside the BMP).
	norm = float64(float32(1 / math.Sqrt(float64(max(len(c.text)/2-1, 1)))))
	return freq, norm, head, nil
}

// inHead reports whether the head field of document id holds every term.
// Its readers only move forwards, as documents are matched in order.
func (c *cursor) inHead(id bindex.IndexInternalID) (bool, error) {
	for _, t := range c.terms {
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

// close closes the cursor's readers.
func (c *cursor) close() error {
	var first error
	for _, w := range c.words {
		if err := w.r.Close(); err != nil && first == nil {
			first = err
		}
	}
	for _, t := range c.terms {
		for _, r := range []bindex.TermFieldReader{t.docs, t.head} {
			if r != nil {
				if err := r.Close(); err != nil && first == nil {
					first = err
				}
			}
		}
	}
	return first
}

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
