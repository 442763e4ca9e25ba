package ingest

import "strings"

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
		own := o.ignoredBy(th)
		for k, list := range [][]string{th.Any, th.Strong, th.All} {
			strong := k == 1
			for _, p := range list {
				for _, j := range o.valid(th, own, p) {
					s := o.sentence(j)
					out[th.Name] = append(out[th.Name], Spot{s, zone(s), p, strong})
				}
			}
		}
		for _, r := range o.nearAll(th) {
			out[th.Name] = append(out[th.Name], Spot{r.s, zone(r.s), r.phrase, true})
		}
	}
	return out
}

// nearSpot is a sentence where a near rule holds, and its two phrases.
type nearSpot struct {
	s      int
	phrase string
}

// nearAll returns every sentence where a near rule of th holds.
func (o *occurrences) nearAll(th *Theme) []nearSpot {
	own := o.ignoredBy(th)
	var out []nearSpot
	for _, n := range th.Near {
		for _, a := range n.A {
			for _, b := range n.B {
				for _, i := range o.valid(th, own, a) {
					for _, j := range o.valid(th, own, b) {
						if i < j+len(b) && j < i+len(a) {
							continue
						}
						if n.Ordered && j < i {
							continue
						}
						if n.Within > 0 && gap(o.text, i, i+len(a), j, j+len(b)) > n.Within {
							continue
						}
						if o.sentence(i) != o.sentence(j) {
							continue
						}
						out = append(out, nearSpot{o.sentence(i), a + "…" + b})
					}
				}
			}
		}
	}
	return out
}
