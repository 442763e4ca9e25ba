package index

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bindex "github.com/blevesearch/bleve_index_api"
)

// scan reads one snapshot of the index in a single pass, through bleve's
// public reader: terms of a field in order, the documents of a term, the
// documents a query matches and the stored fields of a document, all
// numbered by the same snapshot; the stored fields by number on the fast
// path (scorchDocs) where its checks pass. Export and retag read the
// archive with it in memory that does not grow with the archive: a set of
// document numbers is a bit each.
type scan struct {
	ix     *Index
	r      bindex.IndexReader
	docs   *scorchDocs // the fast path's reader of stored fields by number; nil: the public path's
	issues docSet      // the issue documents
}

// openScan opens a reader on the current snapshot of ix. Close it.
func (ix *Index) openScan(ctx context.Context) (*scan, error) {
	r, err := ix.reader()
	if err != nil {
		return nil, fmt.Errorf("read index %s: %w", ix.dir, err)
	}
	s := &scan{ix: ix, r: r}
	if !ix.paths.public {
		d, ok, err := newScorchDocs(r, nil, &ix.paths.layout)
		if err != nil {
			r.Close() // the error above is the one to report
			return nil, fmt.Errorf("read index %s: %w", ix.dir, err)
		}
		if ok {
			s.docs = d
		}
	}
	if s.issues, err = s.termSet(ctx, fType, typeIssue); err != nil {
		r.Close() // the error above is the one to report
		return nil, err
	}
	return s, nil
}

func (s *scan) close() error { return s.r.Close() }

// docSet is a set of the document numbers of a snapshot, a bit each.
type docSet []uint64

func (d *docSet) add(n uint64) {
	w := n / 64
	if w >= uint64(len(*d)) {
		*d = append(*d, make([]uint64, w+1-uint64(len(*d)))...)
	}
	(*d)[w] |= 1 << (n % 64)
}

func (d docSet) has(n uint64) bool {
	w := n / 64
	return w < uint64(len(d)) && d[w]&(1<<(n%64)) != 0
}

// postings appends the numbers of the documents whose field holds term to
// buf, in index order.
func (s *scan) postings(ctx context.Context, field, term string, buf []uint64) ([]uint64, error) {
	tfr, err := s.r.TermFieldReader(ctx, []byte(term), field, false, false, false)
	if err != nil {
		return buf, fmt.Errorf("read %s:%s: %w", field, term, err)
	}
	defer tfr.Close() // nothing to report: reading is done
	var tfd bindex.TermFieldDoc
	for {
		d, err := tfr.Next(&tfd)
		if err != nil {
			return buf, fmt.Errorf("read %s:%s: %w", field, term, err)
		}
		if d == nil {
			return buf, nil
		}
		buf = append(buf, d.ID.Value())
	}
}

// termSet returns the documents whose field holds term.
func (s *scan) termSet(ctx context.Context, field, term string) (docSet, error) {
	var set docSet
	tfr, err := s.r.TermFieldReader(ctx, []byte(term), field, false, false, false)
	if err != nil {
		return nil, fmt.Errorf("read %s:%s: %w", field, term, err)
	}
	defer tfr.Close() // nothing to report: reading is done
	var tfd bindex.TermFieldDoc
	for {
		d, err := tfr.Next(&tfd)
		if err != nil {
			return nil, fmt.Errorf("read %s:%s: %w", field, term, err)
		}
		if d == nil {
			return set, nil
		}
		set.add(d.ID.Value())
	}
}

// terms calls fn with every term of field, in byte order, until fn
// returns an error, which it returns.
func (s *scan) terms(ctx context.Context, field string, fn func(term string) error) error {
	dict, err := s.r.FieldDict(field)
	if err != nil {
		return fmt.Errorf("read terms of %s: %w", field, err)
	}
	defer dict.Close() // nothing to report: reading is done
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		e, err := dict.Next()
		if err != nil {
			return fmt.Errorf("read terms of %s: %w", field, err)
		}
		if e == nil {
			return nil
		}
		if err := fn(e.Term); err != nil {
			return err
		}
	}
}

// all calls fn with the number of every document of the snapshot, in
// index order.
func (s *scan) all(ctx context.Context, fn func(n uint64) error) error {
	r, err := s.r.DocIDReaderAll()
	if err != nil {
		return fmt.Errorf("read documents: %w", err)
	}
	defer r.Close() // nothing to report: reading is done
	for i := 0; ; i++ {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		id, err := r.Next()
		if err != nil {
			return fmt.Errorf("read documents: %w", err)
		}
		if id == nil {
			return nil
		}
		if err := fn(id.Value()); err != nil {
			return err
		}
	}
}

// matching returns the documents that q matches, unscored, and their
// number.
func (s *scan) matching(ctx context.Context, q query.Query) (docSet, int, error) {
	sr, err := q.Searcher(ctx, s.r, s.ix.bi.Mapping(), search.SearcherOptions{Score: "none"})
	if err != nil {
		return nil, 0, fmt.Errorf("search: %w", err)
	}
	defer sr.Close() // nothing to report: the search is done
	sctx := &search.SearchContext{
		DocumentMatchPool: search.NewDocumentMatchPool(sr.DocumentMatchPoolSize()+1, 0),
		IndexReader:       s.r,
	}
	set := docSet{} // not nil: nil stands for every document
	count := 0
	for i := 0; ; i++ {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, 0, err
			}
		}
		m, err := sr.Next(sctx)
		if err != nil {
			return nil, 0, fmt.Errorf("search: %w", err)
		}
		if m == nil {
			return set, count, nil
		}
		set.add(m.IndexInternalID.Value())
		count++
		sctx.DocumentMatchPool.Put(m)
	}
}

