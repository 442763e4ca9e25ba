package index

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bindex "github.com/blevesearch/bleve_index_api"
)

// Facets are counted from facet columns rather than bleve's doc values:
// bleve decompresses a chunk of doc values for every field and every
// thousand documents a search matches, which was most of the time of a
// filtered search. A column is read once per index snapshot from the
// field's postings and kept until the snapshot changes; counting is then a
// few array reads per match.

// facetColumn holds the values of one keyword field for every document of
// an index snapshot, by row. A document's row is its internal id read as a
// number (docNum: bleve's ids are 8-byte numbers, those of scorch dense
// ones), or, where the ids are not such numbers or not dense, found in a
// map of the ids (the public path's way, which assumes nothing of them).
type facetColumn struct {
	values []string          // value number → value, in term order
	starts []uint32          // row → first entry in nums (len: rows + 1)
	nums   []uint32          // value numbers, by row
	rows   map[string]uint32 // internal id → row; nil: docNum
}

// row returns the row of document id, false if it has none.
func (col *facetColumn) row(id bindex.IndexInternalID) (uint32, bool) {
	if col.rows == nil {
		return docNum(id)
	}
	r, ok := col.rows[string(id)]
	return r, ok
}

// facetColumns caches the columns of the latest snapshot a search used.
// A column is read without holding the cache: searches that need other
// columns, or none, go on meanwhile; those that need the same one wait for
// it.
type facetColumns struct {
	mu       sync.Mutex
	snapshot bindex.IndexReader // the snapshot the columns describe
	columns  map[string]*columnRead
}

// columnRead is a column being read, or read.
type columnRead struct {
	done chan struct{} // closed once col and err are set
	col  *facetColumn
	err  error
}

// column returns the column of field for snapshot r, reading it when the
// cache holds another snapshot's or none.
// With public, documents are found by id in a map (facetColumn.rows).
func (c *facetColumns) column(ctx context.Context, r bindex.IndexReader, field string, public bool) (*facetColumn, error) {
	key := field
	if public {
		key += "\x00public"
	}
	for {
		c.mu.Lock()
		if c.snapshot != r {
			c.snapshot, c.columns = r, map[string]*columnRead{}
		}
		cr, reading := c.columns[key]
		if !reading {
			cr = &columnRead{done: make(chan struct{})}
			c.columns[key] = cr
		}
		c.mu.Unlock()
		if !reading {
			cr.col, cr.err = readColumn(ctx, r, field, !public)
			if errors.Is(cr.err, errSparseIDs) {
				cr.col, cr.err = readColumn(ctx, r, field, false)
			}
			if cr.err != nil {
				// Not kept: the next search reads it again (this one
				// may only have run out of time).
				c.mu.Lock()
				if c.columns[key] == cr {
					delete(c.columns, key)
				}
				c.mu.Unlock()
			}
			close(cr.done)
			return cr.col, cr.err
		}
		select {
		case <-cr.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if cr.err == nil {
			return cr.col, nil
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		// The search that read it failed; read it for this one.
	}
}

// errSparseIDs reports internal ids that are no dense numbers.
var errSparseIDs = errors.New("facets: internal ids are not dense numbers")

// readColumn reads the values of field from its postings: every term in
// the field's dictionary, and the documents that hold it. With byNumber,
// rows are document numbers (docNum), and ids that are not such numbers,
// or too sparse ones, are errSparseIDs.
func readColumn(ctx context.Context, r bindex.IndexReader, field string, byNumber bool) (*facetColumn, error) {
	dict, err := r.FieldDict(field)
	if err != nil {
		return nil, fmt.Errorf("facet %s: %w", field, err)
	}
	defer dict.Close()
	type pair struct{ doc, num uint32 }
	var pairs []pair
	col := &facetColumn{}
	if !byNumber {
		col.rows = map[string]uint32{}
	}
	var docs uint32
	var td bindex.TermFieldDoc
	for {
		e, err := dict.Next()
		if err != nil {
			return nil, fmt.Errorf("facet %s: %w", field, err)
		}
		if e == nil {
			break
		}
		num := uint32(len(col.values))
		col.values = append(col.values, e.Term)
		tfr, err := r.TermFieldReader(ctx, []byte(e.Term), field, false, false, false)
		if err != nil {
			return nil, fmt.Errorf("facet %s: %w", field, err)
		}
		for {
			d, err := tfr.Next(&td)
			if err != nil {
				tfr.Close()
				return nil, fmt.Errorf("facet %s: %w", field, err)
			}
			if d == nil {
				break
			}
			var doc uint32
			if byNumber {
				var ok bool
				if doc, ok = docNum(d.ID); !ok {
					_ = tfr.Close() // this reading is abandoned for one by map
					return nil, errSparseIDs
				}
			} else {
				row, ok := col.rows[string(d.ID)]
				if !ok {
					row = uint32(len(col.rows))
					col.rows[string(d.ID)] = row
				}
				doc = row
			}
			pairs = append(pairs, pair{doc, num})
			docs = max(docs, doc+1)
		}
		tfr.Close()
	}
	// Rows by number: as many as documents, give or take the deleted
	// ones and those without a value; many more would mean ids that are
	// not dense numbers, and a waste of memory.
	if byNumber && uint64(docs) > 2*uint64(len(pairs))+1024 {
		return nil, errSparseIDs
	}
	// Counting sort by row.
	col.starts = make([]uint32, docs+1)
	for _, p := range pairs {
		col.starts[p.doc+1]++
	}
	for i := 1; i < len(col.starts); i++ {
		col.starts[i] += col.starts[i-1]
	}
	col.nums = make([]uint32, len(pairs))
	next := slices.Clone(col.starts[:docs])
	for _, p := range pairs {
		col.nums[next[p.doc]] = p.num
		next[p.doc]++
	}
	return col, nil
}

// docNum returns internal id as a number (IndexInternalID.Value) where it
// is an 8-byte one that a row number can hold, else false.
func docNum(id bindex.IndexInternalID) (uint32, bool) {
	if len(id) != 8 || id.Value() > 1<<32-2 {
		return 0, false
	}
	return uint32(id.Value()), true
}

// facetCounter counts, for every facet of a search, how many matches have
// each value.
type facetCounter struct {
	cache  *facetColumns
	public bool     // rows by map (facetColumn.rows)
	fields []string // field of each facet
	cols   []*facetColumn
	counts [][]int // facet → value number → matches
}

// add counts the values of document id.
func (fc *facetCounter) add(id bindex.IndexInternalID) {
	for i, col := range fc.cols {
		doc, ok := col.row(id)
		if !ok || int(doc)+1 >= len(col.starts) {
			continue // no value
		}
		counts := fc.counts[i]
		for _, n := range col.nums[col.starts[doc]:col.starts[doc+1]] {
			counts[n]++
		}
	}
}

// result returns the counts of facet i, most matches first (ties in value
// order), at most limit of them.
func (fc *facetCounter) result(i, limit int) []FacetCount {
	out := []FacetCount{}
	if fc.cols == nil {
		return out
	}
	for n, c := range fc.counts[i] {
		if c > 0 {
			out = append(out, FacetCount{Value: fc.cols[i].values[n], Count: c})
		}
	}
	slices.SortFunc(out, func(a, b FacetCount) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Value, b.Value)
	})
	return out[:min(len(out), limit)]
}

