package synth

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"jianbao/ingest"
)

// tally counts, for one theme or for all, the articles the parser tagged
// with an intended theme (tp), with one not intended (fp), and the intended
// themes it missed (fn).
type tally struct{ tp, fp, fn int }

func (c tally) precision() float64 { return ratio(c.tp, c.tp+c.fp) }
func (c tally) recall() float64    { return ratio(c.tp, c.tp+c.fn) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// themeCase is an article whose tags differ from its intended themes.
type themeCase struct {
	id        string
	want, got []string
	reasons   []ingest.Reason
	body      string
}

// measureTagging parses files, tags their articles with tax and compares
// the themes with the intended ones: micro-averaged counts overall and per
// theme, and the articles that differ.
func measureTagging(t testing.TB, files []File, tax *ingest.Taxonomy) (all tally, per map[string]*tally, articles int, cases []themeCase) {
	t.Helper()
	per = map[string]*tally{}
	for _, th := range tax.Themes {
		per[th.Name] = &tally{}
	}
	for _, f := range files {
		got, err := ingest.Parse(context.Background(), f.Name, f.Data, ingest.Options{Themes: tax})
		if got == nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if len(got.Articles) != len(f.Expected.Articles) {
			t.Fatalf("%s: %d articles, want %d", f.Name, len(got.Articles), len(f.Expected.Articles))
		}
		for i, ga := range got.Articles {
			want := f.Expected.Articles[i].Themes
			articles++
			for _, th := range ga.Themes {
				if slices.Contains(want, th) {
					all.tp++
					per[th].tp++
				} else {
					all.fp++
					per[th].fp++
				}
			}
			for _, th := range want {
				if !slices.Contains(ga.Themes, th) {
					all.fn++
					per[th].fn++
				}
			}
			if !slices.Equal(ga.Themes, want) {
				cases = append(cases, themeCase{ga.ID, want, ga.Themes, tax.ExplainArticle(&ga), ga.Body})
			}
		}
	}
	return all, per, articles, cases
}

// falsePhrases lists the phrases that made the false tags of cases, most
// frequent first: theme:phrase×articles.
func falsePhrases(cases []themeCase) string {
	n := map[string]int{}
	for _, c := range cases {
		for _, r := range c.reasons {
			if !slices.Contains(c.want, r.Theme) {
				n[r.Theme+":"+r.Phrase]++
			}
		}
	}
	keys := make([]string, 0, len(n))
	for k := range n {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return cmp.Or(cmp.Compare(n[b], n[a]), cmp.Compare(a, b)) })
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s×%d", k, n[k]))
	}
	return strings.Join(parts, " ")
}

// tagFloor is the least precision and recall the default taxonomy must
// reach on the generated archive. The generator's intended themes leave
// out a theme named once in passing (a volunteer in an article about
// traffic), while since themes.toml 2026.12.1 one decisive mention tags a
// theme, as readers of real bulletins judge it: the judged set
// (ingest/testdata/judged, TestJudged) is the measure of quality, this
// one guards against regressions. 2026.12.3 reaches 0.81 and 0.98 here.
const tagFloor = 0.78

// TestThemeTagging tags 500 generated bulletins and compares the parser's
// themes with the themes the articles were written about: micro-averaged
// precision and recall, overall and per theme. Run with -v to see the
// figures and the articles tagged differently.
func TestThemeTagging(t *testing.T) {
	files := Generate(500, 1)
	for _, tt := range []struct {
		name  string
		tax   *ingest.Taxonomy
		floor float64 // least precision and recall
	}{
		{"default", ingest.DefaultTaxonomy(), tagFloor},
	} {
		t.Run(tt.name, func(t *testing.T) {
			all, per, articles, cases := measureTagging(t, files, tt.tax)
			t.Logf("%d articles, %d intended themes: precision %.3f (%d of %d tags), recall %.3f (%d of %d themes)",
				articles, all.tp+all.fn, all.precision(), all.tp, all.tp+all.fp, all.recall(), all.tp, all.tp+all.fn)
			var b strings.Builder
			fmt.Fprintf(&b, "%-10s\t%9s %6s %5s %5s %5s\n", "theme", "precision", "recall", "tp", "fp", "fn")
			for _, th := range tt.tax.Themes {
				c := per[th.Name]
				fmt.Fprintf(&b, "%-10s\t%9.3f %6.3f %5d %5d %5d\n", th.Name, c.precision(), c.recall(), c.tp, c.fp, c.fn)
			}
			t.Log("per theme:\n" + b.String())
			t.Log("phrases of false tags: " + falsePhrases(cases))
			for i, c := range cases {
				if i == 10 {
					t.Logf("… and %d more articles tagged differently", len(cases)-i)
					break
				}
				t.Logf("%s: intended %q, tagged %q (%+v)\n  %s", c.id, c.want, c.got, c.reasons, c.body)
			}
			if all.tp+all.fn < 2000 {
				t.Errorf("only %d intended themes in %d articles", all.tp+all.fn, articles)
			}
			if p := all.precision(); p < tt.floor {
				t.Errorf("precision %.3f, want at least %.2f", p, tt.floor)
			}
			if r := all.recall(); r < tt.floor {
				t.Errorf("recall %.3f, want at least %.2f", r, tt.floor)
			}
		})
	}
}

