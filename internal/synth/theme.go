package synth

import (
	"cmp"
	"slices"
	"sync"

	"jianbao/ingest"
)

// An article is about 0–2 intended themes, drawn from the themes of the
// default taxonomy that have a bank here. Its lead, and some of its further
// sentences, come from the banks of its themes; the rest is neutral filler.
// Its expected themes are the intended ones, so that tagging generated
// articles measures the taxonomy instead of repeating it.

// campaignYears limits themes to the years of their campaigns (first and
// last year).
var campaignYears = map[string][2]int{
	"疫情防控":   {2020, 2022},
	"党史学习教育": {2021, 2021},
	"冬奥服务保障": {2017, 2022},
}

// themeWeight is how often a theme is drawn in a year, relative to the
// others: 0 outside its campaign, more while a campaign dominates the
// bulletins.
func themeWeight(theme string, year int) int {
	span, ok := campaignYears[theme]
	switch {
	case !ok:
		return 2
	case year < span[0] || year > span[1]:
		return 0
	case theme == "冬奥服务保障" && year < 2021:
		return 1
	}
	return 5
}

// orgThemes are the bodies whose names are about a theme (海淀区妇联 is about
// women and families). Filler names them only in articles about the theme,
// so that a name does not bring a theme the article is not about.
var orgThemes = map[string]string{
	"妇联":           "妇女与家庭",
	"市妇联":          "妇女与家庭",
	"志愿者联合会":       "志愿服务",
	"市志愿服务联合会":     "志愿服务",
	"北京志愿服务发展研究会":  "志愿服务",
	"新时代文明实践中心":    "新时代文明实践",
	"北京市新时代文明实践中心": "新时代文明实践",
}

// parsedBank is a themeBank with its templates parsed.
type parsedBank struct {
	leads, sentences, headlines, briefs []template
}

type pairKey [2]string

func makePairKey(a, b string) pairKey {
	if a > b {
		a, b = b, a
	}
	return pairKey{a, b}
}

// banks are the parsed theme banks, the pair banks and the themes that can
// be drawn, in taxonomy order.
type banks struct {
	theme   map[string]*parsedBank
	pair    map[pairKey][]template
	passing map[string][]template // passing mentions by theme
	themes  []string
	rank    map[string]int // taxonomy position of each theme
}

var themeBanksParsed = sync.OnceValue(func() *banks {
	b := &banks{theme: map[string]*parsedBank{}, pair: map[pairKey][]template{}, passing: map[string][]template{}, rank: map[string]int{}}
	for i, th := range ingest.DefaultTaxonomy().Themes {
		b.rank[th.Name] = i
		tb, ok := themeBanks[th.Name]
		if !ok {
			continue
		}
		b.themes = append(b.themes, th.Name)
		if ps := passingMentions[th.Name]; len(ps) > 0 {
			b.passing[th.Name] = parseTemplates(ps)
		}
		b.theme[th.Name] = &parsedBank{
			leads:     parseTemplates(tb.leads),
			sentences: parseTemplates(tb.sentences),
			headlines: parseTemplates(tb.headlines),
			briefs:    parseTemplates(tb.briefs),
		}
	}
	for _, p := range pairBanks {
		k := makePairKey(p.themes[0], p.themes[1])
		b.pair[k] = append(b.pair[k], parseTemplates(p.sentences)...)
	}
	return b
})

// taxonomyOrder returns themes sorted in the order of the default taxonomy,
// as a non-nil slice.
func taxonomyOrder(themes []string) []string {
	rank := themeBanksParsed().rank
	out := append([]string{}, themes...)
	slices.SortFunc(out, func(a, b string) int { return cmp.Compare(rank[a], rank[b]) })
	return out
}

// drawThemes draws the intended themes of an article of year: for a brief
// item 0 or 1, else 0 (20%), 1 (50%) or 2 (30%); the first is the one the
// article leads with. A second theme is most often one that goes with the
// first (a pair bank holds sentences about both), else any.
func (g *generator) drawThemes(year int, brief bool) []string {
	r := g.r
	k := 0
	switch p := r.IntN(100); {
	case brief && p >= 30:
		k = 1
	case !brief && p >= 70:
		k = 2
	case !brief && p >= 20:
		k = 1
	}
	b := themeBanksParsed()
	weights := make([]int, len(b.themes))
	total := 0
	for i, th := range b.themes {
		weights[i] = themeWeight(th, year)
		total += weights[i]
	}
	var out []string
	for range k {
		if total == 0 {
			break
		}
		if len(out) == 1 && r.IntN(100) < 60 {
			var with []int
			for i, th := range b.themes {
				if weights[i] > 0 && len(b.pair[makePairKey(out[0], th)]) > 0 {
					with = append(with, i)
				}
			}
			if len(with) > 0 {
				out = append(out, b.themes[pick(r, with)])
				break
			}
		}
		x := r.IntN(total)
		for i, w := range weights {
			if x < w {
				out = append(out, b.themes[i])
				total -= w
				weights[i] = 0
				break
			}
			x -= w
		}
	}
	return out
}

// picker picks templates at random, each at most once per article.
type picker struct {
	g    *generator
	used map[*template]bool
}

// pick returns an unused template of ts, or nil when all are used.
func (p *picker) pick(ts []template) *template {
	free := 0
	for i := range ts {
		if !p.used[&ts[i]] {
			free++
		}
	}
	if free == 0 {
		return nil
	}
	n := p.g.r.IntN(free)
	for i := range ts {
		if p.used[&ts[i]] {
			continue
		}
		if n == 0 {
			p.used[&ts[i]] = true
			return &ts[i]
		}
		n--
	}
	return nil
}

// passingTheme returns, for 15% of articles, a theme that the article of
// year about themes names in passing: one it is not about, of the year's
// campaigns. It returns "" for the others.
func (g *generator) passingTheme(year int, themes []string) string {
	r := g.r
	if r.IntN(100) >= 15 {
		return ""
	}
	b := themeBanksParsed()
	var cands []string
	for _, th := range b.themes {
		if len(b.passing[th]) > 0 && themeWeight(th, year) > 0 && !slices.Contains(themes, th) {
			cands = append(cands, th)
		}
	}
	if len(cands) == 0 {
		return ""
	}
	return pick(r, cands)
}
