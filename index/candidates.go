package index

import (
	"fmt"
	"math"

	"github.com/RoaringBitmap/roaring/v2"
)

// candidates are the documents of a snapshot that hold every bigram of a
// phrase, as one bitmap per segment: the postings of the bigrams ANDed,
// without the deleted documents. Found so, they cost a few bitmap
// operations, where reading them through term readers cost an Advance of
// every reader for every document of the rarest; a candidate is then
// checked against its search text.
type candidates struct {
	docs  snapshotDocs
	bms   []*roaring.Bitmap // of each segment, local numbers
	total uint64            // candidates in all
}

// postingsBitmap is what a segment's postings list does that its interface
// does not say: zap's adds its documents to a bitmap.
type postingsBitmap interface {
	OrInto(*roaring.Bitmap)
}

// findCandidates returns the candidates of terms (bigrams) in field, and
// the number of documents of the rarest term.
func findCandidates(docs snapshotDocs, field string, terms []string) (*candidates, uint64, error) {
	c := &candidates{docs: docs, bms: make([]*roaring.Bitmap, len(docs.segs))}
	counts := make([]uint64, len(terms))
	for i, s := range docs.segs {
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
					return nil, 0, fmt.Errorf("phrase: postings of type %T", pl)
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
		c.total += bm.GetCardinality()
	}
	rarest := uint64(math.MaxUint64)
	for _, n := range counts {
		rarest = min(rarest, n)
	}
	return c, rarest, nil
}

// candidateIter reads candidates in order, one goroutine's.
type candidateIter struct {
	c   *candidates
	seg int
	it  roaring.IntPeekable // of segment seg, nil before it is reached
}

// seek returns the first candidate at or after doc, false past the last;
// ci.seg is then its segment.
func (ci *candidateIter) seek(doc uint64) (uint64, bool) {
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
			return off + uint64(ci.it.Next()), true
		}
		ci.seg, ci.it = ci.seg+1, nil
	}
	return 0, false
}
