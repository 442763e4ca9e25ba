package ingest

import (
	"slices"
	"strings"
)

// Spot is where a rule of a theme fires in an article's text.
type Spot struct {
	Sentence int    // the sentence's index; the headline's sentences come first
	Zone     string // "headline", "lead" (the body's first sentence) or "later"
	Phrase   string
	Strong   bool // a strong phrase or a near rule, not an any phrase
}

// Spots returns, by theme, where the rules of each theme fire in the
// article's text: every occurrence of its any, strong and all phrases that
// counts, and every sentence where one of its near rules holds.
func (t *Taxonomy) Spots(a *Article) map[string][]Spot {
	text := themeText(matchLines(articleText(a)))
	o := t.occurrences(text)
	head := strings.Index(text, "\n")
	lead := -1
	if head >= 0 {
		lead = o.sentence(head + 1)
	}
	zone := func(s int) string {
		switch {
		case head >= 0 && s < lead:
			return "headline"
		case s == lead:
			return "lead"
		}
		return "later"
	}
	out := map[string][]Spot{}
	for i := range t.Themes {
		th := &t.Themes[i]
		o.eachSpot(th, len(text), func(sp spot) bool {
			s := o.sentence(sp.at[0])
			strong := strings.Contains(sp.phrase, "…") || slices.Contains(th.Strong, sp.phrase)
			out[th.Name] = append(out[th.Name], Spot{s, zone(s), sp.phrase, strong})
			return true
		})
	}
	return out
}
