package index

import (
	"encoding/binary"
	"math"
	"sync/atomic"
)

// textNorm is the length norm of a search text (UTF-16LE) as jianbao
// computes it: 1/√(bigrams of the text), a float32 as bleve keeps it.
// The text field (fText) holds one bigram per character but the last
// (segment.BigramPositions), and bleve's classic length normalisation of
// a field of n tokens is 1/√n, so this is the norm bleve keeps for the
// document, computed without reading its postings. normCheck makes sure
// of that at run time.
func textNorm(text []byte) float64 {
	return charsNorm(len(text)/2 - lowSurrogates(text))
}

// charsNorm is the norm of a search text of n characters.
func charsNorm(n int) float64 {
	return float64(float32(1 / math.Sqrt(float64(max(n-1, 1)))))
}

// lowSurrogates counts the UTF-16LE units of text that are low surrogates
// (the second half of a character outside the BMP). It tests sixteen units
// at a time, four to a word, and counts only where one is: such characters
// are rare, and a text is read for every match.
func lowSurrogates(text []byte) int {
	n, i := 0, 0
	for ; i+32 <= len(text); i += 32 {
		b := text[i : i+32]
		if hasLowSurrogate(binary.LittleEndian.Uint64(b)) || hasLowSurrogate(binary.LittleEndian.Uint64(b[8:])) ||
			hasLowSurrogate(binary.LittleEndian.Uint64(b[16:])) || hasLowSurrogate(binary.LittleEndian.Uint64(b[24:])) {
			n += lowSurrogates16(b)
		}
	}
	return n + lowSurrogates16(text[i:])
}

// hasLowSurrogate reports whether one of the four UTF-16 units of v is a
// low surrogate: its top six bits 110111, found as a zero unit after
// masking and flipping them.
func hasLowSurrogate(v uint64) bool {
	const (
		ones  = 0x0001_0001_0001_0001
		highs = 0x8000_8000_8000_8000
		mask  = 0xfc00_fc00_fc00_fc00
		low   = 0xdc00_dc00_dc00_dc00
	)
	v = v&mask ^ low
	return (v-ones)&^v&highs != 0
}

// lowSurrogates16 counts them a unit at a time.
func lowSurrogates16(text []byte) int {
	n := 0
	for i := 1; i < len(text); i += 2 {
		if text[i]&0xfc == 0xdc {
			n++
		}
	}
	return n
}

// normCheckMatches is how many phrase matches' norms, read from the index
// and computed from the text alike, make textNorm trusted.
const normCheckMatches = 32

// normCheck decides whether a phrase match's norm may be computed from
// its search text (textNorm) or must be read from the index, as bleve
// keeps it: the first normCheckMatches matches of an index's searches are
// scored with the norm read, and compared with textNorm's; one difference
// (a bleve that normalises otherwise) makes every later search read the
// norm. The zero value checks.
type normCheck struct {
	// agreed counts the matches that agreed, up to normCheckMatches
	// (trusted); -1 after a difference.
	agreed atomic.Int32
	// fromText is textNorm; tests replace it to see a difference handled.
	fromText func([]byte) float64
}

// trusted reports whether textNorm gives the norm of every match.
func (n *normCheck) trusted() bool { return n.agreed.Load() >= normCheckMatches }

// compute returns the norm of a match's text by textNorm (or its test
// replacement); bmp: the text is known to have no character outside the
// BMP, so its characters need no counting.
func (n *normCheck) compute(text []byte, bmp bool) float64 {
	switch {
	case n.fromText != nil:
		return n.fromText(text)
	case bmp:
		return charsNorm(len(text) / 2)
	}
	return textNorm(text)
}

// observe records a match's norm as read from the index beside the
// search text it was found in.
func (n *normCheck) observe(read float64, text []byte) {
	if n.compute(text, false) != read {
		n.agreed.Store(-1)
		return
	}
	for {
		v := n.agreed.Load()
		if v < 0 || v >= normCheckMatches || n.agreed.CompareAndSwap(v, v+1) {
			return
		}
	}
}
