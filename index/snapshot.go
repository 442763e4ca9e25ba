package index

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"sync"

	bindex "github.com/blevesearch/bleve_index_api"
)

// A search reads more of an index snapshot than bleve's searchers give:
// the candidates of a phrase (the documents holding all its bigrams) and
// the stored search texts they are checked against. It reads them through
// a docReader: the public one below, which uses bleve's IndexReader alone
// (term field readers, external ids, stored documents), or the fast one of
// scorch.go, chosen when its run-time checks pass. Both give the same
// candidates in the same order and the same texts.

// docReader reads the candidates and search texts of one index snapshot
// (the reader a query's Searcher is given). It is safe for concurrent use.
type docReader interface {
	// candidates returns the documents of field that hold every one of
	// terms, and the number of documents of the rarest term.
	// The candidates give their stored search texts.
	candidates(ctx context.Context, field string, terms []string) (candidateSet, uint64, error)
}

// candidateSet is the candidates of a phrase, in the order of their ids.
type candidateSet interface {
	total() uint64
	// iter returns a new reader of the candidates, for one goroutine.
	iter() candidateIter
	// middle returns the id of a document about half-way through the
	// candidates after after (nil: from the start), nil when there are
	// not over twice least of them left.
	middle(after bindex.IndexInternalID, least uint64) bindex.IndexInternalID
}

// candidateIter reads candidates forwards.
type candidateIter interface {
	// seek returns the first candidate after the one returned last that is
	// at or after id (nil: any), nil past the last. The id is valid until
	// the next call.
	seek(id bindex.IndexInternalID) bindex.IndexInternalID
	// text returns the stored search text of the candidate seek returned
	// last, perhaps in buf's space, and true if it is known to have no
	// character outside the BMP (false: not known).
	text(buf []byte) ([]byte, bool, error)
}

// readPaths is how an index's searches read what bleve's searchers do not
// give them.
type readPaths struct {
	// public selects the public path alone, as if the fast path's checks
	// had failed (tests compare the two).
	public bool
	texts  textCache   // the fast path's search texts in memory; on: keep them
	layout layoutCheck // the fast path's check of internal ids
	read   readTexts   // the public path's, once texts is on
	norms  normCheck   // whether phrase matches' norms are computed from their texts
}

// docReader returns the reader of snapshot r: the fast one when it
// applies, else the public one.
func (p *readPaths) docReader(r bindex.IndexReader) (docReader, error) {
	if !p.public {
		d, ok, err := newScorchDocs(r, &p.texts, &p.layout)
		if err != nil {
			return nil, err
		}
		if ok {
			return d, nil
		}
	}
	d := publicDocs{r: r}
	if p.texts.on.Load() {
		d.kept = p.read.of(r)
	}
	return d, nil
}

// readTexts keeps the search texts that the public path has read of the
// latest snapshot searched, by internal id, so that a server does not
// load whole documents again for the candidates of every search. They
// are dropped when a search uses another snapshot.
type readTexts struct {
	mu       sync.Mutex
	snapshot bindex.IndexReader
	texts    map[string][]byte
}

// of returns the kept texts, dropping them first if they are not r's.
func (k *readTexts) of(r bindex.IndexReader) *readTexts {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.snapshot != r {
		k.snapshot, k.texts = r, map[string][]byte{}
	}
	return k
}

// get returns the kept text of id, false if there is none.
func (k *readTexts) get(r bindex.IndexReader, id bindex.IndexInternalID) ([]byte, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	t, ok := k.texts[string(id)]
	return t, ok && k.snapshot == r
}

// put keeps text as that of id, unless the texts are another snapshot's
// by now.
func (k *readTexts) put(r bindex.IndexReader, id bindex.IndexInternalID, text []byte) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.snapshot == r {
		k.texts[string(id)] = text
	}
}

// publicDocs is the docReader of bleve's public IndexReader.
type publicDocs struct {
	r    bindex.IndexReader
	kept *readTexts // nil: none kept
}

// matchText returns the stored search text of document id (empty for an
// issue), read from the stored document of id's external id, in buf's space.
// A kept text is returned as it is: buf is not used then, nor afterwards
// (it may be a kept text).
func (d publicDocs) matchText(id bindex.IndexInternalID, buf []byte) ([]byte, error) {
	if d.kept != nil {
		if t, ok := d.kept.get(d.r, id); ok {
			return t, nil
		}
		buf = nil
	}
	ext, err := d.r.ExternalID(id)
	if err != nil {
		return nil, fmt.Errorf("phrase: document %x: %w", []byte(id), err)
	}
	doc, err := d.r.Document(ext)
	if err != nil {
		return nil, fmt.Errorf("phrase: document %s: %w", ext, err)
	}
	if doc == nil {
		return nil, fmt.Errorf("phrase: document %s is not in the index", ext)
	}
	buf = buf[:0]
	doc.VisitFields(func(f bindex.Field) {
		if f.Name() == fMatch {
			buf = append(buf, f.Value()...)
		}
	})
	if d.kept != nil {
		d.kept.put(d.r, id, buf)
	}
	return buf, nil
}

