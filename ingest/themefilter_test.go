package ingest_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"jianbao/ingest"
)

var updateFilter = flag.Bool("update-filter", false, "train the theme filter on the judged set and write themefilter.json")

// filterCand is a tag the rules give an article of the judged set, with
// its features and whether the article was judged to have it.
type filterCand struct {
	x    []float64
	good bool
}

// filterPart is a part of the judged set as the filter sees it.
type filterPart struct {
	name   string // the part's letter
	cands  []filterCand
	missed int // judged themes the rules do not give
}

// Training settings of the theme filter, chosen by the leave-one-blind-
// part-out cross-validation TestTrainThemeFilter reports.
const (
	filterL2     = 1.0
	filterRate   = 0.5
	filterRounds = 2000
	// filterMinRecall is the recall every blind part must keep.
	filterMinRecall = 0.93
)

// firstBlindPart is the first part written blind to the rules (the former
// heldout-4); it and the parts after it are held apart in turn.
const firstBlindPart = "i"

// fitFilter fits a logistic regression by batch gradient descent with an
// L2 penalty, the false tags weighted up to count as much as the true ones
// together. It is deterministic: same candidates in the same order, same
// weights.
func fitFilter(cands []filterCand) []float64 {
	d := len(cands[0].x)
	w := make([]float64, d)
	var good, bad float64
	for _, c := range cands {
		if c.good {
			good++
		} else {
			bad++
		}
	}
	badWeight := good / max(bad, 1)
	g := make([]float64, d)
	for range filterRounds {
		clear(g)
		for _, c := range cands {
			z := 0.0
			for j := range w {
				z += w[j] * c.x[j]
			}
			p := 1 / (1 + math.Exp(-z))
			y, cw := 0.0, badWeight
			if c.good {
				y, cw = 1, 1
			}
			for j := range w {
				g[j] += cw * (p - y) * c.x[j]
			}
		}
		n := float64(len(cands))
		for j := range w {
			w[j] -= filterRate * (g[j] + filterL2*w[j]) / n
		}
	}
	return w
}

// readFilterParts reads every development part of the judged set as the
// filter's candidates under tax (a taxonomy without a filter).
func readFilterParts(tb testing.TB, tax *ingest.Taxonomy, names []string) []filterPart {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "judged", "dev-*.txt"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no development part: %v", err)
	}
	slices.Sort(files)
	var parts []filterPart
	for _, f := range files {
		p := filterPart{name: strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "dev-"), ".txt")}
		for _, a := range readJudged(tb, f) {
			themes, xs := tax.FilterCandidates(a.title+"\n"+strings.Join(a.body, "\n"), names)
			for i, th := range themes {
				p.cands = append(p.cands, filterCand{x: xs[i], good: slices.Contains(a.themes, th)})
			}
			for _, w := range a.themes {
				if !slices.Contains(themes, w) {
					p.missed++
				}
			}
		}
		parts = append(parts, p)
	}
	return parts
}

// scoreAt counts a part's tags kept at threshold thr given their scores.
func scoreAt(p filterPart, scores []float64, thr float64) tally {
	c := tally{fn: p.missed}
	for i, cd := range p.cands {
		keep := scores[i] >= thr
		switch {
		case keep && cd.good:
			c.tp++
		case keep:
			c.fp++
		case cd.good:
			c.fn++
		}
	}
	return c
}

