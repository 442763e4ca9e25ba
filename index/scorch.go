package index

// This file and scorch_store.go are jianbao's fast path through the
// internals of bleve's scorch index and its zap segments; no other file of
// the package imports them (TestPublicBleveOnly). Every use is behind a run-
// time check that selects the public path (snapshot.go) when it fails, and
// the public path gives the same hits, order, scores, facets and snippets
// (TestAccessPathsAgree runs both).
//
// What it relies on, and how each is checked:
//   - The reader of an index snapshot is a *scorch.IndexSnapshot, whose
//     segments hold documents numbered one after the other: the internal id
//     of a document is its 8-byte big-endian number in the snapshot, the
//     segment's first number plus its number there. Checked: the type
//     assertion, then, once per index (layoutCheck), the external id of the
//     first and last document of every segment read both ways.
//   - A zap postings list adds its documents to a roaring bitmap (OrInto),
//     which its interface does not say. Checked: an interface assertion per
//     postings list; without it the candidates are read through term field
//     readers (publicDocs.candidates).
//   - The hits of a search are read by number from the snapshot it ran
//     on, held with AddRef (heldSnapshot). Checked: the snapshot's type
//     and the layout check; otherwise they are read by external id
//     (Index.hitStore), and on the public path bleve loads them.
//
// Facet columns (facets.go) number their rows by IndexInternalID.Value,
// which bleve's API defines, and fall back to a map of the ids when an id
// is no 8-byte number or the numbers are not dense.

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bindex "github.com/blevesearch/bleve_index_api"
)

// scorchDocs reads the stored fields of the documents of a scorch snapshot
// by their internal numbers, without the lookup of the external ID and the
// building of a bleve document that IndexReader.Document does, and from a
// segment's texts in memory when the index keeps them (textCache).
type scorchDocs struct {
	r       bindex.IndexReader
	segs    []*scorch.SegmentSnapshot
	offsets []uint64        // first document number of each segment
	mem     []*segmentTexts // nil where not in memory
}

// newScorchDocs returns the fast path's reader of r, or false when r is
// not a scorch snapshot laid out as this file expects.
func newScorchDocs(r bindex.IndexReader, cache *textCache, layout *layoutCheck) (*scorchDocs, bool, error) {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil, false, nil
	}
	d := &scorchDocs{r: r, segs: snap.Segments()}
	var n uint64
	for _, s := range d.segs {
		d.offsets = append(d.offsets, n)
		n += s.Segment().Count()
	}
	if !layout.ok(d) {
		return nil, false, nil
	}
	d.mem = make([]*segmentTexts, len(d.segs))
	if cache == nil || !cache.on.Load() {
		return d, true, nil
	}
	cache.keep(d.segs)
	for i, s := range d.segs {
		var err error
		if d.mem[i], err = cache.segment(s); err != nil {
			return nil, false, err
		}
	}
	return d, true, nil
}

// layoutCheck remembers whether the internal ids of an index's snapshots
// are the document numbers this file computes: 0 not known yet, 1 they
// are, 2 they are not.
type layoutCheck struct{ state atomic.Int32 }

// ok reports whether d numbers documents as its reader does, checking on
// the first snapshot that has documents.
func (c *layoutCheck) ok(d *scorchDocs) bool {
	switch c.state.Load() {
	case 1:
		return true
	case 2:
		return false
	}
	if d.end() == 0 {
		return true // nothing to number yet
	}
	state := int32(1)
	if err := d.checkLayout(); err != nil {
		state = 2
	}
	c.state.CompareAndSwap(0, state)
	return state == 1
}