// datesOf returns the distinct dates of the documents in docs, sorted,
// and the documents without one.
func (s *scan) datesOf(ctx context.Context, docs docSet) (dates []string, undated []uint64, err error) {
	dv, err := s.r.DocValueReader([]string{fDate})
	if err != nil {
		return nil, nil, fmt.Errorf("read dates: %w", err)
	}
	seen := map[string]bool{}
	for w, bits := range docs {
		for b := 0; bits != 0; b, bits = b+1, bits>>1 {
			if bits&1 == 0 {
				continue
			}
			if err := ctx.Err(); err != nil {
				return nil, nil, err
			}
			n := uint64(w)*64 + uint64(b)
			found := false
			err := dv.VisitDocValues(bindex.NewIndexInternalID(nil, n), func(field string, term []byte) {
				if !seen[string(term)] {
					seen[string(term)] = true
					dates = append(dates, string(term))
				}
				found = true
			})
			if err != nil {
				return nil, nil, fmt.Errorf("read dates: %w", err)
			}
			if !found {
				undated = append(undated, n)
			}
		}
	}
	slices.Sort(dates)
	return dates, undated, nil
}

// id returns the ID of document n.
func (s *scan) id(n uint64) (string, error) {
	id, err := s.r.ExternalID(bindex.NewIndexInternalID(nil, n))
	if err != nil {
		return "", fmt.Errorf("read document %d: %w", n, err)
	}
	return id, nil
}

// visit calls fn with the stored fields of document n (values valid
// during the call only) until fn returns false. The fast path reads them
// by number; bleve's public reader reads a document by its external ID,
// which it looks up in every segment.
func (s *scan) visit(n uint64, fn func(field string, value []byte) bool) error {
	if s.docs != nil {
		if err := s.docs.visit(bindex.NewIndexInternalID(nil, n), fn); err != nil {
			return fmt.Errorf("read document %d: %w", n, err)
		}
		return nil
	}
	id, err := s.id(n)
	if err != nil {
		return err
	}
	doc, err := s.r.Document(id)
	if err != nil {
		return fmt.Errorf("read %s: %w", id, err)
	}
	if doc == nil {
		return fmt.Errorf("read %s: %w", id, ErrNotFound)
	}
	more := true
	doc.VisitFields(func(f bindex.Field) {
		more = more && fn(f.Name(), f.Value())
	})
	return nil
}

// article returns the record of document n, ok false if it is not an
// article.
func (s *scan) article(n uint64) (a storedArticle, ok bool, err error) {
	var hit, rec []byte
	var m storedMatch
	isArticle, hasMatch := false, false
	err = s.visit(n, func(field string, value []byte) bool {
		switch field {
		case fType:
			isArticle = string(value) == typeArticle
		case fHit:
			hit = bytes.Clone(value)
		case fRecord:
			rec = bytes.Clone(value)
		case fMatch:
			m.text, hasMatch = bytes.Clone(value), true
		case fPatch:
			m.patch = bytes.Clone(value)
		}
		return true
	})
	if err != nil || !isArticle {
		return a, false, err
	}
	if a, err = decodeArticleParts(hit, rec, m, hasMatch); err != nil {
		id, _ := s.id(n) // for the message
		return a, false, fmt.Errorf("record of %s: %w", id, err)
	}
	return a, true, nil
}

// issueHead returns the issue record of document n, issue id, without
// articles.
func (s *scan) issueHead(n uint64, id string) (*Issue, error) {
	var rec []byte
	err := s.visit(n, func(field string, value []byte) bool {
		if field == fRecord {
			rec = bytes.Clone(value)
			return false
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	return decodeIssueHead(id, rec)
}

// inOrder reads groups of documents on up to GOMAXPROCS goroutines and
// hands them on in order: groups sends the groups (the documents of a date,
// of an issue), load reads one, and use is called with each result in the
// order the groups were sent, from the calling goroutine. A few groups are
// in memory at a time. The first error of groups, load or use ends it all
// and is returned; every goroutine has ended when inOrder returns.
func inOrder[T any](ctx context.Context, groups func(ctx context.Context, send func(docs []uint64) error) error,
	load func(docs []uint64) (T, error), use func(T) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		v   T
		err error
	}
	type job struct {
		docs []uint64
		out  chan result
	}
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan job)
	queue := make(chan chan result, 2*workers) // the results to come, in order
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				v, err := load(j.docs)
				j.out <- result{v, err} // buffered: never blocks
			}
		})
	}
	var sendErr error
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		defer close(queue)
		defer close(jobs)
		sendErr = groups(ctx, func(docs []uint64) error {
			out := make(chan result, 1)
			// The job first: a result that is queued is always coming.
			select {
			case jobs <- job{docs, out}:
			case <-ctx.Done():
				return ctx.Err()
			}
			select {
			case queue <- out:
			case <-ctx.Done():
				return ctx.Err()
			}
			return nil
		})
	}()
	var err error
	for out := range queue {
		if err != nil {
			continue // draining: the sender stops at the cancellation
		}
		r := <-out
		if err = cmp.Or(ctx.Err(), r.err); err == nil {
			err = use(r.v)
		}
		if err != nil {
			cancel()
		}
	}
	<-sent
	wg.Wait()
	if err == nil {
		err = sendErr
	}
	return err
}