// TestTrainThemeFilter trains the theme filter on the judged set and
// checks that themefilter.json is what training gives; with -update-filter
// it writes the file. The threshold is chosen by leave-one-blind-part-out
// cross-validation: each part written blind to the rules (I and after) is
// scored by a filter trained on all the other parts, and the threshold
// kept is the one with the best pooled precision at which every such part
// keeps recall 0.93 (the lowest such threshold on a tie). With -v it
// prints the cross-validated figures per part and pooled, with and without
// the filter.
func TestTrainThemeFilter(t *testing.T) {
	tax, err := ingest.ParseTaxonomy(ingest.EmbeddedThemes())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, th := range tax.Themes {
		names = append(names, th.Name)
	}
	parts := readFilterParts(t, tax, names)
	var all []filterCand
	for _, p := range parts {
		all = append(all, p.cands...)
	}
	var blind []int
	scores := map[int][]float64{}
	for k, p := range parts {
		if p.name < firstBlindPart {
			continue
		}
		blind = append(blind, k)
		var train []filterCand
		for j, q := range parts {
			if j != k {
				train = append(train, q.cands...)
			}
		}
		f := ingest.ThemeFilter{Weights: fitFilter(train)}
		for _, c := range p.cands {
			scores[k] = append(scores[k], f.Score(c.x))
		}
	}
	if len(blind) == 0 {
		t.Fatal("no blind part to hold apart")
	}
	figures := func(thr float64) (line string, pooled tally, minRecall float64) {
		minRecall = 1
		for _, k := range blind {
			c := scoreAt(parts[k], scores[k], thr)
			pooled.tp, pooled.fp, pooled.fn = pooled.tp+c.tp, pooled.fp+c.fp, pooled.fn+c.fn
			minRecall = min(minRecall, c.recall())
			line += fmt.Sprintf(" %s %.3f/%.3f", strings.ToUpper(parts[k].name), c.precision(), c.recall())
		}
		return line, pooled, minRecall
	}
	line, base, _ := figures(0)
	t.Logf("without the filter:%s; pooled %.3f/%.3f (tp %d fp %d fn %d)", line, base.precision(), base.recall(), base.tp, base.fp, base.fn)
	best, bestP := -1.0, base.precision()
	for n := 1; n <= 30; n++ {
		thr := float64(n) / 100
		line, pooled, minRecall := figures(thr)
		t.Logf("threshold %.2f:%s; pooled %.3f/%.3f (tp %d fp %d fn %d)", thr, line, pooled.precision(), pooled.recall(), pooled.tp, pooled.fp, pooled.fn)
		if minRecall >= filterMinRecall && pooled.precision() > bestP {
			best, bestP = thr, pooled.precision()
		}
	}
	if best < 0 {
		t.Fatalf("no threshold improves the pooled precision of the blind parts (%.3f) with every part's recall at least %.2f", base.precision(), filterMinRecall)
	}
	t.Logf("chosen threshold %.2f: pooled precision %.3f (%.3f without the filter)", best, bestP, base.precision())
	w := fitFilter(all)
	for i := range w {
		w[i] = math.Round(w[i]*1e6) / 1e6
	}
	want := ingest.ThemeFilter{Taxonomy: tax.Version, Themes: names, Threshold: best, Weights: w}
	var before, after tally
	for _, p := range parts {
		var s []float64
		for _, c := range p.cands {
			s = append(s, want.Score(c.x))
		}
		b, a := scoreAt(p, s, 0), scoreAt(p, s, best)
		before.tp, before.fp, before.fn = before.tp+b.tp, before.fp+b.fp, before.fn+b.fn
		after.tp, after.fp, after.fn = after.tp+a.tp, after.fp+a.fp, after.fn+a.fn
	}
	t.Logf("every part, trained on them all (development figures): %.3f/%.3f without the filter, %.3f/%.3f with it",
		before.precision(), before.recall(), after.precision(), after.recall())
	path := filepath.Join("themefilter.json")
	if *updateFilter {
		data, err := json.MarshalIndent(want, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ingest.ParseThemeFilter(data)
	if err != nil {
		t.Fatal(err)
	}
	if got.Taxonomy != want.Taxonomy || !slices.Equal(got.Themes, want.Themes) || got.Threshold != want.Threshold {
		t.Fatalf("themefilter.json: taxonomy %s, threshold %v; training gives %s, %v (go test ./ingest -run TestTrainThemeFilter -update-filter)",
			got.Taxonomy, got.Threshold, want.Taxonomy, want.Threshold)
	}
	for i := range want.Weights {
		if math.Abs(got.Weights[i]-want.Weights[i]) > 1e-5 {
			t.Fatalf("themefilter.json: weight %d is %v, training gives %v (go test ./ingest -run TestTrainThemeFilter -update-filter)", i, got.Weights[i], want.Weights[i])
		}
	}
}