// checkLayout compares the external ids of the first and last document of
// every segment as the reader gives them with those stored at the numbers
// this file computes.
func (d *scorchDocs) checkLayout() error {
	for i, s := range d.segs {
		n := s.Segment().Count()
		for _, local := range []uint64{0, n - 1} {
			if n == 0 {
				break
			}
			want, err := d.r.ExternalID(bindex.NewIndexInternalID(nil, d.offsets[i]+local))
			if err != nil {
				return err
			}
			// DocID, not VisitDocument stopped at _id: zap then returns
			// its decoding buffers to their pool twice, and two later
			// visits share them.
			got, err := s.DocID(local)
			if err != nil {
				return err
			}
			if string(got) != want {
				return fmt.Errorf("document %d: %q, the reader says %q", d.offsets[i]+local, got, want)
			}
		}
	}
	return nil
}

// end returns the number after the last document's.
func (d *scorchDocs) end() uint64 {
	if len(d.segs) == 0 {
		return 0
	}
	last := len(d.segs) - 1
	return d.offsets[last] + d.segs[last].Segment().Count()
}

// locate returns the segment of document doc and its number there.
func (d *scorchDocs) locate(doc uint64) (int, uint64, error) {
	i := sort.Search(len(d.offsets), func(i int) bool { return d.offsets[i] > doc }) - 1
	if i < 0 || doc-d.offsets[i] >= d.segs[i].Segment().Count() {
		return 0, 0, fmt.Errorf("no document %d", doc)
	}
	return i, doc - d.offsets[i], nil
}

// internal returns the document number of id.
func internal(id bindex.IndexInternalID) (uint64, error) {
	if len(id) != 8 {
		return 0, fmt.Errorf("internal document id %x is not 8 bytes long", []byte(id))
	}
	return id.Value(), nil
}

// visit calls fn with each stored field of document id (values valid
// during the call only) until fn returns false.
func (d *scorchDocs) visit(id bindex.IndexInternalID, fn func(field string, value []byte) bool) error {
	doc, err := internal(id)
	if err != nil {
		return err
	}
	i, local, err := d.locate(doc)
	if err != nil {
		return err
	}
	return d.segs[i].VisitDocument(local, func(field string, _ byte, value []byte, _ []uint64) bool {
		return field == "_id" || fn(field, value)
	})
}

// visitMatch returns the stored search text of document local of segment
// s (empty for an issue), in buf's space.
func visitMatch(s *scorch.SegmentSnapshot, local uint64, buf []byte) ([]byte, error) {
	buf = buf[:0]
	err := s.VisitDocument(local, func(field string, _ byte, value []byte, _ []uint64) bool {
		if field == fMatch {
			buf = append(buf, value...)
			return false
		}
		return true
	})
	return buf, err
}

// postingsBitmap is what a segment's postings list does that its interface
// does not say: zap's adds its documents to a bitmap.
type postingsBitmap interface {
	OrInto(*roaring.Bitmap)
}

// errNoBitmaps reports a postings list without OrInto.
var errNoBitmaps = errors.New("postings without bitmaps")

// candidates implements docReader: the postings of the terms ANDed as one
// bitmap per segment, without the deleted documents. Found so, they cost a
// few bitmap operations, where reading them through term readers costs an
// Advance of every reader for every document of the rarest. Postings that
// cannot give a bitmap are read through term readers instead.
func (d *scorchDocs) candidates(ctx context.Context, field string, terms []string) (candidateSet, uint64, error) {
	c, rarest, err := d.bitmaps(field, terms)
	if errors.Is(err, errNoBitmaps) {
		return publicDocs{r: d.r}.candidates(ctx, field, terms)
	}
	return c, rarest, err
}

