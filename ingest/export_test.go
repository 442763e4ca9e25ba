package ingest

import "slices"

// FilterCandidates returns the themes the rules of t give text, before the
// learned filter, and the filter's features of each over the theme names
// of names: what TestTrainThemeFilter learns from.
func (t *Taxonomy) FilterCandidates(text string, names []string) ([]string, [][]float64) {
	occ, kept, ev, nDropped := t.candidates(text, true)
	var themes []string
	var xs [][]float64
	for k, i := range kept {
		themes = append(themes, t.Themes[i].Name)
		x := make([]float64, featureCount(len(names)))
		occ.filterFeatures(x, len(names), slices.Index(names, t.Themes[i].Name), ev, k, nDropped)
		xs = append(xs, x)
	}
	return themes, xs
}

// EmbeddedThemes returns the embedded themes.toml.
func EmbeddedThemes() []byte { return defaultThemes }