// candidates implements docReader: a term field reader per term, the
// rarest leading, the others advanced to each of its documents.
func (d publicDocs) candidates(ctx context.Context, field string, terms []string) (candidateSet, uint64, error) {
	ps := make([]*postings, 0, len(terms))
	defer func() {
		for _, p := range ps {
			_ = p.r.Close() // the candidates are read: a reader's error on closing changes none of them
		}
	}()
	rarest := uint64(math.MaxUint64)
	for _, t := range terms {
		r, err := d.r.TermFieldReader(ctx, []byte(t), field, false, false, false)
		if err != nil {
			return nil, 0, fmt.Errorf("phrase %q: %w", t, err)
		}
		ps = append(ps, &postings{r: r})
		rarest = min(rarest, r.Count())
	}
	set := &idCandidates{docs: d}
	if len(ps) == 0 {
		return set, 0, nil
	}
	slices.SortStableFunc(ps, func(a, b *postings) int { return cmp.Compare(a.r.Count(), b.r.Count()) })
	lead := ps[0]
	target, err := lead.atLeast(nil)
	for err == nil && target != nil {
		var past bindex.IndexInternalID // a document after target that another term is at
		for _, p := range ps[1:] {
			var at bindex.IndexInternalID
			if at, err = p.atLeast(target); err != nil || at == nil {
				break
			}
			if !at.Equals(target) {
				past = at
				break
			}
		}
		switch {
		case err != nil:
		case past != nil:
			target, err = lead.atLeast(past)
			continue
		case !slices.ContainsFunc(ps[1:], func(p *postings) bool { return p.done }):
			set.ids = append(set.ids, slices.Clone(target))
			target, err = lead.atLeast(nil)
			continue
		}
		break
	}
	if err != nil {
		return nil, 0, fmt.Errorf("phrase: %w", err)
	}
	return set, rarest, nil
}

// postings reads the documents of a term forwards.
type postings struct {
	r    bindex.TermFieldReader
	doc  bindex.TermFieldDoc
	at   bindex.IndexInternalID // the current document, nil before the first
	done bool
}

// atLeast returns the first document at or after id (nil: the next one),
// nil past the last. The reader is never moved backwards.
func (p *postings) atLeast(id bindex.IndexInternalID) (bindex.IndexInternalID, error) {
	if p.done {
		return nil, nil
	}
	if id != nil && p.at != nil && p.at.Compare(id) >= 0 {
		return p.at, nil
	}
	var d *bindex.TermFieldDoc
	var err error
	if id == nil {
		d, err = p.r.Next(&p.doc)
	} else {
		d, err = p.r.Advance(id, &p.doc)
	}
	if err != nil {
		return nil, err
	}
	if d == nil {
		p.done, p.at = true, nil
		return nil, nil
	}
	p.at = d.ID
	return p.at, nil
}

// idCandidates are candidates as a sorted list of ids.
type idCandidates struct {
	docs publicDocs // whose texts they have
	ids  []bindex.IndexInternalID
}

func (c *idCandidates) total() uint64 { return uint64(len(c.ids)) }

func (c *idCandidates) iter() candidateIter { return &idIter{docs: c.docs, ids: c.ids} }

// middle implements candidateSet: half-way through the candidates left.
func (c *idCandidates) middle(after bindex.IndexInternalID, least uint64) bindex.IndexInternalID {
	from := 0
	if after != nil {
		from, _ = slices.BinarySearchFunc(c.ids, after, func(a, b bindex.IndexInternalID) int { return a.Compare(b) })
		for from < len(c.ids) && c.ids[from].Equals(after) {
			from++
		}
	}
	left := uint64(len(c.ids) - from)
	if left <= 2*least {
		return nil
	}
	return c.ids[from+int(left/2)]
}

// idIter reads a list of ids in order.
type idIter struct {
	docs publicDocs
	ids  []bindex.IndexInternalID
	next int
}

// text implements candidateIter.
func (it *idIter) text(buf []byte) ([]byte, bool, error) {
	t, err := it.docs.matchText(it.ids[it.next-1], buf)
	return t, false, err
}

// seek implements candidateIter.
func (it *idIter) seek(id bindex.IndexInternalID) bindex.IndexInternalID {
	for id != nil && it.next < len(it.ids) && it.ids[it.next].Compare(id) < 0 {
		it.next++
	}
	if it.next == len(it.ids) {
		return nil
	}
	it.next++
	return it.ids[it.next-1]
}