func (d *scorchDocs) bitmaps(field string, terms []string) (*scorchCandidates, uint64, error) {
	c := &scorchCandidates{docs: d, bms: make([]*roaring.Bitmap, len(d.segs))}
	counts := make([]uint64, len(terms))
	for i, s := range d.segs {
		dict, err := s.Segment().Dictionary(field)
		if err != nil {
			return nil, 0, fmt.Errorf("phrase: %w", err)
		}
		deleted := s.Deleted()
		var bm *roaring.Bitmap
		for j, t := range terms {
			pl, err := dict.PostingsList([]byte(t), deleted, nil)
			if err != nil {
				return nil, 0, fmt.Errorf("phrase %q: %w", t, err)
			}
			tb := roaring.New()
			if pl != nil {
				counts[j] += pl.Count()
				o, ok := pl.(postingsBitmap)
				if !ok {
					return nil, 0, errNoBitmaps
				}
				o.OrInto(tb)
			}
			if bm == nil {
				bm = tb
			} else {
				bm.And(tb)
			}
		}
		if deleted != nil {
			bm.AndNot(deleted)
		}
		c.bms[i] = bm
		c.count += bm.GetCardinality()
	}
	rarest := uint64(math.MaxUint64)
	for _, n := range counts {
		rarest = min(rarest, n)
	}
	return c, rarest, nil
}

// scorchCandidates are candidates as one bitmap per segment, of local
// numbers.
type scorchCandidates struct {
	docs  *scorchDocs
	bms   []*roaring.Bitmap
	count uint64
}

func (c *scorchCandidates) total() uint64 { return c.count }

func (c *scorchCandidates) iter() candidateIter { return &scorchIter{c: c} }

// middle implements candidateSet: half-way between after and the last
// document, by number.
func (c *scorchCandidates) middle(after bindex.IndexInternalID, least uint64) bindex.IndexInternalID {
	var cur uint64
	if after != nil {
		cur = after.Value() + 1
	}
	n := c.docs.end()
	if n <= cur+2*least {
		return nil
	}
	return bindex.NewIndexInternalID(nil, cur+(n-cur)/2)
}

// scorchIter reads candidates in order, one goroutine's.
type scorchIter struct {
	c   *scorchCandidates
	seg int
	it  roaring.IntPeekable // of segment seg, nil before it is reached
	pos uint64              // the next candidate is at or after it
	id  bindex.IndexInternalID
	// local is the number of the candidate returned last in its segment,
	// seg.
	local uint64
}

// seek implements candidateIter.
func (ci *scorchIter) seek(id bindex.IndexInternalID) bindex.IndexInternalID {
	doc := ci.pos
	if id != nil {
		doc = max(doc, id.Value())
	}
	for ci.seg < len(ci.c.bms) {
		off := ci.c.docs.offsets[ci.seg]
		n := ci.c.docs.segs[ci.seg].Segment().Count()
		if doc >= off+n {
			ci.seg, ci.it = ci.seg+1, nil
			continue
		}
		if ci.it == nil {
			ci.it = ci.c.bms[ci.seg].Iterator()
		}
		if doc > off {
			ci.it.AdvanceIfNeeded(uint32(doc - off))
		}
		if ci.it.HasNext() {
			ci.local = uint64(ci.it.Next())
			found := off + ci.local
			ci.pos = found + 1
			ci.id = bindex.NewIndexInternalID(ci.id, found)
			return ci.id
		}
		ci.seg, ci.it = ci.seg+1, nil
	}
	return nil
}

// text implements candidateIter: from memory, or from the stored fields.
func (ci *scorchIter) text(buf []byte) ([]byte, bool, error) {
	d := ci.c.docs
	if t := d.mem[ci.seg]; t != nil {
		return t.text(ci.local), t.bmp, nil
	}
	buf, err := visitMatch(d.segs[ci.seg], ci.local, buf)
	if err != nil {
		return nil, false, fmt.Errorf("phrase: document %d: %w", d.offsets[ci.seg]+ci.local, err)
	}
	return buf, false, nil
}

// textCache keeps the search texts of an index's segments in memory, once
// turned on (a server does: Warm), so that phrase search checks its
// candidates without decompressing stored fields: about 0.7 of the UTF-8
// text in memory. A segment's texts are read when a search first needs
// them and dropped when it is merged away. The public path does not use
// it.
type textCache struct {
	on   atomic.Bool
	mu   sync.Mutex
	segs map[any]*segmentTexts // by the segment (SegmentSnapshot.Segment)
}