// facetTap matches what q matches and counts every match into counter: the
// collector reads every match of its query, so the counts are over all of
// them, whatever the page.
type facetTap struct {
	q       query.Query
	counter *facetCounter
}

// Searcher implements query.Query.
func (t facetTap) Searcher(ctx context.Context, r bindex.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	fc := t.counter
	fc.cols, fc.counts = make([]*facetColumn, len(fc.fields)), make([][]int, len(fc.fields))
	for i, f := range fc.fields {
		col, err := fc.cache.column(ctx, r, f, fc.public)
		if err != nil {
			return nil, err
		}
		fc.cols[i], fc.counts[i] = col, make([]int, len(col.values))
	}
	s, err := t.q.Searcher(ctx, r, m, opts)
	if err != nil {
		return nil, err
	}
	return &tapSearcher{Searcher: s, counter: fc}, nil
}

// tapSearcher counts every match of its searcher that Next returns (a
// collector reads a query's matches with Next alone).
type tapSearcher struct {
	search.Searcher
	counter *facetCounter
}

// Next implements search.Searcher.
func (t *tapSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	m, err := t.Searcher.Next(ctx)
	if m != nil {
		t.counter.add(m.IndexInternalID)
	}
	return m, err
}

// Warm reads into memory what searches would otherwise read when they
// first need it, for the index as it is now: the columns of the facets of a
// Request (not issue_id), tens of milliseconds at 100k articles, and the
// search texts that phrase search checks its candidates against, which
// from then on stay in memory (textCache). A server calls it when it starts
// and after it ingests; a process that searches once does not.
func (ix *Index) Warm(ctx context.Context) error {
	ix.life.RLock()
	defer ix.life.RUnlock()
	if ix.closed {
		return fmt.Errorf("warm: index %s is closed", ix.dir)
	}
	r, err := ix.reader()
	if err != nil {
		return fmt.Errorf("warm: %w", err)
	}
	defer r.Close()
	for _, f := range facetFields {
		if _, err := ix.facets.column(ctx, r, f, ix.paths.public); err != nil {
			return err
		}
	}
	// The fast path reads the texts into memory as it opens the snapshot;
	// the public path keeps none.
	ix.paths.texts.on.Store(true)
	if _, err := ix.paths.docReader(r); err != nil {
		return fmt.Errorf("warm: %w", err)
	}
	return nil
}
