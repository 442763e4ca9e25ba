package index

import (
	"cmp"
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
// bigrams; fMatch, the text) contains a phrase. A single bigram is read
// from its postings, which give its frequency too. For more, the documents
// holding every bigram are found as bitmaps (candidates), and each is
// checked against its search text, where the phrase's occurrences are
// counted. It scores like a term as rare as the phrase's rarest bigram
// (idf) that occurs as often as the phrase in a field of that length
// (tf-idf), raised when the phrase is in the headline (for a single bigram:
// when the head field, the headline's bigrams, holds it), and by the tf-idf
// of the words (dictionary words of the query, field fWords) that a match
// holds as words.
//
// The formula is jianbao's own, in the terms of bleve's classic tf-idf so
// that a phrase's score adds up with those of bleve's term queries in a
// boolean query: a term's tf is √freq × norm, its idf 1 + ln(documents /
// (documents with it + 1)), and a score tf × idf × the query weight (idf ×
// query norm). The norm is bleve's length normalisation of field fText,
// which it keeps for each document: a single bigram's postings give it;
// for several it is computed from the search text each match is checked
// against (textNorm), once normCheck has seen it agree with the norm read
// from the postings of the phrase's first bigram (every match holds that
// bigram), and read so otherwise.
type bigramPhrase struct {
	field, head string
	bigrams     []string   // at every offset of the phrase
	utf16       []byte     // the phrase as stored search texts hold it
	words       []string   // that may rank the matches
	paths       *readPaths // the index's
	splitMin    uint64     // the index's: see Index.splitMin
}

// newBigramPhrase returns the phrase v (of 2+ characters), ranked by the
// words among words that the index has.
func newBigramPhrase(field, head, v string, words []string, paths *readPaths, splitMin uint64) *bigramPhrase {
	return &bigramPhrase{field: field, head: head, bigrams: segment.Bigram(v), utf16: appendUTF16(nil, v), words: words, paths: paths, splitMin: splitMin}
}

// headBonus is added to a phrase's term frequency (at most 1 after length
// normalisation) when it is in the headline: such an article ranks above
// those that only have the phrase in the body, however often.
const headBonus = 3

// Searcher implements query.Query.
func (q *bigramPhrase) Searcher(ctx context.Context, r bindex.IndexReader, _ mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	if len(q.bigrams) == 0 {
		return searcher.NewMatchNoneSearcher(r)
	}
	s := &phraseSearcher{q: q, ctx: ctx, r: r, score: opts.Score != "none"}
	var err error
	if s.docs, err = r.DocCount(); err != nil {
		return nil, fmt.Errorf("phrase: %w", err)
	}
	var term *phraseTerm
	var rarest uint64 // documents of the rarest bigram
	if len(q.bigrams) == 1 {
		if term, err = s.singleTerm(); err != nil {
			return nil, err
		}
		s.count, rarest = term.docs.Count(), term.docs.Count()
	} else {
		texts, err := q.paths.docReader(r)
		if err != nil {
			return nil, fmt.Errorf("phrase: %w", err)
		}
		if s.cands, rarest, err = texts.candidates(ctx, q.field, distinct(q.bigrams)); err != nil {
			return nil, err
		}
		s.count = s.cands.total()
	}
	var words []*wordTerm
	if s.score {
		s.idf = 1 + math.Log(float64(s.docs)/float64(rarest+1))
		s.weight = s.idf
		if words, err = s.rankingWords(); err != nil {
			term.close()
			return nil, err
		}
	}
	s.main, err = s.cursor(term, words)
	if err != nil {
		term.close()
		closeWords(words)
		return nil, err
	}
	return s, nil
}

// distinct returns the terms without repeats, in order.
func distinct(terms []string) []string {
	var out []string
	for _, t := range terms {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
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
// the candidates of several bigrams are read to the end (splitAfter Next
// calls and no Advance), a worker goroutine finds the matches in the upper
// half of the documents with a second cursor meanwhile (ahead), so that a
// phrase found in thousands of documents takes both cores.
type phraseSearcher struct {
	q      *bigramPhrase
	ctx    context.Context
	r      bindex.IndexReader
	cands  candidateSet // nil for a single bigram
	count  uint64       // at most this many matches
	docs   uint64       // documents of the index
	score  bool
	idf    float64
	weight float64 // idf × query norm
	words  []wordRank
	main   *cursor
	nexts  int    // Next calls, while there was no Advance
	ahead  *ahead // nil until split
}

// defaultSplitMin is the fewest candidates of a phrase for which its
// search is split between two goroutines (Index.splitMin).
const defaultSplitMin = 1000

// splitAfter is the number of Next calls without an Advance after which a
// searcher is taken to be read to the end. A searcher driven by another
// (a filter's) sees an Advance first or soon: a boolean searcher calls
// Next twice before it advances.
const splitAfter = 64

// matchList holds the worker's matches: the term frequency of each (length
// normalised, headline bonus included) and their internal ids one after
// another in one buffer, so that a match costs no allocation of its own.
// While every id is as long as the first (a scorch index's are), the ids
// need no ends.
type matchList struct {
	tfs   []float64
	ids   []byte
	width int   // the length of the first id
	ends  []int // the end of each id in ids; nil while all are width long
}

// add appends a match.
func (l *matchList) add(id bindex.IndexInternalID, tf float64) {
	if len(l.tfs) == 0 {
		l.width = len(id)
	}
	if l.ends == nil && len(id) != l.width {
		l.ends = make([]int, len(l.tfs), cap(l.tfs))
		for i := range l.ends {
			l.ends[i] = (i + 1) * l.width
		}
	}
	l.ids = append(l.ids, id...)
	l.tfs = append(l.tfs, tf)
	if l.ends != nil {
		l.ends = append(l.ends, len(l.ids))
	}
}

func (l *matchList) len() int { return len(l.tfs) }

// id returns the internal id of the i-th match.
func (l *matchList) id(i int) bindex.IndexInternalID {
	if l.ends == nil {
		return l.ids[i*l.width : (i+1)*l.width]
	}
	start := 0
	if i > 0 {
		start = l.ends[i-1]
	}
	return l.ids[start:l.ends[i]]
}

// ahead is the work of the worker: every match from mid on. Its cursor is
// closed by the searcher's goroutine (closing reports to the search).
type ahead struct {
	mid     bindex.IndexInternalID
	cursor  *cursor
	stop    atomic.Bool
	done    chan struct{}
	matches matchList // when done is closed
	err     error     // when done is closed
	next    int       // first match not yet returned
}

// singleTerm opens the readers of a phrase of one bigram: its documents,
// with frequencies and norms to score by, and its documents in the head
// field.
func (s *phraseSearcher) singleTerm() (*phraseTerm, error) {
	t := []byte(s.q.bigrams[0])
	d, err := s.r.TermFieldReader(s.ctx, t, s.q.field, s.score, s.score, false)
	if err != nil {
		return nil, fmt.Errorf("phrase %q: %w", t, err)
	}
	term := &phraseTerm{docs: d}
	if s.score && s.q.head != "" {
		if term.head, err = s.r.TermFieldReader(s.ctx, t, s.q.head, false, false, false); err != nil {
			d.Close()
			return nil, fmt.Errorf("phrase %q: %w", t, err)
		}
	}
	return term, nil
}

// cursor returns a cursor over the single bigram's readers term, or (nil)
// over the candidates, with words as the ranking words' readers (nil:
// opened here).
func (s *phraseSearcher) cursor(term *phraseTerm, words []*wordTerm) (*cursor, error) {
	c := &cursor{term: term, score: s.score, idf: s.idf, words: words, phrase: s.q.utf16, nc: &s.q.paths.norms}
	if s.cands != nil {
		c.cands = s.cands.iter()
		if s.score && !s.q.paths.norms.trusted() {
			// The norm of each match: every match holds the first bigram.
			tfr, err := s.r.TermFieldReader(s.ctx, []byte(s.q.bigrams[0]), s.q.field, false, true, false)
			if err != nil {
				return nil, fmt.Errorf("phrase %q: %w", s.q.bigrams[0], err)
			}
			c.norms = &wordTerm{r: tfr}
		}
	}
	if words == nil {
		for _, w := range s.words {
			tfr, err := s.r.TermFieldReader(s.ctx, []byte(w.text), fWords, true, true, false)
			if err != nil {
				closeWords(c.words)
				if c.norms != nil {
					_ = c.norms.r.Close() // the error to report is the one above
				}
				return nil, fmt.Errorf("rank words: %w", err)
			}
			c.words = append(c.words, &wordTerm{wordRank: w, r: tfr})
		}
	}
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
// if the phrase has candidates (a single bigram checks no text: its work
// per match is the collector's, which a second cursor does not share),
// enough of them, and there is a core for it.
func (s *phraseSearcher) split() {
	splitMin := s.q.splitMin
	if s.cands == nil || s.count < splitMin || runtime.GOMAXPROCS(0) < 2 || s.main.done {
		return
	}
	mid := s.cands.middle(s.main.last, splitMin)
	if mid == nil {
		return
	}
	c, err := s.cursor(nil, nil)
	if err != nil {
		return // the main cursor does it all
	}
	a := &ahead{mid: slices.Clone(mid), cursor: c, done: make(chan struct{})}
	c.stop = &a.stop
	s.ahead = a
	go func() {
		defer close(a.done)
		id := a.mid
		for {
			doc, tf, err := c.next(id)
			if err != nil {
				a.err = err
				return
			}
			if doc == nil {
				return
			}
			a.matches.add(doc, tf)
			id = nil
		}
	}()
}

// seek returns the first match at or after id (nil: after the last one
// returned).
func (s *phraseSearcher) seek(ctx *search.SearchContext, id bindex.IndexInternalID) (*search.DocumentMatch, error) {
	a := s.ahead
	if a == nil || !s.main.done && (id == nil || id.Compare(a.mid) < 0) {
		doc, tf, err := s.main.next(id)
		if err != nil {
			return nil, err
		}
		if a == nil || doc != nil && doc.Compare(a.mid) < 0 {
			return s.documentMatch(ctx, doc, tf), nil
		}
		s.main.done = true // the worker has the rest
	}
	<-a.done
	if a.err != nil {
		return nil, a.err
	}
	if id != nil {
		for a.next < a.matches.len() && a.matches.id(a.next).Compare(id) < 0 {
			a.next++
		}
	}
	if a.next == a.matches.len() {
		return nil, nil
	}
	a.next++
	return s.documentMatch(ctx, a.matches.id(a.next-1), a.matches.tfs[a.next-1]), nil
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

// Count implements search.Searcher: at most the candidates, or the single
// bigram's documents.
func (s *phraseSearcher) Count() uint64 { return s.count }

// Min implements search.Searcher.
func (s *phraseSearcher) Min() int { return 0 }

// Size implements search.Searcher.
func (s *phraseSearcher) Size() int { return 256 + cap(s.main.text) }

// DocumentMatchPoolSize implements search.Searcher.
func (s *phraseSearcher) DocumentMatchPoolSize() int { return 1 }

// phraseTerm holds the readers of a single bigram.
type phraseTerm struct {
	docs, head   bindex.TermFieldReader
	doc, headDoc bindex.TermFieldDoc
	started      bool // doc holds the docs reader's current document
	headDone     bool // the head reader is past its last document
}

// close closes the readers (of a nil term: none).
func (t *phraseTerm) close() error {
	if t == nil {
		return nil
	}
	err := t.docs.Close()
	if t.head != nil {
		err = cmp.Or(err, t.head.Close())
	}
	return err
}

// cursor reads the matches of a phrase forwards, one goroutine's.
type cursor struct {
	term   *phraseTerm   // a single bigram's readers, or
	cands  candidateIter // the candidates of several
	norms  *wordTerm     // with cands when scoring until normCheck trusts textNorm: the first bigram's postings
	nc     *normCheck    // the index's
	words  []*wordTerm
	score  bool
	idf    float64                // the phrase's
	phrase []byte                 // UTF-16LE
	text   []byte                 // the search text of the current candidate
	bmp    bool                   // known to have no character outside the BMP
	last   bindex.IndexInternalID // the current candidate (nil: none yet)
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
		id = nil
		var freq int
		var norm float64
		var head bool
		if c.term != nil {
			freq, norm = int(c.term.doc.Freq), c.term.doc.Norm
			if !c.score {
				freq = 1
			}
		} else if freq, head, err = c.check(); err != nil {
			return nil, 0, err
		}
		if freq == 0 {
			continue
		}
		if !c.score {
			return cand, 0, nil
		}
		if c.norms != nil {
			if _, norm, err = c.norms.at(cand); err != nil {
				return nil, 0, err
			}
			c.nc.observe(norm, c.text)
		} else if c.term == nil {
			norm = c.nc.compute(c.text, c.bmp)
		}
		tf := math.Sqrt(float64(freq)) * norm
		if c.term != nil {
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
// current one) that may hold the phrase: of the single bigram's postings,
// or of the candidates. No reader is moved backwards (that restarts it).
func (c *cursor) candidate(id bindex.IndexInternalID) (bindex.IndexInternalID, error) {
	if t := c.term; t != nil {
		if id != nil && t.started && t.doc.ID.Compare(id) >= 0 {
			id = nil // already past id: go on from there
		}
		var d *bindex.TermFieldDoc
		var err error
		if id == nil {
			d, err = t.docs.Next(&t.doc)
		} else {
			d, err = t.docs.Advance(id, &t.doc)
		}
		t.started = true
		if err != nil || d == nil {
			return nil, err
		}
		return d.ID, nil
	}
	doc := c.cands.seek(id)
	if doc == nil {
		return nil, nil
	}
	c.last = append(c.last[:0], doc...)
	return c.last, nil
}

// check returns the number of places where the phrase is in the search
// text of the current candidate and whether the phrase is in the headline.
func (c *cursor) check() (freq int, head bool, err error) {
	if c.text, c.bmp, err = c.cands.text(c.text); err != nil {
		return 0, false, err
	}
	freq, first := occurrences(c.text, c.phrase)
	if freq == 0 {
		return 0, false, nil
	}
	// The headline comes first: if the phrase is in it, its first
	// occurrence is.
	head = first+len(c.phrase) <= separatorAt(c.text[:first+len(c.phrase)])
	return freq, head, nil
}

// inHead reports whether the head field of document id holds the single
// bigram. Its reader only moves forwards, as documents are matched in
// order.
func (c *cursor) inHead(id bindex.IndexInternalID) (bool, error) {
	t := c.term
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
	return t.headDoc.ID.Equals(id), nil
}

// close closes the cursor's readers.
func (c *cursor) close() error {
	var first error
	for _, w := range c.words {
		first = cmp.Or(first, w.r.Close())
	}
	if c.norms != nil {
		first = cmp.Or(first, c.norms.r.Close())
	}
	return cmp.Or(first, c.term.close())
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
	s, err := u.q.Searcher(ctx, r, m, unscoredOptions(opts))
	if err != nil || opts.Score == "none" {
		return s, err
	}
	return &constScorer{Searcher: s, score: u.score}, nil
}

// unscoredOptions are opts for a searcher whose matches need no score:
// bleve then reads no frequencies or norms, and ORs the postings of many
// terms into one bitmap.
func unscoredOptions(opts search.SearcherOptions) search.SearcherOptions {
	opts.Score, opts.IncludeTermVectors, opts.Explain = "none", false, false
	return opts
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
