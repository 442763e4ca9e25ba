package ingest

// FilterCandidates returns the themes the rules of t give text, before the
// learned filter, and the filter's features of each over the theme names
// of names: what TestTrainThemeFilter learns from.
func (t *Taxonomy) FilterCandidates(text string, names []string) ([]string, [][]float64) {
	occ, kept, nDropped := t.candidates(text)
	rs := t.reasonsOf(occ, kept)
	var themes []string
	byName := map[string][]Reason{}
	for _, k := range kept {
		themes = append(themes, t.Themes[k].Name)
		byName[t.Themes[k].Name] = rs[k]
	}
	var xs [][]float64
	for _, th := range themes {
		xs = append(xs, occ.filterFeatures(names, byName, themes, th, nDropped))
	}
	return themes, xs
}

// EmbeddedThemes returns the embedded themes.toml.
func EmbeddedThemes() []byte { return defaultThemes }
