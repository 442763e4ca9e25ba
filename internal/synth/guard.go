package synth

import (
	"slices"
	"strings"
	"unicode/utf8"

	"jianbao/ingest"
)

// The generator records what it inserts; the guard reads the text it made
// and rejects an article whose filler formed a name by accident (海淀区 next
// to 妇联 makes 海淀区妇联), so that the recorded mentions are exactly what
// the text names. It follows the rules of the record contract: districts in
// full or short form with 朝阳门 excluded; gazetteer names leftmost-longest.

// notDistrictWords begin with a district's short form but name no district.
var notDistrictWords = []string{"朝阳门"}

// guard scans text for districts and gazetteer organisations.
type guard struct {
	byRune          map[rune][]string       // gazetteer names by first rune, longest first
	districtsByRune map[rune][]districtName // district names by first rune: full forms, exceptions, short forms
}

// districtName is a name that names district, or no district ("").
type districtName struct{ name, district string }

func newGuard() *guard {
	names := ingest.Organisations()
	slices.SortStableFunc(names, func(a, b string) int { return len(b) - len(a) })
	g := &guard{byRune: make(map[rune][]string), districtsByRune: make(map[rune][]districtName)}
	for _, n := range names {
		r, _ := utf8.DecodeRuneInString(n)
		g.byRune[r] = append(g.byRune[r], n)
	}
	var dn []districtName
	for _, d := range ingest.Districts {
		dn = append(dn, districtName{d, d})
	}
	for _, w := range notDistrictWords {
		dn = append(dn, districtName{w, ""})
	}
	for _, d := range ingest.Districts {
		dn = append(dn, districtName{ingest.ShortDistrict(d), d})
	}
	for _, n := range dn {
		r, _ := utf8.DecodeRuneInString(n.name)
		g.districtsByRune[r] = append(g.districtsByRune[r], n)
	}
	return g
}

// districts returns the districts named in text, in order, with repeats.
// Full forms are tried first, then the exceptions, then short forms.
func (g *guard) districts(text string) []string {
	var out []string
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		for _, c := range g.districtsByRune[r] {
			if strings.HasPrefix(text[i:], c.name) {
				if c.district != "" {
					out = append(out, c.district)
					n = len(c.name)
				}
				break
			}
		}
		i += n
	}
	return out
}

// orgs returns the gazetteer names in text, leftmost-longest, with repeats.
func (g *guard) orgs(text string) []string {
	var out []string
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		for _, name := range g.byRune[r] {
			if strings.HasPrefix(text[i:], name) {
				out = append(out, name)
				n = len(name)
				break
			}
		}
		i += n
	}
	return out
}

// agrees reports whether text names exactly the districts and organisations
// of m, in the same order of first mention.
func (g *guard) agrees(text string, m *mentions) bool {
	return slices.Equal(unique(g.districts(text)), unique(m.districts)) &&
		slices.Equal(unique(g.orgs(text)), unique(m.orgs))
}