// TestIntendedThemes checks the intended themes of a generated archive: at
// most two distinct themes of the default taxonomy per article, in taxonomy
// order, never nil, campaigns only in their years, every theme drawn, and
// the share of articles with none, one and two themes.
func TestIntendedThemes(t *testing.T) {
	rank := map[string]int{}
	for i, th := range ingest.DefaultTaxonomy().Themes {
		rank[th.Name] = i
	}
	files, st := generate(500, 1)
	drawn := map[string]int{}
	var byCount [3]int
	for _, f := range files {
		year, _ := strconv.Atoi(f.Expected.Date[:4])
		for _, a := range f.Expected.Articles {
			if a.Themes == nil {
				t.Fatalf("%s: themes nil", a.ID)
			}
			if len(a.Themes) > 2 {
				t.Fatalf("%s: %d themes %q", a.ID, len(a.Themes), a.Themes)
			}
			byCount[len(a.Themes)]++
			for i, th := range a.Themes {
				r, ok := rank[th]
				if !ok {
					t.Errorf("%s: theme %q not in the taxonomy", a.ID, th)
				}
				if i > 0 && r <= rank[a.Themes[i-1]] {
					t.Errorf("%s: themes %q not in taxonomy order or repeated", a.ID, a.Themes)
				}
				if themeWeight(th, year) == 0 {
					t.Errorf("%s: theme %s in %d, outside its campaign", a.ID, th, year)
				}
				drawn[th]++
			}
		}
	}
	for th := range rank {
		if drawn[th] < 20 {
			t.Errorf("theme %s intended in %d articles, want at least 20", th, drawn[th])
		}
	}
	n := float64(st.articles)
	for k, want := range [][2]float64{{0.15, 0.32}, {0.40, 0.60}, {0.15, 0.30}} {
		if p := float64(byCount[k]) / n; p < want[0] || p > want[1] {
			t.Errorf("articles with %d themes: %.2f, want between %.2f and %.2f", k, p, want[0], want[1])
		}
	}
	if p := float64(st.passing) / n; p < 0.08 || p > 0.2 {
		t.Errorf("articles naming a theme in passing: %.2f, want between 0.08 and 0.20", p)
	}
	t.Logf("%d articles with 0/1/2 themes: %v; %d name a theme in passing", st.articles, byCount, st.passing)
}

// slotRe matches the slots of a template, {S:文明实践站} and the like.
var slotRe = regexp.MustCompile(`\{[^}]*\}`)

// TestThemeBanks checks the banks against the default taxonomy: a bank for
// every theme with enough text, pairs and passing mentions of known themes,
// bodies tied to known themes, and neutral filler that names no theme.
func TestThemeBanks(t *testing.T) {
	tax := ingest.DefaultTaxonomy()
	names := map[string]bool{}
	for _, th := range tax.Themes {
		names[th.Name] = true
		b, ok := themeBanks[th.Name]
		if !ok {
			t.Errorf("no bank for theme %s", th.Name)
			continue
		}
		if len(b.leads) < 3 || len(b.sentences) < 6 || len(b.headlines) < 2 || len(b.briefs) < 2 {
			t.Errorf("bank of %s too small: %d leads, %d sentences, %d headlines, %d briefs",
				th.Name, len(b.leads), len(b.sentences), len(b.headlines), len(b.briefs))
		}
		for _, h := range b.headlines {
			if strings.ContainsAny(slotRe.ReplaceAllString(h, ""), ",。，、“”！？:;") {
				t.Errorf("headline %q of %s holds punctuation", h, th.Name)
			}
		}
	}
	for name := range themeBanks {
		if !names[name] {
			t.Errorf("bank for %s, which the taxonomy lacks", name)
		}
	}
	for _, p := range pairBanks {
		if !names[p.themes[0]] || !names[p.themes[1]] || p.themes[0] == p.themes[1] {
			t.Errorf("pair bank of %q: not two themes of the taxonomy", p.themes)
		}
	}
	for name := range passingMentions {
		if !names[name] {
			t.Errorf("passing mentions of %s, which the taxonomy lacks", name)
		}
	}
	for body, th := range orgThemes {
		if !names[th] {
			t.Errorf("body %s tied to %s, which the taxonomy lacks", body, th)
		}
		if !slices.Contains(districtOrgSuffixes, body) && !slices.Contains(municipalOrgs, body) {
			t.Errorf("body %s is neither a district suffix nor a municipal body", body)
		}
	}
	for _, bank := range [][]string{leads, sentences, briefs, briefTails, headlines} {
		for _, s := range bank {
			for name := range names {
				if strings.Contains(s, name) {
					t.Errorf("neutral template %q names theme %s", s, name)
				}
			}
		}
	}
}