// segmentTexts are the search texts of the documents of one segment.
type segmentTexts struct {
	once sync.Once
	err  error
	ends []int // end of document i's text in data
	data []byte
	// bmp: no text of the segment has a character outside the BMP, so
	// a text's characters are its UTF-16 units (textNorm).
	bmp bool
}

func (t *segmentTexts) text(local uint64) []byte {
	start := 0
	if local > 0 {
		start = t.ends[local-1]
	}
	return t.data[start:t.ends[local]]
}

// segment returns the texts of s, reading them if need be. The reading is
// not cancelled with the search that asked for it: other searches may be
// waiting for it too (a tenth of a second at 100k articles).
func (c *textCache) segment(s *scorch.SegmentSnapshot) (*segmentTexts, error) {
	c.mu.Lock()
	if c.segs == nil {
		c.segs = map[any]*segmentTexts{}
	}
	t, ok := c.segs[s.Segment()]
	if !ok {
		t = &segmentTexts{}
		c.segs[s.Segment()] = t
	}
	c.mu.Unlock()
	t.once.Do(func() {
		n := s.Segment().Count()
		t.ends = make([]int, n)
		var buf []byte
		for i := range n {
			var err error
			if buf, err = visitMatch(s, i, buf); err != nil {
				t.err = fmt.Errorf("read search texts: document %d: %w", i, err)
				return
			}
			t.data = append(t.data, buf...)
			t.ends[i] = len(t.data)
		}
		t.data = slices.Clone(t.data) // no room to spare
		t.bmp = lowSurrogates(t.data) == 0
	})
	if t.err != nil {
		c.mu.Lock()
		if c.segs[s.Segment()] == t {
			delete(c.segs, s.Segment()) // try again next time
		}
		c.mu.Unlock()
		return nil, t.err
	}
	return t, nil
}

// keep drops the texts of the segments that are not in segs (merged
// away), when segs has one that the cache has not seen.
func (c *textCache) keep(segs []*scorch.SegmentSnapshot) {
	c.mu.Lock()
	defer c.mu.Unlock()
	news := false
	for _, s := range segs {
		if _, ok := c.segs[s.Segment()]; !ok {
			news = true
			break
		}
	}
	if !news {
		return
	}
	live := map[any]bool{}
	for _, s := range segs {
		live[s.Segment()] = true
	}
	for seg := range c.segs {
		if !live[seg] {
			delete(c.segs, seg)
		}
	}
}

// size returns the bytes of the texts in memory.
func (c *textCache) size() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, t := range c.segs {
		n += len(t.data) + 8*len(t.ends)
	}
	return n
}

// heldSnapshot is the scorch snapshot a search ran on, with a reference
// taken, so that the hits' stored fields are read from the very snapshot
// that numbered them, by number; nil when it was no scorch snapshot.
type heldSnapshot struct{ snap *scorch.IndexSnapshot }

// hold takes a reference to r if it is a scorch snapshot and none is held.
func (h *heldSnapshot) hold(r bindex.IndexReader) {
	if s, ok := r.(*scorch.IndexSnapshot); ok && h.snap == nil {
		s.AddRef()
		h.snap = s
	}
}

// docs returns the fast path's reader of the held snapshot, false if
// there is none or the fast path does not apply.
func (h *heldSnapshot) docs(layout *layoutCheck) (*scorchDocs, bool, error) {
	if h.snap == nil {
		return nil, false, nil
	}
	return newScorchDocs(h.snap, nil, layout)
}

// release drops the reference.
func (h *heldSnapshot) release() {
	if h.snap != nil {
		// DecRef fails only when it closes the last reference's segments;
		// the search has its hits by then and bleve logs nothing either.
		_ = h.snap.DecRef()
		h.snap = nil
	}
}
