package ingest

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// gazetteer finds known names in text. Names are indexed by their first rune,
// longest first, so a scan costs one map look-up per character of text.
type gazetteer struct {
	byFirst map[rune][]entry
	// bmp has a bit set for each first rune in the Basic Multilingual
	// Plane: most characters of a text start no name, and a bit test
	// rules them out faster than a map look-up.
	bmp [1 << 16 / 64]uint64
}

// candidates returns the entries whose name starts with r.
func (g *gazetteer) candidates(r rune) []entry {
	if r < 1<<16 && g.bmp[r/64]&(1<<(r%64)) == 0 {
		return nil
	}
	return g.byFirst[r]
}

// entry is a name and the value it stands for (a district's full name for
// its short form, say).
type entry struct {
	name, value string
}

func newGazetteer(entries []entry) *gazetteer {
	g := &gazetteer{byFirst: make(map[rune][]entry)}
	for _, e := range entries {
		r, _ := utf8.DecodeRuneInString(e.name)
		g.byFirst[r] = append(g.byFirst[r], e)
		if r < 1<<16 {
			g.bmp[r/64] |= 1 << (r % 64)
		}
	}
	for _, list := range g.byFirst {
		sort.SliceStable(list, func(i, j int) bool { return len(list[i].name) > len(list[j].name) })
	}
	return g
}

// longest returns the longest entry that s starts with.
func (g *gazetteer) longest(s string) (entry, bool) {
	r, _ := utf8.DecodeRuneInString(s)
	for _, e := range g.candidates(r) {
		if strings.HasPrefix(s, e.name) {
			return e, true
		}
	}
	return entry{}, false
}

// scan calls fn for each leftmost-longest match in text; matches do not
// overlap.
func (g *gazetteer) scan(text string, fn func(entry)) {
	for i := 0; i < len(text); {
		if e, ok := g.longest(text[i:]); ok {
			fn(e)
			i += len(e.name)
			continue
		}
		_, n := utf8.DecodeRuneInString(text[i:])
		i += n
	}
}
