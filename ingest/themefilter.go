package ingest

import (
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"
	"strings"
)

// ThemeFilter is a logistic regression learned from the judged set
// (testdata/judged) that decides, for each theme the rules give an article,
// whether to keep it: the rules find candidates with high recall, the
// filter drops those whose evidence looks like the false tags of the
// judged articles. Its weights are data (themefilter.json), trained by
// go test ./ingest -run TestTrainThemeFilter -update-filter.
type ThemeFilter struct {
	// Taxonomy is the version of themes.toml the filter was trained with.
	Taxonomy string `json:"taxonomy"`
	// Themes names the themes in the order of their one-hot features.
	Themes []string `json:"themes"`
	// Threshold is the least score a tag keeps.
	Threshold float64 `json:"threshold"`
	// Weights has one weight per feature (see filterFeatures), the bias last.
	Weights []float64 `json:"weights"`
}

// featureCount is the length of a feature vector for n themes.
func featureCount(n int) int { return n + 4 + 1 + 1 + 3 + 2 + 1 + 1 + 1 }

// ParseThemeFilter parses a filter's JSON and checks that its weights fit
// its themes.
func ParseThemeFilter(data []byte) (*ThemeFilter, error) {
	var f ThemeFilter
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("parse theme filter: %w", err)
	}
	if len(f.Themes) == 0 {
		return nil, errors.New("theme filter names no theme")
	}
	if want := featureCount(len(f.Themes)); len(f.Weights) != want {
		return nil, fmt.Errorf("theme filter has %d weights, want %d", len(f.Weights), want)
	}
	return &f, nil
}

// Score returns the probability the filter gives a tag with features x.
func (f *ThemeFilter) Score(x []float64) float64 {
	z := 0.0
	for i, w := range f.Weights {
		z += w * x[i]
	}
	return 1 / (1 + math.Exp(-z))
}

// filterFeatures writes into x (of featureCount(nThemes) zeros) the
// features of the kept tag at position k of a text's kept tags, whose
// evidence (see candidates) is ev: the theme (one-hot, at themeAt; none
// when it is negative); which kinds of rule gave it (strong, any, all,
// near); whether its evidence is in the headline and in the body's first
// sentence; the number of sentences with its evidence, its phrase count
// and its number of reasons (each log(1+n)); the number of other kept
// themes and of themes dropped as secondary mentions; the text's length;
// whether the headline names another kept theme and
// not this one; a bias.
func (o *occurrences) filterFeatures(x []float64, nThemes, themeAt int, ev [][]Reason, k, nDropped int) {
	if themeAt >= 0 {
		x[themeAt] = 1
	}
	j := nThemes
	for _, r := range ev[k] {
		switch r.Rule {
		case "strong":
			x[j] = 1
		case "any":
			x[j+1] = 1
		case "all":
			x[j+2] = 1
		case "near":
			x[j+3] = 1
		}
	}
	j += 4
	firstEnd := len(o.text)
	if n := o.sentence(o.head + 1); n < len(o.stops) {
		firstEnd = o.stops[n]
	}
	if o.head == 0 && len(o.stops) > 0 {
		firstEnd = o.stops[0]
	}
	var inHead, inFirst bool
	var buf [16]int
	sentences := buf[:0]
	total := 0
	for _, r := range ev[k] {
		total += r.Count
		for p := range phrasesOf(r) {
			at := o.at[p]
			for _, i := range at {
				if n := o.sentence(i); !slices.Contains(sentences, n) {
					sentences = append(sentences, n)
				}
				if i < o.head {
					inHead = true
				} else if i < firstEnd {
					inFirst = true
				}
			}
		}
	}
	x[j], x[j+1] = b2f(inHead), b2f(inFirst)
	j += 2
	x[j] = math.Log1p(float64(len(sentences)))
	x[j+1] = math.Log1p(float64(total))
	x[j+2] = math.Log1p(float64(len(ev[k])))
	j += 3
	x[j] = math.Log1p(float64(len(ev) - 1))
	x[j+1] = math.Log1p(float64(nDropped))
	j += 2
	x[j] = math.Log(float64(o.runes+1)) / 8
	j++
	other := false
	for m, rs := range ev {
		if m == k {
			continue
		}
		for _, r := range rs {
			for p := range phrasesOf(r) {
				if at := o.at[p]; len(at) > 0 && at[0] < o.head {
					other = true
				}
			}
		}
	}
	x[j] = b2f(other && !inHead)
	j++
	x[j] = 1
}

// phrasesOf yields the phrases of a reason: a near rule's two, "清理…楼道".
func phrasesOf(r Reason) iter.Seq[string] {
	return func(yield func(string) bool) {
		if r.Rule == "near" {
			if a, b, ok := strings.Cut(r.Phrase, "…"); ok {
				if yield(a) {
					yield(b)
				}
				return
			}
		}
		yield(r.Phrase)
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// filterDrops returns, by theme index, the themes of kept (indices of the
// themes the rules give, after secondary mentions) that the filter drops,
// each with a reason giving its score. ev holds the evidence of each kept
// theme (see candidates); nDropped is how many were dropped as secondary
// mentions.
func (t *Taxonomy) filterDrops(o *occurrences, kept []int, ev [][]Reason, nDropped int) map[int]Reason {
	if t.filter == nil || len(kept) == 0 {
		return nil
	}
	n := len(t.filter.Themes)
	var buf [64]float64
	x := buf[:0]
	if c := featureCount(n); c <= len(buf) {
		x = buf[:c]
	} else {
		x = make([]float64, c)
	}
	var out map[int]Reason
	for k, i := range kept {
		clear(x)
		o.filterFeatures(x, n, t.filterAt[i], ev, k, nDropped)
		if s := t.filter.Score(x); s < t.filter.Threshold {
			if out == nil {
				out = map[int]Reason{}
			}
			out[i] = Reason{Theme: t.Themes[i].Name, Rule: "filter", Score: s,
				Context: fmt.Sprintf("the learned filter scores it %.3f, under its threshold %.3f", s, t.filter.Threshold)}
		}
	}
	return out
}
